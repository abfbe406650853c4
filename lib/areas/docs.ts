/** docs: the stack overview, `docs/phase4.md`, describing every choice and file phase4 made. */
import { catalog } from '../catalog/options.js';
import { hostFor, imageRepository, namespaceFor, productionEnvironment } from '../plan/naming.js';
import type { Area, Config } from '../plan/types.js';
import { byPath } from '../order.js';

const sharedChoices = ['ci', 'cloud', 'orchestration', 'monitoring', 'strategy', 'database', 'cache'] as const;

const labelOf = (name: (typeof sharedChoices)[number], value: string): string => {
  const option = catalog.find((candidate) => candidate.name === name);
  const choices = option && option.kind === 'choice' ? (option.choices as readonly { value: string; label: string }[]) : [];
  return choices.find((choice) => choice.value === value)?.label ?? value;
};

const describe = (config: Config) => ({
  config,
  choices: sharedChoices.map((name) => ({ name, value: config[name], label: labelOf(name, config[name]) })),
  services: config.services.map((service) => ({ ...service, image: imageRepository(config, service) })),
  environments: config.environments.map((environment) => ({
    name: environment,
    host: hostFor(config, environment),
    namespace: namespaceFor(config, environment),
    isProduction: environment === productionEnvironment(config),
  })),
});

export const docsArea: Area = {
  name: 'docs',
  description: 'Stack overview (docs/phase4.md): services, ports, environments, choices and generated files',
  describesOtherFiles: true,
  // example.com is reserved for documentation: the default domain works for a first look only.
  nextSteps: (config) =>
    /(^|\.)example\.com$/.test(config.domain)
      ? [`Set the real production domain (now ${config.domain}): phase4 --domain <your domain>`]
      : [],
  plan: (config, { otherFiles }) => {
    const self = { path: 'docs/phase4.md', area: 'docs', ownership: 'managed' as const };
    const files = [...otherFiles.map(({ path, area, ownership }) => ({ path, area, ownership })), self].sort(byPath);
    return [{ ...self, template: 'docs/phase4.md.ejs', data: { ...describe(config), files } }];
  },
};
