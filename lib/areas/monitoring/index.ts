/**
 * monitoring: the alerts of lib/monitoring (facts of the run, the metric contract, the alerts as data) written
 * for the chosen `monitoring` stack, with a runbook section per alert and the docs. Each stack is one file of
 * this folder; a new one is an entry of `stacks`.
 */
import { monitoringOf } from '../../monitoring/facts.js';
import type { StackModel } from '../../model/types.js';
import type { Area } from '../../plan/types.js';
import { azureMonitor } from './azure-monitor.js';
import { cloudwatch } from './cloudwatch.js';
import { datadog } from './datadog.js';
import { elk } from './elk/index.js';
import { googleCloudMonitoring } from './google-cloud-monitoring.js';
import { newrelic } from './newrelic.js';
import { prometheusGrafana } from './prometheus-grafana.js';
import type { MonitoringStack } from './stack.js';

type Monitoring = StackModel['config']['monitoring'];

/** One stack per value of `monitoring`: a new value of the catalog does not compile until its stack is here. */
const stacks: Record<Monitoring, MonitoringStack> = {
  'prometheus-grafana': prometheusGrafana,
  datadog,
  newrelic,
  elk,
  cloudwatch,
  'google-cloud-monitoring': googleCloudMonitoring,
  'azure-monitor': azureMonitor,
};

export const monitoringArea: Area = {
  name: 'monitoring',
  description: `Monitoring, per stack: ${Object.entries(stacks)
    .map(([name, stack]) => `${name}: ${stack.summary}`)
    .join('; ')}`,
  reads: [
    'name', 'services', 'orchestration', 'monitoring', 'cloud', 'environments', 'domain', 'team', 'ci', 'repository', 'database', 'cache',
    'sloObjective', 'errorRateThreshold', 'latencyThreshold', 'cpuThreshold', 'memoryThreshold', 'diskFreeThreshold', 'certificateExpiryDays', 'maintenanceWindow', 'timezone',
  ],
  plan: (model) => stacks[model.config.monitoring].plan(model, monitoringOf(model)),
  nextSteps: (model) => stacks[model.config.monitoring].nextSteps(model),
};
