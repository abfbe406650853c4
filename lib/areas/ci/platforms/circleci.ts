/**
 * CircleCI: one workflow whose `requires:` are the canonical job graph, expression filters for branches and
 * release tags, restricted contexts per environment, a `type: approval` job before production, serial groups
 * so that one deploy per environment runs at a time, and OIDC (CIRCLE_OIDC_TOKEN_V2) to the clouds.
 */
import type { StackModel } from '../../../model/index.js';
import { joinPath, relativePath } from '../../../repo-paths.js';
import { imageRef, machineImage, toolVersion } from '../../../versions/index.js';
import { ciScripts, needsOf } from '../pipeline.js';
import { registryLogin } from '../registry.js';
import type { LanguageJob, Pipeline, ServiceContainer } from '../types.js';
import { deployJobData } from './common.js';
import type { CiPlatform } from './types.js';

const config = '.circleci/config.yml';

/** Where the package managers' caches live in lint and test jobs: writable by any image's user. */
const cacheRoot = '/tmp/ci-cache';

/** The release tags that build images (as on every platform: v1.2.3). */
const releaseTag = 'pipeline.git.tag and pipeline.git.tag matches /^v.+/';

/**
 * `{{ checksum "file" }}` of each dependency file, in a key that changes with any of them; none without
 * them: a cache nothing invalidates would serve stale packages.
 */
const cacheKey = (job: LanguageJob) =>
  job.cacheKeyFiles.length === 0 || job.cache.paths.length === 0
    ? undefined
    : `${job.id}-v1-{{ arch }}-${job.cacheKeyFiles.map((file) => `{{ checksum "${file}" }}`).join('-')}`;

const withCacheRoot = (job: LanguageJob) => job.cache.env.map((variable) => ({ name: variable.name, value: variable.value.replace('@CACHE@', cacheRoot) }));

/** Secondary containers are all reached on localhost: two that listen on one port cannot share a job. */
const checkPorts = (job: string, containers: ServiceContainer[]) => {
  const ports = containers.map((container) => container.port);
  const clash = ports.find((port, index) => ports.indexOf(port) !== index);
  if (clash !== undefined) throw new Error(`internal: ${job} needs two service containers on port ${clash}, which CircleCI cannot give it on localhost`);
};

/** The Kubernetes tools, at the versions phase4 pins, where the cloud's image does not bring them. */
const kubernetesTools = (pipeline: Pipeline) => ({
  kubectl: toolVersion('kubectl'),
  helm: pipeline.orchestration === 'helm' ? toolVersion('helm') : undefined,
  kubelogin: pipeline.cloud === 'azure' ? toolVersion('kubelogin') : undefined,
});

