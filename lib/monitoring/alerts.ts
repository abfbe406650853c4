/**
 * The alerts, as data: one entry per alert rule (a name may have a warning and a critical rule, which
 * Alertmanager's inhibition pairs), with its expression, threshold, severity, the text on-call reads,
 * and the series that make it fire and keep it quiet (the generated promtool tests). Its runbook section is
 * templates/monitoring/runbooks/<name>.md.ejs. Adding an alert is one entry here and that one file.
 */
import type { MonitoringFacts, MonitoredService } from './facts.js';
import { appSelector, containerSelector, namespaceMatcher, recorded } from './metrics.js';

export type Severity = 'critical' | 'warning';

/** One input series of a promtool test, in its expanding notation (`0+10x30`). */
export interface TestSeries {
  series: string;
  values: string;
}

/**
 * A promtool case: the series, the moment it is evaluated, and the alerts of that name expected then (none: it
 * stays quiet). An alert of the same name and another severity (a critical burn rate's warning) that fires too
 * says so with its `severity` label.
 */
export interface AlertCase {
  series: TestSeries[];
  at: string;
  /** Labels of each expected alert beyond the rule's own (severity, team). */
  fires: Record<string, string>[];
}

export interface AlertDefinition {
  name: string;
  /** The rule group it belongs to. */
  group: 'service' | 'slo' | 'resources' | 'datastore' | 'endpoints';
  severity: Severity;
  for: string;
  /** Whether the project has what the alert watches. */
  appliesTo?: (facts: MonitoringFacts) => boolean;
  expr: (facts: MonitoringFacts) => string;
  /** Annotation templates may use `{{ $labels.<name> }}` only: promtool compares them exactly. */
  summary: string;
  description: (facts: MonitoringFacts) => string;
  fire: (facts: MonitoringFacts) => AlertCase;
  quiet: (facts: MonitoringFacts) => AlertCase;
}

const percent = (ratio: number): string => `${Number((ratio * 100).toPrecision(6))}%`;

/** The service and environment the test cases use: the first that serves metrics, in production. */
const sample = (facts: MonitoringFacts): { service: MonitoredService; labels: Record<string, string>; selector: string } => {
  const service = facts.services.find((candidate) => candidate.exposesMetrics) ?? facts.services[0];
  const labels: Record<string, string> = facts.platform === 'kubernetes' ? { namespace: facts.production.namespace, job: service.job } : { job: service.job };
  return { service, labels, selector: Object.entries(labels).map(([name, value]) => `${name}="${value}"`).join(', ') };
};

/** A container of the sample service, as cAdvisor and kube-state-metrics label it. */
const sampleContainer = (facts: MonitoringFacts): { selector: string; labels: Record<string, string>; seriesLabels: Record<string, string> } => {
  const { service } = sample(facts);
  const labels: Record<string, string> =
    facts.platform === 'kubernetes'
      ? { namespace: facts.production.namespace, pod: `${service.name}-7d4b9c6f5-x2x9q`, container: service.name }
      : { name: `${facts.composeProject}-${service.name}-1`, container_label_com_docker_compose_service: service.name };
  const cadvisorOnly: Record<string, string> = facts.platform === 'compose' ? { container_label_com_docker_compose_project: facts.composeProject } : {};
  const seriesLabels = { ...labels, ...cadvisorOnly };
  return { labels, seriesLabels, selector: labelText(seriesLabels) };
};

/**
 * Whether datastore exporters run: beside compose, next to each datastore; on Kubernetes, in each environment's
 * namespace, reaching the cloud's managed instances (monitoring/kubernetes/exporters).
 */
const hasExporters = (facts: MonitoringFacts) => facts.datastores.length > 0;

/** An exporter's series: by its job, and on Kubernetes only in this project's namespaces. */
const exporterSelector = (facts: MonitoringFacts, job: string): string =>
  facts.platform === 'kubernetes' ? `job="${job}", ${namespaceMatcher(facts)}` : `job="${job}"`;

const hasServices = (facts: MonitoringFacts) => facts.services.some((service) => service.exposesMetrics);

/**
 * Requests and 5xx answers of the sample service as OpenTelemetry names them: `total` requests per minute of
 * which `errors` fail.
 */
const trafficSeries = (facts: MonitoringFacts, total: number, errors: number, minutes = 30): TestSeries[] => {
  const { selector } = sample(facts);
  return [
    { series: `http_server_request_duration_seconds_count{${selector}, http_response_status_code="200"}`, values: `0+${total - errors}x${minutes}` },
    { series: `http_server_request_duration_seconds_count{${selector}, http_response_status_code="500"}`, values: `0+${errors}x${minutes}` },
  ];
};

