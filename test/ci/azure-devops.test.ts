/**
 * The Azure DevOps pipeline's own promises: the environment approval before production, one deploy per
 * environment at a time, triggers and conditions that never build or deploy a pull request, federated service
 * connections instead of keys, coverage published in Azure's format, package caches keyed on lock files, and
 * the pipeline-security checks, with planted cases that must fail.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { imageRef } from '../../lib/versions/index.js';
import { renderAnswers, writeRendered } from '../validation/generate.js';
import { tempDir } from '../helpers/folders.js';
import { azurePipelineFindings } from './azure-devops-security.js';
import { federatedLogin, scriptOf, stepsOf } from './normalise/azure-devops.js';
import { shopAnswers } from './answers.js';

const base: Answers = shopAnswers({ ci: 'azure-devops' });

type Step = { script?: string; task?: string; checkout?: string; fetchDepth?: number; persistCredentials?: boolean; condition?: string; target?: string; inputs?: Record<string, unknown>; env?: Record<string, string> };
type Job = { job?: string; deployment?: string; dependsOn?: string; environment?: string; container?: { image: string }; services?: Record<string, string>; steps?: Step[]; strategy?: { runOnce: { deploy: { steps: Step[] } } } };
type Stage = { stage: string; dependsOn?: string[]; condition?: string; lockBehavior?: string; variables?: { group: string }[]; jobs: Job[] };
type Pipeline = {
  trigger: { branches: { include: string[] }; tags: { include: string[] } };
  pr: { branches: { include: string[] } };
  parameters: { name: string; type: string; default: string }[];
  variables: { name: string; value: string }[];
  resources?: { containers: { container: string; image: string }[] };
  stages: Stage[];
};

const render = (answers: Partial<Answers> = {}) => {
  const files = new Map(renderAnswers({ ...base, ...answers }).map((file) => [file.path, file.contents]));
  const text = files.get('azure-pipelines.yml') ?? assert.fail('azure-pipelines.yml was not generated');
  const pipeline = parse(text) as Pipeline;
  const stage = (name: string) => pipeline.stages.find((candidate) => candidate.stage === name) ?? assert.fail(`no stage ${name}`);
  const jobs = pipeline.stages.flatMap((candidate) => candidate.jobs.map((job) => ({ stage: candidate, job, name: (job.job ?? job.deployment)! })));
  const job = (name: string) => jobs.find((candidate) => candidate.name === name) ?? assert.fail(`no job ${name}`);
  return { files, text, pipeline, stage, jobs, job };
};

/** A job's steps, typed with the step fields these tests read. */
const stepsIn = (job: Job): Step[] => stepsOf(job as Parameters<typeof stepsOf>[0]) as Step[];

const notPullRequest = "ne(variables['Build.Reason'], 'PullRequest')";

