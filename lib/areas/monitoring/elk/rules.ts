/**
 * The alerts of lib/monitoring/alerts.ts (and the logging area's log alerts) as Kibana alerting rules: one JSON
 * body of `POST /api/alerting/rule/{id}` per rule, with a stable id. Threshold alerts are custom threshold rules
 * (`observability.rules.custom_threshold`: aggregations over the Collector's data, an equation and a threshold
 * taken from the answers); the SLO burn-rate alerts are SLO burn rate rules (`slo.rules.burnRate`) over Kibana
 * SLOs, whose windows are the rules' multi-window pairs. Critical rules page through the PagerDuty connector,
 * warnings go to the Slack connector; each message carries the runbook link of its alert.
 */
import { agentAlertsFor, poolWatched, type AlertDefinition, type Severity } from '../../../monitoring/alerts.js';
import type { MonitoredDatastore, MonitoredService, MonitoringFacts } from '../../../monitoring/facts.js';
import { logAlerts } from '../logging.js';
import { runbookAnchor } from '../rules.js';
import { crashPhrases, dataStream, dataViews, fields, severityNumbers } from './data.js';
import { sloId, stableUuid } from './ids.js';

export type Comparator = '>' | '>=' | '<' | '<=';

export interface ThresholdMetric {
  name: string;
  aggType: 'avg' | 'max' | 'min' | 'sum' | 'count' | 'cardinality' | 'p95' | 'p99';
  field?: string;
  filter?: string;
}

/** Kibana's connectors, created by apply.sh with these ids (or pre-configured with them). */
export const connectorsOf = (facts: MonitoringFacts) => ({
  pager: { id: stableUuid(`${facts.project}/connector/pagerduty`), connectorTypeId: '.pagerduty', name: `${facts.project} PagerDuty`, env: 'ELK_PAGERDUTY_ROUTING_KEY' },
  chat: { id: stableUuid(`${facts.project}/connector/slack`), connectorTypeId: '.slack', name: `${facts.project} Slack`, env: 'ELK_SLACK_WEBHOOK_URL' },
  email: { id: stableUuid(`${facts.project}/connector/email`), connectorTypeId: '.email', name: `${facts.project} e-mail`, env: 'ELK_SMTP_PASSWORD' },
});

export interface KibanaRule {
  id: string;
  /** Its file under monitoring/elk/kibana/rules/. */
  file: string;
  alert: string;
  severity: Severity;
  subject: string;
  runbookUrl: string;
  /** The comparison the rule makes, for the runbook. */
  condition: string;
  body: Record<string, unknown>;
}

export interface KibanaSlo {
  id: string;
  file: string;
  service: string;
  kind: 'availability' | 'latency';
  body: Record<string, unknown>;
}

const minutes = (duration: string): number => {
  const match = /^(\d+)([mhd])$/.exec(duration);
  return match ? Number(match[1]) * { m: 1, h: 60, d: 1440 }[match[2] as 'm' | 'h' | 'd'] : 0;
};

const slug = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();

const kqlString = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const kqlAny = (field: string, values: string[]) => `${field} : (${values.map(kqlString).join(' or ')})`;

/** The actions of a rule: its severity's connector when it fires (and when it recovers), by action group. */
const actionsFor = (facts: MonitoringFacts, severity: Severity, groups: string[], runbookUrl: string) => {
  const { pager, chat } = connectorsOf(facts);
  const frequency = { summary: false, notify_when: 'onActionGroupChange', throttle: null };
  if (severity === 'critical') {
    const dedupKey = '{{rule.id}}-{{alert.id}}';
    return [
      ...groups.map((group) => ({
        group,
        id: pager.id,
        frequency,
        params: {
          eventAction: 'trigger',
          dedupKey,
          summary: '{{rule.name}}: {{context.reason}}',
          severity: 'critical',
          source: facts.project,
          links: [{ href: runbookUrl, text: 'Runbook' }, { href: '{{context.alertDetailsUrl}}', text: 'Alert in Kibana' }],
        },
      })),
      { group: 'recovered', id: pager.id, frequency, params: { eventAction: 'resolve', dedupKey } },
    ];
  }
  return [
    ...groups.map((group) => ({
      group,
      id: chat.id,
      frequency,
      params: { message: `:warning: {{rule.name}}\n{{context.reason}}\nRunbook: ${runbookUrl}\nAlert: {{context.alertDetailsUrl}}` },
    })),
    { group: 'recovered', id: chat.id, frequency, params: { message: `:white_check_mark: Recovered: {{rule.name}}\nRunbook: ${runbookUrl}` } },
  ];
};