/** Duration buckets of the sample service: `fast` of every `total` requests per minute finish within the threshold. */
const latencySeries = (facts: MonitoringFacts, total: number, fast: number, minutes = 30): TestSeries[] => {
  const { selector } = sample(facts);
  const threshold = facts.thresholds.latencySeconds;
  const bounds = [threshold / 10, threshold, threshold * 10];
  return [
    ...bounds.map((bound) => ({
      series: `http_server_request_duration_seconds_bucket{${selector}, le="${bound}"}`,
      values: `0+${bound < threshold ? Math.floor(fast / 2) : bound === threshold ? fast : total}x${minutes}`,
    })),
    { series: `http_server_request_duration_seconds_bucket{${selector}, le="+Inf"}`, values: `0+${total}x${minutes}` },
    { series: `http_server_request_duration_seconds_count{${selector}, http_response_status_code="200"}`, values: `0+${total}x${minutes}` },
  ];
};

/** Requests per minute that put `ratio` of them above the line (errors or slow), rounded so promtool's sums stay exact. */
const perThousand = (ratio: number): number => Math.min(999, Math.max(1, Math.round(ratio * 1000)));

/** The burn-rate alerts' conditions: both windows of a pair above the budget's multiple. */
const burnRate = (facts: MonitoringFacts, ratio: (window: string) => string, pairs: [string, string, number][]): string =>
  pairs
    .map(([long, short, factor]) => {
      const line = Number((factor * facts.thresholds.errorBudget).toPrecision(6));
      return `(\n  ${ratio(long)} > ${line}\n  and\n  ${ratio(short)} > ${line}\n)`;
    })
    .join('\nor\n');

const fastBurn: [string, string, number][] = [['1h', '5m', 14.4], ['6h', '30m', 6]];
const slowBurn: [string, string, number][] = [['1d', '2h', 3], ['3d', '6h', 1]];

const kubernetes = (facts: MonitoringFacts) => facts.platform === 'kubernetes';

