/**
 * What docs/infrastructure.md says about the application's hosts on GKE: Google's load balancer with Cloud Armor
 * in front of the ingress controller, which needs the controller installed between two applies.
 */
import { ingressControllerNamespace } from '../../kubernetes/workloads.js';
import { helmChart } from '../../versions/index.js';

/** The first-apply step after an environment's first apply: install the controller, then apply again. */
export const gkeIngressStep = (): { text: string; code: string[] } => {
  const chart = helmChart('ingress-nginx');
  return {
    text:
      "Then, in each environment, the ingress controller, which the first apply had no way to reach (GKE makes the controller's network endpoint groups only once its Service exists): install it on the environment's cluster with the Helm values the stack prints, then set `ingress_negs_ready = true` in the environment's `terraform.tfvars` (every later apply reads it) and apply again, which puts those groups, one per zone with nodes, behind the load balancer. If that apply says a zone's group is not found, wait until `gcloud compute network-endpoint-groups list` lists one in each of the cluster's zones.",
    code: [
      'cd infra/environments/ENVIRONMENT',
      'gcloud container clusters get-credentials "$(terraform output -raw cluster_name)" --region "$(terraform output -raw cloud_region)" --project PROJECT',
      `terraform output -raw ingress_controller_values | helm upgrade --install ingress-nginx ${chart.chart} --repo ${chart.repository} --version ${chart.version} --namespace ${ingressControllerNamespace} --create-namespace --values -`,
      "echo 'ingress_negs_ready = true' >> terraform.tfvars",
      'terraform apply -var project_id=PROJECT',
    ],
  };
};

/** The cluster section's bullets on how a request reaches the application. */
export const gkeEdgeBullets = (): string[] => [
  "Every host of the application resolves to the HTTPS load balancer, which redirects plain HTTP to HTTPS, ends TLS with a Google-managed certificate (TLS 1.2 or later; the certificate turns ACTIVE once the DNS records resolve), runs Cloud Armor's policy (the preconfigured WAF rule sets in blocking mode and a per-client rate limit) and sends what passes to the ingress controller's pods. Every request, with Cloud Armor's verdict, is in Cloud Logging (the load balancer's request log).",
  `The ingress controller has no load balancer or public address of its own (a ClusterIP Service in \`${ingressControllerNamespace}\`): the load balancer reaches its pods through their network endpoint groups, and a firewall rule admits only Google's load balancer ranges (35.191.0.0/16, 130.211.0.0/22) to its HTTP port. It trusts X-Forwarded-For only from those ranges and the load balancer's address, so the applications see each client's own address, and X-Forwarded-Proto, so the Ingresses' forced HTTPS redirect does not loop. HSTS comes from the load balancer, since the controller sends none over plain HTTP.`,
  "The Ingresses keep their TLS section and cert-manager's Certificate, which no client sees here (the load balancer speaks plain HTTP to the controller inside the VPC, encrypted by Google between its front ends and the VPC). Let's Encrypt's HTTP-01 challenge still passes: it follows the load balancer's redirect to HTTPS, accepts any certificate there, and reaches the solver through the controller, once Google's certificate is ACTIVE.",
];
