/**
 * The one place names are derived, so Dockerfiles, compose, manifests, pipelines, alerts and docs agree.
 */
import type { Service } from '../catalog/service.js';
import type { Config } from './types.js';

export const productionEnvironment = (config: Config): string => config.environments[config.environments.length - 1];

/** Full image repository (no tag): `<registry>/<project>-<service>`, or `<registry>/<project>` when they match. */
export const imageRepository = (config: Config, service: Service): string =>
  `${config.registry}/${service.name === config.name ? config.name : `${config.name}-${service.name}`}`;

/** Kubernetes namespace (and compose project) of one environment. */
/** The "environment" of compose (local development, a single host): compose project `<name>-local`, like `<name>-staging` elsewhere. */
export const localEnvironment = 'local';

/** `<name>-<environment>` in full: the catalog refuses a name and environment that would not fit 63 characters. */
export const namespaceFor = (config: Config, environment: string): string => `${config.name}-${environment}`;

/** Public host of one environment: production gets the domain, the others a sub-domain of it. */
export const hostFor = (config: Config, environment: string): string =>
  environment === productionEnvironment(config) ? config.domain : `${environment}.${config.domain}`;

/** A path inside a service folder, relative to the repository root (`.` services sit at the root). */
export const inService = (service: Service, file: string): string =>
  service.path === '.' ? file : `${service.path}/${file}`;

/** Folder the service's image is built from (its own folder, or the workspace root that holds its lockfile). */
export const buildContextOf = (service: Service): string => service.buildContext ?? service.path;

export const dockerfilePath = (service: Service): string => inService(service, 'Dockerfile');

/**
 * BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile before the context's `.dockerignore`,
 * so a service built from a shared root context gets its own ignore file without touching the root's.
 */
export const dockerignorePath = (service: Service): string =>
  buildContextOf(service) === service.path ? inService(service, '.dockerignore') : `${dockerfilePath(service)}.dockerignore`;

/**
 * `<project>-<service><suffix>` in at most 32 characters, the strictest limit of the clouds' container services
 * (Azure Container Apps and their jobs; Cloud Run allows 49, ECS 255): a long project name is shortened first,
 * the service and the suffix are kept.
 */
const cloudName = (project: string, service: string, suffix = ''): string => {
  const full = `${project}-${service}${suffix}`;
  if (full.length <= 32) return full;
  const kept = `${service.slice(0, 28 - suffix.length).replace(/-+$/, '')}${suffix}`;
  return `${project.slice(0, 31 - kept.length).replace(/-+$/, '')}-${kept}`.replace(/-+$/, '');
};

/**
 * Where the orchestration areas write what the pipeline deploys, and what they name it: the contract between
 * the CI area and the Kubernetes, Helm and Terraform areas. Kubernetes workloads, Services and Secrets carry
 * the service's name in the environment's namespace; Helm values take each image's digest at
 * `images.<service>.digest`; without Kubernetes, each cloud service (ECS service and task definition family,
 * Cloud Run service, Container App) is named `<project>-<service>`.
 */
export const deployLayout = (config: Config) => ({
  helmChart: `deploy/helm/${config.name}`,
  kustomizeOverlays: 'deploy/kustomize/overlays',
  terraform: 'infra',
  cloudWorkload: (service: string) => cloudName(config.name, service),
  migrationWorkload: (service: string) => cloudName(config.name, service, '-migrate'),
  /**
   * ECS task definition family of a service (or of its migration) in one environment, in full (families take 255
   * characters): families are account-wide, so environments that share an account must not share them. The
   * deploy script passes its own `$environment`.
   */
  taskFamily: (service: string, environment: string, migration = false) => `${config.name}-${environment}-${service}${migration ? '-migrate' : ''}`,
});

/**
 * The cloud secret manager's entry that holds one service's secret settings in one environment, as a JSON
 * object keyed by setting name: `<project>-<environment>-<service>` (a name every cloud's secret manager accepts).
 * The Kubernetes areas read it through the External Secrets Operator; Terraform creates it.
 */
export const secretManagerEntry = (config: Config, environment: string, service: string): string =>
  `${config.name}-${environment}-${service}`;

/**
 * What the pipeline's deploy identity is called inside Kubernetes: the Role of its rights in each environment's
 * namespace, the RoleBinding that grants it, and on EKS the Kubernetes group its access entry maps it to.
 */
export const deployAccessName = (config: Config): string => `${config.name}-deploy`;

/** The External Secrets Operator ClusterSecretStore of the chosen cloud's secret manager (one per cluster). */
export const secretStoreName = (config: Config): string =>
  ({ aws: 'aws-secrets-manager', gcp: 'gcp-secret-manager', azure: 'azure-key-vault' })[config.cloud];

/**
 * The name of a cloud environment's resources, `<project>-<environment>`, in at most 32 characters (the limit of
 * load balancer and target group names; ElastiCache's is 40): a long project name is shortened, the environment
 * kept. The AWS Terraform names its cluster, load balancer, database and cache by it, and the CloudWatch
 * monitoring looks them up by the same name.
 */
export const environmentResourceName = (project: string, environment: string): string => {
  const full = `${project}-${environment}`;
  return full.length <= 32 ? full : `${project.slice(0, 31 - environment.length).replace(/-+$/, '')}-${environment}`;
};

/**
 * The name of a Google Cloud environment's resources, `<project>-<environment>`: the GCP Terraform names its GKE
 * cluster, Cloud SQL instance and Memorystore instance by it (each environment has a project of its own, so no
 * shortening is needed), and the Google Cloud Monitoring stack watches them by the same name.
 */
export const gcpEnvironmentName = (project: string, environment: string): string => `${project}-${environment}`;

/** The branch every environment deploys from unless it has its own. */
export const trunkBranch = 'main';

/**
 * The branch an environment deploys from: the trunk, except that with three or more environments the first
 * has a branch of its own. The pipeline triggers on it and the cloud's CI identity trusts only it.
 */
export const deployBranch = (config: Config, environment: string): string =>
  config.environments.length >= 3 && environment === config.environments[0] ? environment : trunkBranch;

/**
 * The GitHub environment the image builds run in when they push to Azure Container Registry: Azure trusts a token
 * subject only exactly, and a release tag's (`ref:refs/tags/v1.2.3`) is new each time, while a job in an environment
 * has the subject `environment:<name>` on every ref. The pipeline and the Azure CI trust both read it.
 */
export const githubRegistryEnvironment = 'registry';

/**
 * What the Azure Terraform names after the project: each environment's resource group and main resources
 * (cluster, Container Apps environment, Front Door, Log Analytics workspace), and the resource group of what the
 * environments share (state, registry, CI identities). The monitoring stack looks them up by these names.
 */
export const azureNames = {
  environment: (project: string, environment: string): string => `${project}-${environment}`,
  shared: (project: string): string => `${project}-shared`,
  /**
   * The suffix of the names that must be unique in all of Azure (database, cache, Key Vault, storage): a hash of
   * the subscription and the environment's name, as HCL (`local.name` is the environment's name).
   */
  uniqueSuffix: 'substr(sha1("${data.azurerm_client_config.current.subscription_id}/${local.name}"), 0, 6)',
} as const;
