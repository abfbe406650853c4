/**
 * The compose model: every decision about compose.yaml, compose.override.yaml, .env.example, the secrets
 * script and the local-development docs, made once here so the templates only print prepared data.
 */
import path from 'node:path';
import type { Service } from '../../catalog/service.js';
import { buildContextOf, dockerfilePath, imageRepository, namespaceFor } from '../../plan/naming.js';
import type { Config } from '../../plan/types.js';
import { databaseDefaults, planCache, planDatabase, type Datastore, type SecretFile, type Setting } from './datastores.js';
import { containerPortOf, healthcheckOf } from './healthchecks.js';
import { liveReloadOf, type LiveReload, type WatchRule } from './watch.js';

/** The tag of images built by compose: never pushed, never confused with a release tag. */
export const localTag = 'local';
/** The "environment" of local development: compose project `<name>-local`, like `<name>-staging` elsewhere. */
export const localEnvironment = 'local';

/** Networks: `app` carries front end <-> back end traffic and egress; `data` is internal to the data stores. */
export const appNetwork = 'app';
export const dataNetwork = 'data';
/** Override only: a plain bridge the data stores join so their ports can be published (see the template). */
export const dataPortsNetwork = 'data-ports';

export interface Variable {
  name: string;
  default: string;
  description: string;
}

export interface PublishedPort {
  /** `127.0.0.1:${VAR:-default}:container`, ready for `ports:`. */
  spec: string;
  variable: Variable;
  hostPort: number;
  containerPort: number;
}

export interface ComposeService {
  name: string;
  /** Comment lines printed above the service. */
  comments: string[];
  image: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment: Setting[];
  secrets: string[];
  ports: PublishedPort[];
  networks: string[];
  volumes: { name: string; target: string }[];
  /** App containers: read-only root, no capabilities, tini as PID 1. */
  hardened: boolean;
  tmpfs: string[];
  healthcheck?: { test: string[]; startPeriod: string };
  /** Why compose defines no healthcheck (comment lines), when it does not. */
  healthcheckNote?: string[];
  dependsOn: string[];
  limits: { cpus: string; memory: string };
  /** What the service is, for the docs. */
  source?: Service;
}

export interface DebugPort {
  language: Service['language'];
  port: PublishedPort;
  environment: Setting[];
  variables: Variable[];
  comment: string;
  /** How the debugger is switched on, for the docs. */
  how: string;
}

export interface OverrideService {
  name: string;
  comments: string[];
  environment: Setting[];
  ports: PublishedPort[];
  networks: string[];
  /** `read_only: false`, with the reason (comment lines): only where `docker compose watch` copies files in. */
  writable?: { comments: string[] };
  /** `develop.watch` rules, with what they do (comment lines). */
  watch?: { comments: string[]; rules: WatchRule[] };
}

export interface ComposeModel {
  project: string;
  services: ComposeService[];
  appServices: ComposeService[];
  datastores: Datastore[];
  database?: Datastore;
  cache?: Datastore;
  networks: { name: string; internal: boolean; comment: string[] }[];
  volumes: string[];
  secrets: SecretFile[];
  override: { services: OverrideService[]; hasDataPorts: boolean };
  /** Variables of compose.yaml, then of compose.override.yaml, for `.env.example` and the docs. */
  variables: { base: Variable[]; override: Variable[] };
  firstBackend?: ComposeService;
  debugPorts: { service: string; debug: DebugPort }[];
  /** What `docker compose watch` does for each application service (compose.override.yaml). */
  liveReload: { service: string; reload: LiveReload }[];
}

/** Splits a comment into lines of at most `width` characters (words are never cut). */
export const wrap = (text: string, width = 100): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
};

/** `api-v2` -> `API_V2`: service names are DNS labels, so this is unique per service. */
export const envPrefix = (name: string): string => name.toUpperCase().replace(/-/g, '_');

/** Host ports are handed out once per model, first come first served, so two services never collide. */
class HostPorts {
  private readonly taken = new Set<number>();

