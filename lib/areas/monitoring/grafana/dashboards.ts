/**
 * The project's Grafana dashboards, as data: what each panel shows and the query behind it. Service panels
 * read the recorded series of lib/monitoring/metrics.ts (so they hold whatever metric names a service's
 * HTTP library uses); resource panels read cAdvisor, kube-state-metrics and node-exporter; datastore panels
 * read what each exporter exposes by default (metric-names.ts lists every name).
 */
import type { DatastoreEngine } from '../../../catalog/service.js';
import type { MonitoredDatastore, MonitoringFacts } from '../../../monitoring/facts.js';
import { leMatcher, recorded, sloWindows } from '../../../monitoring/metrics.js';
import type { DashboardSpec, EnvironmentVariable, PanelSpec, RowSpec, ServiceVariable } from './model.js';

/** What a query selects by, on each platform. */
interface Selectors {
  /** The recorded per-service series: `namespace` and `job` on Kubernetes, `job` alone on compose. */
  app: string;
  /** The project's containers in cAdvisor's (and kube-state-metrics') series. */
  containers: string;
  /** The label naming the service of a container. */
  containerLabel: string;
  /** Network series: per pod on Kubernetes (the pod's network namespace), per container on compose. */
  network: string;
  networkLabel: string;
}

const selectors = (facts: MonitoringFacts): Selectors =>
  facts.platform === 'kubernetes'
    ? {
        app: 'namespace="$environment", job=~"$service"',
        containers: 'namespace="$environment", container=~"$service"',
        containerLabel: 'container',
        // Deployments' and Rollouts' pods are named <workload>-<template hash>-<suffix>.
        network: 'namespace="$environment", pod=~"($service)-[a-z0-9]+-[a-z0-9]+"',
        networkLabel: 'pod',
      }
    : {
        app: 'job=~"$service"',
        containers: 'container_label_com_docker_compose_project="$environment", container_label_com_docker_compose_service=~"$service"',
        containerLabel: 'container_label_com_docker_compose_service',
        network: 'container_label_com_docker_compose_project="$environment", container_label_com_docker_compose_service=~"$service"',
        networkLabel: 'container_label_com_docker_compose_service',
      };

/** A datastore exporter's series: its job, and on Kubernetes the environment's namespace it runs in. */
const exporterSelector = (facts: MonitoringFacts, store: MonitoredDatastore): string =>
  facts.platform === 'kubernetes' ? `namespace="$environment", job="${store.exporter.job}"` : `job="${store.exporter.job}"`;

const environmentVariable = (facts: MonitoringFacts): EnvironmentVariable =>
  facts.platform === 'kubernetes'
    ? {
        kind: 'custom',
        description: 'The namespace of one environment.',
        options: facts.environments.map((environment) => ({ text: environment.name, value: environment.namespace })),
        current: { text: facts.production.name, value: facts.production.namespace },
      }
    : {
        kind: 'query',
        description: 'The compose project of one environment, among those cAdvisor sees on this host.',
        query: `label_values(container_cpu_usage_seconds_total{container_label_com_docker_compose_project=~"${facts.project}-.+"}, container_label_com_docker_compose_project)`,
      };

/** The services that serve HTTP metrics, as the recorded request series has them. */
const appServices = (facts: MonitoringFacts, hidden = false): ServiceVariable => ({
  kind: 'query',
  description: 'The services that serve HTTP metrics.',
  query: `label_values(${recorded.requests}${facts.platform === 'kubernetes' ? '{namespace="$environment"}' : ''}, job)`,
  hidden,
});

const rate = (series: string, selector: string) => `rate(${series}{${selector}}[$__rate_interval])`;

const percent = (value: number) => `${Number((value * 100).toPrecision(6))}%`;

const dashboard = (facts: MonitoringFacts, kind: string, title: string, description: string, rows: RowSpec[], service: ServiceVariable = appServices(facts), from?: string): DashboardSpec => ({
  name: `${facts.project}-${kind}`,
  title: `${facts.project} / ${title}`,
  description,
  project: facts.project,
  environment: environmentVariable(facts),
  service,
  rows,
  ...(from ? { from } : {}),
});

