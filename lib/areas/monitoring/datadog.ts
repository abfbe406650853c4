/**
 * monitoring: datadog. The Datadog Agent (the datadog/datadog Helm chart's values on Kubernetes, a
 * `datadog-agent` service beside compose) and a Terraform root, monitoring/datadog/, that writes the alerts of
 * lib/monitoring/alerts.ts as Datadog monitors (same names, same severities, same runbook sections), one
 * availability and one latency SLO per service with their burn-rate monitors, and a dashboard per service.
 *
 * Where the data comes from: request rates, errors and latency from APM's trace metrics
 * (`trace.<span>.hits|errors` and the `trace.<span>` distribution), which the tracer of each service sends to
 * the Agent (unified service tagging: the pods' `tags.datadoghq.com/*` labels, the compose services' `DD_*`
 * environment); containers from the Agent's container check (`container.*`, the same names on Kubernetes and
 * Docker); the public endpoints and their certificates from the Agent's http_check; the datastores (compose
 * only, as for Prometheus: on Kubernetes they are the cloud's managed services) from the Agent's integrations;
 * the connection pools from the services' own /metrics, which the Agent scrapes for those metrics only.
 */
import { agentAlertsFor, poolWatched, type AlertDefinition, type Severity } from '../../monitoring/alerts.js';
import type { MonitoredDatastore, MonitoredService, MonitoringFacts } from '../../monitoring/facts.js';
import { monitoringNamespace } from '../../kubernetes/workloads.js';
import type { StackModel } from '../../model/types.js';
import { managedFile } from '../../plan/managed-file.js';
import type { PlannedFile } from '../../plan/types.js';
import { helmChart, imageRef, terraformPins } from '../../versions/index.js';
import { byPath } from '../../order.js';
import { datastoresDashboard, resourcesDashboard, serviceDashboard, sloDashboard, type DatadogDashboard } from './datadog-dashboards.js';
import { errorLinesPerMinute } from './logging.js';
import { runbookAnchor } from './rules.js';
import { monitoringLayout, percent, type MonitoringStack } from './stack.js';

const file = managedFile('monitoring');

export const datadogLayout = {
  values: 'monitoring/kubernetes/values/datadog.yaml',
  compose: 'compose.monitoring.yaml',
  httpCheck: 'monitoring/datadog/agent/http_check.yaml',
  secrets: 'scripts/monitoring-secrets.sh',
  terraform: 'monitoring/datadog',
} as const;

/** The Agent's metric namespace for what it scrapes from the services' /metrics (connection pools only). */
const scrapeNamespace = (facts: MonitoringFacts) => facts.project.replace(/[^a-z0-9_]/gi, '_');

/**
 * The operation name of a service's server spans, which names its trace metrics (`trace.<name>.hits`): the
 * name each Datadog tracer gives the integration of that framework (its docs' "operation name").
 */
const spanNames: Record<string, string> = {
  express: 'express.request',
  nestjs: 'express.request',
  fastify: 'fastify.request',
  koa: 'koa.request',
  hono: 'hono.request',
  next: 'next.request',
  nuxt: 'web.request',
  sveltekit: 'web.request',
  fastapi: 'fastapi.request',
  django: 'django.request',
  flask: 'flask.request',
  'spring-boot': 'servlet.request',
  'net-http': 'http.request',
  gin: 'http.request',
  echo: 'http.request',
  chi: 'http.request',
  fiber: 'http.request',
};

export const spanName = (service: Pick<MonitoredService, 'framework' | 'language'>): string =>
  spanNames[service.framework] ?? (service.language === 'node' ? 'web.request' : service.language === 'python' ? 'wsgi.request' : service.language === 'java' ? 'servlet.request' : 'http.request');

/** Services that answer HTTP requests phase4 builds: the ones the service and SLO alerts watch. */
const tracedServices = (facts: MonitoringFacts) => facts.services.filter((service) => service.exposesMetrics);

/** `service:api` or `kube_namespace IN (a, b)`: the part of every query that keeps it to this project. */
const projectScope = (facts: MonitoringFacts): string =>
  facts.platform === 'kubernetes' ? `kube_namespace IN (${facts.environments.map((environment) => environment.namespace).join(', ')})` : `project:${facts.project}`;

export interface DatadogMonitor {
  /** The Terraform resource name. */
  resource: string;
  name: string;
  /** The catalog alert it stands for. */
  alert: string;
  severity: Severity;
  type: 'query alert' | 'service check' | 'slo alert' | 'log alert';
  query: string;
  /** `critical` and `ok` for service checks (consecutive results), the threshold for the others. */
  thresholds: Record<string, number>;
  priority: number;
  handle: string;
  message: string;
  tags: string[];
  notifyNoData: boolean;
  /** Minutes a group must stay in alert before notifying (the Prometheus rule's `for`). */
  evaluationDelay?: number;
}

