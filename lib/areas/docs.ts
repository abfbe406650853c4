/** docs: the stack overview, `docs/phase4.md`, describing every choice and file phase4 made. */
import { catalog } from '../catalog/options.js';
import type { HealthModel, StackModel } from '../model/index.js';
import { byPath } from '../order.js';
import type { Area } from '../plan/types.js';

const sharedChoices = ['ci', 'cloud', 'orchestration', 'monitoring', 'strategy', 'database', 'cache'] as const;

const labelOf = (name: (typeof sharedChoices)[number], value: string): string => {
  const option = catalog.find((candidate) => candidate.name === name);
  const choices = option && option.kind === 'choice' ? (option.choices as readonly { value: string; label: string }[]) : [];
  return choices.find((choice) => choice.value === value)?.label ?? value;
};

const describeHealth = (health: HealthModel): string =>
  health.kind === 'http' ? `\`${health.path}\`` : health.kind === 'tcp' ? `port ${health.port} accepts connections` : 'none (worker)';

const describe = (model: StackModel) => ({
  config: model.config,
  choices: sharedChoices.map((name) => ({ name, value: model.config[name], label: labelOf(name, model.config[name]) })),
  services: model.services.map((service) => ({
    name: service.name,
    path: service.path,
    kind: service.kind,
    stack: `${service.language} / ${service.framework}`,
    port: service.port === undefined ? 'none' : String(service.port),
    health: describeHealth(service.health),
    image: service.image.repository,
    runtime: service.image.runtime ? `${service.image.runtime.runtime} ${service.image.runtime.version}` : 'nginx',
    commands: Object.entries(service.source.commands),
    start: service.start.join(' '),
  })),
  /** Front ends built into another service's image: no row of their own in the table. */
  frontEnds: model.images.flatMap((image) =>
    image.frontEnds.map((frontEnd) => ({
      name: frontEnd.name,
      path: frontEnd.build.source.path,
      stack: `${frontEnd.build.source.language} / ${frontEnd.build.source.framework}`,
      servedBy: image.owner,
      builtInto: frontEnd.build.source.builtInto!,
      build: frontEnd.build.commands.build,
    })),
  ),
  environments: model.project.environments,
});

export const docsArea: Area = {
  name: 'docs',
  description: 'Stack overview (docs/phase4.md): services, ports, environments, choices and generated files',
  reads: ['name', 'services', 'ci', 'cloud', 'orchestration', 'monitoring', 'strategy', 'database', 'cache', 'environments', 'registry', 'domain', 'team'],
  describesOtherFiles: true,
  // example.com is reserved for documentation: the default domain works for a first look only.
  nextSteps: (model) =>
    /(^|\.)example\.com$/.test(model.project.domain)
      ? [`Set the real production domain (now ${model.project.domain}): phase4 --domain <your domain>`]
      : [],
  plan: (model, { otherFiles }) => {
    const self = { path: 'docs/phase4.md', area: 'docs', ownership: 'managed' as const };
    const files = [...otherFiles.map(({ path, area, ownership }) => ({ path, area, ownership })), self].sort(byPath);
    return [{ ...self, template: 'docs/phase4.md.ejs', data: { ...describe(model), files } }];
  },
};
