/**
 * helm: the application's Helm chart (deploy/helm/<project>), the Helm style of the Kubernetes objects in
 * /lib/kubernetes/workloads.ts. The templates are a hand-written chart copied as they are; what is this
 * project's comes in through values.yaml (shared by every environment), values-<environment>.yaml (the
 * environment's namespace facts) and values.schema.json (which closes every key).
 */
import { clusterFiles } from '../../kubernetes/cluster.js';
import { kubernetesDocs, kubernetesNextSteps } from '../../kubernetes/docs.js';
import { releaseVersion } from '../../kubernetes/workloads.js';
import type { StackModel } from '../../model/types.js';
import { byPath } from '../../order.js';
import { deployLayout } from '../../plan/naming.js';
import { managedFile } from '../../plan/managed-file.js';
import type { Area, PlannedFile } from '../../plan/types.js';
import { stableJson } from '../../render/json.js';
import { valuesSchema } from './schema.js';
import { environmentValues, sharedValues } from './values.js';

const area = 'helm';

/** The chart's templates: Go templates with no EJS in them, copied as they are. */
const staticTemplates = [
  '.helmignore',
  'templates/_helpers.tpl',
  'templates/NOTES.txt',
  'templates/serviceaccount.yaml',
  'templates/configmap.yaml',
  'templates/externalsecret.yaml',
  'templates/deployment.yaml',
  'templates/rollout.yaml',
  'templates/service.yaml',
  'templates/hpa.yaml',
  'templates/pdb.yaml',
  'templates/networkpolicy.yaml',
  'templates/ingress.yaml',
  'templates/certificate.yaml',
  'templates/podmonitor.yaml',
  'templates/prometheusrule.yaml',
  'templates/analysistemplate.yaml',
  'templates/migration-job.yaml',
  'templates/tests/health.yaml',
];

const file = managedFile(area);

const plan = (model: StackModel): PlannedFile[] => {
  if (model.config.orchestration !== 'helm') return [];
  const chart = deployLayout(model.config).helmChart;
  const values = sharedValues(model);
  const data = { project: model.project.name, version: releaseVersion, values };
  return [
    file(`${chart}/Chart.yaml`, 'Chart.yaml.ejs', data),
    file(`${chart}/values.yaml`, 'values.yaml.ejs', data),
    file(`${chart}/values.schema.json`, 'values.schema.json.ejs', { json: stableJson(valuesSchema(values)) }),
    ...model.project.environments.map((environment) =>
      file(`${chart}/values-${environment.name}.yaml`, 'values-environment.yaml.ejs', { ...data, environment: environmentValues(model, environment) }),
    ),
    ...staticTemplates.map((template) => file(`${chart}/${template}`, template, {})),
    ...clusterFiles(model, area),
    kubernetesDocs(model, 'helm', area),
  ].sort(byPath);
};

export const helmArea: Area = {
  name: area,
  description: 'Helm chart of the application: workloads with probes and hardening, autoscaling, disruption budgets, network policies, ingress and TLS, synced secrets, hook-run migrations, helm tests',
  reads: ['name', 'services', 'orchestration', 'strategy', 'cloud', 'monitoring', 'environments', 'registry', 'domain', 'team', 'ingressClass', 'database', 'cache'],
  unavailable: (config) =>
    config.orchestration === 'helm'
      ? undefined
      : {
          option: 'orchestration',
          fix: `is ${config.orchestration}; the Helm chart is written when it is helm (run with --orchestration helm${config.orchestration === 'kustomize' ? ', or phase4 kubernetes for the Kustomize manifests' : ''})`,
        },
  plan,
  nextSteps: (model) => (model.config.orchestration === 'helm' ? kubernetesNextSteps(model) : []),
};