const tagsFor = (facts: MonitoringFacts, alert: string, severity: Severity) => [facts.project, `alert:${alert}`, `severity:${severity}`, `team:${facts.team}`];

interface ThresholdInput {
  key: string;
  subject: string;
  view?: 'metrics' | 'logs';
  filter: string;
  metrics: ThresholdMetric[];
  equation?: string;
  comparator: Comparator;
  threshold: number;
  timeSize: number;
  timeUnit?: 'm' | 'h';
  groupBy: string[];
  /** Alert when the data stops (a service or datastore gone) as well. */
  noData?: boolean;
  label: string;
}

type AlertRef = Pick<AlertDefinition, 'name' | 'severity' | 'for'>;

const ruleFile = (alert: AlertRef, key: string) => `${slug(alert.name)}-${alert.severity}-${slug(key)}.json`;

/** A custom threshold rule: the rule's `for` becomes the alert delay (consecutive one-minute runs that breach). */
const thresholdRule = (facts: MonitoringFacts, alert: AlertRef, input: ThresholdInput): KibanaRule => {
  const runbookUrl = `${facts.runbook.url}#${runbookAnchor(alert)}`;
  const id = stableUuid(`${facts.project}/rule/${alert.name}/${alert.severity}/${input.key}`);
  const delay = minutes(alert.for);
  const groups = ['custom_threshold.fired', ...(input.noData ? ['custom_threshold.nodata'] : [])];
  const criterion = {
    comparator: input.comparator,
    threshold: [input.threshold],
    timeSize: input.timeSize,
    timeUnit: input.timeUnit ?? 'm',
    metrics: input.metrics,
    ...(input.equation ? { equation: input.equation } : {}),
    label: input.label,
  };
  return {
    id,
    file: ruleFile(alert, input.key),
    alert: alert.name,
    severity: alert.severity,
    subject: input.subject,
    runbookUrl,
    condition: `${input.label} ${input.comparator} ${input.threshold} over ${input.timeSize}${input.timeUnit ?? 'm'}${delay > 1 ? `, ${delay} runs in a row` : ''}`,
    body: {
      name: `${alert.name} (${alert.severity}): ${input.subject}`,
      rule_type_id: 'observability.rules.custom_threshold',
      consumer: 'logs',
      enabled: true,
      schedule: { interval: '1m' },
      tags: tagsFor(facts, alert.name, alert.severity),
      ...(delay > 1 ? { alert_delay: { active: delay } } : {}),
      params: {
        criteria: [criterion],
        groupBy: input.groupBy,
        alertOnNoData: input.noData ?? false,
        alertOnGroupDisappear: input.noData ?? false,
        searchConfiguration: { index: dataViews(facts)[input.view ?? 'metrics'].id, query: { query: input.filter, language: 'kuery' } },
      },
      actions: actionsFor(facts, alert.severity, groups, runbookUrl),
    },
  };
};

/** Services that answer HTTP requests phase4 builds: the ones the service and SLO alerts watch. */
export const tracedServices = (facts: MonitoringFacts) => facts.services.filter((service) => service.exposesMetrics);

const serviceFilter = (service: MonitoredService) => `${fields.service} : ${kqlString(service.job)}`;

const kubernetes = (facts: MonitoringFacts) => facts.platform === 'kubernetes';

/** The project's containers, and what names one, on each platform. */
const containerScope = (facts: MonitoringFacts) =>
  kubernetes(facts)
    ? { filter: kqlAny('resource.attributes.k8s.namespace.name', facts.environments.map((environment) => environment.namespace)), groupBy: ['resource.attributes.k8s.namespace.name', 'resource.attributes.k8s.pod.name', 'resource.attributes.k8s.container.name'] }
    : { filter: `resource.attributes.compose.project : ${kqlString(facts.composeProject)}`, groupBy: [fields.environment, 'resource.attributes.compose.service', 'resource.attributes.container.name'] };

