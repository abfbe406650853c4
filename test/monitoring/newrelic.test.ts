/**
 * `monitoring: newrelic` (lib/areas/monitoring/newrelic.ts) over three shapes: Helm with PostgreSQL and Redis,
 * compose with MySQL and changed thresholds, Kustomize without a datastore. Each whole app is planned (so the
 * compose files resolve together) and written to a temp folder; the Terraform root must pass terraform fmt,
 * tflint and the newrelic provider schema (3.76.3, from @cdktf/provider-newrelic 13.12.2), the YAML yamllint and
 * prettier, everything secretlint, the scripts shellcheck, and compose `config`. The parsed HCL then answers what
 * a reviewer checks: one condition per alert of the catalog, severities mapped to the paging and chat policies,
 * runbook links to existing sections, thresholds and objectives from the answers, no credential inline.
 * `terraform validate` cannot run (no newrelic provider binary here): the schema check stands in for its
 * argument checks, not for its type checks, and nothing here proves that New Relic accepts an NRQL query.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { before, describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { agentAlertsFor } from '../../lib/monitoring/alerts.js';
import { monitoringOf, type MonitoringFacts } from '../../lib/monitoring/facts.js';
import { derive } from '../../lib/model/index.js';
import { planModel } from '../../lib/plan/plan.js';
import { renderAll } from '../../lib/render/render.js';
import { terraformPins } from '../../lib/versions/index.js';
import { shopAnswers } from '../ci/answers.js';
import { serviceVariants } from '../validation/matrix.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { parseTerraformDir, providerSchemaFindings, schemaProviderVersion, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';
import { terraformFmt, tflint } from '../validation/validators/terraform.js';
import { dockerCompose } from '../validation/validators/compose.js';
import { markdownlint } from '../validation/validators/markdownlint.js';
import { prettier } from '../validation/validators/prettier.js';
import { secretlint } from '../validation/validators/secretlint.js';
import { shellcheck } from '../validation/validators/shellcheck.js';
import { yamllint } from '../validation/validators/yamllint.js';

const shapes: Record<string, Partial<Answers>> = {
  'helm-postgres-redis': { monitoring: 'newrelic', orchestration: 'helm', database: 'postgres', cache: 'redis' },
  'compose-mysql': {
    monitoring: 'newrelic',
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
    maintenanceWindow: 'Sat 22:00 - Sun 04:00',
    timezone: 'Europe/Berlin',
  },
  'kustomize-no-datastore': { monitoring: 'newrelic', orchestration: 'kustomize', database: 'none', cache: 'none' },
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
  root = tempDir('phase4-newrelic-');
  for (const [name, overrides] of Object.entries(shapes)) {
    const model = derive(shopAnswers(overrides));
    const files = Object.fromEntries(renderAll(planModel(model)).map((file) => [file.path, file.contents]));
    const dir = writeTree(path.join(root, name), files);
    rendered.set(name, { dir, facts: monitoringOf(model), files, parsed: await parseTerraformDir(path.join(dir, 'monitoring', 'newrelic')) });
  }
});

const all = () => [...rendered.entries()];

type Block = Record<string, any>;

/** `resource "<type>" "<name>"` blocks of the parsed files. */
const resources = (parsed: ParsedTerraformFile[], type: string): { name: string; block: Block }[] =>
  parsed.flatMap(({ body }) => Object.entries((body.resource?.[type] ?? {}) as Record<string, Block[]>).flatMap(([name, blocks]) => blocks.map((block) => ({ name, block }))));

const conditions = (entry: Rendered) => resources(entry.parsed, 'newrelic_nrql_alert_condition');

/** Every file of a shape matching the pattern, absolute paths. */
const filesOf = (entry: Rendered, pattern: RegExp) => Object.keys(entry.files).filter((file) => pattern.test(file)).map((file) => path.join(entry.dir, file));

const newrelicYaml = /^(compose\.monitoring\.yaml|monitoring\/kubernetes\/values\/(nri-bundle|otel-collector)\.yaml|monitoring\/newrelic\/.*\.ya?ml)$/;
const monitoringFiles = /^(compose\.monitoring\.yaml|monitoring\/|docs\/monitoring\.md|docs\/runbooks\/alerts\.md|scripts\/monitoring-secrets\.sh)/;

