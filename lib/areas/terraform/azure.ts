/**
 * The Azure rendering of the infrastructure facts: reusable modules copied as they are (templates/terraform/
 * azure/modules), one root stack per environment that calls them with this project's services and sizes, and
 * the bootstrap stack (state storage account, Azure Container Registry, CI identities).
 */
import { ingressControllerNamespace, releaseVersion } from '../../kubernetes/workloads.js';
import { apiUpstreamOff } from '../../model/api-proxy.js';
import type { DatastoreModel, StackModel } from '../../model/types.js';
import type { PlannedFile } from '../../plan/types.js';
import { azureNames, deployBranch } from '../../plan/naming.js';
import { managedFile } from '../../plan/managed-file.js';
import { hclList, hclString } from '../../render/hcl.js';
import { containerEnvironment, infrastructureOf, serviceHost, type InfraEnvironment, type InfraFacts, type InfraService, type SecretKey } from '../../terraform/infrastructure.js';
import { terraformPins } from '../../versions/index.js';
import { azureCiTrust, federatedAudience } from './azure-ci-trust.js';
import { connectionExpression } from './connection.js';
import { azureDocs } from './cloud-docs.js';
import { moduleInterface } from './module-readme.js';
import { markdownText } from '../../render/markdown.js';

const file = managedFile('terraform', 'terraform/azure');

/** VM and server sizes: burstable outside production, general purpose (zone-redundant HA needs it) inside. */
const sizing = (environment: InfraEnvironment) =>
  environment.isProduction
    ? { systemVm: 'Standard_D2ds_v5', nodeVm: 'Standard_D4ds_v5', nodes: { min: 3, max: 9 }, postgresSku: 'GP_Standard_D2ds_v5', mysqlSku: 'GP_Standard_D2ds_v4', mongoThroughput: 4000 }
    : { systemVm: 'Standard_D2ds_v5', nodeVm: 'Standard_D4ds_v5', nodes: { min: 1, max: 4 }, postgresSku: 'B_Standard_B2s', mysqlSku: 'B_Standard_B2s', mongoThroughput: 1000 };

/**
 * A Container App's size on the Consumption workload profile: vCPU in steps of 0.25 up to 4, with twice as many
 * GiB of memory, the smallest that holds the workload's CPU and memory limits.
 */
const containerAppSize = (cpuMillis: number, memoryMiB: number): { cpu: number; memory: string } => {
  const quarters = Math.min(16, Math.max(1, Math.ceil(cpuMillis / 250), Math.ceil(memoryMiB / 512)));
  return { cpu: quarters / 4, memory: `${quarters / 2}Gi` };
};

/** A Key Vault secret name for one setting: letters, digits and hyphens only. */
const settingSecretName = (entry: string, setting: string): string => `${entry}-${setting.toLowerCase().replaceAll('_', '-')}`;

/** A datastore connection over the database or cache module's outputs and the generated password, with TLS. */
const azureConnection = (store: DatastoreModel, key: Extract<SecretKey['source'], { kind: 'datastore' }>, facts: InfraFacts): string => {
  const engine = store.engine.engine;
  const cache = key.role === 'cache';
  const module = cache ? 'cache' : 'database';
  const tls =
    engine === 'redis' ? { scheme: 'rediss' }
    : engine === 'postgres' ? { query: 'sslmode=require' }
    : engine === 'mongodb' ? { query: 'tls=true&replicaSet=globaldb&retryWrites=false&maxIdleTimeMS=120000' }
    : {};
  return connectionExpression(store, key.value, cache ? facts.cache : facts.database, {
    host: `module.${module}.address`,
    port: `module.${module}.port`,
    password: cache ? 'module.cache.access_key' : engine === 'mongodb' ? 'module.database.primary_key' : 'ephemeral.random_password.credentials["database"].result',
    // Cosmos DB's MongoDB user is the account itself.
    ...(engine === 'mongodb' ? { user: 'module.database.username' } : {}),
  }, tls);
};

const keyExpression = (model: StackModel, facts: InfraFacts, service: InfraService, key: SecretKey): string =>
  key.source.kind === 'generated'
    ? `ephemeral.random_password.credentials[${hclString(`${service.name}/${key.name}`)}].result`
    : azureConnection(key.source.role === 'cache' ? model.cache! : model.database!, key.source, facts);

/**
 * The Key Vault secrets of one environment: on Kubernetes one per service holding a JSON object keyed by setting
 * name (what the External Secrets Operator reads); on Container Apps one per setting, as an app references a
 * whole secret. `key` is the module's map key, `value` its first value as HCL.
 */
interface VaultSecret {
  key: string;
  name: string;
  /** A JSON object's fields (Kubernetes), or the whole value (Container Apps). */
  fields?: { name: string; expression: string }[];
  expression?: string;
}