/** The SLO of each traced service and kind, production only, over the rules' 30 days. */
export const elkSlos = (facts: MonitoringFacts): KibanaSlo[] =>
  tracedServices(facts).flatMap((service) => {
    const index = dataStream(facts, 'metrics', facts.production);
    const common = {
      timeWindow: { duration: '30d', type: 'rolling' },
      budgetingMethod: 'occurrences',
      objective: { target: facts.thresholds.objective },
      tags: [facts.project, `team:${facts.team}`, `service:${service.name}`],
    };
    const availability = sloId(facts.project, service.name, 'availability');
    const latency = sloId(facts.project, service.name, 'latency');
    return [
      {
        id: availability,
        file: `${service.name}-availability.json`,
        service: service.name,
        kind: 'availability' as const,
        body: {
          id: availability,
          name: `${facts.project} ${service.name} availability`,
          description: `Share of ${service.name}'s requests in ${facts.production.name} that do not answer 5xx. Managed by phase4 (monitoring/elk).`,
          indicator: {
            type: 'sli.metric.custom',
            params: {
              index,
              timestampField: '@timestamp',
              filter: serviceFilter(service),
              good: { metrics: [{ name: 'A', aggregation: 'sum', field: fields.requests, filter: `not ${fields.status} : 5*` }], equation: 'A' },
              total: { metrics: [{ name: 'A', aggregation: 'sum', field: fields.requests }], equation: 'A' },
            },
          },
          ...common,
        },
      },
      {
        id: latency,
        file: `${service.name}-latency.json`,
        service: service.name,
        kind: 'latency' as const,
        body: {
          id: latency,
          name: `${facts.project} ${service.name} latency`,
          description: `Share of ${service.name}'s requests in ${facts.production.name} answered within ${facts.thresholds.latencySeconds} s. Managed by phase4 (monitoring/elk).`,
          indicator: {
            type: 'sli.histogram.custom',
            params: {
              index,
              timestampField: '@timestamp',
              filter: serviceFilter(service),
              // The histogram holds one value per bucket (its midpoint): the buckets that end at or below the
              // threshold (a bucket bound of the services' histograms) fall in the range, the next ones do not.
              good: { field: fields.duration, aggregation: 'range', from: 0, to: facts.thresholds.latencySeconds },
              total: { field: fields.duration, aggregation: 'value_count' },
            },
          },
          ...common,
        },
      },
    ];
  });

/**
 * The burn-rate windows of each severity (the SRE workbook's pairs, as lib/monitoring/alerts.ts has them), with
 * the SLO burn rate rule's action groups: critical pages on both fast pairs, warning tells chat on the slow ones.
 */
export const burnWindows: Record<Severity, { long: number; short: number; factor: number; actionGroup: string }[]> = {
  critical: [
    { long: 1, short: 5, factor: 14.4, actionGroup: 'slo.burnRate.alert' },
    { long: 6, short: 30, factor: 6, actionGroup: 'slo.burnRate.high' },
  ],
  warning: [
    { long: 24, short: 120, factor: 3, actionGroup: 'slo.burnRate.medium' },
    { long: 72, short: 360, factor: 1, actionGroup: 'slo.burnRate.low' },
  ],
};

const burnRateRules = (facts: MonitoringFacts, alert: AlertDefinition): KibanaRule[] =>
  elkSlos(facts)
    .filter((slo) => slo.kind === (alert.name === 'ErrorBudgetBurn' ? 'availability' : 'latency'))
    .map((slo) => {
      const runbookUrl = `${facts.runbook.url}#${runbookAnchor(alert)}`;
      const id = stableUuid(`${facts.project}/rule/${alert.name}/${alert.severity}/${slo.service}`);
      const windows = burnWindows[alert.severity];
      const maxBurnRate = Number((1 / facts.thresholds.errorBudget).toPrecision(6));
      return {
        id,
        file: `${slug(alert.name)}-${alert.severity}-${slug(slo.service)}.json`,
        alert: alert.name,
        severity: alert.severity,
        subject: `${slo.service} (SLO ${slo.id})`,
        runbookUrl,
        condition: windows.map((window) => `${window.factor}x over ${window.long}h and ${window.short}m`).join('; '),
        body: {
          name: `${alert.name} (${alert.severity}): ${slo.service}`,
          rule_type_id: 'slo.rules.burnRate',
          consumer: 'slo',
          enabled: true,
          schedule: { interval: '1m' },
          tags: tagsFor(facts, alert.name, alert.severity),
          params: {
            sloId: slo.id,
            windows: windows.map((window) => ({
              id: `${window.long}h-${window.short}m`,
              burnRateThreshold: window.factor,
              maxBurnRateThreshold: maxBurnRate,
              longWindow: { value: window.long, unit: 'h' },
              shortWindow: { value: window.short, unit: 'm' },
              actionGroup: window.actionGroup,
            })),
          },
          actions: actionsFor(facts, alert.severity, windows.map((window) => window.actionGroup), runbookUrl),
        },
      };
    });

