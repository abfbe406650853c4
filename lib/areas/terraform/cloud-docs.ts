/**
 * docs/infrastructure.md for Google Cloud and Azure: the shared layout (templates/terraform/shared/
 * infrastructure.md.ejs) filled with each cloud's facts. AWS has a page of its own (templates/terraform/aws/docs).
 */
import { markdownText } from '../../render/markdown.js';
import type { InfraFacts } from '../../terraform/infrastructure.js';
import { moduleInterface } from './module-readme.js';
import { gkeEdgeBullets, gkeIngressStep } from './gke-edge-docs.js';

interface Step {
  text: string;
  code?: string[];
}

export interface InfrastructureDocs extends Record<string, unknown> {
  cloud: string;
  intro: string;
  bootstrap: string;
  environments: string[];
  modules: { name: string; purpose: string }[];
  differences: { label: string; values: string[] }[];
  firstApply: Step[];
  sections: { title: string; bullets: string[] }[];
}

const perEnvironment = (facts: InfraFacts, label: string, value: (environment: InfraFacts['environments'][number]) => string) => ({
  label,
  values: facts.environments.map(value),
});

const modulesOf = (cloud: 'gcp' | 'azure', names: string[]) =>
  names.map((name) => ({ name, purpose: markdownText(moduleInterface(`terraform/${cloud}/modules/${name}`).purpose.split('. ')[0].replace(/\.$/, '')) }));

const commonDifferences = (facts: InfraFacts) => [
  ...(facts.database ? [perEnvironment(facts, 'Database backups (point-in-time recovery window)', (environment) => `${environment.backupRetentionDays} days`)] : []),
  perEnvironment(facts, 'Redundant across zones', (environment) => (environment.highAvailability ? 'yes' : 'no')),
  perEnvironment(facts, 'Deletion protection', (environment) => (environment.deletionProtection ? 'yes' : 'no')),
  perEnvironment(facts, 'Logs kept', (environment) => `${environment.logRetentionDays} days`),
];

const secretBullets = (facts: InfraFacts, store: string, oneSecretPerSetting: boolean) =>
  facts.services.some((service) => service.secretKeys.length > 0)
    ? [
        oneSecretPerSetting
          ? `One ${store} secret per setting, \`${facts.project}-ENVIRONMENT-SERVICE-SETTING\`: the container service reads whole secrets, each by its own identity.`
          : `One ${store} secret per service and environment, \`${facts.project}-ENVIRONMENT-SERVICE\`, a JSON object keyed by setting name, which the External Secrets Operator reads.`,
        'Terraform writes each first value once through write-only arguments (no plan or state holds it): the datastore connections, with TLS, and a random value for each of the application\'s own secrets; store the real value of a secret shared with someone else (a payment provider\'s token) as a new version.',
        '`credentials_version` rotates: raise it by one and apply, and the database gets a new password and every secret a new version (your own values included: store them again after a rotation).',
      ]
    : ['No service has secret settings.'];

