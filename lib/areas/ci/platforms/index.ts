/** The CI platforms phase4 writes pipelines for: one module and one template folder (templates/ci/<name>/) each. */
import type { Config } from '../../../plan/types.js';
import { azureDevops } from './azure-devops.js';
import { circleci } from './circleci.js';
import { githubActions } from './github-actions.js';
import { gitlabCi } from './gitlab-ci.js';
import { jenkins } from './jenkins.js';
import type { CiPlatform } from './types.js';

export const platforms: Record<Config['ci'], CiPlatform> = {
  'github-actions': githubActions,
  'azure-devops': azureDevops,
  circleci,
  'gitlab-ci': gitlabCi,
  jenkins,
};