const upField: Record<MonitoredDatastore['engine'], string> = { postgres: 'metrics.pg_up', mysql: 'metrics.mysql_up', mongodb: 'metrics.mongodb_up', redis: 'metrics.redis_up' };

/** In-use connections over the limit, per engine, from the exporters' series (one-minute windows). */
const connections: Record<MonitoredDatastore['engine'], Pick<ThresholdInput, 'metrics' | 'equation'>> = {
  postgres: { metrics: [{ name: 'A', aggType: 'sum', field: 'metrics.pg_stat_activity_count' }, { name: 'B', aggType: 'sum', field: 'metrics.pg_settings_max_connections' }], equation: 'A / B' },
  mysql: { metrics: [{ name: 'A', aggType: 'max', field: 'metrics.mysql_global_status_threads_connected' }, { name: 'B', aggType: 'max', field: 'metrics.mysql_global_variables_max_connections' }], equation: 'A / B' },
  mongodb: {
    metrics: [
      { name: 'A', aggType: 'sum', field: 'metrics.mongodb_ss_connections', filter: 'attributes.conn_type : "current"' },
      { name: 'B', aggType: 'sum', field: 'metrics.mongodb_ss_connections', filter: 'attributes.conn_type : ("current" or "available")' },
    ],
    equation: 'A / B',
  },
  redis: { metrics: [{ name: 'A', aggType: 'max', field: 'metrics.redis_connected_clients' }, { name: 'B', aggType: 'max', field: 'metrics.redis_config_maxclients' }], equation: 'A / B' },
};

