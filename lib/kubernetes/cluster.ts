/**
 * The cluster-wide pieces both Kubernetes styles need, applied once by a cluster administrator
 * (`deploy/cluster`): the environments' namespaces at the restricted Pod Security Standard, the
 * Let's Encrypt ClusterIssuers the Certificates name, and the Role of the pipeline's deploy in each namespace.
 */
import type { StackModel } from '../model/types.js';
import { managedFile } from '../plan/managed-file.js';
import { deployAccessName } from '../plan/naming.js';
import type { PlannedFile } from '../plan/types.js';
import { clusterFolder } from './cluster-folder.js';
import { deployAccessRules } from './deploy-access.js';
import { clusterFacts } from './workloads.js';

export { clusterFolder };

export const clusterFiles = (model: StackModel, area: string): PlannedFile[] => {
  const facts = clusterFacts(model);
  const data = {
    project: model.project.name,
    team: model.project.team,
    ingressClass: facts.ingressClass,
    namespaces: model.project.environments.map((environment) => ({ name: environment.namespace, environment: environment.name })),
    name: deployAccessName(model.config),
    style: model.config.orchestration === 'helm' ? 'chart' : 'overlays',
    rules: deployAccessRules(model),
    // EKS maps the deploy role to a Kubernetes group (its access entry), known before anything exists; a GKE
    // service account's e-mail and an Azure identity's object id exist only once Terraform has run, so their
    // environment roots print the RoleBinding (output deploy_role_binding).
    subject:
      model.config.cloud === 'aws'
        ? { kind: 'Group', name: deployAccessName(model.config), comment: "The pipeline's deploy role: the cluster's access entry for it (infra/environments) maps it to this group." }
        : undefined,
    bindingOutput: model.config.cloud !== 'aws',
    issuers: [
      {
        name: facts.issuers.production,
        server: 'https://acme-v02.api.letsencrypt.org/directory',
        comment: "Let's Encrypt: the certificates of every environment, trusted by browsers and by the smoke tests.",
      },
      {
        name: facts.issuers.staging,
        server: 'https://acme-staging-v02.api.letsencrypt.org/directory',
        comment: "Let's Encrypt's staging: untrusted certificates without the production rate limits, to try a new host first.",
      },
    ],
  };
  const file = managedFile(area, 'cluster');
  return ['kustomization.yaml', 'namespaces.yaml', 'cluster-issuers.yaml', 'deploy-access.yaml'].map((name) => file(`${clusterFolder}/${name}`, `${name}.ejs`, data));
};
