/**
 * GitLab CI/CD: one `.gitlab-ci.yml`. `workflow:rules` decide which pipelines exist (merge requests, the deploy
 * branches, `v*` tags, runs from the web), job `rules` keep builds and deploys off merge requests and
 * unprotected refs, `id_tokens` give the jobs that push or deploy their OIDC identity, environments with
 * `resource_group` serialise deploys, and production is a blocking manual job in a protected environment
 * with required approvals.
 */
import type { StackModel } from '../../../model/index.js';
import { deployLayout } from '../../../plan/naming.js';
import { joinPath, relativePath } from '../../../repo-paths.js';
import { yaml } from '../../../render/quote.js';
import { imageRef, toolVersion } from '../../../versions/index.js';
import { ciScripts, needsOf } from '../pipeline.js';
import { registryLogin, type RegistryLogin } from '../registry.js';
import type { LanguageJob, Pipeline, PipelineEnvironment } from '../types.js';
import type { CiPlatform } from './types.js';

const pipelineFile = '.gitlab-ci.yml';

/** GitLab caches only paths inside the project folder: the package managers' caches live in `.cache/` there. */
const cacheRoot = '$CI_PROJECT_DIR';

/** GitLab's `cache:key:files` takes at most two files: the lockfiles first, as they pin every package. */
const maxKeyFiles = 2;
const isLockfile = (file: string) => /(^|\/)([^/]*lock[^/]*|go\.sum)$/i.test(file);
const keyFiles = (files: string[]) => [...files.filter(isLockfile), ...files.filter((file) => !isLockfile(file))].slice(0, maxKeyFiles);

/**
 * A script line as a YAML list item: plain when YAML reads it back unchanged, else double-quoted
 * (`: ` and ` #` would make it a mapping or cut it at a comment).
 */