const alertRules = (facts: MonitoringFacts, alert: AlertDefinition): KibanaRule[] => {
  const t = facts.thresholds;
  const byEnvironment = [fields.environment];
  const containers = containerScope(facts);
  const perService = (make: (service: MonitoredService) => Omit<ThresholdInput, 'key' | 'subject'>) =>
    (alert.name === 'ConnectionPoolExhausted' ? poolWatched(facts) : tracedServices(facts)).map((service) => thresholdRule(facts, alert, { key: service.name, subject: service.name, ...make(service) }));
  const single = (input: Omit<ThresholdInput, 'key'>) => [thresholdRule(facts, alert, { key: 'all', ...input })];
  switch (alert.name) {
    case 'HighErrorRate':
      return perService((service) => ({
        filter: serviceFilter(service),
        metrics: [
          { name: 'A', aggType: 'sum', field: fields.requests, filter: `${fields.status} : 5*` },
          { name: 'B', aggType: 'sum', field: fields.requests },
        ],
        equation: 'A / B',
        comparator: '>',
        threshold: t.errorRatio,
        timeSize: 5,
        groupBy: byEnvironment,
        label: 'share of requests answered 5xx',
      }));
    case 'HighLatency':
      return perService((service) => ({
        filter: serviceFilter(service),
        metrics: [{ name: 'A', aggType: 'p95', field: fields.duration }],
        comparator: '>',
        threshold: t.latencySeconds,
        timeSize: 5,
        groupBy: byEnvironment,
        label: '95th percentile of request durations (s)',
      }));
    case 'ErrorBudgetBurn':
    case 'LatencyBudgetBurn':
      return burnRateRules(facts, alert);
    case 'ServiceDown':
      return perService((service) => ({
        filter: serviceFilter(service),
        metrics: [{ name: 'A', aggType: 'max', field: fields.up }],
        comparator: '<',
        threshold: 1,
        timeSize: 1,
        groupBy: byEnvironment,
        noData: true,
        label: 'instances that answered the scrape',
      }));
    case 'ConnectionPoolExhausted':
      return perService((service) => ({
        filter: serviceFilter(service),
        metrics: [{ name: 'A', aggType: 'min', field: fields.pool }],
        comparator: '>',
        threshold: 0,
        timeSize: 1,
        groupBy: byEnvironment,
        label: 'requests waiting for a pooled connection',
      }));
    case 'TargetDown': {
      const jobs = [...tracedServices(facts).map((service) => service.job), ...(kubernetes(facts) ? [] : facts.datastores.map((store) => store.exporter.job))];
      return single({
        subject: `the scrape targets of ${facts.project}`,
        filter: kqlAny(fields.service, jobs),
        metrics: [{ name: 'A', aggType: 'min', field: fields.up }],
        comparator: '<',
        threshold: 1,
        timeSize: 1,
        groupBy: [fields.environment, fields.service, fields.instance],
        label: 'scrape succeeded',
      });
    }
    case 'EndpointDown':
      return single({
        subject: 'the public endpoints',
        filter: `${fields.probe} : *`,
        metrics: [{ name: 'A', aggType: 'max', field: fields.probe, filter: `${fields.statusClass} : ("2xx" or "3xx")` }],
        comparator: '<',
        threshold: 1,
        timeSize: 1,
        groupBy: [fields.url],
        noData: true,
        label: 'checks answered 2xx or 3xx',
      });
    case 'CertificateExpiry': {
      const days = alert.severity === 'critical' ? t.certificateCriticalDays : t.certificateWarningDays;
      return single({
        subject: `the public certificates (less than ${days} days left)`,
        filter: `${fields.certificateSeconds} : *`,
        metrics: [{ name: 'A', aggType: 'min', field: fields.certificateSeconds }],
        equation: 'A / 86400',
        comparator: '<',
        threshold: days,
        timeSize: 10,
        groupBy: [fields.url],
        label: 'days until the certificate expires',
      });
    }
    case 'HighCpuUsage':
      return single({
        subject: `the containers of ${facts.project}`,
        filter: containers.filter,
        ...(kubernetes(facts)
          ? { metrics: [{ name: 'A', aggType: 'avg', field: 'metrics.k8s.container.cpu_limit_utilization' }] }
          : // docker_stats: 100 is one core busy; the limit is in cores.
            { metrics: [{ name: 'A', aggType: 'avg', field: 'metrics.container.cpu.utilization' }, { name: 'B', aggType: 'max', field: 'metrics.container.cpu.limit' }], equation: 'A / (B * 100)' }),
        comparator: '>',
        threshold: t.cpuRatio,
        timeSize: 5,
        groupBy: containers.groupBy,
        label: 'CPU used / limit',
      } as Omit<ThresholdInput, 'key'>);
    case 'HighMemoryUsage':
      return single({
        subject: `the containers of ${facts.project}`,
        filter: containers.filter,
        ...(kubernetes(facts)
          ? { metrics: [{ name: 'A', aggType: 'avg', field: 'metrics.k8s.container.memory_limit_utilization' }] }
          : { metrics: [{ name: 'A', aggType: 'avg', field: 'metrics.container.memory.percent' }], equation: 'A / 100' }),
        comparator: '>',
        threshold: t.memoryRatio,
        timeSize: 5,
        groupBy: containers.groupBy,
        label: 'memory used / limit',
      } as Omit<ThresholdInput, 'key'>);
    case 'DiskSpaceLow':
      return kubernetes(facts)
        ? [
            thresholdRule(facts, alert, {
              key: 'nodes',
              subject: `the nodes of ${facts.project}`,
              filter: 'metrics.k8s.node.filesystem.capacity : *',
              metrics: [{ name: 'A', aggType: 'min', field: 'metrics.k8s.node.filesystem.available' }, { name: 'B', aggType: 'max', field: 'metrics.k8s.node.filesystem.capacity' }],
              equation: 'A / B',
              comparator: '<',
              threshold: t.diskFreeRatio,
              timeSize: 5,
              groupBy: ['resource.attributes.k8s.node.name'],
              label: 'share of the node filesystem free',
            }),
            thresholdRule(facts, alert, {
              key: 'volumes',
              subject: `the volumes of ${facts.project}`,
              filter: `${containers.filter} and resource.attributes.k8s.persistentvolumeclaim.name : *`,
              metrics: [{ name: 'A', aggType: 'min', field: 'metrics.k8s.volume.available' }, { name: 'B', aggType: 'max', field: 'metrics.k8s.volume.capacity' }],
              equation: 'A / B',
              comparator: '<',
              threshold: t.diskFreeRatio,
              timeSize: 5,
              groupBy: ['resource.attributes.k8s.namespace.name', 'resource.attributes.k8s.persistentvolumeclaim.name'],
              label: 'share of the volume free',
            }),
          ]
        : single({
            subject: `the host of ${facts.project}`,
            filter: 'metrics.system.filesystem.utilization : *',
            metrics: [{ name: 'A', aggType: 'max', field: 'metrics.system.filesystem.utilization' }],
            equation: '1 - A',
            comparator: '<',
            threshold: t.diskFreeRatio,
            timeSize: 5,
            groupBy: ['resource.attributes.host.name', 'attributes.mountpoint'],
            label: 'share of the filesystem free',
          });
    case 'ContainerRestarting':
      return single({
        subject: `the containers of ${facts.project}`,
        filter: containers.filter,
        metrics: [
          { name: 'A', aggType: 'max', field: kubernetes(facts) ? 'metrics.k8s.container.restarts' : 'metrics.container.restarts' },
          { name: 'B', aggType: 'min', field: kubernetes(facts) ? 'metrics.k8s.container.restarts' : 'metrics.container.restarts' },
        ],
        equation: 'A - B',
        comparator: '>',
        threshold: 2,
        timeSize: 15,
        groupBy: containers.groupBy,
        label: 'restarts in 15 minutes',
      });
    case 'ContainerCrashLooping':
      return kubernetes(facts)
        ? single({
            subject: `the containers of ${facts.project}`,
            filter: containers.filter,
            metrics: [{ name: 'A', aggType: 'max', field: 'metrics.k8s.container.status.reason', filter: 'attributes.k8s.container.status.reason : "CrashLoopBackOff"' }],
            comparator: '>=',
            threshold: 1,
            timeSize: 5,
            groupBy: containers.groupBy,
            label: 'in CrashLoopBackOff',
          })
        : single({
            subject: `the containers of ${facts.project}`,
            filter: containers.filter,
            metrics: [{ name: 'A', aggType: 'max', field: 'metrics.container.restarts' }, { name: 'B', aggType: 'min', field: 'metrics.container.restarts' }],
            equation: 'A - B',
            comparator: '>=',
            threshold: 5,
            timeSize: 15,
            groupBy: containers.groupBy,
            label: 'restarts in 15 minutes',
          });
    case 'DatastoreDown':
      return facts.datastores.map((store) =>
        thresholdRule(facts, alert, {
          key: store.engine,
          subject: store.label,
          filter: `${fields.service} : ${kqlString(store.exporter.job)}`,
          metrics: [{ name: 'A', aggType: 'min', field: upField[store.engine] }],
          comparator: '<',
          threshold: 1,
          timeSize: 1,
          groupBy: byEnvironment,
          noData: true,
          label: `${store.label} reachable`,
        }),
      );
    case 'DatastoreConnectionsNearLimit':
      return facts.datastores.map((store) =>
        thresholdRule(facts, alert, {
          key: store.engine,
          subject: store.label,
          filter: `${fields.service} : ${kqlString(store.exporter.job)}`,
          ...connections[store.engine],
          comparator: '>',
          threshold: 0.9,
          timeSize: 1,
          groupBy: byEnvironment,
          label: 'connections used / allowed',
        }),
      );
    default:
      return [];
  }
};