export interface DatadogSlo {
  resource: string;
  name: string;
  service: string;
  kind: 'availability' | 'latency';
  description: string;
  target: number;
  /** Metric-based (availability) queries, or the time-slice query (latency). */
  numerator?: string;
  denominator?: string;
  timeSlice?: { query: string; threshold: number };
  tags: string[];
}

const snake = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();

const priorityOf: Record<Severity, number> = { critical: 1, warning: 3 };
const handleOf: Record<Severity, string> = { critical: '${var.pager_handle}', warning: '${var.chat_handle}' };

/**
 * What each alert says in Datadog's terms (the catalog's descriptions name Prometheus' scrapes, probes and
 * labels): `subject` is the service, or the Datadog template variables of the monitor's groups.
 */
const descriptions: Record<string, (facts: MonitoringFacts, subject: string, severity: Severity) => string> = {
  HighErrorRate: (facts, subject) => `More than ${percent(facts.thresholds.errorRatio)} of the requests to ${subject} ({{env.name}}) failed (APM errors: 5xx answers and exceptions) over the last 5 minutes.`,
  HighLatency: (facts, subject) => `The 95th percentile of the request durations of ${subject} ({{env.name}}) has been above ${facts.thresholds.latencySeconds} s over the last 10 minutes.`,
  ErrorBudgetBurn: (facts, subject, severity) =>
    severity === 'critical'
      ? `${subject} fails requests in production at several times the rate its ${percent(facts.thresholds.objective)} availability SLO allows: at this pace the 30-day error budget is gone within days.`
      : `${subject} fails requests in production faster than its ${percent(facts.thresholds.objective)} availability SLO allows, over hours: the 30-day error budget will not last the month.`,
  LatencyBudgetBurn: (facts, subject, severity) =>
    severity === 'critical'
      ? `${subject}'s p95 latency in production is above ${facts.thresholds.latencySeconds} s in far more five-minute slices than its ${percent(facts.thresholds.objective)} latency SLO allows.`
      : `${subject}'s p95 latency in production is above ${facts.thresholds.latencySeconds} s in more five-minute slices than its ${percent(facts.thresholds.objective)} latency SLO allows, over hours.`,
  ServiceDown: (facts, subject) => `No container of ${subject} has been ${facts.platform === 'kubernetes' ? 'ready in {{kube_namespace.name}}' : 'running ({{env.name}})'} for 5 minutes: the service is down.`,
  TargetDown: (_facts, subject) => `${subject} has not reported for 10 minutes: the metrics, logs and traces of that host are missing, and the monitors that read them stay quiet.`,
  EndpointDown: (_facts, subject) => `The Agent's HTTP check of ${subject} has failed 5 times in a row: users cannot reach it, or its certificate or DNS is broken.`,
  CertificateExpiry: (facts, subject, severity) =>
    severity === 'critical'
      ? `The TLS certificate served at ${subject} expires in less than ${facts.thresholds.certificateCriticalDays} days: browsers and clients will refuse the site when it does.`
      : `The TLS certificate served at ${subject} expires in less than ${facts.thresholds.certificateWarningDays} days, and cert-manager or the cloud's certificate service has not renewed it.`,
  HighCpuUsage: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.cpuRatio)} of its CPU limit over 5 minutes: it is being throttled and answers slowly.`,
  HighMemoryUsage: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.memoryRatio)} of its memory limit over 5 minutes: the kernel kills it when it reaches the limit.`,
  DiskSpaceLow: (facts, subject) => `A filesystem of ${subject} has had less than ${percent(facts.thresholds.diskFreeRatio)} of its space free for 15 minutes.`,
  ContainerRestarting: (_facts, subject) => `${subject} restarted more than twice in 15 minutes.`,
  ContainerCrashLooping: (facts, subject) =>
    facts.platform === 'kubernetes' ? `${subject} is in CrashLoopBackOff: it exits as soon as it starts.` : `${subject} restarted 5 times or more in 15 minutes: it exits as soon as it starts.`,
  DatastoreDown: (_facts, subject) => `The Agent's ${subject} check has not connected 5 times in a row: the services that use it fail.`,
  DatastoreConnectionsNearLimit: (_facts, subject) => `More than 90% of the connections ${subject} allows have been in use for 10 minutes: new connections will soon be refused.`,
  ConnectionPoolExhausted: (_facts, subject) => `Requests of ${subject} ({{env.name}}) have been waiting for a connection from its pool for 5 minutes: every connection is busy, and requests slow down or time out.`,
};

