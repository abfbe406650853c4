/**
 * The Cloud Monitoring dashboards of one environment (google-cloud-monitoring): services, resources, datastores and
 * SLO, each a mosaic of charts whose queries are PromQL over the same series the alert policies read.
 */
import { recorded } from '../../monitoring/metrics.js';
import { selectors, httpServices, inlineRecords, type Target } from './google-cloud-monitoring.js';

export interface Chart {
  title: string;
  queries: { legend: string; query: string }[];
  /** Lines drawn across the chart: thresholds of the alerts. */
  thresholds?: { label: string; value: number }[];
}

export interface Dashboard {
  key: 'services' | 'resources' | 'datastores' | 'slo';
  displayName: string;
  charts: Chart[];
}

/** A recorded series of the Prometheus stack for one environment's job, written out (no recording rules here). */
const gkeSeries = (target: Target, expr: string) =>
  inlineRecords({ ...target.facts, environments: [target.environment], production: target.environment, datastores: [] }, expr);

const serviceCharts = (target: Target): Chart[] => {
  const { facts } = target;
  const latencyLine = [{ label: 'HighLatency', value: facts.thresholds.latencySeconds }];
  const errorLine = [{ label: 'HighErrorRate', value: facts.thresholds.errorRatio }];
  if (target.kubernetes) {
    return [
      { title: 'Requests per second, by service', queries: [{ legend: '{{job}}', query: gkeSeries(target, `sum by (job) (${recorded.requests})`) }] },
      { title: '5xx share of requests, by service', queries: [{ legend: '{{job}}', query: gkeSeries(target, `sum by (job) (${recorded.errors}) / sum by (job) (${recorded.requests})`) }], thresholds: errorLine },
      ...[0.5, 0.95, 0.99].map((quantile) => ({
        title: `Request duration p${quantile * 100} (s), by service`,
        queries: [{ legend: '{{job}}', query: gkeSeries(target, `histogram_quantile(${quantile}, sum by (job, le) (${recorded.durationBuckets}))`) }],
        ...(quantile === 0.95 ? { thresholds: latencyLine } : {}),
      })),
    ];
  }
  const run = selectors.cloudRun(target, httpServices(target));
  return [
    { title: 'Requests per second, by service', queries: [{ legend: '{{service_name}}', query: `sum by (service_name) (rate(run_googleapis_com:request_count{${run}}[5m]))` }] },
    {
      title: '5xx share of requests, by service',
      queries: [{ legend: '{{service_name}}', query: `sum by (service_name) (rate(run_googleapis_com:request_count{${run}, response_code_class="5xx"}[5m])) / sum by (service_name) (rate(run_googleapis_com:request_count{${run}}[5m]))` }],
      thresholds: errorLine,
    },
    ...[0.5, 0.95, 0.99].map((quantile) => ({
      title: `Request latency p${quantile * 100} (ms), by service`,
      queries: [{ legend: '{{service_name}}', query: `histogram_quantile(${quantile}, sum by (service_name, le) (rate(run_googleapis_com:request_latencies_bucket{${run}}[5m])))` }],
      ...(quantile === 0.95 ? { thresholds: [{ label: 'HighLatency', value: facts.thresholds.latencySeconds * 1000 }] } : {}),
    })),
  ];
};

const resourceCharts = (target: Target): Chart[] => {
  const { facts } = target;
  if (target.kubernetes) {
    const container = selectors.container(target);
    return [
      { title: 'CPU / limit, by container', queries: [{ legend: '{{container_name}}', query: `max by (container_name) (kubernetes_io:container_cpu_limit_utilization{${container}})` }], thresholds: [{ label: 'HighCpuUsage', value: facts.thresholds.cpuRatio }] },
      {
        title: 'Memory / limit, by container',
        queries: [{ legend: '{{container_name}}', query: `max by (container_name) (kubernetes_io:container_memory_limit_utilization{${container}, memory_type="non-evictable"})` }],
        thresholds: [{ label: 'HighMemoryUsage', value: facts.thresholds.memoryRatio }],
      },
      { title: 'Restarts in 15 minutes, by container', queries: [{ legend: '{{container_name}}', query: `sum by (container_name) (increase(kubernetes_io:container_restart_count{${container}}[15m]))` }] },
      {
        title: 'Free ephemeral storage, by node',
        queries: [{ legend: '{{node_name}}', query: `min by (node_name) (1 - kubernetes_io:node_ephemeral_storage_used_bytes{${selectors.node(target)}} / kubernetes_io:node_ephemeral_storage_total_bytes{${selectors.node(target)}})` }],
        thresholds: [{ label: 'DiskSpaceLow', value: facts.thresholds.diskFreeRatio }],
      },
    ];
  }
  const run = selectors.cloudRun(target);
  return [
    { title: 'CPU utilisation p99, by service', queries: [{ legend: '{{service_name}}', query: `histogram_quantile(0.99, sum by (service_name, le) (rate(run_googleapis_com:container_cpu_utilizations_bucket{${run}}[5m])))` }], thresholds: [{ label: 'HighCpuUsage', value: facts.thresholds.cpuRatio }] },
    {
      title: 'Memory utilisation p99, by service',
      queries: [{ legend: '{{service_name}}', query: `histogram_quantile(0.99, sum by (service_name, le) (rate(run_googleapis_com:container_memory_utilizations_bucket{${run}}[5m])))` }],
      thresholds: [{ label: 'HighMemoryUsage', value: facts.thresholds.memoryRatio }],
    },
    { title: 'Instances, by service and state', queries: [{ legend: '{{service_name}} {{state}}', query: `sum by (service_name, state) (run_googleapis_com:container_instance_count{${run}})` }] },
  ];
};

