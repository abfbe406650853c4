/**
 * monitoring: alert rules with their unit tests and runbook, Alertmanager's routing, Grafana's dashboards and
 * log shipping, for the chosen stack, on Kubernetes (kube-prometheus-stack) or beside compose. Everything is
 * rendered from /lib/monitoring: the facts of the run, the metric contract and the alerts as data.
 */
import { alertsFor } from '../../monitoring/alerts.js';
import { monitoringOf, type MonitoringFacts } from '../../monitoring/facts.js';
import { monitoringNamespace } from '../../kubernetes/workloads.js';
import type { StackModel } from '../../model/types.js';
import { byPath } from '../../order.js';
import { managedFile } from '../../plan/managed-file.js';
import { secretStoreName } from '../../plan/naming.js';
import type { Area, PlannedFile } from '../../plan/types.js';
import { wrap } from '../../render/text.js';
import { helmChart } from '../../versions/index.js';
import { alertmanagerData, receivers, receiverSecret } from './alertmanager.js';
import { datadogDocs, datadogFiles, datadogRunbookSections } from './datadog.js';
import { composeData, prometheusConfig } from './compose.js';
import { monitoringDocs } from './docs.js';
import { grafanaFiles } from './grafana.js';
import { loggingComposeServices, loggingDocs, loggingFiles } from './logging.js';
import { expandAnnotation, ruleGroups, ruleTests, runbookAnchor, yamlEntry } from './rules.js';

const file = managedFile('monitoring');

export const monitoringLayout = {
  rules: (project: string) => `monitoring/prometheus/rules/${project}.rules.yaml`,
  tests: (project: string) => `monitoring/prometheus/tests/${project}.test.yaml`,
  alertmanager: 'monitoring/alertmanager/alertmanager.yml',
  prometheus: 'monitoring/prometheus/prometheus.yml',
  runbook: 'docs/runbooks/alerts.md',
  docs: 'docs/monitoring.md',
} as const;

/** `1%`, `99.9%`: a ratio as the percentage people write. */
export const percent = (ratio: number): string => `${Number((ratio * 100).toPrecision(6))}%`;

/** A summary with its label references named in code spans, for the runbook's table. */
const plainSummary = (summary: string): string =>
  expandAnnotation(summary, new Proxy({}, { get: (_, name) => (typeof name === 'string' ? `\`${name}\`` : undefined) }));

const runbookSections = (facts: MonitoringFacts) => {
  const names = [...new Set(alertsFor(facts).map((alert) => alert.name))];
  return names.map((name) => {
    const rules = alertsFor(facts)
      .filter((alert) => alert.name === name)
      .map((alert) => ({ severity: alert.severity, for: alert.for, expr: alert.expr(facts), summary: plainSummary(alert.summary) }));
    return { name, anchor: runbookAnchor({ name }), rules };
  });
};

const ruleFiles = (facts: MonitoringFacts): PlannedFile[] => {
  const groups = ruleGroups(facts);
  const rulesPath = monitoringLayout.rules(facts.project);
  const files = [
    file(rulesPath, 'prometheus/rules.yaml.ejs', { groups, runbook: facts.runbook.path, entry: yamlEntry }),
    file(monitoringLayout.tests(facts.project), 'prometheus/rules.test.yaml.ejs', { ruleFile: `../rules/${facts.project}.rules.yaml`, tests: ruleTests(facts), entry: yamlEntry }),
    file(monitoringLayout.runbook, 'docs/alerts.md.ejs', {
      facts,
      kubernetes: facts.platform === 'kubernetes',
      sections: runbookSections(facts),
      rulesPath,
      percent,
      logging: loggingDocs(facts),
    }),
  ];
  if (facts.platform === 'kubernetes') {
    files.push(file('monitoring/kubernetes/prometheus-rule.yaml', 'kubernetes/prometheus-rule.yaml.ejs', { name: facts.project, namespace: monitoringNamespace, project: facts.project, rulesFile: `${facts.project}.rules.yaml`, groups, entry: yamlEntry }));
  }
  return files;
};

