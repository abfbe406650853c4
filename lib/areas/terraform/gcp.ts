/**
 * The Google Cloud rendering of the infrastructure facts: reusable modules copied as they are
 * (templates/terraform/gcp/modules), one root stack per environment (one Google Cloud project each, as the
 * pipeline's GCP_PROJECT is per environment and the Cloud Run names are not) that calls them with this
 * project's services and sizes, and the bootstrap stack (state bucket, Artifact Registry, CI identities).
 */
import { releaseVersion } from '../../kubernetes/workloads.js';
import { apiUpstreamOff } from '../../model/api-proxy.js';
import type { DatastoreModel, StackModel } from '../../model/types.js';
import type { PlannedFile } from '../../plan/types.js';
import { deployBranch, gcpEnvironmentName } from '../../plan/naming.js';
import { managedFile } from '../../plan/managed-file.js';
import { hclList, hclString } from '../../render/hcl.js';
import { containerEnvironment, infrastructureOf, serviceHost, type InfraEnvironment, type InfraFacts, type InfraService, type SecretKey } from '../../terraform/infrastructure.js';
import { terraformPins } from '../../versions/index.js';
import { gcpCiTrust } from './gcp-trust.js';
import { gcpDocs } from './cloud-docs.js';
import { moduleInterface } from './module-readme.js';
import { connectionExpression } from './connection.js';
import { markdownText } from '../../render/markdown.js';

const file = managedFile('terraform', 'terraform/gcp');

/** Machine sizes: small but production-shaped outside production, spread over three zones inside it. */
const sizing = (environment: InfraEnvironment) =>
  environment.isProduction
    ? { machineType: 'n2-standard-4', nodes: { min: 3, max: 9 }, databaseTier: 'db-custom-2-7680', cacheMemoryGb: 5 }
    : { machineType: 'e2-standard-2', nodes: { min: 1, max: 3 }, databaseTier: 'db-custom-1-3840', cacheMemoryGb: 1 };

/**
 * Cloud Run's sizes: whole vCPUs (a service that takes more than one request at a time needs at least one),
 * and at least the memory the second generation runtime asks of that many.
 */
const cloudRunSize = (cpuMillis: number, memoryMiB: number): { cpu: string; memory: string } => {
  const cpu = [1, 2, 4, 8].find((count) => count * 1000 >= cpuMillis) ?? 8;
  const minimum = { 1: 512, 2: 1024, 4: 2048, 8: 4096 }[cpu]!;
  return { cpu: String(cpu), memory: `${Math.max(minimum, Math.ceil(memoryMiB / 256) * 256)}Mi` };
};

/** The APIs an environment's project must have on. */
const apisOf = (facts: InfraFacts): string[] =>
  [
    'compute.googleapis.com',
    'servicenetworking.googleapis.com',
    'secretmanager.googleapis.com',
    'dns.googleapis.com',
    'logging.googleapis.com',
    'monitoring.googleapis.com',
    'iam.googleapis.com',
    facts.platform === 'kubernetes' ? 'container.googleapis.com' : 'run.googleapis.com',
    ...(facts.database && facts.database.engine !== 'mongodb' ? ['sqladmin.googleapis.com'] : []),
    ...(facts.cache ? ['redis.googleapis.com'] : []),
  ].sort();

/** A datastore connection over the database or cache module's outputs and the generated password, with TLS. */
const gcpConnection = (store: DatastoreModel, key: Extract<SecretKey['source'], { kind: 'datastore' }>, facts: InfraFacts): string => {
  const module = key.role === 'cache' ? 'cache' : 'database';
  const engine = store.engine.engine;
  const tls = engine === 'redis' ? { scheme: 'rediss' } : engine === 'postgres' ? { query: 'sslmode=require' } : {};
  return connectionExpression(store, key.value, key.role === 'cache' ? facts.cache : facts.database, {
    host: `module.${module}.address`,
    port: `module.${module}.port`,
    password: key.role === 'cache' ? 'module.cache.auth_string' : 'ephemeral.random_password.credentials["database"].result',
  }, tls);
};

/** MongoDB has no Google-managed service: its connections are not written, and its settings stay the application's. */
const managedHere = (facts: InfraFacts, key: SecretKey): boolean =>
  key.source.kind !== 'datastore' || key.source.role === 'cache' || facts.database?.engine !== 'mongodb';

