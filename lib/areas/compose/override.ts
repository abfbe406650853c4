/**
 * compose.override.yaml: development extras merged over the production-like base: debugger ports, the data
 * stores published on 127.0.0.1, and the `develop.watch` live-reload rules.
 */
import type { ServiceModel, StackModel } from '../../model/index.js';
import type { PublishedPort, Variable } from './ports.js';
import { dataNetwork, dataPortsNetwork, type ComposeStack } from './stack.js';
import { envPrefix, wrap } from './text.js';
import { liveReloadOf, type LiveReload, type WatchRule } from './watch.js';

export interface OverrideService {
  name: string;
  comments: string[];
  environment: { name: string; value: string }[];
  ports: PublishedPort[];
  networks: string[];
  /** `read_only: false`, with the reason (comment lines): only where `docker compose watch` copies files in. */
  writable?: { comments: string[] };
  /** `develop.watch` rules, with what they do (comment lines). */
  watch?: { comments: string[]; rules: WatchRule[] };
}

export interface DebugPort {
  service: string;
  language: string;
  port: PublishedPort;
  how: string;
}

export interface Override {
  services: OverrideService[];
  hasDataPorts: boolean;
  variables: Variable[];
  debugPorts: DebugPort[];
  liveReload: { service: string; reload: LiveReload }[];
}

/** The JDWP agent that `<SERVICE>_JAVA_TOOL_OPTIONS` can switch on. */
export const jdwpAgent = (port: number) => `-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:${port}`;

interface Debugger {
  port: number;
  environment: { name: string; value: string }[];
  /** Variables of compose.override.yaml besides the debug port. */
  variables: Variable[];
  comment: string;
  how: string;
}

const debuggerOf = (service: ServiceModel): Debugger | undefined => {
  const prefix = envPrefix(service.name);
  switch (service.image.family) {
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
    case 'bun':
      return {
        port: 6499,
        environment: [],
        variables: [],
        comment: "Bun's inspector: the image does not start it; to debug, run the service with `bun --inspect=0.0.0.0:6499 ...` and open the URL it prints.",
        how: 'start bun with --inspect=0.0.0.0:6499 in the container',
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
      const imageOptions = service.environment.find((setting) => setting.name === 'JAVA_TOOL_OPTIONS')?.value ?? '';
      return {
        port: 5005,
        environment: [{ name: 'JAVA_TOOL_OPTIONS', value: `\${${variable}:-${imageOptions}}` }],
        variables: [
          {
            name: variable,
            default: imageOptions,
            description:
              `JVM options of ${service.name} (compose.override.yaml only). To debug, add ${jdwpAgent(5005)} and attach ` +
              "your IDE's remote JVM debugger to the published port. Without the agent by default because every JVM in the " +
              "container reads it: the image's health check, which runs a small JVM, then finds the port taken and fails, so " +
              `while it is set ${service.name} reports unhealthy and what waits for it does not start; run ` +
              `\`docker compose up ${service.name}\` to debug it with its data stores only.`,
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
    case 'nginx':
      return undefined;
  }
};

/**
 * Why a service that `docker compose watch` syncs into has a writable root file system in the override:
 * Compose copies changed files through the Docker API (PUT /containers/{id}/archive), which refuses to write
 * to a read-only root file system.
 */
const writableReason =
  'Writable root file system for docker compose watch: it copies changed files in through the Docker API, ' +
  'which refuses a read-only root file system. The rest of the hardening stays; compose.yaml alone keeps it read-only.';

export const composeOverride = (model: StackModel, stack: ComposeStack): Override => {
  const ports = stack.hostPorts;
  const storeOverrides: OverrideService[] = stack.stores.map((store) => {
    const engine = store.datastore.engine;
    const port = ports.publish(
      `${envPrefix(store.name)}_HOST_PORT`,
      engine.port,
      engine.port,
      `Host port of ${engine.label} for local tools (compose.override.yaml only), on 127.0.0.1.`,
    );
    return {
      name: store.name,
      comments: wrap(
        `${engine.label} on 127.0.0.1 for local tools and services run outside containers. Containers on an internal ` +
          `network only cannot publish ports, so ${store.name} also joins the ${dataPortsNetwork} network here.`,
      ),
      environment: [],
      ports: [port],
      networks: [dataNetwork, dataPortsNetwork],
    };
  });
  const debugPorts: DebugPort[] = [];
  const liveReload: Override['liveReload'] = [];
  const variables: Variable[] = [];
  const appOverrides = model.services.map((service): OverrideService => {
    const debuggerInfo = service.servedByNginx ? undefined : debuggerOf(service);
    const reload = liveReloadOf(service);
    liveReload.push({ service: service.name, reload });
    let debugging: Pick<OverrideService, 'comments' | 'environment' | 'ports'> = { comments: [], environment: [], ports: [] };
    if (debuggerInfo) {
      const port = ports.publish(
        `${envPrefix(service.name)}_DEBUG_PORT`,
        debuggerInfo.port,
        debuggerInfo.port,
        `Host port of the ${service.language} debugger of ${service.name} (compose.override.yaml only), on 127.0.0.1.`,
      );
      debugPorts.push({ service: service.name, language: service.image.family, port, how: debuggerInfo.how });
      variables.push(port.variable, ...debuggerInfo.variables);
      debugging = { comments: wrap(debuggerInfo.comment), environment: debuggerInfo.environment, ports: [port] };
    }
    return {
      name: service.name,
      ...debugging,
      networks: [],
      ...(reload.mode === 'sync' ? { writable: { comments: wrap(writableReason) } } : {}),
      watch: { comments: wrap(`Live reload (docker compose watch): ${reload.reason}`), rules: reload.rules },
    };
  });
  variables.push(...storeOverrides.flatMap((service) => service.ports.map((port) => port.variable)));
  return {
    services: [...appOverrides, ...storeOverrides],
    hasDataPorts: storeOverrides.length > 0,
    variables,
    debugPorts,
    liveReload,
  };
};