const describe = (facts: MonitoringFacts, alert: Pick<AlertDefinition, 'name' | 'severity'>, subject: string): string => {
  const text = descriptions[alert.name];
  if (!text) throw new Error(`no Datadog description for the alert ${alert.name}`);
  const sentence = text(facts, subject, alert.severity);
  // A sentence that opens with a service's name keeps its case (`api-go fails ...`).
  return sentence.startsWith(subject) && facts.services.some((service) => service.name === subject) ? sentence : sentence.charAt(0).toUpperCase() + sentence.slice(1);
};

/** What the runbook's table calls the subject of each alert (the monitors name it precisely). */
const runbookSubjects: Record<string, string> = {
  TargetDown: 'an Agent',
  EndpointDown: 'an endpoint',
  CertificateExpiry: 'an endpoint',
  HighCpuUsage: 'a container',
  HighMemoryUsage: 'a container',
  ContainerRestarting: 'a container',
  ContainerCrashLooping: 'a container',
  DiskSpaceLow: 'a host',
  DatastoreDown: 'a datastore',
  DatastoreConnectionsNearLimit: 'a datastore',
};


const minutes = (duration: string): number => {
  const match = /^(\d+)([mhd])$/.exec(duration);
  if (!match) return 0;
  return Number(match[1]) * { m: 1, h: 60, d: 1440 }[match[2] as 'm' | 'h' | 'd'];
};

/** `last_5m` for the alert's `for`, at least the minimum window a query monitor takes. */
const windowOf = (alert: AlertDefinition) => `last_${Math.max(5, minutes(alert.for))}m`;

interface MonitorInput {
  key: string;
  subject: string;
  type: DatadogMonitor['type'];
  query: string;
  thresholds: Record<string, number>;
  services?: string[];
  name?: string;
  notifyNoData?: boolean;
}

const monitorFrom = (facts: MonitoringFacts, alert: AlertDefinition, input: MonitorInput): DatadogMonitor => {
  const runbook = `${facts.runbook.url}#${runbookAnchor(alert)}`;
  const services = input.services ?? [];
  return {
    resource: snake(`${alert.name}_${alert.severity}_${input.key}`),
    name: input.name ?? `${alert.name} (${alert.severity}): ${input.subject}`,
    alert: alert.name,
    severity: alert.severity,
    type: input.type,
    query: input.query,
    thresholds: input.thresholds,
    priority: priorityOf[alert.severity],
    handle: handleOf[alert.severity],
    message: [describe(facts, alert, input.subject), `Runbook: ${runbook}`].join('\n\n'),
    tags: [
      `team:${facts.team}`,
      `project:${facts.project}`,
      `alert:${alert.name}`,
      `severity:${alert.severity}`,
      ...services.map((service) => `service:${service}`),
      ...facts.environments.map((environment) => `env:${environment.name}`),
      'managed-by:phase4',
    ],
    notifyNoData: input.notifyNoData ?? false,
  };
};

/** The SLO burn-rate windows of the Prometheus rules Datadog can express (its long window is at most 48 h). */
const burnWindows: Record<Severity, { long: string; short: string; factor: number }[]> = {
  critical: [{ long: '1h', short: '5m', factor: 14.4 }, { long: '6h', short: '30m', factor: 6 }],
  warning: [{ long: '1d', short: '2h', factor: 3 }],
};

const sloResource = (service: string, kind: DatadogSlo['kind']) => snake(`${service}_${kind}`);

export const datadogSlos = (facts: MonitoringFacts): DatadogSlo[] => {
  const production = facts.production.name;
  return tracedServices(facts).flatMap((service): DatadogSlo[] => {
    const span = spanName(service);
    const scope = `service:${service.name},env:${production}`;
    const tags = [`team:${facts.team}`, `project:${facts.project}`, `service:${service.name}`, `env:${production}`, 'managed-by:phase4'];
    const target = Number((facts.thresholds.objective * 100).toPrecision(6));
    return [
      {
        resource: sloResource(service.name, 'availability'),
        name: `${service.name} availability`,
        service: service.name,
        kind: 'availability',
        description: `Requests to ${service.name} in ${production} that do not fail (APM errors: 5xx answers and exceptions), ${percent(facts.thresholds.objective)} over 30 days.`,
        target,
        numerator: `sum:trace.${span}.hits{${scope}}.as_count() - sum:trace.${span}.errors{${scope}}.as_count()`,
        denominator: `sum:trace.${span}.hits{${scope}}.as_count()`,
        tags,
      },
      {
        resource: sloResource(service.name, 'latency'),
        name: `${service.name} latency`,
        service: service.name,
        kind: 'latency',
        description: `Five-minute slices in which the 95th percentile of ${service.name}'s request durations in ${production} stays within ${facts.thresholds.latencySeconds} s, ${percent(facts.thresholds.objective)} of them over 30 days.`,
        target,
        timeSlice: { query: `p95:trace.${span}{${scope}}`, threshold: facts.thresholds.latencySeconds },
        tags,
      },
    ];
  });
};