export const alerts: AlertDefinition[] = [
  {
    name: 'HighErrorRate',
    group: 'service',
    severity: 'critical',
    for: '5m',
    appliesTo: hasServices,
    expr: (facts) => `${recorded.errors}\n/\n${recorded.requests} > ${facts.thresholds.errorRatio}`,
    summary: '{{ $labels.job }} answers more than the allowed share of requests with 5xx errors',
    description: (facts) => `More than ${percent(facts.thresholds.errorRatio)} of the requests to {{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }} failed with a 5xx status over the last 5 minutes.`,
    fire: (facts) => ({ series: trafficSeries(facts, 1000, perThousand(facts.thresholds.errorRatio * 4)), at: '20m', fires: [sample(facts).labels] }),
    quiet: (facts) => ({ series: trafficSeries(facts, 1000, Math.floor(perThousand(facts.thresholds.errorRatio) / 2)), at: '20m', fires: [] }),
  },
  {
    name: 'HighLatency',
    group: 'service',
    severity: 'warning',
    for: '10m',
    appliesTo: hasServices,
    expr: (facts) => `histogram_quantile(0.95, ${recorded.durationBuckets}) > ${facts.thresholds.latencySeconds}`,
    summary: '{{ $labels.job }} answers slowly',
    description: (facts) => `The 95th percentile of request durations of {{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }} has been above ${facts.thresholds.latencySeconds} s for 10 minutes.`,
    fire: (facts) => ({ series: latencySeries(facts, 100, 80), at: '25m', fires: [sample(facts).labels] }),
    quiet: (facts) => ({ series: latencySeries(facts, 100, 99), at: '25m', fires: [] }),
  },
  {
    name: 'ErrorBudgetBurn',
    group: 'slo',
    severity: 'critical',
    for: '2m',
    appliesTo: hasServices,
    expr: (facts) => burnRate(facts, recorded.errorRatio, fastBurn),
    summary: '{{ $labels.job }} is spending its availability error budget fast',
    description: (facts) => `{{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }} fails requests at 6 to 14.4 times the rate its ${percent(facts.thresholds.objective)} availability objective allows: at this pace the 30-day error budget is gone within days.`,
    fire: (facts) => ({ series: trafficSeries(facts, 1000, perThousand(facts.thresholds.errorBudget * 20), 90), at: '75m', fires: [sample(facts).labels, { ...sample(facts).labels, severity: 'warning' }] }),
    quiet: (facts) => ({ series: trafficSeries(facts, 1000, 0, 90), at: '75m', fires: [] }),
  },
  {
    name: 'ErrorBudgetBurn',
    group: 'slo',
    severity: 'warning',
    for: '15m',
    appliesTo: hasServices,
    expr: (facts) => burnRate(facts, recorded.errorRatio, slowBurn),
    summary: '{{ $labels.job }} is spending its availability error budget faster than it lasts',
    description: (facts) => `{{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }} fails requests at 1 to 3 times the rate its ${percent(facts.thresholds.objective)} availability objective allows, over hours: the 30-day error budget will not last the month.`,
    fire: (facts) => ({ series: trafficSeries(facts, 1000, perThousand(facts.thresholds.errorBudget * 4), 400), at: '6h30m', fires: [sample(facts).labels] }),
    quiet: (facts) => ({ series: trafficSeries(facts, 1000, 0, 400), at: '6h30m', fires: [] }),
  },
  {
    name: 'LatencyBudgetBurn',
    group: 'slo',
    severity: 'critical',
    for: '2m',
    appliesTo: hasServices,
    expr: (facts) => burnRate(facts, recorded.slowRatio, fastBurn),
    summary: '{{ $labels.job }} is spending its latency error budget fast',
    description: (facts) => `Requests to {{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }} take longer than ${facts.thresholds.latencySeconds} s at 6 to 14.4 times the rate its ${percent(facts.thresholds.objective)} latency objective allows.`,
    fire: (facts) => ({ series: latencySeries(facts, 1000, 1000 - perThousand(facts.thresholds.errorBudget * 20), 90), at: '75m', fires: [sample(facts).labels, { ...sample(facts).labels, severity: 'warning' }] }),
    quiet: (facts) => ({ series: latencySeries(facts, 1000, 1000, 90), at: '75m', fires: [] }),
  },
  {
    name: 'LatencyBudgetBurn',
    group: 'slo',
    severity: 'warning',
    for: '15m',
    appliesTo: hasServices,
    expr: (facts) => burnRate(facts, recorded.slowRatio, slowBurn),
    summary: '{{ $labels.job }} is spending its latency error budget faster than it lasts',
    description: (facts) => `Requests to {{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }} take longer than ${facts.thresholds.latencySeconds} s at 1 to 3 times the rate its ${percent(facts.thresholds.objective)} latency objective allows, over hours.`,
    fire: (facts) => ({ series: latencySeries(facts, 1000, 1000 - perThousand(facts.thresholds.errorBudget * 4), 400), at: '6h30m', fires: [sample(facts).labels] }),
    quiet: (facts) => ({ series: latencySeries(facts, 1000, 1000, 400), at: '6h30m', fires: [] }),
  },
  {
    name: 'ServiceDown',
    group: 'endpoints',
    severity: 'critical',
    for: '5m',
    appliesTo: hasServices,
    expr: (facts) => `sum by (namespace, job) (up{${appSelector(facts)}}) == 0`,
    summary: 'Prometheus reaches no instance of {{ $labels.job }}',
    description: () => 'Every scrape of {{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }} has failed for 5 minutes: the service is down, or its /metrics endpoint is.',
    fire: (facts) => ({ series: [{ series: `up{${sample(facts).selector}, instance="10.0.0.1:8080"}`, values: '1x5 0x15' }], at: '15m', fires: [sample(facts).labels] }),
    quiet: (facts) => ({
      series: [
        { series: `up{${sample(facts).selector}, instance="10.0.0.1:8080"}`, values: '1x5 0x15' },
        { series: `up{${sample(facts).selector}, instance="10.0.0.2:8080"}`, values: '1x20' },
      ],
      at: '15m',
      fires: [],
    }),
  },
  {
    name: 'TargetDown',
    group: 'endpoints',
    severity: 'warning',
    for: '10m',
    appliesTo: (facts) => hasServices(facts) || hasExporters(facts),
    expr: (facts) => {
      const exporters = hasExporters(facts) ? facts.datastores.map((store) => store.exporter.job) : [];
      const jobs = [...facts.services.filter((service) => service.exposesMetrics).map((service) => service.job), ...exporters];
      return `up{job=~"${jobs.join('|')}"${kubernetes(facts) ? `, ${namespaceMatcher(facts)}` : ''}} == 0`;
    },
    summary: 'Prometheus cannot scrape {{ $labels.instance }} of {{ $labels.job }}',
    description: () => 'Scrapes of {{ $labels.instance }} ({{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }}) have failed for 10 minutes.',
    fire: (facts) => ({ series: [{ series: `up{${sample(facts).selector}, instance="10.0.0.1:8080"}`, values: '1x5 0x20' }], at: '20m', fires: [{ ...sample(facts).labels, instance: '10.0.0.1:8080' }] }),
    quiet: (facts) => ({ series: [{ series: `up{${sample(facts).selector}, instance="10.0.0.1:8080"}`, values: '1x5 0x5 1x15' }], at: '20m', fires: [] }),
  },
  {
    name: 'EndpointDown',
    group: 'endpoints',
    severity: 'critical',
    for: '5m',
    appliesTo: (facts) => facts.environments.some((environment) => environment.probes.length > 0),
    expr: () => 'probe_success{job="blackbox"} == 0',
    summary: '{{ $labels.instance }} does not answer from outside',
    description: () => 'The blackbox probe of {{ $labels.instance }} ({{ $labels.service }}) has failed for 5 minutes: users cannot reach it, or its certificate or DNS is broken.',
    fire: (facts) => ({ series: [{ series: `probe_success{job="blackbox", instance="${facts.production.probes[0]?.url}", service="${facts.production.probes[0]?.service}"}`, values: '1x5 0x15' }], at: '15m', fires: [{ job: 'blackbox', instance: facts.production.probes[0]?.url ?? '', service: facts.production.probes[0]?.service ?? '' }] }),
    quiet: (facts) => ({ series: [{ series: `probe_success{job="blackbox", instance="${facts.production.probes[0]?.url}", service="${facts.production.probes[0]?.service}"}`, values: '1x5 0x2 1x13' }], at: '15m', fires: [] }),
  },
  {
    name: 'CertificateExpiry',
    group: 'endpoints',
    severity: 'warning',
    for: '1h',
    appliesTo: (facts) => facts.environments.some((environment) => environment.probes.length > 0),
    expr: (facts) => `probe_ssl_earliest_cert_expiry{job="blackbox"} - time() < ${facts.thresholds.certificateWarningDays} * 86400`,
    summary: 'The certificate of {{ $labels.instance }} expires soon',
    description: (facts) => `The TLS certificate served at {{ $labels.instance }} expires in less than ${facts.thresholds.certificateWarningDays} days, and cert-manager or the cloud's certificate service has not renewed it.`,
    fire: (facts) => certificateCase(facts, (facts.thresholds.certificateWarningDays + facts.thresholds.certificateCriticalDays) / 2, true),
    quiet: (facts) => certificateCase(facts, facts.thresholds.certificateWarningDays + 1, false),
  },
  {
    name: 'CertificateExpiry',
    group: 'endpoints',
    severity: 'critical',
    for: '10m',
    appliesTo: (facts) => facts.environments.some((environment) => environment.probes.length > 0),
    expr: (facts) => `probe_ssl_earliest_cert_expiry{job="blackbox"} - time() < ${facts.thresholds.certificateCriticalDays} * 86400`,
    summary: 'The certificate of {{ $labels.instance }} is about to expire',
    description: (facts) => `The TLS certificate served at {{ $labels.instance }} expires in less than ${facts.thresholds.certificateCriticalDays} days: browsers and clients will refuse the site when it does.`,
    fire: (facts) => certificateCase(facts, facts.thresholds.certificateCriticalDays - 0.5, true, true),
    // Between the two lines only the warning of the same name fires.
    quiet: (facts) => certificateCase(facts, (facts.thresholds.certificateWarningDays + facts.thresholds.certificateCriticalDays) / 2, false, true),
  },
  {
    name: 'HighCpuUsage',
    group: 'resources',
    severity: 'warning',
    for: '5m',
    expr: (facts) =>
      kubernetes(facts)
        ? `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${containerSelector(facts)}}[5m]))\n/\nsum by (namespace, pod, container) (kube_pod_container_resource_limits{${namespaceMatcher(facts)}, resource="cpu"})\n> ${facts.thresholds.cpuRatio}`
        : `sum by (name, container_label_com_docker_compose_service) (rate(container_cpu_usage_seconds_total{${containerSelector(facts)}}[5m]))\n/\n(\n  sum by (name, container_label_com_docker_compose_service) (container_spec_cpu_quota{${containerSelector(facts)}})\n  /\n  sum by (name, container_label_com_docker_compose_service) (container_spec_cpu_period{${containerSelector(facts)}})\n)\n> ${facts.thresholds.cpuRatio}`,
    summary: '{{ if $labels.container }}{{ $labels.container }}{{ else }}{{ $labels.container_label_com_docker_compose_service }}{{ end }} uses most of its CPU limit',
    description: (facts) => `A container ({{ if $labels.pod }}{{ $labels.namespace }}/{{ $labels.pod }}{{ else }}{{ $labels.name }}{{ end }}) has used more than ${percent(facts.thresholds.cpuRatio)} of its CPU limit for 5 minutes: it is being throttled and answers slowly.`,
    fire: (facts) => cpuCase(facts, 1),
    quiet: (facts) => cpuCase(facts, facts.thresholds.cpuRatio / 2),
  },
  {
    name: 'HighMemoryUsage',
    group: 'resources',
    severity: 'warning',
    for: '5m',
    expr: (facts) =>
      kubernetes(facts)
        ? `sum by (namespace, pod, container) (container_memory_working_set_bytes{${containerSelector(facts)}})\n/\nsum by (namespace, pod, container) (kube_pod_container_resource_limits{${namespaceMatcher(facts)}, resource="memory"})\n> ${facts.thresholds.memoryRatio}`
        : `sum by (name, container_label_com_docker_compose_service) (container_memory_working_set_bytes{${containerSelector(facts)}})\n/\nsum by (name, container_label_com_docker_compose_service) (container_spec_memory_limit_bytes{${containerSelector(facts)}} > 0)\n> ${facts.thresholds.memoryRatio}`,
    summary: '{{ if $labels.container }}{{ $labels.container }}{{ else }}{{ $labels.container_label_com_docker_compose_service }}{{ end }} is close to its memory limit',
    description: (facts) => `A container ({{ if $labels.pod }}{{ $labels.namespace }}/{{ $labels.pod }}{{ else }}{{ $labels.name }}{{ end }}) has used more than ${percent(facts.thresholds.memoryRatio)} of its memory limit for 5 minutes: the kernel kills it when it reaches the limit.`,
    fire: (facts) => memoryCase(facts, 1),
    quiet: (facts) => memoryCase(facts, facts.thresholds.memoryRatio / 2),
  },
  {
    name: 'DiskSpaceLow',
    group: 'resources',
    severity: 'warning',
    for: '15m',
    expr: (facts) =>
      [
        `node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs|ramfs|nsfs", mountpoint!~"/run.*|/boot.*"}\n/\nnode_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs|ramfs|nsfs", mountpoint!~"/run.*|/boot.*"}\n< ${facts.thresholds.diskFreeRatio}`,
        ...(kubernetes(facts) ? [`kubelet_volume_stats_available_bytes{${namespaceMatcher(facts)}}\n/\nkubelet_volume_stats_capacity_bytes{${namespaceMatcher(facts)}}\n< ${facts.thresholds.diskFreeRatio}`] : []),
      ].join('\nor\n'),
    summary: 'Less than the allowed share of disk space is free on {{ $labels.instance }}{{ if $labels.persistentvolumeclaim }} ({{ $labels.persistentvolumeclaim }}){{ end }}',
    description: (facts) => `A filesystem ({{ $labels.instance }}{{ if $labels.mountpoint }} {{ $labels.mountpoint }}{{ end }}{{ if $labels.persistentvolumeclaim }} volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }}{{ end }}) has had less than ${percent(facts.thresholds.diskFreeRatio)} of its space free for 15 minutes.`,
    fire: (facts) => diskCase(facts, facts.thresholds.diskFreeRatio / 2, true),
    quiet: (facts) => diskCase(facts, Math.min(0.99, facts.thresholds.diskFreeRatio * 2), false),
  },
  {
    name: 'ContainerRestarting',
    group: 'resources',
    severity: 'warning',
    for: '0m',
    expr: (facts) =>
      kubernetes(facts)
        ? `increase(kube_pod_container_status_restarts_total{${namespaceMatcher(facts)}}[15m]) > 2`
        : `changes(container_start_time_seconds{${containerSelector(facts)}}[15m]) > 2`,
    summary: '{{ if $labels.container }}{{ $labels.container }}{{ else }}{{ $labels.container_label_com_docker_compose_service }}{{ end }} keeps restarting',
    description: () => 'A container ({{ if $labels.pod }}{{ $labels.namespace }}/{{ $labels.pod }}{{ else }}{{ $labels.name }}{{ end }}) restarted more than twice in 15 minutes.',
    fire: (facts) => restartCase(facts, 4, true),
    quiet: (facts) => restartCase(facts, 1, false),
  },
  {
    name: 'ContainerCrashLooping',
    group: 'resources',
    severity: 'critical',
    for: '10m',
    expr: (facts) =>
      kubernetes(facts)
        ? `max_over_time(kube_pod_container_status_waiting_reason{${namespaceMatcher(facts)}, reason="CrashLoopBackOff"}[5m]) >= 1`
        : `changes(container_start_time_seconds{${containerSelector(facts)}}[15m]) >= 5`,
    summary: '{{ if $labels.container }}{{ $labels.container }}{{ else }}{{ $labels.container_label_com_docker_compose_service }}{{ end }} is crash-looping',
    description: () => 'A container ({{ if $labels.pod }}{{ $labels.namespace }}/{{ $labels.pod }}{{ else }}{{ $labels.name }}{{ end }}) exits as soon as it starts and has been restarted again and again for 10 minutes.',
    fire: (facts) => crashLoopCase(facts, true),
    quiet: (facts) => crashLoopCase(facts, false),
  },
  {
    name: 'DatastoreDown',
    group: 'datastore',
    severity: 'critical',
    for: '5m',
    appliesTo: hasExporters,
    expr: (facts) => facts.datastores.map((store) => `${upMetric[store.engine]}{${exporterSelector(facts, store.exporter.job)}} == 0`).join('\nor\n'),
    summary: 'The {{ $labels.job }} exporter cannot reach its datastore',
    description: () => 'The exporter {{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }} has reported the datastore unreachable for 5 minutes: the services that use it fail.',
    fire: (facts) => datastoreUpCase(facts, true),
    quiet: (facts) => datastoreUpCase(facts, false),
  },
  {
    name: 'DatastoreConnectionsNearLimit',
    group: 'datastore',
    severity: 'warning',
    for: '10m',
    appliesTo: hasExporters,
    expr: (facts) => facts.datastores.map((store) => connectionsRatio[store.engine](exporterSelector(facts, store.exporter.job))).join('\nor\n'),
    summary: '{{ $labels.job }} reports connections close to the datastore\'s limit',
    description: () => 'More than 90% of the connections the datastore allows have been in use for 10 minutes ({{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }}): new connections will soon be refused.',
    fire: (facts) => connectionsCase(facts, 95, true),
    quiet: (facts) => connectionsCase(facts, 50, false),
  },
  {
    name: 'ConnectionPoolExhausted',
    group: 'datastore',
    severity: 'critical',
    for: '5m',
    // The datastores too: a caller that leaves them out (Azure's rule groups) leaves this alert out with them.
    appliesTo: (facts) => facts.datastores.some((store) => store.role === 'database') && poolWatched(facts).length > 0,
    expr: (facts) =>
      poolPending.map((metric) => `sum by (namespace, job) (${metric}{${appSelector(facts)}}) > 0`).join('\nor\n'),
    summary: '{{ $labels.job }} waits for database connections',
    description: () => 'Requests of {{ $labels.job }}{{ if $labels.namespace }} in {{ $labels.namespace }}{{ end }} have been queueing for a connection from its pool for 5 minutes: every connection is busy, and requests slow down or time out.',
    fire: (facts) => ({ series: [{ series: `db_client_connection_pending_requests{${sample(facts).selector}, pool_name="main"}`, values: '0x5 3x15' }], at: '15m', fires: [sample(facts).labels] }),
    quiet: (facts) => ({ series: [{ series: `db_client_connection_pending_requests{${sample(facts).selector}, pool_name="main"}`, values: '0x5 3x2 0x13' }], at: '15m', fires: [] }),
  },
];