export const azureDocs = (facts: InfraFacts, modules: string[]): InfrastructureDocs => {
  const kubernetes = facts.platform === 'kubernetes';
  return {
    cloud: 'Azure',
    intro: `The Azure infrastructure of ${facts.project} in \`infra/\`, region \`${facts.region}\`: ${kubernetes ? 'an AKS cluster per environment, which the Kubernetes manifests deploy to' : 'Container Apps per environment'}${facts.database ? `, ${facts.database.engine === 'mongodb' ? 'Cosmos DB for MongoDB' : `Azure Database for ${facts.database.label} flexible server`}` : ''}${facts.cache ? ', Azure Cache for Redis' : ''}, Key Vault, Front Door with its WAF, DNS records, the pipeline's identities, and the Terraform state.`,
    bootstrap: `Applied once: the resource group \`${facts.project}-shared\`, the state storage account (versioned, soft delete, TLS 1.2, no shared keys, locked against deletion)${facts.registry ? ', the container registry' : ''}, and the managed identities the pipeline signs in as`,
    environments: facts.environments.map((environment) => environment.name),
    modules: modulesOf('azure', modules),
    differences: [
      ...commonDifferences(facts),
      ...(facts.database && facts.database.engine !== 'mongodb' ? [perEnvironment(facts, 'Geo-redundant backup, zone-redundant standby', (environment) => (environment.isProduction ? 'yes' : 'no'))] : []),
      ...(facts.cache ? [perEnvironment(facts, 'Redis tier', (environment) => (environment.isProduction ? 'Premium, across zones' : 'Standard'))] : []),
    ],
    firstApply: [
      { text: `A public Azure DNS zone \`${facts.dnsZone}\` must exist (its resource group is \`dns_zone_resource_group_name\`): the hosts are records of it and Front Door validates its certificates through it.` },
      {
        text: 'Bootstrap, once, as Owner of the subscription (its state stays local: keep it safe, or move it into the storage account afterwards):',
        code: ['cd infra/bootstrap', 'terraform init', "terraform apply -var subscription_id=SUBSCRIPTION -var 'admin_ip_ranges=[\"OFFICE_RANGE\"]'"],
      },
      { text: 'Give the pipeline its identities from `terraform output` in `infra/bootstrap`: `deploy_client_ids["ENVIRONMENT"]` is that environment\'s `AZURE_CLIENT_ID`, `tenant_id` is `AZURE_TENANT_ID`, `subscription_id` is `AZURE_SUBSCRIPTION_ID`' + (facts.registry ? ', `registry_client_id` is the registry\'s `AZURE_CLIENT_ID`' : '') + ' (docs/ci-cd.md says where the pipeline reads them).' },
      {
        text: 'Each environment, in promotion order:',
        code: ['cd infra/environments/ENVIRONMENT', 'terraform init -backend-config="storage_account_name=$(terraform -chdir=../../bootstrap output -raw state_storage_account)"', 'terraform apply -var subscription_id=SUBSCRIPTION'],
      },
      { text: `Set the environment's pipeline variables from its outputs: \`resource_group\` is \`AZURE_RESOURCE_GROUP\`${kubernetes ? ', `cluster_name` is `CLUSTER_NAME`' : ''}${facts.database ? ', `database_instance` is `DB_INSTANCE`' : ''}. Front Door reaches its origins over private link: approve each pending private endpoint connection once (\`az network private-endpoint-connection list --id TARGET_ID\`, then \`approve\`).` },
    ],
    sections: [
      kubernetes
        ? {
            title: 'The cluster',
            bullets: [
              'The API server is private unless `api_authorized_ip_ranges` lists the ranges that may reach it (offices, CI runners); hosted runners without fixed addresses need runners in the virtual network. Switching between the two replaces the cluster.',
              'Sign-in is Entra ID with Azure RBAC (local accounts off); `cluster_admin_group_object_ids` are the administrators. In Azure RBAC the deploy identity is only a Cluster User (it may fetch a kubeconfig); inside the cluster it has the deploy\'s Role in the application\'s namespace (`deploy/cluster`), once a cluster administrator applies the RoleBinding this stack prints: `terraform output -raw deploy_role_binding | kubectl apply -f -` (after `kubectl apply --kustomize deploy/cluster`).',
              'The External Secrets Operator\'s service account `external-secrets/external-secrets` signs in with workload identity: annotate it with `azure.workload.identity/client-id` = `external_secrets_client_id`, and point the ClusterSecretStore at `key_vault_uri` (docs/kubernetes.md).',
              'Host encryption is on: register the `Microsoft.Compute/EncryptionAtHost` feature on the subscription once. When the ingress controller\'s load balancer has its address, set `ingress_ip_address` and apply again: the hosts then point at it.',
            ],
          }
        : {
            title: 'The container apps',
            bullets: [
              `One Container App per service, \`${facts.project}-SERVICE\`, in multiple-revision mode: the pipeline sets the image, revision and traffic weights, which Terraform then leaves alone; migrations are the Container App jobs \`${facts.project}-SERVICE-migrate\`.`,
              'The environment is internal: Front Door reaches the public services over private link, each on its host and path; the others are reached by app name inside the environment.',
              ...(facts.services.some((service) => service.apiProxy)
                ? ['Front Door routes `/api` to the API\'s app on every front end\'s host, so the front ends\' nginx proxies nothing (`API_UPSTREAM=off`): apps reach one another only through ingress, by app name, which that proxy does not speak.']
                : []),
              'Each app has its own identity, which may pull from the registry and read its own secrets only.',
            ],
          },
      { title: 'Secrets', bullets: secretBullets(facts, 'Key Vault', !kubernetes) },
      {
        title: 'Backups and disaster recovery',
        bullets: [
          ...(facts.database
            ? facts.database.engine === 'mongodb'
              ? ['Cosmos DB keeps continuous backups: restore to any second of the window (`az cosmosdb restore`) into a new account. Production\'s account is locked against deletion.']
              : ['Automated backups, restorable to any second of the window (`az postgres flexible-server restore` or `az mysql flexible-server restore`) into a new server; production\'s are geo-redundant, so they survive the loss of the region (`geo-restore`), and its server is locked against deletion.']
            : []),
          'The assets and state storage accounts keep versions and soft-deleted blobs, so a deleted or overwritten file can be restored.',
        ],
      },
      {
        title: 'Remote state',
        bullets: [
          'The environments keep their state in the bootstrap storage account, one key per environment, signed in with Entra ID (`use_azuread_auth`) and locked by blob leases. Each environment is a folder of its own rather than a Terraform workspace, so that a plan of one never touches another.',
        ],
      },
    ],
  };
};

