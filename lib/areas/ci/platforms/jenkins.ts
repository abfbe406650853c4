/**
 * Jenkins: one declarative Jenkinsfile for a multibranch pipeline. `agent none` at the top, so each stage
 * picks its agent and nothing holds an executor while the production approval waits; lint, test and checks
 * run in docker agents on nodes without any cloud identity, image builds and deploys on agents labelled for
 * them, which carry the identity of where they run (Jenkins has no OIDC issuer the clouds trust).
 */
import type { StackModel } from '../../../model/index.js';
import { groovy, shellWord } from '../../../render/quote.js';
import { joinPath, relativePath } from '../../../repo-paths.js';
import { toolVersion } from '../../../versions/index.js';
import { ciScripts } from '../pipeline.js';
import { registryLogin, type RegistryLogin } from '../registry.js';
import type { Pipeline, ServiceContainer } from '../types.js';
import { deployVariables } from '../variables.js';
import type { CiPlatform } from './types.js';

const jenkinsfile = 'Jenkinsfile';

/**
 * The agent labels, in this one place: `docker` nodes run untrusted work (any branch, pull requests) and hold
 * no cloud identity; the build label's agents may push images; each environment's deploy label carries that
 * environment's identity and variables only.
 */
export const agentLabels = (project: string) => ({
  docker: 'docker',
  build: `${project}-image-build`,
  deploy: (environment: string) => `${project}-deploy-${environment}`,
});

/** The Lockable Resources lock that lets one run at a time deploy an environment. */
export const deployLock = (project: string, environment: string) => `${project}-deploy-${environment}`;

/** The Jenkins credential (username with password) the build agents log in to a registry with, where no cloud identity can. */
export const registryCredential = 'registry-push';

