/**
 * monitoring: cloudwatch (AWS only). One Terraform root per environment, monitoring/cloudwatch/environments/<env>,
 * that writes the alerts of lib/monitoring/alerts.ts as CloudWatch alarms (same names, same severities, same
 * runbook sections) on the resources the Terraform area creates, looked up by the names lib/plan/naming.ts gives
 * them; the notification topics come from one module, monitoring/cloudwatch/modules/notifications.
 *
 * Where the data comes from:
 * - ECS Fargate (orchestration none): requests, 5xx answers and latency from the load balancer's target group
 *   metrics (AWS/ApplicationELB), which see every request a public service answers; CPU, memory, ephemeral
 *   storage and running tasks from Container Insights (ECS/ContainerInsights, the cluster has it enabled);
 *   tasks whose essential container exited from ECS task state change events, which an EventBridge rule writes to
 *   a log group of this root.
 * - EKS: the services' own HTTP metrics (the OpenTelemetry, Micrometer or Prometheus client histograms of
 *   lib/monitoring/metrics.ts), scraped from their /metrics by an AWS Distro for OpenTelemetry collector and
 *   published by its CloudWatch EMF exporter; pods, restarts and node disks from Container Insights (the
 *   amazon-cloudwatch-observability add-on, which also ships container logs with Fluent Bit).
 * - Both: the datastores' own metrics (AWS/RDS, AWS/DocDB, AWS/ElastiCache), ACM's DaysToExpiry, Route 53 health
 *   checks of the public health routes, and metric filters on the services' log groups.
 */
import { alerts as catalog, alertsFor, type AlertDefinition, type Severity } from '../../monitoring/alerts.js';
import type { MonitoredEnvironment, MonitoredService, MonitoringFacts } from '../../monitoring/facts.js';
import { httpMetricSchemes } from '../../monitoring/metrics.js';
import type { StackModel } from '../../model/types.js';
import { monitoringNamespace } from '../../kubernetes/workloads.js';
import { managedFile } from '../../plan/managed-file.js';
import { environmentResourceName } from '../../plan/naming.js';
import type { PlannedFile } from '../../plan/types.js';
import { hclString } from '../../render/hcl.js';
import { infrastructureOf, type InfraFacts } from '../../terraform/infrastructure.js';
import { terraformPins } from '../../versions/index.js';
import { byPath } from '../../order.js';
import { errorLinesPerMinute } from './logging.js';
import { runbookAnchor } from './rules.js';
import { monitoringLayout, percent, type MonitoringStack } from './stack.js';

const file = managedFile('monitoring');

export const cloudwatchLayout = {
  root: 'monitoring/cloudwatch',
  environment: (environment: string) => `monitoring/cloudwatch/environments/${environment}`,
  notifications: 'monitoring/cloudwatch/modules/notifications',
  collector: (environment: string) => `monitoring/kubernetes/cloudwatch/otel-collector-${environment}.yaml`,
} as const;

/** The CloudWatch namespaces of what this stack publishes itself. */
const appNamespace = (facts: MonitoringFacts) => `${facts.project}/Application`;
const logsNamespace = (facts: MonitoringFacts) => `${facts.project}/Logs`;
const tasksNamespace = (facts: MonitoringFacts) => `${facts.project}/ECS`;

/** The service account of the collector, which EKS Pod Identity gives its role. */
export const collectorServiceAccount = 'cloudwatch-otel-collector';

export interface MetricRef {
  namespace: string;
  metric: string;
  /** Dimension name and its value as HCL (a quoted string or a reference). */
  dimensions: [string, string][];
  stat: string;
  period: number;
}

export interface MetricQuery {
  id: string;
  expression?: string;
  metric?: MetricRef;
  label?: string;
  returnData: boolean;
}

export interface CloudWatchAlarm {
  resource: string;
  /** alarm_name as HCL (a quoted string, with `${each.key}` when the alarm repeats over `forEach`). */
  name: string;
  /** The catalog alert it stands for (or the CloudWatch-only alert of `extraAlerts`). */
  alert: string;
  severity: Severity;
  description: string;
  /** Who hears about it: a burn-rate window alarm notifies no one, its composite does. */
  topic: 'pager' | 'chat' | 'none';
  comparison: 'GreaterThanThreshold' | 'LessThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanOrEqualToThreshold';
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: 'missing' | 'notBreaching' | 'breaching';
  metric?: MetricRef;
  queries?: MetricQuery[];
  forEach?: string;
  /** Route 53 health check metrics exist in us-east-1 only. */
  usEast1?: boolean;
}

export interface CompositeAlarm {
  resource: string;
  name: string;
  alert: string;
  severity: Severity;
  description: string;
  topic: 'pager' | 'chat';
  /** The alarm rule, as an HCL string template over the window alarms' names. */
  rule: string;
  /** Each `(long AND short)` pair: the window alarms' resources. */
  pairs: [string, string][];
}

/** An alert of this stack: the catalog's, or one CloudWatch adds (datastore saturation, log lines). */
interface StackAlert {
  name: string;
  group: AlertDefinition['group'] | 'logs';
  severity: Severity;
  for: string;
}

const snake = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();

const minutes = (duration: string): number => {
  const match = /^(\d+)([mhd])$/.exec(duration);
  if (!match) return 0;
  return Number(match[1]) * { m: 1, h: 60, d: 1440 }[match[2] as 'm' | 'h' | 'd'];
};

/** Periods of 5 minutes that cover the alert's `for` (at least one). */
const periodsFor = (alert: Pick<StackAlert, 'for'>) => Math.max(1, Math.ceil(minutes(alert.for) / 5));

/** The catalog's datastore alerts watch exporters (compose); on AWS the managed services publish the same facts. */
const datastoreAlertNames = new Set(['DatastoreDown', 'DatastoreConnectionsNearLimit']);

