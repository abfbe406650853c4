/** The CI platforms phase4 writes pipelines for: one module each (Jenkins, CircleCI and Azure DevOps are still to come). */
import type { Config } from '../../../plan/types.js';
import { githubActions } from './github-actions.js';
import { gitlabCi } from './gitlab-ci.js';
import type { CiPlatform } from './types.js';

export const platforms: Partial<Record<Config['ci'], CiPlatform>> = {
  'github-actions': githubActions,
  'gitlab-ci': gitlabCi,
};
