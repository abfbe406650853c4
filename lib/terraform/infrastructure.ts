/**
 * What the cloud infrastructure must provide, cloud-neutral: the Terraform of each cloud renders these facts.
 * Everything comes from the stack model and the workloads derived from it, so the services, ports, health
 * routes, secret entries and datastores here are the ones the Dockerfiles, manifests and pipeline of the same
 * run use.
 */
import { apiProxyOf, apiUpstreamVariable } from '../model/api-proxy.js';
import { connectionValue } from '../model/connection.js';
import type { DatastoreModel, HealthModel, RuntimeUser, SettingValue, StackModel } from '../model/types.js';
import { hostsOf, routeHost, workloadsOf, type Workload } from '../kubernetes/workloads.js';
import { deployAccessName, deployLayout, secretManagerEntry } from '../plan/naming.js';

/** What differs between environments; production is the one that must survive the loss of a zone. */
export interface InfraEnvironment {
  name: string;
  isProduction: boolean;
  /** The environment's public host and every host of its own that a second front end gets. */
  host: string;
  hosts: string[];
  /** The Kubernetes namespace the environment's workloads run in. */
  namespace: string;
  /** Redundancy across zones: Multi-AZ database and cache, one NAT gateway per zone. */
  highAvailability: boolean;
  /** Deletion protection on the database and the load balancer; a final snapshot before a database goes. */
  deletionProtection: boolean;
  /** Days of automated database backups, which is also the point-in-time-recovery window. */
  backupRetentionDays: number;
  /** Days logs are kept (a value every cloud's log service accepts). */
  logRetentionDays: number;
  /** Days a deleted secret can still be restored. */
  secretRecoveryDays: number;
}

/** How a service that runs outside Kubernetes (ECS, Cloud Run, Container Apps) is sized in one environment. */
export interface ContainerSizing {
  minReplicas: number;
  maxReplicas: number;
  /** vCPU in thousandths and memory in MiB of one replica (its Kubernetes limits). */
  cpuMillis: number;
  memoryMiB: number;
}

/** One key of a service's secret manager entry and where its first value comes from. */
export interface SecretKey {
  name: string;
  source:
    | { kind: 'datastore'; role: 'database' | 'cache'; value: Extract<SettingValue, { kind: 'datastore' }> }
    /** The application's own secret: a random value until someone stores the real one. */
    | { kind: 'generated' };
}

export interface InfraService {
  name: string;
  /** The cloud's name of its service, task definition family, Cloud Run service or Container App. */
  workload: string;
  component: Workload['component'];
  port?: number;
  health: HealthModel;
  /** The health check command inside the image, for the container service's own check. */
  probe?: string[];
  /** The full image repository, and the command where it differs from the image's own. */
  repository: string;
  command?: string[];
  user: RuntimeUser;
  writablePaths: string[];
  /** Variables the runtime is told and plain settings with the application's default. */
  environment: { name: string; value: string }[];
  /** Public route: the host it answers and the path prefix (`/` or `/api`). */
  route?: { host: 'root' | 'own'; path: string };
  /** Services it sends requests to, by name and port (service discovery names them the same). */
  calls: { name: string; port: number }[];
  /**
   * A front end whose nginx forwards /api/ to the API back end (`service`, listening on `port`): where to is read
   * at start from API_UPSTREAM, which each platform sets (see containerEnvironment).
   */
  apiProxy?: { service: string; port: number };
  usesDatabase: boolean;
  usesCache: boolean;
  /** Its entry in the secret manager (per environment) and the keys it holds. */
  secretKeys: SecretKey[];
  migration?: { workload: string; repository: string; argv: string[] };
  sizing: Record<string, ContainerSizing>;
}

export interface InfraDatastore {
  engine: DatastoreModel['engine']['engine'];
  label: string;
  port: number;
  database?: string;
  user?: string;
}

