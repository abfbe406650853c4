/**
 * monitoring: azure-monitor (Azure only). One Terraform root per environment, monitoring/azure-monitor/
 * environments/<env>, that writes the alerts of lib/monitoring/alerts.ts in Azure Monitor's terms
 * (azure-monitor-alerts.ts) on the resources the Azure Terraform creates, looked up by the names
 * lib/plan/naming.ts gives them; the action groups come from one module, monitoring/azure-monitor/modules/
 * notifications.
 *
 * - AKS: Azure Monitor managed Prometheus. infra/ turns on the cluster's add-on (ama-metrics in kube-system);
 *   this root creates the Azure Monitor workspace and the data collection endpoint, rule and association that
 *   carry the cluster's metrics there, and the rule groups. The add-on scrapes the services' /metrics through
 *   the PodMonitors of monitoring/kubernetes/azure-monitor/<env> (its own CRD group, azmonitoring.coreos.com).
 *   Dashboards: Azure Managed Grafana linked to the workspace, with the Prometheus stack's dashboards (the
 *   same PromQL over the same recorded series), imported by the docs' command.
 * - Container Apps: the apps' platform metrics and Front Door's access log (every public request passes it);
 *   the dashboards are one Azure Monitor workbook per environment (azure-monitor-workbook.ts).
 * - Both: the datastores' metrics, Application Insights web tests of the public health routes (availability and
 *   certificate lifetime), log search alerts over the container logs, whose table keeps the environment's log
 *   retention in the Log Analytics workspace infra/ creates.
 */
import type { MonitoredEnvironment, MonitoringFacts } from '../../monitoring/facts.js';
import type { StackModel } from '../../model/types.js';
import { workloadSelector, workloadsOf } from '../../kubernetes/workloads.js';
import { managedFile } from '../../plan/managed-file.js';
import { azureNames } from '../../plan/naming.js';
import type { PlannedFile } from '../../plan/types.js';
import { hclString } from '../../render/hcl.js';
import { stableJson } from '../../render/json.js';
import { infrastructureOf } from '../../terraform/infrastructure.js';
import { terraformPins } from '../../versions/index.js';
import { byPath } from '../../order.js';
import { accessLog, azureAlerts, azureRules, azureSeverity, containerLines, describeAlert, logPatterns, receiverOf, unwatchedOnContainerApps, type AzureAlert, type AzureTarget } from './azure-monitor-alerts.js';
import { workbookJson } from './azure-monitor-workbook.js';
import { dashboards } from './grafana/dashboards.js';
import { dashboardJson } from './grafana/model.js';
import { runbookAnchor } from './rules.js';
import { monitoringLayout, percent, type MonitoringStack } from './stack.js';

const file = managedFile('monitoring');

export const azureMonitorLayout = {
  root: 'monitoring/azure-monitor',
  environment: (environment: string) => `monitoring/azure-monitor/environments/${environment}`,
  notifications: 'monitoring/azure-monitor/modules/notifications',
  podMonitors: (environment: string) => `monitoring/kubernetes/azure-monitor/${environment}`,
  dashboards: 'monitoring/azure-monitor/dashboards',
} as const;

/** The log table of the services' container logs, on each platform. */
export const containerLogTable = (kubernetes: boolean): string => (kubernetes ? 'ContainerLogV2' : 'ContainerAppConsoleLogs');

export const targetOf = (model: StackModel, facts: MonitoringFacts, environment: MonitoredEnvironment): AzureTarget => {
  const infra = infrastructureOf(model);
  const kubernetes = facts.platform === 'kubernetes';
  return {
    facts,
    environment,
    kubernetes,
    // Front Door names each service's route after the service (infra/modules/front-door); only services that
    // serve their own HTTP behind it are watched by request (front ends on nginx answer from their files).
    routed: kubernetes ? [] : infra.services.filter((service) => service.route && facts.services.find((monitored) => monitored.name === service.name)?.exposesMetrics).map((service) => service.name),
  };
};

