/**
 * Azure DevOps Pipelines: jobs are named after the canonical ids with underscores (`deploy_staging` is
 * `deploy-staging`); a job runs after the jobs it `dependsOn` in its stage and after every job of the stages
 * its stage depends on; the production environment's Approvals check is the gate; a job logs in through a
 * service connection (AzureCLI@2, AWSShellScript@1) that federates its Azure DevOps token.
 */
import { parse } from 'yaml';
import type { NormalJob, Normaliser } from './types.js';

interface Step {
  script?: string;
  bash?: string;
  task?: string;
  condition?: string;
  inputs?: Record<string, unknown>;
}

interface Job {
  job?: string;
  deployment?: string;
  dependsOn?: string | string[];
  environment?: string | { name: string };
  steps?: Step[];
  strategy?: { runOnce?: { deploy?: { steps?: Step[] } } };
}

interface Stage {
  stage: string;
  displayName?: string;
  dependsOn?: string | string[];
  jobs: Job[];
}

const file = 'azure-pipelines.yml';

/** `deploy_staging` is the canonical `deploy-staging`. */
export const canonicalId = (azureName: string) => azureName.replace(/_/g, '-');

/** The steps of a job, wherever its kind keeps them. */
export const stepsOf = (job: Job): Step[] => job.steps ?? job.strategy?.runOnce?.deploy?.steps ?? [];

/** The shell lines a step runs: `script:`, `bash:`, and the inline scripts of Bash@3, AzureCLI@2 and AWSShellScript@1. */
export const scriptOf = (step: Step): string | undefined => {
  if (step.script !== undefined) return step.script;
  if (step.bash !== undefined) return step.bash;
  const inputs = step.inputs ?? {};
  if (/^Bash@/.test(step.task ?? '')) return typeof inputs.script === 'string' ? inputs.script : undefined;
  if (/^(AzureCLI|AWSShellScript)@/.test(step.task ?? '')) return typeof inputs.inlineScript === 'string' ? inputs.inlineScript : undefined;
  return undefined;
};

/** Whether a step logs in to a cloud through a service connection (workload identity federation / OIDC). */
export const federatedLogin = (step: Step) =>
  (/^AzureCLI@/.test(step.task ?? '') && typeof step.inputs?.azureSubscription === 'string') ||
  (/^AWSShellScript@/.test(step.task ?? '') && typeof step.inputs?.awsCredentials === 'string');

const list = (value: string | string[] | undefined): string[] | undefined => (value === undefined ? undefined : [value].flat());

export const readAzurePipeline = (text: string) => parse(text) as { stages: Stage[] };

export const azureDevops: Normaliser = {
  files: [file],
  oidc: true,
  read: (files, production) => {
    const { stages } = readAzurePipeline(files.get(file)!);
    const jobName = (job: Job) => (job.job ?? job.deployment)!;
    const jobs: NormalJob[] = [];
    stages.forEach((stage, index) => {
      // A stage without dependsOn follows the one written before it.
      const stagesBefore = list(stage.dependsOn) ?? (index > 0 ? [stages[index - 1].stage] : []);
      const inherited = stagesBefore.flatMap((name) => stages.find((candidate) => candidate.stage === name)!.jobs.map((job) => canonicalId(jobName(job))));
      for (const job of stage.jobs) {
        const resource = typeof job.environment === 'string' ? job.environment : job.environment?.name;
        // Environments are named PROJECT-ENVIRONMENT, in the stage named after the environment.
        const environment = resource !== undefined && stage.displayName !== undefined && resource.endsWith(`-${stage.displayName}`) ? stage.displayName : resource;
        const steps = stepsOf(job);
        jobs.push({
          id: canonicalId(jobName(job)),
          after: [...inherited, ...(list(job.dependsOn) ?? []).map(canonicalId)],
          environment,
          // Approvals are a check of the Azure DevOps environment; the deployment job into production waits for them.
          approval: job.deployment !== undefined && environment === production ? `Azure DevOps environment ${resource} (Approvals check)` : undefined,
          commands: steps.flatMap((step) => (scriptOf(step) ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !/^set -eu?$/.test(line))),
          oidc: steps.some(federatedLogin),
          digests: steps.some((step) => /^DownloadPipelineArtifact@/.test(step.task ?? '') && String(step.inputs?.artifactName ?? step.inputs?.artifact ?? '').startsWith('digest')),
        });
      }
    });
    return { jobs };
  },
};