export const circleci: CiPlatform = {
  name: 'circleci',
  label: 'CircleCI',
  files: [config],
  plan: (pipeline: Pipeline, model: StackModel) => {
    const branches = [...new Set(pipeline.environments.map((env) => env.branch))];
    const pushTo = (branch: string) => `pipeline.git.branch == "${branch}" and pipeline.event.name != "pull_request"`;
    const approval = `hold-${pipeline.production.name}`;
    return [
      {
        path: config,
        template: 'ci/circleci/config.yml.ejs',
        area: 'ci',
        ownership: 'managed',
        data: {
          ...pipeline,
          scripts: ciScripts,
          threshold: pipeline.coverageThreshold,
          kubernetes: pipeline.orchestration !== 'none',
          registry: registryLogin(model.project.registry),
          machineImage: machineImage('circleci-ubuntu'),
          deployImage: imageRef(`cimg-${pipeline.cloud}`),
          buildkitImage: imageRef('buildkit'),
          awsCliImage: imageRef('aws-cli'),
          tools: kubernetesTools(pipeline),
          // Lint, test and security run for every branch, pull request and release tag; CircleCI skips a job on
          // tags unless its filter admits them, and a job whose requirements were all filtered out still runs.
          gateFilter: `pipeline.git.branch or (${releaseTag})`,
          // Images are pushed for the deploy branches and release tags, never for pull requests.
          buildFilter: [...branches.map((branch) => `(${pushTo(branch)})`), `(${releaseTag})`],
          lint: pipeline.lint.map((job) => ({ ...job, cacheKey: cacheKey(job), cachePaths: job.cache.paths.map((path) => `${cacheRoot}/${path}`), env: withCacheRoot(job) })),
          tests: pipeline.tests.map((job) => {
            checkPorts(job.id, job.datastores);
            return {
              ...job,
              cacheKey: cacheKey(job),
              cachePaths: job.cache.paths.map((path) => `${cacheRoot}/${path}`),
              env: [...withCacheRoot(job), ...job.settings(() => 'localhost')],
              gateScript: relativePath(job.workdir, ciScripts.coverage),
              coverageReport: job.coverage ? joinPath(job.workdir, job.coverage.report) : undefined,
            };
          }),
          images: pipeline.images.map((image) => ({ ...image, needs: needsOf(pipeline, `build-${image.name}`) })),
          approval,
          approvalNeeds: needsOf(pipeline, `deploy-${pipeline.production.name}`),
          environments: pipeline.environments.map((env) => ({
            ...env,
            needs: env.isProduction ? [approval] : needsOf(pipeline, `deploy-${env.name}`),
            filter: pushTo(env.branch),
            context: `${pipeline.project}-${env.name}`,
          })),
          registryContext: `${pipeline.project}-registry`,
          ...deployJobData(pipeline, model),
        },
      },
    ];
  },
  docs: {
    registry: (login, project) => {
      const context = `the context \`${project}-registry\`, which only the build jobs use`;
      if (login.kind === 'ecr') return `the build jobs log in with their OIDC token through \`AWS_REGISTRY_ROLE_ARN\`, a role that may push to these repositories only, kept in ${context}.`;
      if (login.kind === 'gar') return `the build jobs exchange their OIDC token with Google's STS and impersonate \`GCP_REGISTRY_SERVICE_ACCOUNT\` (Artifact Registry writer on this repository only) through \`GCP_WORKLOAD_IDENTITY_PROVIDER\`, both in ${context}.`;
      if (login.kind === 'acr') return `the build jobs exchange their OIDC token (audience \`api://AzureADTokenExchange\`) for an Entra ID token of \`AZURE_CLIENT_ID\` in \`AZURE_TENANT_ID\`, an app with AcrPush on this registry only, and that for a registry token; both variables live in ${context}.`;
      return `CircleCI has no federated login to this registry: create a robot account (on GitHub, a machine user's token with \`write:packages\` only) and store its token as \`REGISTRY_PASSWORD\` with \`REGISTRY_USERNAME\` in ${context}, restricted to the security group that may publish images.`;
    },
    approval:
      'The workflow stops at the `type: approval` job before production until someone approves it in the CircleCI app. Anyone who can push may press the button, but the production jobs use the restricted context of production: they run only when the approver is in that context\'s security group (Organization Settings > Contexts > the production context > Security Groups), and fail as unauthorized otherwise. Keep the author of a change out of that group, or require a second person by policy, so that nobody approves their own deploy. To deploy during a deploy freeze, trigger the pipeline on `main` by hand (Trigger Pipeline) with the string parameter `freeze_override_reason` set to the reason: the production job receives it as `FREEZE_OVERRIDE_REASON`, with `CIRCLE_USERNAME` as the actor.',
    variables:
      'one CircleCI context per environment, named `PROJECT-ENVIRONMENT` after the project (Organization Settings > Contexts), restricted to a security group and, with an expression restriction, to its deploy branch (for example `pipeline.git.branch == "main"`); the registry login reads the context `PROJECT-registry`. The cloud identity of each context is a variable there too: `AWS_DEPLOY_ROLE_ARN` (AWS), `GCP_WORKLOAD_IDENTITY_PROVIDER` and `GCP_DEPLOY_SERVICE_ACCOUNT` (Google Cloud), or `AZURE_CLIENT_ID`, `AZURE_TENANT_ID` and `AZURE_SUBSCRIPTION_ID` (Azure)',
    identity:
      "OpenID Connect: every CircleCI job receives a short-lived token (`CIRCLE_OIDC_TOKEN_V2`, issuer `https://oidc.circleci.com/org/ORGANIZATION_ID`, audience the organization id). AWS: an IAM OIDC provider for that issuer and a role per environment whose trust policy checks `oidc.circleci.com/project-id` and, in `sub`, `vcs-ref/refs/heads/main`; the jobs assume it through `AWS_WEB_IDENTITY_TOKEN_FILE`. Google Cloud: a workload identity pool provider for the issuer, with the organization id as allowed audience, mapping `attribute.project` to `assertion['oidc.circleci.com/project-id']`, allowed to impersonate the deploy service account; the jobs write a credential configuration file that reads the token from a file. Azure: a federated credential on the deploy app registration with issuer `https://oidc.circleci.com/org/ORGANIZATION_ID`, audience `api://AzureADTokenExchange` and the exact `sub` of CircleCI's token, which names the organization, the project and the person who started the pipeline (`org/ORGANIZATION_ID/project/PROJECT_ID/user/USER_ID`): Azure matches subjects exactly, so add one credential per person allowed to deploy. Images are signed keyless: Fulcio accepts CircleCI's tokens, and the build jobs ask for one with the audience `sigstore`. No cloud keys are stored in CircleCI. Keep Project Settings > Advanced > Pass secrets to builds from forked pull requests off: forks then get neither contexts nor OIDC tokens.",
    freezeOverride: 'the `freeze_override_reason` pipeline parameter of a manual trigger (Trigger Pipeline on `main`)',
    forceBuild: 'the `force_build` pipeline parameter of a manual trigger',
    branchProtection:
      'Protect `main` on the Git host: require a pull request with one approving review, require the CircleCI status checks of the lint, test and security jobs (`ci/circleci: lint-…`, `test-…`, `scan-secrets`, …) to pass, require branches to be up to date, and block force pushes. On GitHub, `gh api --method PUT repos/OWNER/REPO/branches/main/protection` with those settings applies it. In CircleCI, keep "Pass secrets to builds from forked pull requests" off and restrict each environment context to its security group.',
  },
};
