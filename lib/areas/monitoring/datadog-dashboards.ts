/**
 * The Datadog dashboards of monitoring/datadog (datadog_dashboard_json's JSON), templated by environment: one
 * per traced service (traffic, errors, latency, its containers), one of the resources (every container's CPU
 * and memory against its limit, restarts, network, disks), one of the datastores beside compose (the Agent's
 * integrations), and one of the SLOs (status, error budget left, burn rate), whose widgets name the SLOs
 * Terraform creates through templatefile().
 */
import type { MonitoredDatastore, MonitoredService, MonitoringFacts } from '../../monitoring/facts.js';

export interface DatadogDashboard {
  /** The Terraform resource name. */
  resource: string;
  /** Its file under monitoring/datadog/. */
  file: string;
  json: string;
  /** For a templatefile(): the template variable of each SLO id, and the SLO resource it names. */
  sloIds?: { variable: string; resource: string }[];
}

type Widget = { definition: Record<string, unknown> };

const timeseries = (title: string, queries: string[], display = 'line'): Widget => ({
  definition: { title, type: 'timeseries', requests: queries.map((q) => ({ q, display_type: display })) },
});

const group = (title: string, widgets: Widget[]): Widget => ({ definition: { title, type: 'group', layout_type: 'ordered', widgets } });

const environmentVariable = (facts: MonitoringFacts) => [{ name: 'env', prefix: 'env', default: facts.production.name }];

const dashboard = (facts: MonitoringFacts, title: string, description: string, widgets: Widget[], variables = environmentVariable(facts)) =>
  JSON.stringify({ title: `${facts.project} ${title}`, description: `${description} Managed by phase4 (monitoring/datadog).`, layout_type: 'ordered', template_variables: variables, widgets }, null, 2);

/** What selects this project's containers, and what names one of them, on each platform. */
const containers = (facts: MonitoringFacts) =>
  facts.platform === 'kubernetes'
    ? { scope: `kube_namespace IN (${facts.environments.map((environment) => environment.namespace).join(', ')}),$env`, by: '{kube_namespace,kube_container_name}', restarts: 'kubernetes.containers.restarts' }
    : { scope: `project:${facts.project},$env`, by: '{container_name}', restarts: 'container.restarts' };

export const serviceDashboard = (facts: MonitoringFacts, service: MonitoredService, span: string): DatadogDashboard => {
  const scope = `service:${service.name},$env`;
  return {
    resource: `service_${service.name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`,
    file: `dashboards/${service.name}.json`,
    json: dashboard(facts, service.name, `${service.name}: traffic, errors, latency against the ${facts.thresholds.latencySeconds} s threshold, and its containers.`, [
      timeseries('Requests per second', [`sum:trace.${span}.hits{${scope}}.as_rate()`], 'bars'),
      timeseries('Error ratio', [`sum:trace.${span}.errors{${scope}}.as_count() / sum:trace.${span}.hits{${scope}}.as_count()`]),
      timeseries('Latency p50, p95, p99 (s)', [`p50:trace.${span}{${scope}}`, `p95:trace.${span}{${scope}}`, `p99:trace.${span}{${scope}}`]),
      timeseries('CPU used / limit', [`sum:container.cpu.usage{${scope}} by {container_name} / sum:container.cpu.limit{${scope}} by {container_name}`]),
      timeseries('Memory used / limit', [`sum:container.memory.working_set{${scope}} by {container_name} / sum:container.memory.limit{${scope}} by {container_name}`]),
    ]),
  };
};

export const resourcesDashboard = (facts: MonitoringFacts): DatadogDashboard => {
  const { scope, by, restarts } = containers(facts);
  return {
    resource: 'resources',
    file: 'dashboards/resources.json',
    json: dashboard(facts, 'resources', `Every container of ${facts.project}: CPU and memory against their limits (the HighCpuUsage and HighMemoryUsage thresholds are ${Math.round(facts.thresholds.cpuRatio * 100)}% and ${Math.round(facts.thresholds.memoryRatio * 100)}%), restarts, network; and the hosts' disks.`, [
      group('Containers', [
        timeseries('CPU used / limit', [`sum:container.cpu.usage{${scope}} by ${by} / sum:container.cpu.limit{${scope}} by ${by}`]),
        timeseries('Memory used / limit', [`sum:container.memory.working_set{${scope}} by ${by} / sum:container.memory.limit{${scope}} by ${by}`]),
        timeseries('Restarts', [`sum:${restarts}{${scope}} by ${by}`], 'bars'),
        timeseries('Network received and sent (bytes/s)', [`sum:container.net.rcvd{${scope}} by ${by}`, `sum:container.net.sent{${scope}} by ${by}`]),
      ]),
      group('Hosts', [timeseries('Disk free', [`min:system.disk.free{project:${facts.project},$env} by {host,device} / min:system.disk.total{project:${facts.project},$env} by {host,device}`])]),
    ]),
  };
};

