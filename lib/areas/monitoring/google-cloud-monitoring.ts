/**
 * monitoring: google-cloud-monitoring (GCP only). One Terraform root per environment,
 * monitoring/google-cloud-monitoring/environments/<env>, in the environment's own Google Cloud project, that
 * writes the alerts of lib/monitoring/alerts.ts as Cloud Monitoring alert policies (same names, same severities,
 * same runbook sections) on the resources the GCP Terraform creates, by the names lib/plan/naming.ts gives them;
 * the notification channels come from one module, monitoring/google-cloud-monitoring/modules/notifications.
 *
 * Every condition is PromQL (`condition_prometheus_query_language`), which Google documents as the query
 * language of alerting in Cloud Monitoring; MQL is deprecated and takes no new features. PromQL reads both the
 * services' own metrics (GKE: scraped by Managed Service for Prometheus through PodMonitoring resources) and
 * Google's system metrics (`run.googleapis.com/request_count` is `run_googleapis_com:request_count`), so the
 * conditions are checked with promtool like the Prometheus stack's rules. The SLO burn rates of Cloud Run are
 * the exception: they are Service Monitoring SLOs, read with `select_slo_burn_rate`.
 *
 * Where the data comes from:
 * - GKE: the services' HTTP metrics (the metric contract of lib/monitoring/metrics.ts), with the catalog's own
 *   expressions and the recording rules inlined (Cloud Monitoring evaluates no recording rules of ours); pods'
 *   CPU, memory, restarts and node disks from GKE's system metrics (kubernetes.io/...).
 * - Cloud Run: requests, 5xx answers, latencies, CPU and memory utilisations and instances from run.googleapis.com;
 *   container exits from the services' system logs (a log-based metric).
 * - Both: Cloud SQL and Memorystore system metrics, uptime checks of the public health routes (and their
 *   certificates' days to expiry), log-based metrics of error, crash and pool-timeout lines.
 */
import { alerts as catalog, alertsFor, poolWatched, type AlertDefinition, type Severity } from '../../monitoring/alerts.js';
import type { MonitoredEnvironment, MonitoredService, MonitoringFacts } from '../../monitoring/facts.js';
import { recorded } from '../../monitoring/metrics.js';
import type { StackModel } from '../../model/types.js';
import { managedPrometheusNamespace, workloadSelector } from '../../kubernetes/workloads.js';
import { managedFile } from '../../plan/managed-file.js';
import { gcpEnvironmentName } from '../../plan/naming.js';
import type { PlannedFile } from '../../plan/types.js';
import { infrastructureOf, type InfraFacts } from '../../terraform/infrastructure.js';
import { terraformPins } from '../../versions/index.js';
import { byPath } from '../../order.js';
import { errorLinesPerMinute } from './logging.js';
import { ruleGroups, runbookAnchor } from './rules.js';
import { monitoringLayout, percent, type MonitoringStack } from './stack.js';
import { dashboardJson, gcmDashboards } from './google-cloud-monitoring-dashboards.js';

const file = managedFile('monitoring');

export const gcmLayout = {
  root: 'monitoring/google-cloud-monitoring',
  environment: (environment: string) => `monitoring/google-cloud-monitoring/environments/${environment}`,
  notifications: 'monitoring/google-cloud-monitoring/modules/notifications',
  podMonitoringBase: 'monitoring/kubernetes/google-cloud-monitoring/base',
  podMonitoringOverlay: (environment: string) => `monitoring/kubernetes/google-cloud-monitoring/${environment}`,
} as const;

/** An alert of this stack: the catalog's, or one Cloud Monitoring adds (datastore saturation, log lines). */
export interface StackAlert {
  name: string;
  group: AlertDefinition['group'] | 'logs';
  severity: Severity;
  for: string;
}

/** A PromQL condition, or a Service Monitoring burn rate over one window. */
export type Condition =
  | { displayName: string; promql: { query: string; duration: string } }
  | { displayName: string; burnRate: { slo: string; window: string; threshold: number; duration: string } };

export interface AlertPolicy {
  resource: string;
  displayName: string;
  alert: string;
  severity: Severity;
  channel: 'pager' | 'chat';
  /** The runbook text of the incident (Markdown): what fired, and the link to its section. */
  documentation: string;
  runbookUrl: string;
  combiner: 'OR' | 'AND';
  conditions: Condition[];
}

export interface LogMetric {
  name: string;
  description: string;
  filter: string;
}

export interface ServiceSlo {
  service: string;
  workload: string;
  kind: 'availability' | 'latency';
  resource: string;
}

const snake = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();

const seconds = (duration: string): string => {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (!match) throw new Error(`internal: not a duration: ${duration}`);
  return `${Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd']}s`;
};

/** The catalog's exporter alerts; on GCP the managed datastores publish the same facts as system metrics. */
const datastoreAlertNames = new Set(['DatastoreDown', 'DatastoreConnectionsNearLimit']);

/** What Cloud Run has no counterpart of: a scrape target (its metrics are the platform's) and a node disk. */
export const cloudRunLacks: ReadonlySet<string> = new Set(['TargetDown', 'DiskSpaceLow']);

