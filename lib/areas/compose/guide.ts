/** Everything docs/local-development.md prints, as rows. */
import type { StackModel } from '../../model/index.js';
import type { Override } from './override.js';
import { dataNetwork, type ComposeStack } from './stack.js';
import type { WatchRule } from './watch.js';

const healthWords = (stack: ComposeStack, name: string): string => {
  const service = stack.apps.find((app) => app.name === name)!.model;
  switch (service.health.kind) {
    case 'http':
      return `\`${service.health.path}\``;
    case 'tcp':
      return `port ${service.health.port} accepts connections (no health route)`;
    case 'none':
      return 'none (a worker)';
  }
};

export const guide = (model: StackModel, stack: ComposeStack, override: Override) => {
  const storePort = (service: string) => override.services.find((candidate) => candidate.name === service)?.ports[0]?.hostPort;
  const services = stack.apps.map((app) => {
    const port = app.ports[0]?.hostPort;
    const health = app.model.health;
    return {
      name: app.name,
      kind: app.model.kind,
      url: port === undefined ? undefined : `http://127.0.0.1:${port}${health.kind === 'http' && !app.model.servedByNginx ? health.path : '/'}`,
      health: healthWords(stack, app.name),
      networks: app.networks.join(', '),
    };
  });
  const stores = stack.stores.map((store) => ({
    name: store.name,
    label: store.datastore.engine.label,
    role: store.datastore.engine.role,
    address: `127.0.0.1:${storePort(store.name)}`,
  }));
  const envFileUsers = (file: string) =>
    stack.envFiles.filter((envFile) => envFile.lines.some((line) => line.pieces.some((piece) => 'file' in piece && piece.file === file))).map((envFile) => envFile.service);
  const secrets = [
    ...stack.storeSecrets.map((secret) => ({
      file: `secrets/${secret.name}.txt`,
      purpose: secret.purpose,
      usedBy: [stack.stores.find((store) => store.datastore.secrets.some((candidate) => candidate.name === secret.name))?.name, ...envFileUsers(secret.name)]
        .filter(Boolean)
        .join(', '),
    })),
    ...stack.applicationSecrets.map((secret) => ({ file: `secrets/${secret.name}.txt`, purpose: secret.purpose, usedBy: envFileUsers(secret.name).join(', ') })),
  ];
  const settings = stack.apps
    .filter((app) => app.settings.environment.length > 0 || app.settings.secrets.length > 0)
    .map((app) => ({
      service: app.name,
      rows: [
        ...app.settings.environment.map((setting) => ({ name: setting.name, value: `\`${setting.value}\``, from: 'compose.yaml' })),
        ...app.settings.secrets.map((line) => ({
          name: line.name,
          value: line.described,
          from: `secrets/${app.name}.env`,
        })),
      ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    }));
  const shown = (rule: WatchRule) => rule.path.replace(/^\.\//, '');
  return {
    services,
    stores,
    secrets,
    settings,
    migrations: stack.migrations.map((job) => ({ name: job.name, service: job.forService, command: job.command.join(' ') })),
    dataUsers: stack.apps.filter((app) => app.networks.includes(dataNetwork)).map((app) => app.name),
    frontEnds: stack.apps.filter((app) => app.model.servedByNginx).map((app) => app.name),
    tests: model.images.map((image) => ({ name: image.owner, dockerfile: image.dockerfile, context: image.context, runsTests: Boolean(image.commands.test) })),
    debug: override.debugPorts.map((debug) => ({ service: debug.service, language: debug.language, address: `127.0.0.1:${debug.port.hostPort}`, how: debug.how })),
    liveReload: override.liveReload.map(({ service, reload }) => {
      const sync = reload.rules.find((rule) => rule.action === 'sync+restart');
      return {
        service,
        mode: reload.mode,
        sync: sync ? { path: shown(sync), target: sync.target ?? '' } : undefined,
        rebuild: reload.rules.filter((rule) => rule.action === 'rebuild').map(shown),
      };
    }),
    syncing: override.liveReload.filter(({ reload }) => reload.mode === 'sync').map(({ service }) => service),
    rebuilding: override.liveReload.filter(({ reload }) => reload.mode === 'rebuild').map(({ service }) => service),
    variables: [
      ...stack.variables.map((variable) => ({ ...variable, file: 'compose.yaml' })),
      ...override.variables.map((variable) => ({ ...variable, file: 'compose.override.yaml' })),
    ],
  };
};