const secretEntries = (model: StackModel, facts: InfraFacts, environment: InfraEnvironment) =>
  facts.services
    .filter((service) => service.secretKeys.length > 0)
    .map((service) => ({
      service: service.name,
      name: facts.secretEntry(environment.name, service.name),
      keys: service.secretKeys.map((key) => ({
        name: key.name,
        expression:
          key.source.kind === 'generated' || !managedHere(facts, key)
            ? `ephemeral.random_password.credentials[${hclString(`${service.name}/${key.name}`)}].result`
            : gcpConnection(key.source.role === 'cache' ? model.cache! : model.database!, key.source, facts),
      })),
    }));

const cloudRunService = (facts: InfraFacts, service: InfraService, environment: InfraEnvironment): [string, string][] => {
  // Cloud Run services have no DNS names of their own: the load balancer routes /api (on every front end's host)
  // to the API service itself, so the front end's nginx proxies nothing.
  const variables = containerEnvironment(service, () => apiUpstreamOff);
  const size = service.sizing[environment.name];
  const { cpu, memory } = cloudRunSize(size.cpuMillis, size.memoryMiB);
  const fields: [string, string | undefined][] = [
    ['workload', hclString(service.workload)],
    ['image', hclString(`${service.repository}:${releaseVersion}`)],
    ['port', service.port === undefined ? undefined : String(service.port)],
    ['health_path', service.health.kind === 'http' ? hclString(service.health.path) : undefined],
    ['command', service.command ? hclList(service.command) : undefined],
    ['cpu', hclString(cpu)],
    ['memory', hclString(memory)],
    ['min_instances', String(size.minReplicas)],
    ['max_instances', String(size.maxReplicas)],
    ['public', String(service.route !== undefined)],
    ['writable_paths', service.writablePaths.length > 0 ? hclList(service.writablePaths) : undefined],
    ['environment', variables.length > 0 ? `{ ${variables.map(({ name, value }) => `${name} = ${hclString(value)}`).join(', ')} }` : undefined],
    ['secret_keys', service.secretKeys.length > 0 ? hclList(service.secretKeys.map((key) => key.name)) : undefined],
    [
      'migration',
      service.migration
        ? `{ name = ${hclString(service.migration.workload)}, image = ${hclString(`${service.migration.repository}:${releaseVersion}`)}, command = ${hclList(service.migration.argv)} }`
        : undefined,
    ],
  ];
  return fields.filter((field): field is [string, string] => field[1] !== undefined);
};

/** The Artifact Registry repositories behind the image paths (`<region>-docker.pkg.dev/<project>/<repository>/<image>`). */
const artifactRepositories = (facts: InfraFacts) => {
  if (!facts.registry) return undefined;
  const location = facts.registry.host.replace(/-docker\.pkg\.dev$/, '');
  const paths = facts.registry.repositories.map((repository) => repository.split('/'));
  const project = paths[0][0];
  return { location, project, repositories: [...new Set(paths.map((path) => path[1]))].sort() };
};

/** The modules one project uses. */
const modulesOf = (facts: InfraFacts, hasSecrets: boolean): string[] =>
  [
    'project',
    'network',
    'access',
    'dns',
    'assets',
    'load-balancer',
    ...(hasSecrets ? ['secrets'] : []),
    facts.platform === 'kubernetes' ? 'gke' : 'cloud-run',
    ...(facts.database && facts.database.engine !== 'mongodb' ? ['database'] : []),
    ...(facts.cache ? ['cache'] : []),
  ].sort();