const environmentFiles = (model: StackModel, facts: MonitoringFacts, environment: MonitoredEnvironment): PlannedFile[] => {
  const target = targetOf(model, facts, environment);
  const infra = infrastructureOf(model);
  const name = azureNames.environment(facts.project, environment.name);
  const rules = azureRules(target, name);
  const pins = terraformPins();
  const database = facts.datastores.find((store) => store.role === 'database');
  const cache = facts.datastores.find((store) => store.role === 'cache');
  const dir = azureMonitorLayout.environment(environment.name);
  const data = {
    project: facts.project,
    team: facts.team,
    name,
    environment,
    location: infra.region,
    kubernetes: target.kubernetes,
    rules,
    severity: azureSeverity,
    receiverOf,
    database: database ? { engine: database.engine, label: database.label } : undefined,
    cache: cache ? { label: cache.label } : undefined,
    services: facts.services.map((service) => ({ name: service.name, app: infra.services.find((candidate) => candidate.name === service.name)!.workload })),
    thresholds: facts.thresholds,
    logTable: containerLogTable(target.kubernetes),
    workbook: target.kubernetes ? undefined : workbookJson(target, facts.services),
    logRetentionDays: environment.logRetentionDays,
    uniqueSuffix: azureNames.uniqueSuffix,
    sharedResourceGroup: azureNames.shared(facts.project),
    backendKey: `monitoring/${environment.name}.tfstate`,
    core: pins.core.constraint,
    azurerm: pins.providers.azurerm,
    grafanaMajorVersion: pins.managed.azure.grafana,
    // Managed Grafana names: 2 to 23 letters, digits and hyphens.
    grafanaName: name.slice(0, 23).replace(/-+$/, ''),
  };
  const files = [
    file(`${dir}/versions.tf`, 'azure-monitor/environment/versions.tf.ejs', data),
    file(`${dir}/providers.tf`, 'azure-monitor/environment/providers.tf.ejs', data),
    file(`${dir}/main.tf`, 'azure-monitor/environment/main.tf.ejs', data),
    file(`${dir}/alerts.tf`, 'azure-monitor/environment/alerts.tf.ejs', data),
    file(`${dir}/logs.tf`, 'azure-monitor/environment/logs.tf.ejs', data),
    ...(rules.webTests.length > 0 ? [file(`${dir}/endpoints.tf`, 'azure-monitor/environment/endpoints.tf.ejs', data)] : []),
    ...(target.kubernetes
      ? [file(`${dir}/prometheus.tf`, 'azure-monitor/environment/prometheus.tf.ejs', data), file(`${dir}/grafana.tf`, 'azure-monitor/environment/grafana.tf.ejs', data)]
      : [file(`${dir}/dashboards.tf`, 'azure-monitor/environment/dashboards.tf.ejs', data)]),
    file(`${dir}/variables.tf`, 'azure-monitor/environment/variables.tf.ejs', data),
    file(`${dir}/outputs.tf`, 'azure-monitor/environment/outputs.tf.ejs', data),
  ];
  return files;
};

const notificationFiles = (): PlannedFile[] => {
  const pins = terraformPins();
  const data = { core: pins.core.constraint, azurerm: pins.providers.azurerm };
  return ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf'].map((name) => file(`${azureMonitorLayout.notifications}/${name}`, `azure-monitor/notifications/${name}.ejs`, data));
};

/** The PodMonitors of one environment: every pod of a service that serves metrics, its job label the service's name. */
const podMonitorFiles = (model: StackModel, facts: MonitoringFacts, environment: MonitoredEnvironment): PlannedFile[] => {
  const workloads = workloadsOf(model).filter((workload) => workload.metricsPath !== undefined);
  if (workloads.length === 0) return [];
  const dir = azureMonitorLayout.podMonitors(environment.name);
  const monitors = workloads.map((workload) => ({ name: workload.name, selector: workloadSelector(facts.project, workload.name), path: workload.metricsPath! }));
  return [
    file(`${dir}/pod-monitors.yaml`, 'azure-monitor/kubernetes/pod-monitors.yaml.ejs', { monitors, namespace: environment.namespace, project: facts.project }),
    file(`${dir}/kustomization.yaml`, 'azure-monitor/kubernetes/kustomization.yaml.ejs', { namespace: environment.namespace }),
  ];
};

/** The Prometheus stack's dashboards that read what managed Prometheus collects (not the exporters' datastore ones). */
const dashboardFiles = (facts: MonitoringFacts): PlannedFile[] =>
  dashboards(facts)
    .filter((spec) => !spec.name.endsWith('-database') && !spec.name.endsWith('-cache'))
    .map((spec) => file(`${azureMonitorLayout.dashboards}/${spec.name}.json`, 'azure-monitor/dashboard.json.ejs', { json: stableJson(dashboardJson(spec)) }));

