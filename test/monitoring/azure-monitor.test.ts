/**
 * `monitoring: azure-monitor` (lib/areas/monitoring/azure-monitor.ts) over five shapes: AKS (Helm) with
 * PostgreSQL and Redis, AKS (Kustomize) without a datastore, Container Apps with MySQL, Container Apps with
 * PostgreSQL and changed thresholds, and AKS with one environment. Each whole app is planned and written to a
 * temp folder; every Terraform root and module must pass terraform fmt, tflint (every rule), trivy (HIGH and
 * CRITICAL) and the azurerm provider schema (every resource, data source, argument and block, from the provider
 * release versions.json pins). `terraform validate` cannot run: no azurerm provider binary exists on this
 * machine (the schema check stands in for it). The managed Prometheus rule groups pass `promtool check rules`
 * and `promtool test rules` (the Prometheus stack's unit tests of the same alerts); the PodMonitors yamllint,
 * prettier and kubeconform (strict, with prometheus-operator's PodMonitor schema: the add-on's CRD is the same
 * object under the azmonitoring.coreos.com group); the docs markdownlint and prettier; everything secretlint.
 * The parsed HCL then answers what a reviewer checks: a rule per alert and severity, critical to the pager and
 * warnings to chat, runbook links to sections that exist, thresholds that are the answers, burn rates over two
 * windows, tags, typed variables, and the names infra/ gives the resources watched.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { azureAlerts } from '../../lib/areas/monitoring/azure-monitor-alerts.js';
import { ruleTests } from '../../lib/areas/monitoring/rules.js';
import { alertsFor } from '../../lib/monitoring/alerts.js';
import { monitoringOf } from '../../lib/monitoring/facts.js';
import { derive } from '../../lib/model/index.js';
import { workloadSelector } from '../../lib/kubernetes/workloads.js';
import { azureNames } from '../../lib/plan/naming.js';
import { infrastructureOf } from '../../lib/terraform/infrastructure.js';
import { shopAnswers } from '../ci/answers.js';
import { filesOf, type RenderedShape, renderShape, renderShapes, terraformStackChecks } from './terraform-shapes.js';
import { serviceVariants } from '../validation/matrix.js';
import { tempDir } from '../helpers/folders.js';
import { parseTerraformDir, providerSchema, providerSchemaFindings, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';
import { terraformFmt, tflint } from '../validation/validators/terraform.js';
import { ruleFileOfTerraform, ruleGroupsOfTerraform } from '../validation/validators/azure-prometheus-rules.js';
import { prometheusTools } from '../validation/validators/monitoring.js';
import { promtoolCheckRules, promtoolTestRules } from '../validation/validators/prometheus.js';
import { checkManifests } from '../validation/validators/kubeconform.js';
import { markdownlint } from '../validation/validators/markdownlint.js';
import { prettier } from '../validation/validators/prettier.js';
import { yamllint } from '../validation/validators/yamllint.js';
import { labelledBlocks, untaggedResources, undescribedOutputs, untypedOrUndescribedVariables, type Block } from '../terraform/hcl-assertions.js';

const variant = (name: string) => serviceVariants.find((service) => service.name === name)!;

const shapes: Record<string, Partial<Answers>> = {
  'aks-helm-postgres-redis': { monitoring: 'azure-monitor', cloud: 'azure', orchestration: 'helm', database: 'postgres', cache: 'redis' },
  'aks-kustomize-no-datastore': { monitoring: 'azure-monitor', cloud: 'azure', orchestration: 'kustomize', database: 'none', cache: 'none' },
  'aca-mysql': { monitoring: 'azure-monitor', cloud: 'azure', orchestration: 'none', database: 'mysql', cache: 'none' },
  'aca-postgres-thresholds': {
    monitoring: 'azure-monitor',
    cloud: 'azure',
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
  },
  'aks-production-only': {
    monitoring: 'azure-monitor',
    cloud: 'azure',
    orchestration: 'kustomize',
    database: 'postgres',
    cache: 'none',
    environments: ['production'],
    services: [variant('web-react'), variant('api-express')],
  },
};

type Rendered = RenderedShape;

let rendered = new Map<string, Rendered>();
let root = '';

before(async () => {
  ({ root, rendered } = await renderShapes('azure-monitor', shapes));
});

const all = () => [...rendered.entries()];
const kubernetes = (entry: Rendered) => entry.answers.orchestration !== 'none';
const stackDir = (entry: Rendered) => path.join(entry.dir, 'monitoring', 'azure-monitor');
const resources = (parsed: ParsedTerraformFile[], type: string): Block[] => labelledBlocks(parsed, 'resource').filter((block) => block.type === type);
const tagOf = (block: Block, key: string): string | undefined => new RegExp(`${key} = "([^"]+)"`).exec(String(block.body.tags))?.[1];

/** The runbook's headings, as the anchors markdownlint and GitHub give them. */
const runbookAnchors = (entry: Rendered) => new Set([...entry.files['docs/runbooks/alerts.md'].matchAll(/^## (.+)$/gm)].map((match) => match[1].toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));

/** One notifying rule of any kind: its alert, severity, the action groups it calls and the text that links the runbook. */
interface Notifying {
  where: string;
  alert: string;
  severity: string;
  actions: string;
  text: string;
}

const notifyingRules = (parsed: ParsedTerraformFile[]): Notifying[] => [
  ...resources(parsed, 'azurerm_monitor_alert_prometheus_rule_group').flatMap((group) =>
    (group.body.rule as any[])
      .filter((rule) => rule.alert)
      .map((rule) => ({ where: `${group.name}/${rule.alert}`, alert: rule.alert, severity: rule.labels?.severity, actions: JSON.stringify(rule.action), text: String(rule.annotations?.runbook_url) })),
  ),
  ...[...resources(parsed, 'azurerm_monitor_metric_alert'), ...resources(parsed, 'azurerm_monitor_scheduled_query_rules_alert_v2')].map((block) => ({
    where: `${block.type}.${block.name}`,
    alert: tagOf(block, 'alert') ?? '',
    severity: tagOf(block, 'severity') ?? '',
    actions: JSON.stringify(block.body.action),
    text: String(block.body.description),
  })),
];

/** Alerts the stack leaves unwatched on purpose in this environment (the docs and the runbook say why). */
const unwatchable = (entry: Rendered, environment: string, alert: string): boolean => {
  const probes = entry.facts.environments.find((candidate) => candidate.name === environment)!.probes;
  if (['EndpointDown', 'CertificateExpiry'].includes(alert) && probes.length === 0) return true;
  if (kubernetes(entry)) return false;
  if (['DiskSpaceLow', 'TargetDown', 'ConnectionPoolExhausted'].includes(alert)) return true;
  const routed = infrastructureOf(derive(entry.answers)).services.some((service) => service.route && entry.facts.services.find((monitored) => monitored.name === service.name)?.exposesMetrics);
  return !routed && ['HighErrorRate', 'HighLatency', 'ErrorBudgetBurn', 'LatencyBudgetBurn'].includes(alert);
};

/**
 * What a reviewer checks of one environment's rules, as problems: every alert has a rule of its name and
 * severity on the right action group, linking to a runbook section that exists; no rule watches an alert that
 * does not apply.
 */
const ruleProblems = (entry: Rendered, environment: string, parsed: ParsedTerraformFile[]): string[] => {
  const problems: string[] = [];
  const anchors = runbookAnchors(entry);
  const rules = notifyingRules(parsed);
  const wanted = azureAlerts(entry.facts);
  for (const alert of wanted) {
    if (unwatchable(entry, environment, alert.name)) continue;
    const matching = rules.filter((rule) => rule.alert === alert.name && rule.severity === alert.severity);
    if (matching.length === 0) problems.push(`${environment}: no rule for ${alert.name} (${alert.severity})`);
    for (const rule of matching) {
      const [group, other] = alert.severity === 'critical' ? ['pager', 'chat'] : ['chat', 'pager'];
      if (!rule.actions.includes(`${group}_action_group_id`) || rule.actions.includes(`${other}_action_group_id`)) problems.push(`${environment}: ${rule.where} calls ${rule.actions}, not the ${group} action group`);
      const link = `${entry.facts.runbook.url}#${alert.name.toLowerCase()}`;
      if (!rule.text.includes(link)) problems.push(`${environment}: ${rule.where} does not link ${link}`);
      if (!anchors.has(alert.name.toLowerCase())) problems.push(`${environment}: the runbook has no section ${alert.name}`);
    }
  }
  const names = new Set(wanted.map((alert) => alert.name));
  for (const rule of rules) if (!names.has(rule.alert)) problems.push(`${environment}: ${rule.where} watches ${rule.alert}, which does not apply`);
  return problems;
};

describe('azure-monitor: the validators', () => {
  test('the plan has a root per environment, the notifications module, the runbook and docs; on AKS the PodMonitors and dashboards', () => {
    for (const [name, entry] of all()) {
      for (const environment of entry.answers.environments) {
        for (const file of ['versions.tf', 'providers.tf', 'main.tf', 'alerts.tf', 'logs.tf', 'variables.tf', 'outputs.tf']) {
          assert.ok(entry.files[`monitoring/azure-monitor/environments/${environment}/${file}`], `${name}: ${environment}/${file}`);
        }
        for (const file of ['prometheus.tf', 'grafana.tf']) assert.equal(Boolean(entry.files[`monitoring/azure-monitor/environments/${environment}/${file}`]), kubernetes(entry), `${name}: ${environment}/${file}`);
        assert.equal(Boolean(entry.files[`monitoring/kubernetes/azure-monitor/${environment}/pod-monitors.yaml`]), kubernetes(entry), `${name}: PodMonitors of ${environment}`);
        assert.equal(Boolean(entry.files[`monitoring/azure-monitor/environments/${environment}/dashboards.tf`]), !kubernetes(entry), `${name}: the workbook of ${environment}`);
      }
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) assert.ok(entry.files[`monitoring/azure-monitor/modules/notifications/${file}`], `${name}: notifications/${file}`);
      assert.ok(entry.files['docs/runbooks/alerts.md'] && entry.files['docs/monitoring.md'], name);
      assert.ok(!entry.files['monitoring/alertmanager/alertmanager.yml'] && !Object.keys(entry.files).some((file) => file.startsWith('monitoring/cloudwatch/')), `${name}: no other stack's files`);
    }
  });

  terraformStackChecks('azure-monitor', all, () => root);

  test('the azurerm provider schema accepts every resource, data source, argument and block (terraform validate cannot run: no azurerm binary here)', async () => {
    for (const [name, entry] of all()) assert.deepEqual(await providerSchemaFindings(stackDir(entry), 'azurerm'), [], name);
  });

  test('the schema check fails on an unknown argument (a planted mutation)', async () => {
    const copy = tempDir('phase4-azure-monitor-mutant-');
    cpSync(stackDir(rendered.get('aca-mysql')!), copy, { recursive: true });
    const alerts = path.join(copy, 'environments', 'production', 'alerts.tf');
    writeFileSync(alerts, readFileSync(alerts, 'utf8').replace('  window_size ', '  notify_everyone = true\n  window_size '));
    const problems = await providerSchemaFindings(copy, 'azurerm');
    assert.ok(problems.some((problem) => problem.includes('notify_everyone')), problems.join('\n'));
  });

  test("infra/ with the managed Prometheus add-on turned on passes the azurerm schema, tflint and fmt", async () => {
    const entry = rendered.get('aks-helm-postgres-redis')!;
    const infra = path.join(entry.dir, 'infra');
    assert.match(readFileSync(path.join(infra, 'modules', 'aks', 'main.tf'), 'utf8'), /dynamic "monitor_metrics" \{\n\s+for_each = var\.managed_prometheus \? \[1\] : \[\]/);
    assert.deepEqual(await providerSchemaFindings(infra, 'azurerm'), []);
    assert.deepEqual(tflint(infra), []);
    assert.deepEqual(terraformFmt(infra), []);
    // Other stacks leave the add-on off.
    assert.doesNotMatch(renderShape({ ...shapes['aks-helm-postgres-redis'], monitoring: 'prometheus-grafana' })['infra/environments/production/main.tf'], /managed_prometheus/);
  });

  test('the PodMonitors: yamllint, prettier, and kubeconform (strict) with the PodMonitor schema', () => {
    for (const [name, entry] of all().filter(([, entry]) => kubernetes(entry))) {
      const manifests = filesOf(entry, /^monitoring\/kubernetes\/azure-monitor\/.*\.yaml$/);
      assert.equal(manifests.length, entry.answers.environments.length * 2, name);
      assert.deepEqual(yamllint.check(manifests), [], name);
      assert.deepEqual(prettier.check(manifests), [], name);
      // The add-on's CRD is prometheus-operator's PodMonitor under its own group: check against that schema.
      const asOperator = tempDir('phase4-azure-podmonitors-');
      const copies = manifests
        .filter((file) => file.endsWith('pod-monitors.yaml'))
        .map((file, index) => {
          const copy = path.join(asOperator, `${index}.yaml`);
          const text = readFileSync(file, 'utf8');
          assert.match(text, /^apiVersion: azmonitoring\.coreos\.com\/v1$/m, name);
          writeFileSync(copy, text.replaceAll('apiVersion: azmonitoring.coreos.com/v1', 'apiVersion: monitoring.coreos.com/v1'));
          return copy;
        });
      assert.deepEqual(checkManifests(copies), [], name);
    }
  });

  test('kubeconform rejects a PodMonitor with a misspelt field (a planted mutation)', () => {
    const dir = tempDir('phase4-azure-podmonitor-mutant-');
    const entry = rendered.get('aks-kustomize-no-datastore')!;
    const text = entry.files['monitoring/kubernetes/azure-monitor/production/pod-monitors.yaml'].replaceAll('azmonitoring.coreos.com', 'monitoring.coreos.com').replace('podMetricsEndpoints:', 'podMetricEndpoints:');
    writeFileSync(path.join(dir, 'broken.yaml'), text);
    assert.ok(checkManifests([path.join(dir, 'broken.yaml')]).length > 0);
  });

  test('promtool check rules, and the matrix validator, accept every managed Prometheus rule group', () => {
    for (const [name, entry] of all().filter(([, entry]) => kubernetes(entry))) {
      for (const environment of entry.answers.environments) {
        const file = path.join(stackDir(entry), 'environments', environment, 'prometheus.tf');
        const ruleFile = path.join(tempDir('phase4-azure-rules-'), 'rules.yaml');
        writeFileSync(ruleFile, ruleFileOfTerraform(readFileSync(file, 'utf8')));
        assert.deepEqual(promtoolCheckRules([ruleFile]), [], `${name} ${environment}`);
        assert.ok(prometheusTools.applies(path.relative(entry.dir, file)), 'the matrix validator checks the rule groups');
        assert.deepEqual(prometheusTools.check([file]), [], `${name} ${environment}`);
      }
    }
    const broken = path.join(tempDir('phase4-azure-rules-mutant-'), 'monitoring', 'azure-monitor', 'environments', 'production');
    mkdirSync(broken, { recursive: true });
    const text = readFileSync(path.join(stackDir(rendered.get('aks-helm-postgres-redis')!), 'environments', 'production', 'prometheus.tf'), 'utf8');
    writeFileSync(path.join(broken, 'prometheus.tf'), text.replace('> 0.01', '> > 0.01'));
    assert.ok(prometheusTools.check([path.join(broken, 'prometheus.tf')]).length > 0, 'a broken expression fails');
  });

  test('promtool test rules: the Prometheus stack\'s unit tests of the same alerts pass against the rule groups (production)', () => {
    for (const [name, entry] of all().filter(([, entry]) => kubernetes(entry))) {
      const dir = tempDir('phase4-azure-rule-tests-');
      const text = readFileSync(path.join(stackDir(entry), 'environments', entry.facts.production.name, 'prometheus.tf'), 'utf8');
      writeFileSync(path.join(dir, 'rules.yaml'), ruleFileOfTerraform(text));
      const written = new Set(ruleGroupsOfTerraform(text).flatMap((group) => group.rules.map((rule) => rule.alert)).filter(Boolean));
      const facts = { ...entry.facts, environments: [entry.facts.production] };
      const tests = ruleTests(facts).filter((unit) => written.has(unit.alert));
      assert.ok(tests.length >= 10, `${name}: ${tests.length} cases`);
      writeFileSync(
        path.join(dir, 'rules.test.yaml'),
        stringify({
          rule_files: ['rules.yaml'],
          evaluation_interval: '1m',
          tests: tests.map((unit) => ({
            interval: '1m',
            input_series: unit.series,
            alert_rule_test: [{ eval_time: unit.evalTime, alertname: unit.alert, exp_alerts: unit.expected.map((expected) => ({ exp_labels: expected.labels, exp_annotations: expected.annotations })) }],
          })),
        }, { lineWidth: 0 }),
      );
      assert.deepEqual(promtoolTestRules([path.join(dir, 'rules.test.yaml')]), [], name);
    }
  });
});

describe('azure-monitor: what a reviewer checks', () => {
  test('every alert (name and severity) has a rule: critical to the pager, warnings to chat, runbook linked', () => {
    for (const [name, entry] of all()) {
      for (const [environment, parsed] of entry.environments) assert.deepEqual(ruleProblems(entry, environment, parsed), [], name);
      const names = azureAlerts(entry.facts).map((alert) => `${alert.name}/${alert.severity}`);
      for (const alert of alertsFor(entry.facts)) assert.ok(names.includes(`${alert.name}/${alert.severity}`), `${name}: ${alert.name}`);
    }
  });

  test('the reviewer check fails when a rule is missing or calls the wrong action group (planted mutations)', () => {
    for (const shape of ['aks-helm-postgres-redis', 'aca-mysql']) {
      const entry = rendered.get(shape)!;
      const parsed = entry.environments.get('production')!;
      const without = (type: string) => parsed.map(({ file, body }) => ({ file, body: { ...body, resource: Object.fromEntries(Object.entries(body.resource ?? {}).filter(([candidate]) => candidate !== type)) } }));
      const type = kubernetes(entry) ? 'azurerm_monitor_alert_prometheus_rule_group' : 'azurerm_monitor_scheduled_query_rules_alert_v2';
      assert.ok(ruleProblems(entry, 'production', without(type)).some((problem) => problem.includes('ErrorBudgetBurn (critical)')), shape);
      const swapped = parsed.map(({ file, body }) => ({ file, body: JSON.parse(JSON.stringify(body).replaceAll('pager_action_group_id', 'chat_action_group_id')) }));
      assert.ok(ruleProblems(entry, 'production', swapped).some((problem) => problem.includes('not the pager action group')), shape);
    }
  });

  test('thresholds are the answers', () => {
    for (const [name, entry] of all()) {
      const { answers } = entry;
      for (const [environment, parsed] of entry.environments) {
        const metric = (alert: string, severity?: string) =>
          resources(parsed, 'azurerm_monitor_metric_alert')
            .filter((block) => tagOf(block, 'alert') === alert && (!severity || tagOf(block, 'severity') === severity))
            .map((block) => block.body.criteria[0].threshold);
        const logs = (alert: string) => resources(parsed, 'azurerm_monitor_scheduled_query_rules_alert_v2').filter((block) => tagOf(block, 'alert') === alert).map((block) => block.body.criteria[0].threshold);
        const promql = (alert: string) =>
          resources(parsed, 'azurerm_monitor_alert_prometheus_rule_group').flatMap((group) => (group.body.rule as any[]).filter((rule) => rule.alert === alert).map((rule) => String(rule.expression)));
        const expectAll = (found: unknown[], value: number, what: string) => {
          assert.ok(found.length > 0, `${name} ${environment}: ${what}`);
          for (const threshold of found) assert.equal(threshold, value, `${name} ${environment}: ${what}`);
        };
        if (kubernetes(entry)) {
          for (const [alert, value] of [['HighErrorRate', Number(answers.errorRateThreshold) / 100], ['HighLatency', Number(answers.latencyThreshold)], ['HighCpuUsage', Number(answers.cpuThreshold) / 100], ['HighMemoryUsage', Number(answers.memoryThreshold) / 100], ['DiskSpaceLow', Number(answers.diskFreeThreshold) / 100]] as const) {
            const found = promql(alert);
            assert.ok(found.length > 0 && found.every((expression) => new RegExp(`[<>] ${String(value).replace('.', '\\.')}\\s*$`, 'm').test(expression)), `${name} ${environment}: ${alert} ${found}`);
          }
        } else {
          expectAll(logs('HighErrorRate'), Number(answers.errorRateThreshold) / 100, 'HighErrorRate');
          expectAll(logs('HighLatency'), Number(answers.latencyThreshold), 'HighLatency');
          expectAll(metric('HighCpuUsage'), Number(answers.cpuThreshold), 'HighCpuUsage');
          expectAll(metric('HighMemoryUsage'), Number(answers.memoryThreshold), 'HighMemoryUsage');
        }
        if (answers.database === 'postgres' || answers.database === 'mysql') {
          expectAll(metric('DatastoreCpuHigh'), Number(answers.cpuThreshold), 'DatastoreCpuHigh');
          expectAll(metric('DatabaseStorageLow'), 100 - Number(answers.diskFreeThreshold), 'DatabaseStorageLow');
        }
        if (answers.cache === 'redis') expectAll(metric('CacheMemoryHigh'), Number(answers.memoryThreshold), 'CacheMemoryHigh');
        const webTests = resources(parsed, 'azurerm_application_insights_standard_web_test');
        if (webTests.length > 0) {
          const lifetimes = webTests.map((block) => block.body.validation_rules[0].ssl_cert_remaining_lifetime).filter((value) => value !== undefined);
          assert.ok(lifetimes.length > 0, `${name}: certificate tests`);
          const main = entry.files[`monitoring/azure-monitor/environments/${environment}/endpoints.tf`];
          assert.match(main, new RegExp(`certificate\\s+= ${answers.certificateExpiryDays}\\n`), name);
          assert.match(main, new RegExp(`certificate_critical\\s+= ${Math.max(1, Math.floor(Number(answers.certificateExpiryDays) / 2))}\\n`), name);
        }
      }
    }
    assert.equal(rendered.get('aca-postgres-thresholds')!.facts.thresholds.errorRatio, 0.005);
  });

  test('burn rates: two window pairs per alert and severity, each long and short window above factor x budget', () => {
    const factors: Record<string, [string, string, number][]> = {
      critical: [['1h', '5m', 14.4], ['6h', '30m', 6]],
      warning: [['1d', '2h', 3], ['3d', '6h', 1]],
    };
    for (const [name, entry] of all()) {
      const budget = entry.facts.thresholds.errorBudget;
      for (const [environment, parsed] of entry.environments) {
        if (kubernetes(entry)) {
          const rules = resources(parsed, 'azurerm_monitor_alert_prometheus_rule_group').flatMap((group) => group.body.rule as any[]);
          for (const alert of ['ErrorBudgetBurn', 'LatencyBudgetBurn']) {
            for (const severity of ['critical', 'warning']) {
              const rule = rules.find((candidate) => candidate.alert === alert && candidate.labels?.severity === severity);
              assert.ok(rule, `${name} ${environment}: ${alert} ${severity}`);
              for (const [long, short, factor] of factors[severity]) {
                const line = Number((factor * budget).toPrecision(6));
                assert.match(String(rule.expression), new RegExp(`rate${long} > ${line}\\s+and\\s+\\S+rate${short} > ${line}`), `${name}: ${alert} ${severity} ${long}/${short}`);
              }
              // The recording rules of each window exist.
              for (const window of factors[severity].flat().filter((value) => typeof value === 'string')) assert.ok(rules.some((candidate) => String(candidate.record ?? '').endsWith(`rate${window}`)), `${name}: window ${window}`);
            }
          }
        } else {
          const queries = resources(parsed, 'azurerm_monitor_scheduled_query_rules_alert_v2').filter((block) => /BudgetBurn/.test(tagOf(block, 'alert') ?? ''));
          assert.equal(queries.length, 8, `${name} ${environment}: availability and latency, critical and warning, two pairs each`);
          for (const block of queries) {
            const severity = tagOf(block, 'severity')!;
            const query = String(block.body.criteria[0].query);
            const pair = factors[severity].find(([long, short]) => query.includes(`ago(${long === '3d' ? '2d' : long})`) && query.includes(`ago(${short})`));
            assert.ok(pair, `${name}: ${block.name} has a long and a short window`);
            assert.equal(block.body.criteria[0].threshold, Number((pair![2] * budget).toPrecision(6)), `${name}: ${block.name}`);
            assert.match(query, /\| join kind=inner \(short_window\) on service/);
          }
        }
      }
    }
  });

  test('tags on every taggable resource, typed and described variables, described outputs', async () => {
    const schema = providerSchema('azurerm');
    const taggable = new Set(Object.entries(schema.resources).filter(([, resource]) => 'tags' in resource.arguments).map(([type]) => type));
    for (const [name, entry] of all()) {
      const parsed = await parseTerraformDir(stackDir(entry));
      assert.deepEqual(untaggedResources(parsed, taggable, 'tags'), [], name);
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
        const main = entry.files[`monitoring/azure-monitor/environments/${environment}/main.tf`];
        const localName = (text: string) => /^\s*name\s*= "([^"]+)"/m.exec(text)![1];
        assert.equal(localName(main), localName(infraMain), `${name} ${environment}: local.name`);
        assert.equal(localName(main), azureNames.environment(entry.facts.project, environment));
        // The hash that ends the globally unique names (database, cache) is infra's own expression.
        const unique = (text: string) => /^\s*unique\s*= (.+)$/m.exec(text)?.[1];
        if (entry.facts.datastores.length > 0) assert.equal(unique(main), unique(infraMain), `${name}: the unique suffix`);
        else assert.equal(unique(main), undefined, `${name}: no unique suffix without a datastore`);
        // The resource group, workspace, cluster and Front Door are named local.name in infra/.
        assert.match(infraMain, /resource "azurerm_resource_group" "main" \{\n\s+name\s+= local\.name/);
        assert.match(infraFiles['infra/modules/monitoring/main.tf'], /resource "azurerm_log_analytics_workspace" "main" \{\n\s+name\s+= var\.name/);
        assert.match(infraMain, /module "monitoring" \{\n\s+source\s+= "..\/..\/modules\/monitoring"\n\s+name\s+= local\.name/);
        if (kubernetes(entry)) {
          assert.match(infraFiles['infra/modules/aks/main.tf'], /resource "azurerm_kubernetes_cluster" "main" \{\n\s+name\s+= var\.name/);
          assert.match(infraMain, /module "cluster" \{\n\s+source\s+= "..\/..\/modules\/aks"\n\s+name\s+= local\.name/);
          // infra/ turns on the managed Prometheus add-on that this stack's rules read.
          assert.match(infraMain, /managed_prometheus\s+= true/, `${name}: the add-on`);
        } else {
          for (const service of infra.services) {
            assert.match(infraMain, new RegExp(`name\\s+= "${service.workload}"`), `${name}: infra's app ${service.workload}`);
            assert.match(main, new RegExp(`${service.name}\\s+= "${service.workload}"`), `${name}: the watched app ${service.workload}`);
          }
          // Front Door's routes, whose access log the request alerts read, are named after the services.
          assert.match(infraFiles['infra/modules/front-door/main.tf'], /resource "azurerm_cdn_frontdoor_route" "app" \{\n\s+for_each\s+= var\.app_routes\n\s+name\s+= each\.key/);
        }
        if (entry.answers.database === 'postgres') assert.match(main, /data "azurerm_postgresql_flexible_server" "database" \{\n\s+name\s+= "\$\{local\.name\}-\$\{local\.unique\}"/);
        if (entry.answers.database === 'mysql') assert.match(main, /data "azurerm_mysql_flexible_server" "database" \{\n\s+name\s+= "\$\{local\.name\}-\$\{local\.unique\}"/);
        if (entry.answers.database !== 'none') assert.match(infraMain, /module "database" \{\n\s+source\s+= "[^"]+"\n\s+name\s+= "\$\{local\.name\}-\$\{local\.unique\}"/);
        if (entry.answers.cache === 'redis') {
          assert.match(infraMain, /module "cache" \{\n\s+source\s+= "[^"]+"\n\s+name\s+= "\$\{local\.name\}-\$\{local\.unique\}"/);
          assert.match(main, /data "azurerm_redis_cache" "cache" \{\n\s+name\s+= "\$\{local\.name\}-\$\{local\.unique\}"/);
        }
      }
    }
  });

  test("the PodMonitors select the services' pods by the labels their workloads carry, on the port named http", () => {
    for (const [name, entry] of all().filter(([, entry]) => kubernetes(entry))) {
      const manifests = entry.files[`monitoring/kubernetes/azure-monitor/${entry.facts.production.name}/pod-monitors.yaml`];
      const services = entry.facts.services.filter((service) => service.exposesMetrics);
      assert.equal([...manifests.matchAll(/^kind: PodMonitor$/gm)].length, services.length, name);
      const workloads = entry.answers.orchestration === 'kustomize' ? entry.files : undefined;
      for (const service of services) {
        const selector = workloadSelector(entry.facts.project, service.name);
        for (const [label, value] of Object.entries(selector)) assert.ok(manifests.includes(`${label}: ${value}`), `${name}: ${service.name} ${label}`);
        assert.ok(manifests.includes(`path: ${service.metricsPath}`) && manifests.includes(`replacement: ${service.name}`), `${name}: ${service.name}`);
        if (workloads) {
          const deployment = Object.entries(workloads).find(([file, text]) => file.startsWith('deploy/kustomize/base/') && text.includes(`name: ${service.name}\n`) && /^kind: (Deployment|Rollout)$/m.test(text));
          assert.ok(deployment, `${name}: the workload of ${service.name}`);
          for (const [label, value] of Object.entries(selector)) assert.ok(deployment![1].includes(`${label}: ${value}`), `${name}: ${service.name} carries ${label}`);
          assert.match(deployment![1], /name: http\n/, `${name}: ${service.name} names its port http`);
        }
      }
      // The services' NetworkPolicies admit the add-on's namespace.
      const policies = Object.entries(entry.files).filter(([file]) => /network-?policy/.test(file)).map(([, text]) => text).join('\n');
      assert.match(policies, /kubernetes\.io\/metadata\.name: kube-system/, `${name}: NetworkPolicies admit kube-system`);
    }
  });

  test('webhooks only as sensitive variables, no value in any file', async () => {
    for (const [name, entry] of all()) {
      const parsed = await parseTerraformDir(stackDir(entry));
      const variables = parsed.filter(({ file }) => file.endsWith('variables.tf')).flatMap(({ body }) => Object.entries(body.variable ?? {})) as [string, any[]][];
      for (const wanted of ['pager_webhook_url', 'chat_webhook_url']) {
        const found = variables.filter(([variable]) => variable === wanted);
        assert.ok(found.length >= 2, `${name}: ${wanted} in the roots and the module`);
        for (const [, [block]] of found) {
          assert.equal(block.sensitive, true, `${name}: ${wanted}`);
          assert.equal(block.default ?? null, null, `${name}: ${wanted}`);
        }
      }
      assert.ok(!Object.keys(entry.files).some((file) => file.endsWith('.tfvars')), name);
      assert.ok(!Object.values(entry.files).some((text) => /events\.pagerduty\.com\/integration\/[A-Za-z0-9]{8,}/.test(text) || /hooks\.slack\.com\/services/.test(text)), name);
    }
  });

  test('log retention: the container log table keeps each environment\'s days, in the workspace infra/ creates', () => {
    for (const [name, entry] of all()) {
      for (const environment of entry.facts.environments) {
        const logs = entry.files[`monitoring/azure-monitor/environments/${environment.name}/logs.tf`];
        assert.match(logs, new RegExp(`name\\s+= "${kubernetes(entry) ? 'ContainerLogV2' : 'ContainerAppConsoleLogs'}"`), name);
        assert.match(logs, new RegExp(`retention_in_days = ${environment.logRetentionDays}\\n`), `${name} ${environment.name}`);
        assert.match(logs, /workspace_id\s+= data\.azurerm_log_analytics_workspace\.main\.id/);
      }
    }
  });

  test('dashboards: on Container Apps a workbook of services, SLO, resources and datastores; on AKS the Prometheus dashboards on the Grafana data source', () => {
    for (const [name, entry] of all()) {
      if (kubernetes(entry)) {
        const files = Object.keys(entry.files).filter((file) => file.startsWith('monitoring/azure-monitor/dashboards/'));
        assert.deepEqual(files.map((file) => path.basename(file, '.json')).sort(), [`${entry.facts.project}-resources`, `${entry.facts.project}-services`, `${entry.facts.project}-slo`], name);
        for (const file of files) {
          const dashboard = JSON.parse(entry.files[file]);
          // Any Prometheus data source serves: the one Managed Grafana adds for the linked workspace.
          assert.ok(dashboard.templating.list.some((variable: any) => variable.name === 'datasource' && variable.type === 'datasource' && variable.query === 'prometheus'), `${name}: ${file}`);
          const panels = (dashboard.panels as any[]).filter((panel) => panel.type !== 'row');
          assert.ok(panels.length > 0, `${name}: ${file}`);
          for (const panel of panels) {
            assert.ok(panel.targets.every((target: any) => target.datasource?.uid === '${datasource}'), `${name}: ${file} ${panel.title}`);
            assert.ok(panel.targets?.length > 0 && panel.targets.every((target: any) => String(target.expr).length > 0), `${name}: ${file} ${panel.title} has a query`);
          }
        }
        continue;
      }
      for (const [environment, parsed] of entry.environments) {
        const [workbook] = resources(parsed, 'azurerm_application_insights_workbook');
        assert.ok(workbook, `${name} ${environment}`);
        const references: string[] = [];
        const json = JSON.parse(String(workbook.body.data_json).replace(/\$\{([^}]*)\}/g, (_, reference: string) => {
          references.push(reference);
          return 'reference';
        }));
        assert.equal(json.version, 'Notebook/1.0');
        const items = json.items as any[];
        for (const item of items.filter((candidate) => candidate.type === 3)) {
          assert.ok(item.content.query.length > 0 && item.content.resourceType === 'microsoft.operationalinsights/workspaces', `${name}: ${item.name}`);
        }
        const routed = infrastructureOf(derive(entry.answers)).services.filter((service) => service.route && entry.facts.services.find((monitored) => monitored.name === service.name)?.exposesMetrics);
        for (const section of ['requests', 'errors', 'latency', 'slo-budget']) assert.equal(items.some((item) => item.name === section), routed.length > 0, `${name}: ${section}`);
        for (const section of ['cpu', 'memory', 'replicas', 'restarts']) {
          const item = items.find((candidate) => candidate.name === section);
          assert.equal(item?.type, 10, `${name}: ${section}`);
          assert.equal(item.content.resourceIds.length, entry.facts.services.length, `${name}: ${section} of every app`);
        }
        for (const store of entry.facts.datastores) assert.ok(items.some((item) => item.name === `datastore-${store.engine}`), `${name}: ${store.engine}`);
        for (const service of entry.facts.services) assert.ok(references.includes(`data.azurerm_container_app.service["${service.name}"].id`), `${name}: ${service.name}`);
        assert.ok(references.every((reference) => /^data\.azurerm_(container_app\.service\["[^"]+"\]|log_analytics_workspace\.main)\.id$/.test(reference)), references.join(', '));
      }
    }
  });

  test('alerts with nothing to watch on Azure are left out rather than stopping the run (found by the matrix)', () => {
    // Cosmos DB alone has no connection limit; with only a front end and a worker no service serves metrics,
    // and no exporter is scraped on Azure, so TargetDown has no target.
    const cosmosOnly: Partial<Answers> = { monitoring: 'azure-monitor', cloud: 'azure', orchestration: 'kustomize', database: 'mongodb', cache: 'none' };
    const unscraped: Partial<Answers> = { monitoring: 'azure-monitor', cloud: 'azure', orchestration: 'kustomize', database: 'mysql', cache: 'redis', services: [variant('web-react'), variant('jobs-node')] };
    const names = (overrides: Partial<Answers>) => azureAlerts(monitoringOf(derive(shopAnswers(overrides)))).map((alert) => alert.name);
    assert.ok(!names(cosmosOnly).includes('DatastoreConnectionsNearLimit'));
    assert.ok(names(cosmosOnly).includes('DatastoreDown'));
    assert.ok(!names(unscraped).includes('TargetDown'));
    assert.ok(names(unscraped).includes('DatastoreConnectionsNearLimit'));
    for (const overrides of [cosmosOnly, unscraped]) {
      const files = renderShape(overrides);
      assert.doesNotMatch(files['docs/runbooks/alerts.md'], overrides === cosmosOnly ? /^## DatastoreConnectionsNearLimit$/m : /^## TargetDown$/m);
    }
  });

  test('deterministic: the same answers give the same bytes', () => {
    for (const [name, overrides] of Object.entries(shapes)) assert.deepEqual(renderShape(overrides), rendered.get(name)!.files, name);
  });
});