/** Datastores Google manages (Cloud SQL, Memorystore); MongoDB has no Google-managed service (infra/ says so). */
const managedDatastores = (facts: MonitoringFacts) => facts.datastores.filter((store) => store.engine !== 'mongodb');
const sqlDatabase = (facts: MonitoringFacts) => managedDatastores(facts).find((store) => store.role === 'database');
const memorystore = (facts: MonitoringFacts) => managedDatastores(facts).find((store) => store.role === 'cache');

const extraAlerts = (facts: MonitoringFacts): StackAlert[] => [
  ...(sqlDatabase(facts)
    ? [
        { name: 'DatastoreCpuHigh', group: 'datastore' as const, severity: 'warning' as const, for: '15m' },
        { name: 'DatabaseStorageLow', group: 'datastore' as const, severity: 'warning' as const, for: '15m' },
      ]
    : []),
  ...(memorystore(facts) ? [{ name: 'CacheMemoryHigh', group: 'datastore' as const, severity: 'warning' as const, for: '15m' }] : []),
  { name: 'LogErrorsHigh', group: 'logs', severity: 'warning', for: '10m' },
  { name: 'LogCrashDetected', group: 'logs', severity: 'critical', for: '0m' },
];

/**
 * The alerts this stack writes: every applicable alert of the catalog (the exporter ones only for Google-managed
 * datastores, whose system metrics stand in for the exporters), plus the Cloud Monitoring-only ones.
 */
export const gcmAlerts = (facts: MonitoringFacts): StackAlert[] => {
  const managed = managedDatastores(facts).length > 0;
  const applicable = alertsFor(facts).filter((alert) => (!datastoreAlertNames.has(alert.name) || managed) && !(facts.platform === 'compose' && cloudRunLacks.has(alert.name)));
  const datastore = managed ? catalog.filter((alert) => datastoreAlertNames.has(alert.name) && !applicable.includes(alert)) : [];
  return [...applicable, ...datastore, ...extraAlerts(facts)];
};

/** Everything an environment's policies name: the GCP Terraform's resources, by its own names. */
export interface Target {
  facts: MonitoringFacts;
  infra: InfraFacts;
  environment: MonitoredEnvironment;
  /** `<project>-<environment>`: the GKE cluster, the Cloud SQL and Memorystore instances. */
  name: string;
  kubernetes: boolean;
}

export const targetOf = (model: StackModel, facts: MonitoringFacts, environment: MonitoredEnvironment): Target => ({
  facts,
  infra: infrastructureOf(model),
  environment,
  name: gcpEnvironmentName(facts.project, environment.name),
  kubernetes: facts.platform === 'kubernetes',
});

/** The Cloud Run service of a workload, as the GCP Terraform names it. */
export const cloudRunServiceOf = (target: Target, service: string): string => target.infra.services.find((infra) => infra.name === service)!.workload;

/** Cloud Run services that keep instances warm (a minimum above zero): one that scales to zero is idle, not down. */
const warmServices = (target: Target): MonitoredService[] =>
  target.facts.services.filter((service) => service.port !== undefined && (target.infra.services.find((infra) => infra.name === service.name)?.sizing[target.environment.name]?.minReplicas ?? 0) > 0);

/**
 * The services the request alerts watch: those phase4 builds to serve the metric contract (the catalog's HTTP
 * alerts apply to them). On Cloud Run their requests are the platform's metrics; front ends served by nginx stay
 * out, as they do from the other stacks' request alerts.
 */
export const httpServices = (target: Target): MonitoredService[] =>
  target.facts.services.filter((service) => service.exposesMetrics && (target.kubernetes || service.port !== undefined));

const alternation = (values: string[]) => values.join('|');

/** PromQL selectors of Google's system metrics, by monitored resource. */
export const selectors = {
  cloudRun: (target: Target, services = target.facts.services) =>
    `monitored_resource="cloud_run_revision", service_name=~"${alternation(services.map((service) => cloudRunServiceOf(target, service.name)))}"`,
  container: (target: Target) =>
    `monitored_resource="k8s_container", cluster_name="${target.name}", namespace_name="${target.environment.namespace}", container_name=~"${alternation(target.facts.services.map((service) => service.name))}"`,
  node: (target: Target) => `monitored_resource="k8s_node", cluster_name="${target.name}"`,
  cloudSql: (target: Target) => `monitored_resource="cloudsql_database", database_id=~".+:${target.name}"`,
  memorystore: (target: Target) => `monitored_resource="redis_instance", instance_id=~".+/instances/${target.name}"`,
  uptime: (target: Target) => `monitored_resource="uptime_url", host=~"${alternation([...new Set(target.environment.probes.map((probe) => new URL(probe.url).host))])}"`,
  logs: (target: Target) => (target.kubernetes ? 'monitored_resource="k8s_container"' : 'monitored_resource="cloud_run_revision"'),
};

/** Log-based metrics: what Cloud Logging counts, named as PromQL reads them (`logging_googleapis_com:user_<name>`). */
export const logMetricNames = { errors: 'error_lines', crashes: 'crash_lines', poolTimeouts: 'pool_timeouts', exits: 'container_exits' } as const;
const logMetric = (name: string) => `logging_googleapis_com:user_${name}`;

/** The facts of one environment alone, without exporters: the catalog's expressions then select only it. */
const environmentFacts = (target: Target): MonitoringFacts => ({ ...target.facts, environments: [target.environment], production: target.environment, datastores: [] });