export const scriptLine = (line: string): string =>
  /^[A-Za-z0-9_.\/$(]/.test(line) && !/: |\s#|:$|[\t{}[\]]|^(true|false|null|~|[-+.0-9][0-9.eE+-]*)$/i.test(line) ? line : yaml(line);

/**
 * A script item: one line, or a command over several lines (`\` continuations) as a literal block, which the
 * runner runs as one command. Script lists sit at the same depth in every job, so the block's indent is fixed.
 */
export const scriptItem = (command: string | string[]): string =>
  typeof command === 'string' ? scriptLine(command) : `|\n${command.map((line) => `      ${line}`).join('\n')}`;

/** `cd` into a repository-relative folder, from wherever the previous line left the shell. */
const cdInto = (dir: string) => scriptLine(`cd "${dir === '.' || dir === '' ? cacheRoot : `${cacheRoot}/${dir}`}"`);

/** GitLab's deployment tiers, from the environment's name. */
const tierOf = (env: PipelineEnvironment): string => {
  if (env.isProduction) return 'production';
  if (/^(stag|pre-?prod|uat)/.test(env.name)) return 'staging';
  if (/^(dev|develop)/.test(env.name)) return 'development';
  if (/^(test|qa|int)/.test(env.name)) return 'testing';
  return 'other';
};

const languageJob = (job: LanguageJob) => {
  const env = job.cache.env.map((variable) => ({ name: variable.name, value: variable.value.replace('@CACHE@', cacheRoot) }));
  return {
    id: job.id,
    service: job.service,
    image: job.image,
    cache:
      job.cacheKeyFiles.length > 0 && job.cache.paths.length > 0 ? { files: keyFiles(job.cacheKeyFiles), prefix: job.id, paths: job.cache.paths } : undefined,
    env,
    // Install from the build context (a workspace root or the service), run from the service's folder.
    script: [
      ...(job.install.length > 0 ? [cdInto(job.installDir), ...job.install.map(scriptLine)] : []),
      ...(job.install.length === 0 || job.workdir !== job.installDir ? [cdInto(job.workdir)] : []),
      ...job.run.map(scriptLine),
    ],
  };
};

/** Registry logins of the image jobs: the command lines, the id_tokens they read, the variables they need. */
const registryScript = (login: RegistryLogin): { lines: string[]; tokens: { name: string; aud: string }[] } => {
  const kind = login.kind;
  if (kind === 'gitlab') {
    return { lines: [scriptItem(`printf '%s' "$CI_REGISTRY_PASSWORD" | docker login --username "$CI_REGISTRY_USER" --password-stdin ${login.host}`)], tokens: [] };
  }
  if (kind === 'ecr') {
    return {
      tokens: [{ name: 'AWS_ID_TOKEN', aud: 'sts.amazonaws.com' }],
      // The CLI runs in its own image on the Docker service; the token reaches it by name, never on a command line.
      lines: [
        scriptItem([
          'docker run --rm --env AWS_ID_TOKEN --env AWS_ROLE_ARN="$AWS_REGISTRY_ROLE_ARN" \\',
          `  --env AWS_ROLE_SESSION_NAME="gitlab-$CI_PIPELINE_ID-$CI_JOB_ID" --entrypoint sh ${imageRef('aws-cli')} \\`,
          `  -c 'printf %s "$AWS_ID_TOKEN" >/tmp/token && AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/token aws ecr get-login-password --region ${login.region}' |`,
          `  docker login --username AWS --password-stdin ${login.host}`,
        ]),
      ],
    };
  }
  if (kind === 'gar') {
    return {
      tokens: [{ name: 'GCP_ID_TOKEN', aud: 'https://iam.googleapis.com/${GCP_WORKLOAD_IDENTITY_PROVIDER}' }],
      lines: [
        scriptItem([
          'docker run --rm --env GCP_ID_TOKEN --env GCP_WORKLOAD_IDENTITY_PROVIDER --env GCP_REGISTRY_SERVICE_ACCOUNT \\',
          `  --entrypoint sh ${imageRef('google-cloud-cli')} -c 'printf %s "$GCP_ID_TOKEN" >/tmp/token &&`,
          '    gcloud iam workload-identity-pools create-cred-config "$GCP_WORKLOAD_IDENTITY_PROVIDER" \\',
          '      --service-account "$GCP_REGISTRY_SERVICE_ACCOUNT" --credential-source-file /tmp/token --output-file /tmp/credentials.json --quiet &&',
          '    gcloud auth login --cred-file /tmp/credentials.json --quiet &&',
          "    gcloud auth print-access-token' |",
          `  docker login --username oauth2accesstoken --password-stdin ${login.host}`,
        ]),
      ],
    };
  }
  if (kind === 'acr') {
    return {
      tokens: [{ name: 'AZURE_ID_TOKEN', aud: 'api://AzureADTokenExchange' }],
      lines: [
        scriptItem([
          'docker run --rm --env AZURE_ID_TOKEN --env AZURE_CLIENT_ID --env AZURE_TENANT_ID \\',
          `  --entrypoint sh ${imageRef('azure-cli')} -c 'az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" \\`,
          '      --federated-token "$AZURE_ID_TOKEN" --output none &&',
          `    az acr login --name ${login.name} --expose-token --output tsv --query accessToken' |`,
          `  docker login --username 00000000-0000-0000-0000-000000000000 --password-stdin ${login.host}`,
        ]),
      ],
    };
  }
  // ghcr.io and other registries take no GitLab identity: a token of an account that may only push there.
  return { lines: [scriptItem(`printf '%s' "$REGISTRY_PASSWORD" | docker login --username "$REGISTRY_USERNAME" --password-stdin ${login.host}`)], tokens: [] };
};

/** The deploy jobs' image, identity token and the lines that install the tools and log in to the cloud. */
const cloudSetup = (pipeline: Pipeline) => {
  const kubernetes = pipeline.orchestration !== 'none';
  const helm = pipeline.orchestration === 'helm';
  const helmVersion = toolVersion('helm');
  const helmArchive = `https://get.helm.sh/helm-v${helmVersion}-linux-amd64.tar.gz`;
  // Helm's release archive, checked against the checksum published beside it.
  const installHelm = [
    `curl --fail --silent --show-error --location --output /tmp/helm.tar.gz ${helmArchive}`,
    `helm_sha256="$(curl --fail --silent --show-error --location ${helmArchive}.sha256sum | cut -d ' ' -f 1)"`,
    'echo "$helm_sha256  /tmp/helm.tar.gz" | sha256sum -c -',
    'tar -xzf /tmp/helm.tar.gz -C /usr/local/bin --strip-components 1 linux-amd64/helm',
  ];
  if (pipeline.cloud === 'aws') {
    return {
      // alpine/k8s carries the AWS CLI, kubectl, Helm and jq at the versions of its tag.
      image: imageRef('kubectl'),
      tokens: [{ name: 'AWS_ID_TOKEN', aud: 'sts.amazonaws.com' }],
      lines: [
        // The AWS CLI and SDKs assume the role themselves from these variables, for kubectl's token too.
        'aws_token_file="$(mktemp)"',
        `printf '%s' "$AWS_ID_TOKEN" >"$aws_token_file"`,
        'export AWS_ROLE_ARN="$AWS_DEPLOY_ROLE_ARN" AWS_WEB_IDENTITY_TOKEN_FILE="$aws_token_file"',
        'export AWS_ROLE_SESSION_NAME="gitlab-$CI_PIPELINE_ID-$CI_JOB_ID" AWS_DEFAULT_REGION="$AWS_REGION"',
      ],
    };
  }
  if (pipeline.cloud === 'gcp') {
    return {
      image: imageRef('google-cloud-cli'),
      tokens: [{ name: 'GCP_ID_TOKEN', aud: 'https://iam.googleapis.com/${GCP_WORKLOAD_IDENTITY_PROVIDER}' }],
      lines: [
        ...(kubernetes ? ['gcloud components install kubectl gke-gcloud-auth-plugin --quiet'] : []),
        ...(helm ? installHelm : []),
        'gcp_dir="$(mktemp -d)"',
        `printf '%s' "$GCP_ID_TOKEN" >"$gcp_dir/token"`,
        [
          'gcloud iam workload-identity-pools create-cred-config "$GCP_WORKLOAD_IDENTITY_PROVIDER" \\',
          '  --service-account "$GCP_DEPLOY_SERVICE_ACCOUNT" --credential-source-file "$gcp_dir/token" --output-file "$gcp_dir/credentials.json" --quiet',
        ],
        'gcloud auth login --cred-file "$gcp_dir/credentials.json" --quiet',
      ],
    };
  }
  return {
    image: imageRef('azure-cli'),
    tokens: [{ name: 'AZURE_ID_TOKEN', aud: 'api://AzureADTokenExchange' }],
    lines: [
      ...(kubernetes ? [`az aks install-cli --client-version ${toolVersion('kubectl')} --kubelogin-version ${toolVersion('kubelogin')}`] : []),
      ...(helm ? installHelm : []),
      'az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" --federated-token "$AZURE_ID_TOKEN" --output none',
      'az account set --subscription "$AZURE_SUBSCRIPTION_ID"',
    ],
  };
};

/** A regular expression that matches exactly these branch names (environment names and main: no metacharacters). */
const branchPattern = (branches: string[]) => `/^(${branches.map((branch) => branch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|')})$/`;

/** The most jobs one job's `needs:` may list. */
const gitlabNeedsLimit = 50;

export const gitlabCi: CiPlatform = {
  name: 'gitlab-ci',
  label: 'GitLab CI/CD',
  files: [pipelineFile],
  plan: (pipeline: Pipeline, model: StackModel) => {
    const registry = registryLogin(model.project.registry);
    const login = registryScript(registry);
    const cloud = cloudSetup(pipeline);
    const branches = pipeline.branches;
    const stages = [...new Set(pipeline.jobs.map((job) => job.stage))];
    // GitLab takes at most 50 needs: past that, the build jobs wait for every earlier stage instead, which
    // is the same set of jobs (every gate), and take none of their artifacts.
    const gates = pipeline.images.length > 0 ? needsOf(pipeline, `build-${pipeline.images[0].name}`) : [];
    const buildNeeds = gates.length <= gitlabNeedsLimit ? gates : undefined;
    return [
      {
        path: pipelineFile,
        template: 'ci/gitlab-ci/pipeline.yml.ejs',
        area: 'ci',
        ownership: 'managed',
        data: {
          ...pipeline,
          stages,
          scripts: ciScripts,
          threshold: pipeline.coverageThreshold,
          deployBranches: branchPattern(branches),
          nonProduction: pipeline.environments.filter((env) => !env.isProduction),
          docker: { cli: imageRef('docker-cli'), dind: imageRef('docker-dind') },
          registry: { ...registry, ...login },
          cloudSetup: { ...cloud, lines: cloud.lines.map(scriptItem) },
          lint: pipeline.lint.map(languageJob),
          tests: pipeline.tests.map((job) => {
            const gate = relativePath(job.workdir, ciScripts.coverage);
            return {
              ...languageJob(job),
              services: job.datastores,
              settings: job.settings((store) => store.name),
              coverage: job.coverage
                ? {
                    ...job.coverage,
                    gate: scriptLine(`sh ${gate} ${pipeline.coverageThreshold} ${job.coverage.report}`),
                    path: joinPath(job.workdir, job.coverage.report),
                    // GitLab reads Cobertura and JaCoCo natively; an LCOV report is kept as an artifact.
                    native: job.coverage.format !== 'lcov',
                  }
                : undefined,
              coverageNote: job.coverageNote,
            };
          }),
          coverageRegex: yaml('/coverage-gate: (\\d+)% of lines covered/'),
          // The build jobs share their needs (every gate) in `.build`; a job that needs otherwise says so itself.
          buildNeeds,
          images: pipeline.images.map((image) => {
            const needs = needsOf(pipeline, `build-${image.name}`);
            return { ...image, needs: needs.join() === gates.join() ? undefined : needs };
          }),
          environments: pipeline.environments.map((env) => ({ ...env, needs: needsOf(pipeline, `deploy-${env.name}`), tier: tierOf(env) })),
          chart: deployLayout(model.config).helmChart,
        },
      },
    ];
  },
  docs: {
    changeRequests: 'Merge requests',
    approval:
      'The production deploy is a manual job that blocks the pipeline until someone runs it, in the protected environment `production`. Protect it with a deployment approval rule so that a maintainer other than the one who runs it approves: Settings > CI/CD > Protected environments > production, "Allowed to deploy" Developers, "Approvers" Maintainers with 1 required approval (GitLab Premium), or `curl --request POST --header "PRIVATE-TOKEN: $TOKEN" --header "Content-Type: application/json" --data \'{"name": "production", "deploy_access_levels": [{"access_level": 30}], "approval_rules": [{"access_level": 40, "required_approvals": 1}]}\' "https://gitlab.com/api/v4/projects/PROJECT_ID/protected_environments"`. Turn off "Allow pipeline triggerer to approve deployment" (`allow_pipeline_trigger_approve_deployment=false`) so that the author of a change cannot approve its deploy. The smoke jobs only verify an environment (`action: verify`): they read its variables and need no approval.',
    variables:
      'GitLab CI/CD variables, protected and scoped to the environment, in Settings > CI/CD > Variables; the registry and cloud identities, such as `AWS_DEPLOY_ROLE_ARN` or `GCP_WORKLOAD_IDENTITY_PROVIDER`, are protected project variables, or environment-scoped to give each environment its own',
    identity:
      "OpenID Connect: the jobs that push images or deploy declare `id_tokens` (a JWT GitLab signs for the job, naming its project, ref and environment) and exchange them for short-lived cloud credentials: an AWS IAM role through `AssumeRoleWithWebIdentity`, a GCP workload identity pool through a credential configuration, an Azure federated credential through `az login --federated-token`. Bind each deploy role to the `sub` claim of the branch its environment deploys from (`project_path:GROUP/PROJECT:ref_type:branch:ref:main`) and the registry role to those branches and the release tags (`project_path:GROUP/PROJECT:ref_type:tag:ref:v*`), with `ref_protected` true, so that no other branch, fork or merge request can use them. Images are signed keyless with the `SIGSTORE_ID_TOKEN` id token. No cloud keys are stored in GitLab, and no job of a merge request pipeline gets an id token.",
    freezeOverride: 'the `FREEZE_OVERRIDE_REASON` variable of a manual pipeline (Build > Pipelines > Run pipeline on `main`)',
    forceBuild: 'a `CI_FORCE_BUILD` variable of `1` on a manual pipeline',
    branchProtection:
      'Protect `main` and every other branch an environment deploys from (Settings > Repository > Protected branches: allowed to merge Maintainers, allowed to push No one, force push off) and the `v*` tags (Protected tags: allowed to create Maintainers): builds and deploys run only on protected refs, which alone read the protected variables. In Settings > Merge requests require "Pipelines must succeed" and an approval. With the API: `POST /projects/:id/protected_branches?name=main&push_access_level=0&merge_access_level=40&allow_force_push=false`, `POST /projects/:id/protected_tags?name=v*&create_access_level=40`, and `PUT /projects/:id?only_allow_merge_if_pipeline_succeeds=true`. Deploys of one environment run one at a time (`resource_group`); set its process mode to oldest first so they go out in order: `PUT /projects/:id/resource_groups/deploy-ENVIRONMENT?process_mode=oldest_first`. The image jobs run Docker-in-Docker over TLS: their runners need `privileged = true` and `volumes = ["/certs/client"]`.',
    registry: (login) => {
      if (login.kind === 'gitlab') return 'each build job logs in with its own CI job token (`CI_REGISTRY_USER`, `CI_REGISTRY_PASSWORD`), which may push to this project only and expires with the job; limit other projects\' access in Settings > CI/CD > Job token permissions.';
      if (login.kind === 'ghcr' || login.kind === 'other')
        return 'this registry takes no GitLab identity: create a token that may push only to these repositories and store it as the masked, protected variable `REGISTRY_PASSWORD` with `REGISTRY_USERNAME`.';
      return undefined;
    },
  },
};
