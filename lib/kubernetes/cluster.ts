/**
 * The cluster-wide pieces both Kubernetes styles need, applied once by a cluster administrator
 * (`deploy/cluster`): the environments' namespaces at the restricted Pod Security Standard, and the
 * Let's Encrypt ClusterIssuers the Certificates name.
 */
import type { StackModel } from '../model/types.js';
import { managedFile } from '../plan/managed-file.js';
import type { PlannedFile } from '../plan/types.js';
import { clusterFacts } from './workloads.js';

export const clusterFolder = 'deploy/cluster';

export const clusterFiles = (model: StackModel, area: string): PlannedFile[] => {
  const facts = clusterFacts(model);
  const data = {
    project: model.project.name,
    team: model.project.team,
    ingressClass: facts.ingressClass,
    namespaces: model.project.environments.map((environment) => ({ name: environment.namespace, environment: environment.name })),
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
  return ['kustomization.yaml', 'namespaces.yaml', 'cluster-issuers.yaml'].map((name) => file(`${clusterFolder}/${name}`, `${name}.ejs`, data));
};