export const gcpDocs = (facts: InfraFacts, modules: string[]): InfrastructureDocs => {
  const kubernetes = facts.platform === 'kubernetes';
  return {
    cloud: 'Google Cloud',
    intro: `The Google Cloud infrastructure of ${facts.project} in \`infra/\`, region \`${facts.region}\`: ${kubernetes ? 'a GKE cluster per environment, which the Kubernetes manifests deploy to' : 'Cloud Run services per environment'}${facts.database && facts.database.engine !== 'mongodb' ? `, Cloud SQL for ${facts.database.label}` : ''}${facts.cache ? ', Memorystore for Redis' : ''}, Secret Manager, the HTTPS load balancer with Cloud Armor and Cloud CDN, DNS records, the pipeline's identities, and the Terraform state. Each environment is a project of its own (\`project_id\`).`,
    bootstrap: `Applied once: the state bucket (versioned, public access prevented)${facts.registry ? ', the Artifact Registry repositories' : ''}, and the workload identity federation the pipeline signs in with`,
    environments: facts.environments.map((environment) => environment.name),
    modules: modulesOf('gcp', modules),
    differences: [
      ...commonDifferences(facts),
      ...(facts.cache ? [perEnvironment(facts, 'Redis tier', (environment) => (environment.isProduction ? 'Standard (replica in another zone)' : 'Basic'))] : []),
    ],
    firstApply: [
      { text: `A Cloud DNS managed zone for \`${facts.dnsZone}\` must exist (\`dns_managed_zone\`, in \`dns_project_id\`): the hosts are records of it.` },
      { text: 'Bootstrap, once, with owner rights on the project that holds the state (its own state stays local: keep it safe, or move it into the bucket afterwards):', code: ['cd infra/bootstrap', 'terraform init', 'terraform apply -var project_id=PROJECT'] },
      { text: 'Give the pipeline its identities from `terraform output` in `infra/bootstrap`: `workload_identity_provider` is `GCP_WORKLOAD_IDENTITY_PROVIDER`, `deploy_service_accounts["ENVIRONMENT"]` is that environment\'s `GCP_DEPLOY_SERVICE_ACCOUNT`' + (facts.registry ? ', `registry_service_account` is `GCP_REGISTRY_SERVICE_ACCOUNT`' : '') + ' (docs/ci-cd.md says where the pipeline reads them).' },
      {
        text: 'Each environment, in promotion order, in its own project:',
        code: ['cd infra/environments/ENVIRONMENT', 'terraform init -backend-config="bucket=$(terraform -chdir=../../bootstrap output -raw state_bucket)"', 'terraform apply -var project_id=PROJECT'],
      },
      ...(kubernetes ? [gkeIngressStep()] : []),
      { text: `Set the environment's pipeline variables from its outputs: \`gcp_project\` is \`GCP_PROJECT\`, \`cloud_region\` is \`CLOUD_REGION\`${kubernetes ? ', `cluster_name` is `CLUSTER_NAME`' : ''}${facts.database && facts.database.engine !== 'mongodb' ? ', `database_instance` is `DB_INSTANCE`' : ''}.` },
    ],
    sections: [
      kubernetes
        ? {
            title: 'The cluster',
            bullets: [
              'Nodes are private; the control plane admits only `authorized_networks` (empty by default): add the CI runners\' ranges, or run the deploy jobs inside the network.',
              'In IAM the deploy service account may only find the cluster (`roles/container.clusterViewer`); inside it has the deploy\'s Role in the application\'s namespace (`deploy/cluster`), once a cluster administrator applies the RoleBinding this stack prints: `terraform output -raw deploy_role_binding | kubectl apply -f -` (after `kubectl apply --kustomize deploy/cluster`).',
              'The External Secrets Operator\'s service account `external-secrets/external-secrets` reads the secrets through workload identity (no annotation); the ClusterSecretStore is in docs/kubernetes.md.',
              ...gkeEdgeBullets(),
            ],
          }
        : {
            title: 'The Cloud Run services',
            bullets: [
              `One service per web service, \`${facts.project}-SERVICE\`: the public ones take traffic from the load balancer only, the others from the network only; a worker pool per worker; migrations are the jobs \`${facts.project}-SERVICE-migrate\`. The pipeline sets the images, revisions, traffic and instance splits, which Terraform then leaves alone.`,
              ...(facts.services.some((service) => service.apiProxy)
                ? ['Cloud Run services have no DNS names of one another: the load balancer routes `/api` to the API service on every front end\'s host, and the front ends\' nginx proxies nothing (`API_UPSTREAM=off`).']
                : []),
              'Each service runs as a service account of its own, which may read its own secrets only.',
            ],
          },
      { title: 'Secrets', bullets: [...secretBullets(facts, 'Secret Manager', !kubernetes), ...(facts.database?.engine === 'mongodb' ? ['Google Cloud has no managed MongoDB: create the database with MongoDB Atlas (its own Terraform provider, reached over Private Service Connect) and store its connection settings as new versions of these secrets; until then they hold random values.'] : [])] },
      {
        title: 'Backups and disaster recovery',
        bullets: [
          ...(facts.database && facts.database.engine !== 'mongodb' ? ['Automated Cloud SQL backups with point-in-time recovery (`gcloud sql instances clone ... --point-in-time`) over the window above; production\'s instance is regional (a standby in another zone) and refuses deletion.'] : []),
          'The assets and state buckets keep object versions, so a deleted or overwritten object can be restored.',
        ],
      },
      {
        title: 'Remote state',
        bullets: ['The environments keep their state in the bootstrap bucket, one prefix per environment, locked by the GCS backend itself. Each environment is a folder (and a project) of its own rather than a Terraform workspace, so that a plan of one never touches another.'],
      },
    ],
  };
};
