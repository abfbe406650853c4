/**
 * Builds the platform-neutral pipeline from the stack model: which jobs run, in what order, with what
 * commands. The platform modules only express it.
 */
import { connectionValue } from '../../model/index.js';
import type { DatastoreModel, ImageModel, ServiceModel, StackModel } from '../../model/index.js';
import { deployBranch, deployLayout, trunkBranch } from '../../plan/naming.js';
import type { PlannedFile } from '../../plan/types.js';
import { imageRef, refOf, runtimeTracks, toolVersion } from '../../versions/index.js';
import { shellWord } from '../../render/quote.js';
import { isWithin, relativePath } from '../../repo-paths.js';
import { buildImageOf, cacheOf, generateCommands, installCommands, lintCommands, lintToolInstalls, migrationCommands, wrapTest } from './languages.js';
import type { SecurityJob, GeneratedCheck, ImageJob, LanguageJob, Pipeline, PipelineEnvironment, PipelineJob, ServiceContainer, TestJob } from './types.js';

/** The scripts every platform's pipeline calls (scripts.ts plans them). */
export const ciScripts = {
  image: 'scripts/ci/image.sh',
  deploy: 'scripts/ci/deploy.sh',
  check: 'scripts/ci/check.sh',
  freeze: 'scripts/ci/freeze-check.sh',
  backup: 'scripts/ci/backup.sh',
  coverage: 'scripts/ci/coverage-gate.sh',
  exceptions: 'scripts/ci/check-exceptions.sh',
  smoke: 'scripts/smoke-test.sh',
} as const;

/** The one allow-list of the security scans. */
export const allowList = '.trivyignore.yaml';

/** The shell scripts a pipeline with these choices gets: the freeze check and the backup only when used. */
export const shellScriptsOf = (freeze: boolean, backup: boolean): string[] =>
  Object.entries(ciScripts)
    .filter(([name]) => (name !== 'freeze' || freeze) && (name !== 'backup' || backup))
    .map(([, path]) => path);

export const trunk = trunkBranch;

/** The jobs a job of the canonical graph waits for: every platform orders its jobs by these. */
export const needsOf = (pipeline: Pipeline, id: string): string[] => pipeline.jobs.find((job) => job.id === id)!.needs;
export const gradleInitScript = 'scripts/ci/jacoco.init.gradle';
/** Preloaded into Node.js test processes so that workers a runner stops with SIGTERM still write their coverage. */
export const coverageFlushScript = 'scripts/ci/flush-coverage.cjs';

/**
 * The throwaway datastores of test jobs take connections without a password: they live only while the job
 * runs, nothing outside it reaches them, and no credential-shaped string lands in the pipeline file.
 */
const testUser = (datastore: DatastoreModel): string | undefined =>
  datastore.engine.engine === 'mysql' ? 'root' : datastore.engine.engine === 'mongodb' ? undefined : datastore.user;

/** yamllint has no official image: the newest pinned Python image installs its pinned release. */
const newestPython = () => refOf(runtimeTracks('python')[0] as { image: string; tag: string });

const jobId = (prefix: string, name: string) => `${prefix}-${name}`;

const serviceContainer = (datastore: DatastoreModel): ServiceContainer => {
  const engine = datastore.engine;
  const env: { name: string; value: string }[] = [];
  const local = engine.local.imageEnv;
  if (local.database && datastore.database) env.push({ name: local.database, value: datastore.database });
  if (engine.engine === 'postgres') env.push({ name: local.user!, value: datastore.user! }, { name: 'POSTGRES_HOST_AUTH_METHOD', value: 'trust' });
  if (engine.engine === 'mysql') env.push({ name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: 'yes' });
  return { name: datastore.host, image: engine.local.image, port: engine.port, env, health: engine.healthcheck.map(shellWord).join(' ') };
};

const languageJob = (prefix: string, service: ServiceModel, run: string[], tools: string[] = []): LanguageJob | undefined => {
  const image = service.image;
  const buildImage = buildImageOf(image);
  if (!buildImage || run.length === 0) return undefined;
  return {
    id: jobId(prefix, service.name),
    service: service.name,
    installDir: image.context,
    workdir: service.path,
    image: buildImage,
    install: [...installCommands(image), ...tools],
    run: [...generateCommands(image), ...run],
    cacheKeyFiles: image.dependencyFiles,
    cache: cacheOf(image),
  };
};