const alertmanagerFile = (model: StackModel, facts: MonitoringFacts): PlannedFile =>
  file(monitoringLayout.alertmanager, 'alertmanager/alertmanager.yml.ejs', { am: alertmanagerData(facts, model.project.domain), receivers, directory: receiverSecret.directory });

const composeFiles = (facts: MonitoringFacts): PlannedFile[] => {
  const compose = composeData(facts);
  return [
    file(monitoringLayout.prometheus, 'prometheus/prometheus.yml.ejs', { prometheus: prometheusConfig(facts) }),
    file('monitoring/blackbox/blackbox.yml', 'blackbox/blackbox.yml.ejs', {}),
    file('compose.monitoring.yaml', 'compose/compose.monitoring.yaml.ejs', {
      compose,
      receiverDirectory: receiverSecret.directory,
      logging: loggingComposeServices(facts),
      shipped: loggingDocs(facts).composeLogging ?? [],
      wrap,
    }),
    { ...file('scripts/monitoring-secrets.sh', 'compose/monitoring-secrets.sh.ejs', { compose, receiverFiles: Object.values(receiverSecret.keys) }), executable: true },
  ];
};

const kubernetesFiles = (model: StackModel, facts: MonitoringFacts): PlannedFile[] => {
  const configSecret = `${facts.project}-alertmanager-config`;
  const probes = facts.services
    .map((service) => ({
      name: `${facts.project}-${service.name}`,
      service: service.name,
      urls: facts.environments.flatMap((environment) => environment.probes.filter((probe) => probe.service === service.name).map((probe) => probe.url)),
    }))
    .filter((probe) => probe.urls.length > 0);
  const stack = helmChart('kube-prometheus-stack');
  const blackbox = helmChart('prometheus-blackbox-exporter');
  const common = { namespace: monitoringNamespace, project: facts.project };
  return [
    file('monitoring/kustomization.yaml', 'kustomization.yaml.ejs', {
      ...common,
      configSecret,
      resources: ['kubernetes/prometheus-rule.yaml', ...(probes.length > 0 ? ['kubernetes/probes.yaml'] : []), 'kubernetes/alertmanager-receivers.yaml', 'grafana'],
    }),
    ...(probes.length > 0
      ? [file('monitoring/kubernetes/probes.yaml', 'kubernetes/probes.yaml.ejs', { ...common, probes, prober: `prometheus-blackbox-exporter.${monitoringNamespace}.svc:9115` })]
      : []),
    file('monitoring/kubernetes/alertmanager-receivers.yaml', 'kubernetes/alertmanager-receivers.yaml.ejs', {
      ...common,
      secret: receiverSecret.name,
      keys: Object.values(receiverSecret.keys),
      secretStore: secretStoreName(model.config),
      entry: `${facts.project}-monitoring-alertmanager`,
    }),
    file('monitoring/kubernetes/values/kube-prometheus-stack.yaml', 'kubernetes/values/kube-prometheus-stack.yaml.ejs', {
      ...common,
      chartVersion: stack.version,
      configSecret,
      receiverSecret: receiverSecret.name,
      retention: `${facts.production.logRetentionDays}d`,
    }),
    file('monitoring/kubernetes/values/prometheus-blackbox-exporter.yaml', 'kubernetes/values/prometheus-blackbox-exporter.yaml.ejs', { ...common, chartVersion: blackbox.version }),
  ];
};

/** The stacks phase4 writes so far; the others are named in `unavailable`. */
const writtenStacks: StackModel['config']['monitoring'][] = ['prometheus-grafana', 'datadog'];