/** The logging area's log alerts (LogErrorsHigh, LogCrashDetected) over the logs data streams. */
const logRules = (facts: MonitoringFacts): KibanaRule[] => {
  const groupBy = [fields.environment, fields.service];
  return logAlerts(facts).map((alert) =>
    alert.name === 'LogErrorsHigh'
      ? thresholdRule(facts, { name: alert.name, severity: alert.severity, for: alert.for }, {
          key: 'all',
          subject: `a service of ${facts.project}`,
          view: 'logs',
          filter: `${fields.service} : *`,
          metrics: [{ name: 'A', aggType: 'count', filter: `${fields.severity} >= ${severityNumbers.error}` }],
          equation: 'A / 5',
          comparator: '>',
          threshold: 10,
          timeSize: 5,
          groupBy,
          label: 'error lines a minute',
        })
      : thresholdRule(facts, { name: alert.name, severity: alert.severity, for: alert.for }, {
          key: 'all',
          subject: `a service of ${facts.project}`,
          view: 'logs',
          filter: `${fields.service} : *`,
          metrics: [{ name: 'A', aggType: 'count', filter: `${fields.severity} >= ${severityNumbers.fatal} or ${kqlAny(fields.body, crashPhrases)}` }],
          comparator: '>',
          threshold: 0,
          timeSize: 5,
          groupBy,
          label: 'crash lines',
        }),
  );
};

/** Every rule: one or more per applicable alert of the catalog, in catalog order, then the log alerts. */
export const elkRules = (facts: MonitoringFacts): KibanaRule[] => {
  const applicable = agentAlertsFor(facts);
  const rules = applicable.flatMap((alert) => alertRules(facts, alert));
  const missing = applicable.filter((alert) => !rules.some((rule) => rule.alert === alert.name && rule.severity === alert.severity));
  if (missing.length > 0) throw new Error(`no Kibana rule for ${missing.map((alert) => `${alert.name} (${alert.severity})`).join(', ')}`);
  return [...rules, ...logRules(facts)];
};

