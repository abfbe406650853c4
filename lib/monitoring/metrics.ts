/**
 * The metric contract: which series the application's HTTP servers, datastore exporters and the platform
 * expose, and the recording rules that bring the different naming schemes to one set of series. Alerts and
 * dashboards read the recorded series, so they hold whether a service uses OpenTelemetry's names or a
 * Prometheus client's classic ones.
 */
import type { MonitoringFacts } from './facts.js';

/** One naming scheme of HTTP server metrics: a request counter with a status label and a duration histogram. */
export interface HttpMetricScheme {
  /** Who emits these names, for the docs. */
  source: string;
  count: string;
  bucket: string;
  statusLabel: string;
}

/**
 * OpenTelemetry's HTTP server semantic conventions first (what the docs recommend), then the Prometheus
 * clients' and Micrometer's classic names.
 */
export const httpMetricSchemes: HttpMetricScheme[] = [
  { source: 'OpenTelemetry (http.server.request.duration)', count: 'http_server_request_duration_seconds_count', bucket: 'http_server_request_duration_seconds_bucket', statusLabel: 'http_response_status_code' },
  { source: 'Micrometer (Spring Boot Actuator)', count: 'http_server_requests_seconds_count', bucket: 'http_server_requests_seconds_bucket', statusLabel: 'status' },
  { source: 'Prometheus clients (prom-client, prometheus_client middlewares)', count: 'http_request_duration_seconds_count', bucket: 'http_request_duration_seconds_bucket', statusLabel: 'status_code' },
];

/** Recorded series, one per service (`namespace`, `job` labels): what alerts and dashboards query. */
export const recorded = {
  /** Requests per second over 5 minutes. */
  requests: 'job:http_requests:rate5m',
  /** Requests answered with a 5xx, per second over 5 minutes. */
  errors: 'job:http_request_errors:rate5m',
  /** Duration histogram buckets (`le` label kept), per second over 5 minutes. */
  durationBuckets: 'job:http_request_duration_seconds_bucket:rate5m',
  /** The 5xx share of requests over a window of the SLO alerts. */
  errorRatio: (window: string) => `job:slo_errors:ratio_rate${window}`,
  /** The share of requests slower than the latency threshold over a window of the SLO alerts. */
  slowRatio: (window: string) => `job:slo_slow_requests:ratio_rate${window}`,
} as const;

/** The windows of the multi-window, multi-burn-rate SLO alerts (the SRE workbook's). */
export const sloWindows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** The labels every per-service series keeps. */
export const serviceLabels = ['namespace', 'job'] as const;

/** `le` as both classic clients write it (`1`) and Prometheus 3 normalises it (`1.0`). */
export const leMatcher = (seconds: number): string => {
  const text = String(seconds);
  return Number.isInteger(seconds) ? `le=~"${text}|${text}\\\\.0"` : `le="${text}"`;
};

/** Label matchers that select the project's application metrics (the services that serve `/metrics`). */
export const appSelector = (facts: MonitoringFacts): string => {
  const jobs = facts.services.filter((service) => service.exposesMetrics).map((service) => service.job);
  return [`job=~"${jobs.join('|')}"`, ...(facts.platform === 'kubernetes' ? [namespaceMatcher(facts)] : [])].join(', ');
};

/** The project's namespaces on Kubernetes. */
export const namespaceMatcher = (facts: MonitoringFacts): string => `namespace=~"${facts.environments.map((environment) => environment.namespace).join('|')}"`;

/** The project's containers as cAdvisor labels them: by namespace on Kubernetes, by compose project otherwise. */
export const containerSelector = (facts: MonitoringFacts): string =>
  facts.platform === 'kubernetes'
    ? `${namespaceMatcher(facts)}, container!="", container!="POD"`
    : `container_label_com_docker_compose_project="${facts.composeProject}"`;

/** What identifies one container in cAdvisor's and kube-state-metrics' series. */
export const containerLabels = (facts: MonitoringFacts): string =>
  facts.platform === 'kubernetes' ? 'namespace, pod, container' : 'name, container_label_com_docker_compose_service';
