/**
 * What the pipeline's deploy (scripts/ci/deploy.sh and smoke-test.sh) may do in an environment's namespace, and
 * nothing more: write the kinds the chart or the overlays hold, follow the rollout, read its pods' logs, reach
 * its Services. No cluster-wide object: deploy/cluster (namespaces, ClusterIssuers) is applied by an
 * administrator. The built-in roles are broader (the `edit` ClusterRole and EKS's AmazonEKSEditPolicy read every
 * Secret and exec into pods) and, for EKS's and Azure's, reach no custom resource (Rollout, ExternalSecret,
 * Certificate, PodMonitor), so the rights are a Role of our own.
 */
import type { StackModel } from '../model/types.js';
import { clusterFolder } from './cluster-folder.js';
import { workloadsOf } from './workloads.js';

/** Where deploy/cluster holds the deploy's Roles (and, on EKS, their RoleBindings). */
export const deployAccessFile = `${clusterFolder}/deploy-access.yaml`;

/**
 * The one Trivy finding the Roles must carry, for the pipeline's allow-list: KSV-0056 (HIGH) flags any Role that
 * writes Services, NetworkPolicies or Ingresses, which the deploy applies. It is scoped to that file, and reviewed
 * (expired_at) like every exception of the allow-list.
 */
export const deployAccessScanException = {
  id: 'AVD-KSV-0056',
  path: deployAccessFile,
  statement: "The pipeline's deploy Role writes the Services, NetworkPolicies and Ingresses it releases, in its own namespaces only",
  expiredAt: '2027-12-31',
};

export interface AccessRule {
  /** Why the deploy needs it, as the Role's comment. */
  why: string;
  apiGroup: string;
  resources: string[];
  verbs: string[];
}

/** Server-side apply and Helm's three-way merge read, create, change and prune what they own; --wait watches. */
const manage = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const read = ['get', 'list', 'watch'];

/** The rules of the deploy's Role, in a stable order (one rule per API group and purpose). */
export const deployAccessRules = (model: StackModel): AccessRule[] => {
  const workloads = workloadsOf(model);
  const helm = model.config.orchestration === 'helm';
  const rollouts = workloads.some((workload) => workload.rollout);
  const deployments = workloads.some((workload) => !workload.rollout);
  const routed = workloads.some((workload) => workload.route);
  const prometheus = model.config.monitoring === 'prometheus-grafana';
  const scraped = prometheus && workloads.some((workload) => workload.metricsPath !== undefined);
  const core = [
    'serviceaccounts',
    ...(workloads.some((workload) => workload.port !== undefined) ? ['services'] : []),
    ...(workloads.some((workload) => workload.config.length > 0) ? ['configmaps'] : []),
  ];
  const rules: (AccessRule | false)[] = [
    { why: "The workloads' service accounts, Services and plain settings.", apiGroup: '', resources: core, verbs: manage },
    helm && { why: 'Helm keeps each release of the chart as a Secret in the namespace.', apiGroup: '', resources: ['secrets'], verbs: manage },
    {
      why: 'Following a rollout and reading why it failed: the pods, and the logs of the migration Jobs.',
      apiGroup: '',
      resources: ['pods', 'pods/log'],
      verbs: read,
    },
    { why: 'The smoke test reaches each Service through a port-forward.', apiGroup: '', resources: ['pods/portforward'], verbs: ['create'] },
    model.database !== undefined && {
      why: 'The smoke test runs the database client in a pod of the namespace, then removes it.',
      apiGroup: '',
      resources: ['pods', 'pods/attach'],
      verbs: ['create', 'delete'],
    },
    deployments && { why: 'Deployments, rolled out, followed and undone.', apiGroup: 'apps', resources: ['deployments'], verbs: manage },
    { why: 'Rollout status and undo read the revisions of each workload.', apiGroup: 'apps', resources: ['replicasets'], verbs: read },
    workloads.some((workload) => workload.migration) && { why: 'The migration Jobs, run before each release.', apiGroup: 'batch', resources: ['jobs'], verbs: manage },
    { why: 'Autoscalers.', apiGroup: 'autoscaling', resources: ['horizontalpodautoscalers'], verbs: manage },
    { why: 'Disruption budgets.', apiGroup: 'policy', resources: ['poddisruptionbudgets'], verbs: manage },
    {
      why: 'Network policies and the public routes.',
      apiGroup: 'networking.k8s.io',
      resources: ['networkpolicies', ...(routed ? ['ingresses'] : [])],
      verbs: manage,
    },
    rollouts && {
      why: 'Argo Rollouts: the Rollouts and their analysis; promotion and abort patch the Rollout and its status.',
      apiGroup: 'argoproj.io',
      resources: ['rollouts', 'rollouts/status', 'analysistemplates'],
      verbs: manage,
    },
    workloads.some((workload) => workload.secretKeys.length > 0) && {
      why: "The secret settings' ExternalSecrets (the operator writes the Secrets, not the deploy).",
      apiGroup: 'external-secrets.io',
      resources: ['externalsecrets'],
      verbs: manage,
    },
    routed && { why: "cert-manager's Certificate of the environment's hosts.", apiGroup: 'cert-manager.io', resources: ['certificates'], verbs: manage },
    (scraped || (helm && prometheus)) && {
      why: helm ? "Prometheus's PodMonitors, and the chart's PrometheusRule slot (monitoring.prometheusRules)." : "Prometheus's PodMonitors.",
      apiGroup: 'monitoring.coreos.com',
      resources: [...(scraped ? ['podmonitors'] : []), ...(helm ? ['prometheusrules'] : [])],
      verbs: manage,
    },
  ];
  return rules.filter((rule): rule is AccessRule => rule !== false && rule.resources.length > 0);
};
