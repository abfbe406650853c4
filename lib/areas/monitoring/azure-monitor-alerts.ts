/**
 * The alerts of lib/monitoring/alerts.ts in Azure Monitor's terms, for one environment. What each becomes:
 * - AKS: the services' and the cluster's alerts stay PromQL, as rules of Azure Monitor managed Prometheus rule
 *   groups (recording rules and burn rates included: the same expressions as the Prometheus stack's rule file);
 * - Container Apps: request alerts as log search alerts over Front Door's access log (every public request passes
 *   Front Door, routed by a route named after the service), resources as metric alerts on each Container App;
 * - both: the datastores from their own Azure metrics, the public health routes from Application Insights
 *   standard web tests (availability and certificate lifetime), the log alerts as log search alerts over the
 *   container log table.
 * An alert that applies and has no rule here is a programming error: `azureRules` throws naming it.
 */
import { alerts as catalog, alertsFor, exporterAlertNames, type AlertDefinition, type Severity } from '../../monitoring/alerts.js';
import type { MonitoredEnvironment, MonitoredService, MonitoringFacts } from '../../monitoring/facts.js';
import { hclString } from '../../render/hcl.js';
import { errorLinesPerMinute } from './logging.js';
import { ruleGroups, runbookAnchor, type Rule } from './rules.js';
import { percent } from './stack.js';

/** An alert of this stack: the catalog's, or one Azure adds (datastore saturation, log lines). */
export interface AzureAlert {
  name: string;
  group: AlertDefinition['group'] | 'logs';
  severity: Severity;
  for: string;
}

/** Which action group hears about it: critical pages, warnings go to chat. */
export type Receiver = 'pager' | 'chat';
export const receiverOf = (severity: Severity): Receiver => (severity === 'critical' ? 'pager' : 'chat');

/** Azure's severities: 0 critical, 2 warning. */
export const azureSeverity = (severity: Severity): number => (severity === 'critical' ? 0 : 2);

/** One environment's watched things, by the names infra/ gives them (the HCL references are to main.tf's data sources). */
export interface AzureTarget {
  facts: MonitoringFacts;
  environment: MonitoredEnvironment;
  kubernetes: boolean;
  /** The services with a public route on Front Door (Container Apps: the ones whose requests are seen). */
  routed: string[];
}