const serviceMonitors = (facts: MonitoringFacts, alert: AlertDefinition): DatadogMonitor[] =>
  (alert.name === 'ConnectionPoolExhausted' ? poolWatched(facts) : tracedServices(facts)).flatMap((service) => {
    const span = spanName(service);
    const scope = `service:${service.name}`;
    const common = { key: service.name, subject: service.name, services: [service.name] };
    switch (alert.name) {
      case 'HighErrorRate':
        return [
          monitorFrom(facts, alert, {
            ...common,
            type: 'query alert',
            query: `sum(${windowOf(alert)}):sum:trace.${span}.errors{${scope}} by {env}.as_count() / sum:trace.${span}.hits{${scope}} by {env}.as_count() > ${facts.thresholds.errorRatio}`,
            thresholds: { critical: facts.thresholds.errorRatio },
          }),
        ];
      case 'HighLatency':
        return [
          monitorFrom(facts, alert, {
            ...common,
            type: 'query alert',
            query: `percentile(${windowOf(alert)}):p95:trace.${span}{${scope}} by {env} > ${facts.thresholds.latencySeconds}`,
            thresholds: { critical: facts.thresholds.latencySeconds },
          }),
        ];
      case 'ErrorBudgetBurn':
      case 'LatencyBudgetBurn': {
        const slo = sloResource(service.name, alert.name === 'ErrorBudgetBurn' ? 'availability' : 'latency');
        return burnWindows[alert.severity].map((window) =>
          monitorFrom(facts, alert, {
            ...common,
            key: `${service.name}_${window.long}`,
            name: `${alert.name} (${alert.severity}): ${service.name} (${window.long}/${window.short} burn rate over ${window.factor})`,
            type: 'slo alert',
            query: `burn_rate("\${datadog_service_level_objective.${slo}.id}").over("30d").long_window("${window.long}").short_window("${window.short}") > ${window.factor}`,
            thresholds: { critical: window.factor },
          }),
        );
      }
      case 'ServiceDown':
        return [
          monitorFrom(facts, alert, {
            ...common,
            type: 'query alert',
            query:
              facts.platform === 'kubernetes'
                ? // Ready containers rather than a Deployment's replicas: under blue-green and canary the pods belong to a Rollout.
                  `max(${windowOf(alert)}):sum:kubernetes_state.container.ready{${projectScope(facts)},kube_container_name:${service.name}} by {kube_namespace} < 1`
                : `max(${windowOf(alert)}):sum:container.uptime{${projectScope(facts)},service:${service.name}} by {env} < 1`,
            thresholds: { critical: 1 },
            notifyNoData: true,
          }),
        ];
      case 'ConnectionPoolExhausted': {
        const pending = poolPending.map((metric) => `default_zero(sum:${scrapeNamespace(facts)}.${metric}{${scope}} by {env})`).join(' + ');
        return [monitorFrom(facts, alert, { ...common, type: 'query alert', query: `min(${windowOf(alert)}):${pending} > 0`, thresholds: { critical: 0 } })];
      }
      default:
        return [];
    }
  });

/** The pool metrics the Agent scrapes from the services (OpenTelemetry's current and earlier names, HikariCP's). */
export const poolPending = ['db_client_connection_pending_requests', 'db_client_connections_pending_requests', 'hikaricp_connections_pending'];

const datastoreCheck: Record<MonitoredDatastore['engine'], { check: string; canConnect: string; connections: (scope: string) => string }> = {
  postgres: { check: 'postgres', canConnect: 'postgres.can_connect', connections: (scope) => `max:postgresql.percent_usage_connections{${scope}} by {host}` },
  mysql: { check: 'mysql', canConnect: 'mysql.can_connect', connections: (scope) => `max:mysql.net.connections{${scope}} by {host} / max:mysql.net.max_connections_available{${scope}} by {host}` },
  mongodb: {
    check: 'mongo',
    canConnect: 'mongodb.can_connect',
    connections: (scope) => `max:mongodb.connections.current{${scope}} by {host} / (max:mongodb.connections.current{${scope}} by {host} + max:mongodb.connections.available{${scope}} by {host})`,
  },
  redis: { check: 'redisdb', canConnect: 'redis.can_connect', connections: (scope) => `max:redis.net.clients{${scope}} by {host} / max:redis.net.maxclients{${scope}} by {host}` },
};

