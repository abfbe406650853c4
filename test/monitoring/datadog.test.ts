/**
 * `monitoring: datadog` (lib/areas/monitoring/datadog.ts) over three shapes: Helm with PostgreSQL and Redis,
 * compose with MySQL and changed thresholds, Kustomize without a datastore. Each whole app is planned (so the
 * compose files resolve together) and written to a temp folder; the Terraform root must pass terraform fmt,
 * tflint and the datadog provider schema (3.82.0, from @cdktf/provider-datadog 12.15.2), the YAML yamllint and
 * prettier, everything secretlint, and compose `config`. The parsed HCL then answers what a reviewer checks:
 * one monitor per alert of the catalog, severities mapped to priority and handle, runbook links, thresholds.
 * `terraform validate` cannot run (no datadog provider binary here): the schema check stands in for its
 * argument checks, not for its type checks, and nothing here proves that Datadog accepts a query.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { agentAlertsFor, alertsFor } from '../../lib/monitoring/alerts.js';
import { monitoringOf, type MonitoringFacts } from '../../lib/monitoring/facts.js';
import { derive } from '../../lib/model/index.js';
import { planModel } from '../../lib/plan/plan.js';
import { renderAll } from '../../lib/render/render.js';
import { terraformPins } from '../../lib/versions/index.js';
import { shopAnswers } from '../ci/answers.js';
import { serviceVariants } from '../validation/matrix.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { parseTerraformDir, providerSchemaFindings, schemaProviderVersion, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';
import { terraformFmt, tflint, trivyTerraform } from '../validation/validators/terraform.js';
import { dockerCompose } from '../validation/validators/compose.js';
import { markdownlint } from '../validation/validators/markdownlint.js';
import { prettier } from '../validation/validators/prettier.js';
import { secretlint } from '../validation/validators/secretlint.js';
import { shellcheck } from '../validation/validators/shellcheck.js';
import { yamllint } from '../validation/validators/yamllint.js';

const shapes: Record<string, Partial<Answers>> = {
  'helm-postgres-redis': { monitoring: 'datadog', orchestration: 'helm', database: 'postgres', cache: 'redis' },
  'compose-mysql': {
    monitoring: 'datadog',
    orchestration: 'none',
    database: 'mysql',
    cache: 'none',
    sloObjective: '99.5',
    errorRateThreshold: '0.5',
    latencyThreshold: '0.25',
    cpuThreshold: '70',
    memoryThreshold: '85',
    diskFreeThreshold: '10',
    certificateExpiryDays: '21',
  },
  'kustomize-no-datastore': { monitoring: 'datadog', orchestration: 'kustomize', database: 'none', cache: 'none' },
};

interface Rendered {
  dir: string;
  facts: MonitoringFacts;
  files: Record<string, string>;
  parsed: ParsedTerraformFile[];
}

const rendered = new Map<string, Rendered>();
let root = '';

before(async () => {
  root = tempDir('phase4-datadog-');
  for (const [name, overrides] of Object.entries(shapes)) {
    const model = derive(shopAnswers(overrides));
    const files = Object.fromEntries(renderAll(planModel(model)).map((file) => [file.path, file.contents]));
    const dir = writeTree(path.join(root, name), files);
    rendered.set(name, { dir, facts: monitoringOf(model), files, parsed: await parseTerraformDir(path.join(dir, 'monitoring', 'datadog')) });
  }
});

const all = () => [...rendered.entries()];

type Block = Record<string, any>;

/** `resource "<type>" "<name>"` blocks of the parsed files. */
const resources = (parsed: ParsedTerraformFile[], type: string): { name: string; block: Block }[] =>
  parsed.flatMap(({ body }) => Object.entries((body.resource?.[type] ?? {}) as Record<string, Block[]>).flatMap(([name, blocks]) => blocks.map((block) => ({ name, block }))));

/** Every monitor file and values/compose YAML of a shape, absolute paths. */
const filesOf = (entry: Rendered, pattern: RegExp) => Object.keys(entry.files).filter((file) => pattern.test(file)).map((file) => path.join(entry.dir, file));

const datadogYaml = /^(compose\.monitoring\.yaml|monitoring\/kubernetes\/values\/datadog\.yaml|monitoring\/datadog\/.*\.ya?ml)$/;
const monitoringFiles = /^(compose\.monitoring\.yaml|monitoring\/|docs\/monitoring\.md|docs\/runbooks\/alerts\.md)/;

