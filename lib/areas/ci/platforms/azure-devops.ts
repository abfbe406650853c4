/**
 * Azure DevOps Pipelines: one multi-stage YAML pipeline. Lint, Test and Security stages gate the Build stage;
 * each environment is a stage of its own whose deployment job enters an Azure DevOps environment (approvals,
 * exclusive lock and branch control are checks of that environment); clouds are reached through service
 * connections with workload identity federation, never with stored keys.
 */
import type { StackModel } from '../../../model/index.js';
import { joinPath } from '../../../repo-paths.js';
import { azureTaskRef } from '../../../versions/index.js';
import { ciScripts, needsOf } from '../pipeline.js';
import { registryLogin } from '../registry.js';
import type { Pipeline } from '../types.js';
import { deployJobData } from './common.js';
import type { CiPlatform } from './types.js';

const file = 'azure-pipelines.yml';

const tasks = ['azure-cli', 'cache', 'publish-code-coverage', 'publish-artifact', 'download-artifact', 'kubectl-installer', 'helm-installer', 'aws-shell-script'] as const;

/** Azure identifiers (stages, jobs, containers) allow letters, digits and underscores: `deploy-staging` is `deploy_staging`. */
export const azureId = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');

/** Where the package caches live: under the pipeline workspace, which Cache@2 saves and restores. */
const cacheRoot = '$(Pipeline.Workspace)';

/** The root of the checked-out repository on the agent (and, translated, inside container jobs). */
const sources = '$(System.DefaultWorkingDirectory)';

const inSources = (folder: string) => (folder === '.' || folder === '' ? sources : `${sources}/${folder}`);

/** A Cache@2 key: a fixed label, the agent's OS, then each dependency file (hashed by the task). */
const cacheKey = (label: string, files: string[]) => (files.length === 0 ? undefined : [`"${label}"`, '"$(Agent.OS)"', ...files].join(' | '));

const withCacheRoot = (variables: { name: string; value: string }[]) => variables.map((variable) => ({ name: variable.name, value: variable.value.replace('@CACHE@', cacheRoot) }));