/** CPU and memory of each service's containers against what they may use: the limit on Kubernetes, the host on compose. */
const saturationPanels = (facts: MonitoringFacts): PanelSpec[] => {
  const { containers, containerLabel } = selectors(facts);
  const cpu = `sum by (${containerLabel}) (${rate('container_cpu_usage_seconds_total', containers)})`;
  const memory = `sum by (${containerLabel}) (container_memory_working_set_bytes{${containers}})`;
  const legend = `{{${containerLabel}}}`;
  if (facts.platform === 'kubernetes') {
    const limit = (resource: string) => `sum by (container) (kube_pod_container_resource_limits{${containers}, resource="${resource}"})`;
    return [
      {
        type: 'timeseries',
        title: 'CPU used / limit',
        description: `CPU the service's containers use, as a share of their limits (all replicas together). The line is the alert threshold (${percent(facts.thresholds.cpuRatio)}).`,
        unit: 'percentunit',
        min: 0,
        thresholds: [{ value: facts.thresholds.cpuRatio, color: 'red' }],
        queries: [{ expr: `${cpu} / ${limit('cpu')}`, legend }],
      },
      {
        type: 'timeseries',
        title: 'Memory used / limit',
        description: `Working set of the service's containers, as a share of their memory limits: at the limit the kernel kills the container. The line is the alert threshold (${percent(facts.thresholds.memoryRatio)}).`,
        unit: 'percentunit',
        min: 0,
        thresholds: [{ value: facts.thresholds.memoryRatio, color: 'red' }],
        queries: [{ expr: `${memory} / ${limit('memory')}`, legend }],
      },
    ];
  }
  return [
    {
      type: 'timeseries',
      title: 'CPU used / host',
      description: `CPU the service's containers use, as a share of the host's cores (compose sets no CPU limits). The line is the alert threshold (${percent(facts.thresholds.cpuRatio)}).`,
      unit: 'percentunit',
      min: 0,
      thresholds: [{ value: facts.thresholds.cpuRatio, color: 'red' }],
      queries: [{ expr: `${cpu} / scalar(max(machine_cpu_cores))`, legend }],
    },
    {
      type: 'timeseries',
      title: 'Memory used / host',
      description: `Working set of the service's containers, as a share of the host's memory (compose sets no memory limits). The line is the alert threshold (${percent(facts.thresholds.memoryRatio)}).`,
      unit: 'percentunit',
      min: 0,
      thresholds: [{ value: facts.thresholds.memoryRatio, color: 'red' }],
      queries: [{ expr: `${memory} / scalar(max(machine_memory_bytes))`, legend }],
    },
  ];
};

const servicesDashboard = (facts: MonitoringFacts): DashboardSpec => {
  const { app } = selectors(facts);
  const requests = `${recorded.requests}{${app}}`;
  const errors = `${recorded.errors}{${app}}`;
  const buckets = `${recorded.durationBuckets}{${app}}`;
  const quantile = (q: number): PanelSpec => ({
    type: 'timeseries',
    title: `Latency p${Math.round(q * 100)}`,
    description:
      `${Math.round(q * 100)}% of requests took less than this, from the request duration histogram over 5 minutes.` +
      (q === 0.95 ? ` The line is the latency objective (${facts.thresholds.latencySeconds}s).` : ''),
    unit: 's',
    min: 0,
    width: 8,
    ...(q === 0.95 ? { thresholds: [{ value: facts.thresholds.latencySeconds, color: 'red' as const }] } : {}),
    queries: [{ expr: `histogram_quantile(${q}, sum by (job, le) (${buckets}))`, legend: '{{job}}' }],
  });
  const errorLine = [{ value: facts.thresholds.errorRatio, color: 'red' as const }];
  return dashboard(facts, 'services', 'Services', 'Requests, errors, latency and saturation of each service that serves HTTP metrics.', [
    {
      title: 'Traffic',
      panels: [
        { type: 'timeseries', title: 'Requests per second', description: 'Requests each service answered, per second over 5 minutes.', unit: 'reqps', min: 0, queries: [{ expr: `sum by (job) (${requests})`, legend: '{{job}}' }] },
        { type: 'stat', title: 'Requests per second, all', description: 'Requests the selected services answered, per second over 5 minutes.', unit: 'reqps', queries: [{ expr: `sum(${requests})`, legend: 'requests' }] },
        {
          type: 'stat',
          title: 'Error ratio, all',
          description: `Share of the selected services' requests answered with a 5xx. Red from the alert threshold (${percent(facts.thresholds.errorRatio)}).`,
          unit: 'percentunit',
          decimals: 2,
          thresholds: errorLine,
          queries: [{ expr: `sum(${errors}) / sum(${requests})`, legend: 'errors' }],
        },
      ],
    },
    {
      title: 'Errors',
      panels: [
        {
          type: 'timeseries',
          title: 'Error ratio',
          description: `Share of each service's requests answered with a 5xx. The line is the alert threshold (${percent(facts.thresholds.errorRatio)}).`,
          unit: 'percentunit',
          min: 0,
          thresholds: errorLine,
          queries: [{ expr: `sum by (job) (${errors}) / sum by (job) (${requests})`, legend: '{{job}}' }],
        },
        { type: 'timeseries', title: '5xx responses per second', description: 'Requests answered with a 5xx, per second over 5 minutes.', unit: 'reqps', min: 0, queries: [{ expr: `sum by (job) (${errors})`, legend: '{{job}}' }] },
      ],
    },
    { title: 'Latency', panels: [quantile(0.5), quantile(0.95), quantile(0.99)] },
    { title: 'Saturation', panels: saturationPanels(facts) },
  ]);
};