/** The headings of a Markdown file as GitHub anchors them (lower case, spaces to dashes, punctuation dropped). */
const anchorsOf = (markdown: string) =>
  new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((match) => match[1].trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));

describe('newrelic: the validators', () => {
  test('the plan has the Terraform root, the runbook and the agents for the platform', () => {
    const helm = rendered.get('helm-postgres-redis')!.files;
    const compose = rendered.get('compose-mysql')!.files;
    for (const files of [helm, compose]) {
      for (const file of ['versions.tf', 'main.tf', 'variables.tf', 'notifications.tf', 'conditions.tf', 'service-levels.tf', 'synthetics.tf', 'logs.tf', 'dashboards.tf', 'outputs.tf']) {
        assert.ok(files[`monitoring/newrelic/${file}`], file);
      }
      assert.ok(files['docs/runbooks/alerts.md'] && files['docs/monitoring.md']);
      assert.ok(!files['monitoring/alertmanager/alertmanager.yml'] && !files['monitoring/datadog/monitors.tf'], 'no other stack files');
    }
    assert.ok(helm['monitoring/kubernetes/values/nri-bundle.yaml'] && helm['monitoring/kubernetes/values/otel-collector.yaml'] && !helm['compose.monitoring.yaml']);
    assert.ok(compose['compose.monitoring.yaml'] && compose['monitoring/newrelic/collector/config.yaml'] && !compose['monitoring/kubernetes/values/nri-bundle.yaml']);
  });

  test('terraform fmt -check', () => assert.deepEqual(terraformFmt(root), []));

  test('tflint (every rule of the terraform ruleset)', () => {
    for (const [, entry] of all()) assert.deepEqual(tflint(path.join(entry.dir, 'monitoring', 'newrelic')), []);
  });

  test('the newrelic provider schema: resource types, arguments and blocks exist, required ones are given', async () => {
    assert.equal(schemaProviderVersion('newrelic'), terraformPins().providers.newrelic.version);
    for (const [, entry] of all()) assert.deepEqual(await providerSchemaFindings(path.join(entry.dir, 'monitoring', 'newrelic'), 'newrelic'), []);
  });

  test('the schema check fails on an unknown argument and on a missing required block (planted mutations)', async () => {
    const copy = tempDir('phase4-newrelic-mutant-');
    cpSync(path.join(rendered.get('helm-postgres-redis')!.dir, 'monitoring', 'newrelic'), copy, { recursive: true });
    const conditionsFile = path.join(copy, 'conditions.tf');
    const text = readFileSync(conditionsFile, 'utf8');
    writeFileSync(conditionsFile, text.replace('  enabled     = true\n', '  enabled     = true\n  notify_everyone = true\n'));
    const unknown = await providerSchemaFindings(copy, 'newrelic');
    assert.ok(unknown.some((finding) => finding.includes('notify_everyone')), unknown.join('\n'));
    writeFileSync(conditionsFile, text.replace(/\n  nrql \{\n    query = .*\n  \}\n/, '\n'));
    const missing = await providerSchemaFindings(copy, 'newrelic');
    assert.ok(missing.some((finding) => finding.includes('missing required block "nrql"')), missing.join('\n'));
  });

  test('secretlint finds nothing', () => {
    for (const [, entry] of all()) assert.deepEqual(secretlint.check(filesOf(entry, monitoringFiles)), []);
  });

  test('yamllint and prettier (defaults) accept the values, the compose file and the Collector config', () => {
    for (const [name, entry] of all()) {
      const files = filesOf(entry, newrelicYaml);
      assert.ok(files.length >= 2, name);
      assert.deepEqual(yamllint.check(files), [], name);
      assert.deepEqual(prettier.check(files), [], name);
    }
  });

  test('markdownlint and prettier accept the docs', () => {
    for (const [name, entry] of all()) {
      const docs = filesOf(entry, /^docs\/(monitoring|runbooks\/alerts)\.md$/);
      assert.equal(docs.length, 2);
      assert.deepEqual(markdownlint.check(docs), [], name);
      assert.deepEqual(prettier.check(docs), [], name);
    }
  });

  test('the dashboards are JSON once templatefile() has filled in the account and the service levels', () => {
    for (const [name, entry] of all()) {
      const dashboards = Object.entries(entry.files).filter(([file]) => file.endsWith('.json.tftpl'));
      assert.equal(dashboards.length, entry.facts.services.filter((service) => service.exposesMetrics).length, name);
      for (const [file, text] of dashboards) {
        const filled = text.replaceAll('${account_id}', '1234567').replace(/\$\{(availability|latency)_sli_guid\}/g, 'GUID');
        const dashboard = JSON.parse(filled);
        assert.deepEqual(dashboard.pages.map((page: { name: string }) => page.name.split(' ')[0]), ['Service', 'Resources', 'Service'], file);
        assert.equal(dashboard.variables[0].name, 'environment');
        for (const page of dashboard.pages) for (const widget of page.widgets) assert.deepEqual(widget.rawConfiguration.nrqlQueries[0].accountIds, [1234567], file);
        assert.ok(!/\$\{(?!account_id\}|availability_sli_guid\}|latency_sli_guid\})/.test(text), `${file}: a template expression templatefile() cannot fill`);
      }
    }
  });

  test('docker-compose -f compose.yaml -f compose.monitoring.yaml config; shellcheck on monitoring-secrets.sh', () => {
    const { dir } = rendered.get('compose-mysql')!;
    assert.deepEqual(shellcheck.check([path.join(dir, 'scripts', 'monitoring-secrets.sh')]), []);
    // The shared validator, as the matrix runs it: dev-secrets.sh, then monitoring-secrets.sh, then config.
    assert.deepEqual(dockerCompose.check([path.join(dir, 'compose.yaml')]), []);
    assert.equal(readFileSync(path.join(dir, 'secrets', 'newrelic-license-key.txt'), 'utf8'), '', 'an empty key file to fill in');
    assert.match(readFileSync(path.join(dir, 'secrets', 'mysqld-exporter.cnf'), 'utf8'), /^\[client\]\nuser=/);
  });

  test('compose for an app without secrets of its own: monitoring-secrets.sh creates secrets/, git-ignored', () => {
    const answers = shopAnswers({ monitoring: 'newrelic', orchestration: 'none', database: 'none', cache: 'none', services: [serviceVariants.find((service) => service.name === 'site')!] });
    const files = Object.fromEntries(renderAll(planModel(derive(answers))).map((file) => [file.path, file.contents]));
    assert.ok(!files['scripts/dev-secrets.sh'] && files['scripts/monitoring-secrets.sh']);
    const dir = writeTree(path.join(root, 'compose-static-site'), files);
    assert.deepEqual(shellcheck.check([path.join(dir, 'scripts', 'monitoring-secrets.sh')]), []);
    assert.deepEqual(dockerCompose.check([path.join(dir, 'compose.yaml')]), []);
    assert.equal(readFileSync(path.join(dir, 'secrets', '.gitignore'), 'utf8'), '*\n!.gitignore\n');
  });
});

