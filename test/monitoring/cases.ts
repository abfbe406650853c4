/**
 * The answer shapes the monitoring tests render: both platforms (Kubernetes with Helm or Kustomize, compose),
 * every datastore engine and none, changed thresholds and a maintenance window, services that serve no metrics.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Answers } from '../../lib/catalog/option.js';
import { monitoringArea } from '../../lib/areas/monitoring/index.js';
import { derive } from '../../lib/model/index.js';
import type { StackModel } from '../../lib/model/types.js';
import { renderAll, type RenderedFile } from '../../lib/render/render.js';
import { shopAnswers } from '../ci/answers.js';
import { serviceVariants } from '../validation/matrix.js';

const variant = (name: string) => serviceVariants.find((service) => service.name === name)!;

export interface MonitoringCase {
  label: string;
  answers: Answers;
}

export const monitoringCases: MonitoringCase[] = [
  { label: 'helm-postgres-redis', answers: shopAnswers() },
  {
    label: 'kustomize-mysql-gitlab-three-environments-custom-thresholds',
    answers: shopAnswers({
      orchestration: 'kustomize',
      database: 'mysql',
      cache: 'none',
      ci: 'gitlab-ci',
      repository: 'acme/platform/shop',
      environments: ['dev', 'staging', 'production'],
      services: [variant('web-vue'), variant('api-spring'), variant('jobs-java')],
      sloObjective: '99.5',
      errorRateThreshold: '0.5',
      latencyThreshold: '0.25',
      cpuThreshold: '70',
      memoryThreshold: '85',
      diskFreeThreshold: '10',
      certificateExpiryDays: '21',
      maintenanceWindow: 'Sat 22:00 - Sun 04:00',
      timezone: 'Europe/Berlin',
    }),
  },
  { label: 'compose-postgres-redis', answers: shopAnswers({ orchestration: 'none' }) },
  {
    label: 'compose-mongodb-django-go',
    answers: shopAnswers({ orchestration: 'none', database: 'mongodb', cache: 'none', services: [variant('api-django'), variant('api-gin'), variant('jobs-python')], latencyThreshold: '2.5' }),
  },
  {
    label: 'compose-static-site-only',
    answers: shopAnswers({ orchestration: 'none', database: 'none', cache: 'none', services: [variant('site')], certificateExpiryDays: '2' }),
  },
];

export interface RenderedCase {
  label: string;
  model: StackModel;
  dir: string;
  files: RenderedFile[];
  byPath: Map<string, string>;
}

/** Renders a case's monitoring files into a folder of its own. */
export const renderCase = (entry: MonitoringCase): RenderedCase => {
  const model = derive(entry.answers);
  const files = renderAll(monitoringArea.plan(model, { otherFiles: [] }));
  const dir = mkdtempSync(path.join(os.tmpdir(), `phase4-monitoring-${entry.label}-`));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.contents);
  }
  return { label: entry.label, model, dir, files, byPath: new Map(files.map((file) => [file.path, file.contents])) };
};