export interface PrometheusRule {
  record?: string;
  alert?: string;
  expr: string;
  /** ISO 8601, as the rule group takes it. */
  for?: string;
  severity?: number;
  receiver?: Receiver;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PrometheusGroup {
  resource: string;
  name: string;
  description: string;
  rules: PrometheusRule[];
}

export interface MetricAlert {
  resource: string;
  name: string;
  alert: string;
  severity: Severity;
  description: string;
  /** The watched resource's id, as HCL. */
  scope: string;
  namespace: string;
  metric: string;
  aggregation: 'Average' | 'Maximum' | 'Minimum' | 'Total' | 'Count';
  operator: 'GreaterThan' | 'LessThan' | 'GreaterThanOrEqual' | 'LessThanOrEqual';
  threshold: number;
  /** The threshold as an HCL expression, where it derives from a variable (connection limits). */
  thresholdExpression?: string;
  /** ISO 8601 window the aggregation covers. */
  window: string;
  dimensions: { name: string; values: string[] }[];
  /** Metrics of a web test: the availability criteria instead of a metric (EndpointDown). */
  webTest?: string;
}

export interface LogAlert {
  resource: string;
  name: string;
  alert: string;
  severity: Severity;
  description: string;
  query: string;
  window: string;
  frequency: string;
  operator: 'GreaterThan' | 'LessThan';
  threshold: number;
  /** A column the query returns, by which the alert fires separately (the service). */
  dimension?: string;
  /** A measured column (`value`) rather than the number of rows. */
  measure?: string;
  failing?: { periods: number; of: number };
  /** The long window of a burn rate, beyond the evaluation window. */
  timeRange?: string;
}

export interface WebTest {
  resource: string;
  service: string;
  url: string;
}

export interface AzureRules {
  groups: PrometheusGroup[];
  metricAlerts: MetricAlert[];
  logAlerts: LogAlert[];
  webTests: WebTest[];
}

const snake = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();

/** `5m` as ISO 8601 (`PT5M`, `P1D`). */
export const isoDuration = (duration: string): string => {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const [, amount, unit] = match;
  return unit === 'd' ? `P${amount}D` : `PT${amount}${unit.toUpperCase()}`;
};

/** The catalog's exporter alerts watch the datastores; on Azure the managed services publish the same facts. */
const datastoreAlertNames = exporterAlertNames;

/** Alerts only Azure writes: what the managed datastores and the logs add to the catalog. */
const extraAlerts = (facts: MonitoringFacts): AzureAlert[] => [
  ...(facts.datastores.some((store) => store.role === 'database')
    ? [
        { name: 'DatastoreCpuHigh', group: 'datastore' as const, severity: 'warning' as const, for: '15m' },
        ...(facts.datastores.some((store) => store.role === 'database' && store.engine !== 'mongodb') ? [{ name: 'DatabaseStorageLow', group: 'datastore' as const, severity: 'warning' as const, for: '15m' }] : []),
      ]
    : []),
  ...(facts.datastores.some((store) => store.role === 'cache') ? [{ name: 'CacheMemoryHigh', group: 'datastore' as const, severity: 'warning' as const, for: '15m' }] : []),
  { name: 'LogErrorsHigh', group: 'logs', severity: 'warning', for: '10m' },
  { name: 'LogCrashDetected', group: 'logs', severity: 'critical', for: '0m' },
];

/**
 * Alerts the catalog applies for the exporters the Prometheus stack runs beside the datastores, which have
 * nothing to watch here: TargetDown when no service serves metrics (no exporter is scraped on Azure), and
 * DatastoreConnectionsNearLimit when the only datastore is Cosmos DB (no connection limit to approach).
 */
const nothingToWatch = (facts: MonitoringFacts, alert: AzureAlert): boolean =>
  (alert.name === 'TargetDown' && !facts.services.some((service) => service.exposesMetrics)) ||
  (alert.name === 'DatastoreConnectionsNearLimit' && facts.datastores.every((store) => store.role === 'database' && store.engine === 'mongodb'));

/** Every alert this stack writes: the catalog's that apply, its datastore alerts whenever there is a datastore, and Azure's own. */
export const azureAlerts = (facts: MonitoringFacts): AzureAlert[] => {
  const applicable = alertsFor(facts);
  const datastore = facts.datastores.length > 0 ? catalog.filter((alert) => datastoreAlertNames.has(alert.name) && !applicable.includes(alert)) : [];
  return [...applicable, ...datastore, ...extraAlerts(facts)].filter((alert) => !nothingToWatch(facts, alert));
};

/** What each alert says, in Azure's terms (the runbook's table and every rule's description). */
const descriptions: Record<string, (facts: MonitoringFacts, subject: string, severity: Severity, kubernetes: boolean) => string> = {
  HighErrorRate: (facts, subject) => `More than ${percent(facts.thresholds.errorRatio)} of the requests to ${subject} failed with a 5xx status over the last 5 minutes.`,
  HighLatency: (facts, subject) => `The 95th percentile of the request durations of ${subject} has been above ${facts.thresholds.latencySeconds} s for 10 minutes.`,
  ErrorBudgetBurn: (facts, subject, severity) =>
    `${subject} fails requests at ${severity === 'critical' ? '6 to 14.4' : '1 to 3'} times the rate its ${percent(facts.thresholds.objective)} availability objective allows, over a long and a short window${severity === 'critical' ? ': at this pace the 30-day error budget is gone within days' : ': the 30-day error budget will not last the month'}.`,
  LatencyBudgetBurn: (facts, subject, severity) =>
    `Requests to ${subject} take longer than ${facts.thresholds.latencySeconds} s at ${severity === 'critical' ? '6 to 14.4' : '1 to 3'} times the rate its ${percent(facts.thresholds.objective)} latency objective allows, over a long and a short window.`,
  ServiceDown: (_facts, subject, _severity, kubernetes) => (kubernetes ? `Every scrape of ${subject} has failed for 5 minutes: the service is down, or its /metrics endpoint is.` : `${subject} has had no running replica for 5 minutes: the service is down.`),
  TargetDown: (_facts, subject) => `Scrapes of a pod of ${subject} have failed for 10 minutes: its metrics are missing, and the rules that read them stay quiet.`,
  EndpointDown: (_facts, subject) => `The web test of ${subject} has failed from two or more locations for 5 minutes: users cannot reach it, or its certificate or DNS is broken.`,
  CertificateExpiry: (facts, subject, severity) =>
    severity === 'critical'
      ? `The TLS certificate served at ${subject} expires in less than ${facts.thresholds.certificateCriticalDays} days: browsers and clients will refuse the site when it does.`
      : `The TLS certificate served at ${subject} expires in less than ${facts.thresholds.certificateWarningDays} days, and it has not been renewed.`,
  HighCpuUsage: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.cpuRatio)} of its CPU limit for 5 minutes: it is being throttled and answers slowly.`,
  HighMemoryUsage: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.memoryRatio)} of its memory limit for 5 minutes: it is killed when it reaches the limit.`,
  DiskSpaceLow: (facts, subject) => `${subject} has had less than ${percent(facts.thresholds.diskFreeRatio)} of its space free for 15 minutes.`,
  ContainerRestarting: (_facts, subject) => `${subject} restarted more than twice in 15 minutes.`,
  ContainerCrashLooping: (_facts, subject, _severity, kubernetes) =>
    kubernetes ? `A pod of ${subject} has been in CrashLoopBackOff for 10 minutes: it exits as soon as it starts.` : `${subject} restarted 5 times or more in 15 minutes: it exits as soon as it starts.`,
  DatastoreDown: (_facts, subject) => `${subject} has reported itself unavailable for 5 minutes: it is stopped, failing over or unreachable, and the services that use it fail.`,
  DatastoreConnectionsNearLimit: (_facts, subject) => `More than 90% of the connections ${subject} allows have been in use for 10 minutes: new connections will soon be refused.`,
  DatastoreCpuHigh: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.cpuRatio)} of its CPU for 15 minutes: queries queue and slow down.`,
  DatabaseStorageLow: (facts, subject) => `${subject} has had less than ${percent(facts.thresholds.diskFreeRatio)} of its storage free for 15 minutes.`,
  CacheMemoryHigh: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.memoryRatio)} of its memory for 15 minutes: it evicts keys, or refuses writes.`,
  ConnectionPoolExhausted: (_facts, subject) => `Requests of ${subject} have been queueing for a connection from its pool for 5 minutes: every connection is busy.`,
  LogErrorsHigh: (_facts, subject) => `${subject} has written more than ${errorLinesPerMinute} error lines a minute over 5 minutes, for 10 minutes.`,
  LogCrashDetected: (_facts, subject) => `${subject} wrote a crash line (panic, uncaught exception, traceback, fatal error) in the last 5 minutes.`,
};