describe('datadog: the validators', () => {
  test('the plan has the Terraform root, the runbook and the Agent for the platform', () => {
    const helm = rendered.get('helm-postgres-redis')!.files;
    const compose = rendered.get('compose-mysql')!.files;
    for (const files of [helm, compose]) {
      for (const file of ['versions.tf', 'variables.tf', 'monitors.tf', 'slos.tf', 'dashboards.tf', 'outputs.tf']) assert.ok(files[`monitoring/datadog/${file}`], file);
      assert.ok(files['docs/runbooks/alerts.md'] && files['docs/monitoring.md']);
      assert.ok(!files['monitoring/alertmanager/alertmanager.yml'], 'no Prometheus stack files');
    }
    assert.ok(helm['monitoring/kubernetes/values/datadog.yaml'] && !helm['compose.monitoring.yaml']);
    assert.ok(compose['compose.monitoring.yaml'] && !compose['monitoring/kubernetes/values/datadog.yaml']);
  });

  test('terraform fmt -check', () => assert.deepEqual(terraformFmt(root), []));

  test('tflint (every rule of the terraform ruleset)', () => {
    for (const [, entry] of all()) assert.deepEqual(tflint(path.join(entry.dir, 'monitoring', 'datadog')), []);
  });

  test('trivy config: no HIGH or CRITICAL misconfiguration', () => {
    for (const [, entry] of all()) assert.deepEqual(trivyTerraform(path.join(entry.dir, 'monitoring', 'datadog')), []);
  });

  test('the datadog provider schema: resource types, arguments and blocks exist, required ones are given', async () => {
    assert.equal(schemaProviderVersion('datadog'), terraformPins().providers.datadog.version);
    for (const [, entry] of all()) assert.deepEqual(await providerSchemaFindings(path.join(entry.dir, 'monitoring', 'datadog'), 'datadog'), []);
  });

  test('the schema check fails on an unknown argument (a planted mutation)', async () => {
    const copy = tempDir('phase4-datadog-mutant-');
    cpSync(path.join(rendered.get('helm-postgres-redis')!.dir, 'monitoring', 'datadog'), copy, { recursive: true });
    const monitors = path.join(copy, 'monitors.tf');
    writeFileSync(monitors, readFileSync(monitors, 'utf8').replace('  notify_no_data ', '  notify_on_everything = true\n  notify_no_data '));
    const findings = await providerSchemaFindings(copy, 'datadog');
    assert.ok(findings.some((finding) => finding.includes('notify_on_everything')), findings.join('\n'));
  });

  test('secretlint finds nothing', () => {
    for (const [, entry] of all()) assert.deepEqual(secretlint.check(filesOf(entry, monitoringFiles)), []);
  });

  test('yamllint and prettier (defaults) accept the values and compose files', () => {
    for (const [, entry] of all()) {
      const files = filesOf(entry, datadogYaml);
      assert.ok(files.length > 0);
      assert.deepEqual(yamllint.check(files), []);
      assert.deepEqual(prettier.check(files), []);
    }
  });

  test('compose for an app without secrets of its own (no dev-secrets.sh): monitoring-secrets.sh creates secrets/, git-ignored', () => {
    const answers = shopAnswers({ monitoring: 'datadog', orchestration: 'none', database: 'none', cache: 'none', services: [serviceVariants.find((service) => service.name === 'site')!] });
    const files = Object.fromEntries(renderAll(planModel(derive(answers))).map((file) => [file.path, file.contents]));
    assert.ok(!files['scripts/dev-secrets.sh'] && files['scripts/monitoring-secrets.sh']);
    const dir = writeTree(path.join(root, 'compose-static-site'), files);
    assert.deepEqual(dockerCompose.check([path.join(dir, 'compose.yaml')]), []);
    assert.equal(readFileSync(path.join(dir, 'secrets', '.gitignore'), 'utf8'), '*\n!.gitignore\n');
  });

  test('markdownlint and prettier accept the docs; prettier the dashboards\' JSON', () => {
    for (const [, entry] of all()) {
      const docs = filesOf(entry, /^docs\/(monitoring|runbooks\/alerts)\.md$/);
      assert.equal(docs.length, 2);
      assert.deepEqual(markdownlint.check(docs), []);
      assert.deepEqual(prettier.check([...docs, ...filesOf(entry, /^monitoring\/datadog\/dashboards\/.*\.json$/)]), []);
    }
  });

  test('docker-compose -f compose.yaml -f compose.monitoring.yaml config', () => {
    const { dir } = rendered.get('compose-mysql')!;
    assert.deepEqual(shellcheck.check([path.join(dir, 'scripts', 'monitoring-secrets.sh')]), []);
    // The shared validator, as the matrix runs it: dev-secrets.sh, then monitoring-secrets.sh, then config.
    assert.deepEqual(dockerCompose.check([path.join(dir, 'compose.yaml')]), []);
    assert.equal(readFileSync(path.join(dir, 'secrets', 'datadog-api-key.txt'), 'utf8'), '', 'an empty key file to fill in');
    const withKey = spawnSync('sh', ['scripts/monitoring-secrets.sh'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.match(withKey.stdout, /created|kept/);
  });
});

describe('datadog: what a reviewer checks', () => {
  test('every applicable alert has a monitor of its name and severity: critical pages (priority 1), warnings go to chat (3), the runbook section is linked', () => {
    for (const [name, entry] of all()) {
      const monitors = resources(entry.parsed, 'datadog_monitor');
      // Beside compose every alert of the catalog; on Kubernetes all but the exporters' (the managed datastores
      // are watched through Datadog's cloud integration).
      const expected = agentAlertsFor(entry.facts);
      if (entry.facts.platform === 'kubernetes') assert.ok(!expected.some((alert) => alert.group === 'datastore' && alert.name !== 'ConnectionPoolExhausted'), name);
      for (const alert of expected) {
        const matching = monitors.filter(({ block }) => block.tags.includes(`alert:${alert.name}`) && block.tags.includes(`severity:${alert.severity}`));
        assert.ok(matching.length > 0, `${name}: no monitor for ${alert.name} (${alert.severity})`);
        for (const { name: resource, block } of matching) {
          assert.ok(block.name.startsWith(`${alert.name} (${alert.severity})`), `${name}: ${resource} is named ${block.name}`);
          assert.equal(block.priority, alert.severity === 'critical' ? 1 : 3, `${name}: ${resource}`);
          assert.ok(block.message.includes(alert.severity === 'critical' ? '${var.pager_handle}' : '${var.chat_handle}'), `${name}: ${resource} notifies the wrong handle`);
          assert.ok(!block.message.includes(alert.severity === 'critical' ? '${var.chat_handle}' : '${var.pager_handle}'), `${name}: ${resource} notifies both handles`);
          assert.ok(block.message.includes(`${entry.facts.runbook.url}#${alert.name.toLowerCase()}`), `${name}: ${resource} has no runbook link`);
          for (const tag of [`team:${entry.facts.team}`, `project:${entry.facts.project}`]) assert.ok(block.tags.includes(tag), `${name}: ${resource} lacks ${tag}`);
        }
      }
      // And no monitor for an alert that does not apply.
      const applicable = new Set([...alertsFor(entry.facts).map((alert) => alert.name), 'LogErrorsHigh', 'LogCrashDetected']);
      for (const { name: resource, block } of monitors) {
        const alertTag = (block.tags as string[]).find((tag) => tag.startsWith('alert:'))!;
        assert.ok(applicable.has(alertTag.slice('alert:'.length)), `${name}: ${resource} watches ${alertTag}, which does not apply`);
      }
    }
  });

  test('the log alerts of the Loki ruler are log monitors per service and env, routed by severity, with a runbook section', () => {
    for (const [name, entry] of all()) {
      const logMonitors = resources(entry.parsed, 'datadog_monitor').filter(({ block }) => block.type === 'log alert');
      assert.deepEqual(logMonitors.map(({ block }) => block.name).sort(), ['LogCrashDetected (critical)', 'LogErrorsHigh (warning)'], name);
      const runbook = entry.files['docs/runbooks/alerts.md'];
      for (const { block } of logMonitors) {
        assert.match(block.query, /\.by\("service,env"\)/, name);
        const scope = entry.facts.platform === 'kubernetes' ? `kube_namespace:(${entry.facts.environments.map((environment) => environment.namespace).join(' OR ')})` : `project:${entry.facts.project}`;
        assert.ok(block.query.startsWith(`logs("${scope} `), `${name}: ${block.query}`);
        const alert = block.name.split(' ')[0];
        assert.ok(block.message.includes(block.priority === 1 ? '${var.pager_handle}' : '${var.chat_handle}'), name);
        assert.ok(runbook.includes(`\n## ${alert}\n`), `${name}: no runbook section for ${alert}`);
      }
      const errors = logMonitors.find(({ block }) => block.name.startsWith('LogErrorsHigh'))!.block;
      assert.equal(errors.monitor_thresholds[0].critical, 100, 'ten error lines a minute over 10 minutes');
    }
  });

  test('the datastore monitors: beside compose one per engine, none for the managed datastores on Kubernetes', () => {
    const tagged = (entry: Rendered, alert: string) => resources(entry.parsed, 'datadog_monitor').filter(({ block }) => block.tags.includes(`alert:${alert}`));
    assert.equal(tagged(rendered.get('compose-mysql')!, 'DatastoreDown').length, 1);
    assert.match(tagged(rendered.get('compose-mysql')!, 'DatastoreDown')[0].block.query, /mysql\.can_connect/);
    assert.equal(tagged(rendered.get('helm-postgres-redis')!, 'DatastoreDown').length, 0);
    assert.equal(tagged(rendered.get('kustomize-no-datastore')!, 'ConnectionPoolExhausted').length, 0);
    assert.ok(tagged(rendered.get('helm-postgres-redis')!, 'ConnectionPoolExhausted').length > 0);
  });

  test('thresholds are the answers', () => {
    for (const [name, entry] of all()) {
      const { thresholds } = entry.facts;
      const monitors = resources(entry.parsed, 'datadog_monitor');
      const critical = (alert: string, severity?: string) =>
        monitors
          .filter(({ block }) => block.tags.includes(`alert:${alert}`) && (!severity || block.tags.includes(`severity:${severity}`)))
          .map(({ block }) => ({ value: block.monitor_thresholds[0].critical, query: block.query as string }));
      const expect = (alert: string, value: number, severity?: string) => {
        const found = critical(alert, severity);
        assert.ok(found.length > 0, `${name}: ${alert}`);
        for (const monitor of found) {
          assert.equal(monitor.value, value, `${name}: ${alert} threshold`);
          assert.ok(monitor.query.endsWith(` ${value}`), `${name}: ${alert} query ${monitor.query} does not end with ${value}`);
        }
      };
      expect('HighErrorRate', thresholds.errorRatio);
      expect('HighLatency', thresholds.latencySeconds);
      expect('HighCpuUsage', thresholds.cpuRatio);
      expect('HighMemoryUsage', thresholds.memoryRatio);
      expect('DiskSpaceLow', thresholds.diskFreeRatio);
      expect('CertificateExpiry', thresholds.certificateWarningDays, 'warning');
      expect('CertificateExpiry', thresholds.certificateCriticalDays, 'critical');
      for (const { block } of resources(entry.parsed, 'datadog_service_level_objective')) {
        assert.equal(block.thresholds[0].target, Number((thresholds.objective * 100).toPrecision(6)), `${name}: ${block.name}`);
        assert.equal(block.thresholds[0].timeframe, '30d');
      }
      for (const { block } of resources(entry.parsed, 'datadog_service_level_objective').filter(({ block }) => block.type === 'time_slice')) {
        assert.equal(block.sli_specification[0].time_slice[0].threshold, thresholds.latencySeconds);
      }
    }
    assert.equal(rendered.get('compose-mysql')!.facts.thresholds.errorRatio, 0.005);
  });

  test('each traced service has an availability and a latency SLO, with fast and slow burn-rate monitors', () => {
    for (const [name, entry] of all()) {
      const slos = resources(entry.parsed, 'datadog_service_level_objective');
      const traced = entry.facts.services.filter((service) => service.exposesMetrics);
      assert.equal(slos.length, traced.length * 2, name);
      const burns = resources(entry.parsed, 'datadog_monitor').filter(({ block }) => block.type === 'slo alert');
      for (const slo of slos) {
        const reference = `datadog_service_level_objective.${slo.name}.id`;
        const own = burns.filter(({ block }) => block.query.includes(reference));
        assert.deepEqual(own.map(({ block }) => block.priority).sort(), [1, 1, 3], `${name}: ${slo.name} burn-rate monitors`);
      }
    }
  });

  test('dashboards: one per traced service, the resources, the datastores beside compose, the SLOs; every widget has a query or an SLO', () => {
    for (const [name, entry] of all()) {
      const dashboards = resources(entry.parsed, 'datadog_dashboard_json');
      const traced = entry.facts.services.filter((service) => service.exposesMetrics);
      const expected = [
        ...traced.map((service) => `service_${service.name.replace(/-/g, '_')}`),
        'resources',
        ...(entry.facts.platform === 'compose' && entry.facts.datastores.length > 0 ? ['datastores'] : []),
        ...(traced.length > 0 ? ['slos'] : []),
      ];
      assert.deepEqual(dashboards.map(({ name: resource }) => resource).sort(), expected.sort(), name);
      const slos = resources(entry.parsed, 'datadog_service_level_objective').map(({ name: resource }) => resource);
      for (const file of Object.keys(entry.files).filter((path) => path.startsWith('monitoring/datadog/dashboards/'))) {
        // The SLO dashboard is a templatefile(): its ${id} variables are the SLOs' resource names.
        const variables = [...entry.files[file].matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]);
        assert.deepEqual(variables.filter((variable) => !slos.includes(variable)), [], `${name}: ${file} names an SLO that does not exist`);
        const json = JSON.parse(entry.files[file]) as { template_variables: { name: string }[]; widgets: { definition: any }[] };
        const widgets = json.widgets.flatMap((widget) => (widget.definition.type === 'group' ? widget.definition.widgets : [widget]));
        assert.ok(widgets.length > 0, `${name}: ${file} is empty`);
        for (const widget of widgets) {
          const queries = (widget.definition.requests ?? []).map((request: { q: string }) => request.q);
          assert.ok(queries.length > 0 || widget.definition.slo_id, `${name}: ${file}: ${widget.definition.title} has no query`);
          if (!file.endsWith('.tftpl')) for (const query of queries) assert.match(query, /\$env/, `${name}: ${file}: ${widget.definition.title} ignores the env variable`);
        }
        if (file.endsWith('.tftpl')) assert.deepEqual([...variables].sort(), [...slos].sort(), `${name}: the SLO dashboard shows every SLO`);
        else assert.deepEqual(json.template_variables.map((variable) => variable.name), ['env'], `${name}: ${file}`);
      }
    }
  });

  test('provider pinned exactly to the version the schema describes; keys only as sensitive variables', () => {
    for (const [name, entry] of all()) {
      const versions = entry.parsed.find(({ file }) => file === 'versions.tf')!.body;
      assert.deepEqual(versions.terraform[0].required_providers[0].datadog, { source: 'DataDog/datadog', version: '3.82.0' }, name);
      const variables = entry.parsed.find(({ file }) => file === 'variables.tf')!.body.variable;
      for (const key of ['datadog_api_key', 'datadog_app_key']) {
        assert.equal(variables[key][0].sensitive, true);
        assert.equal(variables[key][0].default, undefined);
      }
      assert.ok(!Object.keys(entry.files).some((file) => file.endsWith('.tfvars')), name);
    }
  });

  test('the Agent: API key from a Secret or a secret file, never inline; compose ports on loopback', () => {
    const values = rendered.get('helm-postgres-redis')!.files['monitoring/kubernetes/values/datadog.yaml'];
    assert.match(values, /apiKeyExistingSecret: datadog-secret/);
    assert.match(values, /containerCollectAll: false/);
    assert.doesNotMatch(values, /apiKey: /);
    const compose = rendered.get('compose-mysql')!.files['compose.monitoring.yaml'];
    assert.match(compose, /DD_API_KEY: "ENC\[file@\/run\/secrets\/datadog-api-key\]"/);
    assert.match(compose, /\/var\/run\/docker\.sock:\/var\/run\/docker\.sock:ro/);
    for (const port of compose.matchAll(/^\s+- "([^"]*:\d+(?:\/udp)?)"$/gm)) assert.ok(port[1].startsWith('127.0.0.1:'), port[1]);
  });

  test("Kubernetes: the chart's bundled Datadog Operator is not installed beside the Agents it would not manage", () => {
    for (const [name, entry] of all()) {
      const text = entry.files['monitoring/kubernetes/values/datadog.yaml'];
      if (!text) continue;
      // The datadog chart enables its operator subchart by default (3.157.0 on): an idle controller with a
      // cluster-wide ClusterRole (secrets included) when the chart itself deploys the Agents.
      assert.equal(parse(text).datadog.operator?.enabled, false, name);
    }
  });

  test('logs by annotation, as the workloads carry it; Prometheus scraping only where a pool metric needs it', () => {
    const helm = rendered.get('helm-postgres-redis')!;
    const values = helm.files['monitoring/kubernetes/values/datadog.yaml'];
    assert.match(values, /containerCollectAll: false/);
    const workloads = Object.entries(helm.files).filter(([file]) => !file.startsWith('monitoring/') && /\.ya?ml$/.test(file)).map(([, text]) => text).join('\n');
    for (const service of helm.facts.services) {
      assert.ok(workloads.includes(`ad.datadoghq.com/${service.name}.logs`), `${service.name}: no logs annotation in the workloads`);
    }
    assert.match(values, /prometheusScrape:\n    enabled: true/);
    assert.match(rendered.get('kustomize-no-datastore')!.files['monitoring/kubernetes/values/datadog.yaml'], /prometheusScrape:\n    enabled: false/);
  });

  test('deterministic: the same answers give the same bytes', () => {
    for (const [name, overrides] of Object.entries(shapes)) {
      const again = Object.fromEntries(renderAll(planModel(derive(shopAnswers(overrides)))).map((file) => [file.path, file.contents]));
      assert.deepEqual(again, rendered.get(name)!.files, name);
    }
  });
});
