/** GitHub Actions: jobs are keyed by canonical id; `needs` is the order; the environment's reviewers are the gate. */
import { parse } from 'yaml';
import { githubRegistryEnvironment } from '../../../lib/plan/naming.js';
import type { Normaliser } from './types.js';

interface Job {
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  steps: { run?: string; uses?: string; with?: Record<string, unknown> }[];
}

const workflow = '.github/workflows/pipeline.yml';

export const githubActions: Normaliser = {
  files: [workflow],
  oidc: true,
  read: (files, production) => {
    const jobs = (parse(files.get(workflow)!) as { jobs: Record<string, Job> }).jobs;
    return {
      jobs: Object.entries(jobs).map(([id, job]) => {
        const named = typeof job.environment === 'string' ? job.environment : job.environment?.name;
        // The image builds' environment on Azure scopes the registry identity (its token subject); it deploys nothing.
        const environment = named === githubRegistryEnvironment ? undefined : named;
        return {
          id,
          after: job.needs === undefined ? [] : [job.needs].flat(),
          environment,
          // Required reviewers are a setting of the environment; the production job is the one that uses it.
          approval: environment === production ? `GitHub environment ${environment} (required reviewers)` : undefined,
          commands: job.steps.flatMap((step) => (step.run ? step.run.split('\n').filter((line) => line.trim() !== '') : [])),
          oidc: job.permissions?.['id-token'] === 'write',
          digests: job.steps.some((step) => step.uses?.startsWith('actions/download-artifact') && String(step.with?.pattern ?? step.with?.name).startsWith('digest')),
        };
      }),
    };
  },
};