/**
 * A catalog expression with the recording rules it reads written out: Cloud Monitoring evaluates PromQL over the
 * raw series, and records nothing of ours. Records that read records are expanded until none is left.
 */
export const inlineRecords = (facts: MonitoringFacts, expr: string): string => {
  const records = new Map(ruleGroups(facts).flatMap((group) => group.rules.filter((rule) => rule.record).map((rule) => [rule.record!, rule.expr])));
  let text = expr;
  for (let pass = 0; pass < 5 && [...records.keys()].some((record) => text.includes(record)); pass += 1) {
    text = text.replace(/[a-zA-Z_:][a-zA-Z0-9_:]*/g, (token) => (records.has(token) ? `(\n${records.get(token)!}\n)` : token));
  }
  return text;
};

const burnPairs: Record<Severity, { long: string; short: string; factor: number }[]> = {
  critical: [
    { long: '1h', short: '5m', factor: 14.4 },
    { long: '6h', short: '30m', factor: 6 },
  ],
  warning: [
    { long: '1d', short: '2h', factor: 3 },
    { long: '3d', short: '6h', factor: 1 },
  ],
};

/** What each alert says, in Cloud Monitoring's terms (the first lines of an incident's documentation). */
const descriptions: Record<string, (target: Target, severity: Severity) => string> = {
  HighErrorRate: ({ facts }) => `More than ${percent(facts.thresholds.errorRatio)} of the requests to a service failed with a 5xx status over the last 5 minutes.`,
  HighLatency: ({ facts }) => `The 95th percentile of a service's request durations has been above ${facts.thresholds.latencySeconds} s for 10 minutes.`,
  ErrorBudgetBurn: ({ facts }, severity) =>
    severity === 'critical'
      ? `A service fails requests at 6 to 14.4 times the rate its ${percent(facts.thresholds.objective)} availability objective allows, over a long and a short window: at this pace the 30-day error budget is gone within days.`
      : `A service fails requests at 1 to 3 times the rate its ${percent(facts.thresholds.objective)} availability objective allows, over a long and a short window: the 30-day error budget will not last the month.`,
  LatencyBudgetBurn: ({ facts }, severity) =>
    severity === 'critical'
      ? `Requests take longer than ${facts.thresholds.latencySeconds} s at 6 to 14.4 times the rate the ${percent(facts.thresholds.objective)} latency objective allows, over a long and a short window.`
      : `Requests take longer than ${facts.thresholds.latencySeconds} s at 1 to 3 times the rate the ${percent(facts.thresholds.objective)} latency objective allows, over a long and a short window.`,
  ServiceDown: ({ kubernetes }) => (kubernetes ? 'Managed Prometheus has reached no pod of a service for 5 minutes: the service is down, or its /metrics endpoint is.' : 'A service that keeps instances warm has had no instance for 5 minutes: it is down.'),
  TargetDown: () => 'Managed Prometheus has failed to scrape a pod of a service for 10 minutes: its metrics are missing, and the policies that read them stay quiet.',
  EndpointDown: () => 'More than half of the uptime checkers have failed to get an answer from a public health route for 5 minutes: users cannot reach it, or its certificate or DNS is broken.',
  CertificateExpiry: ({ facts }, severity) =>
    `The certificate of a public host expires in less than ${severity === 'critical' ? facts.thresholds.certificateCriticalDays : facts.thresholds.certificateWarningDays} days${severity === 'critical' ? ': browsers and clients will refuse the site when it does' : ', and it has not been renewed'}.`,
  HighCpuUsage: ({ facts, kubernetes }) => `A ${kubernetes ? 'container' : 'service'} has used more than ${percent(facts.thresholds.cpuRatio)} of its CPU ${kubernetes ? 'limit' : '(99th percentile of its instances)'} for 5 minutes: it is throttled and answers slowly.`,
  HighMemoryUsage: ({ facts, kubernetes }) => `A ${kubernetes ? 'container' : 'service'} has used more than ${percent(facts.thresholds.memoryRatio)} of its memory ${kubernetes ? 'limit' : '(99th percentile of its instances)'} for 5 minutes: it is killed when it reaches the limit.`,
  DiskSpaceLow: ({ facts }) => `A node of the cluster has had less than ${percent(facts.thresholds.diskFreeRatio)} of its ephemeral storage free for 15 minutes.`,
  ContainerRestarting: ({ kubernetes }) => (kubernetes ? 'A container restarted more than twice in 15 minutes.' : "A service's containers exited more than twice in 15 minutes."),
  ContainerCrashLooping: ({ kubernetes }) => `A ${kubernetes ? 'container restarted' : "service's containers exited"} 5 times or more in 15 minutes, for 10 minutes: it exits as soon as it starts.`,
  DatastoreDown: () => 'A Cloud SQL instance reports itself down, or a Memorystore instance has published no metrics, for 5 minutes: the services that use it fail.',
  DatastoreConnectionsNearLimit: () => 'More than 90% of the connections a datastore allows have been in use for 10 minutes: new connections will soon be refused.',
  DatastoreCpuHigh: ({ facts }) => `The Cloud SQL instance has used more than ${percent(facts.thresholds.cpuRatio)} of its CPU for 15 minutes: queries queue and slow down.`,
  DatabaseStorageLow: ({ facts }) => `The Cloud SQL instance has had less than ${percent(facts.thresholds.diskFreeRatio)} of its disk free for 15 minutes.`,
  CacheMemoryHigh: ({ facts }) => `The Memorystore instance has used more than ${percent(facts.thresholds.memoryRatio)} of its memory for 15 minutes: it evicts keys, or refuses writes.`,
  ConnectionPoolExhausted: ({ kubernetes }) =>
    kubernetes ? "Requests of a service have been queueing for a connection from its pool for 5 minutes: every connection is busy." : 'A service logged that a request timed out waiting for a database connection from its pool, in each of the last 5 minutes.',
  LogErrorsHigh: () => `A service has written more than ${errorLinesPerMinute} error lines a minute over 5 minutes, for 10 minutes.`,
  LogCrashDetected: () => 'A service wrote a crash line (panic, uncaught exception, traceback, fatal error) in the last 5 minutes.',
};