/** CloudWatch-only alerts: what the managed datastores and the log groups add to the catalog. */
const extraAlerts = (facts: MonitoringFacts): StackAlert[] => [
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
 * The alerts this stack writes: every applicable alert of the catalog, the catalog's datastore alerts whenever
 * the project has a datastore, and the CloudWatch-only ones.
 */
export const cloudwatchAlerts = (facts: MonitoringFacts): StackAlert[] => {
  const applicable = alertsFor(facts);
  const datastore = facts.datastores.length > 0 ? catalog.filter((alert) => datastoreAlertNames.has(alert.name) && !applicable.includes(alert)) : [];
  return [...applicable, ...datastore, ...extraAlerts(facts)];
};

/** What each alert says in CloudWatch's terms. */
const descriptions: Record<string, (facts: MonitoringFacts, subject: string, severity: Severity) => string> = {
  HighErrorRate: (facts, subject) => `More than ${percent(facts.thresholds.errorRatio)} of the requests to ${subject} failed with a 5xx status over the last 5 minutes.`,
  HighLatency: (facts, subject) =>
    facts.platform === 'kubernetes'
      ? `The mean request duration of ${subject} has been above ${facts.thresholds.latencySeconds} s for 10 minutes (the EMF exporter publishes histograms as statistic sets: no percentiles).`
      : `The 95th percentile of the response times of ${subject} has been above ${facts.thresholds.latencySeconds} s for 10 minutes.`,
  ErrorBudgetBurn: (facts, subject, severity) =>
    severity === 'critical'
      ? `${subject} fails requests at 6 to 14.4 times the rate its ${percent(facts.thresholds.objective)} availability objective allows, over a long and a short window: at this pace the 30-day error budget is gone within days.`
      : `${subject} fails requests at 1 to 3 times the rate its ${percent(facts.thresholds.objective)} availability objective allows, over a long and a short window: the 30-day error budget will not last the month.`,
  LatencyBudgetBurn: (facts, subject, severity) =>
    severity === 'critical'
      ? `Requests to ${subject} take longer than ${facts.thresholds.latencySeconds} s at 6 to 14.4 times the rate its ${percent(facts.thresholds.objective)} latency objective allows, over a long and a short window.`
      : `Requests to ${subject} take longer than ${facts.thresholds.latencySeconds} s at 1 to 3 times the rate its ${percent(facts.thresholds.objective)} latency objective allows, over a long and a short window.`,
  ServiceDown: (facts, subject) => `No ${facts.platform === 'kubernetes' ? 'pod' : 'task'} of ${subject} has been running for 5 minutes: the service is down.`,
  TargetDown: (facts, subject) =>
    facts.platform === 'kubernetes'
      ? `The collector has failed to scrape a pod of ${subject} for 10 minutes: its metrics are missing, and the alarms that read them stay quiet.`
      : `The load balancer has counted an unhealthy target of ${subject} for 10 minutes: a task fails its health check.`,
  EndpointDown: (_facts, subject) => `The Route 53 health checkers have failed to get an answer from ${subject} for 5 minutes: users cannot reach it, or its certificate or DNS is broken.`,
  CertificateExpiry: (facts, subject, severity) =>
    severity === 'critical'
      ? `The ACM certificate of ${subject} expires in less than ${facts.thresholds.certificateCriticalDays} days: browsers and clients will refuse the site when it does.`
      : `The ACM certificate of ${subject} expires in less than ${facts.thresholds.certificateWarningDays} days, and ACM has not renewed it (its DNS validation records are missing or changed).`,
  HighCpuUsage: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.cpuRatio)} of its CPU ${facts.platform === 'kubernetes' ? 'limit' : 'reservation'} for 5 minutes: it is being throttled and answers slowly.`,
  HighMemoryUsage: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.memoryRatio)} of its memory ${facts.platform === 'kubernetes' ? 'limit' : 'reservation'} for 5 minutes: it is killed when it reaches the limit.`,
  DiskSpaceLow: (facts, subject) => `${subject} has had less than ${percent(facts.thresholds.diskFreeRatio)} of its space free for 15 minutes.`,
  ContainerRestarting: (facts, subject) => `${subject} ${facts.platform === 'kubernetes' ? 'restarted more than twice' : 'had more than two tasks stop because their container exited'} in 15 minutes.`,
  ContainerCrashLooping: (facts, subject) =>
    facts.platform === 'kubernetes' ? `A pod of ${subject} has been in CrashLoopBackOff for 10 minutes: it exits as soon as it starts.` : `${subject} had 5 or more tasks stop because their container exited, in 15 minutes: it exits as soon as it starts.`,
  DatastoreDown: (_facts, subject) => `${subject} has published no metrics for 5 minutes: it is stopped, failing over or unreachable, and the services that use it fail.`,
  DatastoreConnectionsNearLimit: (_facts, subject) => `More than 90% of the connections ${subject} allows have been in use for 10 minutes: new connections will soon be refused.`,
  DatastoreCpuHigh: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.cpuRatio)} of its CPU for 15 minutes: queries queue and slow down.`,
  DatabaseStorageLow: (facts, subject) => `${subject} has had less than ${percent(facts.thresholds.diskFreeRatio)} of its allocated storage free for 15 minutes.`,
  CacheMemoryHigh: (facts, subject) => `${subject} has used more than ${percent(facts.thresholds.memoryRatio)} of its memory for 15 minutes: it evicts keys, or refuses writes.`,
  ConnectionPoolExhausted: (_facts, subject) => `${subject} logged that a request timed out waiting for a database connection from its pool, in each of the last 5 minutes: every connection is busy.`,
  LogErrorsHigh: (_facts, subject) => `${subject} has written more than ${errorLinesPerMinute} error lines a minute over 5 minutes, for 10 minutes.`,
  LogCrashDetected: (_facts, subject) => `${subject} wrote a crash line (panic, uncaught exception, traceback, fatal error) in the last 5 minutes.`,
};

const describe = (facts: MonitoringFacts, alert: Pick<StackAlert, 'name' | 'severity'>, subject: string): string => {
  const text = descriptions[alert.name];
  if (!text) throw new Error(`no CloudWatch description for the alert ${alert.name}`);
  // Service names keep their case, even at the start of a sentence.
  return text(facts, subject, alert.severity);
};

const runbookLink = (facts: MonitoringFacts, alert: Pick<StackAlert, 'name'>) => `${facts.runbook.url}#${runbookAnchor(alert)}`;

/** Everything an environment's alarms name: the Terraform area's resources, by the area's own names. */
interface Target {
  facts: MonitoringFacts;
  infra: InfraFacts;
  environment: MonitoredEnvironment;
  /** `<project>-<environment>`: the cluster, load balancer, database and cache. */
  name: string;
  kubernetes: boolean;
}

/** The services that answer HTTP and serve metrics, and on ECS only those behind the load balancer. */
const httpServices = (target: Target): MonitoredService[] =>
  target.facts.services.filter((service) => service.exposesMetrics && (target.kubernetes || target.infra.services.find((infra) => infra.name === service.name)?.route));

/** The ECS service's name, as the Terraform area names it (deployLayout's cloudWorkload). */
const workloadOf = (target: Target, service: string) => target.infra.services.find((infra) => infra.name === service)!.workload;

/** A single-metric alarm's or a query's metric. */
const metric = (namespace: string, name: string, dimensions: [string, string][], stat: string, period = 300): MetricRef => ({ namespace, metric: name, dimensions, stat, period });

const quoted = (value: string) => hclString(value);

/** Load balancer and target group dimensions of a public ECS service. */
const albDimensions = (service: string): [string, string][] => [
  ['LoadBalancer', 'data.aws_lb.application.arn_suffix'],
  ['TargetGroup', `data.aws_lb_target_group.service[${quoted(service)}].arn_suffix`],
];

/** The namespace and service dimensions of the collector's metrics (EKS). */
const appDimensions = (target: Target, service: string): [string, string][] => [
  ['Namespace', quoted(target.environment.namespace)],
  ['Service', quoted(service)],
];

/** Requests and 5xx answers of a service over `period` seconds: queries `requests` and `errors`. */
const trafficQueries = (target: Target, service: string, period: number, prefix = ''): MetricQuery[] => {
  if (!target.kubernetes) {
    return [
      { id: `${prefix}requests`, metric: metric('AWS/ApplicationELB', 'RequestCount', albDimensions(service), 'Sum', period), returnData: false },
      { id: `${prefix}errors`, metric: metric('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', albDimensions(service), 'Sum', period), returnData: false },
    ];
  }
  // One histogram per naming scheme; a service uses one of them, the others stay empty (FILL).
  const schemes = httpMetricSchemes.map((scheme, index) => ({ index, name: scheme.count.replace(/_count$/, '') }));
  return [
    ...schemes.map(({ index, name }) => ({ id: `${prefix}all${index}`, metric: metric(appNamespace(target.facts), name, appDimensions(target, service), 'SampleCount', period), returnData: false })),
    ...schemes.map(({ index, name }) => ({
      id: `${prefix}err${index}`,
      metric: metric(appNamespace(target.facts), name, [...appDimensions(target, service), ['StatusClass', quoted('5xx')]], 'SampleCount', period),
      returnData: false,
    })),
    { id: `${prefix}requests`, expression: schemes.map(({ index }) => `FILL(${prefix}all${index}, 0)`).join(' + '), returnData: false },
    { id: `${prefix}errors`, expression: schemes.map(({ index }) => `FILL(${prefix}err${index}, 0)`).join(' + '), returnData: false },
  ];
};