export const describeAlert = (facts: MonitoringFacts, alert: Pick<AzureAlert, 'name' | 'severity'>, subject: string, kubernetes: boolean): string => {
  const text = descriptions[alert.name];
  if (!text) throw new Error(`no Azure Monitor description for the alert ${alert.name}`);
  return text(facts, subject, alert.severity, kubernetes);
};

export const runbookLink = (facts: MonitoringFacts, alert: Pick<AzureAlert, 'name'>) => `${facts.runbook.url}#${runbookAnchor(alert)}`;

/** `<environment name>-<Alert>-<severity>[-<key>]`: the name on every notification. */
const ruleName = (name: string, alert: Pick<AzureAlert, 'name' | 'severity'>, key = '') => `${name}-${alert.name}-${alert.severity}${key ? `-${key}` : ''}`;

/** Alerts the Prometheus stack reads from blackbox probes; here web tests stand for them. */
const probeAlertNames = new Set(['EndpointDown', 'CertificateExpiry']);

// ---------------------------------------------------------------------------------------------------------------
// AKS: managed Prometheus rule groups.

/** This environment alone: its rules select only its namespace (each cluster holds one environment). */
const environmentFacts = (target: AzureTarget): MonitoringFacts => ({ ...target.facts, environments: [target.environment], production: target.environment });

/**
 * The Prometheus stack's rule groups for this environment, without the alerts Azure watches otherwise: the
 * datastores (their exporters do not run here) and the blackbox probes (web tests instead). TargetDown is taken
 * from the facts without datastores, so that it names the services' jobs only.
 */
