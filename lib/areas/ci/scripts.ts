/** The shell scripts every platform's pipeline calls: one implementation of each step, checked once. */
import { deployAccessScanException } from '../../kubernetes/deploy-access.js';
import { workloadsOf } from '../../kubernetes/workloads.js';
import type { ServiceModel, StackModel } from '../../model/index.js';
import { deployLayout } from '../../plan/naming.js';
import type { PlannedFile } from '../../plan/types.js';
import { toolVersion } from '../../versions/index.js';
import { allowList, ciScripts, coverageFlushScript, gradleInitScript } from './pipeline.js';
import type { Pipeline } from './types.js';
import { deployVariables } from './variables.js';

const script = (path: string, template: string, data: Record<string, unknown>, ownership: PlannedFile['ownership'] = 'managed'): PlannedFile => ({
  path,
  template: `ci/scripts/${template}`,
  data,
  ownership,
  area: 'ci',
  executable: path.endsWith('.sh'),
});

const strategyLabels = { rolling: 'rolling', 'blue-green': 'blue-green', canary: 'canary' } as const;

const targetLabel = (pipeline: Pipeline): string => {
  if (pipeline.orchestration === 'helm') return 'of the Helm release';
  if (pipeline.orchestration === 'kustomize') return 'of the Kustomize overlay';
  return { aws: 'on Amazon ECS', gcp: 'on Cloud Run', azure: 'on Azure Container Apps' }[pipeline.cloud];
};

const digestKey = (service: ServiceModel) => (service.migrations?.target === 'migrate' ? `${service.image.owner}-migrate` : service.image.owner);

const deployData = (pipeline: Pipeline, model: StackModel) => {
  const layout = deployLayout(model.config);
  const running = model.services;
  const workloads = workloadsOf(model);
  // What the orchestrators pin by digest: each image, and the migrate image of a service whose migrations need one.
  const worker = new Set(workloads.filter((workload) => workload.component === 'worker').map((workload) => workload.name));
  const isWorker = (service: ServiceModel) => worker.has(service.name);
  const cloudWorkload = (service: ServiceModel) => ({ name: layout.cloudWorkload(service.name), service: service.name, repository: service.image.repository, digest: service.image.owner });
  const deployedImages = [
    ...pipeline.images.map((image) => ({ name: image.name, repository: image.repository })),
    ...pipeline.images.flatMap((image) => (image.migrateRepository ? [{ name: `${image.name}-migrate`, repository: image.migrateRepository }] : [])),
  ];
  return {
    project: pipeline.project,
    cloud: pipeline.cloud,
    orchestration: pipeline.orchestration,
    strategy: pipeline.strategy,
    strategyLabel: strategyLabels[pipeline.strategy],
    targetLabel: targetLabel(pipeline),
    kubernetes: pipeline.orchestration !== 'none',
    variables: deployVariables(pipeline, model).filter((name) => name !== 'DB_INSTANCE'),
    environments: pipeline.environments,
    chart: layout.helmChart,
    overlayRoot: layout.kustomizeOverlays,
    deployedImages,
    deployments: workloads.filter((workload) => !workload.rollout).map((workload) => workload.name),
    rollouts: workloads.filter((workload) => workload.rollout).map((workload) => workload.name),
    migrations: running
      .filter((service) => service.migrations?.separate)
      .map((service) => ({
        kubernetesJob: `${service.name}-migrate`,
        service: service.name,
        repository: service.migrations!.target === 'migrate' ? service.image.migrateRepository : service.image.repository,
        digest: digestKey(service),
        argv: service.migrations!.argv,
        family: layout.taskFamily(service.name, '$environment', true),
        job: layout.migrationWorkload(service.name),
      })),
    ecsServices: running.map((service) => ({ name: layout.cloudWorkload(service.name), family: layout.taskFamily(service.name, '$environment'), repository: service.image.repository, digest: service.image.owner })),
    // Cloud Run runs a workload without a port as a worker pool (Terraform's modules/cloud-run), the others as services.
    cloudRunServices: running.filter((service) => !isWorker(service)).map(cloudWorkload),
    cloudRunWorkerPools: running.filter(isWorker).map(cloudWorkload),
    // A Container App without ingress (a worker) takes no traffic: its new revision replaces the others.
    containerApps: running.map((service) => ({ ...cloudWorkload(service), worker: isWorker(service) })),
  };
};

/** The database check of the smoke test: the engine's own client, with the setting a service reads it from. */
const databaseCheck = (model: StackModel) => {
  const database = model.database;
  if (!database) return undefined;
  const engine = database.engine.engine;
  const users = model.services.filter((service) => service.uses.includes(database));
  for (const service of users) {
    const setting = (part: string) =>
      service.settings.find((candidate) => candidate.value.kind === 'datastore' && candidate.value.engine === engine && candidate.value.part === part)?.name;
    const url = setting('url');
    const host = setting('host');
    const check =
      engine === 'postgres'
        ? url ? `pg_isready -d "$${url}"` : host ? `pg_isready -h "$${host}"` : undefined
        : engine === 'mysql'
          ? host ? `mysqladmin ping --host "$${host}" --silent` : undefined
          : url ? `mongosh "$${url}" --quiet --eval 'db.runCommand({ ping: 1 })'` : undefined;
    if (check) return { engine, image: database.engine.local.image, check, label: database.engine.label, secretOf: service.name, users: service.name };
  }
  return undefined;
};