const resourcesDashboard = (facts: MonitoringFacts): DashboardSpec => {
  const { containers, containerLabel, network, networkLabel } = selectors(facts);
  const legend = `{{${containerLabel}}}`;
  const networkRate = (series: string) => `sum by (${networkLabel}) (${rate(series, network)})`;
  // Pseudo and read-only filesystems (the container runtime's overlays, tmpfs) have no space to run out of.
  const filesystems = 'fstype!~"tmpfs|overlay|squashfs|ramfs|nsfs|fuse.lxcfs"';
  const containerNames = [...facts.services.map((service) => service.name), ...(facts.platform === 'compose' ? facts.datastores.map((store) => store.host) : [])];
  const kubernetes = facts.platform === 'kubernetes';
  return dashboard(
    facts,
    'resources',
    'Resources',
    kubernetes
      ? "CPU, memory and network of the project's containers (cAdvisor, kube-state-metrics), and the nodes' disks (node-exporter)."
      : "CPU, memory and network of the project's containers (cAdvisor), and the host's disks (node-exporter).",
    [
      {
        title: 'CPU',
        panels: [
          { type: 'timeseries', title: 'CPU used (cores)', description: 'Cores each service uses, all its containers together.', unit: 'short', min: 0, queries: [{ expr: `sum by (${containerLabel}) (${rate('container_cpu_usage_seconds_total', containers)})`, legend }] },
          kubernetes
            ? {
                type: 'timeseries',
                title: 'CPU throttled',
                description: "Share of CPU periods in which the containers hit their CPU limit and were paused: latency rises long before CPU used reaches the limit.",
                unit: 'percentunit',
                min: 0,
                queries: [{ expr: `sum by (container) (${rate('container_cpu_cfs_throttled_periods_total', containers)}) / sum by (container) (${rate('container_cpu_cfs_periods_total', containers)})`, legend }],
              }
            : saturationPanels(facts)[0],
        ],
      },
      {
        title: 'Memory',
        panels: [
          { type: 'timeseries', title: 'Memory working set', description: 'Memory each service uses that the kernel cannot reclaim, all its containers together.', unit: 'bytes', min: 0, queries: [{ expr: `sum by (${containerLabel}) (container_memory_working_set_bytes{${containers}})`, legend }] },
          saturationPanels(facts)[1],
          ...(kubernetes
            ? [
                {
                  type: 'timeseries' as const,
                  title: 'Container restarts (1h)',
                  description: 'Restarts in the last hour: out-of-memory kills and failed liveness probes show here.',
                  unit: 'short' as const,
                  min: 0,
                  width: 24,
                  queries: [{ expr: `sum by (container) (increase(kube_pod_container_status_restarts_total{${containers}}[1h]))`, legend }],
                },
              ]
            : []),
        ],
      },
      {
        title: 'Disk',
        panels: [
          {
            type: 'timeseries',
            title: 'Filesystem used',
            description: `Share of each ${kubernetes ? "node's" : "host's"} filesystems in use. The line is the alert threshold (${percent(facts.thresholds.diskFreeRatio)} free).`,
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: [{ value: Number((1 - facts.thresholds.diskFreeRatio).toPrecision(6)), color: 'red' }],
            queries: [{ expr: `1 - node_filesystem_avail_bytes{${filesystems}} / node_filesystem_size_bytes{${filesystems}}`, legend: '{{instance}} {{mountpoint}}' }],
          },
          { type: 'timeseries', title: 'Filesystem free', description: 'Bytes left for unprivileged users on each filesystem.', unit: 'bytes', min: 0, queries: [{ expr: `node_filesystem_avail_bytes{${filesystems}}`, legend: '{{instance}} {{mountpoint}}' }] },
        ],
      },
      {
        title: 'Network',
        panels: [
          { type: 'timeseries', title: 'Received', description: `Bytes received per second, per ${kubernetes ? 'pod' : 'container'}.`, unit: 'Bps', min: 0, queries: [{ expr: networkRate('container_network_receive_bytes_total'), legend: `{{${networkLabel}}}` }] },
          { type: 'timeseries', title: 'Sent', description: `Bytes sent per second, per ${kubernetes ? 'pod' : 'container'}.`, unit: 'Bps', min: 0, queries: [{ expr: networkRate('container_network_transmit_bytes_total'), legend: `{{${networkLabel}}}` }] },
          {
            type: 'timeseries',
            title: 'Dropped packets',
            description: 'Packets dropped per second, received and sent: a full queue or a network policy rejecting traffic.',
            unit: 'pps',
            min: 0,
            width: 24,
            queries: [
              { expr: networkRate('container_network_receive_packets_dropped_total'), legend: `{{${networkLabel}}} received` },
              { expr: networkRate('container_network_transmit_packets_dropped_total'), legend: `{{${networkLabel}}} sent` },
            ],
          },
        ],
      },
    ],
    {
      kind: 'custom',
      description: kubernetes ? 'The workloads of the project (containers are named after them).' : 'The compose services of the project, with the data stores.',
      options: containerNames,
    },
  );
};

