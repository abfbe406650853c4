/**
 * docs/kubernetes.md, for either style: what is where, what the cluster needs once, the secrets to create,
 * how releases, migrations and rollbacks work, and what the network policies allow.
 */
import type { StackModel } from '../model/types.js';
import { deployAccessName, deployLayout, secretManagerEntry } from '../plan/naming.js';
import { managedFile } from '../plan/managed-file.js';
import type { PlannedFile } from '../plan/types.js';
import { helmChart, toolVersion } from '../versions/index.js';
import { clusterFolder } from './cluster.js';
import { identityNote } from './identity.js';
import { clusterFacts, ingressControllerNamespace, monitoringNamespace, workloadsOf } from './workloads.js';

export const kubernetesDocs = (model: StackModel, style: 'kustomize' | 'helm', area: string): PlannedFile => {
  const facts = clusterFacts(model);
  const workloads = workloadsOf(model);
  const layout = deployLayout(model.config);
  // The ClusterSecretStore's provider block, per cloud, for the example in the docs.
  const secretStoreExample: Record<StackModel['config']['cloud'], string[]> = {
    aws: ['aws:', '  service: SecretsManager', '  region: eu-west-1 # the cluster\'s region; the controller\'s Pod Identity reads the entries'],
    gcp: ['gcpsm:', '  projectID: my-project # the environment\'s project'],
    azure: ['azurekv:', '  vaultUrl: https://my-vault.vault.azure.net # the environment\'s Key Vault', '  authType: WorkloadIdentity', '  serviceAccountRef:', '    name: external-secrets', '    namespace: external-secrets'],
  };
  return managedFile(area, 'kubernetes-docs')('docs/kubernetes.md', 'kubernetes.md.ejs', {
    style,
    project: model.project.name,
    strategy: model.config.strategy,
    monitoring: model.config.monitoring,
    facts,
    clusterFolder,
    deployAccess: deployAccessName(model.config),
    cloud: model.config.cloud,
    chart: layout.helmChart,
    overlays: layout.kustomizeOverlays,
    environments: model.project.environments,
    ingressNamespace: ingressControllerNamespace,
    monitoringNamespace,
    identity: identityNote(model.config.cloud),
    storeExample: secretStoreExample[model.config.cloud],
    kubernetesVersion: toolVersion('kubectl').split('.').slice(0, 2).join('.'),
    versions: {
      certManager: toolVersion('cert-manager'),
      externalSecrets: toolVersion('external-secrets'),
      argoRollouts: toolVersion('argo-rollouts'),
      prometheusOperator: toolVersion('prometheus-operator'),
      // The controller is installed from its chart with the values infra/ prints (docs/infrastructure.md).
      ingressNginxChart: helmChart('ingress-nginx').version,
    },
    workloads: workloads.map((workload) => ({
      name: workload.name,
      route: workload.route,
      port: workload.port,
      secretKeys: workload.secretKeys,
      unsetConfig: workload.unsetConfig,
      defaultedConfig: workload.defaultedConfig,
      calls: workload.calls.map((call) => call.name),
      calledBy: workload.calledBy,
      datastorePorts: workload.datastorePorts,
      httpsEgress: workload.httpsEgress,
      migration: workload.migration,
    })),
    rollouts: workloads.filter((workload) => workload.rollout).map((workload) => workload.name),
  });
};

/** What the user does after generation, in either style: the cluster's one-time pieces, and the secrets. */
export const kubernetesNextSteps = (model: StackModel): string[] => {
  const withSecrets = workloadsOf(model).filter((workload) => workload.secretKeys.length > 0);
  const entries = model.project.environments.flatMap((environment) => withSecrets.map((workload) => secretManagerEntry(model.config, environment.name, workload.name)));
  return [
    `A cluster administrator applies ${clusterFolder} once (namespaces at the restricted Pod Security level, Let's Encrypt issuers, the deploy's Role in each namespace${model.config.cloud === 'aws' ? '' : ', then the RoleBinding each infra/environments stack prints'}); docs/kubernetes.md lists the add-ons the cluster needs`,
    ...(entries.length > 0 ? [`Create the secret manager entries ${entries.join(', ')}: JSON objects of the settings docs/kubernetes.md lists`] : []),
  ];
};
