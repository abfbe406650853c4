/**
 * How a service's ServiceAccount gets a cloud identity, in one sentence per cloud (for the manifests'
 * comments and docs/kubernetes.md). AWS and GCP bind IAM to the ServiceAccount from outside the cluster,
 * so the manifests need no cloud account id; Azure needs the managed identity's client id on the account.
 */
import type { Config } from '../plan/types.js';

export const identityNote = (cloud: Config['cloud']): string =>
  ({
    aws: 'On EKS, an IAM role reaches it through an EKS Pod Identity association (namespace and ServiceAccount name), set up by Terraform; no annotation is needed.',
    gcp: 'On GKE, IAM roles are granted to it directly as a Workload Identity Federation principal (namespace and ServiceAccount name); no annotation is needed.',
    azure:
      'On AKS, Microsoft Entra Workload ID federates it with a managed identity once the identity\'s client id is in its azure.workload.identity/client-id annotation (and its pods carry the label azure.workload.identity/use: "true"); no service needs one yet.',
  })[cloud];