export const gcpFiles = (model: StackModel): PlannedFile[] => {
  const facts = infrastructureOf(model);
  const pins = terraformPins();
  const google = { source: pins.providers.google.source, constraint: pins.providers.google.constraint };
  const random = { source: pins.providers.random.source, constraint: pins.providers.random.constraint };
  const versions = pins.managed.gcp;
  const root = facts.root;
  const kubernetes = facts.platform === 'kubernetes';
  const registry = artifactRepositories(facts);
  const database = facts.database && facts.database.engine !== 'mongodb' ? facts.database : undefined;
  const mongodb = facts.database?.engine === 'mongodb';
  const versionsFile = (path: string, providers: { random: boolean }, backend?: { prefix: string }) =>
    file(path, 'shared/versions.tf.ejs', { terraform: pins.core.constraint, google, random: providers.random ? random : undefined, backend });

  const environmentEntries = facts.environments.map((environment) => ({ environment, entries: secretEntries(model, facts, environment) }));
  const hasSecrets = environmentEntries.some(({ entries }) => entries.length > 0);

  const modules = modulesOf(facts, hasSecrets).flatMap((name) => {
    const folder = `${root}/modules/${name}`;
    const described = moduleInterface(`terraform/gcp/modules/${name}`);
    return [
      file(`${folder}/main.tf`, `modules/${name}/main.tf`, {}),
      file(`${folder}/variables.tf`, `modules/${name}/variables.tf`, {}),
      file(`${folder}/outputs.tf`, `modules/${name}/outputs.tf`, {}),
      versionsFile(`${folder}/versions.tf`, { random: false }),
      file(`${folder}/README.md`, '../shared/module-README.md.ejs', { module: name, ...described, markdown: markdownText, terraform: pins.core.constraint, provider: { label: 'Google', constraint: google.constraint } }),
    ];
  });

  const environments = environmentEntries.flatMap(({ environment, entries }, position) => {
    const folder = `${root}/environments/${environment.name}`;
    const passwords = [
      ...(database ? ['database'] : []),
      ...facts.services.flatMap((service) => service.secretKeys.filter((key) => key.source.kind === 'generated' || !managedHere(facts, key)).map((key) => `${service.name}/${key.name}`)),
    ];
    const routes = facts.services
      .filter((service) => service.route)
      .map((service) => ({ service: service.name, host: serviceHost(service, environment.host)!, path: service.route!.path }));
    const assetsHost = `assets.${environment.host}`;
    const data = {
      project: facts.project,
      team: facts.team,
      name: gcpEnvironmentName(facts.project, environment.name),
      env: environment,
      deployAccess: facts.deployAccess,
      region: facts.region,
      kubernetes,
      managedZone: facts.dnsZone.replaceAll('.', '-'),
      cidr: `10.${position}.0.0/16`,
      podsCidr: `10.${64 + position * 4}.0.0/14`,
      controlPlaneCidr: `172.16.${position}.0/28`,
      versions,
      sizing: sizing(environment),
      database,
      mongodb,
      cache: facts.cache,
      datastorePorts: [...(database ? [database.port] : []), ...(facts.cache ? [facts.cache.port] : [])],
      apis: apisOf(facts),
      secretEntries: entries,
      passwords,
      registry,
      services: facts.services.map((service) => ({ name: service.name, fields: cloudRunService(facts, service, environment) })),
      routes,
      hosts: environment.hosts,
      assetsHost,
      // Every host the load balancer answers has its DNS record: on GKE all the application's hosts (the ingress
      // controller serves them), on Cloud Run the public services' hosts.
      ingressClass: model.config.ingressClass,
      recordHosts: [...new Set([...(kubernetes ? environment.hosts : routes.map((route) => route.host)), assetsHost])],
    };
    return [
      file(`${folder}/main.tf`, 'environment/main.tf.ejs', data),
      file(`${folder}/providers.tf`, 'environment/providers.tf.ejs', data),
      file(`${folder}/variables.tf`, 'environment/variables.tf.ejs', data),
      file(`${folder}/outputs.tf`, 'environment/outputs.tf.ejs', data),
      versionsFile(`${folder}/versions.tf`, { random: passwords.length > 0 }, { prefix: environment.name }),
    ];
  });

  const branches = Object.fromEntries(facts.environments.map((environment) => [environment.name, deployBranch(model.config, environment.name)]));
  const trust = gcpCiTrust(facts, branches);
  const bootstrapData = {
    project: facts.project,
    team: facts.team,
    region: facts.region,
    repository: facts.repository,
    // Pool and provider ids: 4 to 32 characters.
    poolId: `${facts.project.slice(0, 29).replace(/-+$/, '')}-ci`,
    registry,
    environments: facts.environments.map((environment) => environment.name),
    trust,
  };
  const bootstrap = [
    file(`${root}/bootstrap/main.tf`, 'bootstrap/main.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/ci.tf`, 'bootstrap/ci.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/variables.tf`, 'bootstrap/variables.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/outputs.tf`, 'bootstrap/outputs.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/providers.tf`, 'bootstrap/providers.tf.ejs', bootstrapData),
    versionsFile(`${root}/bootstrap/versions.tf`, { random: false }),
  ];
  const docs = file('docs/infrastructure.md', '../shared/infrastructure.md.ejs', gcpDocs(facts, modulesOf(facts, hasSecrets)));
  return [...modules, ...environments, ...bootstrap, docs];
};
