/**
 * `monitoring: google-cloud-monitoring` (lib/areas/monitoring/google-cloud-monitoring.ts) over five shapes: GKE
 * (Helm) with PostgreSQL and Redis, GKE (Kustomize) without a datastore, Cloud Run with MySQL, Cloud Run with
 * changed thresholds, and GKE with one environment and MongoDB (no Google-managed datastore). Each whole app is
 * planned and written to a temp folder. Every root and module must pass terraform fmt, tflint (every rule), trivy
 * (HIGH and CRITICAL) and the google provider's 6.50.0 schema (resource types, arguments, blocks, required ones);
 * `terraform validate` cannot run for google here (no provider binary: the registry is out of reach and the
 * provider is not on the Go module proxy), so the schema check stands in for it. Every PromQL condition and
 * dashboard query must parse with promtool; the PodMonitoring overlays build with kubectl kustomize and pass
 * kubeconform (strict) and yamllint; the docs markdownlint and prettier; everything secretlint. The parsed HCL
 * then answers what a reviewer checks: a policy per alert and severity, critical to the pager channels and
 * warnings to chat, runbook links that resolve, thresholds that are the answers, burn rates over two windows,
 * labels, typed variables, and the names infra/ gives the resources it watches.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { cloudRunLacks, gcmAlerts, gcmPolicies, targetOf } from '../../lib/areas/monitoring/google-cloud-monitoring.js';
import { alerts as catalog, alertsFor } from '../../lib/monitoring/alerts.js';
import { monitoringOf } from '../../lib/monitoring/facts.js';
import { derive } from '../../lib/model/index.js';
import { gcpEnvironmentName } from '../../lib/plan/naming.js';
import { alignHclAttributes } from '../../lib/render/hcl-format.js';
import { infrastructureOf } from '../../lib/terraform/infrastructure.js';
import { filesOf, type RenderedShape, renderShape, renderShapes, terraformStackChecks } from './terraform-shapes.js';
import { serviceVariants } from '../validation/matrix.js';
import { tempDir } from '../helpers/folders.js';
import { parseTerraformDir, providerSchema, providerSchemaFindings, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';
import { kustomizeOverlays } from '../validation/validators/kubernetes.js';
import { markdownlint } from '../validation/validators/markdownlint.js';
import { prettier } from '../validation/validators/prettier.js';
import { promtoolParseQueries } from '../validation/validators/prometheus.js';
import { yamllint } from '../validation/validators/yamllint.js';
import { labelledBlocks, undescribedOutputs, untypedOrUndescribedVariables, type Block } from '../terraform/hcl-assertions.js';

const variant = (name: string) => serviceVariants.find((service) => service.name === name)!;

const gcp = (overrides: Partial<Answers>): Partial<Answers> => ({
  cloud: 'gcp',
  region: 'europe-west1',
  registry: 'europe-west1-docker.pkg.dev/acme-prod/shop',
  monitoring: 'google-cloud-monitoring',
  ...overrides,
});

const shapes: Record<string, Partial<Answers>> = {
  'gke-helm-postgres-redis': gcp({ orchestration: 'helm', database: 'postgres', cache: 'redis' }),
  'gke-kustomize-no-datastore': gcp({ orchestration: 'kustomize', database: 'none', cache: 'none' }),
  'run-mysql': gcp({ orchestration: 'none', database: 'mysql', cache: 'none' }),
  'run-thresholds': gcp({
    orchestration: 'none',
    database: 'postgres',
    cache: 'redis',
    sloObjective: '99.5',
    errorRateThreshold: '0.5',
    latencyThreshold: '0.25',
    cpuThreshold: '70',
    memoryThreshold: '85',
    diskFreeThreshold: '10',
    certificateExpiryDays: '21',
  }),
  'gke-production-only-mongodb': gcp({ orchestration: 'helm', database: 'mongodb', cache: 'none', environments: ['production'], services: [variant('web-react'), variant('api-express')] }),
};

type Rendered = RenderedShape;

let rendered = new Map<string, Rendered>();
let root = '';

before(async () => {
  ({ root, rendered } = await renderShapes('google-cloud-monitoring', shapes));
});

const all = () => [...rendered.entries()];
const gcmDir = (entry: Rendered) => path.join(entry.dir, 'monitoring', 'google-cloud-monitoring');
const kubernetes = (entry: Rendered) => entry.answers.orchestration !== 'none';

const resources = (parsed: ParsedTerraformFile[], type: string): Block[] => labelledBlocks(parsed, 'resource').filter((block) => block.type === type);
const policies = (parsed: ParsedTerraformFile[]) => resources(parsed, 'google_monitoring_alert_policy');
const labelOf = (block: Block, key: string): string | undefined => new RegExp(`${key} = "([^"]+)"`).exec(String(block.body.user_labels))?.[1];
/** The label value of an alert name (labels take lower case only). */
const alertLabel = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const conditionsOf = (policy: Block): any[] => policy.body.conditions ?? [];
const promqlOf = (policy: Block): string[] => conditionsOf(policy).flatMap((condition) => (condition.condition_prometheus_query_language ?? []).map((promql: any) => String(promql.query)));

