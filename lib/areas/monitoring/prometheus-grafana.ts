/**
 * monitoring: prometheus-grafana (the default). Alert rules with their unit tests and runbook, Alertmanager's
 * routing, Grafana's dashboards and log shipping (Fluent Bit to Loki), on Kubernetes (kube-prometheus-stack) or
 * beside compose.
 */
import { alertsFor } from '../../monitoring/alerts.js';
import { monitoringOf, type MonitoringFacts } from '../../monitoring/facts.js';
import { monitoringNamespace } from '../../kubernetes/workloads.js';
import type { StackModel } from '../../model/types.js';
import { byPath } from '../../order.js';
import { managedFile } from '../../plan/managed-file.js';
import { secretStoreName } from '../../plan/naming.js';
import type { PlannedFile } from '../../plan/types.js';
import { wrap } from '../../render/text.js';
import { helmChart } from '../../versions/index.js';
import { alertmanagerData, receivers, receiverSecret } from './alertmanager.js';
import { composeData, prometheusConfig } from './compose.js';
import { exporterEntry, exportersLayout, kubernetesExporters } from './exporters.js';
import { monitoringDocs } from './docs.js';
import { grafanaFiles } from './grafana.js';
import { loggingComposeServices, loggingDocs, loggingFiles } from './logging.js';
import { expandAnnotation, ruleGroups, ruleTests, runbookAnchor, yamlEntry } from './rules.js';
import { monitoringLayout, percent, type MonitoringStack } from './stack.js';

const file = managedFile('monitoring');

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

/**
 * How a runbook section names the other alerts it sends the reader to, keeping to those this run has (on
 * Kubernetes the datastores are the cloud's and have no exporter alerts): `see` gives ` (see A, B)` or
 * nothing, `either` gives `A, B or C`.
 */
const alertReferences = (facts: MonitoringFacts) => {
  const names = new Set(alertsFor(facts).map((alert) => alert.name));
  const present = (wanted: string[]) => wanted.filter((name) => names.has(name));
  return {
    has: (name: string) => names.has(name),
    see: (...wanted: string[]) => (present(wanted).length > 0 ? ` (see ${present(wanted).join(', ')})` : ''),
    either: (...wanted: string[]) => {
      const found = present(wanted);
      return found.length <= 1 ? found.join('') : `${found.slice(0, -1).join(', ')} or ${found.at(-1)}`;
    },
  };
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
      ...alertReferences(facts),
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
    ...exporterFiles(model, facts),
  ];
};

/** Every exporter's secret manager entry, in every environment. */
const exporterEntries = (model: StackModel): string[] => {
  const facts = monitoringOf(model);
  return facts.environments.flatMap((environment) => facts.datastores.map((store) => exporterEntry(model, environment.name, store.exporter.job)));
};

/** The datastore exporters: a base with one file per exporter, an overlay per environment. */
const exporterFiles = (model: StackModel, facts: MonitoringFacts): PlannedFile[] => {
  const exporters = kubernetesExporters(facts);
  if (exporters.length === 0) return [];
  const secretStore = secretStoreName(model.config);
  return [
    file(`${exportersLayout.base}/kustomization.yaml`, 'kubernetes/exporters/base-kustomization.yaml.ejs', { project: facts.project, exporters }),
    ...exporters.map((exporter) =>
      file(`${exportersLayout.base}/${exporter.job}.yaml`, 'kubernetes/exporters/exporter.yaml.ejs', {
        exporter,
        project: facts.project,
        team: facts.team,
        secretStore,
        monitoringNamespace,
        entry: exporterEntry(model, facts.production.name, exporter.job),
      }),
    ),
    ...facts.environments.map((environment) =>
      file(`${exportersLayout.overlay(environment.name)}/kustomization.yaml`, 'kubernetes/exporters/overlay-kustomization.yaml.ejs', {
        environment: environment.name,
        namespace: environment.namespace,
        exporters: exporters.map((exporter) => ({ job: exporter.job, entry: exporterEntry(model, environment.name, exporter.job) })),
      }),
    ),
  ];
};

const plan = (model: StackModel, facts: MonitoringFacts): PlannedFile[] => {
  const files = [
    ...ruleFiles(facts),
    alertmanagerFile(model, facts),
    ...grafanaFiles(facts),
    ...loggingFiles(facts),
    ...(facts.platform === 'compose' ? composeFiles(facts) : kubernetesFiles(model, facts)),
  ];
  const layout = { rules: monitoringLayout.rules(facts.project), tests: monitoringLayout.tests(facts.project) };
  const docs = file(monitoringLayout.docs, 'docs/monitoring.md.ejs', {
    ...monitoringDocs(facts, model.project.domain, files.map((planned) => planned.path).sort(), layout, (environment, job) => exporterEntry(model, environment, job)),
    percent,
  });
  return [...files, docs].sort(byPath);
};


export const prometheusGrafana: MonitoringStack = {
  summary:
    'Prometheus alert rules with unit tests and a runbook section per alert, SLO burn-rate alerts, Alertmanager routing, Grafana dashboards, probes and exporters, Fluent Bit to Loki, on Kubernetes (kube-prometheus-stack) or beside compose',
  plan,
  nextSteps: (model) =>
    model.config.orchestration === 'none'
      ? ['monitoring: run scripts/monitoring-secrets.sh, put the Slack webhook URL, PagerDuty routing key and SMTP password into secrets/alertmanager/, then start compose.monitoring.yaml (docs/monitoring.md)']
      : [
          `monitoring: install kube-prometheus-stack and the blackbox exporter with the values in monitoring/kubernetes/values/, store the Alertmanager receivers' credentials in the secret manager entry ${model.config.name}-monitoring-alertmanager, then kubectl apply -k monitoring (docs/monitoring.md)`,
          ...(model.datastores.length > 0
            ? [`monitoring: create a monitoring user on each managed datastore, store its connection in the secret manager entries ${exporterEntries(model).join(', ')}, then kubectl apply -k monitoring/kubernetes/exporters/<environment> (docs/monitoring.md)`]
            : []),
        ],
};