/** The share of requests slower than the threshold (ECS: the load balancer's percentile rank of response times). */
const slowQueries = (target: Target, service: string, period: number, prefix = ''): MetricQuery[] => {
  const threshold = target.facts.thresholds.latencySeconds;
  if (!target.kubernetes) {
    return [{ id: `${prefix}fast`, metric: metric('AWS/ApplicationELB', 'TargetResponseTime', albDimensions(service), `PR(:${threshold})`, period), returnData: false }];
  }
  const schemes = httpMetricSchemes.map((scheme, index) => ({ index, name: scheme.count.replace(/_count$/, '') }));
  return [
    ...schemes.flatMap(({ index, name }) => [
      { id: `${prefix}sum${index}`, metric: metric(appNamespace(target.facts), name, appDimensions(target, service), 'Sum', period), returnData: false },
      { id: `${prefix}cnt${index}`, metric: metric(appNamespace(target.facts), name, appDimensions(target, service), 'SampleCount', period), returnData: false },
    ]),
    {
      id: `${prefix}mean`,
      expression: `(${schemes.map(({ index }) => `FILL(${prefix}sum${index}, 0)`).join(' + ')}) / (${schemes.map(({ index }) => `FILL(${prefix}cnt${index}, 0)`).join(' + ')})`,
      returnData: false,
    },
  ];
};

/** The fast and slow pairs of the multi-window burn-rate alerts (the SRE workbook's, as in alerts.ts). */
const burnPairs: Record<Severity, { long: string; short: string; factor: number }[]> = {
  critical: [
    { long: '1h', short: '5m', factor: 14.4 },
    { long: '6h', short: '30m', factor: 6 },
  ],
  warning: [
    { long: '1d', short: '2h', factor: 3 },
    { long: '3d', short: '6h', factor: 1 },
  ],
};

interface Built {
  alarms: CloudWatchAlarm[];
  composites: CompositeAlarm[];
}

const alarmName = (target: Target, alert: Pick<StackAlert, 'name' | 'severity'>, key: string) => `${target.name}-${alert.name}-${alert.severity}${key ? `-${key}` : ''}`;

const alarmFrom = (
  target: Target,
  alert: StackAlert,
  input: Omit<CloudWatchAlarm, 'resource' | 'name' | 'alert' | 'severity' | 'description' | 'topic' | 'evaluationPeriods' | 'datapointsToAlarm'> & {
    key: string;
    subject: string;
    evaluationPeriods?: number;
    datapointsToAlarm?: number;
    name?: string;
  },
): CloudWatchAlarm => {
  const { key, subject, name, ...rest } = input;
  const periods = input.evaluationPeriods ?? periodsFor(alert);
  return {
    resource: snake(`${alert.name}_${alert.severity}${key ? `_${key}` : ''}`),
    name: name ?? quoted(alarmName(target, alert, key)),
    alert: alert.name,
    severity: alert.severity,
    description: `${describe(target.facts, alert, subject)} Runbook: ${runbookLink(target.facts, alert)}`,
    topic: alert.severity === 'critical' ? 'pager' : 'chat',
    ...rest,
    evaluationPeriods: periods,
    datapointsToAlarm: input.datapointsToAlarm ?? periods,
  };
};

const windowSeconds = (window: string) => minutes(window) * 60;

/** The window alarms and composites of one burn-rate alert of one service. */
const burnRate = (target: Target, alert: StackAlert, service: MonitoredService): Built => {
  const budget = target.facts.thresholds.errorBudget;
  const availability = alert.name === 'ErrorBudgetBurn';
  const windows = [...new Set(burnPairs[alert.severity].flatMap((pair) => [pair.long, pair.short]))];
  const factorOf = (window: string) => burnPairs[alert.severity].find((pair) => pair.long === window || pair.short === window)!.factor;
  const windowAlarm = (window: string): CloudWatchAlarm => {
    const period = windowSeconds(window);
    const line = Number((factorOf(window) * budget).toPrecision(6));
    const description = availability
      ? `5xx share of ${service.name}'s requests over ${window}`
      : target.kubernetes
        ? `whether ${service.name}'s mean request duration over ${window} is above ${target.facts.thresholds.latencySeconds} s (1) or not (0)`
        : `share of ${service.name}'s requests slower than ${target.facts.thresholds.latencySeconds} s over ${window}`;
    const queries = availability
      ? [...trafficQueries(target, service.name, period), { id: 'ratio', expression: 'IF(requests > 0, errors / requests, 0)', label: `5xx share over ${window}`, returnData: true }]
      : target.kubernetes
        ? [...slowQueries(target, service.name, period), { id: 'ratio', expression: `IF(mean > ${target.facts.thresholds.latencySeconds}, 1, 0)`, label: `mean above the threshold over ${window}`, returnData: true }]
        : [...slowQueries(target, service.name, period), { id: 'ratio', expression: '(100 - FILL(fast, 100)) / 100', label: `share slower than ${target.facts.thresholds.latencySeconds} s over ${window}`, returnData: true }];
    return {
      ...alarmFrom(target, alert, {
        key: `${service.name}_${window}`,
        subject: service.name,
        comparison: 'GreaterThanThreshold',
        threshold: line,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: 'notBreaching',
        queries,
      }),
      name: quoted(`${target.name}-${alert.name}-${service.name}-${window}`),
      description: `${window} window of ${alert.name} (${alert.severity}): the ${description}, against ${factorOf(window)} times the error budget (${line}). Notifies through its composite alarm. Runbook: ${runbookLink(target.facts, alert)}`,
      topic: 'none',
    };
  };
  const alarms = windows.map(windowAlarm);
  const byWindow = new Map(windows.map((window, index) => [window, alarms[index]]));
  const pairs = burnPairs[alert.severity].map((pair): [string, string] => [byWindow.get(pair.long)!.resource, byWindow.get(pair.short)!.resource]);
  const composite: CompositeAlarm = {
    resource: snake(`${alert.name}_${alert.severity}_${service.name}`),
    name: alarmName(target, alert, service.name),
    alert: alert.name,
    severity: alert.severity,
    description: `${describe(target.facts, alert, service.name)} Runbook: ${runbookLink(target.facts, alert)}`,
    topic: alert.severity === 'critical' ? 'pager' : 'chat',
    rule: pairs.map(([long, short]) => `(ALARM(\${aws_cloudwatch_metric_alarm.${long}.alarm_name}) AND ALARM(\${aws_cloudwatch_metric_alarm.${short}.alarm_name}))`).join(' OR '),
    pairs,
  };
  return { alarms, composites: [composite] };
};

const serviceAlarms = (target: Target, alert: StackAlert): Built => {
  const built: Built = { alarms: [], composites: [] };
  const { facts } = target;
  const services = httpServices(target);
  for (const service of services) {
    const common = { key: service.name, subject: service.name };
    switch (alert.name) {
      case 'HighErrorRate':
        built.alarms.push(
          alarmFrom(target, alert, {
            ...common,
            comparison: 'GreaterThanThreshold',
            threshold: facts.thresholds.errorRatio,
            treatMissingData: 'notBreaching',
            queries: [...trafficQueries(target, service.name, 300), { id: 'ratio', expression: 'IF(requests > 0, errors / requests, 0)', label: '5xx share of requests', returnData: true }],
          }),
        );
        break;
      case 'HighLatency':
        built.alarms.push(
          target.kubernetes
            ? alarmFrom(target, alert, {
                ...common,
                comparison: 'GreaterThanThreshold',
                threshold: facts.thresholds.latencySeconds,
                treatMissingData: 'notBreaching',
                queries: [...slowQueries(target, service.name, 300), { id: 'latency', expression: 'mean', label: 'mean request duration (s)', returnData: true }],
              })
            : alarmFrom(target, alert, {
                ...common,
                comparison: 'GreaterThanThreshold',
                threshold: facts.thresholds.latencySeconds,
                treatMissingData: 'notBreaching',
                metric: metric('AWS/ApplicationELB', 'TargetResponseTime', albDimensions(service.name), 'p95'),
              }),
        );
        break;
      case 'ErrorBudgetBurn':
      case 'LatencyBudgetBurn': {
        const burn = burnRate(target, alert, service);
        built.alarms.push(...burn.alarms);
        built.composites.push(...burn.composites);
        break;
      }
      case 'ServiceDown':
        built.alarms.push(
          target.kubernetes
            ? alarmFrom(target, alert, {
                ...common,
                comparison: 'LessThanThreshold',
                threshold: 1,
                treatMissingData: 'breaching',
                metric: metric('ContainerInsights', 'service_number_of_running_pods', [['ClusterName', quoted(target.name)], ['Namespace', quoted(target.environment.namespace)], ['Service', quoted(service.name)]], 'Maximum', 60),
                evaluationPeriods: 5,
              })
            : alarmFrom(target, alert, {
                ...common,
                comparison: 'LessThanThreshold',
                threshold: 1,
                treatMissingData: 'breaching',
                metric: metric('ECS/ContainerInsights', 'RunningTaskCount', ecsDimensions(target, service.name), 'Maximum', 60),
                evaluationPeriods: 5,
              }),
        );
        break;
      case 'TargetDown':
        built.alarms.push(
          target.kubernetes
            ? alarmFrom(target, alert, {
                ...common,
                comparison: 'LessThanThreshold',
                threshold: 1,
                treatMissingData: 'breaching',
                metric: metric(appNamespace(facts), 'up', appDimensions(target, service.name), 'Minimum'),
              })
            : alarmFrom(target, alert, {
                ...common,
                comparison: 'GreaterThanThreshold',
                threshold: 0,
                treatMissingData: 'notBreaching',
                metric: metric('AWS/ApplicationELB', 'UnHealthyHostCount', albDimensions(service.name), 'Maximum'),
              }),
        );
        break;
      default:
        break;
    }
  }
  return built;
};