/** The container of a notification, by the Datadog template variables of the monitor's groups. */
const containerSubject = (facts: MonitoringFacts) =>
  facts.platform === 'kubernetes' ? 'The container {{kube_container_name.name}} of {{kube_namespace.name}}/{{pod_name.name}}' : 'The container {{container_name.name}}';

const containerGroup = (facts: MonitoringFacts) => (facts.platform === 'kubernetes' ? '{kube_namespace,pod_name,kube_container_name}' : '{container_name}');

const otherMonitors = (facts: MonitoringFacts, alert: AlertDefinition): DatadogMonitor[] => {
  const scope = projectScope(facts);
  const window = windowOf(alert);
  const single = (input: Omit<MonitorInput, 'key'>) => [monitorFrom(facts, alert, { ...input, key: 'all', name: `${alert.name} (${alert.severity})` })];
  switch (alert.name) {
    case 'TargetDown':
      return single({
        subject: 'the Datadog Agent on {{host.name}}',
        type: 'service check',
        query: `"datadog.agent.up".over("project:${facts.project}").by("host").last(11).count_by_status()`,
        thresholds: { critical: 10, ok: 1 },
        notifyNoData: true,
      });
    case 'EndpointDown':
      return single({
        subject: '{{url.name}}',
        type: 'service check',
        query: `"http.can_connect".over("project:${facts.project}").by("url").last(6).count_by_status()`,
        thresholds: { critical: 5, ok: 1 },
      });
    case 'CertificateExpiry': {
      const days = alert.severity === 'critical' ? facts.thresholds.certificateCriticalDays : facts.thresholds.certificateWarningDays;
      return single({
        subject: '{{url.name}}',
        type: 'query alert',
        query: `min(${window}):min:http.ssl.days_left{project:${facts.project}} by {url} < ${days}`,
        thresholds: { critical: days },
      });
    }
    case 'HighCpuUsage':
      return single({
        subject: containerSubject(facts),
        type: 'query alert',
        query: `avg(${window}):sum:container.cpu.usage{${scope}} by ${containerGroup(facts)} / sum:container.cpu.limit{${scope}} by ${containerGroup(facts)} > ${facts.thresholds.cpuRatio}`,
        thresholds: { critical: facts.thresholds.cpuRatio },
      });
    case 'HighMemoryUsage':
      return single({
        subject: containerSubject(facts),
        type: 'query alert',
        query: `avg(${window}):sum:container.memory.working_set{${scope}} by ${containerGroup(facts)} / sum:container.memory.limit{${scope}} by ${containerGroup(facts)} > ${facts.thresholds.memoryRatio}`,
        thresholds: { critical: facts.thresholds.memoryRatio },
      });
    case 'DiskSpaceLow':
      return single({
        subject: '{{host.name}}',
        type: 'query alert',
        query: `max(${window}):min:system.disk.free{project:${facts.project}} by {host,device} / min:system.disk.total{project:${facts.project}} by {host,device} < ${facts.thresholds.diskFreeRatio}`,
        thresholds: { critical: facts.thresholds.diskFreeRatio },
      });
    case 'ContainerRestarting':
      return single({
        subject: containerSubject(facts),
        type: 'query alert',
        query: `change(max(last_15m),last_15m):sum:${restarts(facts)}{${scope}} by ${containerGroup(facts)} > 2`,
        thresholds: { critical: 2 },
      });
    case 'ContainerCrashLooping':
      return single({
        subject: containerSubject(facts),
        type: 'query alert',
        query:
          facts.platform === 'kubernetes'
            ? `min(${window}):max:kubernetes_state.container.status_report.count.waiting{${scope},reason:crashloopbackoff} by {kube_namespace,pod_name,kube_container_name} >= 1`
            : `change(max(last_15m),last_15m):sum:container.restarts{${scope}} by {container_name} >= 5`,
        thresholds: { critical: 1 },
      }).map((monitor) => (facts.platform === 'kubernetes' ? monitor : { ...monitor, thresholds: { critical: 5 } }));
    case 'DatastoreDown':
      return facts.datastores.map((store) =>
        monitorFrom(facts, alert, {
          key: store.engine,
          subject: store.label,
          name: `${alert.name} (${alert.severity}): ${store.label}`,
          type: 'service check',
          query: `"${datastoreCheck[store.engine].canConnect}".over("project:${facts.project}").by("host").last(6).count_by_status()`,
          thresholds: { critical: 5, ok: 1 },
          notifyNoData: true,
        }),
      );
    case 'DatastoreConnectionsNearLimit':
      return facts.datastores.map((store) =>
        monitorFrom(facts, alert, {
          key: store.engine,
          subject: store.label,
          name: `${alert.name} (${alert.severity}): ${store.label}`,
          type: 'query alert',
          query: `min(${window}):${datastoreCheck[store.engine].connections(`project:${facts.project}`)} > 0.9`,
          thresholds: { critical: 0.9 },
        }),
      );
    default:
      return [];
  }
};