export const describe = (target: Target, alert: Pick<StackAlert, 'name' | 'severity'>): string => {
  const text = descriptions[alert.name];
  if (!text) throw new Error(`no Google Cloud Monitoring description for the alert ${alert.name}`);
  return text(target, alert.severity);
};

/** The PromQL of every alert that is one, per environment; undefined where the platform has nothing to watch. */
const promqlOf = (target: Target, alert: StackAlert): string | undefined => {
  const { facts, kubernetes } = target;
  const scoped = environmentFacts(target);
  const definition = catalog.find((candidate) => candidate.name === alert.name && candidate.severity === alert.severity);
  const fromCatalog = () => inlineRecords(scoped, definition!.expr(scoped));
  const run = selectors.cloudRun(target, httpServices(target));
  const usage = (metric: string, ratio: number) =>
    kubernetes
      ? `max by (namespace_name, pod_name, container_name) (\n  kubernetes_io:container_${metric}_limit_utilization{${selectors.container(target)}${metric === 'memory' ? ', memory_type="non-evictable"' : ''}}\n) > ${ratio}`
      : `histogram_quantile(0.99, sum by (service_name, le) (\n  rate(run_googleapis_com:container_${metric}_utilizations_bucket{${selectors.cloudRun(target)}}[5m])\n)) > ${ratio}`;
  const restarts = (window: string) =>
    kubernetes
      ? `sum by (namespace_name, pod_name, container_name) (\n  increase(kubernetes_io:container_restart_count{${selectors.container(target)}}[${window}])\n)`
      : `sum by (service) (\n  increase(${logMetric(logMetricNames.exits)}{${selectors.logs(target)}}[${window}])\n)`;
  switch (alert.name) {
    case 'HighErrorRate':
      return kubernetes
        ? fromCatalog()
        : `sum by (service_name) (rate(run_googleapis_com:request_count{${run}, response_code_class="5xx"}[5m]))\n/\nsum by (service_name) (rate(run_googleapis_com:request_count{${run}}[5m])) > ${facts.thresholds.errorRatio}`;
    case 'HighLatency':
      // Cloud Run's request latencies are in milliseconds.
      return kubernetes
        ? fromCatalog()
        : `histogram_quantile(0.95, sum by (service_name, le) (\n  rate(run_googleapis_com:request_latencies_bucket{${run}}[5m])\n)) > ${Number((facts.thresholds.latencySeconds * 1000).toPrecision(6))}`;
    case 'ErrorBudgetBurn':
    case 'LatencyBudgetBurn':
    case 'TargetDown':
    case 'ConnectionPoolExhausted':
      if (kubernetes) return fromCatalog();
      return alert.name === 'ConnectionPoolExhausted' ? `sum by (service) (\n  increase(${logMetric(logMetricNames.poolTimeouts)}{${selectors.logs(target)}}[1m])\n) > 0` : undefined;
    case 'ServiceDown': {
      if (kubernetes) return fromCatalog();
      const warm = warmServices(target);
      return warm.length > 0 ? `sum by (service_name) (\n  run_googleapis_com:container_instance_count{${selectors.cloudRun(target, warm)}}\n) < 1` : undefined;
    }
    case 'HighCpuUsage':
      return usage('cpu', facts.thresholds.cpuRatio);
    case 'HighMemoryUsage':
      return usage('memory', facts.thresholds.memoryRatio);
    case 'DiskSpaceLow':
      return kubernetes
        ? `min by (node_name) (\n  1 - kubernetes_io:node_ephemeral_storage_used_bytes{${selectors.node(target)}}\n  / kubernetes_io:node_ephemeral_storage_total_bytes{${selectors.node(target)}}\n) < ${facts.thresholds.diskFreeRatio}`
        : undefined;
    case 'ContainerRestarting':
      return `${restarts('15m')} > 2`;
    case 'ContainerCrashLooping':
      return `${restarts('15m')} >= 5`;
    case 'EndpointDown':
      return target.environment.probes.length > 0 ? `avg by (check_id, host) (\n  monitoring_googleapis_com:uptime_check_check_passed{${selectors.uptime(target)}}\n) < 0.5` : undefined;
    case 'CertificateExpiry': {
      const days = alert.severity === 'critical' ? facts.thresholds.certificateCriticalDays : facts.thresholds.certificateWarningDays;
      return target.environment.probes.length > 0 ? `min by (host) (\n  monitoring_googleapis_com:uptime_check_time_until_ssl_cert_expires{${selectors.uptime(target)}}\n) < ${days}` : undefined;
    }
    case 'DatastoreDown':
      return [
        ...(sqlDatabase(facts) ? [`max by (database_id) (cloudsql_googleapis_com:database_up{${selectors.cloudSql(target)}}) < 1`] : []),
        ...(memorystore(facts) ? [`absent_over_time(redis_googleapis_com:server_uptime{${selectors.memorystore(target)}}[5m])`] : []),
      ].join('\nor\n');
    case 'DatastoreConnectionsNearLimit': {
      const database = sqlDatabase(facts);
      const connections = database?.engine === 'postgres' ? 'cloudsql_googleapis_com:database_postgresql_num_backends' : 'cloudsql_googleapis_com:database_network_connections';
      return [
        ...(database ? [`sum by (database_id) (${connections}{${selectors.cloudSql(target)}})\n/ ${'$'}{var.database_max_connections} > 0.9`] : []),
        // Memorystore for Redis fixes maxclients at 65000.
        ...(memorystore(facts) ? [`max by (instance_id) (redis_googleapis_com:clients_connected{${selectors.memorystore(target)}})\n/ 65000 > 0.9`] : []),
      ].join('\nor\n');
    }
    case 'DatastoreCpuHigh':
      return `max by (database_id) (cloudsql_googleapis_com:database_cpu_utilization{${selectors.cloudSql(target)}}) > ${facts.thresholds.cpuRatio}`;
    case 'DatabaseStorageLow':
      return `min by (database_id) (1 - cloudsql_googleapis_com:database_disk_utilization{${selectors.cloudSql(target)}}) < ${facts.thresholds.diskFreeRatio}`;
    case 'CacheMemoryHigh':
      return `max by (instance_id) (redis_googleapis_com:stats_memory_usage_ratio{${selectors.memorystore(target)}}) > ${facts.thresholds.memoryRatio}`;
    case 'LogErrorsHigh':
      return `sum by (service) (\n  rate(${logMetric(logMetricNames.errors)}{${selectors.logs(target)}}[5m])\n) * 60 > ${errorLinesPerMinute}`;
    case 'LogCrashDetected':
      return `sum by (service) (\n  increase(${logMetric(logMetricNames.crashes)}{${selectors.logs(target)}}[5m])\n) > 0`;
    default:
      return undefined;
  }
};