const ecsDimensions = (target: Target, service: string): [string, string][] => [
  ['ClusterName', quoted(target.name)],
  ['ServiceName', quoted(workloadOf(target, service))],
];

/** Container Insights' pod dimensions on EKS: the pods of a workload carry its name. */
const podDimensions = (target: Target, service: string): [string, string][] => [
  ['ClusterName', quoted(target.name)],
  ['Namespace', quoted(target.environment.namespace)],
  ['PodName', quoted(service)],
];

const resourceAlarms = (target: Target, alert: StackAlert): CloudWatchAlarm[] => {
  const { facts } = target;
  const each = (build: (service: MonitoredService) => CloudWatchAlarm) => facts.services.map(build);
  const usage = (ecsUsed: string, ecsReserved: string, eksMetric: string, threshold: number) =>
    each((service) =>
      alarmFrom(target, alert, {
        key: service.name,
        subject: `${service.name} (${target.kubernetes ? 'a pod' : 'its tasks'})`,
        comparison: 'GreaterThanThreshold',
        threshold: Number((threshold * 100).toPrecision(6)),
        treatMissingData: 'notBreaching',
        ...(target.kubernetes
          ? { metric: metric('ContainerInsights', eksMetric, podDimensions(target, service.name), 'Maximum') }
          : {
              queries: [
                { id: 'used', metric: metric('ECS/ContainerInsights', ecsUsed, ecsDimensions(target, service.name), 'Sum'), returnData: false },
                { id: 'reserved', metric: metric('ECS/ContainerInsights', ecsReserved, ecsDimensions(target, service.name), 'Sum'), returnData: false },
                { id: 'percent', expression: 'IF(reserved > 0, 100 * used / reserved, 0)', label: `${ecsUsed} / ${ecsReserved} (%)`, returnData: true },
              ],
            }),
      }),
    );
  switch (alert.name) {
    case 'HighCpuUsage':
      return usage('CpuUtilized', 'CpuReserved', 'pod_cpu_utilization_over_pod_limit', facts.thresholds.cpuRatio);
    case 'HighMemoryUsage':
      return usage('MemoryUtilized', 'MemoryReserved', 'pod_memory_utilization_over_pod_limit', facts.thresholds.memoryRatio);
    case 'DiskSpaceLow': {
      const free = Number((facts.thresholds.diskFreeRatio * 100).toPrecision(6));
      if (target.kubernetes) {
        return [
          alarmFrom(target, alert, {
            key: '',
            subject: `A node of ${target.name}`,
            comparison: 'LessThanThreshold',
            threshold: free,
            treatMissingData: 'notBreaching',
            queries: [
              { id: 'used', metric: metric('ContainerInsights', 'node_filesystem_utilization', [['ClusterName', quoted(target.name)]], 'Maximum'), returnData: false },
              { id: 'free', expression: '100 - used', label: 'free space of the fullest node filesystem (%)', returnData: true },
            ],
          }),
        ];
      }
      return each((service) =>
        alarmFrom(target, alert, {
          key: service.name,
          subject: `The ephemeral storage of ${service.name}'s tasks`,
          comparison: 'LessThanThreshold',
          threshold: free,
          treatMissingData: 'notBreaching',
          queries: [
            { id: 'used', metric: metric('ECS/ContainerInsights', 'EphemeralStorageUtilized', ecsDimensions(target, service.name), 'Maximum'), returnData: false },
            { id: 'reserved', metric: metric('ECS/ContainerInsights', 'EphemeralStorageReserved', ecsDimensions(target, service.name), 'Maximum'), returnData: false },
            { id: 'free', expression: 'IF(reserved > 0, 100 * (reserved - used) / reserved, 100)', label: 'free ephemeral storage (%)', returnData: true },
          ],
        }),
      );
    }
    case 'ContainerRestarting':
    case 'ContainerCrashLooping': {
      const crash = alert.name === 'ContainerCrashLooping';
      return each((service) =>
        target.kubernetes
          ? alarmFrom(target, alert, {
              key: service.name,
              subject: service.name,
              comparison: crash ? 'GreaterThanOrEqualToThreshold' : 'GreaterThanThreshold',
              threshold: crash ? 1 : 2,
              treatMissingData: 'notBreaching',
              ...(crash
                ? { metric: metric('ContainerInsights', 'pod_container_status_waiting_reason_crash_loop_back_off', podDimensions(target, service.name), 'Maximum'), evaluationPeriods: 2 }
                : { metric: metric('ContainerInsights', 'pod_number_of_container_restarts', podDimensions(target, service.name), 'Sum', 900), evaluationPeriods: 1 }),
            })
          : alarmFrom(target, alert, {
              key: service.name,
              subject: service.name,
              comparison: crash ? 'GreaterThanOrEqualToThreshold' : 'GreaterThanThreshold',
              threshold: crash ? 5 : 2,
              treatMissingData: 'notBreaching',
              metric: metric(tasksNamespace(facts), 'ExitedTasks', [['Group', quoted(`service:${workloadOf(target, service.name)}`)]], 'Sum', 900),
              evaluationPeriods: 1,
            }),
      );
    }
    default:
      return [];
  }
};

/** Where the endpoint alarms come from: Route 53 health checks (us-east-1) and ACM's DaysToExpiry (the region). */
const endpointAlarms = (target: Target, alert: StackAlert): CloudWatchAlarm[] => {
  const { facts, environment } = target;
  if (alert.name === 'EndpointDown') {
    return environment.probes.map((probe) =>
      alarmFrom(target, alert, {
        key: probe.service,
        subject: probe.url,
        comparison: 'LessThanThreshold',
        threshold: 1,
        treatMissingData: 'breaching',
        metric: metric('AWS/Route53', 'HealthCheckStatus', [['HealthCheckId', `aws_route53_health_check.endpoint[${quoted(probe.service)}].id`]], 'Minimum', 60),
        evaluationPeriods: 5,
        usEast1: true,
      }),
    );
  }
  if (alert.name === 'CertificateExpiry') {
    const days = alert.severity === 'critical' ? facts.thresholds.certificateCriticalDays : facts.thresholds.certificateWarningDays;
    return [
      alarmFrom(target, alert, {
        key: '',
        subject: environment.probes[0] ? new URL(environment.probes[0].url).host : target.name,
        comparison: 'LessThanThreshold',
        threshold: days,
        treatMissingData: 'missing',
        // ACM publishes DaysToExpiry once a day.
        metric: metric('AWS/CertificateManager', 'DaysToExpiry', [['CertificateArn', 'data.aws_acm_certificate.public.arn']], 'Minimum', 86400),
        evaluationPeriods: 1,
      }),
    ];
  }
  return [];
};

