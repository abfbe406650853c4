/** What every platform's deploy jobs need, the same on each: the environment's variables, the pinned tools, the chart. */
import type { StackModel } from '../../../model/index.js';
import { deployLayout } from '../../../plan/naming.js';
import { toolVersion } from '../../../versions/index.js';
import type { Pipeline } from '../types.js';
import { deployVariables } from '../variables.js';

export const deployJobData = (pipeline: Pipeline, model: StackModel) => ({
  deployVariables: deployVariables(pipeline, model),
  kubectlVersion: toolVersion('kubectl'),
  helmVersion: toolVersion('helm'),
  kubeloginVersion: toolVersion('kubelogin'),
  chart: deployLayout(model.config).helmChart,
});
