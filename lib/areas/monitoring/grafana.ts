/**
 * Grafana for `monitoring: prometheus-grafana`: the data sources, the dashboards (JSON built as data in
 * grafana/dashboards.ts), and how they reach Grafana: file provisioning on compose, ConfigMaps for
 * kube-prometheus-stack's Grafana sidecars on Kubernetes.
 *
 * Every file lives under monitoring/grafana/, so on Kubernetes the kustomization there can read the dashboards
 * (kustomize refuses files outside the kustomization's folder).
 */
import { monitoringNamespace } from '../../kubernetes/workloads.js';
import type { MonitoringFacts } from '../../monitoring/facts.js';
import { managedFile } from '../../plan/managed-file.js';
import type { PlannedFile } from '../../plan/types.js';
import { stableJson } from '../../render/json.js';
import { dashboards } from './grafana/dashboards.js';
import { dashboardJson, lokiUid, prometheusUid } from './grafana/model.js';

const file = managedFile('monitoring');

export const grafanaFolder = 'monitoring/grafana';

/** Where Grafana reads the dashboard files on compose (the grafana service mounts ../dashboards there). */
export const grafanaDashboardsPath = '/var/lib/grafana/dashboards';

/**
 * The data sources the dashboards name. The scrape interval is Prometheus's (the floor of Grafana's
 * $__rate_interval): the Prometheus configuration must scrape at it.
 */
export const grafanaDatasources = {
  prometheus: { uid: prometheusUid, url: 'http://prometheus:9090', scrapeInterval: '30s' },
  loki: { uid: lokiUid, url: 'http://loki:3100' },
} as const;

/** The dashboard files of one run, relative to monitoring/grafana/. */
export const dashboardFiles = (facts: MonitoringFacts): string[] => dashboards(facts).map((spec) => `dashboards/${spec.name}.json`);

/** The ConfigMaps kube-prometheus-stack's Grafana sidecars load: one per dashboard, and the data sources. */
const configMaps = (facts: MonitoringFacts) => [
  ...dashboards(facts).map((spec) => ({ name: `grafana-dashboard-${spec.name}`, file: `dashboards/${spec.name}.json`, label: 'grafana_dashboard', folder: facts.project })),
  { name: `grafana-datasources-${facts.project}`, file: 'provisioning/datasources/datasources.yaml', label: 'grafana_datasource', folder: undefined },
];

/**
 * Grafana's files for one run, all under monitoring/grafana/: on compose the data sources, the dashboard
 * provider and the dashboards; on Kubernetes the dashboards, the Loki data source, and a kustomization that
 * turns them into ConfigMaps in the monitoring namespace.
 */
export const grafanaFiles = (facts: MonitoringFacts): PlannedFile[] => {
  const kubernetes = facts.platform === 'kubernetes';
  const at = (path: string) => `${grafanaFolder}/${path}`;
  const files: PlannedFile[] = [
    file(at('provisioning/datasources/datasources.yaml'), 'grafana/datasources.yaml.ejs', { kubernetes, ...grafanaDatasources }),
    ...dashboards(facts).map((spec) => file(at(`dashboards/${spec.name}.json`), 'grafana/dashboard.json.ejs', { json: stableJson(dashboardJson(spec)) })),
  ];
  if (kubernetes) {
    files.push(file(at('kustomization.yaml'), 'grafana/kustomization.yaml.ejs', { project: facts.project, namespace: monitoringNamespace, configMaps: configMaps(facts) }));
  } else {
    files.push(file(at('provisioning/dashboards/dashboards.yaml'), 'grafana/dashboards.yaml.ejs', { project: facts.project, path: grafanaDashboardsPath }));
  }
  return files;
};
