/** docs/ci-cd.md: the pipeline as a diagram, what to create per environment, how to approve and roll back. */
import type { StackModel } from '../../model/index.js';
import type { PlannedFile } from '../../plan/types.js';
import { ciScripts } from './pipeline.js';
import type { CiPlatform } from './platforms/types.js';
import { registryLogin } from './registry.js';
import { stages, type Pipeline } from './types.js';
import { deployVariables, variableMeaning } from './variables.js';

/** Mermaid node ids cannot hold hyphens everywhere: map each job to a safe id. */
const nodeId = (id: string) => id.replace(/[^A-Za-z0-9]/g, '_');

export const planDocs = (pipeline: Pipeline, model: StackModel, platform: CiPlatform): PlannedFile => {
  const variables = deployVariables(pipeline, model);
  const registry = registryLogin(model.project.registry);
  return {
    path: 'docs/ci-cd.md',
    template: 'ci/docs/ci-cd.md.ejs',
    area: 'ci',
    ownership: 'managed',
    data: {
      pipeline,
      platform: { label: platform.label, files: platform.files, ...platform.docs, registry: platform.docs.registry?.(registry) },
      stages: stages.map((stage) => ({ stage, jobs: pipeline.jobs.filter((job) => job.stage === stage) })).filter(({ jobs }) => jobs.length > 0),
      edges: pipeline.jobs.flatMap((job) => {
        // Build jobs need every gate: draw one edge per stage, not dozens.
        const needs = job.stage === 'build' ? [...new Set(job.needs.map((need) => pipeline.jobs.find((other) => other.id === need)!.stage))].map((stage) => `stage_${stage}`) : job.needs.map(nodeId);
        return needs.map((need) => ({ from: need, to: nodeId(job.id) }));
      }),
      nodeId,
      variables: variables.map((name) => ({ name, meaning: variableMeaning[name] })),
      registry,
      scripts: ciScripts,
      kubernetes: pipeline.orchestration !== 'none',
    },
  };
};
