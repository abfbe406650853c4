/**
 * compose.yaml's decisions, made once from the stack model: which services run (the application services,
 * one-shot migration services, the datastores), their images and builds, settings, ports, networks,
 * health checks and order. The templates under templates/compose print these with literal keys.
 */
import path from 'node:path';
import type { DatastoreModel, ServiceModel, StackModel } from '../../model/index.js';
import { localEnvironment, namespaceFor } from '../../plan/naming.js';
import { localSettingsOf, type LocalSettings, type SecretLine } from './environment.js';
import { HostPorts, type PublishedPort, type Variable } from './ports.js';
import { envPrefix, literalDollars, wrap } from './text.js';
import { relativePath } from '../../repo-paths.js';

/** The tag of images built by compose: never pushed, never confused with a release tag. */
export const localTag = 'local';

/** Networks: `app` carries front end <-> back end traffic and egress; `data` is internal to the data stores. */
export const appNetwork = 'app';
export const dataNetwork = 'data';
/** Override only: a plain bridge the data stores join so their ports can be published (see the template). */
export const dataPortsNetwork = 'data-ports';

export interface Build {
  context: string;
  dockerfile: string;
  target?: string;
}

export interface Dependency {
  name: string;
  condition: 'service_healthy' | 'service_completed_successfully';
}

/** An application container: a server (back end or server-rendered front end), a worker or a static site. */
export interface AppEntry {
  template: 'server' | 'worker' | 'static-site';
  name: string;
  comments: string[];
  image: string;
  build: Build;
  /** Set when the service runs another command than its image's (a worker sharing its web service's image). */
  command?: string[];
  settings: LocalSettings;
  envFile?: string;
  ports: PublishedPort[];
  networks: string[];
  dependsOn: Dependency[];
  healthcheck?: { test: string[]; startPeriod: string };
  tmpfs: string[];
  limits: { cpus: string; memory: string };
  model: ServiceModel;
}

/** A one-shot container that runs a service's migrations before it starts. */
export interface MigrateEntry {
  template: 'migrate';
  name: string;
  comments: string[];
  image: string;
  build: Build;
  command: string[];
  envFile?: string;
  environment: { name: string; value: string }[];
  networks: string[];
  dependsOn: Dependency[];
  tmpfs: string[];
  forService: string;
}

export interface DatastoreEntry {
  template: 'postgres' | 'mysql' | 'mongodb' | 'redis';
  name: string;
  comments: string[];
  volume: string;
  datastore: DatastoreModel;
}

export interface ComposeStack {
  project: string;
  apps: AppEntry[];
  migrations: MigrateEntry[];
  stores: DatastoreEntry[];
  networks: { name: string; internal: boolean; comment: string[] }[];
  volumes: string[];
  /** Datastore password files, mounted as compose secrets. */
  storeSecrets: { name: string; purpose: string }[];
  /** Secret files of the applications' own secrets (`secret_key`). */
  applicationSecrets: { name: string; purpose: string }[];
  /** `secrets/<service>.env`, written by scripts/dev-secrets.sh. */
  envFiles: { service: string; file: string; lines: SecretLine[] }[];
  /** Variables compose.yaml reads from `.env`. */
  variables: Variable[];
  /** Host ports are shared with the override, so none collides with a debug or data port. */
  hostPorts: HostPorts;
  firstBackend?: AppEntry;
}

const contextPath = (context: string) => (context === '.' ? '.' : `./${context}`);

const limitsOf = (service: ServiceModel) => ({
  cpus: service.servedByNginx ? '0.5' : '1.0',
  memory: service.servedByNginx ? '256M' : service.language === 'java' ? '1G' : '512M',
});

const startPeriods: Record<string, string> = { nginx: '10s', java: '60s' };

const buildOf = (service: ServiceModel, target?: string): Build => ({
  context: contextPath(service.image.context),
  dockerfile: relativePath(service.image.context, service.image.dockerfile),
  ...(target ? { target } : {}),
});

const envFileOf = (name: string) => `./secrets/${name}.env`;

const kindWords = (service: ServiceModel) =>
  `${service.kind}, ${service.language}/${service.framework}${service.image.runtime ? ` on ${service.image.runtime.runtime} ${service.image.runtime.version}` : ''}`;

