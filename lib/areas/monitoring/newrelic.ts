/**
 * monitoring: newrelic. What sends the data, per platform, and a Terraform root, monitoring/newrelic/, that
 * writes the alerts of lib/monitoring/alerts.ts as NRQL alert conditions (same names, same severities, same
 * runbook sections), a service level per traced service with burn-rate conditions, synthetic checks of the
 * public endpoints and their certificates, log conditions, log partitions and a dashboard per service.
 *
 * Where the data comes from (one data source for both platforms, so one set of NRQL):
 * - the services' HTTP metrics: an OpenTelemetry Collector scrapes the /metrics endpoint of the metric contract
 *   (the one the Prometheus stack scrapes), renames the three naming schemes to OpenTelemetry's
 *   `http.server.request.duration` with `http.response.status_code`, and sends OTLP to New Relic. Its
 *   Prometheus receiver names each scrape job's data `service.name` and reports `up` per target;
 * - containers, hosts and volumes: New Relic's infrastructure agent (K8sContainerSample, K8sVolumeSample on
 *   Kubernetes from the nri-bundle chart; ContainerSample beside compose), StorageSample for filesystems;
 * - the datastores (compose only, as for Prometheus: on Kubernetes they are the cloud's managed services): the
 *   exporters of the Prometheus stack, scraped by the same Collector;
 * - logs: the nri-bundle's Fluent Bit on Kubernetes, Docker's fluentd driver into the Collector beside compose;
 * - the public endpoints and certificates: New Relic's synthetic monitors (SyntheticCheck).
 */
import { agentAlertsFor, poolWatched, type AlertDefinition, type Severity } from '../../monitoring/alerts.js';
import type { MonitoredDatastore, MonitoredService, MonitoringFacts } from '../../monitoring/facts.js';
import { monitoringNamespace } from '../../kubernetes/workloads.js';
import type { StackModel } from '../../model/types.js';
import { managedFile } from '../../plan/managed-file.js';
import type { PlannedFile } from '../../plan/types.js';
import { helmChart, imageRef, terraformPins } from '../../versions/index.js';
import { byPath } from '../../order.js';
import { composeData } from './compose.js';
import { logAlerts } from './logging.js';
import { runbookAnchor } from './rules.js';
import { monitoringLayout, percent, type MonitoringStack } from './stack.js';

const file = managedFile('monitoring');

export const newrelicLayout = {
  bundleValues: 'monitoring/kubernetes/values/nri-bundle.yaml',
  collectorValues: 'monitoring/kubernetes/values/otel-collector.yaml',
  compose: 'compose.monitoring.yaml',
  collectorConfig: 'monitoring/newrelic/collector/config.yaml',
  secrets: 'scripts/monitoring-secrets.sh',
  terraform: 'monitoring/newrelic',
} as const;

/** The Secret (Kubernetes) or secret file (compose) holding the ingest license key. */
export const licenseSecret = { name: 'newrelic-license', key: 'license-key', file: 'newrelic-license-key.txt', infraConfig: 'newrelic-infra.yml' } as const;

/** Seconds between scrapes: one data point per series in each one-minute aggregation window. */
const scrapeInterval = 60;
/** Docker's fluentd logging driver talks to the Collector's fluent forward receiver on this port (loopback). */
const fluentForwardPort = 24224;

/** OpenTelemetry's name for the HTTP server duration histogram, which the Collector gives every scheme. */
export const httpMetric = 'http.server.request.duration';
export const statusAttribute = 'http.response.status_code';
/** Requests waiting for a pooled connection, whatever the library called it. */
export const poolMetric = 'db.client.connection.pending_requests';

/**
 * What the Collector's metricstransform processor renames (regular expressions over the scraped names; the
 * `_seconds` suffix is optional because the Prometheus receiver may already have trimmed the unit).
 */
const renames = [
  { include: '^http_server_request_duration(_seconds)?$', newName: httpMetric, statusLabel: 'http_response_status_code', source: 'OpenTelemetry SDKs' },
  { include: '^http_server_requests(_seconds)?$', newName: httpMetric, statusLabel: 'status', source: 'Micrometer (Spring Boot)' },
  { include: '^http_request_duration(_seconds)?$', newName: httpMetric, statusLabel: 'status_code', source: 'Prometheus clients' },
  { include: '^(db_client_connection_pending_requests|db_client_connections_pending_requests|hikaricp_connections_pending)$', newName: poolMetric, source: 'OpenTelemetry, HikariCP' },
];

/** Services that answer HTTP requests phase4 builds: the ones the service and SLO alerts watch. */
const tracedServices = (facts: MonitoringFacts) => facts.services.filter((service) => service.exposesMetrics);

const hasExporters = (facts: MonitoringFacts) => facts.platform === 'compose' && facts.datastores.length > 0;

const snake = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();

/** `'a', 'b'` for an NRQL `IN (...)`. */
const nrqlList = (values: string[]) => values.map((value) => `'${value.replace(/'/g, "\\'")}'`).join(', ');

const minutes = (duration: string): number => {
  const match = /^(\d+)([mhd])$/.exec(duration);
  if (!match) return 0;
  return Number(match[1]) * { m: 1, h: 60, d: 1440 }[match[2] as 'm' | 'h' | 'd'];
};

