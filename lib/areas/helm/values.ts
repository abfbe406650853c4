/**
 * The chart's values, from the style-neutral workload facts (lib/kubernetes/workloads.ts): what every
 * environment shares (values.yaml) and what differs per environment (values-<environment>.yaml). The chart's
 * templates read nothing else, so the values are the whole interface of the chart.
 */
import {
  clusterFacts,
  healthAnalysisOf,
  healthCheckPod,
  hostsOf,
  ingressControllerNamespace,
  workloadsOf,
  type Resources,
  type Workload,
} from '../../kubernetes/workloads.js';
import type { EnvironmentModel, StackModel } from '../../model/types.js';
import { allImages } from '../../versions/index.js';

export interface ImageValues {
  repository: string;
  /** Empty: the chart's appVersion. */
  tag: string;
  /** Empty until the pipeline sets it (`--set-string images.<key>.digest=sha256:...`). */
  digest: string;
}

/** One workload as the templates read it: the facts of `Workload` that do not change per environment. */
export interface WorkloadValues {
  name: string;
  component: Workload['component'];
  image: string;
  command?: string[];
  port?: number;
  metricsPath?: string;
  health: { kind: 'http'; path: string } | { kind: 'tcp' } | { kind: 'none' };
  user: { uid: number; gid: number };
  volumes: { name: string; mountPath: string }[];
  env: { name: string; value: string }[];
  config: { name: string; value: string }[];
  secretKeys: string[];
  route?: { host: 'root' | 'own'; path: string };
  calls: { name: string; port: number }[];
  calledBy: string[];
  datastorePorts: number[];
  httpsEgress: boolean;
  migration?: { image: string; command: string[] };
}

export interface SharedValues {
  team: string;
  strategy: StackModel['config']['strategy'];
  monitoring: { stack: StackModel['config']['monitoring']; namespace: string; scrapesMetrics: boolean };
  images: Record<string, ImageValues>;
  ingress: { className: string; controllerNamespace: string; tlsSecret: string; clusterIssuer: string };
  externalSecrets: { store: string; refreshInterval: string };
  healthCheck: { image: { repository: string; tag: string }; user: { uid: number; gid: number }; resources: Resources };
  analysis: { prometheusAddress: string; metrics: { name: string; successCondition: string; query: string }[] };
  workloads: WorkloadValues[];
}

export interface EnvironmentValues {
  environment: string;
  host: string;
  hosts: string[];
  /** Secret manager entry per workload that has secret settings. */
  secretEntries: Record<string, string>;
  sizing: Record<string, { minReplicas: number; maxReplicas: number; resources: Resources }>;
  /** Pod labels and annotations for the monitoring agent, per workload that has any. */
  podMetadata: Record<string, { labels: Record<string, string>; annotations: Record<string, string> }>;
}

const healthValues = (workload: Workload): WorkloadValues['health'] =>
  workload.health.kind === 'http' ? { kind: 'http', path: workload.health.path } : { kind: workload.health.kind };

const workloadValues = (workload: Workload): WorkloadValues => ({
  name: workload.name,
  component: workload.component,
  image: workload.image,
  ...(workload.command ? { command: workload.command } : {}),
  ...(workload.port !== undefined ? { port: workload.port } : {}),
  ...(workload.metricsPath !== undefined ? { metricsPath: workload.metricsPath } : {}),
  health: healthValues(workload),
  user: workload.user,
  volumes: workload.volumes,
  env: workload.env,
  config: workload.config,
  secretKeys: workload.secretKeys,
  ...(workload.route ? { route: workload.route } : {}),
  calls: workload.calls,
  calledBy: workload.calledBy,
  datastorePorts: workload.datastorePorts,
  httpsEgress: workload.httpsEgress,
  ...(workload.migration ? { migration: { image: workload.migration.image, command: workload.migration.argv } } : {}),
});

/** Every image the workloads and their migrations run, by the key the pipeline sets digests at, in workload order. */
const imagesOf = (workloads: Workload[]): Record<string, ImageValues> => {
  const images: Record<string, ImageValues> = {};
  for (const workload of workloads) {
    images[workload.image] ??= { repository: workload.repository, tag: '', digest: '' };
    if (workload.migration) images[workload.migration.image] ??= { repository: workload.migration.repository, tag: '', digest: '' };
  }
  return images;
};

export const sharedValues = (model: StackModel): SharedValues => {
  const workloads = workloadsOf(model);
  const facts = clusterFacts(model);
  const curl = allImages().curl;
  const analysis = healthAnalysisOf(model.config);
  return {
    team: model.project.team,
    strategy: model.config.strategy,
    monitoring: { stack: model.config.monitoring, namespace: facts.scraperNamespace, scrapesMetrics: facts.scrapesMetrics },
    images: imagesOf(workloads),
    ingress: { className: facts.ingressClass, controllerNamespace: ingressControllerNamespace, tlsSecret: facts.tlsSecret, clusterIssuer: facts.issuers.production },
    externalSecrets: { store: facts.secretStore, refreshInterval: '1h' },
    healthCheck: { image: { repository: curl.image, tag: curl.tag }, user: healthCheckPod.user, resources: healthCheckPod.resources },
    analysis: { prometheusAddress: analysis.prometheusAddress, metrics: analysis.metrics },
    workloads: workloads.map(workloadValues),
  };
};

const hasMetadata = (metadata: { labels: Record<string, string>; annotations: Record<string, string> }) =>
  Object.keys(metadata.labels).length > 0 || Object.keys(metadata.annotations).length > 0;

export const environmentValues = (model: StackModel, environment: EnvironmentModel): EnvironmentValues => {
  const workloads = workloadsOf(model);
  const facts = clusterFacts(model);
  return {
    environment: environment.name,
    host: environment.host,
    hosts: hostsOf(workloads, environment.host),
    secretEntries: Object.fromEntries(
      workloads.filter((workload) => workload.secretKeys.length > 0).map((workload) => [workload.name, facts.secretEntry(environment.name, workload.name)]),
    ),
    sizing: Object.fromEntries(workloads.map((workload) => [workload.name, workload.sizing[environment.name]])),
    podMetadata: Object.fromEntries(
      workloads.filter((workload) => hasMetadata(workload.agent[environment.name])).map((workload) => [workload.name, workload.agent[environment.name]]),
    ),
  };
};