export interface InfraFacts {
  project: string;
  team: string;
  cloud: StackModel['config']['cloud'];
  region: string;
  /** `kubernetes` (EKS, GKE, AKS) or `containers` (ECS Fargate, Cloud Run, Container Apps). */
  platform: 'kubernetes' | 'containers';
  ci: StackModel['config']['ci'];
  /** The repository path the CI identity trusts, and the branch and tag pattern it builds and releases from. */
  repository: string;
  domain: string;
  /** The DNS zone the hosts are records of: the domain's parent when the domain has a sub-domain label. */
  dnsZone: string;
  environments: InfraEnvironment[];
  services: InfraService[];
  database?: InfraDatastore;
  cache?: InfraDatastore;
  /** The image repositories CI pushes to, when the registry is the chosen cloud's own (else none to create). */
  registry?: { host: string; repositories: string[] };
  secretEntry: (environment: string, service: string) => string;
  /**
   * The pipeline deploy's Role in each namespace (deploy/cluster), its RoleBinding, and on EKS the Kubernetes
   * group the deploy role is mapped to.
   */
  deployAccess: string;
  /** Where the Terraform lives, as the pipeline's checks read it. */
  root: string;
}

const retention = { production: { backups: 30, logs: 90, secrets: 30 }, other: { backups: 7, logs: 30, secrets: 7 } };

const environmentsOf = (model: StackModel, workloads: Workload[]): InfraEnvironment[] =>
  model.project.environments.map((environment) => {
    const days = environment.isProduction ? retention.production : retention.other;
    return {
      name: environment.name,
      isProduction: environment.isProduction,
      host: environment.host,
      hosts: hostsOf(workloads, environment.host),
      namespace: environment.namespace,
      highAvailability: environment.isProduction,
      deletionProtection: environment.isProduction,
      backupRetentionDays: days.backups,
      logRetentionDays: days.logs,
      secretRecoveryDays: days.secrets,
    };
  });

const millis = (quantity: string): number => (quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000);
const mebibytes = (quantity: string): number => (quantity.endsWith('Gi') ? Number(quantity.slice(0, -2)) * 1024 : Number(quantity.replace(/Mi$/, '')));

/** The registry's host when it is the chosen cloud's own registry, which Terraform then creates. */
const cloudRegistryHost = (model: StackModel): string | undefined => {
  const host = model.project.registry.split('/')[0];
  const own = {
    aws: /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/,
    gcp: /^[a-z0-9-]+-docker\.pkg\.dev$/,
    azure: /^[a-z0-9]+\.azurecr\.io$/,
  }[model.config.cloud];
  return own.test(host) ? host : undefined;
};

const secretKeysOf = (model: StackModel, workload: Workload): SecretKey[] => {
  const service = model.services.find((candidate) => candidate.name === workload.name)!;
  return service.settings
    .filter((setting) => workload.secretKeys.includes(setting.name))
    .map((setting): SecretKey => {
      if (setting.value.kind !== 'datastore') return { name: setting.name, source: { kind: 'generated' } };
      const engine = setting.value.engine;
      const role = model.cache?.engine.engine === engine ? 'cache' : 'database';
      return { name: setting.name, source: { kind: 'datastore', role, value: setting.value } };
    });
};

const datastoreOf = (store: DatastoreModel | undefined): InfraDatastore | undefined =>
  store && {
    engine: store.engine.engine,
    label: store.engine.label,
    port: store.engine.port,
    ...(store.database ? { database: store.database } : {}),
    ...(store.user ? { user: store.user } : {}),
  };

/** The DNS zone of a domain: `shop.example.com` is a record of `example.com`; `example.com` is its own zone. */
export const dnsZoneOf = (domain: string): string => {
  const labels = domain.split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : domain;
};

const derived = new WeakMap<StackModel, InfraFacts>();

export const infrastructureOf = (model: StackModel): InfraFacts => {
  const known = derived.get(model);
  if (known) return known;
  const facts = deriveInfrastructure(model);
  derived.set(model, facts);
  return facts;
};