/** The services whose pool can run dry: they serve metrics and connect to the database. */
export const poolWatched = (facts: MonitoringFacts) => facts.services.filter((service) => service.exposesMetrics && service.usesDatabase);

/** Requests waiting for a pooled connection: OpenTelemetry's current and earlier names, and HikariCP's. */
const poolPending = ['db_client_connection_pending_requests', 'db_client_connections_pending_requests', 'hikaricp_connections_pending'];

const upMetric: Record<MonitoringFacts['datastores'][number]['engine'], string> = { postgres: 'pg_up', mysql: 'mysql_up', mongodb: 'mongodb_up', redis: 'redis_up' };

const connectionsRatio: Record<MonitoringFacts['datastores'][number]['engine'], (selector: string) => string> = {
  postgres: (selector) => `sum by (namespace, job) (pg_stat_activity_count{${selector}})\n/\nmax by (namespace, job) (pg_settings_max_connections{${selector}}) > 0.9`,
  mysql: (selector) => `max by (namespace, job) (mysql_global_status_threads_connected{${selector}})\n/\nmax by (namespace, job) (mysql_global_variables_max_connections{${selector}}) > 0.9`,
  mongodb: (selector) => `sum by (namespace, job) (mongodb_ss_connections{${selector}, conn_type="current"})\n/\nsum by (namespace, job) (mongodb_ss_connections{${selector}, conn_type=~"current|available"}) > 0.9`,
  redis: (selector) => `max by (namespace, job) (redis_connected_clients{${selector}})\n/\nmax by (namespace, job) (redis_config_maxclients{${selector}}) > 0.9`,
};

