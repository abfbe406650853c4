/**
 * terraform: the cloud infrastructure under infra/ (modules, one root stack per environment, and the
 * bootstrap stack), derived from /lib/terraform/infrastructure.ts. One file per cloud renders those facts.
 */
import type { StackModel } from '../../model/types.js';
import { byPath } from '../../order.js';
import type { Area, PlannedFile } from '../../plan/types.js';
import { awsFiles } from './aws.js';
import { azureFiles } from './azure.js';
import { gcpFiles } from './gcp.js';

/** The clouds phase4 writes Terraform for, each rendering the same infrastructure facts. */
const byCloud: Partial<Record<StackModel['config']['cloud'], (model: StackModel) => PlannedFile[]>> = { aws: awsFiles, gcp: gcpFiles, azure: azureFiles };

const plan = (model: StackModel): PlannedFile[] => (byCloud[model.config.cloud]?.(model) ?? []).sort(byPath);

export const terraformArea: Area = {
  name: 'terraform',
  description:
    'Terraform for the cloud: network, Kubernetes cluster or container services, registry, database with backups and point-in-time recovery, cache, assets behind a CDN, DNS and certificates, WAF, CI identities, secrets and remote state',
  reads: ['name', 'services', 'cloud', 'region', 'orchestration', 'ingressClass', 'database', 'cache', 'environments', 'registry', 'domain', 'team', 'ci', 'repository', 'monitoring'],
  unavailable: (config) =>
    byCloud[config.cloud]
      ? undefined
      : { option: 'cloud', fix: `is ${config.cloud}; phase4 writes Terraform for ${Object.keys(byCloud).join(' and ')} so far (run with --cloud aws, or write the ${config.cloud} infrastructure by hand)` },
  plan,
  nextSteps: (model) =>
    byCloud[model.config.cloud]
      ? ['infra/: apply infra/bootstrap once with administrator rights, then each infra/environments/<env> in promotion order, and copy their outputs into the pipeline\'s variables (docs/infrastructure.md)']
      : [],
};