export const runbookLink = (facts: MonitoringFacts, alert: Pick<StackAlert, 'name'>) => `${facts.runbook.url}#${runbookAnchor(alert)}`;

const policyName = (target: Target, alert: Pick<StackAlert, 'name' | 'severity'>, key = '') => `${target.name}-${alert.name}-${alert.severity}${key ? `-${key}` : ''}`;

const documentation = (target: Target, alert: StackAlert, subject?: string) =>
  `${subject ? `${subject}: ` : ''}${describe(target, alert)}\n\nRunbook: ${runbookLink(target.facts, alert)}`;

/** The Service Monitoring SLOs of Cloud Run: availability and latency per HTTP service. */
export const serviceSlos = (target: Target): ServiceSlo[] =>
  target.kubernetes
    ? []
    : httpServices(target).flatMap((service) =>
        (['availability', 'latency'] as const).map((kind) => ({ service: service.name, workload: cloudRunServiceOf(target, service.name), kind, resource: snake(`${service.name}_${kind}`) })),
      );

/** Burn-rate policies of Cloud Run: one per service, SLO and pair of windows (a pair fires when both windows burn). */
const burnRatePolicies = (target: Target, alert: StackAlert): AlertPolicy[] => {
  const kind = alert.name === 'ErrorBudgetBurn' ? 'availability' : 'latency';
  return serviceSlos(target)
    .filter((slo) => slo.kind === kind)
    .flatMap((slo) =>
      burnPairs[alert.severity].map((pair) => ({
        resource: snake(`${alert.name}_${alert.severity}_${slo.service}_${pair.long}`),
        displayName: policyName(target, alert, `${slo.service}-${pair.long}-${pair.short}`),
        alert: alert.name,
        severity: alert.severity,
        channel: alert.severity === 'critical' ? ('pager' as const) : ('chat' as const),
        documentation: documentation(target, alert, slo.service),
        runbookUrl: runbookLink(target.facts, alert),
        combiner: 'AND' as const,
        conditions: [pair.long, pair.short].map((window) => ({
          displayName: `${slo.service} burns its ${kind} budget at more than ${pair.factor}x over ${window}`,
          burnRate: { slo: `google_monitoring_slo.${slo.resource}.id`, window: seconds(window), threshold: pair.factor, duration: '0s' },
        })),
      })),
    );
};

/** Alerts that cannot be watched in an environment, and why (the coverage check accepts only these). */
const unwatchable = (target: Target, alert: StackAlert): boolean =>
  (['EndpointDown', 'CertificateExpiry'].includes(alert.name) && target.environment.probes.length === 0) ||
  // Cloud Run: where every service may scale to zero, none is down for having no instance (the uptime checks watch them).
  (!target.kubernetes && alert.name === 'ServiceDown' && warmServices(target).length === 0) ||
  (!target.kubernetes && ['ErrorBudgetBurn', 'LatencyBudgetBurn', 'HighErrorRate', 'HighLatency'].includes(alert.name) && httpServices(target).length === 0);