describe('newrelic: an API without a health route (no public probe)', () => {
  test('no synthetics, and nothing declared for them: tflint passes', () => {
    const api = { ...serviceVariants.find((service) => service.name === 'api-express')!, healthPath: undefined };
    const answers = shopAnswers({ monitoring: 'newrelic', orchestration: 'none', database: 'postgres', cache: 'none', services: [api] });
    const files = Object.fromEntries(renderAll(planModel(derive(answers))).map((file) => [file.path, file.contents]));
    assert.equal(files['monitoring/newrelic/synthetics.tf'], undefined);
    const dir = writeTree(path.join(root, 'api-without-health-route'), files);
    assert.deepEqual(tflint(path.join(dir, 'monitoring', 'newrelic')), []);
  });
});

describe('newrelic: what a reviewer checks', () => {
  test('every applicable alert has a condition of its name and severity, in the policy of its severity, with a runbook link to an existing section', () => {
    for (const [name, entry] of all()) {
      const runbookAnchors = anchorsOf(entry.files['docs/runbooks/alerts.md']);
      const found = conditions(entry);
      for (const alert of agentAlertsFor(entry.facts)) {
        const matching = found.filter(({ block }) => block.name.startsWith(`${alert.name} (${alert.severity}):`));
        assert.ok(matching.length > 0, `${name}: no condition for ${alert.name} (${alert.severity})`);
      }
      for (const { name: resource, block } of found) {
        const [, alert, severity] = /^(\w+) \((critical|warning)\):/.exec(block.name) ?? [];
        assert.ok(alert, `${name}: ${resource} is named ${block.name}`);
        assert.equal(block.policy_id, `\${newrelic_alert_policy.${severity}.id}`, `${name}: ${resource} is in the wrong policy`);
        assert.equal(block.critical.length, 1, `${name}: ${resource}`);
        const [url, anchor] = (block.runbook_url as string).split('#');
        assert.equal(url, entry.facts.runbook.url, `${name}: ${resource}`);
        assert.equal(anchor, alert.toLowerCase(), `${name}: ${resource}`);
        assert.ok(runbookAnchors.has(anchor), `${name}: ${resource} links to #${anchor}, which the runbook lacks`);
      }
      // No condition for an alert that does not apply (the log alerts of the logging area apply everywhere).
      const applicable = new Set([...agentAlertsFor(entry.facts).map((alert) => alert.name), 'LogErrorsHigh', 'LogCrashDetected']);
      for (const { name: resource, block } of found) assert.ok(applicable.has(block.name.split(' ')[0]), `${name}: ${resource} watches an alert that does not apply`);
    }
  });

  test('critical issues page (PagerDuty), warnings go to chat (Slack): the workflows filter on their policy', () => {
    for (const [name, entry] of all()) {
      const workflows = Object.fromEntries(resources(entry.parsed, 'newrelic_workflow').map(({ name: resource, block }) => [resource, block]));
      const route = (severity: string) => ({
        policy: workflows[severity].issues_filter[0].predicate[0].values,
        channel: workflows[severity].destination[0].channel_id,
      });
      assert.deepEqual(route('critical'), { policy: ['${newrelic_alert_policy.critical.id}'], channel: '${newrelic_notification_channel.pagerduty.id}' }, name);
      assert.deepEqual(route('warning'), { policy: ['${newrelic_alert_policy.warning.id}'], channel: '${newrelic_notification_channel.slack.id}' }, name);
      const destinations = Object.fromEntries(resources(entry.parsed, 'newrelic_notification_destination').map(({ name: resource, block }) => [resource, block]));
      assert.equal(destinations.pagerduty.type, 'PAGERDUTY_SERVICE_INTEGRATION');
      assert.equal(destinations.pagerduty.auth_token[0].token, '${var.pagerduty_service_key}');
      assert.equal(destinations.slack.secure_url[0].secure_suffix, '${var.slack_webhook_path}');
    }
  });

  test('the datastore conditions follow the Prometheus rules: compose only, one per engine', () => {
    const named = (entry: Rendered, alert: string) => conditions(entry).filter(({ block }) => block.name.startsWith(`${alert} (`));
    assert.equal(named(rendered.get('compose-mysql')!, 'DatastoreDown').length, 1);
    assert.match(named(rendered.get('compose-mysql')!, 'DatastoreDown')[0].block.nrql[0].query, /min\(mysql_up\)/);
    assert.equal(named(rendered.get('helm-postgres-redis')!, 'DatastoreDown').length, 0);
    assert.equal(named(rendered.get('kustomize-no-datastore')!, 'ConnectionPoolExhausted').length, 0);
    assert.ok(named(rendered.get('helm-postgres-redis')!, 'ConnectionPoolExhausted').length > 0);
  });

  test('thresholds are the answers', () => {
    for (const [name, entry] of all()) {
      const { thresholds } = entry.facts;
      const expect = (alert: string, value: number, severity?: string) => {
        const found = conditions(entry).filter(({ block }) => block.name.startsWith(`${alert} (${severity ?? ''}`));
        assert.ok(found.length > 0, `${name}: ${alert}`);
        for (const { block } of found) assert.equal(block.critical[0].threshold, value, `${name}: ${block.name}`);
      };
      expect('HighErrorRate', thresholds.errorRatio);
      expect('HighLatency', thresholds.latencySeconds);
      expect('HighCpuUsage', thresholds.cpuRatio);
      expect('HighMemoryUsage', thresholds.memoryRatio);
      expect('DiskSpaceLow', thresholds.diskFreeRatio);
      const certificates = resources(entry.parsed, 'newrelic_synthetics_cert_check_monitor');
      assert.ok(certificates.length > 0, name);
      for (const { block } of certificates) {
        assert.equal(block.certificate_expiration, block.name.endsWith('(critical)') ? thresholds.certificateCriticalDays : thresholds.certificateWarningDays, block.name);
      }
      // Each CertificateExpiry condition reads the monitors of its own severity.
      for (const severity of ['warning', 'critical']) {
        const [condition] = conditions(entry).filter(({ block }) => block.name.startsWith(`CertificateExpiry (${severity})`));
        const monitors = certificates.filter(({ block }) => block.name.endsWith(`(${severity})`)).map(({ block }) => block.name);
        for (const monitor of monitors) assert.ok(condition.block.nrql[0].query.includes(`'${monitor}'`), `${name}: ${severity} reads ${monitor}`);
      }
      for (const { block } of resources(entry.parsed, 'newrelic_service_level')) {
        assert.equal(block.objective[0].target, Number((thresholds.objective * 100).toPrecision(6)), `${name}: ${block.name}`);
        assert.equal(block.objective[0].time_window[0].rolling[0].count, 28);
      }
      for (const { block } of resources(entry.parsed, 'newrelic_service_level').filter(({ block }) => block.name.endsWith('latency'))) {
        assert.equal(block.events[0].good_events[0].select[0].threshold, thresholds.latencySeconds);
      }
    }
    assert.equal(rendered.get('compose-mysql')!.facts.thresholds.errorRatio, 0.005);
    assert.equal(rendered.get('compose-mysql')!.facts.thresholds.certificateWarningDays, 21);
  });

  test('each traced service has an availability and a latency service level, with fast and slow burn-rate conditions at the budget\'s multiples', () => {
    for (const [name, entry] of all()) {
      const levels = resources(entry.parsed, 'newrelic_service_level');
      const traced = entry.facts.services.filter((service) => service.exposesMetrics);
      assert.equal(levels.length, traced.length * 2, name);
      for (const level of levels) {
        assert.equal(level.block.guid, '${newrelic_workload.project.guid}');
        const burns = conditions(entry).filter(({ block }) => block.nrql[0].query.includes(`\${newrelic_service_level.${level.name}.sli_guid}`));
        assert.deepEqual(burns.map(({ block }) => block.policy_id.includes('critical') ? 'critical' : 'warning').sort(), ['critical', 'critical', 'warning'], `${name}: ${level.name}`);
        const budget = entry.facts.thresholds.errorBudget * 100;
        const factors = burns.map(({ block }) => Number((block.critical[0].threshold / budget).toFixed(3))).sort((a, b) => a - b);
        assert.deepEqual(factors, [3, 6, 14.4], `${name}: ${level.name} burn factors`);
      }
    }
  });

  test('provider pinned exactly to the version the schema describes; keys only as sensitive variables, none inline', () => {
    for (const [name, entry] of all()) {
      const versions = entry.parsed.find(({ file }) => file === 'versions.tf')!.body;
      assert.deepEqual(versions.terraform[0].required_providers[0].newrelic, { source: 'newrelic/newrelic', version: '3.76.3' }, name);
      const variables = entry.parsed.find(({ file }) => file === 'variables.tf')!.body.variable;
      for (const key of ['newrelic_api_key', 'pagerduty_service_key', 'slack_webhook_path']) {
        assert.equal(variables[key][0].sensitive, true, key);
        assert.equal(variables[key][0].default, undefined, key);
        assert.ok(variables[key][0].description && variables[key][0].type, key);
      }
      for (const [variable, [block]] of Object.entries(variables as Record<string, Block[]>)) assert.ok(block.description && block.type, `${name}: ${variable}`);
      assert.deepEqual(entry.parsed.find(({ file }) => file === 'main.tf')!.body.provider.newrelic[0].api_key, '${var.newrelic_api_key}');
      assert.ok(!Object.keys(entry.files).some((file) => file.endsWith('.tfvars')), name);
      const terraform = Object.entries(entry.files).filter(([file]) => file.startsWith('monitoring/newrelic/')).map(([, text]) => text).join('\n');
      assert.doesNotMatch(terraform, /NRAK-[A-Z0-9]{8,}|NRAL-|[0-9a-f]{32}|hooks\.slack\.com\/services\/T[A-Z0-9]+\//, name);
    }
  });

  test('the agents: the license key from a Secret or a secret file, never inline; compose ports on loopback', () => {
    const values = rendered.get('helm-postgres-redis')!.files['monitoring/kubernetes/values/nri-bundle.yaml'];
    assert.match(values, /customSecretName: "newrelic-license"\n  customSecretLicenseKey: "license-key"/);
    assert.match(values, /cluster: "shop"/);
    assert.match(values, /lowDataMode: true/);
    assert.doesNotMatch(values, /licenseKey: /);
    const collector = rendered.get('helm-postgres-redis')!.files['monitoring/kubernetes/values/otel-collector.yaml'];
    assert.match(collector, /secretKeyRef:\n        name: "newrelic-license"\n        key: "license-key"/);
    assert.match(collector, /api-key: \$\{env:NEW_RELIC_LICENSE_KEY\}/);
    const compose = rendered.get('compose-mysql')!;
    assert.match(compose.files['monitoring/newrelic/collector/config.yaml'], /api-key: \$\{file:\/run\/secrets\/newrelic-license\}/);
    const ports = [...compose.files['compose.monitoring.yaml'].matchAll(/^\s+- "((?:[\d.]+:)?\d+:\d+(?:\/udp)?)"$/gm)].map((match) => match[1]);
    assert.deepEqual(ports, ['127.0.0.1:24224:24224']);
  });

  test('Kubernetes: the Collector runs as non-root at the pod level too, with the runtime default seccomp profile', () => {
    // The opentelemetry-collector chart leaves podSecurityContext empty (trivy KSV-0118 on the rendered chart).
    const values = parse(rendered.get('helm-postgres-redis')!.files['monitoring/kubernetes/values/otel-collector.yaml']);
    assert.deepEqual(values.podSecurityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    assert.equal(values.securityContext.runAsNonRoot, true);
  });

  test('the Collector scrapes each traced service where the metric contract serves it, and the NRQL reads the name it gives', () => {
    for (const [name, entry] of all()) {
      const config = entry.files['monitoring/newrelic/collector/config.yaml'] ?? entry.files['monitoring/kubernetes/values/otel-collector.yaml'];
      for (const service of entry.facts.services.filter((candidate) => candidate.exposesMetrics)) {
        assert.ok(config.includes(`job_name: "${service.job}"\n`), `${name}: no scrape job for ${service.name}`);
        assert.ok(config.includes(`metrics_path: "${service.metricsPath}"\n`), `${name}: ${service.metricsPath}`);
      }
      assert.match(config, /new_name: "http\.server\.request\.duration"/);
      const [errorRate] = conditions(entry).filter(({ block }) => block.name.startsWith('HighErrorRate'));
      assert.match(errorRate.block.nrql[0].query, /count\(http\.server\.request\.duration\)/);
    }
  });

  test('log retention by data partition, one per environment; logs of the project only', () => {
    for (const [name, entry] of all()) {
      const partitions = resources(entry.parsed, 'newrelic_data_partition_rule');
      assert.equal(partitions.length, entry.facts.environments.length, name);
      for (const { block } of partitions) assert.match(block.target_data_partition, /^Log_/);
    }
    const values = rendered.get('helm-postgres-redis')!.files['monitoring/kubernetes/values/nri-bundle.yaml'];
    // One comma-separated value (written over several lines with escaped line breaks, which add nothing).
    const logPath = (parse(values) as { 'newrelic-logging': { fluentBit: { path: string } } })['newrelic-logging'].fluentBit.path;
    assert.equal(logPath, rendered.get('helm-postgres-redis')!.facts.environments.map((environment) => `/var/log/containers/*_${environment.namespace}_*.log`).join(','));
  });

  test('the maintenance window mutes warnings only, every week, in the answers\' time zone', () => {
    const [rule] = resources(rendered.get('compose-mysql')!.parsed, 'newrelic_alert_muting_rule').map(({ block }) => block);
    assert.deepEqual(rule.condition[0].conditions[0].values, ['${newrelic_alert_policy.warning.id}']);
    assert.deepEqual(rule.schedule[0], {
      start_time: '2026-01-10T22:00:00',
      end_time: '2026-01-11T04:00:00',
      time_zone: 'Europe/Berlin',
      repeat: 'WEEKLY',
      weekly_repeat_days: ['SATURDAY'],
    });
    assert.equal(resources(rendered.get('helm-postgres-redis')!.parsed, 'newrelic_alert_muting_rule').length, 0, 'no window answered, no muting rule');
  });

  test('deterministic: the same answers give the same bytes', () => {
    for (const [name, overrides] of Object.entries(shapes)) {
      const again = Object.fromEntries(renderAll(planModel(derive(shopAnswers(overrides)))).map((file) => [file.path, file.contents]));
      assert.deepEqual(again, rendered.get(name)!.files, name);
    }
  });
});
