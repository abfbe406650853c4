/**
 * What every monitoring stack shares: the paths the other areas and the docs name, and the contract a stack
 * fulfils. A stack is one file beside this one (prometheus-grafana.ts, datadog.ts, ...) registered in index.ts.
 */
import type { MonitoringFacts } from '../../monitoring/facts.js';
import type { StackModel } from '../../model/types.js';
import type { PlannedFile } from '../../plan/types.js';

export const monitoringLayout = {
  rules: (project: string) => `monitoring/prometheus/rules/${project}.rules.yaml`,
  tests: (project: string) => `monitoring/prometheus/tests/${project}.test.yaml`,
  alertmanager: 'monitoring/alertmanager/alertmanager.yml',
  prometheus: 'monitoring/prometheus/prometheus.yml',
  runbook: 'docs/runbooks/alerts.md',
  docs: 'docs/monitoring.md',
} as const;

/** `1%`, `99.9%`: a ratio as the percentage people write. */
export const percent = (ratio: number): string => `${Number((ratio * 100).toPrecision(6))}%`;

/**
 * One value of the `monitoring` option. Every stack writes the alerts of lib/monitoring/alerts.ts in its own
 * terms, the runbook at `monitoringLayout.runbook` (one section per alert, which its alerts link to) and
 * `monitoringLayout.docs`.
 */
export interface MonitoringStack {
  /** What the area's description says this stack writes. */
  summary: string;
  plan: (model: StackModel, facts: MonitoringFacts) => PlannedFile[];
  nextSteps: (model: StackModel) => string[];
}