/** The first datastore's exporter series, in production. */
const datastoreLabels = (facts: MonitoringFacts): Record<string, string> => {
  const store = facts.datastores[0];
  return kubernetes(facts) ? { namespace: facts.production.namespace, job: store.exporter.job } : { job: store.exporter.job };
};

const labelText = (labels: Record<string, string>): string => Object.entries(labels).map(([name, value]) => `${name}="${value}"`).join(', ');

const datastoreUpCase = (facts: MonitoringFacts, down: boolean): AlertCase => {
  const labels = datastoreLabels(facts);
  return {
    series: [{ series: `${upMetric[facts.datastores[0].engine]}{${labelText(labels)}}`, values: down ? '1x5 0x15' : '1x5 0x2 1x13' }],
    at: '15m',
    fires: down ? [labels] : [],
  };
};

/** Connections in use out of a limit of 100, as the first datastore's exporter reports them. */
const connectionsCase = (facts: MonitoringFacts, used: number, fires: boolean): AlertCase => {
  const labels = datastoreLabels(facts);
  const selector = labelText(labels);
  const series: Record<MonitoringFacts['datastores'][number]['engine'], TestSeries[]> = {
    postgres: [
      { series: `pg_stat_activity_count{${selector}, datname="app", state="active"}`, values: `${used}x20` },
      { series: `pg_settings_max_connections{${selector}}`, values: '100x20' },
    ],
    mysql: [
      { series: `mysql_global_status_threads_connected{${selector}}`, values: `${used}x20` },
      { series: `mysql_global_variables_max_connections{${selector}}`, values: '100x20' },
    ],
    mongodb: [
      { series: `mongodb_ss_connections{${selector}, conn_type="current"}`, values: `${used}x20` },
      { series: `mongodb_ss_connections{${selector}, conn_type="available"}`, values: `${100 - used}x20` },
    ],
    redis: [
      { series: `redis_connected_clients{${selector}}`, values: `${used}x20` },
      { series: `redis_config_maxclients{${selector}}`, values: '100x20' },
    ],
  };
  return { series: series[facts.datastores[0].engine], at: '15m', fires: fires ? [labels] : [] };
};

