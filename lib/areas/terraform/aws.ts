/**
 * The AWS rendering of the infrastructure facts: reusable modules copied as they are (templates/terraform/aws/
 * modules), one root stack per environment that calls them with this project's services and sizes, and the
 * bootstrap stack (state bucket, image repositories, CI identities).
 */
import { ingressControllerNamespace, releaseVersion } from '../../kubernetes/workloads.js';
import { apiUpstreamOff } from '../../model/api-proxy.js';
import type { DatastoreModel, StackModel } from '../../model/types.js';
import type { Config, PlannedFile } from '../../plan/types.js';
import { deployBranch, deployLayout, environmentResourceName } from '../../plan/naming.js';
import { managedFile } from '../../plan/managed-file.js';
import { hclList, hclString } from '../../render/hcl.js';
import { wrap } from '../../render/text.js';
import { containerEnvironment, infrastructureOf, serviceHost, type InfraEnvironment, type InfraFacts, type InfraService, type SecretKey } from '../../terraform/infrastructure.js';
import { helmChart, terraformPins } from '../../versions/index.js';
import { ciTrust } from './ci-trust.js';
import { connectionExpression } from './connection.js';
import { moduleInterface } from './module-readme.js';
import { markdownText } from '../../render/markdown.js';

const file = managedFile('terraform', 'terraform/aws');

/** Instance sizes: small but production-shaped outside production, memory-optimised inside it. */
const sizing = (environment: InfraEnvironment) =>
  environment.isProduction
    ? { nodeTypes: ['m7i.large'], nodes: { min: 3, max: 9 }, databaseClass: 'db.r7g.large', documentdbClass: 'db.r6g.large', cacheNode: 'cache.r7g.large' }
    : { nodeTypes: ['t3.large'], nodes: { min: 2, max: 4 }, databaseClass: 'db.t4g.medium', documentdbClass: 'db.t4g.medium', cacheNode: 'cache.t4g.small' };

/** The name of an environment's resources (lib/plan/naming.ts, which the CloudWatch monitoring reads too). */
export const resourceName = environmentResourceName;

/** Where the database's backups are copied for disaster recovery: a region near the primary one. */
const disasterRecoveryRegion = (region: string): string => {
  const pairs: Record<string, string> = {
    'eu-west-1': 'eu-central-1', 'eu-central-1': 'eu-west-1', 'eu-west-2': 'eu-west-1', 'eu-west-3': 'eu-central-1', 'eu-north-1': 'eu-central-1',
    'us-east-1': 'us-west-2', 'us-east-2': 'us-west-2', 'us-west-1': 'us-east-1', 'us-west-2': 'us-east-1',
    'ap-southeast-1': 'ap-southeast-2', 'ap-southeast-2': 'ap-southeast-1', 'ap-northeast-1': 'ap-northeast-3', 'ap-south-1': 'ap-southeast-1',
    'ca-central-1': 'us-east-1', 'sa-east-1': 'us-east-1',
  };
  return pairs[region] ?? (region === 'us-east-1' ? 'us-west-2' : 'us-east-1');
};

/** Fargate's task sizes: the smallest CPU at least the workload's limit, and memory valid for that CPU. */
const fargateSize = (cpuMillis: number, memoryMiB: number): { cpu: number; memory: number } => {
  const cpu = [256, 512, 1024, 2048, 4096].find((units) => units >= cpuMillis * 1.024) ?? 4096;
  const minimum = cpu === 256 ? 512 : cpu * 2;
  const memory = cpu === 256 && memoryMiB <= 512 ? 512 : Math.max(minimum, Math.ceil(memoryMiB / 1024) * 1024);
  return { cpu, memory };
};