/** The first thing to open for each alert, on the platform the rules watch. */
const firstLook = (kubernetes: boolean, alert: string): string =>
  ({
    HighErrorRate: kubernetes ? "The services dashboard in Managed Grafana (error rate by service), then the service's 5xx lines in ContainerLogV2." : "Front Door's access log for the route (the query in docs/monitoring.md), grouped by status and path.",
    HighLatency: kubernetes ? "The services dashboard's latency panels, and the datastores' metrics: a slow query slows every request." : "Front Door's access log for the route, by path: timeTaken_s against originName_s shows whether the app or Front Door is slow.",
    ErrorBudgetBurn: 'The SLO dashboard (or the access log query of each window): which window pair fired, and since when errors rose.',
    LatencyBudgetBurn: 'The SLO dashboard (or the access log query of each window): the share of slow requests over each window.',
    ServiceDown: kubernetes ? '`kubectl get pods -n <namespace>` and the failing pods\' events (`kubectl describe pod`).' : "Container Apps > the app > Revisions and replicas, and its system logs (ContainerAppSystemLogs).",
    TargetDown: "The ama-metrics pods' logs (`kubectl logs -n kube-system -l rsName=ama-metrics`) and the pod's /metrics endpoint.",
    EndpointDown: 'Application Insights > Availability > the web test: each location\'s result and the failure\'s detail.',
    CertificateExpiry: "The certificate's renewal: cert-manager's Certificate on AKS, Front Door's managed certificate on Container Apps (Front Door > Domains).",
    HighCpuUsage: kubernetes ? 'The resources dashboard, CPU by pod; `kubectl top pods -n <namespace>`.' : 'Container Apps > the app > Metrics, CPU usage by replica.',
    HighMemoryUsage: kubernetes ? 'The resources dashboard, memory by pod.' : 'Container Apps > the app > Metrics, memory working set by replica.',
    DiskSpaceLow: 'The resources dashboard, filesystems and volumes; `kubectl describe node` for disk pressure.',
    ContainerRestarting: kubernetes ? '`kubectl describe pod` (last state, exit code) and `kubectl logs --previous`.' : "The app's system logs (ContainerAppSystemLogs) for the restarts' reasons, then its console logs before each.",
    ContainerCrashLooping: kubernetes ? '`kubectl logs --previous` of the crash-looping pod: its last lines say why it exits.' : "The app's console logs just before each restart (ContainerAppConsoleLogs).",
    DatastoreDown: "The datastore's Resource health and Activity log in the portal (failover, maintenance, restart).",
    DatastoreConnectionsNearLimit: "The server's active connections by client (Query Performance Insight, or pg_stat_activity / SHOW PROCESSLIST): which service holds them, and each pool's size.",
    DatastoreCpuHigh: 'Query Performance Insight (flexible server) or the account\'s Insights (Cosmos DB), for the statements that use the CPU.',
    DatabaseStorageLow: "The server's storage_percent; storage auto-grow grows the disk until its maximum, then stops.",
    CacheMemoryHigh: "The cache's used memory and evicted keys; keys without a TTL grow without bound.",
    ConnectionPoolExhausted: "The service's pool metrics on the services dashboard, next to the database's active connections and slow queries.",
    LogErrorsHigh: "The service's error lines (the query below), grouped by message.",
    LogCrashDetected: "The crash line and the stack under it (the query below).",
  })[alert] ?? '';

/** What the runbook's table calls the subject of each alert. */
const runbookSubject = (alert: string): string =>
  ({
    EndpointDown: 'a public health route',
    CertificateExpiry: 'a public host',
    DiskSpaceLow: 'a node filesystem or volume',
    DatastoreDown: 'a datastore',
    DatastoreConnectionsNearLimit: 'a datastore',
    DatastoreCpuHigh: 'the database',
    DatabaseStorageLow: 'the database',
    CacheMemoryHigh: 'the cache',
  })[alert] ?? 'a service';

const capitalised = (sentence: string) => sentence.charAt(0).toUpperCase() + sentence.slice(1);