/** A probe whose certificate expires `days` after the test's start (promtool's time() starts at 0). */
const certificateCase = (facts: MonitoringFacts, days: number, fires: boolean, alsoWarning = false): AlertCase => {
  const probe = facts.production.probes[0] ?? { service: 'web', url: 'https://example.invalid/' };
  const labels = { job: 'blackbox', instance: probe.url, service: probe.service };
  return {
    series: [{ series: `probe_ssl_earliest_cert_expiry{${labelText(labels)}}`, values: `${Math.round(days * 86400)}x90` }],
    at: '80m',
    fires: [...(fires ? [labels] : []), ...(alsoWarning ? [{ ...labels, severity: 'warning' }] : [])],
  };
};

/** CPU seconds per second out of a limit of one core. */
const cpuCase = (facts: MonitoringFacts, cores: number): AlertCase => {
  const { labels, selector } = sampleContainer(facts);
  const perMinute = Math.round(cores * 60);
  const limit: TestSeries[] = kubernetes(facts)
    ? [{ series: `kube_pod_container_resource_limits{${labelText(labels)}, resource="cpu", unit="core"}`, values: '1x20' }]
    : [
        { series: `container_spec_cpu_quota{${selector}}`, values: '100000x20' },
        { series: `container_spec_cpu_period{${selector}}`, values: '100000x20' },
      ];
  return {
    series: [{ series: `container_cpu_usage_seconds_total{${selector}}`, values: `0+${perMinute}x20` }, ...limit],
    at: '15m',
    fires: cores > facts.thresholds.cpuRatio ? [labels] : [],
  };
};

