/** The CI platforms phase4 writes pipelines for: one module each (Jenkins is still to come). */
import type { Config } from '../../../plan/types.js';
import { azureDevops } from './azure-devops.js';
import { circleci } from './circleci.js';
import { githubActions } from './github-actions.js';
import { gitlabCi } from './gitlab-ci.js';
import type { CiPlatform } from './types.js';

export const platforms: Partial<Record<Config['ci'], CiPlatform>> = {
  'github-actions': githubActions,
  'azure-devops': azureDevops,
  circleci,
  'gitlab-ci': gitlabCi,
};
