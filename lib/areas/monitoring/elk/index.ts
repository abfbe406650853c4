/**
 * monitoring: elk. The Elastic Stack as phase4 targets it: an existing Elasticsearch and Kibana (Elastic Cloud
 * or self-managed, 8.19 or 9.x), fed by the OpenTelemetry Collector (contrib distribution) through its
 * `elasticsearch` exporter, and configured by one idempotent script, monitoring/elk/apply.sh, from JSON bodies of
 * the Elasticsearch and Kibana APIs: ILM policies and index templates (retention per environment), the alerts of
 * lib/monitoring/alerts.ts and the log alerts as Kibana rules (custom threshold and SLO burn rate rules), the
 * SLOs, the data views and dashboards. Why the Collector rather than Elastic Agent, Beats or Fluent Bit is in
 * docs/monitoring.md (templates/monitoring/elk/monitoring.md.ejs).
 */
import { agentAlertsFor } from '../../../monitoring/alerts.js';
import type { MonitoringFacts } from '../../../monitoring/facts.js';
import { monitoringNamespace } from '../../../kubernetes/workloads.js';
import type { StackModel } from '../../../model/types.js';
import { managedFile } from '../../../plan/managed-file.js';
import type { PlannedFile } from '../../../plan/types.js';
import { stableJson } from '../../../render/json.js';
import { helmChart, imageRef } from '../../../versions/index.js';
import { byPath } from '../../../order.js';
import { composeData } from '../compose.js';
import { forwardPort, logAlerts } from '../logging.js';
import { runbookAnchor } from '../rules.js';
import { monitoringLayout, percent, type MonitoringStack } from '../stack.js';
import { dashboardsNdjson, elkDashboards } from './dashboards.js';
import { dataStream, dataViews, dataset, errorLevels, fatalLevels, httpMetric, renames, scrapeInterval, streamNamespace } from './data.js';
import { burnWindows, connectorsOf, elkRules, elkSlos, tracedServices, type KibanaRule } from './rules.js';
import { maintenanceWindow } from './maintenance.js';
import { meaningOf } from './meaning.js';
import { ilmPolicies, indexTemplates } from './retention.js';

const file = managedFile('monitoring');

export const elkLayout = {
  root: 'monitoring/elk',
  apply: 'monitoring/elk/apply.sh',
  rules: 'monitoring/elk/kibana/rules',
  slos: 'monitoring/elk/kibana/slos',
  dashboards: 'monitoring/elk/kibana/dashboards.ndjson',
  maintenanceWindow: 'monitoring/elk/kibana/maintenance-window.json',
  elasticsearch: 'monitoring/elk/elasticsearch',
  agentValues: 'monitoring/kubernetes/values/otel-collector-agent.yaml',
  clusterValues: 'monitoring/kubernetes/values/otel-collector-cluster.yaml',
  compose: 'compose.monitoring.yaml',
  collectorConfig: 'monitoring/elk/collector/config.yaml',
  secrets: 'scripts/monitoring-secrets.sh',
} as const;

/** The Collector's credentials: a Kubernetes Secret, or compose secret files. */
export const elasticSecret = {
  name: 'elasticsearch-credentials',
  urlKey: 'url',
  apiKeyKey: 'api-key',
  url: 'elasticsearch-url',
  apiKey: 'elasticsearch-api-key',
  urlFile: 'elasticsearch-url.txt',
  apiKeyFile: 'elasticsearch-api-key.txt',
} as const;

const hasExporters = (facts: MonitoringFacts) => facts.platform === 'compose' && facts.datastores.length > 0;

/** The scrape jobs: one per traced service (and per datastore exporter beside compose). */
const scrapeJobs = (facts: MonitoringFacts) => [
  ...tracedServices(facts).map((service) => ({ name: service.job, service: service.name, port: service.port!, metricsPath: service.metricsPath!, comment: `${service.name}: its HTTP server metrics (the metric contract).` })),
  ...(hasExporters(facts) ? composeData(facts).exporters.map((exporter) => ({ name: exporter.name, service: exporter.name, port: exporter.port, metricsPath: '/metrics', comment: exporter.comment })) : []),
];