const testJob = (service: ServiceModel, threshold: number): TestJob | undefined => {
  const test = service.image.commands.test;
  if (!test) return undefined;
  const wrapped = wrapTest(service, test, { gradleInit: relativePath(service.path, gradleInitScript), coverageFlush: relativePath(service.path, coverageFlushScript) });
  // Integration tests meet the schema the release will have: the service's own migrations run first.
  const migrate = service.migrations?.separate && service.uses.length > 0 ? migrationCommands(service.image, service.migrations) : [];
  const job = languageJob('test', service, [...migrate, ...wrapped.run]);
  if (!job) return undefined;
  const datastores = service.uses;
  const containers = datastores.map(serviceContainer);
  return {
    ...job,
    datastores: containers,
    settings: (hostOf) =>
      service.settings.flatMap((setting) => {
        if (setting.value.kind !== 'datastore') {
          // The application's own secrets (signing keys) get a stand-in; plain settings keep their defaults.
          const hasDefault = setting.value.kind === 'plain' && setting.value.default !== undefined;
          return setting.secret && !hasDefault ? [{ name: setting.name, value: 'test-only' }] : [];
        }
        const value = setting.value;
        const index = datastores.findIndex((candidate) => candidate.engine.engine === value.engine);
        if (index < 0) return [];
        const [datastore, container] = [datastores[index], containers[index]];
        const endpoint = { host: hostOf(container), port: container.port, user: testUser(datastore), password: '', database: datastore.database };
        return [{ name: setting.name, value: connectionValue(datastore, value, endpoint) }];
      }),
    ...(wrapped.coverage ? { coverage: wrapped.coverage } : {}),
    ...(wrapped.note ? { coverageNote: `${wrapped.note}; coverage is not measured, so the ${threshold}% threshold does not apply` } : {}),
  };
};