export const azureDevops: CiPlatform = {
  name: 'azure-devops',
  label: 'Azure DevOps Pipelines',
  files: [file],
  plan: (pipeline: Pipeline, model: StackModel) => {
    const task = Object.fromEntries(tasks.map((key) => [key, azureTaskRef(key)]));
    const project = pipeline.project;
    const branches = pipeline.branches;
    return [
      {
        path: file,
        template: 'ci/azure-devops/azure-pipelines.yml.ejs',
        area: 'ci',
        ownership: 'managed',
        data: {
          ...pipeline,
          task,
          scripts: ciScripts,
          sources,
          threshold: pipeline.coverageThreshold,
          kubernetes: pipeline.orchestration !== 'none',
          registry: registryLogin(model.project.registry),
          branches,
          nonProduction: pipeline.environments.filter((env) => !env.isProduction),
          // Service connections and variable groups are named after the project: one per environment, one for the registry.
          registryConnection: `${project}-registry`,
          registryGroup: `${project}-registry`,
          lint: pipeline.lint.map((job) => ({
            ...job,
            azureId: azureId(job.id),
            cacheKey: cacheKey(job.id, job.cacheKeyFiles),
            env: withCacheRoot(job.cache.env),
            installDir: inSources(job.installDir),
            workdir: inSources(job.workdir),
          })),
          checks: pipeline.checks.map((check) => ({ ...check, azureId: azureId(check.id) })),
          security: pipeline.security.map((job) => ({ ...job, azureId: azureId(job.id) })),
          tests: pipeline.tests.map((job) => ({
            ...job,
            azureId: azureId(job.id),
            cacheKey: cacheKey(job.id, job.cacheKeyFiles),
            cacheEnv: withCacheRoot(job.cache.env),
            // Service containers are reached by the name of their entry under the job's `services:`.
            settings: job.settings((store) => store.name),
            containers: job.datastores.map((store) => ({ ...store, resource: azureId(`${job.id}-${store.name}`) })),
            installDir: inSources(job.installDir),
            workdir: inSources(job.workdir),
            gateScript: joinPath(sources, ciScripts.coverage),
            coverageReport: job.coverage ? joinPath(inSources(job.workdir), job.coverage.report) : undefined,
          })),
          images: pipeline.images.map((image) => ({
            ...image,
            imageTestId: azureId(`image-test-${image.name}`),
            buildId: azureId(`build-${image.name}`),
            artifact: `digest-${image.name}`,
          })),
          // Build needs every gate of the lint, test and security stages: the Build stage depends on all three.
          gateStages: [...new Set(needsOf(pipeline, `build-${pipeline.images[0]?.name}`).map((need) => pipeline.jobs.find((job) => job.id === need)!.stage))],
          environments: pipeline.environments.map((env) => ({
            ...env,
            stage: azureId(env.name),
            deployId: azureId(`deploy-${env.name}`),
            smokeId: azureId(`smoke-${env.name}`),
            environment: `${project}-${env.name}`,
            connection: `${project}-${env.name}`,
            group: `${project}-${env.name}`,
            // The stage before it in this run, when it promotes what that one deployed (its smoke test is a need).
            afterStage: env.after ? azureId(env.after) : undefined,
          })),
          ...deployJobData(pipeline, model),
        },
      },
    ];
  },
  docs: {
    approval:
      'Each environment is an Azure DevOps environment named `PROJECT-ENVIRONMENT` (Pipelines > Environments), which the deploy job enters. Give the production one an **Approvals** check (one approver from the release group, "Allow approvers to approve their own runs" off, timeout 72 hours), and give every environment an **Exclusive lock** check so that one run deploys at a time (the stages ask for `lockBehavior: sequential`: a newer run waits, none is cancelled halfway). Checks are added under the environment > Approvals and checks, with the Terraform provider `microsoft/azuredevops` (`azuredevops_check_approval`, `azuredevops_check_exclusive_lock`, `azuredevops_check_branch_control` on the environment id), or with `POST https://dev.azure.com/ORG/PROJECT/_apis/pipelines/checks/configurations?api-version=7.1-preview.1`. Create the environments, their checks, the variable groups and the service connections before the first run: an environment the pipeline creates on its own has no checks, and a missing group or connection stops the run before any job starts.',
    variables:
      "a variable group per environment named `PROJECT-ENVIRONMENT` (Pipelines > Library), which that environment's stage reads; on Google Cloud it also holds `GCP_WORKLOAD_IDENTITY_PROVIDER` and `GCP_DEPLOY_SERVICE_ACCOUNT`",
    identity:
      "service connections with workload identity federation, one per environment (`PROJECT-ENVIRONMENT`, used only by that environment's stage) and one for the registry (`PROJECT-registry`, used only by the build stage), each with its own least-privileged cloud identity and its own checks. Azure: Azure Resource Manager connections, used by `AzureCLI@2`. AWS: AWS connections of the AWS Toolkit for Azure DevOps extension with \"Use OIDC\" checked and a role to assume, used by `AWSShellScript@1`; the IAM OIDC provider is `vstoken.dev.azure.com/ORG-ID` with the audience `api://AzureADTokenExchange`, and each role trusts only the subject `sc://ORG/PROJECT/CONNECTION`; sessions last one hour (`aws.rolecredential.maxduration`). Google Cloud: Azure Resource Manager connections whose app registrations hold no Azure role; `AzureCLI@2` (`addSpnToEnvironment`, `allowNoSubscriptions`) hands the connection's token to a workload identity pool provider (issuer `https://vstoken.dev.azure.com/ORG-ID`, allowed audience `api://AzureADTokenExchange`, `google.subject` mapped from `assertion.sub`), whose principal may impersonate the environment's service account; the registry group holds `GCP_WORKLOAD_IDENTITY_PROVIDER` and `GCP_REGISTRY_SERVICE_ACCOUNT`. No cloud key is stored in Azure DevOps, and pull request builds reach no service connection (the test-target build logs in nowhere). Signing: Fulcio issues no certificate for Azure DevOps tokens (sigstore/fulcio#1803), so cosign signs with a key, reached with the registry identity: on AWS `COSIGN_KEY` in the `PROJECT-registry` group names a KMS key (`awskms:///alias/NAME`) the registry role may use for `kms:Sign`; on Azure and Google Cloud, where cosign in its container cannot use the federated login, the encrypted key pair and its password are the secrets `cosign-private-key` and `cosign-password` of the Key Vault named by `COSIGN_KEY_VAULT`, or of Secret Manager in the project `COSIGN_SECRET_PROJECT`, read at signing time; with a registry of another cloud they are the secret variables `COSIGN_PRIVATE_KEY` and `COSIGN_PASSWORD` of the registry group.",
    freezeOverride: 'the `freeze_override_reason` parameter of a manual run (Run pipeline > Advanced options)',
    forceBuild: 'the `force_build` parameter of a manual run',
    branchProtection:
      'Protect `main` with branch policies (Repos > Branches > main > Branch policies): at least one reviewer, "Prohibit the most recent pusher from approving their own changes" on, a build validation policy running this pipeline (required, expiring when `main` is updated), comment resolution required, and no bypass for contributors; `az repos policy approver-count create --branch main --repository-id REPO_ID --minimum-approver-count 1 --creator-vote-counts false --allow-downvotes false --reset-on-source-push true --blocking true --enabled true` and `az repos policy build create --branch main --repository-id REPO_ID --build-definition-id PIPELINE_ID --display-name pipeline --queue-on-source-update-only false --manual-queue-only false --valid-duration 0 --blocking true --enabled true` apply it. Add a **Branch control** check to each environment and service connection (allowed branches `refs/heads/main`, plus `refs/heads/ENVIRONMENT` for an environment deployed from its own branch; "Verify branch protection" on), so that no other branch can deploy or reach a cloud identity even with an edited pipeline. In Project settings > Pipelines > Settings, turn on "Limit job authorization scope to current project" (for non-release and release pipelines) and "Protect access to repositories in YAML pipelines", so that the job token reaches only this project and this repository; the pipeline never hands it to a script and never keeps it in the checkout.',
  },
};
