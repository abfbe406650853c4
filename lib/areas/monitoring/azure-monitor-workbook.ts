/**
 * The dashboards of Container Apps: one Azure Monitor workbook per environment (azurerm_application_insights_
 * workbook), with the sections the Prometheus stack's dashboards have: per service (requests, 5xx share, latency
 * p50/p95/p99 from Front Door's access log), SLO (availability and error budget left over 30 days), resources
 * (the apps' CPU, memory, replicas and restarts) and the datastores (their metrics, which infra/'s diagnostic
 * settings copy to the workspace). On AKS, Managed Grafana shows the Prometheus stack's dashboards instead.
 */
import type { MonitoringFacts } from '../../monitoring/facts.js';
import type { AzureTarget } from './azure-monitor-alerts.js';

type Item = Record<string, unknown>;

const text = (markdown: string): Item => ({ type: 1, content: { json: markdown } });

/** A log query over the environment's workspace, drawn as `visualization`. */
const query = (name: string, title: string, kql: string, visualization: 'timechart' | 'table' | 'barchart' = 'timechart'): Item => ({
  type: 3,
  name,
  content: {
    version: 'KqlItem/1.0',
    title,
    query: kql,
    size: 0,
    timeContext: { durationMs: name.startsWith('slo') ? 2592000000 : 86400000 },
    queryType: 0,
    resourceType: 'microsoft.operationalinsights/workspaces',
    visualization,
  },
});

/** A platform metric of every Container App (ids as Terraform references, interpolated in the heredoc). */
const appMetric = (name: string, title: string, metric: string, aggregation: number, apps: string[]): Item => ({
  type: 10,
  name,
  content: {
    version: 'MetricsItem/2.0',
    chartId: name,
    title,
    size: 0,
    chartType: 2,
    resourceType: 'microsoft.app/containerapps',
    metricScope: 0,
    resourceIds: apps.map((app) => `\${data.azurerm_container_app.service[${JSON.stringify(app)}].id}`),
    timeContext: { durationMs: 86400000 },
    metrics: [{ namespace: 'microsoft.app/containerapps', metric: `microsoft.app/containerapps--${metric}`, aggregation }],
  },
});

/** Front Door's access log of the watched routes, with status and duration as numbers. */
const accessLog = (routes: string[]) =>
  `AzureDiagnostics\n| where Category == "FrontDoorAccessLog" and routeName_s in (${routes.map((route) => JSON.stringify(route)).join(', ')})\n| extend status = toint(httpStatusCode_s), seconds = todouble(timeTaken_s), service = routeName_s`;

/** What AzureMetrics calls a datastore's resource provider. */
const providers: Record<string, string> = { postgres: 'MICROSOFT.DBFORPOSTGRESQL', mysql: 'MICROSOFT.DBFORMYSQL', mongodb: 'MICROSOFT.DOCUMENTDB', redis: 'MICROSOFT.CACHE' };

const datastoreItems = (facts: MonitoringFacts): Item[] =>
  facts.datastores.flatMap((store) => {
    const metrics = store.engine === 'redis' ? ['usedmemorypercentage', 'connectedclients', 'evictedkeys', 'cachehits', 'cachemisses'] : store.engine === 'mongodb' ? ['NormalizedRUConsumption', 'TotalRequests'] : ['cpu_percent', 'active_connections', 'storage_percent', 'memory_percent'];
    return [
      query(
        `datastore-${store.engine}`,
        `${store.label}: ${metrics.join(', ')}`,
        `AzureMetrics\n| where ResourceProvider == "${providers[store.engine]}" and MetricName in (${metrics.map((metric) => JSON.stringify(metric)).join(', ')})\n| summarize value = max(Maximum) by MetricName, bin(TimeGenerated, 5m)\n| render timechart`,
      ),
    ];
  });

/** The workbook's serialised content (Notebook/1.0), with Terraform references left to the heredoc. */
export const workbookJson = (target: AzureTarget, apps: { name: string }[]): string => {
  const { facts } = target;
  const routes = target.routed;
  const objective = facts.thresholds.objective;
  const items: Item[] = [
    text(`# ${facts.project} in ${target.environment.name}\nRequests as Front Door sees them (public routes), the Container Apps' own metrics, and the datastores'. Alerts and their runbook: docs/runbooks/alerts.md.`),
    ...(routes.length > 0
      ? [
          text('## Services'),
          query('requests', 'Requests per minute, by service', `${accessLog(routes)}\n| summarize requests = count() by service, bin(TimeGenerated, 1m)\n| render timechart`),
          query('errors', 'Share of 5xx answers, by service', `${accessLog(routes)}\n| summarize errors = todouble(countif(status >= 500)) / count() by service, bin(TimeGenerated, 5m)\n| render timechart`),
          query('latency', 'Latency p50 / p95 / p99 (s), by service', `${accessLog(routes)}\n| summarize percentiles(seconds, 50, 95, 99) by service, bin(TimeGenerated, 5m)\n| render timechart`),
          text(`## SLO\nObjective: ${Number((objective * 100).toPrecision(6))}% of requests answered without a 5xx, and within ${facts.thresholds.latencySeconds} s, over 30 days.`),
          query(
            'slo-budget',
            'Error budget left over 30 days, by service',
            `${accessLog(routes)}\n| summarize total = count(), errors = countif(status >= 500), slow = countif(seconds > ${facts.thresholds.latencySeconds}) by service\n| extend availability = 1 - todouble(errors) / total, within_latency = 1 - todouble(slow) / total\n| extend availability_budget_left = 1 - (1 - availability) / ${facts.thresholds.errorBudget}, latency_budget_left = 1 - (1 - within_latency) / ${facts.thresholds.errorBudget}`,
            'table',
          ),
        ]
      : []),
    text('## Resources'),
    appMetric('cpu', 'CPU (% of the limit), by app', 'CpuPercentage', 4, apps.map((app) => app.name)),
    appMetric('memory', 'Memory (% of the limit), by app', 'MemoryPercentage', 4, apps.map((app) => app.name)),
    appMetric('replicas', 'Replicas, by app', 'Replicas', 3, apps.map((app) => app.name)),
    appMetric('restarts', 'Restarts, by app', 'RestartCount', 1, apps.map((app) => app.name)),
    ...(facts.datastores.length > 0 ? [text('## Datastores'), ...datastoreItems(facts)] : []),
  ];
  const workbook = { version: 'Notebook/1.0', items, fallbackResourceIds: ['${data.azurerm_log_analytics_workspace.main.id}'], isLocked: false };
  // References stay Terraform interpolations inside the heredoc: their quotes must not be JSON-escaped.
  return JSON.stringify(workbook, null, 2).replace(/\$\{[^}]*\}/g, (reference) => reference.replaceAll('\\"', '"'));
};