const up = (series: string, selector: string, label: string): PanelSpec => ({
  type: 'stat',
  title: 'Exporter connected',
  description: `1 when the exporter reached ${label} at its last scrape.`,
  unit: 'short',
  baseColor: 'red',
  thresholds: [{ value: 1, color: 'green' }],
  queries: [{ expr: `min(${series}{${selector}})`, legend: 'up' }],
});

const databaseRows = (facts: MonitoringFacts, store: MonitoredDatastore): RowSpec[] => {
  const e = exporterSelector(facts, store);
  const rows: Record<Exclude<DatastoreEngine, 'redis'>, () => RowSpec[]> = {
    postgres: () => [
      {
        title: 'Queries',
        panels: [
          {
            type: 'timeseries',
            title: 'Transactions per second',
            description: 'Commits and rollbacks in all databases of the server.',
            unit: 'ops',
            min: 0,
            queries: [
              { expr: `sum(${rate('pg_stat_database_xact_commit', e)})`, legend: 'commits' },
              { expr: `sum(${rate('pg_stat_database_xact_rollback', e)})`, legend: 'rollbacks' },
            ],
          },
          {
            type: 'timeseries',
            title: 'Rows per second',
            description: 'Rows read by queries and rows written.',
            unit: 'ops',
            min: 0,
            queries: [
              { expr: `sum(${rate('pg_stat_database_tup_fetched', e)})`, legend: 'fetched' },
              { expr: `sum(${rate('pg_stat_database_tup_inserted', e)})`, legend: 'inserted' },
              { expr: `sum(${rate('pg_stat_database_tup_updated', e)})`, legend: 'updated' },
              { expr: `sum(${rate('pg_stat_database_tup_deleted', e)})`, legend: 'deleted' },
            ],
          },
          {
            type: 'timeseries',
            title: 'Longest running transaction',
            description: 'Age of the oldest open transaction per database (pg_stat_statements is not needed): long ones hold locks and stop vacuum.',
            unit: 's',
            min: 0,
            queries: [{ expr: `max by (datname) (pg_stat_activity_max_tx_duration{${e}})`, legend: '{{datname}}' }],
          },
          {
            type: 'timeseries',
            title: 'Buffer cache hit ratio',
            description: 'Share of block reads served from shared buffers rather than disk.',
            unit: 'percentunit',
            max: 1,
            queries: [{ expr: `sum(${rate('pg_stat_database_blks_hit', e)}) / (sum(${rate('pg_stat_database_blks_hit', e)}) + sum(${rate('pg_stat_database_blks_read', e)}))`, legend: 'hit ratio' }],
          },
          { type: 'timeseries', title: 'Deadlocks per second', description: 'Transactions PostgreSQL aborted to break a deadlock.', unit: 'ops', min: 0, width: 24, queries: [{ expr: `sum(${rate('pg_stat_database_deadlocks', e)})`, legend: 'deadlocks' }] },
        ],
      },
      {
        title: 'Connections',
        panels: [
          {
            type: 'timeseries',
            title: 'Connections / max_connections',
            description: 'Open connections as a share of max_connections: at 100% new connections are refused.',
            unit: 'percentunit',
            min: 0,
            max: 1,
            queries: [{ expr: `sum(pg_stat_activity_count{${e}}) / max(pg_settings_max_connections{${e}})`, legend: 'used' }],
          },
          { type: 'timeseries', title: 'Connections by state', description: 'Open connections: active, idle, idle in transaction.', unit: 'short', min: 0, width: 6, queries: [{ expr: `sum by (state) (pg_stat_activity_count{${e}})`, legend: '{{state}}' }] },
          up('pg_up', e, store.label),
        ],
      },
      {
        title: 'Replication and size',
        panels: [
          { type: 'timeseries', title: 'Replication lag', description: 'How far a replica is behind its primary (0 on a primary).', unit: 's', min: 0, queries: [{ expr: `max(pg_replication_lag_seconds{${e}})`, legend: 'lag' }] },
          { type: 'timeseries', title: 'Database size', description: 'Size of each database on disk.', unit: 'bytes', min: 0, queries: [{ expr: `sum by (datname) (pg_database_size_bytes{${e}})`, legend: '{{datname}}' }] },
        ],
      },
    ],
    mysql: () => [
      {
        title: 'Queries',
        panels: [
          { type: 'timeseries', title: 'Queries per second', description: 'Statements the server ran, including those inside stored programs.', unit: 'ops', min: 0, queries: [{ expr: `sum(${rate('mysql_global_status_queries', e)})`, legend: 'queries' }] },
          {
            type: 'timeseries',
            title: 'Statements by type',
            description: 'SELECT, INSERT, UPDATE and DELETE statements per second.',
            unit: 'ops',
            min: 0,
            queries: [{ expr: `sum by (command) (rate(mysql_global_status_commands_total{${e}, command=~"select|insert|update|delete"}[$__rate_interval]))`, legend: '{{command}}' }],
          },
          { type: 'timeseries', title: 'Slow queries per second', description: 'Statements that took longer than long_query_time.', unit: 'ops', min: 0, queries: [{ expr: `sum(${rate('mysql_global_status_slow_queries', e)})`, legend: 'slow queries' }] },
          { type: 'timeseries', title: 'InnoDB rows per second', description: 'Rows read, inserted, updated and deleted by InnoDB.', unit: 'ops', min: 0, queries: [{ expr: `sum by (operation) (${rate('mysql_global_status_innodb_row_ops_total', e)})`, legend: '{{operation}}' }] },
        ],
      },
      {
        title: 'Connections',
        panels: [
          {
            type: 'timeseries',
            title: 'Connections / max_connections',
            description: 'Open connections as a share of max_connections: at 100% new connections are refused.',
            unit: 'percentunit',
            min: 0,
            max: 1,
            queries: [{ expr: `sum(mysql_global_status_threads_connected{${e}}) / max(mysql_global_variables_max_connections{${e}})`, legend: 'used' }],
          },
          {
            type: 'timeseries',
            title: 'Threads',
            description: 'Open connections, those running a statement, and failed connection attempts per second.',
            unit: 'short',
            min: 0,
            width: 6,
            queries: [
              { expr: `sum(mysql_global_status_threads_connected{${e}})`, legend: 'connected' },
              { expr: `sum(mysql_global_status_threads_running{${e}})`, legend: 'running' },
              { expr: `sum(${rate('mysql_global_status_aborted_connects', e)})`, legend: 'aborted connects/s' },
            ],
          },
          up('mysql_up', e, store.label),
        ],
      },
      {
        title: 'Replication',
        panels: [
          {
            type: 'timeseries',
            title: 'Replication lag',
            description: 'Seconds a replica is behind its source (no series on a source).',
            unit: 's',
            min: 0,
            width: 24,
            queries: [{ expr: `max(mysql_slave_status_seconds_behind_master{${e}}) or max(mysql_slave_status_seconds_behind_source{${e}})`, legend: 'lag' }],
          },
        ],
      },
    ],
    mongodb: () => [
      {
        title: 'Operations',
        panels: [
          { type: 'timeseries', title: 'Operations per second', description: 'Queries, inserts, updates, deletes, getMores and commands.', unit: 'ops', min: 0, queries: [{ expr: `sum by (legacy_op_type) (${rate('mongodb_ss_opcounters', e)})`, legend: '{{legacy_op_type}}' }] },
          {
            type: 'timeseries',
            title: 'Operation latency',
            description: 'Average time of reads, writes and commands (MongoDB reports microseconds).',
            unit: 's',
            min: 0,
            queries: [{ expr: `sum by (op_type) (${rate('mongodb_ss_opLatencies_latency', e)}) / sum by (op_type) (${rate('mongodb_ss_opLatencies_ops', e)}) / 1000000`, legend: '{{op_type}}' }],
          },
        ],
      },
      {
        title: 'Connections',
        panels: [
          {
            type: 'timeseries',
            title: 'Connections / limit',
            description: 'Open connections as a share of those the server accepts (current + available).',
            unit: 'percentunit',
            min: 0,
            max: 1,
            queries: [{ expr: `sum(mongodb_ss_connections{${e}, conn_type="current"}) / (sum(mongodb_ss_connections{${e}, conn_type="current"}) + sum(mongodb_ss_connections{${e}, conn_type="available"}))`, legend: 'used' }],
          },
          { type: 'timeseries', title: 'Connections', description: 'Open connections.', unit: 'short', min: 0, width: 6, queries: [{ expr: `sum(mongodb_ss_connections{${e}, conn_type="current"})`, legend: 'current' }] },
          up('mongodb_up', e, store.label),
        ],
      },
      {
        title: 'Replication',
        panels: [
          {
            type: 'timeseries',
            title: 'Replication lag',
            description: "How far each secondary's last applied operation is behind the primary's (replica sets only).",
            unit: 's',
            min: 0,
            width: 24,
            queries: [
              {
                expr: `(max(mongodb_rs_members_optimeDate{${e}, member_state="PRIMARY"}) - on () group_right () mongodb_rs_members_optimeDate{${e}, member_state="SECONDARY"}) / 1000`,
                legend: '{{member_idx}}',
              },
            ],
          },
        ],
      },
    ],
  };
  return rows[store.engine as Exclude<DatastoreEngine, 'redis'>]();
};