describe('the Azure DevOps pipeline', () => {
  const { files, text, pipeline, stage, jobs, job } = render();

  test('production waits for the Approvals check of its environment; nothing else enters a gated environment', () => {
    const deploy = job('deploy_production');
    assert.equal(deploy.job.deployment, 'deploy_production');
    assert.equal(deploy.job.environment, 'shop-production');
    assert.equal(job('deploy_staging').job.environment, 'shop-staging');
    // Smoke tests are plain jobs: a second job in the environment would wait for a second approval.
    for (const smoke of jobs.filter((candidate) => candidate.name.startsWith('smoke_'))) assert.equal(smoke.job.environment, undefined, smoke.name);
    assert.doesNotMatch(text, /ManualValidation@/);
    assert.match(files.get('docs/ci-cd.md')!, /\*\*Approvals\*\* check/);
  });

  test('one deploy per environment at a time: sequential lock requests, with the exclusive lock check documented', () => {
    for (const name of ['staging', 'production']) assert.equal(stage(name).lockBehavior, 'sequential', name);
    assert.match(files.get('docs/ci-cd.md')!, /\*\*Exclusive lock\*\* check/);
  });

  test('triggers: pushes to the deploy branches, v* tags and pull requests into them; runs by hand with a freeze override', () => {
    assert.deepEqual(pipeline.trigger.branches.include, ['main']);
    assert.deepEqual(pipeline.trigger.tags.include, ['v*']);
    assert.deepEqual(pipeline.pr.branches.include, ['main']);
    const freeze = pipeline.parameters.find((parameter) => parameter.name === 'freeze_override_reason')!;
    assert.equal(freeze.type, 'string');
    const freezeStep = stepsIn(job('deploy_production').job).find((step) => /freeze-check\.sh/.test(step.script ?? ''))!;
    assert.deepEqual(freezeStep.env, { FREEZE_OVERRIDE_REASON: '${{ trim(parameters.freeze_override_reason) }}', CI_ACTOR: '$(Build.RequestedFor)' });
  });

  test("the run form's blank default is no override: the freeze still holds", () => {
    const at = (offsetHours: number) => {
      const when = new Date(Date.now() + offsetHours * 3600_000);
      return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][when.getUTCDay()]} ${String(when.getUTCHours()).padStart(2, '0')}:00`;
    };
    const dir = tempDir();
    writeRendered(dir, renderAnswers({ ...base, deployFreeze: `${at(-2)} - ${at(2)}`, timezone: 'UTC' }));
    const freeze = (reason: string) => spawnSync('sh', ['scripts/ci/freeze-check.sh'], { cwd: dir, env: { PATH: process.env.PATH!, FREEZE_OVERRIDE_REASON: reason, CI_ACTOR: 'alice' }, encoding: 'utf8' });
    assert.equal(freeze(' ').status, 1);
    assert.equal(freeze('hotfix for CVE-2026-2').status, 0);
  });

  test('the scripts read the run from predefined variables, never as script text', () => {
    const variables = Object.fromEntries(pipeline.variables.map((variable) => [variable.name, variable.value]));
    assert.equal(variables.CI_COMMIT, '$(Build.SourceVersion)');
    assert.equal(variables.CI_REF_NAME, '$(Build.SourceBranchName)');
    assert.equal(variables.CI_RUN_NUMBER, '$(Build.BuildId)');
    assert.match(variables.CI_REF_TYPE, /startsWith\(variables\['Build\.SourceBranch'\], 'refs\/tags\/'\), 'tag', 'branch'/);
  });

  test('no build and no deploy for pull requests; each environment deploys only from its branch', () => {
    assert.equal(stage('build').condition, `and(succeeded(), ${notPullRequest})`);
    assert.deepEqual(stage('build').dependsOn, ['lint', 'test', 'security']);
    for (const name of ['staging', 'production']) {
      assert.equal(stage(name).condition, `and(succeeded(), ${notPullRequest}, eq(variables['Build.SourceBranch'], 'refs/heads/main'))`);
    }
    assert.deepEqual(stage('production').dependsOn, ['build', 'staging']);
    const three = render({ environments: ['dev', 'staging', 'production'] });
    assert.match(three.stage('dev').condition!, /'refs\/heads\/dev'\)\)$/);
    assert.deepEqual(three.stage('staging').dependsOn, ['build']);
    assert.deepEqual(three.stage('production').dependsOn, ['build', 'staging']);
    assert.deepEqual(three.pipeline.trigger.branches.include, ['main', 'dev']);
  });

  test('clouds through federated service connections, only in the jobs that build or deploy', () => {
    for (const { name, job: candidate } of jobs) {
      const logsIn = stepsIn(candidate).some(federatedLogin);
      assert.equal(logsIn, /^(build|deploy|smoke)_/.test(name), `${name} service connection`);
    }
    const deploy = stepsIn(job('deploy_staging').job).find((step) => /deploy\.sh staging/.test(scriptOf(step) ?? ''))!;
    assert.equal(deploy.task, 'AWSShellScript@1');
    assert.equal(deploy.inputs?.awsCredentials, 'shop-staging');
    assert.equal(stepsIn(job('build_api_express').job).find(federatedLogin)!.inputs?.awsCredentials, 'shop-registry');
    assert.doesNotMatch(text, /AWS_SECRET_ACCESS_KEY|AZURE_CLIENT_SECRET|servicePrincipalKey|System\.AccessToken/);

    const gcp = render({ cloud: 'gcp', orchestration: 'none', registry: 'europe-west1-docker.pkg.dev/acme/shop' });
    const gcpDeploy = stepsIn(gcp.job('deploy_production').job).find((step) => /deploy\.sh production$/m.test(scriptOf(step) ?? ''))!;
    assert.equal(gcpDeploy.task, 'AzureCLI@2');
    assert.equal(gcpDeploy.inputs?.addSpnToEnvironment, true);
    assert.match(scriptOf(gcpDeploy)!, /create-cred-config "\$GCP_WORKLOAD_IDENTITY_PROVIDER" \\\n\s+--service-account "\$GCP_DEPLOY_SERVICE_ACCOUNT"/);
    assert.match(scriptOf(gcpDeploy)!, /gcloud auth login --cred-file/);

    const azure = render({ cloud: 'azure', orchestration: 'kustomize', registry: 'acme.azurecr.io/shop' });
    const login = stepsIn(azure.job('build_api_express').job).find(federatedLogin)!;
    assert.equal(login.task, 'AzureCLI@2');
    assert.equal(login.inputs?.azureSubscription, 'shop-registry');
    assert.match(scriptOf(login)!, /az acr login --name acme/);
    assert.equal(login.inputs?.addSpnToEnvironment, undefined, 'no service principal in the environment when az does the login');
  });

  test('signing: a KMS key on AWS, a key from the secret store on Azure and Google Cloud, never keyless', () => {
    const sign = (pipelineText: ReturnType<typeof render>) => stepsIn(pipelineText.job('build_api_express').job).find((step) => /image\.sh sign/.test(scriptOf(step) ?? ''))!;
    assert.ok(federatedLogin(sign(render())));
    assert.match(scriptOf(sign(render({ cloud: 'azure', registry: 'acme.azurecr.io/shop' })))!, /az keyvault secret show --vault-name "\$COSIGN_KEY_VAULT" --name cosign-private-key[\s\S]*COSIGN_KEY=env:\/\/COSIGN_PRIVATE_KEY/);
    assert.match(scriptOf(sign(render({ cloud: 'gcp', registry: 'europe-west1-docker.pkg.dev/acme/shop' })))!, /gcloud secrets versions access latest --secret cosign-private-key/);
    const robot = sign(render({ registry: 'ghcr.io/acme' }));
    assert.deepEqual(robot.env, { COSIGN_KEY: 'env://COSIGN_PRIVATE_KEY', COSIGN_PRIVATE_KEY: '$(COSIGN_PRIVATE_KEY)', COSIGN_PASSWORD: '$(COSIGN_PASSWORD)' });
    assert.match(render().files.get('scripts/ci/image.sh')!, /-e COSIGN_PRIVATE_KEY -e COSIGN_PASSWORD/);
  });

  test('every deploy downloads each image digest; the build jobs publish them', () => {
    for (const name of ['deploy_staging', 'deploy_production']) {
      const downloads = stepsIn(job(name).job).filter((step) => step.task === 'DownloadPipelineArtifact@2').map((step) => step.inputs?.artifactName);
      assert.deepEqual(downloads, ['digest-web-react', 'digest-api-express', 'digest-api-fastapi', 'digest-api-go'], name);
    }
    const publish = stepsIn(job('build_api_go').job).at(-1)!;
    assert.equal(publish.task, 'PublishPipelineArtifact@1');
    assert.equal(publish.inputs?.artifact, 'digest-api-go');
  });

  test('tests run in the build image with their datastores as service containers reached by name, and publish Cobertura or JaCoCo', () => {
    const { job: testJob } = job('test_api_express');
    assert.deepEqual(testJob.services, { postgres: 'test_api_express_postgres', redis: 'test_api_express_redis' });
    assert.ok(pipeline.resources!.containers.some((container) => container.container === 'test_api_express_postgres' && container.image === imageRef('postgres')));
    const steps = stepsIn(testJob);
    const run = steps.find((step) => step.script && /npm|npx/.test(step.script) && step.env?.DATABASE_URL)!;
    assert.match(run.env!.DATABASE_URL, /@postgres:5432\//);
    const gate = steps.findIndex((step) => /coverage-gate\.sh 80 /.test(step.script ?? ''));
    const publish = steps.findIndex((step) => step.task === 'PublishCodeCoverageResults@2');
    assert.ok(gate >= 0 && publish > gate);
    assert.equal(steps[publish].condition, 'succeededOrFailed()');
    assert.equal(steps[publish].target, 'host');
    assert.match(String(steps[publish].inputs?.summaryFileLocation), /^\$\(System\.DefaultWorkingDirectory\)\/services\/api-express\/.+\.(xml|info)$/);
  });

  test('package caches are keyed on the lock files and live under the pipeline workspace', () => {
    const lint = stepsIn(job('lint_api_express').job);
    const cache = lint.find((step) => step.task === 'Cache@2')!;
    assert.match(String(cache.inputs?.key), /^"lint-api-express" \| "\$\(Agent\.OS\)" \| services\/api-express\/package(-lock)?\.json/);
    assert.equal(cache.inputs?.path, '$(Pipeline.Workspace)/.cache');
    assert.equal(lint.find((step) => step.script?.includes('npm ci'))!.env?.npm_config_cache, '$(Pipeline.Workspace)/.cache/npm');
  });

  test('checks and scans run their case of check.sh in the tool image; the secret scan reads the whole history', () => {
    const scan = stepsIn(job('scan_secrets').job);
    assert.equal(scan[0].fetchDepth, 0);
    assert.equal(scan.at(-1)!.script, `docker run --rm -v "$PWD:/src" -w /src --entrypoint sh ${imageRef('gitleaks')} scripts/ci/check.sh scan-secrets`);
    for (const { name, job: candidate } of jobs) {
      const checkout = stepsIn(candidate).find((step) => step.checkout === 'self');
      assert.equal(checkout?.persistCredentials, false, name);
    }
  });

  test('passes the pipeline-security checks in every cloud and registry', () => {
    assert.deepEqual(azurePipelineFindings(text), []);
    for (const answers of [
      { cloud: 'gcp', orchestration: 'none', strategy: 'canary', environments: ['dev', 'staging', 'production'], registry: 'europe-west1-docker.pkg.dev/acme/shop' },
      { cloud: 'azure', orchestration: 'kustomize', strategy: 'blue-green', deployFreeze: 'none', registry: 'acme.azurecr.io/shop' },
      { registry: 'ghcr.io/acme' },
    ] as Partial<Answers>[]) {
      assert.deepEqual(azurePipelineFindings(render(answers).text), [], JSON.stringify(answers));
    }
  });
});

describe('Azure pipeline-security checks fail on planted cases', () => {
  const clean = `trigger: [main]
pool:
  vmImage: ubuntu-24.04
resources:
  containers:
    - container: db
      image: postgres:18.6-trixie
stages:
  - stage: build
    condition: and(succeeded(), ne(variables['Build.Reason'], 'PullRequest'))
    jobs:
      - job: build
        container:
          image: node:24.19.0-trixie-slim
        services:
          db: db
        steps:
          - checkout: self
            persistCredentials: false
          - script: echo "building $BRANCH"
            env:
              BRANCH: $(Build.SourceBranchName)
              REGISTRY_PASSWORD: $(REGISTRY_PASSWORD)
          - script: printf '%s' "$REGISTRY_PASSWORD" | docker login example.com --username robot --password-stdin
          - task: AzureCLI@2
            inputs:
              azureSubscription: shop-registry
              scriptType: bash
              scriptLocation: inlineScript
              inlineScript: az acr login --name shop
`;
  test('a clean pipeline passes', () => assert.deepEqual(azurePipelineFindings(clean), []));
  const planted: Record<string, string> = {
    'a branch name in a script': clean.replace('echo "building $BRANCH"', 'echo "building $(Build.SourceBranchName)"'),
    'a pull request title in a script': clean.replace('echo "building $BRANCH"', 'echo "$(System.PullRequest.SourceBranch)"'),
    'a commit message in a script': clean.replace('echo "building $BRANCH"', 'echo "$(Build.SourceVersionMessage)"'),
    'a runtime parameter in a script': clean.replace('echo "building $BRANCH"', 'echo "${{ parameters.reason }}"'),
    'an unpinned task': clean.replace('AzureCLI@2', 'AzureCLI'),
    'an image tagged latest': clean.replace('node:24.19.0-trixie-slim', 'node:latest'),
    'an untagged service image': clean.replace('postgres:18.6-trixie', 'postgres'),
    'latest in a docker run': clean.replace('echo "building $BRANCH"', 'docker run --rm alpine:latest true'),
    'a secret printed': clean.replace('echo "building $BRANCH"', 'echo "$REGISTRY_PASSWORD"'),
    'a secret expanded into the script': clean.replace('echo "building $BRANCH"', 'docker login -p $(REGISTRY_PASSWORD) example.com'),
    'persistCredentials where nothing pushes': clean.replace('persistCredentials: false', 'persistCredentials: true'),
    'the job token handed to a script': clean.replace('REGISTRY_PASSWORD: $(REGISTRY_PASSWORD)', 'SYSTEM_ACCESSTOKEN: $(System.AccessToken)'),
    'a long-lived cloud key': clean.replace('REGISTRY_PASSWORD: $(REGISTRY_PASSWORD)', 'AWS_SECRET_ACCESS_KEY: $(AWS_SECRET_ACCESS_KEY)'),
    'a service connection reachable from pull requests': clean.replace("    condition: and(succeeded(), ne(variables['Build.Reason'], 'PullRequest'))\n", ''),
  };
  for (const [what, text] of Object.entries(planted)) {
    test(what, () => assert.notDeepEqual(azurePipelineFindings(text), []));
  }
});
