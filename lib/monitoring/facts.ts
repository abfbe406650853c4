/**
 * What is monitored and against which thresholds, independent of the monitoring stack: the Prometheus rules,
 * Alertmanager routes, Grafana dashboards, log shipping and runbooks render these facts. Services, ports,
 * health routes, datastores and environments come from the stack model and the workloads derived from it, so
 * they are the ones every other file of the run names.
 */
import type { DatastoreEngine } from '../catalog/service.js';
import { routeHost, workloadsOf, type Workload } from '../kubernetes/workloads.js';
import type { StackModel } from '../model/types.js';
import { localEnvironment, namespaceFor } from '../plan/naming.js';

/** Where the monitored services run: Kubernetes (kube-prometheus-stack) or compose on a host. */
export type MonitoringPlatform = 'kubernetes' | 'compose';

export interface MonitoredEnvironment {
  name: string;
  isProduction: boolean;
  /** The Kubernetes namespace its workloads run in (and the compose project name of its host). */
  namespace: string;
  /** Public HTTPS URLs of every public health route: the blackbox probes and the certificate checks. */
  probes: { service: string; url: string }[];
  /** Days logs are kept. */
  logRetentionDays: number;
}

export interface MonitoredService {
  name: string;
  component: Workload['component'];
  language: StackModel['services'][number]['language'];
  framework: StackModel['services'][number]['framework'];
  /** The `job` label of its metrics: the workload's name (PodMonitor `jobLabel`, compose scrape job). */
  job: string;
  port?: number;
  /**
   * True for the processes phase4 builds, which the metric contract asks to serve `/metrics` on their port;
   * false for workers without a port and for front ends served by nginx.
   */
  exposesMetrics: boolean;
  /** Where it serves them (`/actuator/prometheus` for Spring Boot, `/metrics` otherwise). */
  metricsPath?: string;
  /** The HTTP health route, when it has one. */
  healthPath?: string;
  /** True when it connects to the project's database: only then can its connection pool run dry. */
  usesDatabase: boolean;
}

export interface MonitoredDatastore {
  engine: DatastoreEngine;
  role: 'database' | 'cache';
  label: string;
  /** Its compose service (the exporter's target locally). */
  host: string;
  port: number;
  exporter: { name: string; image: string; port: number; job: string };
  /** The database and user the application connects as (engines that have them), which the exporter uses too. */
  database?: string;
  user?: string;
  /** Its secrets (file names under secrets/ locally): the application user's password first. */
  secrets: string[];
}

/** Thresholds, from the answers, as the ratios and durations the rules use. */
export interface Thresholds {
  /** 5xx share of requests (0.01 for 1%). */
  errorRatio: number;
  /** p95 request duration in seconds; also the latency SLO's bound. */
  latencySeconds: number;
  cpuRatio: number;
  memoryRatio: number;
  diskFreeRatio: number;
  certificateWarningDays: number;
  certificateCriticalDays: number;
  /** The SLO as a ratio (0.999) and the error budget it leaves (0.001). */
  objective: number;
  errorBudget: number;
}

/** A weekly window, as Alertmanager's time intervals take it. */
export interface WeeklyWindow {
  /** The answer as written: `Sun 02:00 - Sun 04:00`. */
  text: string;
  timezone: string;
  /** One entry per day the window touches, with its times (an end of 24:00 is the end of that day). */
  days: { weekday: string; start: string; end: string }[];
}

export interface MonitoringFacts {
  project: string;
  team: string;
  platform: MonitoringPlatform;
  /** The compose project (compose.yaml `name:`), which cAdvisor labels the containers with. */
  composeProject: string;
  environments: MonitoredEnvironment[];
  production: MonitoredEnvironment;
  services: MonitoredService[];
  datastores: MonitoredDatastore[];
  thresholds: Thresholds;
  maintenance?: WeeklyWindow;
  /** The runbook every alert links to, and the web address of its folder in the repository. */
  runbook: { path: string; url: string };
}

/** The runbook of the alerts, one section per alert. */
export const alertRunbookPath = 'docs/runbooks/alerts.md';

const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const shortDays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `Sun 02:00 - Sun 04:00` as the days it covers; a window that wraps past Sunday continues on Monday. */
export const weeklyWindow = (text: string, timezone: string): WeeklyWindow => {
  const [from, to] = text.split(' - ').map((part) => {
    const [day, time] = part.split(' ');
    return { day: shortDays.indexOf(day), time };
  });
  const days: WeeklyWindow['days'] = [];
  const span = (to.day - from.day + 7) % 7 || (to.time <= from.time ? 7 : 0);
  for (let offset = 0; offset <= span; offset += 1) {
    const day = (from.day + offset) % 7;
    const start = offset === 0 ? from.time : '00:00';
    const end = offset === span ? to.time : '24:00';
    if (start !== end) days.push({ weekday: weekdays[day], start, end });
  }
  return { text, timezone, days };
};

