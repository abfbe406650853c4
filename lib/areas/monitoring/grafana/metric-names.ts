/**
 * Every series a dashboard reads that is not one of the recorded series of lib/monitoring/metrics.ts: what
 * the platform and the exporters expose with their default flags. One list, so that a query naming anything
 * else (a typo, a metric of another exporter version) fails the tests.
 */
export const platformMetrics = {
  /** cAdvisor: the kubelet's on Kubernetes, the cadvisor container on compose. */
  cadvisor: [
    'container_cpu_usage_seconds_total',
    'container_cpu_cfs_periods_total',
    'container_cpu_cfs_throttled_periods_total',
    'container_memory_working_set_bytes',
    'container_network_receive_bytes_total',
    'container_network_transmit_bytes_total',
    'container_network_receive_packets_dropped_total',
    'container_network_transmit_packets_dropped_total',
    'machine_cpu_cores',
    'machine_memory_bytes',
  ],
  /** kube-state-metrics (v2 names), Kubernetes only. */
  kubeStateMetrics: ['kube_pod_container_resource_limits', 'kube_pod_container_status_restarts_total'],
  'node-exporter': ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes'],
  /** blackbox_exporter's probes of the public health routes. */
  blackbox: ['probe_success', 'probe_duration_seconds', 'probe_ssl_earliest_cert_expiry'],
} as const;

/** Per datastore engine, what its exporter exposes by default (the MongoDB exporter with its diagnostic data and replica set collectors). */
export const exporterMetrics = {
  postgres: [
    'pg_up',
    'pg_stat_database_xact_commit',
    'pg_stat_database_xact_rollback',
    'pg_stat_database_tup_fetched',
    'pg_stat_database_tup_inserted',
    'pg_stat_database_tup_updated',
    'pg_stat_database_tup_deleted',
    'pg_stat_database_blks_hit',
    'pg_stat_database_blks_read',
    'pg_stat_database_deadlocks',
    'pg_stat_activity_count',
    'pg_stat_activity_max_tx_duration',
    'pg_settings_max_connections',
    'pg_replication_lag_seconds',
    'pg_database_size_bytes',
  ],
  mysql: [
    'mysql_up',
    'mysql_global_status_queries',
    'mysql_global_status_commands_total',
    'mysql_global_status_slow_queries',
    'mysql_global_status_innodb_row_ops_total',
    'mysql_global_status_threads_connected',
    'mysql_global_status_threads_running',
    'mysql_global_status_aborted_connects',
    'mysql_global_variables_max_connections',
    // SHOW SLAVE STATUS names the column Seconds_Behind_Master; SHOW REPLICA STATUS (MySQL 8.4) Seconds_Behind_Source.
    'mysql_slave_status_seconds_behind_master',
    'mysql_slave_status_seconds_behind_source',
  ],
  mongodb: [
    'mongodb_up',
    'mongodb_ss_opcounters',
    'mongodb_ss_opLatencies_latency',
    'mongodb_ss_opLatencies_ops',
    'mongodb_ss_connections',
    'mongodb_rs_members_optimeDate',
  ],
  redis: [
    'redis_up',
    'redis_keyspace_hits_total',
    'redis_keyspace_misses_total',
    'redis_commands_processed_total',
    'redis_memory_used_bytes',
    'redis_memory_max_bytes',
    'redis_evicted_keys_total',
    'redis_expired_keys_total',
    'redis_connected_clients',
    'redis_config_maxclients',
  ],
} as const;

/** Every name above, for the tests that hold each query to this list. */
export const knownMetricNames = (): string[] => [...Object.values(platformMetrics), ...Object.values(exporterMetrics)].flat();
