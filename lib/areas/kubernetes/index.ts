/**
 * Kubernetes with Kustomize (`orchestration: kustomize`): a base with one folder per service, an overlay per
 * environment, the migrations the pipeline runs first, and the cluster's one-time pieces (deploy/cluster).
 */
import { clusterFiles } from '../../kubernetes/cluster.js';
import { kubernetesDocs, kubernetesNextSteps } from '../../kubernetes/docs.js';
import { identityNote } from '../../kubernetes/identity.js';
import {
  healthAnalysisOf,
  healthCheckPod,
  ingressControllerNamespace,
  monitoringNamespace,
  preStopSeconds,
  releaseVersion,
  terminationGracePeriodSeconds,
} from '../../kubernetes/workloads.js';
import type { StackModel } from '../../model/types.js';
import { deployLayout } from '../../plan/naming.js';
import { managedFile } from '../../plan/managed-file.js';
import type { Area, PlannedFile } from '../../plan/types.js';
import { wrap } from '../../render/text.js';
import { imageRef } from '../../versions/index.js';
import { type WorkloadData, kustomizeData, labelsOf, overlayData, selectorOf } from './data.js';

const area = 'kubernetes';
const base = 'deploy/kustomize/base';

const managed = managedFile(area);

/** The files of one service's folder in the base, in the order the base lists them. */
const workloadFiles = (workload: WorkloadData, prometheus: boolean): [string, string][] => [
  ['service-account.yaml', 'base/service-account.yaml.ejs'],
  ...(workload.secretKeys.length > 0 ? ([['external-secret.yaml', 'base/external-secret.yaml.ejs']] as [string, string][]) : []),
  [`${workload.kind === 'Rollout' ? 'rollout' : 'deployment'}.yaml`, 'base/workload.yaml.ejs'],
  ...(workload.port !== undefined ? ([['service.yaml', 'base/service.yaml.ejs']] as [string, string][]) : []),
  ['autoscaler.yaml', 'base/autoscaler.yaml.ejs'],
  ['disruption-budget.yaml', 'base/disruption-budget.yaml.ejs'],
  ['network-policy.yaml', 'base/network-policy.yaml.ejs'],
  ...(workload.route ? ([['ingress.yaml', 'base/ingress.yaml.ejs']] as [string, string][]) : []),
  ...(prometheus && workload.metricsPath !== undefined ? ([['pod-monitor.yaml', 'base/pod-monitor.yaml.ejs']] as [string, string][]) : []),
];

const planKustomize = (model: StackModel): PlannedFile[] => {
  const data = kustomizeData(model, imageRef('curl'));
  const common = {
    ...data,
    tag: releaseVersion,
    preStopSeconds,
    terminationGracePeriodSeconds,
    ingressNamespace: ingressControllerNamespace,
    monitoringNamespace,
    analysis: healthAnalysisOf(model.config),
    healthCheck: healthCheckPod,
    healthCheckLabels: labelsOf(model, `${model.project.name}-health`, healthCheckPod.component),
    identityNote: identityNote(model.config.cloud),
    wrap,
  };
  const folders = data.workloads.map((workload) => ({ workload, files: workloadFiles(workload, data.facts.prometheus) }));
  const listed = folders.map(({ workload, files }) => ({ ...workload, files: files.map(([file]) => file) }));
  const files: PlannedFile[] = [
    managed(`${base}/kustomization.yaml`, 'base/kustomization.yaml.ejs', { ...common, workloads: listed }),
    managed(`${base}/namespace-policies.yaml`, 'base/namespace-policies.yaml.ejs', common),
  ];
  if (data.rollouts) {
    files.push(managed(`${base}/kustomizeconfig.yaml`, 'base/kustomizeconfig.yaml.ejs', common));
    files.push(managed(`${base}/analysis-template.yaml`, 'base/analysis-template.yaml.ejs', common));
  }
  for (const { workload, files: folder } of folders) {
    for (const [file, template] of folder) {
      files.push(managed(`${base}/${workload.name}/${file}`, template, { ...common, workload }));
    }
  }
  const migrations = data.workloads.filter((workload) => workload.migration);
  if (migrations.length > 0) {
    files.push(managed(`${base}/migrations/kustomization.yaml`, 'migrations/kustomization.yaml.ejs', { ...common, migrations }));
    for (const workload of migrations) {
      const labels = labelsOf(model, workload.migration!.name, 'migration');
      const selector = selectorOf(model, workload.migration!.name);
      const migrationData = { ...common, workload, labels, selector };
      if (workload.secretKeys.length > 0) {
        files.push(managed(`${base}/migrations/${workload.name}-external-secret.yaml`, 'base/external-secret.yaml.ejs', migrationData));
      }
      files.push(managed(`${base}/migrations/${workload.name}-network-policy.yaml`, 'migrations/network-policy.yaml.ejs', migrationData));
      files.push(managed(`${base}/migrations/${workload.name}-job.yaml`, 'migrations/job.yaml.ejs', migrationData));
    }
  }
  const overlays = deployLayout(model.config).kustomizeOverlays;
  for (const environment of model.project.environments) {
    const overlay = { ...common, ...overlayData(model, data, environment) };
    const folder = `${overlays}/${environment.name}`;
    files.push(managed(`${folder}/kustomization.yaml`, 'overlay/kustomization.yaml.ejs', overlay));
    if (overlay.certificate) files.push(managed(`${folder}/certificate.yaml`, 'overlay/certificate.yaml.ejs', overlay));
    if (migrations.length > 0) files.push(managed(`${folder}/migrations/kustomization.yaml`, 'overlay/migrations.yaml.ejs', overlay));
  }
  return [...files, ...clusterFiles(model, area), kubernetesDocs(model, 'kustomize', area)];
};

export const kubernetesArea: Area = {
  name: area,
  description: 'Kubernetes manifests with Kustomize: a hardened base, an overlay per environment, Argo Rollouts for blue-green and canary',
  reads: ['name', 'services', 'orchestration', 'strategy', 'cloud', 'monitoring', 'environments', 'registry', 'domain', 'team', 'ingressClass', 'database', 'cache'],
  unavailable: (config) =>
    config.orchestration === 'kustomize'
      ? undefined
      : {
          option: 'orchestration',
          fix: `is ${config.orchestration}; the Kustomize manifests are written when it is kustomize (run with --orchestration kustomize, or phase4 helm for the Helm chart)`,
        },
  plan: (model) => (model.config.orchestration === 'kustomize' ? planKustomize(model) : []),
  nextSteps: (model) => (model.config.orchestration === 'kustomize' ? kubernetesNextSteps(model) : []),
};