const datastoreAlarms = (target: Target, alert: StackAlert): CloudWatchAlarm[] => {
  const { facts } = target;
  const database = facts.datastores.find((store) => store.role === 'database');
  const cache = facts.datastores.find((store) => store.role === 'cache');
  const rds = database && database.engine !== 'mongodb';
  const databaseNamespace = rds ? 'AWS/RDS' : 'AWS/DocDB';
  const databaseDimensions: [string, string][] = rds ? [['DBInstanceIdentifier', quoted(target.name)]] : [['DBClusterIdentifier', quoted(target.name)]];
  const cacheDimensions: [string, string][] = [['CacheClusterId', 'each.key']];
  const cacheName = `"${target.name}-${alert.name}-${alert.severity}-cache-\${each.key}"`;
  const alarms: CloudWatchAlarm[] = [];
  switch (alert.name) {
    case 'DatastoreDown':
      if (database) {
        alarms.push(
          alarmFrom(target, alert, {
            key: 'database',
            subject: `The ${database.label} ${rds ? 'instance' : 'cluster'} ${target.name}`,
            comparison: 'LessThanThreshold',
            threshold: 1,
            treatMissingData: 'breaching',
            metric: metric(databaseNamespace, 'CPUUtilization', databaseDimensions, 'SampleCount', 60),
            evaluationPeriods: 5,
          }),
        );
      }
      if (cache) {
        alarms.push(
          alarmFrom(target, alert, {
            key: 'cache',
            name: cacheName,
            subject: `A ${cache.label} node of ${target.name}`,
            comparison: 'LessThanThreshold',
            threshold: 1,
            treatMissingData: 'breaching',
            metric: metric('AWS/ElastiCache', 'EngineCPUUtilization', cacheDimensions, 'SampleCount', 60),
            evaluationPeriods: 5,
            forEach: 'data.aws_elasticache_replication_group.cache.member_clusters',
          }),
        );
      }
      return alarms;
    case 'DatastoreConnectionsNearLimit':
      if (database) {
        alarms.push(
          alarmFrom(target, alert, {
            key: 'database',
            subject: `The ${database.label} ${rds ? 'instance' : 'cluster'} ${target.name}`,
            comparison: 'GreaterThanThreshold',
            threshold: 0.9,
            treatMissingData: 'notBreaching',
            queries: [
              { id: 'connections', metric: metric(databaseNamespace, 'DatabaseConnections', databaseDimensions, 'Maximum'), returnData: false },
              { id: 'share', expression: 'connections / ${local.database_max_connections}', label: 'connections / max_connections', returnData: true },
            ],
          }),
        );
      }
      if (cache) {
        alarms.push(
          alarmFrom(target, alert, {
            key: 'cache',
            name: cacheName,
            subject: `A ${cache.label} node of ${target.name}`,
            comparison: 'GreaterThanThreshold',
            threshold: 0.9,
            treatMissingData: 'notBreaching',
            queries: [
              { id: 'connections', metric: metric('AWS/ElastiCache', 'CurrConnections', cacheDimensions, 'Maximum'), returnData: false },
              { id: 'share', expression: 'connections / ${local.cache_max_clients}', label: 'connections / maxclients', returnData: true },
            ],
            forEach: 'data.aws_elasticache_replication_group.cache.member_clusters',
          }),
        );
      }
      return alarms;
    case 'DatastoreCpuHigh':
      return database
        ? [
            alarmFrom(target, alert, {
              key: 'database',
              subject: `The ${database.label} ${rds ? 'instance' : 'cluster'} ${target.name}`,
              comparison: 'GreaterThanThreshold',
              threshold: Number((facts.thresholds.cpuRatio * 100).toPrecision(6)),
              treatMissingData: 'notBreaching',
              metric: metric(databaseNamespace, 'CPUUtilization', databaseDimensions, 'Average'),
            }),
          ]
        : [];
    case 'DatabaseStorageLow':
      return database && rds
        ? [
            alarmFrom(target, alert, {
              key: 'database',
              subject: `The ${database.label} instance ${target.name}`,
              comparison: 'LessThanThreshold',
              threshold: facts.thresholds.diskFreeRatio,
              treatMissingData: 'notBreaching',
              queries: [
                { id: 'free', metric: metric('AWS/RDS', 'FreeStorageSpace', databaseDimensions, 'Minimum'), returnData: false },
                { id: 'share', expression: 'free / ${local.database_storage_bytes}', label: 'free / allocated storage', returnData: true },
              ],
            }),
          ]
        : [];
    case 'CacheMemoryHigh':
      return cache
        ? [
            alarmFrom(target, alert, {
              key: 'cache',
              name: cacheName,
              subject: `A ${cache.label} node of ${target.name}`,
              comparison: 'GreaterThanThreshold',
              threshold: Number((facts.thresholds.memoryRatio * 100).toPrecision(6)),
              treatMissingData: 'notBreaching',
              metric: metric('AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', cacheDimensions, 'Maximum'),
              forEach: 'data.aws_elasticache_replication_group.cache.member_clusters',
            }),
          ]
        : [];
    default:
      return alarms;
  }
};

/** Lines of the services' logs that the metric filters count (regular expressions of CloudWatch filter patterns). */
export const logPatterns = {
  errors: '%ERROR|FATAL|CRITICAL|level=error|"level":"error"%',
  crashes: '%panic:|Traceback|Exception in thread|uncaughtException|OutOfMemoryError|FATAL%',
  // HikariCP, SQLAlchemy, node-postgres, Prisma and psycopg_pool (Django's pool), as each writes it.
  poolTimeouts: '%Connection is not available|QueuePool limit|timeout exceeded when trying to connect|pool timed out|Timed out fetching a new connection|get a connection after%',
};

export interface LogFilter {
  resource: string;
  service: string;
  /** The log group, as HCL. */
  group: string;
  pattern: string;
  metric: string;
}

/** The metric filters of one environment: errors, crashes and pool timeouts of each service's logs. */
const logFilters = (target: Target): LogFilter[] => {
  const group = target.kubernetes ? 'aws_cloudwatch_log_group.application.name' : null;
  return target.facts.services.flatMap((service) => {
    const serviceGroup = group ?? quoted(`/ecs/${target.name}/${service.name}`);
    // Container Insights' Fluent Bit writes JSON records: the line is `log`, the workload the container's name.
    const pattern = (regex: string) => (target.kubernetes ? `{ ($.kubernetes.namespace_name = "${target.environment.namespace}") && ($.kubernetes.container_name = "${service.name}") && ($.log = ${regex}) }` : regex);
    const database = service.usesDatabase && service.exposesMetrics;
    return [
      { resource: snake(`${service.name}_errors`), service: service.name, group: serviceGroup, pattern: pattern(logPatterns.errors), metric: `${service.name}-error-lines` },
      { resource: snake(`${service.name}_crashes`), service: service.name, group: serviceGroup, pattern: pattern(logPatterns.crashes), metric: `${service.name}-crash-lines` },
      ...(database ? [{ resource: snake(`${service.name}_pool_timeouts`), service: service.name, group: serviceGroup, pattern: pattern(logPatterns.poolTimeouts), metric: `${service.name}-pool-timeouts` }] : []),
    ];
  });
};