/** A datastore connection over the database or cache module's outputs, with TLS as each AWS service requires. */
const awsConnection = (store: DatastoreModel, key: Extract<SecretKey['source'], { kind: 'datastore' }>, facts: InfraFacts): string => {
  const module = key.role === 'cache' ? 'cache' : 'database';
  const engine = store.engine.engine;
  const tls =
    engine === 'redis' ? { scheme: 'rediss' }
    : engine === 'postgres' ? { query: 'sslmode=require' }
    : engine === 'mongodb' ? { query: 'tls=true&retryWrites=false' }
    : {};
  return connectionExpression(store, key.value, key.role === 'cache' ? facts.cache : facts.database, {
    host: `module.${module}.address`,
    port: `module.${module}.port`,
    password: key.role === 'cache' ? 'module.cache.auth_token' : 'data.aws_secretsmanager_random_password.credentials["database"].random_password',
  }, tls);
};

const secretEntries = (model: StackModel, facts: InfraFacts, environment: InfraEnvironment) =>
  facts.services
    .filter((service) => service.secretKeys.length > 0)
    .map((service) => ({
      service: service.name,
      name: facts.secretEntry(environment.name, service.name),
      keys: service.secretKeys.map((key) => ({
        name: key.name,
        expression:
          key.source.kind === 'generated'
            ? `data.aws_secretsmanager_random_password.credentials[${hclString(`${service.name}/${key.name}`)}].random_password`
            : awsConnection(key.source.role === 'cache' ? model.cache! : model.database!, key.source, facts),
      })),
    }));

const ecsService = (config: Config, service: InfraService, environment: InfraEnvironment, index: number): [string, string][] => {
  // The load balancer routes /api to the API on every front end's host (modules/ecs), so a front end's nginx
  // proxies nothing. Its Service Connect alias would resolve too, but only in tasks started after the API's
  // endpoint exists: nginx's start would then depend on the order the services come up in.
  const variables = containerEnvironment(service, () => apiUpstreamOff);
  const size = service.sizing[environment.name];
  const { cpu, memory } = fargateSize(size.cpuMillis, size.memoryMiB);
  const fields: [string, string | undefined][] = [
    ['workload', hclString(service.workload)],
    ['family', hclString(deployLayout(config).taskFamily(service.name, environment.name))],
    ['image', hclString(`${service.repository}:${releaseVersion}`)],
    ['port', service.port === undefined ? undefined : String(service.port)],
    ['health_path', service.health.kind === 'http' ? hclString(service.health.path) : undefined],
    ['health_command', service.probe ? hclList(service.probe) : undefined],
    ['command', service.command ? hclList(service.command) : undefined],
    ['user', hclString(`${service.user.uid}:${service.user.gid}`)],
    ['cpu', String(cpu)],
    ['memory', String(memory)],
    ['min_count', String(size.minReplicas)],
    ['max_count', String(size.maxReplicas)],
    ['writable_paths', service.writablePaths.length > 0 ? hclList(service.writablePaths) : undefined],
    ['environment', variables.length > 0 ? `{ ${variables.map(({ name, value }) => `${name} = ${hclString(value)}`).join(', ')} }` : undefined],
    ['secret_keys', service.secretKeys.length > 0 ? hclList(service.secretKeys.map((key) => key.name)) : undefined],
    [
      'route',
      service.route
        ? `{ host = ${hclString(serviceHost(service, environment.host)!)}, path = ${hclString(service.route.path)}, priority = ${(service.route.path === '/' ? 100 : 10) + index} }`
        : undefined,
    ],
    [
      'migration',
      service.migration
        ? `{ family = ${hclString(deployLayout(config).taskFamily(service.name, environment.name, true))}, image = ${hclString(`${service.migration.repository}:${releaseVersion}`)}, command = ${hclList(service.migration.argv)} }`
        : undefined,
    ],
  ];
  return fields.filter((field): field is [string, string] => field[1] !== undefined);
};

