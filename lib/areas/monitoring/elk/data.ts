/**
 * Where the Elastic stack's data lands and what its fields are called. The OpenTelemetry Collector writes
 * through the contrib `elasticsearch` exporter in its OTel mapping mode, which routes every document to the
 * data stream `<type>-<dataset>.otel-<namespace>`: the dataset is the project, the namespace the environment.
 * Metric values are under `metrics.`, data point attributes under `attributes.`, resource attributes under
 * `resource.attributes.`; the rules, service levels and dashboards read these names only.
 */
import type { MonitoredEnvironment, MonitoringFacts } from '../../../monitoring/facts.js';

/** Data stream parts may not hold `-` (the separator) nor upper case. */
const streamPart = (text: string) => text.toLowerCase().replace(/[^a-z0-9_]+/g, '_');

export const dataset = (facts: MonitoringFacts) => streamPart(facts.project);
export const streamNamespace = (environment: Pick<MonitoredEnvironment, 'name'>) => streamPart(environment.name);

/** `metrics-shop.otel-production`; `*` for every environment's. */
export const dataStream = (facts: MonitoringFacts, type: 'logs' | 'metrics', environment?: Pick<MonitoredEnvironment, 'name'>) =>
  `${type}-${dataset(facts)}.otel-${environment ? streamNamespace(environment) : '*'}`;

/** Data views the rules and dashboards search (stable ids, created by apply.sh). */
export const dataViews = (facts: MonitoringFacts) => ({
  metrics: { id: `${facts.project}-metrics`, title: dataStream(facts, 'metrics'), name: `${facts.project} metrics` },
  logs: { id: `${facts.project}-logs`, title: dataStream(facts, 'logs'), name: `${facts.project} logs` },
  /** Kibana's summaries of the SLOs (hidden indices its SLO transforms write). */
  slos: { id: `${facts.project}-slos`, title: '.slo-observability.summary-*', name: `${facts.project} SLO summaries`, timeField: 'summaryUpdatedAt', allowHidden: true },
});

/** OpenTelemetry's names, which the Collector gives the three naming schemes of the metric contract. */
export const httpMetric = 'http.server.request.duration';
/** Requests waiting for a pooled connection, whatever the library called it. */
export const poolMetric = 'db.client.connection.pending_requests';

export const fields = {
  /** The duration histogram (delta buckets: Elasticsearch's `histogram` type). */
  duration: `metrics.${httpMetric}`,
  /** Requests per scrape, a delta counter the Collector extracts from the histogram's count. */
  requests: `metrics.${httpMetric}_count`,
  status: 'attributes.http.response.status_code',
  service: 'resource.attributes.service.name',
  instance: 'resource.attributes.service.instance.id',
  environment: 'data_stream.namespace',
  up: 'metrics.up',
  pool: `metrics.${poolMetric}`,
  url: 'attributes.http.url',
  statusClass: 'attributes.http.status_class',
  probe: 'metrics.httpcheck.status',
  certificateSeconds: 'metrics.httpcheck.tls.cert_remaining',
  severity: 'severity_number',
  body: 'body.text',
} as const;

/** What the Collector renames (regular expressions over the scraped names, as the Prometheus receiver gives them). */
export const renames = [
  { include: '^http_server_request_duration(_seconds)?$', newName: httpMetric, statusLabel: 'http_response_status_code', source: 'OpenTelemetry SDKs' },
  { include: '^http_server_requests(_seconds)?$', newName: httpMetric, statusLabel: 'status', source: 'Micrometer (Spring Boot)' },
  { include: '^http_request_duration(_seconds)?$', newName: httpMetric, statusLabel: 'status_code', source: 'Prometheus clients' },
  { include: '^(db_client_connection_pending_requests|db_client_connections_pending_requests|hikaricp_connections_pending)$', newName: poolMetric, source: 'OpenTelemetry, HikariCP' },
];

/**
 * Log severities as OpenTelemetry numbers them: the Collector maps the services' `level` field (the logging
 * guide's JSON lines) to ERROR (17) and FATAL (21), so the log alerts compare numbers, whatever the spelling.
 */
export const severityNumbers = { error: 17, fatal: 21 } as const;
export const errorLevels = ['error', 'err', 'critical', 'crit', 'alert'];
export const fatalLevels = ['fatal', 'panic', 'emerg'];
/** Phrases of a crash in a log line (the logging area's crash pattern, as KQL phrases). */
export const crashPhrases = ['panic:', 'fatal error:', 'uncaught exception', 'uncaughtexception', 'unhandled rejection', 'unhandledpromiserejection', 'traceback (most recent call last)', 'outofmemoryerror'];

/** Seconds between scrapes and checks. */
export const scrapeInterval = 60;