const logAlarms = (target: Target, alert: StackAlert): CloudWatchAlarm[] => {
  const filters = logFilters(target);
  const metricOf = (filter: LogFilter, stat = 'Sum', period = 300) => metric(logsNamespace(target.facts), filter.metric, [], stat, period);
  switch (alert.name) {
    case 'LogErrorsHigh':
      return filters
        .filter((filter) => filter.metric.endsWith('-error-lines'))
        .map((filter) =>
          alarmFrom(target, alert, {
            key: filter.service,
            subject: filter.service,
            comparison: 'GreaterThanThreshold',
            threshold: errorLinesPerMinute * 5,
            treatMissingData: 'notBreaching',
            metric: metricOf(filter),
            evaluationPeriods: 2,
          }),
        );
    case 'LogCrashDetected':
      return filters
        .filter((filter) => filter.metric.endsWith('-crash-lines'))
        .map((filter) =>
          alarmFrom(target, alert, { key: filter.service, subject: filter.service, comparison: 'GreaterThanThreshold', threshold: 0, treatMissingData: 'notBreaching', metric: metricOf(filter), evaluationPeriods: 1 }),
        );
    case 'ConnectionPoolExhausted':
      return filters
        .filter((filter) => filter.metric.endsWith('-pool-timeouts'))
        .map((filter) =>
          alarmFrom(target, alert, {
            key: filter.service,
            subject: filter.service,
            comparison: 'GreaterThanThreshold',
            threshold: 0,
            treatMissingData: 'notBreaching',
            metric: metricOf(filter, 'Sum', 60),
            evaluationPeriods: 5,
          }),
        );
    default:
      return [];
  }
};

/** The alerts that read the services' request metrics. */
const httpAlertNames = new Set(['HighErrorRate', 'HighLatency', 'ErrorBudgetBurn', 'LatencyBudgetBurn', 'TargetDown']);
const serviceAlertNames = new Set(['HighErrorRate', 'HighLatency', 'ErrorBudgetBurn', 'LatencyBudgetBurn', 'ServiceDown', 'TargetDown']);
const resourceAlertNames = new Set(['HighCpuUsage', 'HighMemoryUsage', 'DiskSpaceLow', 'ContainerRestarting', 'ContainerCrashLooping']);
const endpointAlertNames = new Set(['EndpointDown', 'CertificateExpiry']);
const logAlertNames = new Set(['LogErrorsHigh', 'LogCrashDetected', 'ConnectionPoolExhausted']);

const targetOf = (model: StackModel, facts: MonitoringFacts, environment: MonitoredEnvironment): Target => ({
  facts,
  infra: infrastructureOf(model),
  environment,
  name: environmentResourceName(facts.project, environment.name),
  kubernetes: facts.platform === 'kubernetes',
});

/**
 * Every alarm of one environment: one or more per alert of `cloudwatchAlerts` (a composite for each burn-rate
 * alert), in catalog order; an alert without one is a programming error.
 */
export const cloudwatchAlarms = (target: Target): Built => {
  const built: Built = { alarms: [], composites: [] };
  const wanted = cloudwatchAlerts(target.facts);
  for (const alert of wanted) {
    if (serviceAlertNames.has(alert.name)) {
      const service = serviceAlarms(target, alert);
      built.alarms.push(...service.alarms);
      built.composites.push(...service.composites);
    } else if (resourceAlertNames.has(alert.name)) built.alarms.push(...resourceAlarms(target, alert));
    else if (endpointAlertNames.has(alert.name)) built.alarms.push(...endpointAlarms(target, alert));
    else if (logAlertNames.has(alert.name)) built.alarms.push(...logAlarms(target, alert));
    else built.alarms.push(...datastoreAlarms(target, alert));
  }
  const notifying = [...built.alarms.filter((alarm) => alarm.topic !== 'none'), ...built.composites];
  const missing = wanted.filter((alert) => !notifying.some((alarm) => alarm.alert === alert.name && alarm.severity === alert.severity));
  // An environment without public health routes has no endpoint to probe, and on ECS the request metrics are the
  // load balancer's, so services without a public route have none. TargetDown also covers the Prometheus stack's
  // exporters, which this stack does not run: without a service of its own to scrape it watches nothing. Every
  // other alert must have an alarm.
  const unwatchable = (alert: StackAlert) =>
    (endpointAlertNames.has(alert.name) && target.environment.probes.length === 0) ||
    (!target.kubernetes && httpAlertNames.has(alert.name) && httpServices(target).length === 0) ||
    (alert.name === 'TargetDown' && httpServices(target).length === 0);
  const unexplained = missing.filter((alert) => !unwatchable(alert));
  if (unexplained.length > 0) throw new Error(`no CloudWatch alarm for ${unexplained.map((alert) => `${alert.name} (${alert.severity})`).join(', ')} in ${target.environment.name}`);
  return built;
};

/** The metrics of a service's dashboard, as CloudWatch dashboard widget metric arrays. */
const dashboardBody = (target: Target): string => {
  const { facts } = target;
  const region = '${var.region}';
  const widgets: Record<string, unknown>[] = [];
  const place = (title: string, metrics: unknown[][], extra: Record<string, unknown> = {}) => {
    const index = widgets.length;
    widgets.push({
      type: 'metric',
      x: (index % 3) * 8,
      y: Math.floor(index / 3) * 6,
      width: 8,
      height: 6,
      properties: { title, region, view: 'timeSeries', stat: 'Sum', period: 300, metrics, ...extra },
    });
  };
  const dims = (pairs: [string, string][]) => pairs.flatMap(([name, value]) => [name, value.startsWith('"') ? JSON.parse(value) : `\${${value}}`]);
  for (const service of httpServices(target)) {
    if (target.kubernetes) {
      const name = httpMetricSchemes[0].count.replace(/_count$/, '');
      const base = dims(appDimensions(target, service.name));
      place(`${service.name}: requests`, [[appNamespace(facts), name, ...base, { stat: 'SampleCount', label: 'requests' }]]);
      place(`${service.name}: error rate`, [
        [{ expression: 'IF(requests > 0, errors / requests, 0)', label: '5xx share', id: 'ratio' }],
        [appNamespace(facts), name, ...base, { stat: 'SampleCount', id: 'requests', visible: false }],
        [appNamespace(facts), name, ...base, 'StatusClass', '5xx', { stat: 'SampleCount', id: 'errors', visible: false }],
      ]);
      place(`${service.name}: latency (mean, s)`, [[appNamespace(facts), name, ...base, { stat: 'Average', label: 'mean' }]], { annotations: { horizontal: [{ value: facts.thresholds.latencySeconds, label: 'threshold' }] } });
    } else {
      const base = dims(albDimensions(service.name));
      place(`${service.name}: requests`, [['AWS/ApplicationELB', 'RequestCount', ...base, { label: 'requests' }]]);
      place(`${service.name}: error rate`, [
        [{ expression: 'IF(requests > 0, errors / requests, 0)', label: '5xx share', id: 'ratio' }],
        ['AWS/ApplicationELB', 'RequestCount', ...base, { id: 'requests', visible: false }],
        ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', ...base, { id: 'errors', visible: false }],
      ]);
      place(
        `${service.name}: latency p50/p95/p99 (s)`,
        ['p50', 'p95', 'p99'].map((stat) => ['AWS/ApplicationELB', 'TargetResponseTime', ...base, { stat, label: stat }]),
        { annotations: { horizontal: [{ value: facts.thresholds.latencySeconds, label: 'threshold' }] } },
      );
      place(`${service.name}: SLO (share of requests within ${facts.thresholds.latencySeconds} s)`, [['AWS/ApplicationELB', 'TargetResponseTime', ...base, { stat: `PR(:${facts.thresholds.latencySeconds})`, label: 'within threshold (%)' }]], {
        annotations: { horizontal: [{ value: Number((facts.thresholds.objective * 100).toPrecision(6)), label: 'objective' }] },
      });
    }
  }
  for (const service of facts.services) {
    if (target.kubernetes) {
      const base = dims(podDimensions(target, service.name));
      place(`${service.name}: CPU and memory / limit (%)`, [
        ['ContainerInsights', 'pod_cpu_utilization_over_pod_limit', ...base, { stat: 'Maximum', label: 'CPU' }],
        ['ContainerInsights', 'pod_memory_utilization_over_pod_limit', ...base, { stat: 'Maximum', label: 'memory' }],
      ]);
      place(`${service.name}: restarts`, [['ContainerInsights', 'pod_number_of_container_restarts', ...base, { label: 'restarts' }]]);
    } else {
      const base = dims(ecsDimensions(target, service.name));
      place(`${service.name}: CPU and memory used / reserved`, [
        ['ECS/ContainerInsights', 'CpuUtilized', ...base, { label: 'CPU used' }],
        ['ECS/ContainerInsights', 'CpuReserved', ...base, { label: 'CPU reserved' }],
        ['ECS/ContainerInsights', 'MemoryUtilized', ...base, { label: 'memory used (MiB)' }],
        ['ECS/ContainerInsights', 'MemoryReserved', ...base, { label: 'memory reserved (MiB)' }],
      ]);
      place(`${service.name}: running tasks`, [['ECS/ContainerInsights', 'RunningTaskCount', ...base, { stat: 'Minimum', label: 'running' }]]);
    }
  }
  const database = facts.datastores.find((store) => store.role === 'database');
  if (database) {
    const rds = database.engine !== 'mongodb';
    const namespace = rds ? 'AWS/RDS' : 'AWS/DocDB';
    const base = rds ? ['DBInstanceIdentifier', target.name] : ['DBClusterIdentifier', target.name];
    place(`${database.label}: connections and CPU`, [
      [namespace, 'DatabaseConnections', ...base, { stat: 'Maximum', label: 'connections' }],
      [namespace, 'CPUUtilization', ...base, { stat: 'Average', label: 'CPU (%)', yAxis: 'right' }],
    ]);
    if (rds) place(`${database.label}: free storage (bytes)`, [[namespace, 'FreeStorageSpace', ...base, { stat: 'Minimum', label: 'free' }]]);
  }
  const cache = facts.datastores.find((store) => store.role === 'cache');
  if (cache) {
    place(`${cache.label}: memory, connections`, [
      [{ expression: `SEARCH('{AWS/ElastiCache,CacheClusterId} MetricName="DatabaseMemoryUsagePercentage" ${target.name}', 'Maximum', 300)`, label: 'memory (%)', id: 'memory' }],
      [{ expression: `SEARCH('{AWS/ElastiCache,CacheClusterId} MetricName="CurrConnections" ${target.name}', 'Maximum', 300)`, label: 'connections', id: 'connections', yAxis: 'right' }],
    ]);
  }
  // References stay Terraform interpolations inside the heredoc: their quotes must not be JSON-escaped.
  return JSON.stringify({ widgets }, null, 2).replace(/\$\{[^}]*\}/g, (reference) => reference.replaceAll('\\"', '"'));
};

