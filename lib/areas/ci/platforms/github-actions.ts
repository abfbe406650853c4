/** GitHub Actions: one workflow, jobs with their own `permissions:`, environments as the approval gate. */
import type { StackModel } from '../../../model/index.js';
import { joinPath, relativePath } from '../../../repo-paths.js';
import { githubRegistryEnvironment } from '../../../plan/naming.js';
import { actionRef } from '../../../versions/index.js';
import { ciScripts, needsOf } from '../pipeline.js';
import { registryLogin, type RegistryLogin } from '../registry.js';
import type { Pipeline } from '../types.js';
import { deployJobData } from './common.js';
import type { CiPlatform } from './types.js';

const workflow = '.github/workflows/pipeline.yml';

const actions = [
  'checkout',
  'cache',
  'upload-artifact',
  'download-artifact',
  'setup-buildx-action',
  'login-action',
  'configure-aws-credentials',
  'amazon-ecr-login',
  'auth',
  'setup-gcloud',
  'azure-login',
  'setup-kubectl',
  'setup-helm',
] as const;

/**
 * `hashFiles('a', 'b')` of the dependency files (expression strings are single-quoted); none without them:
 * a cache nothing invalidates would serve stale packages.
 */
const cacheKey = (service: string, files: string[]) =>
  files.length === 0 ? undefined : `${service}-\${{ runner.os }}-\${{ hashFiles(${files.map((file) => `'${file.replace(/'/g, "''")}'`).join(', ')}) }}`;

/**
 * When the test-target jobs log in to read the build cache: only on pushes (deploy branches and release tags),
 * whose tokens the registry's identity trusts; a pull request's token is trusted by none (and a fork's run has no
 * secrets), so it builds without the cache, which buildx treats as a miss. Azure trusts exact subjects, the deploy
 * branches', so release tags read no cache there either. GHCR takes the run's own GITHUB_TOKEN, always.
 */
const cacheLoginWhen = (registry: RegistryLogin): string | undefined => {
  if (registry.kind === 'ghcr') return undefined;
  return registry.kind === 'acr' ? "github.event_name == 'push' && github.ref_type == 'branch'" : "github.event_name == 'push'";
};

export const githubActions: CiPlatform = {
  name: 'github-actions',
  label: 'GitHub Actions',
  files: [workflow],
  plan: (pipeline: Pipeline, model: StackModel) => {
    const uses = Object.fromEntries(actions.map((key) => [key, actionRef(key)]));
    const registry = registryLogin(model.project.registry);
    return [
      {
        path: workflow,
        template: 'ci/github-actions/pipeline.yml.ejs',
        area: 'ci',
        ownership: 'managed',
        data: {
          ...pipeline,
          uses,
          scripts: ciScripts,
          workspace: '/github/home',
          threshold: pipeline.coverageThreshold,
          kubernetes: pipeline.orchestration !== 'none',
          registry,
          cacheLoginWhen: cacheLoginWhen(registry),
          // Release tags push too: on Azure only a job in this environment has a subject it can trust.
          buildEnvironment: registry.kind === 'acr' ? githubRegistryEnvironment : undefined,
          branches: pipeline.branches,
          nonProduction: pipeline.environments.filter((env) => !env.isProduction),
          images: pipeline.images.map((image) => ({ ...image, needs: needsOf(pipeline, `build-${image.name}`) })),
          lint: pipeline.lint.map((job) => ({ ...job, cacheKey: cacheKey(job.id, job.cacheKeyFiles) })),
          tests: pipeline.tests.map((job) => ({
            ...job,
            cacheKey: cacheKey(job.id, job.cacheKeyFiles),
            gateScript: relativePath(job.workdir, ciScripts.coverage),
            coverageReport: job.coverage ? joinPath(job.workdir, job.coverage.report) : undefined,
          })),
          environments: pipeline.environments.map((env) => ({
            ...env,
            needs: needsOf(pipeline, `deploy-${env.name}`),
          })),
          ...deployJobData(pipeline, model),
        },
      },
    ];
  },
  docs: {
    approval:
      'The production job runs in the GitHub environment `production`: add required reviewers to it (Settings > Environments), and it waits for one of them to approve. Prevent self-review so that the author of a change cannot approve its deploy.',
    variables: 'GitHub environment variables (Settings > Environments > each environment > Variables); the registry and cloud identities are repository variables.',
    identity:
      'OpenID Connect: each job that logs in asks for `id-token: write` and exchanges the token for short-lived cloud credentials (an AWS IAM role, a GCP workload identity pool, an Azure federated credential). No cloud keys are stored in GitHub.',
    branchProtection:
      'Protect `main`: require a pull request with one approving review, require the lint, test and security jobs of this workflow to pass, require branches to be up to date, and block force pushes. `gh api --method PUT repos/OWNER/REPO/branches/main/protection` with those settings applies it.',
    registry: (login) =>
      login.kind === 'acr'
        ? `the build jobs run in the GitHub environment \`${githubRegistryEnvironment}\`, and Azure trusts that environment's token to push (one token subject for the deploy branches and release tags; a tag's own subject is new each time, and Azure matches subjects exactly). In Settings > Environments > ${githubRegistryEnvironment}, allow only the deploy branches and \`v*\` tags to deploy to it: any run admitted to it may push.`
        : undefined,
    forceBuild: 'the `force_build` input of a manual run',
    freezeOverride: 'the `freeze_override_reason` input of a manual run (Actions > pipeline > Run workflow)',
  },
};
