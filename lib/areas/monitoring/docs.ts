/**
 * docs/monitoring.md: how the stack runs on this platform, the metric contract with the lines each service needs,
 * the thresholds from the answers, routing and muting, log shipping, and how changes are checked.
 */
import { alertsFor } from '../../monitoring/alerts.js';
import type { MonitoringFacts } from '../../monitoring/facts.js';
import { httpMetricSchemes } from '../../monitoring/metrics.js';
import { monitoringNamespace } from '../../kubernetes/workloads.js';
import { helmChart, toolVersion } from '../../versions/index.js';
import { alertmanagerData, receiverSecret } from './alertmanager.js';
import { kubernetesExporters } from './exporters.js';
import { instrumentationOf } from './instrumentation.js';
import { loggingDocs } from './logging.js';

/** What each generated file is, for the docs' table (files of other platforms are left out by the caller). */
const purposes: [RegExp, string][] = [
  [/rules\/[^/]+\.rules\.yaml$/, 'The alert and recording rules'],
  [/tests\/[^/]+\.test\.yaml$/, 'Their unit tests (promtool test rules): each alert fires, and stays quiet'],
  [/prometheus-rule\.yaml$/, 'The same rules as a PrometheusRule for kube-prometheus-stack'],
  [/prometheus\.yml$/, "Prometheus's scrape configuration"],
  [/alertmanager\.yml$/, "Alertmanager's routing, muting and receivers"],
  [/probes\.yaml$/, 'Blackbox probes of the public health routes'],
  [/alertmanager-receivers\.yaml$/, "The receivers' credentials, synced from the secret manager"],
  [/values\/kube-prometheus-stack\.yaml$/, 'Values for kube-prometheus-stack'],
  [/values\/prometheus-blackbox-exporter\.yaml$/, 'Values for the blackbox exporter chart'],
  [/values\/fluent-bit\.yaml$/, 'Values for the Fluent Bit chart (log shipping)'],
  [/values\/loki\.yaml$/, 'Values for the Loki chart'],
  [/loki-rules\.yaml$/, "The log alerts, for Loki's ruler"],
  [/logging\/fluent-bit\.yaml$/, "Fluent Bit's pipeline (log shipping)"],
  [/logging\/loki\.yaml$/, "Loki's configuration"],
  [/logging\/rules\//, "The log alerts, for Loki's ruler"],
  [/exporters\/base\/kustomization\.yaml$/, 'The datastore exporters, one file each'],
  [/exporters\/base\/[^/]+\.yaml$/, 'A datastore exporter: Deployment, NetworkPolicy, PodMonitor and the ExternalSecret of its connection'],
  [/exporters\/[^/]+\/kustomization\.yaml$/, "The exporters in one environment's namespace (`kubectl apply -k`)"],
  [/monitoring\/kustomization\.yaml$/, 'Everything for the cluster in one `kubectl apply -k monitoring`'],
  [/grafana\/kustomization\.yaml$/, "The dashboards as ConfigMaps for Grafana's sidecar"],
  [/grafana\/provisioning\/datasources/, "Grafana's data sources"],
  [/grafana\/provisioning\/dashboards/, "Grafana's dashboard provider"],
  [/grafana\/dashboards\//, 'A Grafana dashboard'],
  [/blackbox\.yml$/, "The blackbox exporter's probe module"],
  [/compose\.monitoring\.yaml$/, 'The monitoring stack beside compose.yaml'],
  [/monitoring-secrets\.sh$/, "Prepares the stack's credential files in secrets/"],
  [/runbooks\/alerts\.md$/, 'The runbook: one section per alert'],
];

export const monitoringDocs = (facts: MonitoringFacts, domain: string, paths: string[], layout: { rules: string; tests: string }, entryOf: (environment: string, job: string) => string) => {
  const kubernetes = facts.platform === 'kubernetes';
  const measured = facts.services.filter((service) => service.exposesMetrics);
  const byLabel = new Map<string, ReturnType<typeof instrumentationOf> & { services: string[]; metricsPath: string }>();
  for (const service of measured) {
    const entry = instrumentationOf(service, facts.thresholds.latencySeconds);
    const known = byLabel.get(entry.label);
    if (known) known.services.push(service.name);
    else byLabel.set(entry.label, { ...entry, services: [service.name], metricsPath: service.metricsPath! });
  }
  const alertmanager = alertmanagerData(facts, domain);
  const stack = helmChart('kube-prometheus-stack');
  return {
    facts,
    kubernetes,
    namespace: monitoringNamespace,
    files: paths.flatMap((path) => {
      const purpose = purposes.find(([pattern]) => pattern.test(path))?.[1];
      return purpose ? [{ path, purpose }] : [];
    }),
    operatorVersion: toolVersion('prometheus-operator'),
    chartRepository: stack.repository,
    stackChart: stack.version,
    blackboxChart: helmChart('prometheus-blackbox-exporter').version,
    receiverEntry: `${facts.project}-monitoring-alertmanager`,
    receiverKeys: Object.values(receiverSecret.keys),
    receiverDirectory: receiverSecret.directory,
    schemes: httpMetricSchemes,
    instrumentation: [...byLabel.values()],
    unmeasured: facts.services.filter((service) => !service.exposesMetrics).map((service) => service.name),
    nonProduction: kubernetes ? facts.environments.filter((environment) => !environment.isProduction).map((environment) => environment.namespace).join(', ') : '',
    email: alertmanager.email,
    rulesPath: layout.rules,
    testsFolder: layout.tests.slice(0, layout.tests.lastIndexOf('/')),
    testsFile: layout.tests.slice(layout.tests.lastIndexOf('/') + 1),
    logging: loggingDocs(facts),
    // The silence example names alerts this run has: the datastore ones exist beside compose only.
    datastoreAlerts: alertsFor(facts).some((alert) => alert.name === 'DatastoreDown'),
    exporters: kubernetes
      ? kubernetesExporters(facts).map((exporter) => ({ ...exporter, entries: facts.environments.map((environment) => entryOf(environment.name, exporter.job)) }))
      : [],
    environments: facts.environments.map((environment) => environment.name),
  };
};