/** The collector's configuration (EKS): scrape each HTTP service's metrics, publish them with the EMF exporter. */
const collectorConfig = (facts: MonitoringFacts, environment: MonitoredEnvironment, region: string) => {
  const services = facts.services.filter((service) => service.exposesMetrics);
  const names = httpMetricSchemes.map((scheme) => scheme.count.replace(/_count$/, ''));
  return {
    environment: environment.name,
    cluster: environmentResourceName(facts.project, environment.name),
    region,
    namespaces: [environment.namespace],
    jobs: services.map((service) => ({ name: service.name, port: service.port!, path: service.metricsPath ?? '/metrics' })),
    metricNames: [...names, 'up'],
    statusLabels: httpMetricSchemes.map((scheme) => scheme.statusLabel),
    namespace: appNamespace(facts),
  };
};

const environmentFiles = (model: StackModel, facts: MonitoringFacts, environment: MonitoredEnvironment): PlannedFile[] => {
  const target = targetOf(model, facts, environment);
  const dir = cloudwatchLayout.environment(environment.name);
  const pins = terraformPins();
  const { alarms, composites } = cloudwatchAlarms(target);
  const database = facts.datastores.find((store) => store.role === 'database');
  const data = {
    project: facts.project,
    team: facts.team,
    name: target.name,
    environment,
    region: target.infra.region,
    kubernetes: target.kubernetes,
    alarms,
    regional: alarms.filter((alarm) => !alarm.usEast1),
    usEast1: alarms.filter((alarm) => alarm.usEast1),
    composites,
    filters: logFilters(target),
    logsNamespace: logsNamespace(facts),
    tasksNamespace: tasksNamespace(facts),
    publicServices: target.kubernetes ? [] : httpServices(target).map((service) => service.name),
    workloads: facts.services.map((service) => ({ name: service.name, workload: workloadOf(target, service.name) })),
    probes: environment.probes.map((probe) => {
      const url = new URL(probe.url);
      return { service: probe.service, host: url.host, path: `${url.pathname}${url.search}` };
    }),
    host: target.infra.environments.find((candidate) => candidate.name === environment.name)!.host,
    database: database ? { engine: database.engine, label: database.label } : undefined,
    cache: facts.datastores.some((store) => store.role === 'cache'),
    certificate: alarms.some((alarm) => alarm.alert === 'CertificateExpiry'),
    // What the generated terraform test checks: the first error-rate alarm, each critical composite.
    testAlarm: alarms.find((alarm) => alarm.alert === 'HighErrorRate'),
    testComposites: composites.filter((composite) => composite.severity === 'critical'),
    collectorServiceAccount,
    kubernetesCollector: cloudwatchLayout.collector(environment.name),
    monitoringNamespace,
    dashboard: dashboardBody(target),
    core: pins.core.constraint,
    aws: pins.providers.aws,
    backendKey: `monitoring/${environment.name}/terraform.tfstate`,
  };
  return [
    file(`${dir}/versions.tf`, 'cloudwatch/environment/versions.tf.ejs', data),
    file(`${dir}/providers.tf`, 'cloudwatch/environment/providers.tf.ejs', data),
    file(`${dir}/main.tf`, 'cloudwatch/environment/main.tf.ejs', data),
    file(`${dir}/alarms.tf`, 'cloudwatch/environment/alarms.tf.ejs', data),
    file(`${dir}/logs.tf`, 'cloudwatch/environment/logs.tf.ejs', data),
    ...(environment.probes.length > 0 ? [file(`${dir}/endpoints.tf`, 'cloudwatch/environment/endpoints.tf.ejs', data)] : []),
    ...(target.kubernetes ? [file(`${dir}/observability.tf`, 'cloudwatch/environment/observability.tf.ejs', data)] : []),
    file(`${dir}/dashboards.tf`, 'cloudwatch/environment/dashboards.tf.ejs', data),
    file(`${dir}/variables.tf`, 'cloudwatch/environment/variables.tf.ejs', data),
    file(`${dir}/outputs.tf`, 'cloudwatch/environment/outputs.tf.ejs', data),
    file(`${dir}/tests/alarms.tftest.hcl`, 'cloudwatch/environment/tests/alarms.tftest.hcl.ejs', data),
  ];
};

const notificationFiles = (): PlannedFile[] => {
  const pins = terraformPins();
  const dir = cloudwatchLayout.notifications;
  const data = { core: pins.core.constraint, aws: pins.providers.aws };
  return ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf'].map((name) => file(`${dir}/${name}`, `cloudwatch/notifications/${name}.ejs`, data));
};

/** What the runbook's table calls the subject of each alert (the alarms name it precisely). */
const runbookSubject = (facts: MonitoringFacts, alert: string): string =>
  ({
    EndpointDown: 'a public health route',
    CertificateExpiry: "the environment's hosts",
    DiskSpaceLow: facts.platform === 'kubernetes' ? 'a node filesystem' : "the ephemeral storage of a service's tasks",
    DatastoreDown: 'a datastore',
    DatastoreConnectionsNearLimit: 'a datastore',
    DatastoreCpuHigh: 'the database',
    DatabaseStorageLow: 'the database',
    CacheMemoryHigh: 'a cache node',
  })[alert] ?? 'a service';