const restarts = (facts: MonitoringFacts) => (facts.platform === 'kubernetes' ? 'kubernetes.containers.restarts' : 'container.restarts');

const serviceAlerts = new Set(['HighErrorRate', 'HighLatency', 'ErrorBudgetBurn', 'LatencyBudgetBurn', 'ServiceDown', 'ConnectionPoolExhausted']);

/** One or more monitors per applicable alert of the catalog, in catalog order. */
export const datadogMonitors = (facts: MonitoringFacts): DatadogMonitor[] => {
  const monitors = agentAlertsFor(facts).flatMap((alert) => (serviceAlerts.has(alert.name) ? serviceMonitors(facts, alert) : otherMonitors(facts, alert)));
  const missing = agentAlertsFor(facts).filter((alert) => !monitors.some((monitor) => monitor.alert === alert.name && monitor.severity === alert.severity));
  if (missing.length > 0) throw new Error(`no Datadog monitor for ${missing.map((alert) => `${alert.name} (${alert.severity})`).join(', ')}`);
  return monitors;
};

/** The log statuses that count as errors, and as a crash (Datadog's status facet, from each line's level). */
const errorStatuses = 'status:(error OR critical OR alert OR emergency)';
/** Crash lines whatever the logger: Go's panics, Node's uncaught exceptions, Python's tracebacks, the JVM's OOM. */
const crashTerms = '(status:(critical OR alert OR emergency) OR panic OR Traceback OR OutOfMemoryError OR (fatal error) OR (uncaught exception) OR (unhandled rejection))';

export interface DatadogLogAlert {
  name: 'LogErrorsHigh' | 'LogCrashDetected';
  severity: Severity;
  summary: string;
}

/** The Loki ruler's log alerts of the Prometheus stack (logging.ts), as Datadog log monitors per service and env. */
export const datadogLogMonitors = (facts: MonitoringFacts): DatadogMonitor[] => {
  const scope = facts.platform === 'kubernetes' ? `kube_namespace:(${facts.environments.map((environment) => environment.namespace).join(' OR ')})` : `project:${facts.project}`;
  const monitor = (name: DatadogLogAlert['name'], severity: Severity, query: string, threshold: number, sentence: string): DatadogMonitor => ({
    resource: snake(`${name}_${severity}`),
    name: `${name} (${severity})`,
    alert: name,
    severity,
    type: 'log alert',
    query,
    thresholds: { critical: threshold },
    priority: priorityOf[severity],
    handle: handleOf[severity],
    message: [sentence, `Runbook: ${facts.runbook.url}#${name.toLowerCase()}`].join('\n\n'),
    tags: [`team:${facts.team}`, `project:${facts.project}`, `alert:${name}`, `severity:${severity}`, ...facts.environments.map((environment) => `env:${environment.name}`), 'managed-by:phase4'],
    notifyNoData: false,
  });
  return [
    monitor(
      'LogErrorsHigh',
      'warning',
      `logs("${scope} ${errorStatuses}").index("*").rollup("count").by("service,env").last("10m") > ${errorLinesPerMinute * 10}`,
      errorLinesPerMinute * 10,
      `{{service.name}} ({{env.name}}) has logged more than ${errorLinesPerMinute} lines a minute at status error or worse for 10 minutes.`,
    ),
    monitor(
      'LogCrashDetected',
      'critical',
      `logs("${scope} ${crashTerms}").index("*").rollup("count").by("service,env").last("5m") > 0`,
      0,
      '{{service.name}} ({{env.name}}) logged a panic, an uncaught exception, a traceback or a fatal error in the last 5 minutes.',
    ),
  ];
};

/** The endpoints the Agent's http_check probes (the blackbox probes of the Prometheus stack). */
const httpChecks = (facts: MonitoringFacts) =>
  facts.environments.flatMap((environment) =>
    environment.probes.map((probe) => ({
      name: `${probe.service}-${environment.name}`,
      url: probe.url,
      tags: [`project:${facts.project}`, `service:${probe.service}`, `env:${environment.name}`],
    })),
  );