/** The modules one project uses, with the provider aliases each must be handed. */
const modulesOf = (facts: InfraFacts, hasSecrets: boolean): { name: string; aliases: string[] }[] =>
  [
    { name: 'kms', aliases: [] },
    { name: 'network', aliases: [] },
    { name: 'dns', aliases: [] },
    { name: 'waf', aliases: [] },
    { name: 'assets', aliases: ['us_east_1'] },
    ...(hasSecrets ? [{ name: 'secrets', aliases: [] }] : []),
    ...(facts.platform === 'kubernetes' ? [{ name: 'eks', aliases: [] }, { name: 'edge', aliases: [] }] : [{ name: 'ecs', aliases: [] }]),
    ...(facts.database ? [facts.database.engine === 'mongodb' ? { name: 'documentdb', aliases: [] } : { name: 'database', aliases: ['backup_copy'] }] : []),
    ...(facts.cache ? [{ name: 'cache', aliases: [] }] : []),
  ].sort((a, b) => a.name.localeCompare(b.name));

export const awsFiles = (model: StackModel): PlannedFile[] => {
  const facts = infrastructureOf(model);
  const pins = terraformPins();
  const aws = { source: pins.providers.aws.source, constraint: pins.providers.aws.constraint };
  const versions = pins.managed.aws;
  const root = facts.root;
  const kubernetes = facts.platform === 'kubernetes';
  const versionsFile = (path: string, aliases: string[], backend?: { key: string; region: string }) =>
    file(path, 'shared/versions.tf.ejs', { terraform: pins.core.constraint, aws, aliases, backend });

  const environmentEntries = facts.environments.map((environment) => ({ environment, entries: secretEntries(model, facts, environment) }));
  const hasSecrets = environmentEntries.some(({ entries }) => entries.length > 0);

  const modules = modulesOf(facts, hasSecrets).flatMap(({ name, aliases }) => {
    const folder = `${root}/modules/${name}`;
    const described = moduleInterface(`terraform/aws/modules/${name}`);
    return [
      file(`${folder}/main.tf`, `modules/${name}/main.tf`, {}),
      file(`${folder}/variables.tf`, `modules/${name}/variables.tf`, {}),
      file(`${folder}/outputs.tf`, `modules/${name}/outputs.tf`, {}),
      versionsFile(`${folder}/versions.tf`, aliases),
      file(`${folder}/README.md`, '../shared/module-README.md.ejs', { module: name, ...described, markdown: markdownText, terraform: pins.core.constraint, provider: { label: 'AWS', constraint: aws.constraint } }),
    ];
  });

  const clients = (uses: (service: InfraService) => boolean): string =>
    kubernetes
      ? '{ cluster = module.cluster.cluster_security_group_id }'
      : `{ ${facts.services
          .filter(uses)
          .map((service) => `${service.name} = module.services.service_security_group_ids[${hclString(service.name)}]`)
          .join(', ')} }`;

  const environments = environmentEntries.flatMap(({ environment, entries }, position) => {
    const folder = `${root}/environments/${environment.name}`;
    const data = {
      project: facts.project,
      team: facts.team,
      name: resourceName(facts.project, environment.name),
      env: environment,
      region: facts.region,
      kubernetes,
      ingressClass: model.config.ingressClass,
      deployAccess: facts.deployAccess,
      dnsZone: facts.dnsZone,
      vpcCidr: `10.${position}.0.0/16`,
      disasterRecoveryRegion: disasterRecoveryRegion(facts.region),
      versions,
      sizing: sizing(environment),
      database: facts.database,
      cache: facts.cache,
      secretEntries: entries,
      passwords: [
        ...(facts.database ? ['database'] : []),
        ...facts.services.flatMap((service) => service.secretKeys.filter((key) => key.source.kind === 'generated').map((key) => `${service.name}/${key.name}`)),
      ],
      services: facts.services.map((service, index) => ({ name: service.name, fields: ecsService(model.config, service, environment, index) })),
      databaseClients: clients((service) => service.usesDatabase),
      cacheClients: clients((service) => service.usesCache),
    };
    return [
      file(`${folder}/main.tf`, 'environment/main.tf.ejs', data),
      file(`${folder}/providers.tf`, 'environment/providers.tf.ejs', data),
      file(`${folder}/variables.tf`, 'environment/variables.tf.ejs', data),
      file(`${folder}/outputs.tf`, 'environment/outputs.tf.ejs', data),
      file(`${folder}/tests/environment.tftest.hcl`, 'environment/tests/environment.tftest.hcl.ejs', data),
      versionsFile(`${folder}/versions.tf`, [], { key: `${environment.name}/terraform.tfstate`, region: facts.region }),
    ];
  });

  const branches = Object.fromEntries(facts.environments.map((environment) => [environment.name, deployBranch(model.config, environment.name)]));
  const trust = ciTrust(facts, branches);
  const bootstrapData = {
    project: facts.project,
    team: facts.team,
    region: facts.region,
    repository: facts.repository,
    kubernetes,
    database: facts.database,
    registry: facts.registry,
    environments: facts.environments.map((environment) => environment.name),
    ciSummary: wrap(
      trust.oidc
        ? `The identities the pipeline (${trust.label}) signs in as. No keys: each job exchanges its OpenID Connect token for short-lived credentials, and each role trusts only this repository (${facts.repository}) and the branches, tags or environments that may use it.`
        : `The identities the pipeline (${trust.label}) signs in as. ${trust.label} has no OpenID Connect issuer AWS can trust: the roles trust the IAM roles the agents run as (EKS Pod Identity or an EC2 instance profile), one for the image builds and one per environment's deploy agents.`,
      110,
    ),
    oidc: trust.oidc,
    trust: trust.trust,
    ciVariables: trust.variables,
    environmentNames: `{ ${facts.environments.map((environment) => `${environment.name} = ${hclString(resourceName(facts.project, environment.name))}`).join(', ')} }`,
    // S3 bucket names stop at 63 characters; the account id and the suffix take 30 of them.
    bucketPrefix: facts.project.slice(0, 33).replace(/-+$/, ''),
    deployBranches: trust.deployBranches,
  };
  const bootstrap = [
    file(`${root}/bootstrap/main.tf`, 'bootstrap/main.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/ci.tf`, 'bootstrap/ci.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/variables.tf`, 'bootstrap/variables.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/outputs.tf`, 'bootstrap/outputs.tf.ejs', bootstrapData),
    file(`${root}/bootstrap/providers.tf`, 'bootstrap/providers.tf.ejs', bootstrapData),
    versionsFile(`${root}/bootstrap/versions.tf`, []),
  ];
  const docs = file('docs/infrastructure.md', 'docs/infrastructure.md.ejs', {
    project: facts.project,
    region: facts.region,
    kubernetes,
    ingressChart: helmChart('ingress-nginx'),
    ingressNamespace: ingressControllerNamespace,
    deployAccess: facts.deployAccess,
    dnsZone: facts.dnsZone,
    frontEndProxies: facts.services.some((service) => service.apiProxy),
    database: facts.database,
    cache: facts.cache,
    registry: facts.registry,
    disasterRecoveryRegion: disasterRecoveryRegion(facts.region),
    modules: modulesOf(facts, hasSecrets).map(({ name }) => ({ name, purpose: markdownText(moduleInterface(`terraform/aws/modules/${name}`).purpose.split('. ')[0].replace(/\.$/, '')) })),
    environments: facts.environments.map((environment) => {
      const size = sizing(environment);
      return { ...environment, sizing: { ...size, database: facts.database?.engine === 'mongodb' ? size.documentdbClass : size.databaseClass } };
    }),
    secretEntries: (environmentEntries[0]?.entries ?? []).map((entry) => ({ name: facts.secretEntry('ENVIRONMENT', entry.service), keys: entry.keys.map((key) => key.name) })),
  });
  return [...modules, ...environments, ...bootstrap, docs];
};