/**
 * The web address of a file in the repository, on the platform that hosts it (the CI platform's, GitHub for
 * CircleCI and Jenkins): alert notifications link to runbook sections by it.
 */
export const repositoryFileUrl = (config: StackModel['config'], path: string): string => {
  switch (config.ci) {
    case 'gitlab-ci':
      return `https://gitlab.com/${config.repository}/-/blob/main/${path}`;
    case 'azure-devops': {
      const [organization, project, repository = project] = config.repository.split('/');
      return `https://dev.azure.com/${organization}/${project}/_git/${repository}?path=/${path}`;
    }
    default:
      return `https://github.com/${config.repository}/blob/main/${path}`;
  }
};

const isUnder = (path: string, prefix: string): boolean => prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);

const derived = new WeakMap<StackModel, MonitoringFacts>();

/** Each model's monitoring facts, derived once. */
export const monitoringOf = (model: StackModel): MonitoringFacts => {
  const known = derived.get(model);
  if (known) return known;
  const facts = deriveFacts(model);
  derived.set(model, facts);
  return facts;
};

const deriveFacts = (model: StackModel): MonitoringFacts => {
  const { config, project } = model;
  const workloads = workloadsOf(model);
  const byName = new Map(model.services.map((service) => [service.name, service]));
  const environments = project.environments.map((environment): MonitoredEnvironment => ({
    name: environment.name,
    isProduction: environment.isProduction,
    namespace: environment.namespace,
    // The ingress passes paths through unchanged, so a health route is public only under its service's prefix.
    probes: workloads.flatMap((workload) =>
      workload.route && workload.health.kind === 'http' && isUnder(workload.health.path, workload.route.path)
        ? [{ service: workload.name, url: `https://${routeHost(workload, environment.host)}${workload.health.path}` }]
        : [],
    ),
    logRetentionDays: environment.isProduction ? 30 : 7,
  }));
  const objective = Number(config.sloObjective) / 100;
  const warningDays = Number(config.certificateExpiryDays);
  return {
    project: project.name,
    team: project.team,
    platform: config.orchestration === 'none' ? 'compose' : 'kubernetes',
    composeProject: namespaceFor(config, localEnvironment),
    environments,
    production: environments.find((environment) => environment.isProduction)!,
    services: workloads.map((workload): MonitoredService => {
      const service = byName.get(workload.name)!;
      return {
        name: workload.name,
        component: workload.component,
        language: service.language,
        framework: service.framework,
        job: workload.name,
        ...(workload.port === undefined ? {} : { port: workload.port }),
        exposesMetrics: workload.metricsPath !== undefined,
        ...(workload.metricsPath ? { metricsPath: workload.metricsPath } : {}),
        ...(workload.health.kind === 'http' ? { healthPath: workload.health.path } : {}),
        usesDatabase: service.uses.some((store) => store.engine.role === 'database'),
      };
    }),
    datastores: model.datastores.map((store) => ({
      engine: store.engine.engine,
      role: store.engine.role,
      label: store.engine.label,
      host: store.host,
      port: store.engine.port,
      exporter: { ...store.engine.exporter, job: store.engine.exporter.name.replace(/_/g, '-') },
      ...(store.database ? { database: store.database } : {}),
      ...(store.user ? { user: store.user } : {}),
      secrets: store.secrets.map((secret) => secret.name),
    })),
    thresholds: {
      errorRatio: Number(config.errorRateThreshold) / 100,
      latencySeconds: Number(config.latencyThreshold),
      cpuRatio: Number(config.cpuThreshold) / 100,
      memoryRatio: Number(config.memoryThreshold) / 100,
      diskFreeRatio: Number(config.diskFreeThreshold) / 100,
      certificateWarningDays: warningDays,
      certificateCriticalDays: Math.max(1, Math.floor(warningDays / 2)),
      objective,
      // Rounded so that 1 - 0.999 reads 0.001 in the rules, not 0.0010000000000000009.
      errorBudget: Number((1 - objective).toPrecision(6)),
    },
    ...(config.maintenanceWindow === 'none' ? {} : { maintenance: weeklyWindow(config.maintenanceWindow, config.timezone) }),
    runbook: { path: alertRunbookPath, url: repositoryFileUrl(config, alertRunbookPath) },
  };
};