const probesOf = (facts: MonitoringFacts) =>
  facts.environments.flatMap((environment) => environment.probes.map((probe) => ({ ...probe, environment: environment.name, stream: streamNamespace(environment) })));

const collectorData = (facts: MonitoringFacts) => ({
  project: facts.project,
  dataset: dataset(facts),
  renames,
  httpMetric,
  errorLevels,
  fatalLevels,
  jobs: scrapeJobs(facts),
  probes: probesOf(facts),
  scrapeInterval: `${scrapeInterval}s`,
  secret: elasticSecret,
  environments: facts.environments.map((environment) => ({ name: environment.name, namespace: environment.namespace, stream: streamNamespace(environment) })),
});

const kubernetesCollectors = (facts: MonitoringFacts): PlannedFile[] => {
  const common = { ...collectorData(facts), chart: helmChart('opentelemetry-collector'), image: imageRef('otel-collector-contrib'), namespace: monitoringNamespace };
  return [file(elkLayout.agentValues, 'elk/kubernetes/otel-collector-agent.yaml.ejs', common), file(elkLayout.clusterValues, 'elk/kubernetes/otel-collector-cluster.yaml.ejs', common)];
};

const composeCollector = (facts: MonitoringFacts): PlannedFile[] => {
  const exporters = hasExporters(facts) ? composeData(facts).exporters : [];
  return [
    file(elkLayout.compose, 'elk/compose/compose.monitoring.yaml.ejs', {
      environment: facts.production.name,
      collectorImage: imageRef('otel-collector-contrib'),
      secret: elasticSecret,
      services: facts.services,
      exporters,
      fluentForwardPort: forwardPort,
      collectorConfig: elkLayout.collectorConfig,
    }),
    file(elkLayout.collectorConfig, 'elk/compose/collector.yaml.ejs', { ...collectorData(facts), exporters: exporters.length > 0, fluentForwardPort: forwardPort }),
    { ...file(elkLayout.secrets, 'elk/compose/monitoring-secrets.sh.ejs', { secret: elasticSecret, exporters: exporters.filter((exporter) => exporter.script) }), executable: true },
  ];
};

const json = (path: string, body: unknown) => file(path, 'elk/json.ejs', { json: stableJson(body) });

const configurationFiles = (facts: MonitoringFacts): PlannedFile[] => {
  const rules = elkRules(facts);
  const slos = elkSlos(facts);
  const policies = ilmPolicies(facts);
  const templates = indexTemplates(facts);
  const maintenance = maintenanceWindow(facts);
  return [
    ...policies.map((policy) => json(`${elkLayout.elasticsearch}/${policy.file}`, policy.body)),
    ...templates.map((template) => json(`${elkLayout.elasticsearch}/${template.file}`, template.body)),
    ...slos.map((slo) => json(`${elkLayout.slos}/${slo.file}`, slo.body)),
    ...rules.map((rule) => json(`${elkLayout.rules}/${rule.file}`, rule.body)),
    file(elkLayout.dashboards, 'elk/ndjson.ejs', { ndjson: dashboardsNdjson(facts) }),
    ...(maintenance ? [json(elkLayout.maintenanceWindow, maintenance)] : []),
    {
      ...file(elkLayout.apply, 'elk/apply.sh.ejs', {
        project: facts.project,
        policies,
        templates,
        slos,
        rules,
        connectors: connectorsOf(facts),
        maintenance,
        dashboards: elkDashboards(facts).filter((object) => object.type === 'dashboard').length,
      }),
      executable: true,
    },
  ];
};

export interface ElkRunbookSection {
  name: string;
  anchor: string;
  group: string;
  rules: { severity: string; for: string; meaning: string; rules: KibanaRule[] }[];
}