/**
 * Every alert policy of one environment: one per alert and severity (Cloud Run's burn rates one per service and
 * window pair), in the alerts' order; an alert without a policy that is not explained is a programming error.
 */
export const gcmPolicies = (target: Target): AlertPolicy[] => {
  const wanted = gcmAlerts(target.facts);
  const policies: AlertPolicy[] = [];
  for (const alert of wanted) {
    if (!target.kubernetes && (alert.name === 'ErrorBudgetBurn' || alert.name === 'LatencyBudgetBurn')) {
      policies.push(...burnRatePolicies(target, alert));
      continue;
    }
    const query = promqlOf(target, alert);
    if (!query) continue;
    policies.push({
      resource: snake(`${alert.name}_${alert.severity}`),
      displayName: policyName(target, alert),
      alert: alert.name,
      severity: alert.severity,
      channel: alert.severity === 'critical' ? 'pager' : 'chat',
      documentation: documentation(target, alert),
      runbookUrl: runbookLink(target.facts, alert),
      combiner: 'OR',
      conditions: [{ displayName: `${alert.name} (${alert.severity})`, promql: { query, duration: seconds(alert.for) } }],
    });
  }
  const missing = wanted.filter((alert) => !policies.some((policy) => policy.alert === alert.name && policy.severity === alert.severity) && !unwatchable(target, alert));
  if (missing.length > 0) throw new Error(`no Google Cloud Monitoring alert policy for ${missing.map((alert) => `${alert.name} (${alert.severity})`).join(', ')} in ${target.environment.name}`);
  return policies;
};

/** Lines the log-based metrics count: Cloud Logging's severity where the logger sets it, else the text. */
// No escaped characters: the Logging query language and RE2 would each read the backslashes (`.` stands for the parentheses).
const crashRegex = '(?i)(panic:|fatal error:|uncaught ?exception|unhandled ?(promise ?)?rejection|traceback .most recent call last.|outofmemoryerror)';
// HikariCP, SQLAlchemy, node-postgres, Prisma and psycopg_pool (Django's pool) say it in these words.
export const poolRegex = '(?i)(connection is not available|queuepool limit|timeout exceeded when trying to connect|pool timed out|timed out fetching a new connection|get a connection after)';

/** The log-based metrics of one environment, each labelled by the service that wrote the line. */
export const logMetrics = (target: Target): LogMetric[] => {
  const { facts, kubernetes } = target;
  const scope = kubernetes
    ? `resource.type="k8s_container" AND resource.labels.cluster_name="${target.name}" AND resource.labels.namespace_name="${target.environment.namespace}"`
    : `resource.type="cloud_run_revision" AND resource.labels.service_name=~"^(${alternation(facts.services.map((service) => cloudRunServiceOf(target, service.name)))})$"`;
  const text = (regex: string) => `(textPayload=~"${regex}" OR jsonPayload.message=~"${regex}")`;
  return [
    { name: logMetricNames.errors, description: 'Lines of the services at severity ERROR or above.', filter: `${scope} AND severity>=ERROR` },
    { name: logMetricNames.crashes, description: 'Crash lines of the services: panics, uncaught exceptions, tracebacks, out-of-memory errors.', filter: `${scope} AND ${text(crashRegex)}` },
    // Only where the pool alert reads it: some service that serves requests uses the database.
    ...(poolWatched(facts).length > 0
      ? [{ name: logMetricNames.poolTimeouts, description: 'Lines saying a request timed out waiting for a pooled database connection.', filter: `${scope} AND ${text(poolRegex)}` }]
      : []),
    ...(kubernetes
      ? []
      : [
          {
            name: logMetricNames.exits,
            description: "Exits of the services' containers, which Cloud Run writes to each revision's system log.",
            filter: `${scope} AND logName:"run.googleapis.com%2Fvarlog%2Fsystem" AND textPayload=~"^Container called exit"`,
          },
        ]),
  ];
};