const smokeData = (pipeline: Pipeline, model: StackModel) => {
  const frontend = model.services.find((service) => service.kind === 'frontend' && service.health.kind === 'http');
  return {
    environments: pipeline.environments,
    kubernetes: pipeline.orchestration !== 'none',
    services: model.services.flatMap((service) =>
      service.health.kind === 'http'
        ? [{ name: service.name, port: service.health.port, path: service.health.path, variable: service.name.toUpperCase().replace(/-/g, '_'), publicPrefix: '' }]
        : [],
    ),
    frontend: frontend ? { proxiesApi: frontend.servedByNginx && model.apiBackend !== undefined } : undefined,
    database: pipeline.orchestration !== 'none' ? databaseCheck(model) : undefined,
  };
};

const backupData = (model: StackModel) => {
  const database = model.database!;
  const cloud = model.config.cloud;
  const engine = database.engine.engine;
  const product = database.engine.managed[cloud].product;
  if (cloud === 'aws') return engine === 'mongodb' ? { kind: 'docdb', product, noun: 'DocumentDB cluster' } : { kind: 'rds', product, noun: 'RDS instance' };
  if (cloud === 'gcp' && engine !== 'mongodb') return { kind: 'cloudsql', product, noun: 'Cloud SQL instance' };
  if (cloud === 'azure' && engine !== 'mongodb') return { kind: 'flexible', product, noun: 'flexible server', azureService: engine };
  return {
    kind: 'continuous',
    product,
    noun: cloud === 'gcp' ? 'Atlas cluster' : 'Cosmos DB account',
    manualNote: `# ${product} keeps continuous backups with point-in-time restore; the restore point is now.\necho "backup: restore $instance to $(date -u +%Y-%m-%dT%H:%M:%SZ) if this deploy goes wrong"\nexit 0`,
  };
};

/**
 * The git pathspecs an image is built from: its build context, Dockerfile, .dockerignore and the front ends
 * it embeds. A context at the repository root leaves out the other images' folders, so a change in one
 * service of a monorepo rebuilds that service's image and not its neighbours'.
 */
export const imageSources = (model: StackModel, owner: string): string[] => {
  const image = model.images.find((candidate) => candidate.owner === owner)!;
  const included = [image.context, image.dockerfile, image.dockerignore, ...image.frontEnds.map((frontEnd) => frontEnd.build.context)];
  const inside = (path: string, folder: string) => folder === '.' || path === folder || path.startsWith(`${folder}/`);
  const paths = included.filter((path, index) => !included.some((other, at) => at !== index && other !== path && inside(path, other)) && included.indexOf(path) === index);
  const others = model.images
    .filter((other) => other !== image && other.context !== '.')
    .map((other) => other.context)
    .filter((context) => paths.some((path) => inside(context, path)) && !included.some((path) => inside(path, context)));
  return [...paths, ...[...new Set(others)].map((context) => `:(exclude)${context}`)];
};

export const planScripts = (pipeline: Pipeline, model: StackModel): PlannedFile[] => {
  const freeze = pipeline.freeze;
  const images = pipeline.images.map((image) => ({ ...image, sources: imageSources(model, image.name) }));
  const files = [
    script(ciScripts.image, 'image.sh.ejs', { images, tools: pipeline.tools }),
    script(ciScripts.deploy, 'deploy.sh.ejs', deployData(pipeline, model)),
    script(ciScripts.check, 'check.sh.ejs', { jobs: [...pipeline.checks, ...pipeline.security] }),
    script(ciScripts.coverage, 'coverage-gate.sh.ejs', {}),
    script(ciScripts.exceptions, 'check-exceptions.sh.ejs', {}),
    script(ciScripts.smoke, 'smoke-test.sh.ejs', smokeData(pipeline, model)),
    script(allowList, 'trivyignore.yaml.ejs', { misconfigurations: model.config.orchestration === 'none' ? [] : [deployAccessScanException] }, 'sample'),
  ];
  if (freeze) files.push(script(ciScripts.freeze, 'freeze-check.sh.ejs', freezeData(freeze.window, freeze.timezone)));
  if (pipeline.backup) files.push(script(ciScripts.backup, 'backup.sh.ejs', backupData(model)));
  if (pipeline.tests.some((job) => job.run.some((line) => line.includes(coverageFlushScript.split('/').pop()!)))) {
    files.push({ ...script(coverageFlushScript, 'flush-coverage.cjs.ejs', {}), executable: false });
  }
  if (model.images.some((image) => image.family === 'java' && image.packageManager.name === 'gradle')) {
    files.push(script(gradleInitScript, 'jacoco.init.gradle.ejs', { jacoco: toolVersion('jacoco') }));
  }
  return files;
};

const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `Fri 12:00 - Mon 06:00` as minutes since Monday 00:00. */
export const freezeData = (window: string, timezone: string) => {
  const [from, to] = window.split(' - ');
  const minutes = (point: string) => {
    const [day, time] = point.split(' ');
    const [hours, mins] = time.split(':').map(Number);
    return days.indexOf(day) * 1440 + hours * 60 + mins;
  };
  return { window, timezone, start: minutes(from), end: minutes(to), startLabel: from, endLabel: to };
};