const secretsOf = (model: StackModel, facts: InfraFacts, environment: InfraEnvironment): VaultSecret[] =>
  facts.services
    .filter((service) => service.secretKeys.length > 0)
    .flatMap((service): VaultSecret[] => {
      const entry = facts.secretEntry(environment.name, service.name);
      if (facts.platform === 'kubernetes') {
        return [{ key: service.name, name: entry, fields: service.secretKeys.map((key) => ({ name: key.name, expression: keyExpression(model, facts, service, key) })) }];
      }
      return service.secretKeys.map((key) => ({ key: `${service.name}/${key.name}`, name: settingSecretName(entry, key.name), expression: keyExpression(model, facts, service, key) }));
    });

const containerApp = (service: InfraService, environment: InfraEnvironment): [string, string][] => {
  // Front Door routes /api (on every front end's host) to the API's app itself; apps reach each other only
  // by app name through ingress over HTTPS, which the front end's nginx proxy does not speak: it proxies nothing.
  const variables = containerEnvironment(service, () => apiUpstreamOff);
  const size = service.sizing[environment.name];
  const { cpu, memory } = containerAppSize(size.cpuMillis, size.memoryMiB);
  // One line per setting: the map is long (every datastore setting of the service).
  const secrets = service.secretKeys.map((key) => `        ${key.name} = module.key_vault.secret_ids[${hclString(`${service.name}/${key.name}`)}]`);
  const fields: [string, string | undefined][] = [
    ['name', hclString(service.workload)],
    ['image', hclString(`${service.repository}:${releaseVersion}`)],
    ['port', service.port === undefined ? undefined : String(service.port)],
    ['health_path', service.health.kind === 'http' ? hclString(service.health.path) : undefined],
    ['public', String(service.route !== undefined)],
    ['cpu', String(cpu)],
    ['memory', hclString(memory)],
    ['min_replicas', String(size.minReplicas)],
    ['max_replicas', String(size.maxReplicas)],
    ['command', service.command ? hclList(service.command) : undefined],
    ['environment', variables.length > 0 ? `{ ${variables.map(({ name, value }) => `${name} = ${hclString(value)}`).join(', ')} }` : '{}'],
    ['secrets', secrets.length > 0 ? `{\n${secrets.join('\n')}\n      }` : '{}'],
    [
      'migration',
      service.migration
        ? `{ name = ${hclString(service.migration.workload)}, image = ${hclString(`${service.migration.repository}:${releaseVersion}`)}, command = ${hclList(service.migration.argv)} }`
        : undefined,
    ],
  ];
  return fields.filter((field): field is [string, string] => field[1] !== undefined);
};

/** The modules one project uses. */
const modulesOf = (facts: InfraFacts): string[] =>
  [
    'network',
    'monitoring',
    'key-vault',
    'front-door',
    ...(facts.platform === 'kubernetes' ? ['aks'] : ['container-apps']),
    ...(facts.database ? [facts.database.engine === 'mongodb' ? 'cosmos-mongodb' : 'database'] : []),
    ...(facts.cache ? ['cache'] : []),
  ].sort();

/** A comment's text in lines of at most `width` characters. */
const wrap = (text: string, width = 114): string[] =>
  text.split(' ').reduce<string[]>((lines, word) => {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
    return lines;
  }, []);

/** The Azure Container Registry's resource name: the first label of `<name>.azurecr.io`. */
const registryName = (host: string): string => host.split('.')[0];