/** The first thing to open for each alert, on the platform the alarms watch. */
const firstLook = (facts: MonitoringFacts, alert: string): string => {
  const eks = facts.platform === 'kubernetes';
  const hints: Record<string, string> = {
    HighErrorRate: eks
      ? "The service's error-rate widget on the dashboard, then its 5xx lines in the application log group."
      : "The target group's HTTPCode_Target_5XX_Count next to HTTPCode_ELB_5XX_Count (EC2 > Target groups > Monitoring): target 5xx come from the service, ELB 5xx from no healthy target.",
    HighLatency: eks ? "The service's latency widget, and the datastore's widgets: a slow query slows every request." : "TargetResponseTime p50/p95/p99 on the dashboard: a rising p50 is load or a dependency, a rising p99 alone a few slow requests.",
    ErrorBudgetBurn: 'The composite alarm names the pair that fired; its window alarms show the 5xx share over each window.',
    LatencyBudgetBurn: 'The composite alarm names the pair that fired; its window alarms show the share of slow requests over each window.',
    ServiceDown: eks ? '`kubectl get pods -n <namespace>` and the events of the failing pods (`kubectl describe pod`).' : "ECS > the cluster > the service > Events and Tasks > Stopped, for the stopped tasks' reasons.",
    TargetDown: eks
      ? `The collector's own logs (\`kubectl logs -n ${monitoringNamespace} deploy/cloudwatch-collector\`) and the pod's metrics endpoint.`
      : "EC2 > Target groups > the service's group > Targets, for the failing health check's reason.",
    EndpointDown: 'Route 53 > Health checks > the check > Monitoring and Latest observations, for what each checker region got.',
    CertificateExpiry: 'Certificate Manager > the certificate > Renewal status, and its DNS validation records in the Route 53 zone.',
    HighCpuUsage: eks ? 'Container Insights > Performance monitoring > EKS pods, sorted by CPU.' : 'Container Insights > Performance monitoring > ECS services, CPU utilisation of the service.',
    HighMemoryUsage: eks ? 'Container Insights > Performance monitoring > EKS pods, sorted by memory.' : 'Container Insights > Performance monitoring > ECS services, memory utilisation of the service.',
    DiskSpaceLow: eks ? 'Container Insights > EKS nodes, filesystem utilisation; `kubectl describe node` for disk pressure.' : "Container Insights > ECS tasks, ephemeral storage: what the service writes to its writable paths.",
    ContainerRestarting: eks ? '`kubectl describe pod` (last state, exit code) and `kubectl logs --previous`.' : `The exited tasks' events in \`/aws/events/<name>/ecs-tasks\` (stoppedReason, the containers' exitCode).`,
    ContainerCrashLooping: eks ? '`kubectl logs --previous` of the crash-looping pod: its last lines say why it exits.' : `The exited tasks' events in \`/aws/events/<name>/ecs-tasks\` and the service's log group, for the last lines before each exit.`,
    DatastoreDown: 'The datastore\'s Events page in its console (failover, maintenance, reboot, storage full).',
    DatastoreConnectionsNearLimit: "Performance Insights (database) or CurrConnections (cache) by client: which service holds the connections, and each pool's size.",
    DatastoreCpuHigh: 'Performance Insights > Top SQL, for the statements that use the CPU.',
    DatabaseStorageLow: 'FreeStorageSpace on the dashboard; storage autoscaling grows the volume up to its maximum, then stops.',
    CacheMemoryHigh: 'DatabaseMemoryUsagePercentage and Evictions of the node; keys without a TTL grow without bound.',
    ConnectionPoolExhausted: "The pool timeout lines in the service's logs, next to the database's connections and slow queries.",
    LogErrorsHigh: "The service's error lines in Logs Insights (the query below), grouped by message.",
    LogCrashDetected: "The crash line and the stack under it in the service's log group (the query below).",
  };
  return hints[alert] ?? '';
};

const capitalised = (sentence: string) => sentence.charAt(0).toUpperCase() + sentence.slice(1);

export interface CloudWatchRunbookSection {
  name: string;
  anchor: string;
  firstLook: string;
  group: StackAlert['group'];
  rules: { severity: Severity; description: string; alarms: string[] }[];
}

/** The runbook's sections: one per alert name, with the production alarms that stand for each severity. */
const runbookSections = (model: StackModel, facts: MonitoringFacts): CloudWatchRunbookSection[] => {
  const target = targetOf(model, facts, facts.production);
  const { alarms, composites } = cloudwatchAlarms(target);
  const wanted = cloudwatchAlerts(facts);
  const unquote = (name: string) => (name.startsWith('"') ? JSON.parse(name.replace('${each.key}', '<node>')) : name);
  return [...new Set(wanted.map((alert) => alert.name))].map((name) => {
    const rules = wanted.filter((alert) => alert.name === name);
    return {
      name,
      anchor: runbookAnchor({ name }),
      firstLook: firstLook(facts, name),
      group: rules[0].group,
      rules: rules.map((alert) => ({
        severity: alert.severity,
        description: capitalised(describe(facts, alert, runbookSubject(facts, alert.name))),
        alarms: [...composites, ...alarms.filter((alarm) => alarm.topic !== 'none')]
          .filter((alarm) => alarm.alert === name && alarm.severity === alert.severity)
          .map((alarm) => unquote(alarm.name)),
      })),
    };
  });
};

const planCloudwatch = (model: StackModel, facts: MonitoringFacts): PlannedFile[] => {
  const files = [...notificationFiles(), ...facts.environments.flatMap((environment) => environmentFiles(model, facts, environment))];
  if (facts.platform === 'kubernetes') {
    for (const environment of facts.environments) {
      files.push(
        file(cloudwatchLayout.collector(environment.name), 'cloudwatch/kubernetes/otel-collector.yaml.ejs', {
          ...collectorConfig(facts, environment, infrastructureOf(model).region),
          monitoringNamespace,
          serviceAccount: collectorServiceAccount,
          project: facts.project,
        }),
      );
    }
  }
  const docs = file(monitoringLayout.docs, 'cloudwatch/monitoring.md.ejs', {
    facts,
    kubernetes: facts.platform === 'kubernetes',
    files: [...files.map((planned) => planned.path), monitoringLayout.runbook].sort(),
    names: facts.environments.map((environment) => ({ environment: environment.name, name: environmentResourceName(facts.project, environment.name) })),
    appNamespace: appNamespace(facts),
    logsNamespace: logsNamespace(facts),
    schemes: httpMetricSchemes,
    provider: terraformPins().providers.aws,
    monitoringNamespace,
    percent,
  });
  const runbook = file(monitoringLayout.runbook, 'cloudwatch/alerts.md.ejs', {
    facts,
    kubernetes: facts.platform === 'kubernetes',
    sections: runbookSections(model, facts),
    name: environmentResourceName(facts.project, facts.production.name),
    logsNamespace: logsNamespace(facts),
  });
  return [...files, runbook, docs].sort(byPath);
};

export const cloudwatch: MonitoringStack = {
  summary: 'a Terraform root per environment of CloudWatch alarms (burn rates as composite alarms), SNS topics for the pager and chat, log metric filters and dashboards, on the resources of the AWS Terraform; on EKS the Container Insights add-on and an OpenTelemetry collector for the services\' metrics',
  plan: planCloudwatch,
  nextSteps: (model) => [
    `monitoring: for each environment, set TF_VAR_pagerduty_endpoint (PagerDuty's CloudWatch integration URL) and the Slack workspace and channel ids, then run terraform -chdir=monitoring/cloudwatch/environments/<environment> init with the state bucket and apply, after infra/ (docs/monitoring.md)`,
    ...(model.config.orchestration === 'none' ? [] : [`monitoring: after each environment's monitoring apply, kubectl apply -f ${cloudwatchLayout.collector('<environment>')} on its cluster (docs/monitoring.md)`]),
  ],
};