/** The Agent integrations' series per engine (beside compose, where the Agent checks each datastore container). */
const datastoreWidgets: Record<MonitoredDatastore['engine'], (scope: string) => Widget[]> = {
  postgres: (scope) => [
    timeseries('Connections used / max', [`max:postgresql.percent_usage_connections{${scope}}`]),
    timeseries('Rows fetched, inserted, updated, deleted', ['fetched', 'inserted', 'updated', 'deleted'].map((kind) => `sum:postgresql.rows_${kind}{${scope}}.as_rate()`)),
    timeseries('Deadlocks', [`sum:postgresql.deadlocks{${scope}}.as_count()`], 'bars'),
    timeseries('Replication delay (s)', [`max:postgresql.replication_delay{${scope}}`]),
  ],
  mysql: (scope) => [
    timeseries('Connections', [`max:mysql.net.connections{${scope}}`]),
    timeseries('Queries per second', [`sum:mysql.performance.queries{${scope}}`]),
    timeseries('Slow queries', [`sum:mysql.performance.slow_queries{${scope}}`], 'bars'),
    timeseries('Replication lag (s)', [`max:mysql.replication.seconds_behind_source{${scope}}`]),
  ],
  mongodb: (scope) => [
    timeseries('Connections current / available', [`max:mongodb.connections.current{${scope}}`, `max:mongodb.connections.available{${scope}}`]),
    timeseries('Operations per second', ['query', 'insert', 'update', 'delete'].map((kind) => `sum:mongodb.opcounters.${kind}ps{${scope}}`)),
  ],
  redis: (scope) => [
    timeseries('Hit rate', [`sum:redis.stats.keyspace_hits{${scope}}.as_count() / (sum:redis.stats.keyspace_hits{${scope}}.as_count() + sum:redis.stats.keyspace_misses{${scope}}.as_count())`]),
    timeseries('Memory used (bytes)', [`max:redis.mem.used{${scope}}`]),
    timeseries('Evicted keys', [`sum:redis.keys.evicted{${scope}}.as_count()`], 'bars'),
    timeseries('Clients', [`max:redis.net.clients{${scope}}`]),
  ],
};

export const datastoresDashboard = (facts: MonitoringFacts): DatadogDashboard | undefined => {
  if (facts.platform !== 'compose' || facts.datastores.length === 0) return undefined;
  const scope = `project:${facts.project},$env`;
  return {
    resource: 'datastores',
    file: 'dashboards/datastores.json',
    json: dashboard(
      facts,
      'datastores',
      `${facts.datastores.map((store) => store.label).join(' and ')}: connections, throughput${facts.datastores.some((store) => store.role === 'cache') ? ', cache hits and evictions' : ''}, from the Agent's integrations.`,
      facts.datastores.map((store) => group(store.label, datastoreWidgets[store.engine](scope))),
    ),
  };
};

/** The SLO dashboard: a templatefile() whose `${name}` variables are the SLO ids Terraform creates. */
export const sloDashboard = (facts: MonitoringFacts, slos: { resource: string; name: string }[]): DatadogDashboard | undefined => {
  if (slos.length === 0) return undefined;
  const widgets: Widget[] = slos.map((slo) => ({
    definition: {
      title: slo.name,
      type: 'slo',
      view_type: 'detail',
      slo_id: `\${${slo.resource}}`,
      time_windows: ['7d', '30d'],
      show_error_budget: true,
      view_mode: 'overall',
    },
  }));
  return {
    resource: 'slos',
    file: 'dashboards/slos.json.tftpl',
    json: dashboard(facts, 'SLOs', `The ${Math.round(facts.thresholds.objective * 100000) / 1000}% availability and latency objectives of each service in ${facts.production.name}: status and error budget left over 7 and 30 days.`, widgets, []),
    sloIds: slos.map((slo) => ({ variable: slo.resource, resource: slo.resource })),
  };
};