/** Text inside a Groovy double-quoted string (a GString): `\`, `"` and `$` escaped. */
const gstringText = (value: string) => value.replace(/[\\"$]/g, '\\$&');

/** A cache variable's value with `@CACHE@` as the stage's temp folder beside the workspace (outside the checkout). */
const underTemp = (value: string) => `"${value.split('@CACHE@').map(gstringText).join('${env.WORKSPACE_TMP}')}"`;

/** The environment variable holding a sidecar datastore's container id. */
const containerVariable = (store: ServiceContainer) => `${store.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CONTAINER`;

const coverageParsers = { cobertura: 'COBERTURA', jacoco: 'JACOCO', lcov: 'LCOV' } as const;

/** What the build agents run to log in to the registry, with their own identity or the stored robot account. */
const registryShell = (registry: RegistryLogin): { lines: string[]; credential: boolean } => {
  switch (registry.kind) {
    case 'ecr':
      return { lines: [`aws ecr get-login-password --region ${registry.region} | docker login --username AWS --password-stdin ${registry.host}`], credential: false };
    case 'gar':
      return { lines: [`gcloud auth print-access-token | docker login --username oauth2accesstoken --password-stdin https://${registry.host}`], credential: false };
    case 'acr':
      return { lines: [...azureLogin, `az acr login --name ${registry.name}`], credential: false };
    default:
      return { lines: [`printf '%s' "$REGISTRY_PASSWORD" | docker login --username "$REGISTRY_USERNAME" --password-stdin ${registry.host}`], credential: true };
  }
};

/**
 * The Azure CLI signs in as the agent's identity: AKS workload identity (the federated token the webhook
 * mounts) or the VM's managed identity. Its state lives in AZURE_CONFIG_DIR, one per workspace.
 */
const azureLogin = [
  'if [ -n "${AZURE_FEDERATED_TOKEN_FILE:-}" ]; then',
  '  az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" --federated-token "$(cat "$AZURE_FEDERATED_TOKEN_FILE")" --output none',
  'else',
  '  az login --identity --output none',
  'fi',
];

/** The commands of the sidecar wait: the datastore's own health command, inside its container, for two minutes at most. */
const waitFor = (store: ServiceContainer) => [
  'deadline=$(($(date +%s) + 120))',
  `until docker exec "$${containerVariable(store)}" ${store.health} >/dev/null 2>&1; do`,
  `  [ "$(date +%s)" -lt "$deadline" ] || { echo "${store.name} did not become ready" >&2; exit 1; }`,
  '  sleep 2',
  'done',
];

export const jenkins: CiPlatform = {
  name: 'jenkins',
  label: 'Jenkins',
  files: [jenkinsfile],
  plan: (pipeline: Pipeline, model: StackModel) => {
    const labels = agentLabels(pipeline.project);
    const registry = registryLogin(model.project.registry);
    const caches = (job: Pipeline['lint'][number]) =>
      job.cacheKeyFiles.length === 0
        ? []
        : job.cache.paths.map((path) => ({ name: `${job.id}-${path.split('/').pop()}`, path: underTemp(`@CACHE@/${path}`), decidingFile: job.cacheKeyFiles.join(',') }));
    const languageJob = (job: Pipeline['lint'][number]) => ({
      ...job,
      caches: caches(job),
      environment: [
        ...job.cache.env.map((variable) => ({ name: variable.name, value: underTemp(variable.value) })),
        // Go makes its module cache read-only; the Job Cacher must be able to restore over it on a reused agent.
        ...(job.cache.env.some((variable) => variable.name === 'GOMODCACHE') ? [{ name: 'GOFLAGS', value: groovy('-modcacherw') }] : []),
      ],
      inWorkdir: job.workdir === '.',
    });
    return [
      {
        path: jenkinsfile,
        template: 'ci/jenkins/Jenkinsfile.ejs',
        area: 'ci',
        ownership: 'managed',
        data: {
          ...pipeline,
          scripts: ciScripts,
          labels: { docker: labels.docker, build: labels.build },
          threshold: pipeline.coverageThreshold,
          team: model.project.team,
          registry,
          registryLogin: { ...registryShell(registry), credentialId: registryCredential },
          azureLogin: pipeline.cloud === 'azure' ? azureLogin : [],
          // Images are pushed for the deploy branches and release tags: the branches every environment deploys from.
          branches: pipeline.branches,
          lint: pipeline.lint.map(languageJob),
          // Checks that pip-install their tool need the image's own site-packages (its scripts reach PATH only there).
          checks: pipeline.checks.map((check) => ({ ...check, root: /\bpip install\b/.test(check.command) })),
          security: pipeline.security.map((job) => ({ ...job, root: /\bpip install\b/.test(job.command) })),
          tests: pipeline.tests.map((job) => ({
            ...languageJob(job),
            environment: [
              ...languageJob(job).environment,
              // Sidecars join a network of their own under their datastore's name: the host the tests reach.
              ...job.settings((store) => store.name).map((variable) => ({ name: variable.name, value: groovy(variable.value) })),
            ],
            stores: job.datastores.map((store) => ({
              ...store,
              variable: containerVariable(store),
              closure: `${store.name.replace(/[^A-Za-z0-9]/g, '')}Container`,
              runArgs: gstringText([`--network-alias ${store.name}`, ...store.env.map((variable) => `-e ${shellWord(`${variable.name}=${variable.value}`)}`)].join(' ')),
              wait: waitFor(store),
            })),
            gateScript: relativePath(job.workdir, ciScripts.coverage),
            coverageReport: job.coverage ? joinPath(job.workdir, job.coverage.report) : undefined,
            parser: job.coverage ? coverageParsers[job.coverage.format] : undefined,
          })),
          environments: pipeline.environments.map((env) => ({ ...env, label: labels.deploy(env.name), lock: deployLock(pipeline.project, env.name) })),
          deployVariables: deployVariables(pipeline, model),
        },
      },
    ];
  },
  docs: {
    approval:
      'The production stage waits at an `input` that only the submitters it names may answer: the team chosen at generation, a Jenkins user id or a group of your security realm (a GitHub team as `org*team` with GitHub authentication, an LDAP or Entra ID group). The approver is recorded as `CI_ACTOR`. While it waits the run holds no executor and no agent, only the production lock; an approval not given within a day aborts the run, so that newer runs of the branch do not queue behind it. Jenkins cannot stop the author of a change from approving it: keep the team to the people who review production changes.',
    variables:
      "as environment variables of that environment's deploy agents, beside their cloud identity: see Agents below; the build agents hold `COSIGN_KEY`, the KMS key that signs images: `awskms:///alias/NAME`, `gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/1` or `azurekms://VAULT.vault.azure.net/KEY`",
    identity:
      'Jenkins has no OpenID Connect issuer that the clouds trust, so no OIDC federation: the build and deploy agents run with the cloud identity of where they run (an EKS pod with IRSA or EKS Pod Identity, a GKE pod with Workload Identity, an AKS pod with workload identity or a VM with a managed identity), so no cloud key is stored in Jenkins. Each environment has its own deploy agents (label `PROJECT-deploy-ENVIRONMENT`) whose identity may deploy that environment only; the build agents (label `PROJECT-image-build`) may push images and use the signing key; the `docker` agents that run lint, tests and pull requests have no identity at all. The registry login uses the same agent identity, and cosign signs with a KMS key (`COSIGN_KEY=awskms://...`, `gcpkms://...` or `azurekms://...`) instead of keyless signing. In the multibranch source, trust pull requests from forks only for "Users with Admin or Write permission" so that nobody else can change the Jenkinsfile a build runs.',
    freezeOverride: 'the `FREEZE_OVERRIDE_REASON` parameter (Build with Parameters on `main`)',
    forceBuild: 'the `CI_FORCE_BUILD` parameter of Build with Parameters',
    branchProtection:
      "Build the repository as a Jenkins multibranch pipeline (GitHub Branch Source or your host's branch source) with webhooks, discovering branches, pull requests and tags, and the Basic Branch Build Strategies plugin's \"Tags\" strategy so that `v*` tags build (Jenkins does not build discovered tags by default). Protect `main` in the Git host: require a pull request with one approving review, require the Jenkins status of the merge (`continuous-integration/jenkins/pr-merge`) to pass, require branches to be up to date, and block force pushes. On GitHub: `echo '{\"required_status_checks\": {\"strict\": true, \"contexts\": [\"continuous-integration/jenkins/pr-merge\"]}, \"enforce_admins\": true, \"required_pull_request_reviews\": {\"required_approving_review_count\": 1}, \"restrictions\": null, \"allow_force_pushes\": false}' | gh api --method PUT repos/OWNER/REPO/branches/main/protection --input -`.",
    registry: (registry) =>
      registry.oidc
        ? 'the build agents log in with their own cloud identity (no stored credential), and only they may push.'
        : `this registry takes no cloud identity: create a robot account that may push only to these repositories and store it as the Jenkins credential \`${registryCredential}\` (username with password), scoped to this pipeline's folder; only the build stages bind it, with \`withCredentials\`.`,
    agents: (pipeline) => {
      const labels = agentLabels(pipeline.project);
      const cli = { aws: 'the AWS CLI', gcp: 'the Google Cloud CLI', azure: 'the Azure CLI' }[pipeline.cloud];
      const kubectl = pipeline.orchestration === 'none' ? [] : [`kubectl ${toolVersion('kubectl')}`];
      const helm = pipeline.orchestration === 'helm' ? [`Helm ${toolVersion('helm')}`] : [];
      const kubelogin = pipeline.orchestration !== 'none' && pipeline.cloud === 'azure' ? [`kubelogin ${toolVersion('kubelogin')}`] : [];
      const gke = pipeline.orchestration !== 'none' && pipeline.cloud === 'gcp' ? ['gke-gcloud-auth-plugin'] : [];
      const deployTools = [cli, ...gke, ...kubectl, ...helm, ...kubelogin, 'curl'].join(', ');
      const rows = [
        `| \`${labels.docker}\` | lint, checks, tests with their datastores, image tests, security scans: every branch and pull request | Docker with the buildx plugin installed system-wide; no cloud identity and no credentials |`,
        `| \`${labels.build}\` | \`build-*\`: build, scan, sign and push (deploy branches and tags only) | Docker with buildx installed system-wide, ${cli}, the identity that may push to the registry and use the signing key, \`COSIGN_KEY\` |`,
        ...pipeline.environments.map(
          (env) => `| \`${labels.deploy(env.name)}\` | \`deploy-${env.name}\`, \`smoke-${env.name}\` | ${deployTools}; the identity that may deploy ${env.name} and nothing else; the variables above, with ${env.name}'s values |`,
        ),
      ];
      return [
        'Every stage names its agent by label. Give each label to agents of its own:',
        '',
        '| label | runs | provides |',
        '| --- | --- | --- |',
        ...rows,
        '',
        pipeline.cloud === 'aws'
          ? 'cosign signs in a container the build agent starts; the pipeline hands it the agent identity\'s short-lived credentials.'
          : `cosign signs in a container the build agent starts, which must reach the agent's identity through the metadata endpoint: ${pipeline.cloud === 'gcp' ? 'a GKE agent pod that runs its own Docker daemon (its containers leave through the pod, with its Workload Identity), or a VM\'s service account' : 'a VM agent\'s managed identity (the workload identity token of an AKS pod does not reach the containers it starts)'}.`,
        '',
        `Plugins: Pipeline (declarative), Docker Pipeline, Lockable Resources (one lock per environment, \`${deployLock(pipeline.project, 'ENVIRONMENT')}\`), Job Cacher (package caches keyed on the lock files), Coverage (\`recordCoverage\`), Credentials Binding, and a branch source with Basic Branch Build Strategies. Keep the branch source's clone complete (no shallow clone): the secret scan reads the history.`,
      ].join('\n');
    },
  },
};