const deriveInfrastructure = (model: StackModel): InfraFacts => {
  const { config } = model;
  const layout = deployLayout(config);
  const workloads = workloadsOf(model);
  const registryHost = cloudRegistryHost(model);
  const services = workloads.map((workload): InfraService => {
    const service = model.services.find((candidate) => candidate.name === workload.name)!;
    const proxy = apiProxyOf(model, service);
    return {
      name: workload.name,
      workload: layout.cloudWorkload(workload.name),
      component: workload.component,
      ...(workload.port === undefined ? {} : { port: workload.port }),
      health: workload.health,
      ...(service.probe && workload.component !== 'worker' ? { probe: service.probe.argv } : {}),
      repository: workload.repository,
      ...(workload.command ? { command: workload.command } : {}),
      user: workload.user,
      writablePaths: workload.volumes.map((volume) => volume.mountPath),
      environment: [...workload.env, ...workload.config],
      ...(workload.route ? { route: workload.route } : {}),
      calls: workload.calls,
      ...(proxy ? { apiProxy: { service: proxy.service, port: proxy.port } } : {}),
      usesDatabase: service.uses.some((store) => store.engine.role === 'database'),
      usesCache: service.uses.some((store) => store.engine.role === 'cache'),
      secretKeys: secretKeysOf(model, workload),
      ...(workload.migration
        ? { migration: { workload: layout.migrationWorkload(workload.name), repository: workload.migration.repository, argv: workload.migration.argv } }
        : {}),
      sizing: Object.fromEntries(
        Object.entries(workload.sizing).map(([environment, sizing]) => [
          environment,
          {
            minReplicas: sizing.minReplicas,
            maxReplicas: sizing.maxReplicas,
            cpuMillis: millis(sizing.resources.limits.cpu),
            memoryMiB: mebibytes(sizing.resources.limits.memory),
          },
        ]),
      ),
    };
  });
  const repositories = registryHost
    ? [...new Set(model.images.flatMap((image) => [image.repository, ...(services.some((service) => service.migration?.repository === image.migrateRepository) ? [image.migrateRepository] : [])]))]
        .map((repository) => repository.slice(registryHost.length + 1))
        .sort()
    : [];
  return {
    project: model.project.name,
    team: model.project.team,
    cloud: config.cloud,
    region: config.region,
    platform: config.orchestration === 'none' ? 'containers' : 'kubernetes',
    ci: config.ci,
    repository: config.repository,
    domain: model.project.domain,
    dnsZone: dnsZoneOf(model.project.domain),
    environments: environmentsOf(model, workloads),
    services,
    deployAccess: deployAccessName(config),
    ...(model.database ? { database: datastoreOf(model.database) } : {}),
    ...(model.cache ? { cache: datastoreOf(model.cache) } : {}),
    ...(registryHost ? { registry: { host: registryHost, repositories } } : {}),
    secretEntry: (environment, service) => secretManagerEntry(config, environment, service),
    root: layout.terraform,
  };
};

/** The public host a service answers in an environment, if it is public. */
export const serviceHost = (service: InfraService, environmentHost: string): string | undefined =>
  routeHost(service, environmentHost);

/**
 * A datastore connection setting's value as a Terraform string template, from the attributes the cloud's
 * database or cache module outputs (`${module.database.address}`): the same URL shapes the compose file uses.
 */
export const connectionTemplate = (
  store: DatastoreModel,
  value: Extract<SettingValue, { kind: 'datastore' }>,
  endpoint: { host: string; port: string; user?: string; password: string; database?: string },
  tls: { scheme?: string; query?: string } = {},
): string => {
  const placeholderPort = 65535;
  const rendered = connectionValue(
    store,
    tls.scheme && value.part === 'url' && !value.scheme ? { ...value, scheme: tls.scheme } : value,
    { host: endpoint.host, port: placeholderPort, password: endpoint.password, ...(endpoint.user ? { user: endpoint.user } : {}), ...(endpoint.database ? { database: endpoint.database } : {}) },
  );
  const withPort = rendered.replaceAll(String(placeholderPort), endpoint.port);
  return value.part === 'url' && tls.query ? `${withPort}${withPort.includes('?') ? '&' : '?'}${tls.query}` : withPort;
};

/**
 * A service's environment on a container platform: its own variables and, for a front end that proxies /api/,
 * API_UPSTREAM set to what `target` says reaches the API back end there (HOST:PORT, or `off` where the
 * platform's load balancer routes /api itself). The image's default is the compose and Kubernetes name, which
 * resolves on no container platform unless that platform gives the back end the same name.
 */
export const containerEnvironment = (
  service: InfraService,
  target: (proxy: NonNullable<InfraService['apiProxy']>) => string,
): { name: string; value: string }[] =>
  service.apiProxy ? [...service.environment, { name: apiUpstreamVariable, value: target(service.apiProxy) }] : service.environment;