/** Memory in use as a share of a 1000 MB limit. */
const memoryCase = (facts: MonitoringFacts, share: number): AlertCase => {
  const { labels, selector } = sampleContainer(facts);
  const used = Math.round(share * 1000) * 1_000_000;
  const limit: TestSeries = kubernetes(facts)
    ? { series: `kube_pod_container_resource_limits{${labelText(labels)}, resource="memory", unit="byte"}`, values: '1000000000x20' }
    : { series: `container_spec_memory_limit_bytes{${selector}}`, values: '1000000000x20' };
  return {
    series: [{ series: `container_memory_working_set_bytes{${selector}}`, values: `${used}x20` }, limit],
    at: '15m',
    fires: share > facts.thresholds.memoryRatio ? [labels] : [],
  };
};

/** A node's root filesystem of 1000 GB with a share of it free. */
const diskCase = (facts: MonitoringFacts, freeShare: number, fires: boolean): AlertCase => {
  const labels = { instance: 'node-1:9100', job: 'node-exporter', device: '/dev/sda1', fstype: 'ext4', mountpoint: '/' };
  return {
    series: [
      { series: `node_filesystem_avail_bytes{${labelText(labels)}}`, values: `${Math.round(freeShare * 1000)}000000000x30` },
      { series: `node_filesystem_size_bytes{${labelText(labels)}}`, values: '1000000000000x30' },
    ],
    at: '25m',
    fires: fires ? [labels] : [],
  };
};