export const azureFiles = (model: StackModel): PlannedFile[] => {
  const facts = infrastructureOf(model);
  const pins = terraformPins();
  const azurerm = { source: pins.providers.azurerm.source, constraint: pins.providers.azurerm.constraint };
  const random = { source: pins.providers.random.source, constraint: pins.providers.random.constraint };
  const versions = pins.managed.azure;
  const root = facts.root;
  const kubernetes = facts.platform === 'kubernetes';
  const sharedResourceGroup = azureNames.shared(facts.project);
  const registry = facts.registry ? { name: registryName(facts.registry.host), server: facts.registry.host } : undefined;
  const versionsFile = (path: string, providers: { random: boolean }, backend?: { key: string; resourceGroup: string }) =>
    file(path, 'shared/versions.tf.ejs', { terraform: pins.core.constraint, azurerm, random: providers.random ? random : undefined, backend });

  const modules = modulesOf(facts).flatMap((name) => {
    const folder = `${root}/modules/${name}`;
    const described = moduleInterface(`terraform/azure/modules/${name}`);
    return [
      file(`${folder}/main.tf`, `modules/${name}/main.tf`, {}),
      file(`${folder}/variables.tf`, `modules/${name}/variables.tf`, {}),
      file(`${folder}/outputs.tf`, `modules/${name}/outputs.tf`, {}),
      versionsFile(`${folder}/versions.tf`, { random: false }),
      file(`${folder}/README.md`, '../shared/module-README.md.ejs', { module: name, ...described, markdown: markdownText, terraform: pins.core.constraint, provider: { label: 'AzureRM', constraint: azurerm.constraint } }),
    ];
  });

  const passwords = [
    ...(facts.database && facts.database.engine !== 'mongodb' ? ['database'] : []),
    ...facts.services.flatMap((service) => service.secretKeys.filter((key) => key.source.kind === 'generated').map((key) => `${service.name}/${key.name}`)),
  ];

  const environments = facts.environments.flatMap((environment, position) => {
    const folder = `${root}/environments/${environment.name}`;
    const publicServices = facts.services.filter((service) => service.route);
    const appRoutes = kubernetes
      ? []
      : publicServices.map((service) => ({
          service: service.name,
          host: serviceHost(service, environment.host)!,
          path: service.route!.path,
          healthPath: service.health.kind === 'http' ? service.health.path : '/',
        }));
    const assetsHost = `assets.${environment.host}`;
    const name = azureNames.environment(facts.project, environment.name);
    const data = {
      project: facts.project,
      team: facts.team,
      name,
      uniqueSuffix: azureNames.uniqueSuffix,
      // The azure-monitor monitoring stack scrapes with the cluster's managed Prometheus add-on.
      managedPrometheus: kubernetes && model.config.monitoring === 'azure-monitor',
      // Key Vault names: at most 24 characters, no hyphen before the hash; storage accounts: letters and digits.
      keyVaultPrefix: name.slice(0, 17).replace(/-+$/, ''),
      storagePrefix: name.replace(/[^a-z0-9]/g, '').slice(0, 18),
      env: environment,
      deployAccess: facts.deployAccess,
      location: facts.region,
      kubernetes,
      dnsZone: facts.dnsZone,
      addressSpace: `10.${position}.0.0/16`,
      sharedResourceGroup,
      deployIdentity: `${facts.project}-ci-deploy-${environment.name}`,
      registry,
      versions,
      sizing: sizing(environment),
      database: facts.database,
      cache: facts.cache,
      secrets: secretsOf(model, facts, environment),
      passwords,
      privateEndpointPorts: ['443', ...(facts.cache ? [String(6380)] : []), ...(facts.database?.engine === 'mongodb' ? ['10255'] : [])],
      services: facts.services.map((service) => ({ name: service.name, fields: containerApp(service, environment) })),
      // On AKS every host of the environment is Front Door's, in front of the ingress controller.
      frontDoorHosts: [...new Set([assetsHost, ...(kubernetes ? environment.hosts : appRoutes.map((route) => route.host))])],
      ingressNamespace: ingressControllerNamespace,
      ingressClass: model.config.ingressClass,
      assetsHost,
      appRoutes,
    };
    return [
      file(`${folder}/main.tf`, 'environment/main.tf.ejs', data),
      file(`${folder}/providers.tf`, 'environment/providers.tf.ejs', data),
      file(`${folder}/variables.tf`, 'environment/variables.tf.ejs', data),
      file(`${folder}/outputs.tf`, 'environment/outputs.tf.ejs', data),
      versionsFile(`${folder}/versions.tf`, { random: passwords.length > 0 }, { key: `${environment.name}.tfstate`, resourceGroup: sharedResourceGroup }),
    ];
  });

  const branches = Object.fromEntries(facts.environments.map((environment) => [environment.name, deployBranch(model.config, environment.name)]));
  const trust = azureCiTrust(facts, branches, registry !== undefined);
  // cosign signs with a key on these platforms (no keyless signing); with another registry its key lives in the CI.
  const signing = registry !== undefined && (facts.ci === 'azure-devops' || facts.ci === 'jenkins');
  const bootstrapData = {
    project: facts.project,
    // Storage account and Key Vault names take letters and digits (and hyphens, for Key Vault) only.
    compactName: facts.project.replace(/[^a-z0-9]/g, ''),
    team: facts.team,
    location: facts.region,
    repository: facts.repository,
    kubernetes,
    database: facts.database,
    registry,
    sharedResourceGroup,
    environments: facts.environments.map((environment) => environment.name),
    trust,
    note: wrap(trust.note),
    audience: federatedAudience,
    signing: signing ? { role: facts.ci === 'jenkins' ? 'Key Vault Crypto User' : 'Key Vault Secrets User', jenkins: facts.ci === 'jenkins' } : undefined,
  };
  const bootstrap = [
    file(`${root}/bootstrap/main.tf`, 'bootstrap/main.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/ci.tf`, 'bootstrap/ci.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/variables.tf`, 'bootstrap/variables.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/outputs.tf`, 'bootstrap/outputs.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/providers.tf`, 'bootstrap/providers.tf.ejs', bootstrapData),
    versionsFile(`${root}/bootstrap/versions.tf`, { random: false }),
  ];
  const docs = file('docs/infrastructure.md', '../shared/infrastructure.md.ejs', azureDocs(facts, modulesOf(facts)));
  return [...modules, ...environments, ...bootstrap, docs];
};