/** What the runbook's first look is for each alert, on the platform the policies watch. */
const firstLook = (facts: MonitoringFacts, alert: string): string => {
  const gke = facts.platform === 'kubernetes';
  const hints: Record<string, string> = {
    HighErrorRate: gke ? "The service's error-rate chart on the services dashboard, then its ERROR lines in Logs Explorer." : 'Cloud Run > the service > Metrics > Request count by response code class, then its ERROR lines in Logs.',
    HighLatency: gke ? "The latency chart of the services dashboard, and the datastores dashboard: a slow query slows every request." : 'Cloud Run > the service > Metrics > Request latencies (p50/p95/p99): a rising p50 is load or a dependency.',
    ErrorBudgetBurn: gke ? 'The SLO dashboard: the 5xx share over each window against the budget lines.' : 'Monitoring > Services > the service > its availability SLO: the budget left and the burn rate.',
    LatencyBudgetBurn: gke ? 'The SLO dashboard: the share of slow requests over each window.' : 'Monitoring > Services > the service > its latency SLO.',
    ServiceDown: gke ? '`kubectl get pods -n <namespace>` and the events of the failing pods (`kubectl describe pod`).' : 'Cloud Run > the service > Revisions: the latest revision\'s status and its system logs.',
    TargetDown: `The PodMonitoring's status (\`kubectl describe podmonitoring -n <namespace> <service>\`) and the collectors' logs in ${managedPrometheusNamespace}.`,
    EndpointDown: 'Monitoring > Uptime checks > the check: what each checker region got.',
    CertificateExpiry: "The load balancer's or the ingress's certificate: Certificate Manager / cert-manager's Certificate status and its DNS records.",
    HighCpuUsage: gke ? 'Kubernetes Engine > Workloads > the workload > Observability, CPU per pod.' : 'Cloud Run > the service > Metrics > Container CPU utilisation.',
    HighMemoryUsage: gke ? 'Kubernetes Engine > Workloads > the workload > Observability, memory per pod.' : 'Cloud Run > the service > Metrics > Container memory utilisation.',
    DiskSpaceLow: 'Kubernetes Engine > Clusters > Nodes, ephemeral storage; `kubectl describe node` for disk pressure.',
    ContainerRestarting: gke ? '`kubectl describe pod` (last state, exit code) and `kubectl logs --previous`.' : 'The "Container called exit" lines of the service\'s system log, and its last lines before each exit.',
    ContainerCrashLooping: gke ? '`kubectl logs --previous` of the crash-looping pod: its last lines say why it exits.' : 'The revision\'s logs just before each "Container called exit" line.',
    DatastoreDown: 'SQL > the instance > Operations and logs (failover, maintenance, restart), or Memorystore > the instance.',
    DatastoreConnectionsNearLimit: 'Cloud SQL > the instance > Query insights, connections by client; Memorystore > connected clients. Which service holds them, and each pool\'s size.',
    DatastoreCpuHigh: 'Cloud SQL > the instance > Query insights > top queries by CPU.',
    DatabaseStorageLow: 'Cloud SQL > the instance > Overview, storage; automatic storage increase grows the disk up to its limit.',
    CacheMemoryHigh: 'Memorystore > the instance > Monitoring: memory usage and evicted keys; keys without a TTL grow without bound.',
    ConnectionPoolExhausted: "The pool timeout lines in the service's logs, next to the database's connections and slow queries.",
    LogErrorsHigh: "The service's ERROR lines in Logs Explorer, grouped by message.",
    LogCrashDetected: "The crash line and the stack under it in the service's logs.",
  };
  return hints[alert] ?? '';
};

export interface RunbookSection {
  name: string;
  anchor: string;
  firstLook: string;
  group: StackAlert['group'];
  rules: { severity: Severity; description: string; policies: string[] }[];
}

const runbookSections = (model: StackModel, facts: MonitoringFacts): RunbookSection[] => {
  const target = targetOf(model, facts, facts.production);
  const policies = gcmPolicies(target);
  const wanted = gcmAlerts(facts);
  return [...new Set(wanted.map((alert) => alert.name))].map((name) => ({
    name,
    anchor: runbookAnchor({ name }),
    firstLook: firstLook(facts, name),
    group: wanted.find((alert) => alert.name === name)!.group,
    rules: wanted
      .filter((alert) => alert.name === name)
      .map((alert) => ({
        severity: alert.severity,
        description: describe(target, alert),
        policies: policies.filter((policy) => policy.alert === name && policy.severity === alert.severity).map((policy) => policy.displayName),
      })),
  }));
};

/** PodMonitoring per service that serves metrics: GMP's collectors scrape its pods; `job` is the resource's name. */
const podMonitoringFiles = (facts: MonitoringFacts): PlannedFile[] => {
  const services = facts.services.filter((service) => service.exposesMetrics);
  if (facts.platform !== 'kubernetes' || services.length === 0) return [];
  const monitors = services.map((service) => ({ name: service.name, selector: workloadSelector(facts.project, service.name), path: service.metricsPath ?? '/metrics' }));
  return [
    ...monitors.map((monitor) => file(`${gcmLayout.podMonitoringBase}/${monitor.name}.yaml`, 'google-cloud-monitoring/kubernetes/pod-monitoring.yaml.ejs', { monitor, project: facts.project })),
    file(`${gcmLayout.podMonitoringBase}/kustomization.yaml`, 'google-cloud-monitoring/kubernetes/base-kustomization.yaml.ejs', { monitors, project: facts.project }),
    ...facts.environments.map((environment) =>
      file(`${gcmLayout.podMonitoringOverlay(environment.name)}/kustomization.yaml`, 'google-cloud-monitoring/kubernetes/overlay-kustomization.yaml.ejs', { environment: environment.name, namespace: environment.namespace }),
    ),
  ];
};

/** The Cloud SQL default max_connections for the tier infra/ gives the environment (set the variable if changed). */
const defaultMaxConnections = (engine: string, production: boolean): number => (engine === 'postgres' ? (production ? 400 : 100) : 4000);