export const prometheusGroups = (target: AzureTarget, name: string): PrometheusGroup[] => {
  const facts = environmentFacts(target);
  const withoutStores = ruleGroups({ ...facts, datastores: [] });
  const pool = ruleGroups(facts).flatMap((group) => group.rules).filter((rule) => rule.alert === 'ConnectionPoolExhausted');
  const groups = withoutStores.map((group) => ({ ...group, rules: group.rules.filter((rule) => !rule.alert || !probeAlertNames.has(rule.alert)) }));
  if (pool.length > 0) groups.push({ name: `${facts.project}-datastores`, rules: pool });
  return groups
    .filter((group) => group.rules.length > 0)
    .map((group) => ({
      resource: snake(group.name.slice(facts.project.length + 1)),
      name: `${name}-${group.name.slice(facts.project.length + 1)}`,
      description: group.rules.some((rule) => rule.alert) ? `Alerts of ${facts.project} in ${target.environment.name} (${group.name.slice(facts.project.length + 1)}).` : `Recording rules of ${facts.project} in ${target.environment.name}: every HTTP metric scheme as one set of series.`,
      rules: group.rules.map(prometheusRule),
    }));
};

const prometheusRule = (rule: Rule): PrometheusRule => {
  if (rule.record) return { record: rule.record, expr: rule.expr };
  const severity = rule.labels!.severity as Severity;
  return {
    alert: rule.alert,
    expr: rule.expr,
    ...(rule.for ? { for: isoDuration(rule.for) } : {}),
    severity: azureSeverity(severity),
    receiver: receiverOf(severity),
    labels: rule.labels,
    annotations: rule.annotations,
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Container Apps: metric alerts on each app, log search alerts over Front Door's access log.

const appNamespace = 'Microsoft.App/containerApps';

/** Front Door's access log of the watched routes, with the status and duration as numbers. */
export const accessLog = (routes: string[]) =>
  [
    'AzureDiagnostics',
    '| where Category == "FrontDoorAccessLog"',
    `| where routeName_s in (${routes.map((route) => JSON.stringify(route)).join(', ')})`,
    '| extend status = toint(httpStatusCode_s), seconds = todouble(timeTaken_s)',
  ].join('\n');

const errorRatioQuery = (routes: string[], window: string) =>
  [accessLog(routes), `| where TimeGenerated > ago(${window})`, '| summarize value = todouble(countif(status >= 500)) / count() by service = routeName_s'].join('\n');

const slowRatioQuery = (routes: string[], window: string, seconds: number) =>
  [accessLog(routes), `| where TimeGenerated > ago(${window})`, `| summarize value = todouble(countif(seconds > ${seconds})) / count() by service = routeName_s`].join('\n');

const burnPairs: Record<Severity, { long: string; short: string; factor: number }[]> = {
  critical: [
    { long: '1h', short: '5m', factor: 14.4 },
    { long: '6h', short: '30m', factor: 6 },
  ],
  warning: [
    { long: '1d', short: '2h', factor: 3 },
    // Log search alerts look back two days at most: the SRE workbook's 3-day window is 2 days here.
    { long: '2d', short: '6h', factor: 1 },
  ],
};

/** A burn-rate pair as one query: both windows' ratios must pass the line, for the rows (services) returned. */
const burnQuery = (target: AzureTarget, ratio: 'errors' | 'slow', long: string, short: string, line: number) => {
  const query = (window: string) => (ratio === 'errors' ? errorRatioQuery(target.routed, window) : slowRatioQuery(target.routed, window, target.facts.thresholds.latencySeconds));
  return [
    `let long_window = ${query(long).split('\n').join('\n    ')};`,
    `let short_window = ${query(short).split('\n').join('\n    ')};`,
    'long_window',
    '| join kind=inner (short_window) on service',
    `| where value > ${line} and value1 > ${line}`,
    '| project service, value',
  ].join('\n');
};

const requestAlerts = (target: AzureTarget, alert: AzureAlert, name: string): LogAlert[] => {
  if (target.routed.length === 0) return [];
  const { facts } = target;
  const common = (key: string, subject: string) => ({
    alert: alert.name,
    severity: alert.severity,
    description: `${describeAlert(facts, alert, subject, false)} Runbook: ${runbookLink(facts, alert)}`,
    dimension: 'service',
    measure: 'value',
    resource: snake(`${alert.name}_${alert.severity}${key ? `_${key}` : ''}`),
    name: ruleName(name, alert, key),
  });
  switch (alert.name) {
    case 'HighErrorRate':
      return [{ ...common('', 'a public service'), query: errorRatioQuery(target.routed, '5m'), window: 'PT5M', frequency: 'PT5M', operator: 'GreaterThan', threshold: facts.thresholds.errorRatio }];
    case 'HighLatency':
      return [
        {
          ...common('', 'a public service'),
          query: [accessLog(target.routed), '| where TimeGenerated > ago(5m)', '| summarize value = percentile(seconds, 95) by service = routeName_s'].join('\n'),
          window: 'PT5M',
          frequency: 'PT5M',
          operator: 'GreaterThan',
          threshold: facts.thresholds.latencySeconds,
          failing: { periods: 2, of: 2 },
        },
      ];
    case 'ErrorBudgetBurn':
    case 'LatencyBudgetBurn':
      return burnPairs[alert.severity].map((pair) => {
        const line = Number((pair.factor * facts.thresholds.errorBudget).toPrecision(6));
        return {
          ...common(pair.long, 'a public service'),
          query: burnQuery(target, alert.name === 'ErrorBudgetBurn' ? 'errors' : 'slow', pair.long, pair.short, line),
          window: alert.severity === 'critical' ? 'PT5M' : 'PT15M',
          frequency: alert.severity === 'critical' ? 'PT5M' : 'PT15M',
          operator: 'GreaterThan',
          threshold: line,
          timeRange: isoDuration(pair.long),
        };
      });
    default:
      return [];
  }
};

/** Metric alerts on every Container App of the environment (data.azurerm_container_app.service, keyed by service). */
const appAlerts = (target: AzureTarget, alert: AzureAlert, name: string): MetricAlert[] => {
  const { facts } = target;
  const each = (build: (service: MonitoredService) => Omit<MetricAlert, 'resource' | 'name' | 'alert' | 'severity' | 'description' | 'scope' | 'namespace' | 'dimensions'> & { dimensions?: MetricAlert['dimensions'] }) =>
    facts.services.map((service): MetricAlert => ({
      resource: snake(`${alert.name}_${alert.severity}_${service.name}`),
      name: ruleName(name, alert, service.name),
      alert: alert.name,
      severity: alert.severity,
      description: `${describeAlert(facts, alert, service.name, false)} Runbook: ${runbookLink(facts, alert)}`,
      scope: `data.azurerm_container_app.service[${hclString(service.name)}].id`,
      namespace: appNamespace,
      dimensions: [],
      ...build(service),
    }));
  switch (alert.name) {
    case 'HighCpuUsage':
      return each(() => ({ metric: 'CpuPercentage', aggregation: 'Average', operator: 'GreaterThan', threshold: Number((facts.thresholds.cpuRatio * 100).toPrecision(6)), window: 'PT5M' }));
    case 'HighMemoryUsage':
      return each(() => ({ metric: 'MemoryPercentage', aggregation: 'Average', operator: 'GreaterThan', threshold: Number((facts.thresholds.memoryRatio * 100).toPrecision(6)), window: 'PT5M' }));
    case 'ContainerRestarting':
      return each(() => ({ metric: 'RestartCount', aggregation: 'Total', operator: 'GreaterThan', threshold: 2, window: 'PT15M' }));
    case 'ContainerCrashLooping':
      return each(() => ({ metric: 'RestartCount', aggregation: 'Total', operator: 'GreaterThanOrEqual', threshold: 5, window: 'PT15M' }));
    case 'ServiceDown':
      return each(() => ({ metric: 'Replicas', aggregation: 'Maximum', operator: 'LessThan', threshold: 1, window: 'PT5M' }));
    default:
      return [];
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Both platforms: datastores, web tests, logs.

const datastoreAlerts = (target: AzureTarget, alert: AzureAlert, name: string): MetricAlert[] => {
  const { facts } = target;
  const database = facts.datastores.find((store) => store.role === 'database');
  const cache = facts.datastores.find((store) => store.role === 'cache');
  const flexible = database && database.engine !== 'mongodb' ? database : undefined;
  const serverNamespace = flexible?.engine === 'postgres' ? 'Microsoft.DBforPostgreSQL/flexibleServers' : 'Microsoft.DBforMySQL/flexibleServers';
  const serverScope = 'data.azurerm_' + (flexible?.engine === 'postgres' ? 'postgresql' : 'mysql') + '_flexible_server.database.id';
  const cosmosScope = 'data.azurerm_cosmosdb_account.database.id';
  const cacheScope = 'data.azurerm_redis_cache.cache.id';
  const build = (key: string, subject: string, rest: Omit<MetricAlert, 'resource' | 'name' | 'alert' | 'severity' | 'description' | 'dimensions'> & { dimensions?: MetricAlert['dimensions'] }): MetricAlert => ({
    resource: snake(`${alert.name}_${alert.severity}_${key}`),
    name: ruleName(name, alert, key),
    alert: alert.name,
    severity: alert.severity,
    description: `${describeAlert(facts, alert, subject, target.kubernetes)} Runbook: ${runbookLink(facts, alert)}`,
    dimensions: [],
    ...rest,
  });
  const rules: MetricAlert[] = [];
  const cpu = Number((facts.thresholds.cpuRatio * 100).toPrecision(6));
  switch (alert.name) {
    case 'DatastoreDown':
      if (flexible) rules.push(build('database', `The ${flexible.label} server`, { scope: serverScope, namespace: serverNamespace, metric: 'is_db_alive', aggregation: 'Minimum', operator: 'LessThan', threshold: 1, window: 'PT5M' }));
      if (database && !flexible) rules.push(build('database', 'The Cosmos DB account', { scope: cosmosScope, namespace: 'Microsoft.DocumentDB/databaseAccounts', metric: 'ServiceAvailability', aggregation: 'Minimum', operator: 'LessThan', threshold: 100, window: 'PT1H' }));
      if (cache) rules.push(build('cache', `The ${cache.label} cache`, { scope: cacheScope, namespace: 'Microsoft.Cache/redis', metric: 'errors', aggregation: 'Maximum', operator: 'GreaterThan', threshold: 0, window: 'PT5M', dimensions: [{ name: 'ErrorType', values: ['Failover', 'Dataloss'] }] }));
      return rules;
    case 'DatastoreConnectionsNearLimit':
      // Azure publishes the connections in use, not the limit: the limit is a variable (the server's
      // max_connections, the cache's maximum clients), of which 90% is the line.
      if (flexible)
        rules.push(build('database', `The ${flexible.label} server`, { scope: serverScope, namespace: serverNamespace, metric: 'active_connections', aggregation: 'Maximum', operator: 'GreaterThan', threshold: connectionsShare, thresholdExpression: `floor(var.connection_limits.database * ${connectionsShare})`, window: 'PT10M' }));
      if (cache)
        rules.push(build('cache', `The ${cache.label} cache`, { scope: cacheScope, namespace: 'Microsoft.Cache/redis', metric: 'connectedclients', aggregation: 'Maximum', operator: 'GreaterThan', threshold: connectionsShare, thresholdExpression: `floor(var.connection_limits.cache * ${connectionsShare})`, window: 'PT10M' }));
      return rules;
    case 'DatastoreCpuHigh':
      if (flexible) rules.push(build('database', `The ${flexible.label} server`, { scope: serverScope, namespace: serverNamespace, metric: 'cpu_percent', aggregation: 'Average', operator: 'GreaterThan', threshold: cpu, window: 'PT15M' }));
      if (database && !flexible) rules.push(build('database', 'The Cosmos DB account', { scope: cosmosScope, namespace: 'Microsoft.DocumentDB/databaseAccounts', metric: 'NormalizedRUConsumption', aggregation: 'Maximum', operator: 'GreaterThan', threshold: cpu, window: 'PT15M' }));
      return rules;
    case 'DatabaseStorageLow':
      if (flexible) rules.push(build('database', `The ${flexible.label} server`, { scope: serverScope, namespace: serverNamespace, metric: 'storage_percent', aggregation: 'Maximum', operator: 'GreaterThan', threshold: Number((100 - facts.thresholds.diskFreeRatio * 100).toPrecision(6)), window: 'PT15M' }));
      return rules;
    case 'CacheMemoryHigh':
      if (cache) rules.push(build('cache', `The ${cache.label} cache`, { scope: cacheScope, namespace: 'Microsoft.Cache/redis', metric: 'usedmemorypercentage', aggregation: 'Maximum', operator: 'GreaterThan', threshold: Number((facts.thresholds.memoryRatio * 100).toPrecision(6)), window: 'PT15M' }));
      return rules;
    default:
      return rules;
  }
};

/** The share of its limit a datastore's connections may reach (DatastoreConnectionsNearLimit). */
export const connectionsShare = 0.9;

/** One standard web test per public health route of the environment. */
export const webTestsOf = (target: AzureTarget): WebTest[] =>
  target.environment.probes.map((probe) => ({ resource: snake(probe.service), service: probe.service, url: probe.url }));

const webTestAlerts = (target: AzureTarget, alert: AzureAlert, name: string): MetricAlert[] =>
  webTestsOf(target).flatMap((test): MetricAlert[] => {
    const base = {
      resource: snake(`${alert.name}_${alert.severity}_${test.service}`),
      name: ruleName(name, alert, test.service),
      alert: alert.name,
      severity: alert.severity,
      description: `${describeAlert(target.facts, alert, test.url, target.kubernetes)} Runbook: ${runbookLink(target.facts, alert)}`,
      scope: `azurerm_application_insights_standard_web_test.${test.resource}.id`,
      namespace: 'Microsoft.Insights/webtests',
      dimensions: [],
    };
    switch (alert.name) {
      case 'EndpointDown':
        return [{ ...base, metric: 'availabilityResults/availabilityPercentage', aggregation: 'Average', operator: 'LessThan', threshold: 100, window: 'PT5M', webTest: test.resource }];
      case 'CertificateExpiry': {
        // The web test fails when the certificate has fewer days left than its threshold (the warning's); the
        // critical alert watches a second test whose threshold is the critical line.
        const critical = alert.severity === 'critical';
        return [{ ...base, scope: `azurerm_application_insights_standard_web_test.${test.resource}${critical ? '_certificate_critical' : '_certificate'}.id`, metric: 'availabilityResults/availabilityPercentage', aggregation: 'Average', operator: 'LessThan', threshold: 100, window: critical ? 'PT15M' : 'PT1H', webTest: `${test.resource}${critical ? '_certificate_critical' : '_certificate'}` }];
      }
      default:
        return [];
    }
  });

/** Lines the log alerts count, as KQL regular expressions. */
export const logPatterns = {
  errors: '(?i)(\\blevel"?[=:]\\s*"?error|\\bERROR\\b|\\bFATAL\\b|\\bCRITICAL\\b)',
  crashes: '(panic:|Traceback|Exception in thread|uncaughtException|OutOfMemoryError|\\bFATAL\\b)',
};

/** The container log lines of this environment's services: ContainerLogV2 on AKS, ContainerAppConsoleLogs on Container Apps. */
export const containerLines = (target: AzureTarget): string => {
  const services = target.facts.services.map((service) => JSON.stringify(service.name)).join(', ');
  return target.kubernetes
    ? ['ContainerLogV2', `| where PodNamespace == ${JSON.stringify(target.environment.namespace)} and ContainerName in (${services})`, '| extend service = ContainerName, line = tostring(LogMessage)'].join('\n')
    : ['ContainerAppConsoleLogs', '| extend service = ContainerName, line = Log', `| where service in (${services})`].join('\n');
};

const logLineAlerts = (target: AzureTarget, alert: AzureAlert, name: string): LogAlert[] => {
  const base = (key: string) => ({
    resource: snake(`${alert.name}_${alert.severity}${key ? `_${key}` : ''}`),
    name: ruleName(name, alert, key),
    alert: alert.name,
    severity: alert.severity,
    description: `${describeAlert(target.facts, alert, 'a service', target.kubernetes)} Runbook: ${runbookLink(target.facts, alert)}`,
    dimension: 'service',
    measure: 'lines',
  });
  switch (alert.name) {
    case 'LogErrorsHigh':
      return [{ ...base(''), query: [containerLines(target), `| where line matches regex ${JSON.stringify(logPatterns.errors)}`, '| summarize lines = count() by service'].join('\n'), window: 'PT5M', frequency: 'PT5M', operator: 'GreaterThan', threshold: errorLinesPerMinute * 5, failing: { periods: 2, of: 2 } }];
    case 'LogCrashDetected':
      return [{ ...base(''), query: [containerLines(target), `| where line matches regex ${JSON.stringify(logPatterns.crashes)}`, '| summarize lines = count() by service'].join('\n'), window: 'PT5M', frequency: 'PT5M', operator: 'GreaterThan', threshold: 0 }];
    default:
      return [];
  }
};

/** The alerts of Container Apps whose requests Front Door sees. */
const requestAlertNames = new Set(['HighErrorRate', 'HighLatency', 'ErrorBudgetBurn', 'LatencyBudgetBurn']);
const appAlertNames = new Set(['HighCpuUsage', 'HighMemoryUsage', 'ContainerRestarting', 'ContainerCrashLooping', 'ServiceDown']);
const datastoreNames = new Set(['DatastoreDown', 'DatastoreConnectionsNearLimit', 'DatastoreCpuHigh', 'DatabaseStorageLow', 'CacheMemoryHigh']);

/** Whether a rule of this alert and severity exists among the ones written. */
const covered = (rules: AzureRules, alert: AzureAlert): boolean =>
  rules.groups.some((group) => group.rules.some((rule) => rule.alert === alert.name && rule.labels?.severity === alert.severity)) ||
  rules.metricAlerts.some((rule) => rule.alert === alert.name && rule.severity === alert.severity) ||
  rules.logAlerts.some((rule) => rule.alert === alert.name && rule.severity === alert.severity);

/**
 * Every rule of one environment, in catalog order. Left out only what cannot be watched: endpoints without a
 * public health route; on Container Apps, request alerts without a routed service and the alerts of metrics the
 * platform does not publish (node disks: Container Apps have none to fill; scrape failures: nothing scrapes);
 * ConnectionPoolExhausted on Container Apps, whose services' pool metrics nothing collects (documented).
 */
export const azureRules = (target: AzureTarget, name: string): AzureRules => {
  const wanted = azureAlerts(target.facts);
  const rules: AzureRules = { groups: target.kubernetes ? prometheusGroups(target, name) : [], metricAlerts: [], logAlerts: [], webTests: webTestsOf(target) };
  for (const alert of wanted) {
    if (probeAlertNames.has(alert.name)) rules.metricAlerts.push(...webTestAlerts(target, alert, name));
    else if (datastoreNames.has(alert.name)) rules.metricAlerts.push(...datastoreAlerts(target, alert, name));
    else if (alert.group === 'logs') rules.logAlerts.push(...logLineAlerts(target, alert, name));
    else if (!target.kubernetes && requestAlertNames.has(alert.name)) rules.logAlerts.push(...requestAlerts(target, alert, name));
    else if (!target.kubernetes && appAlertNames.has(alert.name)) rules.metricAlerts.push(...appAlerts(target, alert, name));
  }
  const unwatchable = (alert: AzureAlert) =>
    (probeAlertNames.has(alert.name) && target.environment.probes.length === 0) ||
    (!target.kubernetes && requestAlertNames.has(alert.name) && target.routed.length === 0) ||
    (!target.kubernetes && unwatchedOnContainerApps.has(alert.name));
  const missing = wanted.filter((alert) => !covered(rules, alert) && !unwatchable(alert));
  if (missing.length > 0) throw new Error(`no Azure Monitor rule for ${missing.map((alert) => `${alert.name} (${alert.severity})`).join(', ')} in ${target.environment.name}`);
  return rules;
};

/** Alerts Container Apps cannot feed, with the reason the docs give. */
export const unwatchedOnContainerApps: ReadonlyMap<string, string> = new Map([
  ['DiskSpaceLow', 'Container Apps have no disk of their own to fill (their storage is ephemeral and sized by the platform).'],
  ['TargetDown', 'nothing scrapes the services on Container Apps; ServiceDown watches their replicas instead.'],
  ['ConnectionPoolExhausted', "nothing collects the services' pool metrics on Container Apps; DatastoreConnectionsNearLimit watches the server's side."],
]);
