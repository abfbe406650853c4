/**
 * The answer shapes the AWS Terraform tests render: both platforms (EKS, ECS Fargate), every database engine and
 * none, the cache and none, every CI platform, an ECR registry and one that is not, one to three environments.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Answers } from '../../lib/catalog/option.js';
import type { Service } from '../../lib/catalog/service.js';
import { terraformArea } from '../../lib/areas/terraform/index.js';
import { derive } from '../../lib/model/index.js';
import { renderAll, type RenderedFile } from '../../lib/render/render.js';
import { shopAnswers } from '../ci/answers.js';
import { serviceVariants } from '../validation/matrix.js';

const variant = (name: string) => serviceVariants.find((service) => service.name === name)!;
/** A front end, and an API that migrates its database with a tool of its own before each deploy. */
const migratingShop: Service[] = [variant('web-react'), { ...variant('api-express'), migrations: { tool: 'prisma', command: 'npx prisma migrate deploy' } }];

export interface AwsCase {
  label: string;
  answers: Answers;
}

export const awsCases: AwsCase[] = [
  { label: 'eks-postgres-redis-github', answers: shopAnswers() },
  {
    label: 'ecs-mysql-gitlab-three-environments',
    answers: shopAnswers({
      services: migratingShop,
      orchestration: 'none',
      database: 'mysql',
      cache: 'none',
      ci: 'gitlab-ci',
      environments: ['dev', 'staging', 'production'],
      repository: 'acme/platform/shop',
    }),
  },
  { label: 'eks-mongodb-circleci', answers: shopAnswers({ orchestration: 'kustomize', database: 'mongodb', ci: 'circleci' }) },
  {
    label: 'ecs-no-datastores-azure-devops-ghcr',
    // A long project name (as netbox-community/netbox's): names with AWS's length limits are shortened.
    answers: shopAnswers({ name: 'acme-enterprise-commerce-platform', orchestration: 'none', database: 'none', cache: 'none', ci: 'azure-devops', registry: 'ghcr.io/acme', region: 'us-east-2' }),
  },
  { label: 'eks-jenkins-production-only', answers: shopAnswers({ ci: 'jenkins', environments: ['production'], cache: 'none' }) },
];

/** The files of one case, and the folder they were written to. */
export const renderAwsCase = (answers: Answers): { dir: string; files: RenderedFile[] } => {
  const files = renderAll(terraformArea.plan(derive(answers), { otherFiles: [] }));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phase4-terraform-aws-'));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.contents);
  }
  return { dir, files };
};
