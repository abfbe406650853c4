/**
 * What runs in Kubernetes, style-neutral: the Kustomize area and the Helm area render these same facts, so
 * the two styles produce the same objects (a test compares them). Everything comes from the stack model:
 * images, ports, health routes, users, writable paths, settings and migrations match the Dockerfiles,
 * compose file and pipeline of the same run.
 */
import type { HealthModel, RuntimeUser, ServiceModel, StackModel } from '../model/types.js';
import { httpMetricSchemes } from '../monitoring/metrics.js';
import { secretManagerEntry, secretStoreName } from '../plan/naming.js';

/** CPU and memory of one container, in Kubernetes quantities. */
export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** What differs per environment for one workload. */
export interface Sizing {
  minReplicas: number;
  maxReplicas: number;
  resources: Resources;
}

/** Where the Ingress sends a public workload's traffic. */
export interface PublicRoute {
  /** `root`: the environment's host; `own`: `<service>.<host>` (a second front end). */
  host: 'root' | 'own';
  path: string;
}

export interface Workload {
  name: string;
  component: 'frontend' | 'backend' | 'worker';
  /** The image it runs: the key of `images.<key>` in Helm values and of the pipeline's digests (the image's owner). */
  image: string;
  repository: string;
  /** The command, only where it differs from the image's own CMD (a worker sharing a web service's image). */
  command?: string[];
  port?: number;
  /**
   * Where Prometheus scrapes it on its port (Spring Boot Actuator's `/actuator/prometheus`, `/metrics`
   * otherwise); none for what serves no metrics: workers without a port and front ends nginx serves.
   */
  metricsPath?: string;
  health: HealthModel;
  user: RuntimeUser;
  /** emptyDir volumes for the folders the process writes to (the root filesystem is read-only). */
  volumes: { name: string; mountPath: string }[];
  /** Variables the runtime itself is told (PORT, JAVA_TOOL_OPTIONS), set on the container. */
  env: { name: string; value: string }[];
  /** Plain settings with the application's default: the ConfigMap named after the workload. */
  config: { name: string; value: string }[];
  /** Plain settings the application reads that have no default: listed in the docs, set per environment. */
  unsetConfig: string[];
  /**
   * Plain settings with a default whose names read like credentials (ACCESS_TOKEN_EXPIRE_MINUTES): left out of
   * the ConfigMap, where scanners take them for secrets, and so left at the application's own default.
   */
  defaultedConfig: string[];
  /** Keys of the Secret named after the workload, synced from the secret manager (secrets and datastore connections). */
  secretKeys: string[];
  route?: PublicRoute;
  /** Workloads this one sends requests to (a front end to the API back end). */
  calls: { name: string; port: number }[];
  /** Workloads that send requests to this one. */
  calledBy: string[];
  /** Ports of the datastores it connects to (managed services outside the cluster). */
  datastorePorts: number[];
  /** Back ends and workers may call out over HTTPS (payment providers, cloud APIs); front ends never need to. */
  httpsEgress: boolean;
  migration?: { name: string; image: string; repository: string; argv: string[] };
  /** A Rollout (blue-green, canary) or a Deployment: workers without a Service always roll. */
  rollout: boolean;
  /** Pod labels and annotations the monitoring stack's agent reads, per environment. */
  agent: Record<string, AgentMetadata>;
  sizing: Record<string, Sizing>;
}

/** Seconds a pod keeps serving after it is told to stop, so endpoints and the ingress drop it first. */
export const preStopSeconds = 10;
export const terminationGracePeriodSeconds = 40;

/** The namespace the ingress controller runs in: the only one whose pods reach public workloads. */
export const ingressControllerNamespace = 'ingress-nginx';
/** The namespace Prometheus scrapes from (kube-prometheus-stack's usual one). */
export const monitoringNamespace = 'monitoring';
/** Where Google Cloud Managed Service for Prometheus runs its collectors on GKE (managed collection). */
export const managedPrometheusNamespace = 'gmp-system';
/** Where Azure Monitor's managed Prometheus add-on runs its collectors (ama-metrics) on AKS. */
export const azureManagedPrometheusNamespace = 'kube-system';

/** The labels that select a workload's pods (the Deployment's selector, in the Kustomize and the Helm output alike). */
export const workloadSelector = (project: string, workload: string): Record<string, string> => ({
  'app.kubernetes.io/name': workload,
  'app.kubernetes.io/instance': project,
});

const mebibytes = (value: number): string => (value >= 1024 && value % 1024 === 0 ? `${value / 1024}Gi` : `${value}Mi`);

