/**
 * ci: the delivery pipeline for the chosen platform (lint, test, security, build once, staging, smoke test,
 * approved production with the chosen strategy), the scripts its steps share on every platform, the one
 * security allow-list, and docs/ci-cd.md. It reads the other areas' files to lint what the repository owns.
 */
import type { StackModel } from '../../model/index.js';
import type { Area, PlannedFile } from '../../plan/types.js';
import { buildPipeline } from './pipeline.js';
import { platforms } from './platforms/index.js';
import { planScripts } from './scripts.js';
import { planDocs } from './docs.js';

const reads = ['name', 'services', 'ci', 'cloud', 'orchestration', 'strategy', 'database', 'cache', 'environments', 'registry', 'domain', 'coverageThreshold', 'deployFreeze', 'timezone'] as const;

const plan = (model: StackModel, otherFiles: PlannedFile[]): PlannedFile[] => {
  const platform = platforms[model.config.ci];
  const pipeline = buildPipeline(model, otherFiles, platform.files);
  return [...platform.plan(pipeline, model), ...planScripts(pipeline, model), planDocs(pipeline, model, platform)];
};

export const ciArea: Area = {
  name: 'ci',
  description: 'CI/CD pipeline: lint, tests with coverage, security scans, images built once and signed, staging, smoke test, approved production',
  reads,
  describesOtherFiles: true,
  plan: (model, { otherFiles }) => plan(model, otherFiles),
  nextSteps: (model) => [`Create the CI variables and the ${model.project.production.name} approval listed in docs/ci-cd.md`],
};
