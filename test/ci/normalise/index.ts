/** The reader of each CI platform's output: a platform that writes pipelines adds its reader here. */
import type { Config } from '../../../lib/plan/types.js';
import { azureDevops } from './azure-devops.js';
import { circleci } from './circleci.js';
import { githubActions } from './github-actions.js';
import { gitlabCi } from './gitlab-ci.js';
import { jenkins } from './jenkins.js';
import type { Normaliser } from './types.js';

export const normalisers: Record<Config['ci'], Normaliser> = {
  'github-actions': githubActions,
  'azure-devops': azureDevops,
  circleci,
  'gitlab-ci': gitlabCi,
  jenkins,
};