/** Per traced service, the resources, the datastores (beside compose) and the SLOs. */
const datadogDashboards = (facts: MonitoringFacts): DatadogDashboard[] =>
  [
    ...tracedServices(facts).map((service) => serviceDashboard(facts, service, spanName(service))),
    resourcesDashboard(facts),
    datastoresDashboard(facts),
    sloDashboard(facts, datadogSlos(facts)),
  ].filter((dashboard): dashboard is DatadogDashboard => dashboard !== undefined);

const terraformFiles = (facts: MonitoringFacts): PlannedFile[] => {
  const dir = datadogLayout.terraform;
  const pins = terraformPins();
  const slos = datadogSlos(facts);
  const monitors = datadogMonitors(facts);
  const dashboards = datadogDashboards(facts);
  return [
    file(`${dir}/versions.tf`, 'datadog/terraform/versions.tf.ejs', { core: pins.core.constraint, provider: pins.providers.datadog }),
    file(`${dir}/main.tf`, 'datadog/terraform/main.tf.ejs', {}),
    file(`${dir}/variables.tf`, 'datadog/terraform/variables.tf.ejs', {}),
    file(`${dir}/monitors.tf`, 'datadog/terraform/monitors.tf.ejs', { monitors: [...monitors.filter((monitor) => monitor.type !== 'slo alert'), ...datadogLogMonitors(facts)] }),
    ...(slos.length > 0 ? [file(`${dir}/slos.tf`, 'datadog/terraform/slos.tf.ejs', { slos, monitors: monitors.filter((monitor) => monitor.type === 'slo alert') })] : []),
    file(`${dir}/dashboards.tf`, 'datadog/terraform/dashboards.tf.ejs', { dashboards }),
    ...dashboards.map((dashboard) => file(`${dir}/${dashboard.file}`, 'datadog/terraform/dashboard.json.ejs', { json: dashboard.json })),
    file(`${dir}/outputs.tf`, 'datadog/terraform/outputs.tf.ejs', { slos, monitors: [...monitors, ...datadogLogMonitors(facts)], dashboards }),
  ];
};

/** Everything the Agent is told, on either platform. */
const agentData = (facts: MonitoringFacts) => ({
  project: facts.project,
  team: facts.team,
  tags: [`project:${facts.project}`, `team:${facts.team}`],
  httpChecks: httpChecks(facts),
  scrape: poolWatched(facts).filter((service) => service.port && service.metricsPath),
  poolMetrics: poolPending,
  namespace: scrapeNamespace(facts),
});

const kubernetesAgent = (facts: MonitoringFacts): PlannedFile[] => {
  const chart = helmChart('datadog');
  return [
    file(datadogLayout.values, 'datadog/kubernetes/datadog.yaml.ejs', {
      ...agentData(facts),
      chart,
      namespace: monitoringNamespace,
      metricsNamespace: scrapeNamespace(facts),
      clusterName: facts.project,
      namespaces: facts.environments.map((environment) => environment.namespace),
    }),
  ];
};

const composeAgent = (facts: MonitoringFacts): PlannedFile[] => {
  const data = agentData(facts);
  return [
    file(datadogLayout.compose, 'datadog/compose/compose.monitoring.yaml.ejs', {
      ...data,
      image: imageRef('datadog-agent'),
      environment: facts.production.name,
      composeProject: facts.composeProject,
      services: facts.services,
      traced: tracedServices(facts).map((service) => service.name),
      datastores: facts.datastores.map((store) => ({ ...store, check: datadogCheckConfig(store) })),
      indent: (text: string, spaces: number) => text.replace(/^/gm, ' '.repeat(spaces)),
    }),
    { ...file(datadogLayout.secrets, 'datadog/compose/monitoring-secrets.sh.ejs', {}), executable: true },
    ...(data.httpChecks.length > 0 ? [file(datadogLayout.httpCheck, 'datadog/compose/http_check.yaml.ejs', { httpChecks: data.httpChecks })] : []),
  ];
};

/** The Agent's integration instance of a datastore (Autodiscovery labels of its compose service). */
const datadogCheckConfig = (store: MonitoredDatastore) => {
  const password = store.secrets[0] ? `ENC[file@/run/secrets/${store.secrets[0]}]` : undefined;
  const instance: Record<string, unknown> = { host: '%%host%%', port: store.port };
  if (store.engine === 'postgres') Object.assign(instance, { username: store.user, password, dbname: store.database });
  if (store.engine === 'mysql') Object.assign(instance, { username: store.user, password });
  if (store.engine === 'mongodb') Object.assign(instance, { hosts: [`%%host%%:${store.port}`], username: store.user, password, database: store.database });
  if (store.engine === 'redis') Object.assign(instance, password ? { password } : {});
  if (store.engine === 'mongodb') {
    delete instance.host;
    delete instance.port;
  }
  const clean = Object.fromEntries(Object.entries(instance).filter(([, value]) => value !== undefined));
  return { name: datadogCheck(store), instances: JSON.stringify([clean]) };
};