/** Checks of the files phase4 generated that the repository now owns, each only when such files exist. */
const generatedChecks = (model: StackModel, otherFiles: PlannedFile[], pipelineFiles: string[], scripts: string[]): GeneratedCheck[] => {
  const paths = otherFiles.map((file) => file.path);
  const layout = deployLayout(model.config);
  const checks: GeneratedCheck[] = [];
  const dockerfiles = paths.filter((path) => /(^|\/)Dockerfile$/.test(path));
  if (dockerfiles.length > 0) {
    checks.push({ id: 'check-dockerfiles', title: 'Dockerfiles (hadolint)', image: imageRef('hadolint'), command: `hadolint ${dockerfiles.join(' ')}` });
  }
  const yamlFiles = [...paths.filter((path) => /\.ya?ml$/.test(path) && !isWithin(path, layout.helmChart)), ...pipelineFiles.filter((path) => /\.ya?ml$/.test(path))];
  if (yamlFiles.length > 0) {
    checks.push({
      id: 'check-yaml',
      title: 'YAML (yamllint)',
      image: newestPython(),
      command: `pip install --quiet --disable-pip-version-check yamllint==${toolVersion('yamllint')} && yamllint --strict -d '{extends: default, rules: {line-length: {max: 200}, document-start: disable, truthy: {check-keys: false}, comments: {min-spaces-from-content: 1}}}' ${yamlFiles.join(' ')}`,
    });
  }
  const shellFiles = [...paths.filter((path) => path.endsWith('.sh')), ...scripts];
  checks.push({ id: 'check-shell', title: 'Shell scripts (shellcheck)', image: imageRef('shellcheck'), command: `shellcheck --severity=warning ${shellFiles.join(' ')}` });
  if (paths.includes(`${layout.helmChart}/Chart.yaml`)) {
    checks.push({
      id: 'check-helm',
      title: 'Helm chart (helm lint)',
      image: imageRef('helm'),
      command: model.project.environments.map((env) => `helm lint --strict ${layout.helmChart} --values ${layout.helmChart}/values-${env.name}.yaml`).join(' && '),
    });
  }
  // Every kustomization someone applies: the application's overlays, and the monitoring stack's objects and
  // datastore exporters per environment (bases are built through them).
  const kustomizations = [
    ...model.project.environments.map((env) => `${layout.kustomizeOverlays}/${env.name}`),
    'monitoring',
    ...model.project.environments.map((env) => `monitoring/kubernetes/exporters/${env.name}`),
  ].filter((dir) => paths.includes(`${dir}/kustomization.yaml`));
  if (kustomizations.length > 0) {
    checks.push({
      id: 'check-kustomize',
      title: 'Kustomizations (kubectl kustomize)',
      image: imageRef('kubectl'),
      command: kustomizations.map((dir) => `kubectl kustomize ${dir} >/dev/null`).join(' && '),
    });
  }
  // Terraform lives in infra/ and, for a monitoring stack managed as code (Datadog, New Relic, CloudWatch), in
  // its own root under monitoring/: each top folder is formatted and linted, each root stack (a folder with
  // versions.tf outside modules/) initialised without its backend, validated and tested. The generated tests
  // mock the provider, so no cloud credentials are involved.
  const terraformFiles = paths.filter((path) => path.endsWith('.tf'));
  if (terraformFiles.length > 0) {
    const folders = [...new Set(terraformFiles.map((path) => (isWithin(path, layout.terraform) ? layout.terraform : path.slice(0, path.lastIndexOf('/')))))]
      .filter((folder, _, all) => !all.some((other) => other !== folder && isWithin(folder, other)))
      .sort();
    const roots = [...new Set(terraformFiles.filter((path) => path.endsWith('/versions.tf') && !/(^|\/)modules\//.test(path)).map((path) => path.slice(0, -'/versions.tf'.length)))].sort();
    checks.push({
      id: 'check-terraform',
      title: 'Terraform (fmt, validate, test)',
      image: imageRef('terraform'),
      command: [
        ...folders.map((folder) => `terraform fmt -check -recursive ${folder}`),
        ...roots.map((root) => `terraform -chdir=${root} init -backend=false -input=false && terraform -chdir=${root} validate${paths.some((path) => path.startsWith(`${root}/tests/`)) ? ` && terraform -chdir=${root} test` : ''}`),
      ].join(' && '),
    });
    checks.push({
      id: 'check-tflint',
      title: 'Terraform (tflint)',
      image: imageRef('tflint'),
      command: folders.map((folder) => `tflint --chdir=${folder} --init && tflint --chdir=${folder} --recursive`).join(' && '),
    });
  }
  const rules = paths.filter((path) => /(^|\/)(rules|alerts)\/.*\.ya?ml$|\.rules\.ya?ml$/.test(path));
  if (rules.length > 0) {
    // The rules' own unit tests (promtool test rules) run from their folder, where their rule_files resolve.
    const tests = paths.filter((path) => /(^|\/)prometheus\/tests\/[^/]+\.test\.ya?ml$/.test(path));
    const configs = paths.filter((path) => /(^|\/)prometheus\/prometheus\.ya?ml$/.test(path));
    checks.push({
      id: 'check-alert-rules',
      title: 'Alert rules (promtool check and unit tests)',
      image: imageRef('prometheus'),
      command: [
        `promtool check rules ${rules.join(' ')}`,
        ...tests.map((test) => `(cd ${test.slice(0, test.lastIndexOf('/'))} && promtool test rules ${test.slice(test.lastIndexOf('/') + 1)})`),
        ...configs.map((config) => `promtool check config ${config}`),
      ].join(' && '),
    });
  }
  const alertmanagerConfigs = paths.filter((path) => /(^|\/)alertmanager\/alertmanager\.ya?ml$/.test(path));
  if (alertmanagerConfigs.length > 0) {
    checks.push({
      id: 'check-alertmanager',
      title: 'Alertmanager configuration (amtool)',
      image: imageRef('alertmanager'),
      command: alertmanagerConfigs.map((config) => `amtool check-config ${config}`).join(' && '),
    });
  }
  return checks;
};

/**
 * The Helm chart's values need an environment's file on top (its schema requires the environment's keys):
 * trivy renders the chart with production's, which it would otherwise skip.
 */
const helmValuesForScan = (model: StackModel): string =>
  model.config.orchestration === 'helm'
    ? ` --helm-values ${deployLayout(model.config).helmChart}/values-${model.project.production.name}.yaml`
    : '';

/**
 * Dependency audit of every ecosystem's lockfiles, secret scan of the history, and IaC scan, each failing
 * on HIGH or CRITICAL findings. One allow-list with expiries (.trivyignore.yaml) serves every Trivy scan.
 */
const securityJobs = (model: StackModel): SecurityJob[] => [
  {
    id: 'audit-dependencies',
    title: 'dependency audit (Trivy)',
    image: imageRef('trivy'),
    command: `sh ${ciScripts.exceptions} && trivy fs --quiet --scanners vuln --exit-code 1 --severity HIGH,CRITICAL --ignorefile ${allowList} .`,
    history: false,
  },
  {
    id: 'scan-secrets',
    title: 'secret scan (gitleaks)',
    image: imageRef('gitleaks'),
    command: 'git config --global --add safe.directory "$PWD" && gitleaks git --redact --no-banner --exit-code 1 .',
    history: true,
  },
  {
    id: 'scan-iac',
    title: 'IaC scan (Trivy config)',
    image: imageRef('trivy'),
    command: `trivy config --quiet --exit-code 1 --severity HIGH,CRITICAL --ignorefile ${allowList}${helmValuesForScan(model)} .`,
    history: false,
  },
];

/** Promotion: main deploys in order, production last; with three or more, the first has a branch of its own. */
const environmentsOf = (model: StackModel): PipelineEnvironment[] => {
  const envs = model.project.environments;
  let previous: string | undefined;
  return envs.map((env) => {
    const branch = deployBranch(model.config, env.name);
    const entry: PipelineEnvironment = {
      name: env.name,
      url: `https://${env.host}`,
      namespace: env.namespace,
      isProduction: env.isProduction,
      branch,
      ...(branch === trunk && previous ? { after: previous } : {}),
    };
    if (branch === trunk) previous = env.name;
    return entry;
  });
};

const imageJob = (model: StackModel, image: ImageModel): ImageJob => {
  const needsMigrate = model.services.some((service) => service.image === image && service.migrations?.separate && service.migrations.target === 'migrate');
  return {
    name: image.owner,
    repository: image.repository,
    ...(needsMigrate ? { migrateRepository: image.migrateRepository } : {}),
    dockerfile: image.dockerfile,
    context: image.context,
  };
};


export const buildPipeline = (model: StackModel, otherFiles: PlannedFile[], pipelineFiles: string[]): Pipeline => {
  const config = model.config;
  const threshold = Number(config.coverageThreshold);
  // One lint and one test job per image: a web service and its worker share their folder and commands.
  const owners = model.services.filter((service) => service.image.owner === service.name);
  const lint = owners.flatMap((service) => languageJob('lint', service, lintCommands(service), lintToolInstalls(service)) ?? []);
  const tests = owners.flatMap((service) => testJob(service, threshold) ?? []);
  const images = model.images.map((image) => imageJob(model, image));
  const environments = environmentsOf(model);
  const production = environments[environments.length - 1];
  const [window, timezone] = [config.deployFreeze, config.timezone];
  const backup = model.database !== undefined;
  const checks = generatedChecks(model, otherFiles, pipelineFiles, shellScriptsOf(window !== 'none', backup));
  const security = securityJobs(model);

  const jobs: PipelineJob[] = [
    ...lint.map((job) => ({ id: job.id, stage: 'lint' as const, needs: [] })),
    ...checks.map((check) => ({ id: check.id, stage: 'lint' as const, needs: [] })),
    ...tests.map((job) => ({ id: job.id, stage: 'test' as const, needs: [] })),
    ...images.map((image) => ({ id: jobId('image-test', image.name), stage: 'test' as const, needs: [] })),
    ...security.map((job) => ({ id: job.id, stage: 'security' as const, needs: [] })),
  ];
  const gates = jobs.map((job) => job.id);
  jobs.push(...images.map((image) => ({ id: jobId('build', image.name), stage: 'build' as const, needs: gates })));
  const builds = images.map((image) => jobId('build', image.name));
  for (const env of environments) {
    const needs = [...builds, ...(env.after ? [jobId('smoke', env.after)] : [])];
    if (env.isProduction) {
      jobs.push({ id: jobId('deploy', env.name), stage: 'production', needs, environment: env.name });
      jobs.push({ id: jobId('smoke', env.name), stage: 'production', needs: [jobId('deploy', env.name)], environment: env.name });
    } else {
      jobs.push({ id: jobId('deploy', env.name), stage: 'deploy', needs, environment: env.name });
      jobs.push({ id: jobId('smoke', env.name), stage: 'smoke', needs: [jobId('deploy', env.name)], environment: env.name });
    }
  }

  return {
    project: model.project.name,
    trunk,
    cloud: config.cloud,
    orchestration: config.orchestration,
    strategy: config.strategy,
    coverageThreshold: threshold,
    freeze: window === 'none' ? undefined : { window, timezone },
    lint,
    tests,
    checks,
    security,
    images,
    environments,
    branches: [...new Set([trunk, ...environments.map((env) => env.branch)])],
    production,
    backup,
    jobs,
    tools: {
      trivy: imageRef('trivy'),
      gitleaks: imageRef('gitleaks'),
      cosign: imageRef('cosign'),
    },
  };
};