  claim(preferred: number): number {
    let port = preferred;
    while (this.taken.has(port)) port = port >= 65535 ? 1024 : port + 1;
    this.taken.add(port);
    return port;
  }
}

const publish = (ports: HostPorts, variableName: string, preferred: number, containerPort: number, description: string): PublishedPort => {
  const hostPort = ports.claim(preferred);
  const variable = { name: variableName, default: String(hostPort), description };
  return { spec: `127.0.0.1:\${${variableName}:-${hostPort}}:${containerPort}`, variable, hostPort, containerPort };
};

/** A name no user service holds: data stores are called after their engine unless a service already is. */
const uniqueName = (preferred: string, taken: Set<string>): string => {
  let name = preferred;
  for (let index = 2; taken.has(name); index += 1) name = `${preferred}-${index}`;
  taken.add(name);
  return name;
};

const relativeTo = (from: string, to: string) => path.posix.relative(from === '.' ? '' : from, to);
const contextPath = (context: string) => (context === '.' ? '.' : `./${context}`);

const appLimits = (service: Service) => ({
  cpus: service.kind === 'frontend' ? '0.5' : '1.0',
  memory: service.kind === 'frontend' ? '256M' : service.language === 'java' ? '1G' : '512M',
});

/**
 * Writable paths of a read-only app container: /tmp only. The front-end images keep everything nginx writes
 * (pid, temp files, the runtime configuration written at start) under /tmp as well.
 */
const tmpfs = ['/tmp'];

/**
 * Why a service that `docker compose watch` syncs into has a writable root file system in the override:
 * Compose copies changed files through the Docker API (PUT /containers/{id}/archive), which refuses to write
 * to a read-only root file system.
 */
const writableReason =
  'Writable root file system for docker compose watch: it copies changed files in through the Docker API, ' +
  'which refuses a read-only root file system. The rest of the hardening stays; compose.yaml alone keeps it read-only.';

/** The JDWP agent that `<SERVICE>_JAVA_TOOL_OPTIONS` can switch on. */
export const jdwpAgent = (port: number) => `-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:${port}`;

interface Debugger {
  port: number;
  environment: Setting[];
  /** Variables of compose.override.yaml besides the debug port. */
  variables: Variable[];
  comment: string;
  how: string;
}

const debuggerOf = (service: Service): Debugger | undefined => {
  const prefix = envPrefix(service.name);
  switch (service.language) {
    case 'node':
      return {
        port: 9229,
        environment: [{ name: 'NODE_OPTIONS', value: '--inspect=0.0.0.0:9229' }],
        variables: [],
        comment:
          'Node inspector: attach your editor or chrome://inspect to the published port. It listens on all ' +
          'container interfaces so the port can be published; the host side is bound to 127.0.0.1. Other node ' +
          'processes in the container (the healthcheck) inherit NODE_OPTIONS and log that the port is taken: harmless.',
        how: 'on: NODE_OPTIONS starts the inspector',
      };
    case 'python':
      return {
        port: 5678,
        environment: [],
        variables: [],
        comment:
          'debugpy: the runtime image does not start it; to debug, run the service under ' +
          '`python -m debugpy --listen 0.0.0.0:5678` (debugpy installed) and attach to the published port.',
        how: 'start debugpy on port 5678 in the container',
      };
    case 'java': {
      const variable = `${prefix}_JAVA_TOOL_OPTIONS`;
      return {
        port: 5005,
        environment: [{ name: 'JAVA_TOOL_OPTIONS', value: `\${${variable}:-}` }],
        variables: [
          {
            name: variable,
            default: '',
            description:
              `JVM options of ${service.name} (compose.override.yaml only). To debug, set it to ${jdwpAgent(5005)} and attach ` +
              "your IDE's remote JVM debugger to the published port. Empty by default because every JVM in the container " +
              "reads it: the image's HEALTHCHECK, which runs a small JVM, then finds the port taken and fails, so while it " +
              `is set ${service.name} reports unhealthy and what waits for it does not start; run \`docker compose up ${service.name}\` ` +
              'to debug it with its data stores only.',
          },
        ],
        comment: `JDWP: set ${variable} in .env to switch the debugger on (see .env.example).`,
        how: `set ${variable} in .env`,
      };
    }
    case 'go':
      return {
        port: 2345,
        environment: [],
        variables: [],
        comment:
          'Delve: the distroless runtime image has no debugger; to debug, run a build with delve ' +
          '(`dlv exec --headless --listen=:2345 ...`) and attach to the published port.',
        how: 'run the service under dlv on port 2345',
      };
    case 'static':
      return undefined;
  }
};

