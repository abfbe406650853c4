/**
 * What the Kustomize templates read: the style-neutral workloads of lib/kubernetes, with their labels and
 * the values the base carries (production's; each overlay patches its own in explicitly).
 */
import { type ClusterFacts, type Sizing, type Workload, clusterFacts, hostsOf, releaseVersion, routeHost, workloadSelector, workloadsOf } from '../../kubernetes/workloads.js';
import type { EnvironmentModel, StackModel } from '../../model/types.js';

export interface WorkloadData extends Workload {
  labels: Record<string, string>;
  selector: Record<string, string>;
  /** Base values (production's). */
  host?: string;
  secretEntry: string;
  sizingHere: Sizing;
  agentHere: Workload['agent'][string];
  kind: 'Deployment' | 'Rollout';
  apiVersion: 'apps/v1' | 'argoproj.io/v1alpha1';
  healthPath: string;
}

export interface KustomizeData {
  project: string;
  team: string;
  strategy: StackModel['config']['strategy'];
  facts: ClusterFacts;
  workloads: WorkloadData[];
  namespaceLabels: Record<string, string>;
  /** Distinct ports of the workloads, which health checks may reach. */
  ports: number[];
  rollouts: boolean;
  production: EnvironmentModel;
  curlImage: string;
  images: { repository: string; tag: string }[];
}

export const labelsOf = (model: StackModel, name: string, component?: string): Record<string, string> => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/instance': model.project.name,
  'app.kubernetes.io/part-of': model.project.name,
  ...(component ? { 'app.kubernetes.io/component': component } : {}),
  team: model.project.team,
});

export const selectorOf = (model: StackModel, name: string): Record<string, string> => workloadSelector(model.project.name, name);

export const kustomizeData = (model: StackModel, curlImage: string): KustomizeData => {
  const facts = clusterFacts(model);
  const production = model.project.production;
  const workloads = workloadsOf(model).map(
    (workload): WorkloadData => ({
      ...workload,
      labels: labelsOf(model, workload.name, workload.component),
      selector: selectorOf(model, workload.name),
      ...(workload.route ? { host: routeHost(workload, production.host) } : {}),
      secretEntry: facts.secretEntry(production.name, workload.name),
      sizingHere: workload.sizing[production.name],
      agentHere: workload.agent[production.name],
      kind: workload.rollout ? 'Rollout' : 'Deployment',
      apiVersion: workload.rollout ? 'argoproj.io/v1alpha1' : 'apps/v1',
      healthPath: workload.health.kind === 'http' ? workload.health.path : '/',
    }),
  );
  const repositories = [...new Set(workloads.flatMap((workload) => [workload.repository, ...(workload.migration ? [workload.migration.repository] : [])]))];
  return {
    project: model.project.name,
    team: model.project.team,
    strategy: model.config.strategy,
    facts,
    workloads,
    namespaceLabels: labelsOf(model, model.project.name),
    ports: [...new Set(workloads.flatMap((workload) => (workload.port === undefined ? [] : [workload.port])))],
    rollouts: workloads.some((workload) => workload.rollout),
    production,
    curlImage,
    images: repositories.map((repository) => ({ repository, tag: releaseVersion })),
  };
};

/** What one overlay patches in: the environment's values for every workload. */
export const overlayData = (model: StackModel, data: KustomizeData, environment: EnvironmentModel) => ({
  ...data,
  environment,
  namespace: environment.namespace,
  hosts: hostsOf(data.workloads, environment.host),
  patches: data.workloads.map((workload) => ({
    workload,
    sizing: workload.sizing[environment.name],
    agent: workload.agent[environment.name],
    host: routeHost(workload, environment.host),
    secretEntry: data.facts.secretEntry(environment.name, workload.name),
  })),
  migrations: data.workloads.filter((workload) => workload.migration),
  /** The environment's Certificate, when some workload is public; named like the Secret it writes. */
  certificate: data.workloads.some((workload) => workload.route) ? { name: data.facts.tlsSecret } : undefined,
});