const planDatadog = (model: StackModel): PlannedFile[] => {
  const facts = monitoringOf(model);
  const files = datadogFiles(model, facts);
  const docs = file(monitoringLayout.docs, 'datadog/monitoring.md.ejs', {
    facts,
    kubernetes: facts.platform === 'kubernetes',
    files: [...files.map((planned) => planned.path), monitoringLayout.runbook].sort(),
    ...datadogDocs(facts),
    percent,
  });
  // The runbook of the prometheus-grafana stack shows PromQL and points at Grafana and Loki: Datadog's has the
  // same sections (the monitors link to them) with the monitors' queries and where to look in Datadog.
  const runbook = file(monitoringLayout.runbook, 'datadog/alerts.md.ejs', { facts, sections: datadogRunbookSections(facts), percent });
  return [...files, runbook, docs].sort(byPath);
};

const plan = (model: StackModel): PlannedFile[] => {
  if (model.config.monitoring === 'datadog') return planDatadog(model);
  const facts = monitoringOf(model);
  const files = [
    ...ruleFiles(facts),
    alertmanagerFile(model, facts),
    ...grafanaFiles(facts),
    ...loggingFiles(facts),
    ...(facts.platform === 'compose' ? composeFiles(facts) : kubernetesFiles(model, facts)),
  ];
  const layout = { rules: monitoringLayout.rules(facts.project), tests: monitoringLayout.tests(facts.project) };
  const docs = file(monitoringLayout.docs, 'docs/monitoring.md.ejs', {
    ...monitoringDocs(facts, model.project.domain, files.map((planned) => planned.path).sort(), layout),
    percent,
  });
  return [...files, docs].sort(byPath);
};

export const monitoringArea: Area = {
  name: 'monitoring',
  description:
    'Monitoring: Prometheus alert rules with unit tests and a runbook section per alert, SLO burn-rate alerts, Alertmanager routing, Grafana dashboards, probes and exporters, on Kubernetes (kube-prometheus-stack) or beside compose; or, for Datadog, the Agent and a Terraform root of the same alerts as monitors, SLOs and dashboards',
  reads: [
    'name', 'services', 'orchestration', 'monitoring', 'cloud', 'environments', 'domain', 'team', 'ci', 'repository', 'database', 'cache',
    'sloObjective', 'errorRateThreshold', 'latencyThreshold', 'cpuThreshold', 'memoryThreshold', 'diskFreeThreshold', 'certificateExpiryDays', 'maintenanceWindow', 'timezone',
  ],
  unavailable: (config) =>
    writtenStacks.includes(config.monitoring)
      ? undefined
      : { option: 'monitoring', fix: `is ${config.monitoring}; phase4 writes the prometheus-grafana and datadog stacks so far (run with --monitoring prometheus-grafana or datadog, or configure ${config.monitoring} by hand)` },
  plan,
  nextSteps: (model) =>
    model.config.monitoring === 'datadog'
      ? [
          model.config.orchestration === 'none'
            ? 'monitoring: put the Datadog API key into secrets/datadog-api-key.txt, then start compose.monitoring.yaml with DD_SITE and DD_ENV set (docs/monitoring.md)'
            : 'monitoring: create the datadog-secret Secret (key api-key) in the monitoring namespace, then install the datadog chart with monitoring/kubernetes/values/datadog.yaml and your datadog.site (docs/monitoring.md)',
          'monitoring: with TF_VAR_datadog_api_key, TF_VAR_datadog_app_key, TF_VAR_pager_handle and TF_VAR_chat_handle set, run terraform -chdir=monitoring/datadog init and apply (docs/monitoring.md)',
        ]
      : model.config.orchestration === 'none'
      ? ['monitoring: run scripts/monitoring-secrets.sh, put the Slack webhook URL, PagerDuty routing key and SMTP password into secrets/alertmanager/, then start compose.monitoring.yaml (docs/monitoring.md)']
      : [`monitoring: install kube-prometheus-stack and the blackbox exporter with the values in monitoring/kubernetes/values/, store the Alertmanager receivers' credentials in the secret manager entry ${model.config.name}-monitoring-alertmanager, then kubectl apply -k monitoring (docs/monitoring.md)`],
};