const databaseDashboard = (facts: MonitoringFacts, store: MonitoredDatastore): DashboardSpec =>
  dashboard(facts, 'database', store.label, `${store.label}: queries, connections against the server's limit, replication, from ${store.exporter.name}.`, databaseRows(facts, store), appServices(facts, true));

const cacheDashboard = (facts: MonitoringFacts, store: MonitoredDatastore): DashboardSpec => {
  const e = exporterSelector(facts, store);
  const hits = `sum(${rate('redis_keyspace_hits_total', e)})`;
  return dashboard(
    facts,
    'cache',
    store.label,
    `${store.label}: hit rate, memory against maxmemory, evictions and clients, from ${store.exporter.name}.`,
    [
      {
        title: 'Hits',
        panels: [
          {
            type: 'timeseries',
            title: 'Hit rate',
            description: 'Share of key lookups that found the key.',
            unit: 'percentunit',
            max: 1,
            queries: [{ expr: `${hits} / (${hits} + sum(${rate('redis_keyspace_misses_total', e)}))`, legend: 'hit rate' }],
          },
          { type: 'timeseries', title: 'Commands per second', description: 'Commands the server processed.', unit: 'ops', min: 0, queries: [{ expr: `sum(${rate('redis_commands_processed_total', e)})`, legend: 'commands' }] },
        ],
      },
      {
        title: 'Memory',
        panels: [
          {
            type: 'timeseries',
            title: 'Memory used / maxmemory',
            description: 'Memory used as a share of maxmemory, where the eviction policy starts (no series when maxmemory is unset).',
            unit: 'percentunit',
            min: 0,
            queries: [{ expr: `sum(redis_memory_used_bytes{${e}}) / sum(redis_memory_max_bytes{${e}} > 0)`, legend: 'used' }],
          },
          {
            type: 'timeseries',
            title: 'Evicted and expired keys',
            description: 'Keys evicted to stay under maxmemory, and keys that expired, per second.',
            unit: 'ops',
            min: 0,
            queries: [
              { expr: `sum(${rate('redis_evicted_keys_total', e)})`, legend: 'evicted' },
              { expr: `sum(${rate('redis_expired_keys_total', e)})`, legend: 'expired' },
            ],
          },
        ],
      },
      {
        title: 'Clients',
        panels: [
          {
            type: 'timeseries',
            title: 'Connected clients',
            description: 'Client connections, and maxclients: past it new connections are refused.',
            unit: 'short',
            min: 0,
            width: 18,
            queries: [
              { expr: `sum(redis_connected_clients{${e}})`, legend: 'connected' },
              { expr: `max(redis_config_maxclients{${e}})`, legend: 'maxclients' },
            ],
          },
          up('redis_up', e, store.label),
        ],
      },
    ],
    appServices(facts, true),
  );
};