/** The runbook's sections: one per alert name (the catalog's, then the log alerts), with their rules. */
const runbookSections = (facts: MonitoringFacts): ElkRunbookSection[] => {
  const rules = elkRules(facts);
  const entries = [
    ...agentAlertsFor(facts).map((alert) => ({ name: alert.name, severity: alert.severity, for: alert.for, group: alert.group as string })),
    ...logAlerts(facts).map((alert) => ({ name: alert.name, severity: alert.severity, for: alert.for, group: 'logs' })),
  ];
  return [...new Set(entries.map((entry) => entry.name))].map((name) => {
    const of = entries.filter((entry) => entry.name === name);
    return {
      name,
      anchor: runbookAnchor({ name }),
      group: of[0].group,
      rules: of.map((entry) => ({ severity: entry.severity, for: entry.for, meaning: meaningOf(facts, name, entry.severity), rules: rules.filter((rule) => rule.alert === name && rule.severity === entry.severity) })),
    };
  });
};

const planElk = (_model: StackModel, facts: MonitoringFacts): PlannedFile[] => {
  const files = [...(facts.platform === 'kubernetes' ? kubernetesCollectors(facts) : composeCollector(facts)), ...configurationFiles(facts)];
  const docs = file(monitoringLayout.docs, 'elk/monitoring.md.ejs', {
    facts,
    kubernetes: facts.platform === 'kubernetes',
    files: [...files.map((planned) => planned.path), monitoringLayout.runbook].sort(),
    chart: helmChart('opentelemetry-collector'),
    collectorImage: imageRef('otel-collector-contrib'),
    namespace: monitoringNamespace,
    secret: elasticSecret,
    renames,
    jobs: scrapeJobs(facts),
    probes: probesOf(facts),
    policies: ilmPolicies(facts),
    templates: indexTemplates(facts),
    streams: { logs: dataStream(facts, 'logs'), metrics: dataStream(facts, 'metrics'), production: dataStream(facts, 'metrics', facts.production) },
    views: Object.fromEntries(Object.entries(dataViews(facts)).filter(([key]) => key !== 'slos' || elkSlos(facts).length > 0)),
    rules: elkRules(facts),
    slos: elkSlos(facts),
    connectors: connectorsOf(facts),
    burnWindows,
    maintenance: maintenanceWindow(facts),
    dashboards: elkDashboards(facts).filter((object) => object.type === 'dashboard').map((object) => object.attributes.title as string),
    percent,
  });
  const runbook = file(monitoringLayout.runbook, 'elk/alerts.md.ejs', { facts, sections: runbookSections(facts), connectors: connectorsOf(facts) });
  return [...files, runbook, docs].sort(byPath);
};

export const elk: MonitoringStack = {
  summary:
    "an OpenTelemetry Collector that writes the services' metrics, the containers' statistics and logs and endpoint checks to Elasticsearch data streams (opentelemetry-collector values or compose services), and the JSON bodies that monitoring/elk/apply.sh applies: ILM retention per environment, the same alerts as Kibana rules, SLOs with burn-rate rules and dashboards",
  plan: planElk,
  nextSteps: (model) => [
    model.config.orchestration === 'none'
      ? 'monitoring: put the Elasticsearch URL and the Collector\'s API key into secrets/ (ELASTICSEARCH_URL=... ELASTICSEARCH_API_KEY=... sh scripts/monitoring-secrets.sh), then start compose.monitoring.yaml with ELK_ENVIRONMENT set (docs/monitoring.md)'
      : `monitoring: create the ${elasticSecret.name} Secret (keys ${elasticSecret.urlKey} and ${elasticSecret.apiKeyKey}) in the ${monitoringNamespace} namespace, then install the opentelemetry-collector chart twice with monitoring/kubernetes/values/otel-collector-agent.yaml and otel-collector-cluster.yaml (docs/monitoring.md)`,
    'monitoring: with ELASTICSEARCH_URL, KIBANA_URL and ELASTIC_API_KEY (and ELK_PAGERDUTY_ROUTING_KEY, ELK_SLACK_WEBHOOK_URL the first time) set, run bash monitoring/elk/apply.sh (docs/monitoring.md)',
  ],
};