export const composeStack = (model: StackModel): ComposeStack => {
  const ports = new HostPorts();
  const settingsOf = localSettingsOf(model);
  const hasData = model.datastores.length > 0;
  const firstBackend = model.apiBackend;
  const migrations: MigrateEntry[] = [];
  const envFiles: ComposeStack['envFiles'] = [];

  const apps = model.services.map((service): AppEntry => {
    const settings = settingsOf(service);
    const usesData = service.uses.length > 0;
    const envFile = settings.secrets.length > 0 ? envFileOf(service.name) : undefined;
    if (envFile) envFiles.push({ service: service.name, file: `secrets/${service.name}.env`, lines: settings.secrets });
    const published =
      service.port === undefined
        ? []
        : [ports.publish(`${envPrefix(service.name)}_HOST_PORT`, service.port, service.port, `Host port of ${service.name} (${service.kind}), published on 127.0.0.1 only.`)];
    const migrate = service.migrations?.separate ? service.migrations : undefined;
    const migrateName = `${service.name}-migrate`;
    if (migrate) {
      const onRuntime = migrate.target === 'runtime';
      migrations.push({
        template: 'migrate',
        name: migrateName,
        comments: wrap(
          `Runs ${service.name}'s ${migrate.tool} migrations (\`${migrate.command}\`) once, before ${service.name} starts, ` +
            `with its settings; ${onRuntime ? 'the same image' : "the image's migrate target, built from the same sources"}.`,
        ),
        image: `${onRuntime ? service.image.repository : service.image.migrateRepository}:${localTag}`,
        build: buildOf(service, onRuntime ? undefined : 'migrate'),
        command: migrate.argv.map(literalDollars),
        ...(envFile ? { envFile } : {}),
        environment: settings.environment.filter((setting) => setting.name !== 'PORT' && setting.name !== 'SERVER_PORT'),
        networks: usesData ? [dataNetwork] : [appNetwork],
        dependsOn: service.uses.map((store) => ({ name: store.host, condition: 'service_healthy' as const })),
        tmpfs: ['/tmp'],
        forService: service.name,
      });
    }
    const ownerStart = model.services.find((candidate) => candidate.name === service.image.owner)!.start;
    const frontEndNote =
      service.servedByNginx && firstBackend
        ? ` API_URL is left unset: the browser calls the same-origin /api/, which nginx forwards to ${firstBackend.name}:${firstBackend.port}.`
        : '';
    return {
      template: service.servedByNginx ? 'static-site' : service.kind === 'worker' ? 'worker' : 'server',
      name: service.name,
      comments: wrap(
        `${service.name}: ${kindWords(service)}, built from ${service.image.dockerfile}.` +
          frontEndNote +
          (service.servedByNginx && hasData ? ' Front ends join the app network only: the data stores are out of their reach.' : ''),
      ),
      image: `${service.image.repository}:${localTag}`,
      build: buildOf(service),
      ...(JSON.stringify(service.start) !== JSON.stringify(ownerStart) ? { command: service.start.map(literalDollars) } : {}),
      settings,
      ...(envFile ? { envFile } : {}),
      ports: published,
      networks: usesData ? [appNetwork, dataNetwork] : [appNetwork],
      dependsOn: [
        ...(service.servedByNginx && firstBackend ? [{ name: firstBackend.name, condition: 'service_healthy' as const }] : []),
        ...service.uses.map((store) => ({ name: store.host, condition: 'service_healthy' as const })),
        ...(migrate ? [{ name: migrateName, condition: 'service_completed_successfully' as const }] : []),
      ],
      ...(service.probe ? { healthcheck: { test: ['CMD', ...service.probe.argv], startPeriod: startPeriods[service.image.family] ?? '20s' } } : {}),
      tmpfs: service.writablePaths,
      limits: limitsOf(service),
      model: service,
    };
  });

  // Workers and migrations share their web service's settings file; keep one file per service anyway.
  const stores = model.datastores.map((datastore): DatastoreEntry => ({
    template: datastore.engine.engine,
    name: datastore.host,
    comments: wrap(`${datastore.engine.label} (${datastore.engine.role}), on the internal data network only and not published here (see compose.override.yaml).`),
    volume: `${datastore.host}-data`,
    datastore,
  }));

  const applicationSecrets = [
    ...new Map(
      envFiles.flatMap((envFile) =>
        envFile.lines.flatMap((line) =>
          line.pieces.flatMap((piece) =>
            'file' in piece && !model.datastores.some((store) => store.secrets.some((secret) => secret.name === piece.file))
              ? [[piece.file, { name: piece.file, purpose: `${line.name} of ${envFile.service} (random; the application's own secret)` }] as const]
              : [],
          ),
        ),
      ),
    ).values(),
  ];

  const variables = [
    ...new Map(
      [...apps.flatMap((app) => app.ports.map((port) => port.variable)), ...apps.flatMap((app) => app.settings.variables)].map(
        (variable) => [variable.name, variable] as const,
      ),
    ).values(),
  ];

  return {
    project: namespaceFor(model.config, localEnvironment),
    apps,
    migrations,
    stores,
    networks: [
      { name: appNetwork, internal: false, comment: wrap('Front ends, back ends and workers: browser-facing traffic, published ports and egress.') },
      ...(hasData
        ? [
            {
              name: dataNetwork,
              internal: true,
              comment: wrap(
                'The services that use a data store, and the data stores. Internal: no connection to the outside world and no ' +
                  'published ports, so the data stores can be reached from those services alone.',
              ),
            },
          ]
        : []),
    ],
    volumes: stores.map((store) => store.volume),
    storeSecrets: model.datastores.flatMap((datastore) => datastore.secrets),
    applicationSecrets,
    envFiles,
    variables,
    hostPorts: ports,
    ...(firstBackend ? { firstBackend: apps.find((app) => app.name === firstBackend.name)! } : {}),
  };
};
