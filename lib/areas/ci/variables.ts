/** The per-environment variables the deploy and smoke jobs read, by cloud and orchestration (none is a secret). */
import type { StackModel } from '../../model/index.js';
import type { Pipeline } from './types.js';

export const deployVariables = (pipeline: Pipeline, model: StackModel): string[] => {
  const kubernetes = pipeline.orchestration !== 'none';
  const migrations = model.services.some((service) => service.migrations?.separate);
  const byCloud: Record<Pipeline['cloud'], string[]> = {
    aws: ['AWS_REGION', ...(kubernetes ? ['CLUSTER_NAME'] : ['ECS_CLUSTER', ...(migrations ? ['ECS_SUBNETS', 'ECS_SECURITY_GROUPS'] : [])])],
    gcp: ['GCP_PROJECT', 'CLOUD_REGION', ...(kubernetes ? ['CLUSTER_NAME'] : [])],
    azure: ['AZURE_RESOURCE_GROUP', ...(kubernetes ? ['CLUSTER_NAME'] : [])],
  };
  return [...byCloud[pipeline.cloud], ...(pipeline.backup ? ['DB_INSTANCE'] : [])];
};

/** What each variable holds, for docs/ci-cd.md. */
export const variableMeaning: Record<string, string> = {
  AWS_REGION: 'AWS region of the environment (eu-west-1)',
  CLUSTER_NAME: "the environment's Kubernetes cluster (Terraform output `cluster_name`)",
  ECS_CLUSTER: "the environment's ECS cluster (Terraform output `ecs_cluster`)",
  ECS_SUBNETS: 'comma-separated private subnet ids the migration task runs in',
  ECS_SECURITY_GROUPS: "comma-separated security group ids of the services' tasks",
  GCP_PROJECT: "the environment's Google Cloud project id",
  CLOUD_REGION: 'Google Cloud region of the environment (europe-west1)',
  AZURE_RESOURCE_GROUP: "the environment's resource group",
  DB_INSTANCE: 'the production database instance or cluster the pre-deploy backup is taken of (Terraform output `database_instance`)',
};