/**
 * Requests and limits by image family: production gets more than the other environments. Limits are twice
 * the requests for memory (the JVM sizes its heap at 75% of the limit), and CPU is limited so one noisy pod
 * cannot starve a node.
 */
const resourcesOf = (service: ServiceModel, production: boolean): Resources => {
  const [cpu, memory, cpuLimit] =
    service.servedByNginx ? (production ? [100, 64, 500] : [50, 64, 250])
    : service.image.family === 'java' ? (production ? [500, 768, 2000] : [250, 512, 1000])
    : production ? [250, 256, 1000] : [100, 192, 500];
  const cores = (millis: number) => (millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`);
  return {
    requests: { cpu: cores(cpu), memory: mebibytes(memory) },
    limits: { cpu: cores(cpuLimit), memory: mebibytes(memory * 2) },
  };
};

const sizingOf = (service: ServiceModel, production: boolean): Sizing => {
  const [minReplicas, maxReplicas] =
    service.kind === 'worker' ? (production ? [2, 6] : [1, 2]) : production ? [3, 10] : [1, 3];
  return { minReplicas, maxReplicas, resources: resourcesOf(service, production) };
};

/** A volume name from a mount path: `/tmp` -> tmp, `/app/.next/cache` -> app-next-cache. */
const volumeName = (mountPath: string): string =>
  mountPath.replace(/[^a-z0-9]+/gi, '-').replace(/^-+|-+$/g, '').toLowerCase().slice(0, 63) || 'data';

/**
 * Setting names that ConfigMap scanners (trivy's KSV-0109 and KSV-01010) take for credentials or personal data,
 * whatever their value: such a plain setting is not written into a ConfigMap.
 */
const credentialLike = /pass|pwd|pword|secret|token|key|username|email|phone|iban|sha1|md5/i;

/** The path the metric contract (docs/monitoring.md) asks each framework to serve its metrics at. */
export const metricsPathOf = (service: Pick<ServiceModel, 'framework'>): string => (service.framework === 'spring-boot' ? '/actuator/prometheus' : '/metrics');

const componentOf = (service: ServiceModel): Workload['component'] =>
  service.kind === 'frontend' ? 'frontend' : service.kind === 'worker' || service.port === undefined ? 'worker' : 'backend';

/**
 * Who is public: the first front end at `/` of the environment's host, with the API back end at `/api` beside
 * it (the browser calls the same origin); other front ends at a host of their own; without a front end, the
 * API back end at `/`. Other back ends are internal.
 */
const routesOf = (model: StackModel): Map<string, PublicRoute> => {
  const routes = new Map<string, PublicRoute>();
  const frontEnds = model.services.filter((service) => componentOf(service) === 'frontend' && service.port !== undefined);
  frontEnds.forEach((frontEnd, index) => routes.set(frontEnd.name, { host: index === 0 ? 'root' : 'own', path: '/' }));
  if (model.apiBackend) routes.set(model.apiBackend.name, { host: 'root', path: frontEnds.length > 0 ? '/api' : '/' });
  return routes;
};

/**
 * What the monitoring stack's agent reads from a pod: Datadog's unified service tags and admission label.
 * Prometheus scrapes through a PodMonitor instead; the OpenTelemetry Collectors of New Relic, Elastic and
 * CloudWatch collect every container's output without hints.
 */
export interface AgentMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const agentMetadata = (model: StackModel, service: ServiceModel, environment: string): AgentMetadata => {
  switch (model.config.monitoring) {
    case 'datadog':
      return {
        labels: {
          'admission.datadoghq.com/enabled': 'true',
          'tags.datadoghq.com/env': environment,
          'tags.datadoghq.com/service': service.name,
        },
        annotations: { [`ad.datadoghq.com/${service.name}.logs`]: JSON.stringify([{ source: service.language, service: service.name }]) },
      };
    default:
      return { labels: {}, annotations: {} };
  }
};

/** Each model's workloads, derived once: both styles, their docs, next steps and the pipeline's deploy script read them. */
const derived = new WeakMap<StackModel, Workload[]>();

export const workloadsOf = (model: StackModel): Workload[] => {
  const known = derived.get(model);
  if (known) return known;
  const workloads = deriveWorkloads(model);
  derived.set(model, workloads);
  return workloads;
};

const deriveWorkloads = (model: StackModel): Workload[] => {
  const routes = routesOf(model);
  const api = model.apiBackend;
  const callsOf = (service: ServiceModel): Workload['calls'] =>
    componentOf(service) === 'frontend' && api && api.port !== undefined ? [{ name: api.name, port: api.port }] : [];
  const calledBy = (name: string) => model.services.filter((caller) => callsOf(caller).some((call) => call.name === name)).map((caller) => caller.name);
  return model.services.map((service): Workload => {
    const owner = model.services.find((candidate) => candidate.name === service.image.owner);
    const component = componentOf(service);
    const migration = service.migrations?.separate ? service.migrations : undefined;
    return {
      name: service.name,
      component,
      image: service.image.owner,
      repository: service.image.repository,
      ...(owner && JSON.stringify(owner.start) !== JSON.stringify(service.start) ? { command: service.start } : {}),
      ...(service.port === undefined || component === 'worker' ? {} : { port: service.port }),
      ...(service.port === undefined || component === 'worker' || service.servedByNginx ? {} : { metricsPath: metricsPathOf(service) }),
      health: component === 'worker' ? { kind: 'none' } : service.health,
      user: service.user,
      volumes: service.writablePaths.map((mountPath) => ({ name: volumeName(mountPath), mountPath })),
      env: service.environment,
      config: service.settings.flatMap((setting) =>
        setting.value.kind === 'plain' && setting.value.default !== undefined && !credentialLike.test(setting.name)
          ? [{ name: setting.name, value: setting.value.default }]
          : [],
      ),
      defaultedConfig: service.settings
        .filter((setting) => setting.value.kind === 'plain' && setting.value.default !== undefined && credentialLike.test(setting.name))
        .map((setting) => setting.name),
      unsetConfig: service.settings.filter((setting) => setting.value.kind === 'plain' && setting.value.default === undefined).map((setting) => setting.name),
      secretKeys: service.settings.filter((setting) => setting.value.kind !== 'plain').map((setting) => setting.name),
      ...(routes.has(service.name) ? { route: routes.get(service.name) } : {}),
      calls: callsOf(service),
      calledBy: calledBy(service.name),
      datastorePorts: [...new Set(service.uses.map((store) => store.engine.port))],
      httpsEgress: component !== 'frontend',
      ...(migration
        ? {
            migration: {
              name: `${service.name}-migrate`,
              image: migration.target === 'migrate' ? `${service.image.owner}-migrate` : service.image.owner,
              repository: migration.target === 'migrate' ? service.image.migrateRepository : service.image.repository,
              argv: migration.argv,
            },
          }
        : {}),
      sizing: Object.fromEntries(model.project.environments.map((environment) => [environment.name, sizingOf(service, environment.isProduction)])),
      rollout: model.config.strategy !== 'rolling' && service.port !== undefined && component !== 'worker',
      agent: Object.fromEntries(model.project.environments.map((environment) => [environment.name, agentMetadata(model, service, environment.name)])),
    };
  });
};

export interface ClusterFacts {
  ingressClass: string;
  /** cert-manager ClusterIssuers: production for every environment; staging for trying a new host without rate limits. */
  issuers: { production: string; staging: string };
  secretStore: string;
  /** The secret manager entry of a workload in an environment. */
  secretEntry: (environment: string, workload: string) => string;
  /** The Secret cert-manager writes each environment's certificate to. */
  tlsSecret: string;
  prometheus: boolean;
  /**
   * Whether the monitoring stack's agent, in the monitoring namespace, scrapes the services' /metrics, so their
   * NetworkPolicy must admit it: Prometheus; the OpenTelemetry Collectors of New Relic, Elastic and CloudWatch; Datadog's
   * Agent for the connection-pool metrics, which it reads only when there is a database; Google Cloud Managed
   * Service for Prometheus's collectors (PodMonitoring).
   */
  scrapesMetrics: boolean;
  /**
   * The namespace of that agent, which the NetworkPolicies admit: GMP's collectors in gmp-system, Azure Monitor's
   * managed Prometheus collectors (ama-metrics, run by the AKS add-on) in kube-system, the monitoring namespace otherwise.
   */
  scraperNamespace: string;
}

export const clusterFacts = (model: StackModel): ClusterFacts => ({
  ingressClass: model.config.ingressClass,
  issuers: { production: 'letsencrypt-production', staging: 'letsencrypt-staging' },
  secretStore: secretStoreName(model.config),
  secretEntry: (environment, workload) => secretManagerEntry(model.config, environment, workload),
  tlsSecret: `${model.project.name}-tls`,
  prometheus: model.config.monitoring === 'prometheus-grafana',
  scrapesMetrics: scrapesMetrics(model),
  scraperNamespace:
    model.config.monitoring === 'google-cloud-monitoring' ? managedPrometheusNamespace : model.config.monitoring === 'azure-monitor' ? azureManagedPrometheusNamespace : monitoringNamespace,
});

const scrapesMetrics = (model: StackModel): boolean => {
  switch (model.config.monitoring) {
    case 'prometheus-grafana':
    case 'newrelic':
    case 'elk':
    case 'cloudwatch':
    case 'google-cloud-monitoring':
    case 'azure-monitor':
      return true;
    case 'datadog':
      return model.datastores.some((store) => store.engine.role === 'database');
    default:
      return false;
  }
};

/** The host of a workload's route in an environment with this host: its own, or `<workload>.<host>` (a second front end). */
export const routeHost = (workload: Pick<Workload, 'name' | 'route'>, host: string): string | undefined =>
  workload.route ? (workload.route.host === 'root' ? host : `${workload.name}.${host}`) : undefined;

/** Every host of one environment: its own, and one per front end that has a host of its own. */
export const hostsOf = (workloads: Workload[], host: string): string[] => [
  host,
  ...workloads.filter((workload) => workload.route?.host === 'own').map((workload) => routeHost(workload, host)!),
];
/**
 * The version of the first release: the Helm chart's appVersion and the Kustomize overlays' image tag
 * (`<repository>:<releaseVersion>@<digest>`); the pipeline deploys by digest, the tag is for people reading it.
 */
export const releaseVersion = '0.1.0';

/**
 * The pods that check a workload from outside it (helm test pods, the analysis Job of a Rollout without
 * Prometheus): curl (versions.json `curl`) as a user of no image's own, the restricted security context,
 * and a small fixed size.
 */
export const healthCheckPod = {
  /** The `app.kubernetes.io/component` label the workloads' and the namespace's network policies admit. */
  component: 'health-check',
  containerName: 'curl',
  user: { uid: 65532, gid: 65532 },
  resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } } satisfies Resources,
  /** curl's options: an error status fails the check, quietly except for the error, and never hangs. */
  curlOptions: ['--fail', '--silent', '--show-error', '--max-time', '10'],
};

/** Argo Rollouts' placeholder for an argument of an AnalysisTemplate (`{{args.service}}`). */
const arg = (name: string) => `{{args.${name}}}`;

/** Every pod of the workload under analysis: a failing canary raises the whole service's error rate. */
const analysisSelector = `namespace="${arg('namespace')}",pod=~"${arg('service')}-[a-z0-9]+-[a-z0-9]+"`;

/**
 * How a Rollout's analysis (AnalysisTemplate `<project>-health`) judges a new version: with Prometheus, the 5xx
 * share and the p95 latency over 2 minutes against the alert thresholds of the answers (`errorRateThreshold`,
 * `latencyThreshold`), read from whichever HTTP metric scheme of the metric contract the service exports
 * (lib/monitoring/metrics.ts); without it, a Job that requests the health route through the preview (blue-green)
 * or canary Service.
 */
export const healthAnalysisOf = (config: Pick<StackModel['config'], 'errorRateThreshold' | 'latencyThreshold'>) => ({
  args: ['service', 'target', 'namespace', 'port', 'path'],
  prometheusAddress: `http://prometheus-operated.${monitoringNamespace}.svc:9090`,
  // Queries are written over several lines (the manifests keep under 160 columns); PromQL ignores the breaks.
  metrics: [
    {
      name: 'error-rate',
      successCondition: `len(result) == 0 || isNaN(result[0]) || result[0] < ${Number(config.errorRateThreshold) / 100}`,
      query: httpMetricSchemes
        .map((scheme) =>
          [
            '(',
            `  sum(rate(${scheme.count}{${analysisSelector},`,
            `    ${scheme.statusLabel}=~"5.."}[2m]))`,
            `  / sum(rate(${scheme.count}{${analysisSelector}}[2m]))`,
            ')',
          ].join('\n'),
        )
        .join('\nor\n'),
    },
    {
      name: 'p95-latency',
      successCondition: `len(result) == 0 || isNaN(result[0]) || result[0] < ${config.latencyThreshold}`,
      query: httpMetricSchemes
        .map((scheme) => ['histogram_quantile(0.95,', `  sum by (le) (rate(${scheme.bucket}{${analysisSelector}}[2m])))`].join('\n'))
        .join('\nor\n'),
    },
  ],
  /** The URL the analysis Job requests (without Prometheus). */
  jobUrl: `http://${arg('target')}.${arg('namespace')}.svc:${arg('port')}${arg('path')}`,
});

