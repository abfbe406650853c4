/** GitHub Actions: one workflow, jobs with their own `permissions:`, environments as the approval gate. */
import type { StackModel } from '../../../model/index.js';
import { joinPath, relativePath } from '../../../repo-paths.js';
import { actionRef } from '../../../versions/index.js';
import { ciScripts, needsOf } from '../pipeline.js';
import { registryLogin } from '../registry.js';
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

export const githubActions: CiPlatform = {
  name: 'github-actions',
  label: 'GitHub Actions',
  files: [workflow],
  plan: (pipeline: Pipeline, model: StackModel) => {
    const uses = Object.fromEntries(actions.map((key) => [key, actionRef(key)]));
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
          registry: registryLogin(model.project.registry),
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
    forceBuild: 'the `force_build` input of a manual run',
    freezeOverride: 'the `freeze_override_reason` input of a manual run (Actions > pipeline > Run workflow)',
  },
};
