/**
 * compose: the production-like local stack (compose.yaml), its development extras (compose.override.yaml),
 * the settings it reads (.env.example), the local secrets (secrets/, scripts/dev-secrets.sh) and the guide
 * to all of it (docs/local-development.md).
 */
import type { Service } from '../../catalog/service.js';
import { buildContextOf, dockerfilePath, imageRepository } from '../../plan/naming.js';
import type { Area, Config, PlannedFile } from '../../plan/types.js';
import { composeModel, dataNetwork, dataPortsNetwork, wrap, type ComposeModel, type Variable } from './model.js';
import type { WatchRule } from './watch.js';
import { byPath } from '../../order.js';

export { composeModel } from './model.js';

const area = 'compose';

const file = (path: string, template: string, data: Record<string, unknown>): PlannedFile => ({
  path,
  template: `compose/${template}`,
  data,
  ownership: 'managed',
  area,
});

const withComment = (variable: Variable) => ({ ...variable, comment: wrap(variable.description) });

/** Everything docs/local-development.md prints, as rows. */
const guide = (config: Config, model: ComposeModel) => {
  const hostPort = (service: string) => model.appServices.find((candidate) => candidate.name === service)?.ports[0]?.hostPort;
  const storePort = (service: string) =>
    model.override.services.find((candidate) => candidate.name === service)?.ports[0]?.hostPort;
  const services = model.appServices.map((service) => {
    const source = service.source as Service;
    const port = hostPort(service.name);
    const healthPath = source.healthPath;
    return {
      name: service.name,
      kind: source.kind,
      url: port === undefined ? undefined : `http://127.0.0.1:${port}${source.kind === 'frontend' ? '/' : healthPath}`,
      health:
        source.kind === 'worker'
          ? 'none (no HTTP endpoint)'
          : service.healthcheck
            ? `${healthPath} (compose healthcheck)`
            : `${healthPath} (the image's HEALTHCHECK)`,
      networks: service.networks.join(', '),
    };
  });
  const stores = model.datastores.map((store) => ({
    name: store.service,
    label: store.label,
    role: store.role,
    address: `127.0.0.1:${storePort(store.service)}`,
    image: store.image,
    volume: store.volume.name,
  }));
  const readers = model.appServices.filter((service) => service.secrets.length > 0).map((service) => service.name);
  const secrets = model.secrets.map((secret) => ({
    ...secret,
    file: `secrets/${secret.name}.txt`,
    usedBy: [
      model.datastores.find((store) => store.secrets.some((candidate) => candidate.name === secret.name))?.service,
      ...(model.datastores.some((store) => store.appSecret === secret.name) ? readers : []),
    ]
      .filter(Boolean)
      .join(', '),
  }));
  const connection = model.datastores.map((store) => ({ label: store.label, settings: store.appEnvironment }));
  const dataUsers = model.appServices.filter((service) => service.networks.includes(dataNetwork)).map((service) => service.name);
  const tests = config.services.map((service) => ({
    name: service.name,
    tag: `${imageRepository(config, service)}:test`,
    dockerfile: dockerfilePath(service),
    context: buildContextOf(service),
    runsTests: Boolean(service.commands.test),
  }));
  const languages = [
    ...new Set(
      model.appServices
        .filter((service) => service.secrets.length > 0)
        .map((service) => (service.source as Service).language),
    ),
  ];
  const firstStore = model.datastores[0];
  return {
    services,
    stores,
    secrets,
    connection,
    dataUsers,
    frontEnds: model.appServices.filter((service) => service.source?.kind === 'frontend').map((service) => service.name),
    tests,
    languages,
    debug: model.debugPorts.map(({ service, debug }) => ({
      service,
      language: debug.language,
      address: `127.0.0.1:${debug.port.hostPort}`,
      how: debug.how,
    })),
    liveReload: model.liveReload.map(({ service, reload }) => {
      const shown = (rule: WatchRule) => rule.path.replace(/^\.\//, '');
      const sync = reload.rules.find((rule) => rule.action === 'sync+restart');
      return {
        service,
        mode: reload.mode,
        sync: sync ? { path: shown(sync), target: sync.target ?? '' } : undefined,
        rebuild: reload.rules.filter((rule) => rule.action === 'rebuild').map(shown),
      };
    }),
    syncing: model.liveReload.filter(({ reload }) => reload.mode === 'sync').map(({ service }) => service),
    rebuilding: model.liveReload
      .filter(({ reload }) => reload.mode === 'rebuild')
      .map(({ service }) => {
        const source = config.services.find((candidate) => candidate.name === service) as Service;
        return `${service} (${builtArtifact(source)})`;
      }),
    passwordExample: firstStore
      ? { variable: firstStore.appEnvironment.find((setting) => setting.name.endsWith('_PASSWORD_FILE'))?.name ?? '' }
      : undefined,
    variables: [
      ...model.variables.base.map((variable) => ({ ...variable, file: 'compose.yaml' })),
      ...model.variables.override.map((variable) => ({ ...variable, file: 'compose.override.yaml' })),
    ],
  };
};

/** What a service that `docker compose watch` rebuilds runs instead of its sources, for the docs. */
const builtArtifact = (service: Service): string => {
  if (service.kind === 'frontend') return 'static files served by nginx';
  if (service.language === 'go') return 'a compiled Go binary';
  if (service.language === 'java') return 'a compiled Java application';
  return 'the output of its build step';
};

/** `a`, `a and b`, `a, b and c`. */
const andList = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** What the override adds, in words: "debug ports, the data stores on 127.0.0.1 and live reload rules for ...". */
const extrasOf = (model: ComposeModel) => {
  const extras = [
    model.debugPorts.length > 0 ? 'debug ports' : '',
    model.override.hasDataPorts ? 'the data stores on 127.0.0.1' : '',
    model.liveReload.length > 0 ? 'live reload rules for `docker compose watch`' : '',
  ].filter(Boolean);
  return andList(extras);
};

/** The opening comments of compose.yaml and .env.example, which depend on what the project has. */
const headers = (config: Config, model: ComposeModel) => {
  const hasOverride = model.override.services.length > 0;
  const hasSecrets = model.secrets.length > 0;
  const compose = [
    ...wrap(
      `Production-like local stack of ${config.name}: every service is built from its own Dockerfile (the last ` +
        `stage, its runtime image)${model.datastores.length > 0 ? ' and the data stores run from pinned images' : ''}. ` +
        (hasOverride
          ? `Development extras (${extrasOf(model)}) live in compose.override.yaml, which \`docker compose\` merges ` +
            'automatically; `docker compose -f compose.yaml up --build` runs this file alone. '
          : '') +
        'Guide: docs/local-development.md.',
    ),
    '',
    ...wrap(
      'Settings come from .env (see .env.example)' +
        (hasSecrets
          ? '; passwords come from secrets/*.txt (scripts/dev-secrets.sh) and reach the containers as files under ' +
            '/run/secrets, never as values in this file or in the environment.'
          : '.'),
    ),
  ];
  const files = hasOverride ? 'compose.yaml and compose.override.yaml read' : 'compose.yaml reads';
  const env = [
    ...wrap(`Every setting that ${files}, with the default the compose files already use.`),
    ...wrap('To change one, copy this file to .env (keep .env out of git) and edit the copy.'),
    ...(hasSecrets ? wrap('Passwords never go here: they are files in secrets/ (run `sh scripts/dev-secrets.sh`).') : []),
  ];
  const publishes = model.override.services.some((service) => service.ports.length > 0);
  const syncs = model.liveReload.some(({ reload }) => reload.mode === 'sync');
  const rebuilds = model.liveReload.some(({ reload }) => reload.mode === 'rebuild');
  const watchDoes = [
    syncs ? 'copies changed sources into the services that run them as they are and restarts them' : '',
    rebuilds ? `rebuilds the image of ${syncs ? 'the others' : 'a service whose files change'}` : '',
  ]
    .filter(Boolean)
    .join(', and ');
  const override = [
    ...wrap(
      `Development extras for ${config.name} (${extrasOf(model)}), merged over compose.yaml by \`docker compose\` ` +
        'automatically; `docker compose -f compose.yaml ...` leaves them out.' +
        (publishes ? ' Everything published here is bound to 127.0.0.1, so nothing is reachable from other machines.' : '') +
        (model.variables.override.length > 0 ? ' Ports can be changed in .env.' : ''),
    ),
    '',
    ...wrap(
      'Source folders are not bind-mounted. Instead, `docker compose watch` (or `docker compose up --watch`, ' +
        `Compose v2.22+) follows the develop.watch rules below: it ${watchDoes} (see docs/local-development.md).`,
    ),
  ];
  return { compose, env, override, extras: extrasOf(model) };
};

export const composeArea: Area = {
  name: area,
  description: 'Local stack with Docker Compose: services, database and cache, secrets as files, isolated networks',
  nextSteps: (config) => [
    ...(composeModel(config).secrets.length > 0 ? ['Create the local development secrets: sh scripts/dev-secrets.sh'] : []),
    'Start the local stack: docker compose up --build (see docs/local-development.md)',
  ],
  plan: (config) => {
    const model = composeModel(config);
    const variables = {
      base: model.variables.base.map(withComment),
      override: model.variables.override.map(withComment),
    };
    const data = { config, model, dataPortsNetwork, headers: headers(config, model), andList };
    const files = [
      file('compose.yaml', 'compose.yaml.ejs', data),
      file('.env.example', 'env.example.ejs', { ...data, model: { ...model, variables } }),
      file('docs/local-development.md', 'local-development.md.ejs', { ...data, guide: guide(config, model) }),
    ];
    if (model.override.services.length > 0) files.push(file('compose.override.yaml', 'compose.override.yaml.ejs', data));
    if (model.secrets.length > 0) {
      files.push(file('secrets/.gitignore', 'secrets.gitignore.ejs', data));
      files.push({ ...file('scripts/dev-secrets.sh', 'dev-secrets.sh.ejs', data), executable: true });
    }
    return files.sort(byPath);
  },
};