/** The runbook's sections: one per alert name, with what each severity's rule says and the production rules' names. */
const runbookSections = (model: StackModel, facts: MonitoringFacts) => {
  const target = targetOf(model, facts, facts.production);
  const rules = azureRules(target, azureNames.environment(facts.project, facts.production.name));
  const wanted = azureAlerts(facts);
  const written = (name: string, severity: string): string[] => [
    ...rules.groups.flatMap((group) => group.rules.filter((rule) => rule.alert === name && rule.labels?.severity === severity).map(() => `${group.name} (rule ${name})`)),
    ...rules.metricAlerts.filter((rule) => rule.alert === name && rule.severity === severity).map((rule) => rule.name),
    ...rules.logAlerts.filter((rule) => rule.alert === name && rule.severity === severity).map((rule) => rule.name),
  ];
  return [...new Set(wanted.map((alert) => alert.name))].map((name) => {
    const severities = wanted.filter((alert) => alert.name === name);
    return {
      name,
      anchor: runbookAnchor({ name }),
      firstLook: firstLook(target.kubernetes, name),
      group: severities[0].group,
      unwatched: target.kubernetes ? undefined : unwatchedOnContainerApps.get(name),
      rules: severities.map((alert: AzureAlert) => ({
        severity: alert.severity,
        description: capitalised(describeAlert(facts, alert, runbookSubject(name), target.kubernetes)),
        rules: [...new Set(written(name, alert.severity))],
      })),
    };
  });
};

const planAzureMonitor = (model: StackModel, facts: MonitoringFacts): PlannedFile[] => {
  const kubernetes = facts.platform === 'kubernetes';
  const files = [
    ...notificationFiles(),
    ...facts.environments.flatMap((environment) => environmentFiles(model, facts, environment)),
    ...(kubernetes ? [...facts.environments.flatMap((environment) => podMonitorFiles(model, facts, environment)), ...dashboardFiles(facts)] : []),
  ];
  const production = targetOf(model, facts, facts.production);
  const docs = file(monitoringLayout.docs, 'azure-monitor/monitoring.md.ejs', {
    facts,
    kubernetes,
    files: [...files.map((planned) => planned.path), monitoringLayout.runbook].sort(),
    names: facts.environments.map((environment) => ({ environment: environment.name, name: azureNames.environment(facts.project, environment.name), namespace: environment.namespace, retention: environment.logRetentionDays })),
    logTable: containerLogTable(kubernetes),
    routed: production.routed,
    accessLogQuery: `${accessLog(production.routed)}\n| summarize requests = count(), errors = countif(status >= 500), p95 = percentile(seconds, 95) by service = routeName_s, bin(TimeGenerated, 5m)\n| order by TimeGenerated desc`,
    unwatched: kubernetes ? [] : [...unwatchedOnContainerApps.entries()].filter(([name]) => azureAlerts(facts).some((alert) => alert.name === name)),
    layout: azureMonitorLayout,
    provider: terraformPins().providers.azurerm,
    database: facts.datastores.find((store) => store.role === 'database'),
    cache: facts.datastores.find((store) => store.role === 'cache'),
    percent,
  });
  const runbook = file(monitoringLayout.runbook, 'azure-monitor/alerts.md.ejs', {
    facts,
    kubernetes,
    sections: runbookSections(model, facts),
    logQuery: (pattern: 'errors' | 'crashes') => `${containerLines(production)}\n| where line matches regex ${JSON.stringify(logPatterns[pattern])}\n| project TimeGenerated, service, line\n| order by TimeGenerated desc`,
  });
  return [...files, runbook, docs].sort(byPath);
};

export const azureMonitor: MonitoringStack = {
  summary:
    "a Terraform root per environment of Azure Monitor alerts (managed Prometheus rule groups on AKS, metric and log search alerts on Container Apps and the datastores, web tests of the public health routes) and the action groups of the pager and chat; on AKS the PodMonitors of managed Prometheus and Managed Grafana's dashboards",
  plan: planAzureMonitor,
  nextSteps: (model) => [
    `monitoring: for each environment, set TF_VAR_subscription_id, TF_VAR_pager_webhook_url (PagerDuty's Azure Monitor integration URL), TF_VAR_chat_webhook_url (a Slack or Teams incoming webhook), TF_VAR_alert_emails${model.datastores.length > 0 ? ' and TF_VAR_connection_limits (the datastores\' connection limits)' : ''}, then terraform -chdir=${azureMonitorLayout.environment('<environment>')} init with the state storage account and apply, after infra/ (docs/monitoring.md)`,
    ...(model.config.orchestration === 'none' ? [] : [`monitoring: after each environment's monitoring apply, kubectl apply -k ${azureMonitorLayout.podMonitors('<environment>')} on its cluster, and import ${azureMonitorLayout.dashboards} into Managed Grafana (docs/monitoring.md)`]),
  ],
};