const sloDashboard = (facts: MonitoringFacts): DashboardSpec => {
  const { app } = selectors(facts);
  const { errorBudget, latencySeconds } = facts.thresholds;
  // 0.999 rather than the 0.9990000000000001 that 99.9 / 100 gives.
  const objective = Number(facts.thresholds.objective.toPrecision(6));
  const over30d = (series: string, extra = '') => `sum by (job) (sum_over_time(${series}{${app}${extra}}[30d]))`;
  const errorRatio30d = `${over30d(recorded.errors)} / ${over30d(recorded.requests)}`;
  const objectiveColors = { baseColor: 'red' as const, thresholds: [{ value: objective, color: 'green' as const }] };
  // The SRE workbook's fast-burn factor: at 14.4 times the sustainable rate, 2% of a 30-day budget goes in an hour.
  const burnLines = [
    { value: 1, color: 'orange' as const },
    { value: 14.4, color: 'red' as const },
  ];
  const burn = (ratio: (window: string) => string) => sloWindows.map((window) => ({ expr: `${ratio(window)}{${app}} / ${errorBudget}`, legend: `{{job}} ${window}` }));
  const probed = facts.environments.some((environment) => environment.probes.length > 0);
  const rows: RowSpec[] = [
    {
      title: `Objective: ${percent(objective)} over 30 days`,
      panels: [
        {
          type: 'stat',
          title: 'Availability, 30 days',
          description: `Share of requests not answered with a 5xx over the last 30 days. Green at or above the objective (${percent(objective)}).`,
          unit: 'percentunit',
          decimals: 3,
          width: 8,
          ...objectiveColors,
          queries: [{ expr: `1 - (${errorRatio30d})`, legend: '{{job}}', instant: true }],
        },
        {
          type: 'stat',
          title: 'Error budget remaining, 30 days',
          description: `Share of the 30-day error budget (${percent(errorBudget)} of requests) not yet spent. Red once it is spent.`,
          unit: 'percentunit',
          decimals: 1,
          width: 8,
          baseColor: 'red',
          thresholds: [{ value: 0, color: 'green' }],
          queries: [{ expr: `1 - (${errorRatio30d}) / ${errorBudget}`, legend: '{{job}}', instant: true }],
        },
        {
          type: 'stat',
          title: `Requests under ${latencySeconds}s, 30 days`,
          description: `Latency SLI: share of requests answered in ${latencySeconds}s or less over the last 30 days. Green at or above the objective (${percent(objective)}).`,
          unit: 'percentunit',
          decimals: 3,
          width: 8,
          ...objectiveColors,
          queries: [{ expr: `${over30d(recorded.durationBuckets, `, ${leMatcher(latencySeconds)}`)} / ${over30d(recorded.durationBuckets, ', le="+Inf"')}`, legend: '{{job}}', instant: true }],
        },
      ],
    },
    {
      title: 'Burn rate',
      panels: [
        {
          type: 'timeseries',
          title: 'Error budget burn rate',
          description: `Share of requests answered with a 5xx over each alert window, divided by the budget (${percent(errorBudget)}): at 1 the budget lasts exactly 30 days; the red line is the fast-burn factor of the SLO alerts' shortest windows.`,
          unit: 'short',
          min: 0,
          thresholds: burnLines,
          queries: burn(recorded.errorRatio),
        },
        {
          type: 'timeseries',
          title: 'Latency budget burn rate',
          description: `Share of requests slower than ${latencySeconds}s over each alert window, divided by the same budget (${percent(errorBudget)}).`,
          unit: 'short',
          min: 0,
          thresholds: burnLines,
          queries: burn(recorded.slowRatio),
        },
      ],
    },
    {
      title: 'Service level indicators',
      panels: [
        { type: 'timeseries', title: 'Availability, 1h windows', description: 'Share of requests not answered with a 5xx over the hour before each point.', unit: 'percentunit', max: 1, ...objectiveColors, queries: [{ expr: `1 - ${recorded.errorRatio('1h')}{${app}}`, legend: '{{job}}' }] },
        { type: 'timeseries', title: `Requests under ${latencySeconds}s, 1h windows`, description: `Share of requests answered in ${latencySeconds}s or less over the hour before each point.`, unit: 'percentunit', max: 1, ...objectiveColors, queries: [{ expr: `1 - ${recorded.slowRatio('1h')}{${app}}`, legend: '{{job}}' }] },
      ],
    },
    ...(probed
      ? [
          {
            title: 'Public endpoints',
            panels: [
              {
                type: 'timeseries' as const,
                title: 'Probe success',
                description: 'The blackbox probes of the public health routes, from outside the cluster network path: 1 when the last probe succeeded.',
                unit: 'short' as const,
                min: 0,
                max: 1,
                width: 8,
                queries: [{ expr: 'min by (service, instance) (probe_success{job="blackbox"})', legend: '{{instance}}' }],
              },
              { type: 'timeseries' as const, title: 'Probe duration', description: 'Time the probe took: DNS, connect, TLS and the response.', unit: 's' as const, min: 0, width: 8, queries: [{ expr: 'max by (service, instance) (probe_duration_seconds{job="blackbox"})', legend: '{{instance}}' }] },
              {
                type: 'stat' as const,
                title: 'Certificate expires in',
                description: `Days until the earliest certificate of each endpoint expires. Orange under ${facts.thresholds.certificateWarningDays} days, red under ${facts.thresholds.certificateCriticalDays} (the alert thresholds).`,
                unit: 'd' as const,
                decimals: 0,
                width: 8,
                baseColor: 'red' as const,
                thresholds: [
                  { value: facts.thresholds.certificateCriticalDays, color: 'orange' as const },
                  { value: facts.thresholds.certificateWarningDays, color: 'green' as const },
                ],
                queries: [{ expr: 'min by (instance) (probe_ssl_earliest_cert_expiry{job="blackbox"} - time()) / 86400', legend: '{{instance}}', instant: true }],
              },
            ],
          },
        ]
      : []),
  ];
  return dashboard(facts, 'slo', 'SLO', `Availability and latency objectives (${percent(objective)} of requests over 30 days) and how fast each service spends its error budget.`, rows, appServices(facts), 'now-7d');
};

/** The dashboards of one run: services, resources and SLO always; database and cache when the stack has them. */
/** Each run's dashboards, built once: the files, the ConfigMaps' list and other stacks' references all read them. */
const built = new WeakMap<MonitoringFacts, DashboardSpec[]>();

export const dashboards = (facts: MonitoringFacts): DashboardSpec[] => {
  const known = built.get(facts);
  if (known) return known;
  const specs = buildDashboards(facts);
  built.set(facts, specs);
  return specs;
};

const buildDashboards = (facts: MonitoringFacts): DashboardSpec[] => {
  const database = facts.datastores.find((store) => store.role === 'database');
  const cache = facts.datastores.find((store) => store.role === 'cache');
  return [
    servicesDashboard(facts),
    resourcesDashboard(facts),
    ...(database ? [databaseDashboard(facts, database)] : []),
    ...(cache ? [cacheDashboard(facts, cache)] : []),
    sloDashboard(facts),
  ];
};