export interface NewRelicCondition {
  /** The Terraform resource name. */
  resource: string;
  name: string;
  /** The catalog alert it stands for (or a log alert of the logging area). */
  alert: string;
  severity: Severity;
  description: string;
  runbookUrl: string;
  /** The NRQL; `@SLI_GUID@` stands for the service level's `sli_guid` reference. */
  query: string;
  /** The service level whose sli_guid the query reads (burn-rate conditions). */
  serviceLevel?: string;
  operator: 'above' | 'above_or_equals' | 'below' | 'below_or_equals';
  threshold: number;
  /** Seconds the query must breach (the rule's `for`, at least one window). */
  thresholdDuration: number;
  occurrences: 'all' | 'at_least_once';
  aggregationWindow: number;
  slideBy?: number;
  /** Seconds without data after which the signal is lost and a violation opens (a service or datastore gone). */
  lossOfSignal?: number;
}

/** What the NRQL conditions look at, in the runbook: a subject per alert where the description needs one. */
const describe = (facts: MonitoringFacts, alert: Pick<AlertDefinition, 'name' | 'severity'>, subject: string): string => {
  const t = facts.thresholds;
  const texts: Record<string, string> = {
    HighErrorRate: `More than ${percent(t.errorRatio)} of the requests to ${subject} answered 5xx, in every minute for 5 minutes.`,
    HighLatency: `The 95th percentile of the request durations of ${subject} has been above ${t.latencySeconds} s for 10 minutes.`,
    ErrorBudgetBurn:
      alert.severity === 'critical'
        ? `${subject} fails requests in production at 6 to 14.4 times the rate its ${percent(t.objective)} availability service level allows: at this pace the error budget is gone within days.`
        : `${subject} fails requests in production at 3 times the rate its ${percent(t.objective)} availability service level allows, over 6 hours: the budget will not last the period.`,
    LatencyBudgetBurn:
      alert.severity === 'critical'
        ? `Requests to ${subject} in production take longer than ${t.latencySeconds} s at 6 to 14.4 times the rate its ${percent(t.objective)} latency service level allows.`
        : `Requests to ${subject} in production take longer than ${t.latencySeconds} s at 3 times the rate its ${percent(t.objective)} latency service level allows, over 6 hours.`,
    ServiceDown: `The Collector has reached no instance of ${subject} for 5 minutes (or has stopped hearing of it): the service is down, or its metrics endpoint is.`,
    TargetDown: `The Collector has failed to scrape ${subject} for 10 minutes: its metrics are missing and the conditions that read them stay quiet.`,
    EndpointDown: `More than half of the synthetic checks of ${subject} have failed in every minute for 5 minutes: users cannot reach it, or its certificate or DNS is broken.`,
    CertificateExpiry:
      alert.severity === 'critical'
        ? `The TLS certificate served at ${subject} expires in less than ${t.certificateCriticalDays} days: browsers and clients will refuse the site when it does.`
        : `The TLS certificate served at ${subject} expires in less than ${t.certificateWarningDays} days, and cert-manager or the cloud's certificate service has not renewed it.`,
    HighCpuUsage: `${subject} has used more than ${percent(t.cpuRatio)} of its CPU limit for 5 minutes: it is being throttled and answers slowly.`,
    HighMemoryUsage: `${subject} has used more than ${percent(t.memoryRatio)} of its memory limit for 5 minutes: the kernel kills it when it reaches the limit.`,
    DiskSpaceLow: `A filesystem of ${subject} has had less than ${percent(t.diskFreeRatio)} of its space free for 15 minutes.`,
    ContainerRestarting: `${subject} restarted more than twice in 15 minutes.`,
    ContainerCrashLooping:
      facts.platform === 'kubernetes' ? `${subject} has been in CrashLoopBackOff for 10 minutes: it exits as soon as it starts.` : `${subject} restarted 5 times or more in 15 minutes: it exits as soon as it starts.`,
    DatastoreDown: `The exporter of ${subject} has reported it unreachable (or stopped reporting) for 5 minutes: the services that use it fail.`,
    DatastoreConnectionsNearLimit: `More than 90% of the connections ${subject} allows have been in use for 10 minutes: new connections will soon be refused.`,
    ConnectionPoolExhausted: `Requests of ${subject} have been waiting for a connection from its pool for 5 minutes: every connection is busy, and requests slow down or time out.`,
    LogErrorsHigh: `${subject} has logged more than ${10} error lines a minute for 10 minutes.`,
    LogCrashDetected: `${subject} logged a panic, an uncaught exception, a traceback or a fatal error.`,
  };
  const text = texts[alert.name];
  if (!text) throw new Error(`no New Relic description for the alert ${alert.name}`);
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** What the runbook's table calls the subject of each alert (the conditions name it precisely). */
const runbookSubjects: Record<string, string> = {
  TargetDown: 'a scrape target',
  EndpointDown: 'an endpoint',
  CertificateExpiry: 'an endpoint',
  HighCpuUsage: 'a container',
  HighMemoryUsage: 'a container',
  ContainerRestarting: 'a container',
  ContainerCrashLooping: 'a container',
  DiskSpaceLow: 'a host or volume',
  DatastoreDown: 'a datastore',
  DatastoreConnectionsNearLimit: 'a datastore',
};

interface ConditionInput {
  key: string;
  subject: string;
  query: string;
  operator: NewRelicCondition['operator'];
  threshold: number;
  /** Defaults: one-minute windows, every one of them breaching for the rule's `for`. */
  window?: number;
  duration?: number;
  occurrences?: NewRelicCondition['occurrences'];
  slideBy?: number;
  lossOfSignal?: number;
  serviceLevel?: string;
}

const conditionFrom = (facts: MonitoringFacts, alert: Pick<AlertDefinition, 'name' | 'severity' | 'for'>, input: ConditionInput): NewRelicCondition => {
  const window = input.window ?? 60;
  return {
    resource: snake(`${alert.name}_${alert.severity}_${input.key}`),
    name: `${alert.name} (${alert.severity}): ${input.subject}`,
    alert: alert.name,
    severity: alert.severity,
    description: describe(facts, alert, input.subject),
    runbookUrl: `${facts.runbook.url}#${runbookAnchor(alert)}`,
    query: input.query,
    ...(input.serviceLevel ? { serviceLevel: input.serviceLevel } : {}),
    operator: input.operator,
    threshold: input.threshold,
    thresholdDuration: input.duration ?? Math.max(window, minutes(alert.for) * 60),
    occurrences: input.occurrences ?? 'all',
    aggregationWindow: window,
    ...(input.slideBy ? { slideBy: input.slideBy } : {}),
    ...(input.lossOfSignal ? { lossOfSignal: input.lossOfSignal } : {}),
  };
};

/** The `environment` attribute: the Collector's relabelling (Kubernetes) or its resource processor (compose). */
const httpScope = (service: MonitoredService) => `metricName = '${httpMetric}' AND service.name = '${service.name}'`;

export interface NewRelicServiceLevel {
  resource: string;
  service: string;
  kind: 'availability' | 'latency';
  name: string;
  description: string;
  /** NRQL WHERE clauses of the valid and good events (Metric, distribution `http.server.request.duration`). */
  validWhere: string;
  goodWhere: string;
  /** GET_CDF_COUNT's bound for the latency service level: requests within it are good. */
  latencyBound?: number;
  target: number;
}

/** The rolling window New Relic's service levels take (1, 7 or 28 days): the closest to the rules' 30 days. */
export const sloPeriodDays = 28;

export const newrelicServiceLevels = (facts: MonitoringFacts): NewRelicServiceLevel[] =>
  tracedServices(facts).flatMap((service) => {
    const valid = `${httpScope(service)} AND environment = '${facts.production.name}'`;
    const target = Number((facts.thresholds.objective * 100).toPrecision(6));
    return [
      {
        resource: snake(`${service.name}_availability`),
        service: service.name,
        kind: 'availability' as const,
        name: `${facts.project} ${service.name} availability`,
        description: `Share of ${service.name}'s requests in ${facts.production.name} that do not answer 5xx.`,
        validWhere: valid,
        goodWhere: `${valid} AND ${statusAttribute} NOT LIKE '5%'`,
        target,
      },
      {
        resource: snake(`${service.name}_latency`),
        service: service.name,
        kind: 'latency' as const,
        name: `${facts.project} ${service.name} latency`,
        description: `Share of ${service.name}'s requests in ${facts.production.name} answered within ${facts.thresholds.latencySeconds} s.`,
        validWhere: valid,
        goodWhere: valid,
        latencyBound: facts.thresholds.latencySeconds,
        target,
      },
    ];
  });

/**
 * The burn-rate conditions of each service level: the rules' pairs as far as New Relic allows. A condition has
 * one window (at most 6 hours) sliding every few minutes, so each pair keeps its long window and factor; the
 * warning's 1d and 3d windows become a 3x burn over 6 hours.
 */
export const burnWindows: Record<Severity, { window: number; factor: number; slideBy: number }[]> = {
  critical: [
    { window: 3600, factor: 14.4, slideBy: 300 },
    { window: 21600, factor: 6, slideBy: 900 },
  ],
  warning: [{ window: 21600, factor: 3, slideBy: 900 }],
};

const burnQuery = "FROM Metric SELECT 100 - 100 * sum(newrelic.sli.good) / sum(newrelic.sli.valid) WHERE sli.guid = '@SLI_GUID@'";

const serviceConditions = (facts: MonitoringFacts, alert: AlertDefinition): NewRelicCondition[] =>
  (alert.name === 'ConnectionPoolExhausted' ? poolWatched(facts) : tracedServices(facts)).flatMap((service): NewRelicCondition[] => {
    const common = { key: service.name, subject: service.name };
    const scope = httpScope(service);
    switch (alert.name) {
      case 'HighErrorRate':
        return [
          conditionFrom(facts, alert, {
            ...common,
            query: `FROM Metric SELECT filter(count(${httpMetric}), WHERE ${statusAttribute} LIKE '5%') / count(${httpMetric}) WHERE ${scope} FACET environment`,
            operator: 'above',
            threshold: facts.thresholds.errorRatio,
          }),
        ];
      case 'HighLatency':
        return [
          conditionFrom(facts, alert, {
            ...common,
            query: `FROM Metric SELECT percentile(${httpMetric}, 95) WHERE ${scope} FACET environment`,
            operator: 'above',
            threshold: facts.thresholds.latencySeconds,
          }),
        ];
      case 'ErrorBudgetBurn':
      case 'LatencyBudgetBurn': {
        const level = snake(`${service.name}_${alert.name === 'ErrorBudgetBurn' ? 'availability' : 'latency'}`);
        return burnWindows[alert.severity].map((burn) =>
          conditionFrom(facts, alert, {
            key: `${service.name}_${burn.window / 3600}h`,
            subject: `${service.name} (${burn.factor}x the budget over ${burn.window / 3600}h)`,
            query: burnQuery,
            serviceLevel: level,
            operator: 'above_or_equals',
            // The share of bad requests (in %) that spends the budget `factor` times as fast as it lasts.
            threshold: Number((burn.factor * facts.thresholds.errorBudget * 100).toPrecision(6)),
            window: burn.window,
            slideBy: burn.slideBy,
            duration: burn.slideBy,
            occurrences: 'at_least_once',
          }),
        );
      }
      case 'ServiceDown':
        return [
          conditionFrom(facts, alert, {
            ...common,
            query: `FROM Metric SELECT max(up) WHERE service.name = '${service.name}' FACET environment`,
            operator: 'below',
            threshold: 1,
            lossOfSignal: 300,
          }),
        ];
      case 'ConnectionPoolExhausted':
        return [
          conditionFrom(facts, alert, {
            ...common,
            query: `FROM Metric SELECT min(${poolMetric}) WHERE service.name = '${service.name}' FACET environment`,
            operator: 'above',
            threshold: 0,
          }),
        ];
      default:
        return [];
    }
  });

/** Which containers are the project's, and what names one. */
const containerScope = (facts: MonitoringFacts) =>
  facts.platform === 'kubernetes'
    ? { from: 'K8sContainerSample', where: `namespaceName IN (${nrqlList(facts.environments.map((environment) => environment.namespace))})`, facet: 'namespaceName, podName, containerName' }
    : { from: 'ContainerSample', where: `project = '${facts.project}'`, facet: 'containerName' };

const upMetric: Record<MonitoredDatastore['engine'], string> = { postgres: 'pg_up', mysql: 'mysql_up', mongodb: 'mongodb_up', redis: 'redis_up' };

/** In-use connections over the limit, from the exporters' series (sums over the same scrapes keep the ratio). */
const connectionsRatio: Record<MonitoredDatastore['engine'], string> = {
  postgres: 'sum(pg_stat_activity_count) / sum(pg_settings_max_connections)',
  mysql: 'sum(mysql_global_status_threads_connected) / sum(mysql_global_variables_max_connections)',
  mongodb: "filter(sum(mongodb_ss_connections), WHERE conn_type = 'current') / filter(sum(mongodb_ss_connections), WHERE conn_type IN ('current', 'available'))",
  redis: 'sum(redis_connected_clients) / sum(redis_config_maxclients)',
};

/** The synthetic monitors: one per public health route and environment, and two certificate checks per host. */
export const syntheticMonitors = (facts: MonitoringFacts) => {
  const probes = facts.environments.flatMap((environment) =>
    environment.probes.map((probe) => ({
      resource: snake(`${probe.service}_${environment.name}`),
      name: `${facts.project} ${probe.service} ${environment.name}`,
      url: probe.url,
      service: probe.service,
      environment: environment.name,
    })),
  );
  const hosts = [...new Set(probes.map((probe) => new URL(probe.url).hostname))].sort();
  const certificates = hosts.flatMap((host) =>
    (['warning', 'critical'] as const).map((severity) => ({
      resource: snake(`${host}_${severity}`),
      name: `${facts.project} certificate ${host} (${severity})`,
      domain: host,
      severity,
      days: severity === 'critical' ? facts.thresholds.certificateCriticalDays : facts.thresholds.certificateWarningDays,
    })),
  );
  return { probes, certificates };
};

const otherConditions = (facts: MonitoringFacts, alert: AlertDefinition): NewRelicCondition[] => {
  const containers = containerScope(facts);
  const single = (input: Omit<ConditionInput, 'key'>) => [conditionFrom(facts, alert, { ...input, key: 'all' })];
  const kubernetes = facts.platform === 'kubernetes';
  switch (alert.name) {
    case 'TargetDown': {
      const jobs = [...tracedServices(facts).map((service) => service.job), ...(hasExporters(facts) ? facts.datastores.map((store) => store.exporter.job) : [])];
      return single({
        subject: `the scrape targets of ${facts.project}`,
        query: `FROM Metric SELECT min(up) WHERE service.name IN (${nrqlList(jobs)}) FACET service.name, service.instance.id`,
        operator: 'below',
        threshold: 1,
      });
    }
    case 'EndpointDown': {
      const { probes } = syntheticMonitors(facts);
      return single({
        subject: 'the public endpoints',
        query: `FROM SyntheticCheck SELECT percentage(count(*), WHERE result = 'FAILED') WHERE monitorName IN (${nrqlList(probes.map((probe) => probe.name))}) FACET monitorName`,
        operator: 'above',
        threshold: 50,
      });
    }
    case 'CertificateExpiry': {
      const monitors = syntheticMonitors(facts).certificates.filter((certificate) => certificate.severity === alert.severity);
      // A failed check of the monitor whose certificate_expiration is this severity's days (see synthetics.tf).
      return single({
        subject: 'the public certificates',
        query: `FROM SyntheticCheck SELECT count(*) WHERE result = 'FAILED' AND monitorName IN (${nrqlList(monitors.map((monitor) => monitor.name))}) FACET monitorName`,
        operator: 'above',
        threshold: 0,
        window: 3600,
        duration: 3600,
        occurrences: 'at_least_once',
      });
    }
    case 'HighCpuUsage':
      return single({
        subject: `the containers of ${facts.project}`,
        query: `FROM ${containers.from} SELECT average(cpuUsedCores) / average(cpuLimitCores) WHERE ${containers.where} FACET ${containers.facet}`,
        operator: 'above',
        threshold: facts.thresholds.cpuRatio,
      });
    case 'HighMemoryUsage':
      return single({
        subject: `the containers of ${facts.project}`,
        query: kubernetes
          ? `FROM K8sContainerSample SELECT average(memoryWorkingSetBytes) / average(memoryLimitBytes) WHERE ${containers.where} FACET ${containers.facet}`
          : `FROM ContainerSample SELECT average(memoryUsageBytes) / average(memorySizeLimitBytes) WHERE ${containers.where} FACET ${containers.facet}`,
        operator: 'above',
        threshold: facts.thresholds.memoryRatio,
      });
    case 'DiskSpaceLow': {
      const hostScope = kubernetes ? `clusterName = '${facts.project}'` : `project = '${facts.project}'`;
      const hosts = conditionFrom(facts, alert, {
        key: 'hosts',
        subject: kubernetes ? `the nodes of ${facts.project}` : `the host of ${facts.project}`,
        query: `FROM StorageSample SELECT min(diskFreePercent) / 100 WHERE ${hostScope} FACET hostname, mountPoint`,
        operator: 'below',
        threshold: facts.thresholds.diskFreeRatio,
      });
      if (!kubernetes) return [hosts];
      const volumes = conditionFrom(facts, alert, {
        key: 'volumes',
        subject: `the volumes of ${facts.project}`,
        query: `FROM K8sVolumeSample SELECT 1 - max(fsUsedPercent) / 100 WHERE ${containers.where} AND persistent = 'true' FACET namespaceName, pvcName`,
        operator: 'below',
        threshold: facts.thresholds.diskFreeRatio,
      });
      return [hosts, volumes];
    }
    case 'ContainerRestarting':
      return single({
        subject: `the containers of ${facts.project}`,
        query: `FROM ${containers.from} SELECT max(restartCount) - min(restartCount) WHERE ${containers.where} FACET ${containers.facet}`,
        operator: 'above',
        threshold: 2,
        window: 900,
        duration: 900,
        occurrences: 'at_least_once',
      });
    case 'ContainerCrashLooping':
      return kubernetes
        ? single({
            subject: `the containers of ${facts.project}`,
            query: `FROM K8sContainerSample SELECT count(*) WHERE ${containers.where} AND reason = 'CrashLoopBackOff' FACET ${containers.facet}`,
            operator: 'above',
            threshold: 0,
          })
        : single({
            subject: `the containers of ${facts.project}`,
            query: `FROM ContainerSample SELECT max(restartCount) - min(restartCount) WHERE ${containers.where} FACET ${containers.facet}`,
            operator: 'above_or_equals',
            threshold: 5,
            window: 900,
            duration: 900,
            occurrences: 'at_least_once',
          });
    case 'DatastoreDown':
      return facts.datastores.map((store) =>
        conditionFrom(facts, alert, {
          key: store.engine,
          subject: store.label,
          query: `FROM Metric SELECT min(${upMetric[store.engine]}) WHERE service.name = '${store.exporter.job}' FACET environment`,
          operator: 'below',
          threshold: 1,
          lossOfSignal: 300,
        }),
      );
    case 'DatastoreConnectionsNearLimit':
      return facts.datastores.map((store) =>
        conditionFrom(facts, alert, {
          key: store.engine,
          subject: store.label,
          query: `FROM Metric SELECT ${connectionsRatio[store.engine]} WHERE service.name = '${store.exporter.job}' FACET environment`,
          operator: 'above',
          threshold: 0.9,
        }),
      );
    default:
      return [];
  }
};

const serviceAlerts = new Set(['HighErrorRate', 'HighLatency', 'ErrorBudgetBurn', 'LatencyBudgetBurn', 'ServiceDown', 'ConnectionPoolExhausted']);

/** Level values that count as errors, and as a crash (the logging area's, lower-cased). */
const errorLevels = ['error', 'err', 'fatal', 'critical', 'crit', 'panic', 'emerg', 'alert'];
const crashLevels = ['fatal', 'panic', 'emerg'];
const crashPattern = "r'(?i).*(panic:|fatal error:|uncaught ?exception|unhandled ?(promise ?)?rejection|traceback \\(most recent call last\\)|outofmemoryerror).*'";

/** The log attributes of each platform's shipper: Fluent Bit's Kubernetes filter, or the Collector's fluent forward receiver. */
const logScope = (facts: MonitoringFacts) =>
  facts.platform === 'kubernetes'
    ? { where: `namespace_name IN (${nrqlList(facts.environments.map((environment) => environment.namespace))})`, facet: 'namespace_name, container_name' }
    : { where: `project = '${facts.project}'`, facet: 'environment, service.name' };

/** The log alerts of the logging area (LogErrorsHigh, LogCrashDetected) as NRQL conditions on Log. */
const logConditions = (facts: MonitoringFacts): NewRelicCondition[] => {
  const scope = logScope(facts);
  return logAlerts(facts).map((alert) =>
    alert.name === 'LogErrorsHigh'
      ? conditionFrom(facts, { name: alert.name, severity: alert.severity, for: alert.for }, {
          key: 'all',
          subject: `a service of ${facts.project}`,
          query: `FROM Log SELECT count(*) WHERE ${scope.where} AND lower(level) IN (${nrqlList(errorLevels)}) FACET ${scope.facet}`,
          operator: 'above',
          threshold: 10,
        })
      : conditionFrom(facts, { name: alert.name, severity: alert.severity, for: '5m' }, {
          key: 'all',
          subject: `a service of ${facts.project}`,
          query: `FROM Log SELECT count(*) WHERE ${scope.where} AND (message RLIKE ${crashPattern} OR lower(level) IN (${nrqlList(crashLevels)})) FACET ${scope.facet}`,
          operator: 'above',
          threshold: 0,
          window: 300,
          duration: 300,
          occurrences: 'at_least_once',
        }),
  );
};

/** One or more conditions per applicable alert of the catalog, in catalog order, then the log alerts. */
export const newrelicConditions = (facts: MonitoringFacts): NewRelicCondition[] => {
  const applicable = agentAlertsFor(facts);
  const conditions = applicable.flatMap((alert) => (serviceAlerts.has(alert.name) ? serviceConditions(facts, alert) : otherConditions(facts, alert)));
  const missing = applicable.filter((alert) => !conditions.some((condition) => condition.alert === alert.name && condition.severity === alert.severity));
  if (missing.length > 0) throw new Error(`no New Relic condition for ${missing.map((alert) => `${alert.name} (${alert.severity})`).join(', ')}`);
  return [...conditions, ...logConditions(facts)];
};

/** The HCL string of a condition's query, with the service level's sli_guid as a Terraform reference. */
const hclQuery = (hclString: (value: string) => string, condition: NewRelicCondition): string =>
  condition.serviceLevel ? hclString(condition.query).replace('@SLI_GUID@', `\${newrelic_service_level.${condition.serviceLevel}.sli_guid}`) : hclString(condition.query);

interface DashboardWidget {
  title: string;
  visualization: string;
  query: string;
}

/** A service's dashboard (newrelic_one_dashboard_json), `${account_id}` filled in by templatefile(). */
const dashboardJson = (facts: MonitoringFacts, service: MonitoredService): string => {
  const scope = `${httpScope(service)} AND environment = {{environment}}`;
  const containers = containerScope(facts);
  const containerWhere =
    facts.platform === 'kubernetes' ? `containerName = '${service.name}' AND ${containers.where}` : `${containers.where} AND \`label.com.docker.compose.service\` = '${service.name}'`;
  const page = (name: string, description: string, widgets: DashboardWidget[]) => ({
    name,
    description,
    widgets: widgets.map((widget, index) => ({
      title: widget.title,
      layout: { column: (index % 3) * 4 + 1, row: Math.floor(index / 3) * 3 + 1, width: 4, height: 3 },
      visualization: { id: widget.visualization },
      rawConfiguration: { nrqlQueries: [{ accountIds: ['ACCOUNT_ID'], query: widget.query }] },
    })),
  });
  const levels = newrelicServiceLevels(facts).filter((level) => level.service === service.name);
  const dashboard = {
    name: `${facts.project} ${service.name}`,
    description: `${service.name}: traffic, errors, latency against the ${facts.thresholds.latencySeconds} s threshold, its containers and its service levels. Managed by phase4 (monitoring/newrelic).`,
    permissions: 'PUBLIC_READ_WRITE',
    pages: [
      page('Service', 'Golden signals from the OpenTelemetry Collector.', [
        { title: 'Requests per minute', visualization: 'viz.line', query: `FROM Metric SELECT rate(count(${httpMetric}), 1 minute) WHERE ${scope} TIMESERIES` },
        { title: 'Error rate (5xx)', visualization: 'viz.line', query: `FROM Metric SELECT filter(count(${httpMetric}), WHERE ${statusAttribute} LIKE '5%') / count(${httpMetric}) WHERE ${scope} TIMESERIES` },
        { title: 'Latency p50, p95, p99 (s)', visualization: 'viz.line', query: `FROM Metric SELECT percentile(${httpMetric}, 50, 95, 99) WHERE ${scope} TIMESERIES` },
        { title: 'Saturation: requests waiting for a pooled connection', visualization: 'viz.line', query: `FROM Metric SELECT max(${poolMetric}) WHERE service.name = '${service.name}' AND environment = {{environment}} TIMESERIES` },
        { title: 'Scrape targets up', visualization: 'viz.billboard', query: `FROM Metric SELECT latest(up) WHERE service.name = '${service.name}' AND environment = {{environment}} FACET service.instance.id` },
      ]),
      page('Resources', `${service.name}'s containers against their limits.`, [
        { title: 'CPU used / limit', visualization: 'viz.line', query: `FROM ${containers.from} SELECT average(cpuUsedCores) / average(cpuLimitCores) WHERE ${containerWhere} FACET ${containers.facet} TIMESERIES` },
        {
          title: 'Memory used / limit',
          visualization: 'viz.line',
          query:
            facts.platform === 'kubernetes'
              ? `FROM K8sContainerSample SELECT average(memoryWorkingSetBytes) / average(memoryLimitBytes) WHERE ${containerWhere} FACET ${containers.facet} TIMESERIES`
              : `FROM ContainerSample SELECT average(memoryUsageBytes) / average(memorySizeLimitBytes) WHERE ${containerWhere} FACET ${containers.facet} TIMESERIES`,
        },
        { title: 'Restarts', visualization: 'viz.line', query: `FROM ${containers.from} SELECT max(restartCount) WHERE ${containerWhere} FACET ${containers.facet} TIMESERIES` },
      ]),
      page(`Service levels (${facts.production.name})`, `Objective ${percent(facts.thresholds.objective)} over ${sloPeriodDays} days.`, [
        ...levels.map((level) => ({
          title: `${level.kind}: share of good requests (%)`,
          visualization: 'viz.line',
          query: `FROM Metric SELECT 100 * sum(newrelic.sli.good) / sum(newrelic.sli.valid) WHERE sli.guid = 'SLI_${level.resource.toUpperCase()}' TIMESERIES`,
        })),
      ]),
    ],
    variables: [
      {
        name: 'environment',
        title: 'Environment',
        type: 'ENUM',
        isMultiSelection: false,
        items: facts.environments.map((environment) => ({ title: environment.name, value: environment.name })),
        defaultValues: [{ value: { string: facts.production.name } }],
        replacementStrategy: 'STRING',
      },
    ],
  };
  // The account id and the service levels' guids are only known to Terraform: templatefile() fills them in.
  let json = JSON.stringify(dashboard, null, 2).replaceAll('"ACCOUNT_ID"', '${account_id}');
  for (const level of levels) json = json.replaceAll(`SLI_${level.resource.toUpperCase()}`, `\${${level.kind}_sli_guid}`);
  return json;
};

const terraformFiles = (facts: MonitoringFacts): PlannedFile[] => {
  const dir = newrelicLayout.terraform;
  const pins = terraformPins();
  const conditions = newrelicConditions(facts);
  const levels = newrelicServiceLevels(facts);
  const synthetics = syntheticMonitors(facts);
  const services = tracedServices(facts);
  const hcl = (hclString: (value: string) => string) => (condition: NewRelicCondition) => hclQuery(hclString, condition);
  return [
    file(`${dir}/versions.tf`, 'newrelic/terraform/versions.tf.ejs', { core: pins.core.constraint, provider: pins.providers.newrelic }),
    file(`${dir}/main.tf`, 'newrelic/terraform/main.tf.ejs', { facts, services: services.map((service) => service.name) }),
    file(`${dir}/variables.tf`, 'newrelic/terraform/variables.tf.ejs', { facts, synthetics: synthetics.probes.length > 0 }),
    file(`${dir}/notifications.tf`, 'newrelic/terraform/notifications.tf.ejs', { facts, maintenance: facts.maintenance ? maintenanceSchedule(facts.maintenance) : undefined }),
    file(`${dir}/conditions.tf`, 'newrelic/terraform/conditions.tf.ejs', { conditions: conditions.filter((condition) => !condition.serviceLevel), hclQuery: hcl }),
    ...(levels.length > 0
      ? [file(`${dir}/service-levels.tf`, 'newrelic/terraform/service-levels.tf.ejs', { facts, levels, periodDays: sloPeriodDays, conditions: conditions.filter((condition) => condition.serviceLevel), hclQuery: hcl })]
      : []),
    ...(synthetics.probes.length > 0 ? [file(`${dir}/synthetics.tf`, 'newrelic/terraform/synthetics.tf.ejs', { facts, ...synthetics })] : []),
    file(`${dir}/logs.tf`, 'newrelic/terraform/logs.tf.ejs', { partitions: logPartitions(facts) }),
    ...(services.length > 0
      ? [
          file(`${dir}/dashboards.tf`, 'newrelic/terraform/dashboards.tf.ejs', {
            dashboards: services.map((service) => ({
              resource: snake(service.name),
              file: `dashboards/${service.name}.json.tftpl`,
              availability: snake(`${service.name}_availability`),
              latency: snake(`${service.name}_latency`),
            })),
          }),
          ...services.map((service) => file(`${dir}/dashboards/${service.name}.json.tftpl`, 'newrelic/terraform/dashboard.json.tftpl.ejs', { json: dashboardJson(facts, service) })),
        ]
      : []),
    file(`${dir}/outputs.tf`, 'newrelic/terraform/outputs.tf.ejs', { levels, hasSynthetics: synthetics.probes.length > 0, hasDashboards: services.length > 0 }),
  ];
};

/**
 * Log retention as New Relic offers it: a data partition per environment (partition names start with `Log_`),
 * production on the standard retention, the others on the shorter, cheaper secondary one. The retention in
 * days of each is an account setting (docs/monitoring.md).
 */
export const logPartitions = (facts: MonitoringFacts) => {
  const scope = logScope(facts);
  return facts.environments.map((environment) => ({
    resource: snake(environment.name),
    partition: `Log_${snake(`${facts.project}_${environment.name}`)}`,
    nrql: facts.platform === 'kubernetes' ? `namespace_name = '${environment.namespace}'` : `${scope.where} AND environment = '${environment.name}'`,
    retentionPolicy: environment.isProduction ? 'STANDARD' : 'SECONDARY',
    days: environment.logRetentionDays,
    environment: environment.name,
  }));
};

const weekdayNames = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * The weekly maintenance window as a muting rule's schedule: New Relic takes the first occurrence as dates and
 * repeats it weekly, so the window is placed in a fixed week (starting Monday 2026-01-05) for stable output.
 */
export const maintenanceSchedule = (window: NonNullable<MonitoringFacts['maintenance']>) => {
  const first = window.days[0];
  const last = window.days[window.days.length - 1];
  const at = (dayOffset: number, time: string) => {
    const [hours, mins] = time.split(':').map(Number);
    const date = new Date(Date.UTC(2026, 0, 5 + dayOffset, hours, mins));
    return date.toISOString().slice(0, 19);
  };
  const startDay = weekdayNames.indexOf(first.weekday);
  return {
    text: window.text,
    timeZone: window.timezone,
    start: at(startDay, first.start),
    // The window's days are consecutive, one entry per day it touches (an end of 24:00 is the next midnight).
    end: at(startDay + window.days.length - 1, last.end),
    weekday: first.weekday.toUpperCase(),
  };
};

/** The Collector's scrape jobs: one per traced service (and per datastore exporter beside compose). */
const scrapeJobs = (facts: MonitoringFacts) => [
  ...tracedServices(facts).map((service) => ({ name: service.job, service: service.name, port: service.port!, metricsPath: service.metricsPath!, comment: `${service.name}: its HTTP server metrics (the metric contract).` })),
  ...(hasExporters(facts) ? composeData(facts).exporters.map((exporter) => ({ name: exporter.name, service: exporter.name, port: exporter.port, metricsPath: '/metrics', comment: `${exporter.comment}` })) : []),
];

const collectorData = (facts: MonitoringFacts) => ({
  project: facts.project,
  renames,
  jobs: scrapeJobs(facts),
  scrapesExporters: hasExporters(facts),
  scrapeInterval: `${scrapeInterval}s`,
});

const kubernetesAgents = (facts: MonitoringFacts): PlannedFile[] => [
  file(newrelicLayout.bundleValues, 'newrelic/kubernetes/nri-bundle.yaml.ejs', {
    chart: helmChart('nri-bundle'),
    namespace: monitoringNamespace,
    clusterName: facts.project,
    secret: licenseSecret,
    logPaths: facts.environments.map((environment) => `/var/log/containers/*_${environment.namespace}_*.log`),
  }),
  file(newrelicLayout.collectorValues, 'newrelic/kubernetes/otel-collector.yaml.ejs', {
    ...collectorData(facts),
    chart: helmChart('opentelemetry-collector'),
    image: imageRef('otel-collector-contrib'),
    namespace: monitoringNamespace,
    secret: licenseSecret,
    environments: facts.environments.map((environment) => ({ name: environment.name, namespace: environment.namespace })),
  }),
];

const composeAgents = (facts: MonitoringFacts): PlannedFile[] => {
  const exporters = hasExporters(facts) ? composeData(facts).exporters : [];
  return [
    file(newrelicLayout.compose, 'newrelic/compose/compose.monitoring.yaml.ejs', {
      project: facts.project,
      environment: facts.production.name,
      infraImage: imageRef('newrelic-infrastructure'),
      collectorImage: imageRef('otel-collector-contrib'),
      secret: licenseSecret,
      services: facts.services,
      exporters,
      fluentForwardPort,
      collectorConfig: newrelicLayout.collectorConfig,
    }),
    file(newrelicLayout.collectorConfig, 'newrelic/compose/collector.yaml.ejs', { ...collectorData(facts), secret: licenseSecret, fluentForwardPort }),
    { ...file(newrelicLayout.secrets, 'newrelic/compose/monitoring-secrets.sh.ejs', { secret: licenseSecret, exporters: exporters.filter((exporter) => exporter.script) }), executable: true },
  ];
};

export interface NewRelicRunbookSection {
  name: string;
  anchor: string;
  group: AlertDefinition['group'] | 'logs';
  rules: { severity: Severity; for: string; description: string; conditions: { name: string; query: string }[] }[];
}

/** The runbook's sections: one per alert name (the catalog's, then the log alerts), with their conditions. */
const runbookSections = (facts: MonitoringFacts): NewRelicRunbookSection[] => {
  const conditions = newrelicConditions(facts);
  const entries = [
    ...agentAlertsFor(facts).map((alert) => ({ name: alert.name, severity: alert.severity, for: alert.for, group: alert.group as NewRelicRunbookSection['group'] })),
    ...logAlerts(facts).map((alert) => ({ name: alert.name, severity: alert.severity, for: alert.for, group: 'logs' as const })),
  ];
  return [...new Set(entries.map((entry) => entry.name))].map((name) => {
    const rules = entries.filter((entry) => entry.name === name);
    return {
      name,
      anchor: runbookAnchor({ name }),
      group: rules[0].group,
      rules: rules.map((rule) => ({
        severity: rule.severity,
        for: rule.for,
        description: describe(facts, rule, runbookSubjects[name] ?? 'the service'),
        conditions: conditions
          .filter((condition) => condition.alert === name && condition.severity === rule.severity)
          .map((condition) => ({ name: condition.name, query: condition.query.replace('@SLI_GUID@', `<sli_guid of ${condition.serviceLevel}>`) })),
      })),
    };
  });
};

const planNewRelic = (_model: StackModel, facts: MonitoringFacts): PlannedFile[] => {
  const files = [...(facts.platform === 'kubernetes' ? kubernetesAgents(facts) : composeAgents(facts)), ...terraformFiles(facts)];
  const docs = file(monitoringLayout.docs, 'newrelic/monitoring.md.ejs', {
    facts,
    kubernetes: facts.platform === 'kubernetes',
    files: [...files.map((planned) => planned.path), monitoringLayout.runbook].sort(),
    bundle: facts.platform === 'kubernetes' ? helmChart('nri-bundle') : undefined,
    collectorChart: facts.platform === 'kubernetes' ? helmChart('opentelemetry-collector') : undefined,
    collectorImage: imageRef('otel-collector-contrib'),
    infraImage: imageRef('newrelic-infrastructure'),
    provider: terraformPins().providers.newrelic,
    conditions: newrelicConditions(facts),
    levels: newrelicServiceLevels(facts),
    synthetics: syntheticMonitors(facts),
    partitions: logPartitions(facts),
    renames,
    jobs: scrapeJobs(facts),
    namespace: monitoringNamespace,
    secret: licenseSecret,
    burnWindows,
    periodDays: sloPeriodDays,
    percent,
  });
  // Same sections as the other stacks' runbooks (the conditions link to them), with the NRQL and where to look.
  const runbook = file(monitoringLayout.runbook, 'newrelic/alerts.md.ejs', { facts, sections: runbookSections(facts), percent });
  return [...files, runbook, docs].sort(byPath);
};

export const newrelic: MonitoringStack = {
  summary: "an OpenTelemetry Collector that sends the services' metrics to New Relic, the infrastructure agent and logs (nri-bundle values or compose services), and a Terraform root of the same alerts as NRQL conditions, service levels with burn-rate conditions, synthetic checks and dashboards",
  plan: planNewRelic,
  nextSteps: (model) => [
    model.config.orchestration === 'none'
      ? 'monitoring: put the New Relic license key into secrets/newrelic-license-key.txt (scripts/monitoring-secrets.sh), then start compose.monitoring.yaml with NR_ENV set (docs/monitoring.md)'
      : `monitoring: create the ${licenseSecret.name} Secret (key ${licenseSecret.key}) in the ${monitoringNamespace} namespace, then install nri-bundle and opentelemetry-collector with monitoring/kubernetes/values/ (docs/monitoring.md)`,
    'monitoring: with TF_VAR_newrelic_account_id, TF_VAR_newrelic_api_key, TF_VAR_pagerduty_service_key and TF_VAR_slack_webhook_path set, run terraform -chdir=monitoring/newrelic init and apply (docs/monitoring.md)',
  ],
};