const datadogCheck = (store: MonitoredDatastore) => datastoreCheck[store.engine].check;

/** The files of `monitoring: datadog`: the Agent for the platform, and the Terraform root of monitors, SLOs and dashboards. */
const datadogFiles = (facts: MonitoringFacts): PlannedFile[] => [
  ...(facts.platform === 'kubernetes' ? kubernetesAgent(facts) : composeAgent(facts)),
  ...terraformFiles(facts),
];

export interface DatadogRunbookSection {
  name: string;
  anchor: string;
  group: AlertDefinition['group'];
  rules: { severity: Severity; for: string; description: string; monitors: { name: string; type: string; query: string }[] }[];
}

/** The runbook's sections: one per alert name, with the monitors that stand for each of its severities. */
const datadogRunbookSections = (facts: MonitoringFacts): DatadogRunbookSection[] => {
  const monitors = datadogMonitors(facts);
  const applicable = agentAlertsFor(facts);
  return [...new Set(applicable.map((alert) => alert.name))].map((name) => {
    const rules = applicable.filter((alert) => alert.name === name);
    return {
      name,
      anchor: runbookAnchor({ name }),
      group: rules[0].group,
      rules: rules.map((alert) => ({
        severity: alert.severity,
        for: alert.for,
        // The monitors' template variables (`{{env.name}}`) mean nothing in the runbook.
        description: describe(facts, alert, runbookSubjects[alert.name] ?? 'the service').replace(/ \(\{\{[\w.]+\}\}\)| in \{\{[\w.]+\}\}/g, ''),
        monitors: monitors
          .filter((monitor) => monitor.alert === name && monitor.severity === alert.severity)
          .map((monitor) => ({ name: monitor.name, type: monitor.type, query: monitor.query.replace(/\$\{datadog_service_level_objective\.(\w+)\.id\}/, '<id of SLO $1>') })),
      })),
    };
  });
};

/** What docs/monitoring.md says for Datadog: the files' roles and what the reader installs and creates. */
const datadogDocs = (facts: MonitoringFacts) => ({
  chart: facts.platform === 'kubernetes' ? helmChart('datadog') : undefined,
  image: facts.platform === 'compose' ? imageRef('datadog-agent') : undefined,
  provider: terraformPins().providers.datadog,
  monitors: datadogMonitors(facts),
  slos: datadogSlos(facts),
  httpChecks: httpChecks(facts),
  namespace: monitoringNamespace,
  spans: tracedServices(facts).map((service) => ({ service: service.name, span: spanName(service) })),
  dashboards: datadogDashboards(facts),
  errorLinesPerMinute,
});

const planDatadog = (model: StackModel, facts: MonitoringFacts): PlannedFile[] => {
  const files = datadogFiles(facts);
  const docs = file(monitoringLayout.docs, 'datadog/monitoring.md.ejs', {
    facts,
    kubernetes: facts.platform === 'kubernetes',
    files: [...files.map((planned) => planned.path), monitoringLayout.runbook].sort(),
    ...datadogDocs(facts),
    percent,
  });
  // The runbook of the prometheus-grafana stack shows PromQL and points at Grafana and Loki: Datadog's has the
  // same sections (the monitors link to them) with the monitors' queries and where to look in Datadog.
  const runbook = file(monitoringLayout.runbook, 'datadog/alerts.md.ejs', { facts, sections: datadogRunbookSections(facts), logMonitors: datadogLogMonitors(facts), errorLinesPerMinute, percent });
  return [...files, runbook, docs].sort(byPath);
};


export const datadog: MonitoringStack = {
  summary: 'the Datadog Agent (Helm values or a compose service) with APM and logs, and a Terraform root of the same alerts as monitors, SLOs with burn-rate monitors, and dashboards',
  plan: planDatadog,
  nextSteps: (model) => [
    model.config.orchestration === 'none'
      ? 'monitoring: put the Datadog API key into secrets/datadog-api-key.txt, then start compose.monitoring.yaml with DD_SITE and DD_ENV set (docs/monitoring.md)'
      : 'monitoring: create the datadog-secret Secret (key api-key) in the monitoring namespace, then install the datadog chart with monitoring/kubernetes/values/datadog.yaml and your datadog.site (docs/monitoring.md)',
    'monitoring: with TF_VAR_datadog_api_key, TF_VAR_datadog_app_key, TF_VAR_pager_handle and TF_VAR_chat_handle set, run terraform -chdir=monitoring/datadog init and apply (docs/monitoring.md)',
  ],
};