/** The runbook's headings, as the anchors markdownlint and GitHub give them. */
const runbookAnchors = (entry: Rendered) => new Set([...entry.files['docs/runbooks/alerts.md'].matchAll(/^## (.+)$/gm)].map((match) => match[1].toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));

/** Alerts an environment has nothing to watch for: no public health route, or (Cloud Run) every service may scale to zero. */
const unwatched = (entry: Rendered, environment: string, alert: string): boolean => {
  const probes = entry.facts.environments.find((candidate) => candidate.name === environment)!.probes;
  if (['EndpointDown', 'CertificateExpiry'].includes(alert) && probes.length === 0) return true;
  if (alert === 'ServiceDown' && !kubernetes(entry)) {
    const infra = infrastructureOf(derive(entry.answers));
    return !infra.services.some((service) => service.port !== undefined && service.sizing[environment].minReplicas > 0);
  }
  return false;
};

/**
 * What a reviewer checks of one environment's policies, as problems: every alert has a policy of its name and
 * severity, named for it, notifying the right channels, linking to a runbook section that exists; no policy
 * watches an alert that does not apply.
 */
const policyProblems = (entry: Rendered, environment: string, parsed: ParsedTerraformFile[]): string[] => {
  const problems: string[] = [];
  const name = gcpEnvironmentName(entry.facts.project, environment);
  const anchors = runbookAnchors(entry);
  const all = policies(parsed);
  for (const alert of gcmAlerts(entry.facts)) {
    if (unwatched(entry, environment, alert.name)) continue;
    const matching = all.filter((block) => labelOf(block, 'alert') === alertLabel(alert.name) && labelOf(block, 'severity') === alert.severity);
    if (matching.length === 0) problems.push(`${environment}: no policy for ${alert.name} (${alert.severity})`);
    for (const block of matching) {
      const channel = alert.severity === 'critical' ? 'pager' : 'chat';
      if (block.body.notification_channels !== `\${module.notifications.${channel}_channel_ids}`) problems.push(`${environment}: ${block.name} notifies ${block.body.notification_channels}, not the ${channel} channels`);
      if (block.body.severity !== alert.severity.toUpperCase()) problems.push(`${environment}: ${block.name} has severity ${block.body.severity}`);
      if (!String(block.body.display_name).startsWith(`${name}-${alert.name}-${alert.severity}`)) problems.push(`${environment}: ${block.name} is named ${block.body.display_name}`);
      const link = `${entry.facts.runbook.url}#${alert.name.toLowerCase()}`;
      const documentation = block.body.documentation?.[0];
      if (!String(documentation?.content).includes(link) || documentation?.links?.[0]?.url !== link) problems.push(`${environment}: ${block.name} does not link ${link}`);
      if (!anchors.has(alert.name.toLowerCase())) problems.push(`${environment}: the runbook has no section ${alert.name}`);
    }
  }
  const wanted = new Set(gcmAlerts(entry.facts).map((alert) => alertLabel(alert.name)));
  for (const block of all) if (!wanted.has(labelOf(block, 'alert') ?? '')) problems.push(`${environment}: ${block.name} watches ${labelOf(block, 'alert')}, which does not apply`);
  return problems;
};

describe('google-cloud-monitoring: the validators', () => {
  test('the plan has a root per environment, the notifications module, the runbook and docs; on GKE the PodMonitorings', () => {
    for (const [name, entry] of all()) {
      for (const environment of entry.answers.environments) {
        for (const file of ['versions.tf', 'providers.tf', 'main.tf', 'alerts.tf', 'logs.tf', 'dashboards.tf', 'dashboards/resources.json', 'variables.tf', 'outputs.tf']) {
          assert.ok(entry.files[`monitoring/google-cloud-monitoring/environments/${environment}/${file}`], `${name}: ${environment}/${file}`);
        }
        assert.equal(Boolean(entry.files[`monitoring/google-cloud-monitoring/environments/${environment}/slos.tf`]), !kubernetes(entry), `${name}: SLOs of ${environment}`);
        assert.equal(Boolean(entry.files[`monitoring/kubernetes/google-cloud-monitoring/${environment}/kustomization.yaml`]), kubernetes(entry), `${name}: PodMonitorings of ${environment}`);
      }
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) assert.ok(entry.files[`monitoring/google-cloud-monitoring/modules/notifications/${file}`], `${name}: notifications/${file}`);
      assert.ok(entry.files['docs/runbooks/alerts.md'] && entry.files['docs/monitoring.md'], name);
      assert.ok(!entry.files['monitoring/alertmanager/alertmanager.yml'] && !Object.keys(entry.files).some((file) => file.startsWith('monitoring/cloudwatch/')), `${name}: no other stack's files`);
    }
  });

  terraformStackChecks('google-cloud-monitoring', all, () => root);

  test('the google 6.50 schema: resource types, arguments and blocks exist, required ones are given (every root and module)', async () => {
    for (const [name, entry] of all()) assert.deepEqual(await providerSchemaFindings(gcmDir(entry), 'google'), [], name);
  });

  test('the schema check fails on an unknown argument and a missing block argument (planted mutations)', async () => {
    const copy = tempDir('phase4-gcm-mutant-');
    cpSync(gcmDir(rendered.get('run-mysql')!), copy, { recursive: true });
    const alerts = path.join(copy, 'environments', 'production', 'alerts.tf');
    writeFileSync(alerts, readFileSync(alerts, 'utf8').replace('  combiner ', '  notify_everyone = true\n  combiner ').replace('      comparison      = "COMPARISON_GT"\n', ''));
    const problems = await providerSchemaFindings(copy, 'google');
    assert.ok(problems.some((problem) => problem.includes('notify_everyone')), problems.join('\n'));
    assert.ok(problems.some((problem) => problem.includes('comparison')), problems.join('\n'));
  });

  test('every PromQL condition and dashboard query parses with promtool; a broken one does not', () => {
    for (const [name, entry] of all()) {
      const queries = [...entry.environments.values()].flatMap((parsed) => policies(parsed).flatMap(promqlOf)).map((query) => query.replaceAll('${var.database_max_connections}', '100'));
      const dashboards = filesOf(entry, /dashboards\/[a-z]+\.json$/).flatMap((file) =>
        JSON.parse(readFileSync(file, 'utf8')).mosaicLayout.tiles.flatMap((tile: any) => tile.widget.xyChart.dataSets.map((set: any) => set.timeSeriesQuery.prometheusQuery as string)),
      );
      assert.ok(queries.length > 10 && dashboards.length > 3, name);
      assert.deepEqual(promtoolParseQueries([...queries, ...dashboards]), [], name);
    }
    assert.equal(promtoolParseQueries(['sum by (service_name) (rate(run_googleapis_com:request_count{service_name=~"a"}[5m]) > ']).length, 1);
  });

  test('the PodMonitoring overlays build, pass kubeconform (strict) and trivy; yamllint and prettier accept them', () => {
    for (const [name, entry] of all().filter(([, entry]) => kubernetes(entry))) {
      const manifests = filesOf(entry, /^monitoring\/kubernetes\/google-cloud-monitoring\/.*\.yaml$/);
      assert.deepEqual(yamllint.check(manifests), [], name);
      assert.deepEqual(prettier.check(manifests), [], name);
      assert.deepEqual(kustomizeOverlays.check(filesOf(entry, /^monitoring\/kubernetes\/google-cloud-monitoring\/(?!base\/)[^/]+\/kustomization\.yaml$/)), [], name);
    }
    const copy = tempDir('phase4-gcm-podmonitoring-');
    cpSync(path.join(rendered.get('gke-kustomize-no-datastore')!.dir, 'monitoring', 'kubernetes', 'google-cloud-monitoring'), copy, { recursive: true });
    const monitor = path.join(copy, 'base', 'api-express.yaml');
    writeFileSync(monitor, readFileSync(monitor, 'utf8').replace('  endpoints:', '  endpoint:'));
    assert.ok(kustomizeOverlays.check([path.join(copy, 'production', 'kustomization.yaml')]).some((problem) => problem.includes('endpoint')));
  });
});

describe('google-cloud-monitoring: what a reviewer checks', () => {
  test('every alert (name and severity) has a policy: critical to the pager channels, warnings to chat, runbook linked', () => {
    for (const [name, entry] of all()) {
      for (const [environment, parsed] of entry.environments) assert.deepEqual(policyProblems(entry, environment, parsed), [], name);
      // The catalog's applicable alerts are all there, but for what Cloud Run has no counterpart of and the
      // exporter alerts without a Google-managed datastore.
      const names = gcmAlerts(entry.facts).map((alert) => `${alert.name}/${alert.severity}`);
      const managed = entry.facts.datastores.some((store) => store.engine !== 'mongodb');
      for (const alert of alertsFor(entry.facts)) {
        const explained = (!kubernetes(entry) && cloudRunLacks.has(alert.name)) || (!managed && ['DatastoreDown', 'DatastoreConnectionsNearLimit'].includes(alert.name));
        assert.equal(names.includes(`${alert.name}/${alert.severity}`), !explained, `${name}: ${alert.name}`);
      }
    }
  });

  test('an alert of the catalog without a translation stops the run, naming it', () => {
    const model = derive(rendered.get('run-mysql')!.answers);
    const facts = monitoringOf(model);
    const invented = { ...catalog[0], name: 'InventedAlert', severity: 'warning' as const };
    catalog.push(invented);
    try {
      assert.throws(() => gcmPolicies(targetOf(model, facts, facts.production)), /no Google Cloud Monitoring (alert policy|description) for (the alert )?InventedAlert/);
    } finally {
      catalog.splice(catalog.indexOf(invented), 1);
    }
    assert.ok(gcmPolicies(targetOf(model, facts, facts.production)).length > 0);
  });

  test('the reviewer check fails when a policy is missing or on the wrong channels (planted mutations)', () => {
    const entry = rendered.get('gke-helm-postgres-redis')!;
    const parsed = entry.environments.get('production')!;
    const without = parsed.map(({ file, body }) => ({
      file,
      body: { ...body, resource: { ...body.resource, google_monitoring_alert_policy: Object.fromEntries(Object.entries(body.resource?.google_monitoring_alert_policy ?? {}).filter(([resource]) => resource !== 'error_budget_burn_critical')) } },
    }));
    assert.ok(policyProblems(entry, 'production', without).some((problem) => problem.includes('ErrorBudgetBurn (critical)')));
    const swapped = parsed.map(({ file, body }) => ({ file, body: JSON.parse(JSON.stringify(body).replaceAll('pager_channel_ids', 'chat_channel_ids')) }));
    assert.ok(policyProblems(entry, 'production', swapped).some((problem) => problem.includes('not the pager channels')));
  });

  test('thresholds are the answers', () => {
    for (const [name, entry] of all()) {
      const { answers } = entry;
      const run = !kubernetes(entry);
      for (const [environment, parsed] of entry.environments) {
        const ends = (alert: string, comparison: string, severity?: string) => {
          const found = policies(parsed).filter((block) => labelOf(block, 'alert') === alertLabel(alert) && (!severity || labelOf(block, 'severity') === severity));
          assert.ok(found.length > 0, `${name} ${environment}: ${alert}`);
          for (const block of found) for (const query of promqlOf(block)) assert.ok(query.trimEnd().endsWith(comparison), `${name} ${environment}: ${alert} ends ${query.slice(-40)}, not ${comparison}`);
        };
        ends('HighErrorRate', `> ${Number(answers.errorRateThreshold) / 100}`);
        ends('HighLatency', `> ${run ? Number(answers.latencyThreshold) * 1000 : Number(answers.latencyThreshold)}`);
        ends('HighCpuUsage', `> ${Number(answers.cpuThreshold) / 100}`);
        ends('HighMemoryUsage', `> ${Number(answers.memoryThreshold) / 100}`);
        if (!run) ends('DiskSpaceLow', `< ${Number(answers.diskFreeThreshold) / 100}`);
        ends('CertificateExpiry', `< ${Number(answers.certificateExpiryDays)}`, 'warning');
        ends('CertificateExpiry', `< ${Math.max(1, Math.floor(Number(answers.certificateExpiryDays) / 2))}`, 'critical');
        for (const slo of resources(parsed, 'google_monitoring_slo')) assert.equal(slo.body.goal, Number(answers.sloObjective) / 100, `${name}: ${slo.name}`);
      }
    }
    assert.equal(rendered.get('run-thresholds')!.facts.thresholds.errorRatio, 0.005);
  });

  test('burn rates: on Cloud Run, per service and SLO a policy per window pair, both windows above the factor; on GKE the SRE workbook pairs in PromQL', () => {
    const factors: Record<string, Record<string, number>> = {
      critical: { '3600s': 14.4, '300s': 14.4, '21600s': 6, '1800s': 6 },
      warning: { '86400s': 3, '7200s': 3, '259200s': 1, '21600s': 1 },
    };
    for (const [name, entry] of all()) {
      const budget = entry.facts.thresholds.errorBudget;
      for (const [environment, parsed] of entry.environments) {
        const burns = policies(parsed).filter((block) => ['error_budget_burn', 'latency_budget_burn'].includes(labelOf(block, 'alert') ?? ''));
        if (kubernetes(entry)) {
          assert.equal(burns.length, 4, `${name} ${environment}`);
          for (const block of burns) {
            const [query] = promqlOf(block);
            const lines = labelOf(block, 'severity') === 'critical' ? [14.4, 6] : [3, 1];
            for (const factor of lines) assert.ok(query.includes(`> ${Number((factor * budget).toPrecision(6))}`), `${name}: ${block.name} lacks ${factor}x`);
          }
          continue;
        }
        const slos = new Map(resources(parsed, 'google_monitoring_slo').map((block) => [block.name, block]));
        const services = entry.facts.services.filter((service) => service.exposesMetrics && service.port !== undefined);
        assert.equal(slos.size, services.length * 2, `${name} ${environment}: availability and latency SLO per service`);
        assert.equal(burns.length, services.length * 8, `${name} ${environment}: 2 SLOs x 2 severities x 2 pairs per service`);
        for (const block of burns) {
          assert.equal(block.body.combiner, 'AND', `${name}: ${block.name}`);
          const windows = conditionsOf(block).map((condition) => {
            const threshold = condition.condition_threshold[0];
            const match = /^select_slo_burn_rate\("\$\{google_monitoring_slo\.([a-z0-9_]+)\.id\}", "(\d+s)"\)$/.exec(threshold.filter);
            assert.ok(match && slos.has(match[1]), `${name}: ${block.name} reads ${threshold.filter}`);
            assert.equal(threshold.threshold_value, factors[labelOf(block, 'severity')!][match![2]], `${name}: ${block.name} over ${match![2]}`);
            return Number(match![2].replace('s', ''));
          });
          assert.equal(windows.length, 2, `${name}: ${block.name} pairs two windows`);
          assert.ok(windows[0] > windows[1], `${name}: ${block.name} pairs a long window with a shorter one`);
        }
      }
    }
  });

  test('labels on every resource that takes user_labels, the provider default_labels, typed and described variables, described outputs', async () => {
    const schema = providerSchema('google');
    const labelled = new Set(Object.entries(schema.resources).filter(([, resource]) => 'user_labels' in resource.arguments).map(([type]) => type));
    for (const [name, entry] of all()) {
      const parsed = await parseTerraformDir(gcmDir(entry));
      const unlabelled = labelledBlocks(parsed, 'resource').filter((block) => labelled.has(block.type) && block.body.user_labels === undefined);
      assert.deepEqual(unlabelled.map((block) => `${block.type}.${block.name}`), [], name);
      assert.ok(labelledBlocks(parsed, 'resource').filter((block) => labelled.has(block.type)).length > 10, name);
      for (const block of labelledBlocks(parsed, 'resource').filter((candidate) => candidate.file.startsWith('environments/') && candidate.body.user_labels !== undefined)) {
        assert.match(String(block.body.user_labels), /local\.labels/, `${name}: ${block.type}.${block.name}`);
      }
      for (const [environment, files] of entry.environments) {
        const provider = files.flatMap(({ body }) => body.provider?.google ?? []);
        assert.equal(provider[0]?.default_labels, '${local.labels}', `${name} ${environment}`);
      }
      assert.deepEqual(untypedOrUndescribedVariables(parsed), [], name);
      assert.deepEqual(undescribedOutputs(parsed), [], name);
    }
  });

  test("the resources watched carry infra/'s names for the same answers", () => {
    for (const [name, entry] of all()) {
      const infraFiles = renderShape(shapes[name]);
      const infra = infrastructureOf(derive(entry.answers));
      for (const environment of entry.answers.environments) {
        const infraMain = infraFiles[`infra/environments/${environment}/main.tf`];
        const infraName = /^\s*name\s*= "([^"]+)"/m.exec(infraMain)![1];
        const main = entry.files[`monitoring/google-cloud-monitoring/environments/${environment}/main.tf`];
        assert.equal(/^\s*name\s*= "([^"]+)"/m.exec(main)![1], infraName, `${name} ${environment}: local.name`);
        const alerts = entry.files[`monitoring/google-cloud-monitoring/environments/${environment}/alerts.tf`];
        const logs = entry.files[`monitoring/google-cloud-monitoring/environments/${environment}/logs.tf`];
        if (kubernetes(entry)) {
          // The GKE cluster and its namespace; the datastores by the database and cache modules' names.
          assert.match(infraFiles['infra/modules/gke/main.tf'], /^\s*name\s+= var\.name$/m);
          assert.ok(alerts.includes(`cluster_name="${infraName}"`), `${name}: cluster`);
          const namespace = entry.facts.environments.find((candidate) => candidate.name === environment)!.namespace;
          assert.ok(logs.includes(`resource.labels.namespace_name=\\"${namespace}\\"`), `${name}: namespace of the logs`);
        } else {
          assert.match(infraFiles['infra/modules/cloud-run/main.tf'], /^\s*name\s+= each\.value\.workload$/m);
          for (const service of infra.services.filter((candidate) => candidate.port !== undefined)) {
            assert.match(infraMain, new RegExp(`workload\\s+= "${service.workload}"`));
            assert.ok(alerts.includes(service.workload), `${name}: ${service.workload}`);
          }
        }
        if (entry.answers.database === 'postgres' || entry.answers.database === 'mysql') {
          assert.match(infraFiles['infra/modules/database/main.tf'], /^\s*name\s+= var\.name$/m);
          assert.ok(alerts.includes(`database_id=~".+:${infraName}"`), `${name}: Cloud SQL instance`);
        }
        if (entry.answers.cache === 'redis') {
          assert.match(infraFiles['infra/modules/cache/main.tf'], /^\s*name\s+= var\.name$/m);
          assert.ok(alerts.includes(`instance_id=~".+/instances/${infraName}"`), `${name}: Memorystore instance`);
        }
        if (entry.answers.database === 'mongodb') assert.ok(!alerts.includes('cloudsql_googleapis_com'), `${name}: MongoDB has no Cloud SQL policy`);
      }
    }
  });

  test('PodMonitorings select the pods by the Deployments\' own selector and scrape their named http port', () => {
    for (const [name, entry] of all().filter(([, entry]) => kubernetes(entry))) {
      const monitors = Object.entries(entry.files).filter(([file]) => /^monitoring\/kubernetes\/google-cloud-monitoring\/base\/(?!kustomization)[^/]+\.yaml$/.test(file));
      assert.equal(monitors.length, entry.facts.services.filter((service) => service.exposesMetrics).length, name);
      for (const [file, text] of monitors) {
        const monitor = parseYaml(text);
        const service = entry.facts.services.find((candidate) => candidate.name === monitor.metadata.name)!;
        assert.ok(service?.exposesMetrics, `${name}: ${file}`);
        assert.deepEqual(monitor.spec.endpoints, [{ port: 'http', path: service.metricsPath ?? '/metrics', interval: '30s' }], `${name}: ${file}`);
        if (entry.answers.orchestration === 'kustomize') {
          const deployment = Object.entries(entry.files).find(([candidate]) => new RegExp(`^deploy/kustomize/base/${service.name}/deployment\\.yaml$`).test(candidate));
          assert.ok(deployment, `${name}: the Deployment of ${service.name}`);
          const parsed = parseYaml(deployment![1]);
          assert.deepEqual(monitor.spec.selector.matchLabels, parsed.spec.selector.matchLabels, `${name}: ${service.name}`);
          const ports = parsed.spec.template.spec.containers.flatMap((container: any) => container.ports ?? []);
          assert.ok(ports.some((port: any) => port.name === 'http' && port.containerPort === service.port), `${name}: ${service.name} names its port http`);
        } else {
          // The chart's selector: the workload's name and the release, which the pipeline names after the project.
          assert.match(entry.files[`deploy/helm/${entry.facts.project}/templates/_helpers.tpl`], /app\.kubernetes\.io\/name: \{\{ \.w\.name \}\}\napp\.kubernetes\.io\/instance: \{\{ \.root\.Release\.Name \}\}/);
          assert.deepEqual(monitor.spec.selector.matchLabels, { 'app.kubernetes.io/name': service.name, 'app.kubernetes.io/instance': entry.facts.project }, `${name}: ${service.name}`);
        }
      }
    }
  });

  test("the services' NetworkPolicies admit Managed Prometheus's collectors (gmp-system); other stacks keep the monitoring namespace", () => {
    const kustomize = rendered.get('gke-kustomize-no-datastore')!;
    const policies = Object.entries(kustomize.files).filter(([file]) => /^deploy\/kustomize\/base\/[^/]+\/network-policy\.yaml$/.test(file));
    assert.ok(policies.length > 0);
    for (const [file, text] of policies.filter(([file]) => kustomize.facts.services.find((service) => file.includes(`/${service.name}/`))?.exposesMetrics)) {
      assert.match(text, /kubernetes\.io\/metadata\.name: gmp-system/, file);
    }
    const helm = rendered.get('gke-helm-postgres-redis')!;
    const { stack, namespace, scrapesMetrics } = parseYaml(helm.files['deploy/helm/shop/values.yaml']).monitoring;
    assert.deepEqual({ stack, namespace, scrapesMetrics }, { stack: 'google-cloud-monitoring', namespace: 'gmp-system', scrapesMetrics: true });
    const prometheus = renderShape({ ...shapes['gke-kustomize-no-datastore'], monitoring: 'prometheus-grafana' });
    const scraped = Object.entries(prometheus).filter(([file]) => /^deploy\/kustomize\/base\/api-express\/network-policy\.yaml$/.test(file));
    assert.match(scraped[0][1], /kubernetes\.io\/metadata\.name: monitoring\n/);
  });

  test('notification channels: the PagerDuty key and Slack token only as sensitive variables, stored as sensitive labels', async () => {
    for (const [name, entry] of all()) {
      const parsed = await parseTerraformDir(gcmDir(entry));
      const variables = parsed.filter(({ file }) => file.endsWith('variables.tf')).flatMap(({ body }) => Object.entries(body.variable ?? {})) as [string, any[]][];
      for (const secret of ['pagerduty_service_key', 'slack_auth_token']) {
        const found = variables.filter(([variable]) => variable === secret);
        assert.equal(found.length, entry.answers.environments.length + 1, `${name}: ${secret} in each root and the module`);
        for (const [, [block]] of found) {
          assert.equal(block.sensitive, true, `${name}: ${secret}`);
          assert.equal(block.default ?? null, null, `${name}: ${secret}`);
        }
      }
      const channels = resources(parsed, 'google_monitoring_notification_channel');
      assert.equal(channels.find((block) => block.name === 'pagerduty')?.body.sensitive_labels?.[0]?.service_key, '${var.pagerduty_service_key}', name);
      assert.equal(channels.find((block) => block.name === 'slack')?.body.sensitive_labels?.[0]?.auth_token, '${var.slack_auth_token}', name);
      assert.ok(!Object.keys(entry.files).some((file) => file.endsWith('.tfvars')), name);
      assert.ok(!Object.values(entry.files).some((text) => /hooks\.slack\.com|xox[bp]-/.test(text)), name);
    }
  });

  test("logs: the services' own bucket with each environment's retention, routed out of _Default; log-based metrics for the log alerts", () => {
    for (const [name, entry] of all()) {
      for (const [environment, parsed] of entry.environments) {
        const days = entry.facts.environments.find((candidate) => candidate.name === environment)!.logRetentionDays;
        const [bucket] = resources(parsed, 'google_logging_project_bucket_config');
        assert.equal(bucket.body.retention_days, days, `${name} ${environment}`);
        const [sink] = resources(parsed, 'google_logging_project_sink');
        const [exclusion] = resources(parsed, 'google_logging_project_exclusion');
        assert.equal(sink.body.filter, exclusion.body.filter, `${name}: what the sink keeps is what _Default leaves out`);
        const metrics = resources(parsed, 'google_logging_metric').map((block) => block.body.name);
        for (const metric of ['error_lines', 'crash_lines', ...(kubernetes(entry) ? [] : ['container_exits'])]) assert.ok(metrics.includes(metric), `${name}: ${metric}`);
        for (const block of policies(parsed).filter((candidate) => ['log_errors_high', 'log_crash_detected'].includes(labelOf(candidate, 'alert') ?? ''))) {
          assert.match(promqlOf(block)[0], /logging_googleapis_com:user_(error|crash)_lines/, `${name}: ${block.name}`);
        }
      }
    }
  });

  test('uptime checks: one per public health route of each environment, over HTTPS with the certificate validated', () => {
    for (const [name, entry] of all()) {
      for (const [environment, parsed] of entry.environments) {
        const probes = entry.facts.environments.find((candidate) => candidate.name === environment)!.probes;
        const checks = resources(parsed, 'google_monitoring_uptime_check_config');
        assert.equal(checks.length, probes.length, `${name} ${environment}`);
        for (const probe of probes) {
          const url = new URL(probe.url);
          const check = checks.find((block) => block.body.monitored_resource[0].labels.host === url.host && block.body.http_check[0].path === url.pathname);
          assert.ok(check, `${name}: ${probe.url}`);
          assert.equal(check!.body.http_check[0].validate_ssl, true);
        }
      }
    }
  });

  test("HCL alignment leaves heredoc bodies alone (PromQL's `=~` is not an attribute), and aligns the heredoc's attribute with its neighbours", () => {
    const body = ['    up{', '      job=~"api",', '      namespace=~"shop"', '    } == 0'];
    const text = ['  duration = "300s"', '  query = <<-EOT', ...body, '  EOT'].join('\n');
    assert.equal(alignHclAttributes(text), ['  duration = "300s"', '  query    = <<-EOT', ...body, '  EOT'].join('\n'));
  });

  test('deterministic: the same answers give the same bytes', () => {
    for (const [name, overrides] of Object.entries(shapes)) assert.deepEqual(renderShape(overrides), rendered.get(name)!.files, name);
  });
});