export const composeModel = (config: Config): ComposeModel => {
  const ports = new HostPorts();
  const names = new Set(config.services.map((service) => service.name));
  const database = planDatabase(config, uniqueName(config.database, names));
  const cache = planCache(config, uniqueName('redis', names));
  const datastores = [database, cache].filter((store): store is Datastore => store !== undefined);
  const hasData = datastores.length > 0;
  const firstBackendSource = config.services.find((service) => service.kind === 'backend');

  const appServices: ComposeService[] = config.services.map((service) => {
    const containerPort = containerPortOf(service);
    const health = healthcheckOf(service);
    const prefix = envPrefix(service.name);
    const context = buildContextOf(service);
    const environment: Setting[] = [];
    if (service.kind === 'backend') {
      environment.push({ name: 'PORT', value: String(service.port) });
      if (service.framework === 'spring-boot') environment.push({ name: 'SERVER_PORT', value: String(service.port) });
    }
    const usesData = service.kind !== 'frontend';
    if (usesData) for (const store of datastores) environment.push(...store.appEnvironment);
    const published =
      containerPort === undefined
        ? []
        : [
            publish(
              ports,
              `${prefix}_HOST_PORT`,
              containerPort,
              containerPort,
              `Host port of ${service.name} (${service.kind}), published on 127.0.0.1 only.`,
            ),
          ];
    const comments = wrap(
      `${service.name}: ${service.kind}, ${service.language}/${service.framework}, built from ${dockerfilePath(service)}.` +
        (service.kind === 'frontend' && firstBackendSource
          ? ` API_URL is left unset: the browser calls the same-origin /api/, which nginx forwards to ` +
            `${firstBackendSource.name}:${firstBackendSource.port}.`
          : '') +
        (service.kind === 'frontend' && hasData ? ' Front ends join the app network only: the data stores are out of their reach.' : ''),
    );
    return {
      name: service.name,
      comments,
      image: `${imageRepository(config, service)}:${localTag}`,
      // No target: the Dockerfile's last stage is the runtime image.
      build: { context: contextPath(context), dockerfile: relativeTo(context, dockerfilePath(service)) },
      environment,
      secrets: usesData ? datastores.map((store) => store.appSecret) : [],
      ports: published,
      networks: usesData && hasData ? [appNetwork, dataNetwork] : [appNetwork],
      volumes: [],
      hardened: true,
      tmpfs,
      ...(health.test ? { healthcheck: { test: health.test, startPeriod: health.startPeriod } } : { healthcheckNote: wrap(health.reason) }),
      dependsOn: service.kind === 'frontend' ? (firstBackendSource ? [firstBackendSource.name] : []) : datastores.map((store) => store.service),
      limits: appLimits(service),
      source: service,
    };
  });

  const storeServices: ComposeService[] = datastores.map((store) => ({
    name: store.service,
    comments: wrap(
      `${store.label} (${store.role}), on the internal data network only and not published here (see compose.override.yaml).`,
    ),
    image: store.image,
    ...(store.command ? { command: store.command } : {}),
    environment: store.environment,
    secrets: store.secrets.map((secret) => secret.name),
    ports: [],
    networks: [dataNetwork],
    volumes: [store.volume],
    hardened: false,
    tmpfs: [],
    healthcheck: { test: store.healthcheck, startPeriod: '30s' },
    dependsOn: [],
    limits: { cpus: '1.0', memory: store.memory },
  }));

  // Override: data stores on 127.0.0.1 for local tools, debug ports for back ends and workers.
  const storeOverrides: OverrideService[] = datastores.map((store) => {
    const prefix = envPrefix(store.service);
    const port = publish(
      ports,
      `${prefix}_HOST_PORT`,
      store.port,
      store.port,
      `Host port of ${store.label} for local tools (compose.override.yaml only), on 127.0.0.1.`,
    );
    return {
      name: store.service,
      comments: wrap(
        `${store.label} on 127.0.0.1 for local tools and services run outside containers. Containers on an internal ` +
          `network only cannot publish ports, so ${store.service} also joins the ${dataPortsNetwork} network here.`,
      ),
      environment: [],
      ports: [port],
      networks: [dataNetwork, dataPortsNetwork],
    };
  });
  // Live reload for every application service; debug ports for back ends and workers.
  const debugPorts: { service: string; debug: DebugPort }[] = [];
  const liveReload: { service: string; reload: LiveReload }[] = [];
  const appOverrides: OverrideService[] = [];
  for (const service of config.services) {
    const debuggerInfo = service.kind === 'frontend' ? undefined : debuggerOf(service);
    const reload = liveReloadOf(service);
    liveReload.push({ service: service.name, reload });
    let debugging: Pick<OverrideService, 'comments' | 'environment' | 'ports'> = { comments: [], environment: [], ports: [] };
    if (debuggerInfo) {
      const port = publish(
        ports,
        `${envPrefix(service.name)}_DEBUG_PORT`,
        debuggerInfo.port,
        debuggerInfo.port,
        `Host port of the ${service.language} debugger of ${service.name} (compose.override.yaml only), on 127.0.0.1.`,
      );
      debugPorts.push({ service: service.name, debug: { ...debuggerInfo, language: service.language, port } });
      debugging = { comments: wrap(debuggerInfo.comment), environment: debuggerInfo.environment, ports: [port] };
    }
    const override: OverrideService = {
      name: service.name,
      ...debugging,
      networks: [],
      ...(reload.mode === 'sync' ? { writable: { comments: wrap(writableReason) } } : {}),
      watch: { comments: wrap(`Live reload (docker compose watch): ${reload.reason}`), rules: reload.rules },
    };
    appOverrides.push(override);
  }

  const services = [...appServices, ...storeServices];
  const defaults = databaseDefaults(config);
  const baseVariables: Variable[] = [
    ...appServices.flatMap((service) => service.ports.map((port) => port.variable)),
    ...(database
      ? [
          {
            name: 'DATABASE_NAME',
            default: defaults.name,
            description: `Database that ${database.label} creates on first start and the services use.`,
          },
          {
            name: 'DATABASE_USER',
            default: defaults.user,
            description: `User that ${database.label} creates on first start and the services connect as.`,
          },
        ]
      : []),
  ];
  const overrideServices = [...appOverrides, ...storeOverrides];
  const overrideVariables = [
    ...debugPorts.flatMap(({ debug }) => [debug.port.variable, ...debug.variables]),
    ...storeOverrides.flatMap((service) => service.ports.map((port) => port.variable)),
  ];

  const networks = [
    {
      name: appNetwork,
      internal: false,
      comment: wrap('Front ends, back ends and workers: browser-facing traffic, published ports and egress.'),
    },
    ...(hasData
      ? [
          {
            name: dataNetwork,
            internal: true,
            comment: wrap(
              'Back ends, workers and data stores only. Internal: no connection to the outside world and no published ' +
                'ports, so the data stores can be reached from back ends and workers alone.',
            ),
          },
        ]
      : []),
  ];

  return {
    project: namespaceFor(config, localEnvironment),
    services,
    appServices,
    datastores,
    ...(database ? { database } : {}),
    ...(cache ? { cache } : {}),
    networks,
    volumes: datastores.map((store) => store.volume.name),
    secrets: datastores.flatMap((store) => store.secrets),
    override: { services: overrideServices, hasDataPorts: storeOverrides.length > 0 },
    variables: { base: baseVariables, override: overrideVariables },
    ...(firstBackendSource ? { firstBackend: appServices.find((service) => service.name === firstBackendSource.name) } : {}),
    debugPorts,
    liveReload,
  };
};