const datastoreCharts = (target: Target): Chart[] => {
  const { facts } = target;
  const database = facts.datastores.find((store) => store.role === 'database' && store.engine !== 'mongodb');
  const cache = facts.datastores.find((store) => store.role === 'cache');
  const sql = selectors.cloudSql(target);
  const redis = selectors.memorystore(target);
  return [
    ...(database
      ? [
          { title: `${database.label}: CPU utilisation`, queries: [{ legend: 'CPU', query: `max(cloudsql_googleapis_com:database_cpu_utilization{${sql}})` }], thresholds: [{ label: 'DatastoreCpuHigh', value: facts.thresholds.cpuRatio }] },
          {
            title: `${database.label}: connections`,
            queries: [{ legend: 'connections', query: `sum(${database.engine === 'postgres' ? 'cloudsql_googleapis_com:database_postgresql_num_backends' : 'cloudsql_googleapis_com:database_network_connections'}{${sql}})` }],
          },
          { title: `${database.label}: disk utilisation`, queries: [{ legend: 'disk', query: `max(cloudsql_googleapis_com:database_disk_utilization{${sql}})` }], thresholds: [{ label: 'DatabaseStorageLow', value: 1 - facts.thresholds.diskFreeRatio }] },
        ]
      : []),
    ...(cache
      ? [
          { title: `${cache.label}: memory usage ratio`, queries: [{ legend: 'memory', query: `max(redis_googleapis_com:stats_memory_usage_ratio{${redis}})` }], thresholds: [{ label: 'CacheMemoryHigh', value: facts.thresholds.memoryRatio }] },
          { title: `${cache.label}: connected clients`, queries: [{ legend: 'clients', query: `max(redis_googleapis_com:clients_connected{${redis}})` }] },
        ]
      : []),
  ];
};

/** Error and slow shares over the burn-rate windows, against the budget multiples the policies use. */
const sloCharts = (target: Target): Chart[] => {
  const { facts } = target;
  const budget = facts.thresholds.errorBudget;
  const lines = [
    { label: '14.4x budget (page)', value: Number((14.4 * budget).toPrecision(6)) },
    { label: '1x budget', value: budget },
  ];
  const windows = ['5m', '1h', '6h', '1d'];
  if (target.kubernetes) {
    return [
      { title: '5xx share of requests over the burn-rate windows', queries: windows.map((window) => ({ legend: `{{job}} ${window}`, query: gkeSeries(target, recorded.errorRatio(window)) })), thresholds: lines },
      { title: `Share of requests slower than ${facts.thresholds.latencySeconds} s over the burn-rate windows`, queries: windows.map((window) => ({ legend: `{{job}} ${window}`, query: gkeSeries(target, recorded.slowRatio(window)) })), thresholds: lines },
    ];
  }
  const run = selectors.cloudRun(target, httpServices(target));
  return [
    {
      title: '5xx share of requests over the burn-rate windows',
      queries: windows.map((window) => ({
        legend: `{{service_name}} ${window}`,
        query: `sum by (service_name) (rate(run_googleapis_com:request_count{${run}, response_code_class="5xx"}[${window}])) / sum by (service_name) (rate(run_googleapis_com:request_count{${run}}[${window}]))`,
      })),
      thresholds: lines,
    },
  ];
};

export const gcmDashboards = (target: Target): Dashboard[] => {
  const title = (what: string) => `${target.name}: ${what}`;
  const http = httpServices(target).length > 0;
  const dashboards: Dashboard[] = [
    ...(http ? [{ key: 'services' as const, displayName: title('services'), charts: serviceCharts(target) }] : []),
    { key: 'resources', displayName: title('resources'), charts: resourceCharts(target) },
    ...(datastoreCharts(target).length > 0 ? [{ key: 'datastores' as const, displayName: title('datastores'), charts: datastoreCharts(target) }] : []),
    ...(http ? [{ key: 'slo' as const, displayName: title('SLO burn rates'), charts: sloCharts(target) }] : []),
  ];
  return dashboards;
};

/** A dashboard as Cloud Monitoring's dashboard JSON: a mosaic of two charts a row. */
export const dashboardJson = (dashboard: Dashboard, labels: Record<string, string>): string =>
  JSON.stringify(
    {
      displayName: dashboard.displayName,
      labels,
      mosaicLayout: {
        columns: 48,
        tiles: dashboard.charts.map((chart, index) => ({
          xPos: (index % 2) * 24,
          yPos: Math.floor(index / 2) * 16,
          width: 24,
          height: 16,
          widget: {
            title: chart.title,
            xyChart: {
              dataSets: chart.queries.map((query) => ({ plotType: 'LINE', legendTemplate: query.legend, timeSeriesQuery: { prometheusQuery: query.query } })),
              ...(chart.thresholds ? { thresholds: chart.thresholds.map((line) => ({ label: line.label, value: line.value, targetAxis: 'Y1' })) } : {}),
            },
          },
        })),
      },
    },
    null,
    2,
  );