const restartCase = (facts: MonitoringFacts, restarts: number, fires: boolean): AlertCase => {
  const { seriesLabels, selector } = sampleContainer(facts);
  const counts = Array.from({ length: restarts }, (_, index) => index + 1);
  const series: TestSeries = kubernetes(facts)
    ? { series: `kube_pod_container_status_restarts_total{${selector}}`, values: `0x5 ${counts.join(' ')} ${restarts}x10` }
    : { series: `container_start_time_seconds{${selector}}`, values: `0x5 ${counts.map((count) => count * 60).join(' ')} ${restarts * 60}x10` };
  return { series: [series], at: '12m', fires: fires ? [seriesLabels] : [] };
};

const crashLoopCase = (facts: MonitoringFacts, fires: boolean): AlertCase => {
  const { labels, seriesLabels, selector } = sampleContainer(facts);
  if (kubernetes(facts)) {
    return {
      series: [{ series: `kube_pod_container_status_waiting_reason{${labelText(labels)}, reason="CrashLoopBackOff"}`, values: fires ? '0x2 1x25' : '0x2 1x3 0x22' }],
      at: '25m',
      fires: fires ? [{ ...labels, reason: 'CrashLoopBackOff' }] : [],
    };
  }
  // A new start every two minutes: seven starts in any 15-minute window, from the start to the evaluation.
  const starts = Array.from({ length: 27 }, (_, index) => String(Math.floor(index / 2) * 120)).join(' ');
  return {
    series: [{ series: `container_start_time_seconds{${selector}}`, values: fires ? `0x2 ${starts}` : '0x2 60x25' }],
    at: '25m',
    fires: fires ? [seriesLabels] : [],
  };
};

/** The alerts that apply to a project, in catalog order. */
export const alertsFor = (facts: MonitoringFacts): AlertDefinition[] => alerts.filter((alert) => alert.appliesTo?.(facts) ?? true);

/** The alerts read from the datastore exporters the Prometheus stack runs. */
export const exporterAlertNames: ReadonlySet<string> = new Set(['DatastoreDown', 'DatastoreConnectionsNearLimit']);

/**
 * The alerts a vendor's agent stack (Datadog, New Relic) writes: all that apply, except on Kubernetes the
 * exporters' ones. There the datastores are the cloud's managed instances, which the vendor watches through its
 * integration with the cloud, set up in the vendor's console; no exporter runs for it.
 */
export const agentAlertsFor = (facts: MonitoringFacts): AlertDefinition[] =>
  alertsFor(facts).filter((alert) => facts.platform === 'compose' || !exporterAlertNames.has(alert.name));