const environmentFiles = (model: StackModel, facts: MonitoringFacts, environment: MonitoredEnvironment): PlannedFile[] => {
  const target = targetOf(model, facts, environment);
  const dir = gcmLayout.environment(environment.name);
  const pins = terraformPins();
  const policies = gcmPolicies(target);
  const database = sqlDatabase(facts);
  const threshold = facts.thresholds;
  const data = {
    project: facts.project,
    team: facts.team,
    name: target.name,
    environment,
    region: target.infra.region,
    kubernetes: target.kubernetes,
    policies,
    slos: serviceSlos(target),
    objective: threshold.objective,
    latencyMs: Number((threshold.latencySeconds * 1000).toPrecision(6)),
    logMetrics: logMetrics(target),
    probes: environment.probes.map((probe) => {
      const url = new URL(probe.url);
      return { service: probe.service, host: url.host, path: `${url.pathname}${url.search}` };
    }),
    database: database ? { engine: database.engine, label: database.label, maxConnections: defaultMaxConnections(database.engine, environment.isProduction) } : undefined,
    logFilter: target.kubernetes
      ? `resource.type="k8s_container" AND resource.labels.cluster_name="${target.name}" AND resource.labels.namespace_name="${environment.namespace}"`
      : `resource.type="cloud_run_revision" AND resource.labels.service_name=~"^(${alternation(facts.services.map((service) => cloudRunServiceOf(target, service.name)))})$"`,
    dashboards: gcmDashboards(target),
    core: pins.core.constraint,
    google: pins.providers.google,
  };
  return [
    file(`${dir}/versions.tf`, 'google-cloud-monitoring/environment/versions.tf.ejs', data),
    file(`${dir}/providers.tf`, 'google-cloud-monitoring/environment/providers.tf.ejs', data),
    file(`${dir}/main.tf`, 'google-cloud-monitoring/environment/main.tf.ejs', data),
    file(`${dir}/alerts.tf`, 'google-cloud-monitoring/environment/alerts.tf.ejs', data),
    ...(data.slos.length > 0 ? [file(`${dir}/slos.tf`, 'google-cloud-monitoring/environment/slos.tf.ejs', data)] : []),
    ...(data.probes.length > 0 ? [file(`${dir}/uptime.tf`, 'google-cloud-monitoring/environment/uptime.tf.ejs', data)] : []),
    file(`${dir}/logs.tf`, 'google-cloud-monitoring/environment/logs.tf.ejs', data),
    file(`${dir}/dashboards.tf`, 'google-cloud-monitoring/environment/dashboards.tf.ejs', data),
    ...data.dashboards.map((dashboard) => file(`${dir}/dashboards/${dashboard.key}.json`, 'google-cloud-monitoring/environment/dashboard.json.ejs', {
        json: dashboardJson(dashboard, { project: facts.project, environment: environment.name, team: facts.team }),
      })),
    file(`${dir}/variables.tf`, 'google-cloud-monitoring/environment/variables.tf.ejs', data),
    file(`${dir}/outputs.tf`, 'google-cloud-monitoring/environment/outputs.tf.ejs', data),
  ];
};

const notificationFiles = (): PlannedFile[] => {
  const pins = terraformPins();
  const data = { core: pins.core.constraint, google: pins.providers.google };
  return ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf'].map((name) => file(`${gcmLayout.notifications}/${name}`, `google-cloud-monitoring/notifications/${name}.ejs`, data));
};

const planGcm = (model: StackModel, facts: MonitoringFacts): PlannedFile[] => {
  const files = [...notificationFiles(), ...facts.environments.flatMap((environment) => environmentFiles(model, facts, environment)), ...podMonitoringFiles(facts)];
  const kubernetes = facts.platform === 'kubernetes';
  const docs = file(monitoringLayout.docs, 'google-cloud-monitoring/monitoring.md.ejs', {
    facts,
    kubernetes,
    files: [...files.map((planned) => planned.path), monitoringLayout.runbook].sort(),
    names: facts.environments.map((environment) => ({ environment: environment.name, name: gcpEnvironmentName(facts.project, environment.name), namespace: environment.namespace, logRetentionDays: environment.logRetentionDays })),
    provider: terraformPins().providers.google,
    gmpNamespace: managedPrometheusNamespace,
    podMonitoring: kubernetes && facts.services.some((service) => service.exposesMetrics),
    layout: gcmLayout,
    percent,
    recorded,
  });
  const runbook = file(monitoringLayout.runbook, 'google-cloud-monitoring/alerts.md.ejs', {
    facts,
    kubernetes,
    sections: runbookSections(model, facts),
    name: gcpEnvironmentName(facts.project, facts.production.name),
  });
  return [...files, runbook, docs].sort(byPath);
};

export const googleCloudMonitoring: MonitoringStack = {
  summary:
    'a Terraform root per environment of Cloud Monitoring alert policies in PromQL (Cloud Run burn rates on Service Monitoring SLOs), notification channels for the pager and chat, uptime checks, log-based metrics, a log bucket with the retention and dashboards, on the resources of the GCP Terraform; on GKE PodMonitoring resources for Managed Service for Prometheus',
  plan: planGcm,
  nextSteps: (model) => [
    `monitoring: for each environment, set TF_VAR_pagerduty_service_key and TF_VAR_slack_auth_token (never in a file) and the Slack channel, then run terraform -chdir=${gcmLayout.environment('<environment>')} init with the state bucket and apply, after infra/ (docs/monitoring.md)`,
    ...(model.config.orchestration === 'none' ? [] : [`monitoring: kubectl apply -k ${gcmLayout.podMonitoringOverlay('<environment>')} on each environment's cluster, so that Managed Prometheus scrapes the services (docs/monitoring.md)`]),
  ],
};
