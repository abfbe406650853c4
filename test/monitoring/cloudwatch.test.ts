/**
 * `monitoring: cloudwatch` (lib/areas/monitoring/cloudwatch.ts) over four shapes: ECS Fargate with PostgreSQL and
 * Redis, EKS (Helm) with MySQL and changed thresholds, EKS (Kustomize) without a datastore, and ECS with
 * DocumentDB and one environment. Each whole app is planned and written to a temp folder; every environment's
 * Terraform root must pass terraform fmt, `terraform validate` against the real AWS provider (5.100.0 from the
 * machine's mirror) and its generated `terraform test` (mocked provider), tflint (every rule) and trivy (HIGH and CRITICAL); the docs markdownlint and prettier, the
 * collector manifests yamllint, everything secretlint. The parsed HCL then answers what a reviewer checks: an
 * alarm per alert and severity, critical to the pager topic and warnings to chat, runbook sections that exist,
 * thresholds that are the answers, burn rates as composites of two windows, tags, and the names infra/ gives
 * the resources it watches.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { cloudwatchAlerts } from '../../lib/areas/monitoring/cloudwatch.js';
import { alertsFor } from '../../lib/monitoring/alerts.js';
import { derive } from '../../lib/model/index.js';
import { environmentResourceName } from '../../lib/plan/naming.js';
import { infrastructureOf } from '../../lib/terraform/infrastructure.js';
import { filesOf, type RenderedShape, renderShape, renderShapes, terraformStackChecks } from './terraform-shapes.js';
import { serviceVariants } from '../validation/matrix.js';
import { tempDir } from '../helpers/folders.js';
import { parseTerraformDir, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';
import { terraformValidate, terraformValidateAndTest } from '../validation/validators/terraform.js';
import { markdownlint } from '../validation/validators/markdownlint.js';
import { prettier } from '../validation/validators/prettier.js';
import { yamllint } from '../validation/validators/yamllint.js';
import { awsTaggableTypes } from '../terraform/aws-schema.js';
import { labelledBlocks, untaggedResources, undescribedOutputs, untypedOrUndescribedVariables, type Block } from '../terraform/hcl-assertions.js';

const variant = (name: string) => serviceVariants.find((service) => service.name === name)!;

const shapes: Record<string, Partial<Answers>> = {
  'ecs-postgres-redis': { monitoring: 'cloudwatch', orchestration: 'none', database: 'postgres', cache: 'redis' },
  'eks-helm-mysql-thresholds': {
    monitoring: 'cloudwatch',
    orchestration: 'helm',
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
  'eks-kustomize-no-datastore': { monitoring: 'cloudwatch', orchestration: 'kustomize', database: 'none', cache: 'none' },
  'ecs-documentdb-production-only': {
    monitoring: 'cloudwatch',
    orchestration: 'none',
    database: 'mongodb',
    cache: 'none',
    environments: ['production'],
    services: [variant('web-react'), variant('api-express')],
  },
};

type Rendered = RenderedShape;

let rendered = new Map<string, Rendered>();
let root = '';

before(async () => {
  ({ root, rendered } = await renderShapes('cloudwatch', shapes));
});

const all = () => [...rendered.entries()];
const cloudwatchDir = (entry: Rendered) => path.join(entry.dir, 'monitoring', 'cloudwatch');

const resources = (parsed: ParsedTerraformFile[], type: string): Block[] => labelledBlocks(parsed, 'resource').filter((block) => block.type === type);
const tagOf = (block: Block, key: string): string | undefined => new RegExp(`${key} = "([^"]+)"`).exec(String(block.body.tags))?.[1];

/** The alarms that notify someone (window alarms of burn rates notify through their composite). */
const notifying = (parsed: ParsedTerraformFile[]): Block[] => [
  ...resources(parsed, 'aws_cloudwatch_metric_alarm').filter((block) => block.body.alarm_actions !== undefined),
  ...resources(parsed, 'aws_cloudwatch_composite_alarm'),
];

/** The runbook's headings, as the anchors markdownlint and GitHub give them. */
const runbookAnchors = (entry: Rendered) => new Set([...entry.files['docs/runbooks/alerts.md'].matchAll(/^## (.+)$/gm)].map((match) => match[1].toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));

/**
 * What a reviewer checks of one environment's alarms, as problems: every alert has a notifying alarm of its name
 * and severity, named for it, on the right topic, linking to a runbook section that exists; no alarm watches an
 * alert that does not apply.
 */
const alarmProblems = (entry: Rendered, environment: string, parsed: ParsedTerraformFile[]): string[] => {
  const problems: string[] = [];
  const name = environmentResourceName(entry.facts.project, environment);
  const anchors = runbookAnchors(entry);
  const alarms = notifying(parsed);
  const probes = entry.facts.environments.find((candidate) => candidate.name === environment)!.probes;
  for (const alert of cloudwatchAlerts(entry.facts)) {
    if (['EndpointDown', 'CertificateExpiry'].includes(alert.name) && probes.length === 0) continue;
    const matching = alarms.filter((block) => tagOf(block, 'alert') === alert.name && tagOf(block, 'severity') === alert.severity);
    if (matching.length === 0) problems.push(`${environment}: no alarm for ${alert.name} (${alert.severity})`);
    for (const block of matching) {
      const topic = alert.severity === 'critical' ? 'pager' : 'chat';
      const other = alert.severity === 'critical' ? 'chat' : 'pager';
      const actions = JSON.stringify(block.body.alarm_actions);
      if (!actions.includes(`${topic}_topic_arn`) || actions.includes(`${other}_topic_arn`)) problems.push(`${environment}: ${block.name} notifies ${actions}, not the ${topic} topic`);
      if (!String(block.body.alarm_name).startsWith(`${name}-${alert.name}-${alert.severity}`)) problems.push(`${environment}: ${block.name} is named ${block.body.alarm_name}`);
      const link = `${entry.facts.runbook.url}#${alert.name.toLowerCase()}`;
      if (!String(block.body.alarm_description).includes(link)) problems.push(`${environment}: ${block.name} does not link ${link}`);
      if (!anchors.has(alert.name.toLowerCase())) problems.push(`${environment}: the runbook has no section ${alert.name}`);
    }
  }
  const wanted = new Set(cloudwatchAlerts(entry.facts).map((alert) => alert.name));
  for (const block of resources(parsed, 'aws_cloudwatch_metric_alarm')) {
    if (!wanted.has(tagOf(block, 'alert') ?? '')) problems.push(`${environment}: ${block.name} watches ${tagOf(block, 'alert')}, which does not apply`);
  }
  return problems;
};

describe('cloudwatch: the validators', () => {
  test('the plan has a root per environment, the notifications module, the runbook and docs; on EKS the collector', () => {
    for (const [name, entry] of all()) {
      for (const environment of entry.answers.environments) {
        for (const file of ['versions.tf', 'providers.tf', 'main.tf', 'alarms.tf', 'logs.tf', 'dashboards.tf', 'variables.tf', 'outputs.tf', 'tests/alarms.tftest.hcl']) {
          assert.ok(entry.files[`monitoring/cloudwatch/environments/${environment}/${file}`], `${name}: ${environment}/${file}`);
        }
      }
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) assert.ok(entry.files[`monitoring/cloudwatch/modules/notifications/${file}`], `${name}: notifications/${file}`);
      assert.ok(entry.files['docs/runbooks/alerts.md'] && entry.files['docs/monitoring.md'], name);
      assert.ok(!entry.files['monitoring/alertmanager/alertmanager.yml'] && !entry.files['monitoring/datadog/monitors.tf'], `${name}: no other stack's files`);
      const kubernetes = entry.answers.orchestration !== 'none';
      for (const environment of entry.answers.environments) {
        assert.equal(Boolean(entry.files[`monitoring/kubernetes/cloudwatch/otel-collector-${environment}.yaml`]), kubernetes, `${name}: collector of ${environment}`);
        assert.equal(Boolean(entry.files[`monitoring/cloudwatch/environments/${environment}/observability.tf`]), kubernetes, `${name}: add-ons of ${environment}`);
      }
    }
  });

  terraformStackChecks('cloudwatch', all, () => root);

  test('terraform validate against the AWS provider, then the generated terraform test (mocked provider), every environment', () => {
    for (const [name, entry] of all()) {
      for (const environment of entry.answers.environments) assert.deepEqual(terraformValidateAndTest(path.join(cloudwatchDir(entry), 'environments', environment)), [], `${name}: ${environment}`);
    }
  });

  test('terraform validate fails on an unknown argument (a planted mutation)', () => {
    const copy = tempDir('phase4-cloudwatch-mutant-');
    cpSync(cloudwatchDir(rendered.get('ecs-postgres-redis')!), copy, { recursive: true });
    const alarms = path.join(copy, 'environments', 'production', 'alarms.tf');
    writeFileSync(alarms, readFileSync(alarms, 'utf8').replace('  treat_missing_data ', '  notify_everyone = true\n  treat_missing_data '));
    const problems = terraformValidate(path.join(copy, 'environments', 'production'));
    assert.ok(problems.some((problem) => problem.includes('notify_everyone')), problems.join('\n'));
  });

  test('yamllint and prettier accept the collector manifests', () => {
    for (const [name, entry] of all().filter(([, entry]) => entry.answers.orchestration !== 'none')) {
      const manifests = filesOf(entry, /^monitoring\/kubernetes\/cloudwatch\/.*\.yaml$/);
      assert.equal(manifests.length, entry.answers.environments.length, name);
      assert.deepEqual(yamllint.check(manifests), [], name);
      assert.deepEqual(prettier.check(manifests), [], name);
    }
  });
});

describe('cloudwatch: what a reviewer checks', () => {
  test('every alert (name and severity) has an alarm: critical to the pager topic, warnings to chat, runbook linked', () => {
    for (const [name, entry] of all()) {
      for (const [environment, parsed] of entry.environments) assert.deepEqual(alarmProblems(entry, environment, parsed), [], name);
      // The catalog's applicable alerts are all there (cloudwatchAlerts adds to them, never drops one).
      const names = cloudwatchAlerts(entry.facts).map((alert) => `${alert.name}/${alert.severity}`);
      for (const alert of alertsFor(entry.facts)) assert.ok(names.includes(`${alert.name}/${alert.severity}`), `${name}: ${alert.name}`);
    }
  });

  test('the reviewer check fails when an alarm is missing or on the wrong topic (planted mutations)', () => {
    const entry = rendered.get('ecs-postgres-redis')!;
    const parsed = entry.environments.get('production')!;
    const withoutComposites = parsed.map(({ file, body }) => ({ file, body: { ...body, resource: Object.fromEntries(Object.entries(body.resource ?? {}).filter(([type]) => type !== 'aws_cloudwatch_composite_alarm')) } }));
    assert.ok(alarmProblems(entry, 'production', withoutComposites).some((problem) => problem.includes('ErrorBudgetBurn (critical)')));
    const swapped = parsed.map(({ file, body }) => ({ file, body: JSON.parse(JSON.stringify(body).replaceAll('pager_topic_arn', 'chat_topic_arn')) }));
    assert.ok(alarmProblems(entry, 'production', swapped).some((problem) => problem.includes('not the pager topic')));
  });

  test('thresholds are the answers', () => {
    for (const [name, entry] of all()) {
      const { answers, facts } = entry;
      for (const [environment, parsed] of entry.environments) {
        const thresholds = (alert: string, severity?: string) =>
          notifying(parsed)
            .filter((block) => tagOf(block, 'alert') === alert && (!severity || tagOf(block, 'severity') === severity))
            .map((block) => block.body.threshold);
        const expect = (alert: string, value: number, severity?: string) => {
          const found = thresholds(alert, severity);
          assert.ok(found.length > 0, `${name} ${environment}: ${alert}`);
          for (const threshold of found) assert.equal(threshold, value, `${name} ${environment}: ${alert}`);
        };
        expect('HighErrorRate', Number(answers.errorRateThreshold) / 100);
        expect('HighLatency', Number(answers.latencyThreshold));
        expect('HighCpuUsage', Number(answers.cpuThreshold));
        expect('HighMemoryUsage', Number(answers.memoryThreshold));
        expect('DiskSpaceLow', Number(answers.diskFreeThreshold));
        expect('CertificateExpiry', Number(answers.certificateExpiryDays), 'warning');
        expect('CertificateExpiry', Math.max(1, Math.floor(Number(answers.certificateExpiryDays) / 2)), 'critical');
        assert.equal(facts.thresholds.objective, Number(answers.sloObjective) / 100);
      }
    }
    assert.equal(rendered.get('eks-helm-mysql-thresholds')!.facts.thresholds.errorRatio, 0.005);
  });

  test('burn rates: a composite per service and severity, each pair a long AND a short window above factor x budget', () => {
    const factors: Record<string, number> = { '5m': 14.4, '1h': 14.4, '30m': 6, '6h': 6, '2h': 3, '1d': 3, '6h-warning': 1, '3d': 1 };
    for (const [name, entry] of all()) {
      const budget = entry.facts.thresholds.errorBudget;
      for (const [environment, parsed] of entry.environments) {
        const windows = new Map(resources(parsed, 'aws_cloudwatch_metric_alarm').map((block) => [block.name, block]));
        const composites = resources(parsed, 'aws_cloudwatch_composite_alarm');
        assert.ok(composites.length > 0, `${name} ${environment}`);
        for (const composite of composites) {
          const pairs = String(composite.body.alarm_rule).split(' OR ');
          assert.equal(pairs.length, 2, `${name}: ${composite.name} has two pairs`);
          for (const pair of pairs) {
            const members = [...pair.matchAll(/aws_cloudwatch_metric_alarm\.([a-z0-9_]+)\.alarm_name/g)].map((match) => match[1]);
            assert.equal(members.length, 2, `${name}: ${pair}`);
            assert.match(pair, / AND /);
            const [long, short] = members.map((member) => windows.get(member)!);
            const period = (block: Block) => Math.max(...block.body.metric_query.filter((query: any) => query.metric).map((query: any) => query.metric[0].period));
            assert.ok(period(long) > period(short), `${name}: ${composite.name} pairs a long window with a shorter one`);
            for (const window of [long, short]) {
              assert.equal(window.body.alarm_actions, undefined, `${name}: ${window.name} notifies on its own`);
              const key = window.name.replace(/^.*_/, '') + (tagOf(window, 'severity') === 'warning' && window.name.endsWith('_6h') ? '-warning' : '');
              assert.equal(window.body.threshold, Number((factors[key] * budget).toPrecision(6)), `${name}: ${window.name}`);
            }
          }
        }
        const services = entry.facts.services.filter((service) => service.exposesMetrics && (entry.answers.orchestration !== 'none' || infrastructureOf(derive(entry.answers)).services.find((infra) => infra.name === service.name)?.route));
        assert.equal(composites.length, services.length * 4, `${name} ${environment}: availability and latency, critical and warning, per service`);
      }
    }
  });

  test('tags on every taggable resource, typed and described variables, described outputs', async () => {
    const taggable = await awsTaggableTypes();
    for (const [name, entry] of all()) {
      const parsed = await parseTerraformDir(cloudwatchDir(entry));
      assert.deepEqual(untaggedResources(parsed, taggable, 'tags'), [], name);
      assert.deepEqual(untypedOrUndescribedVariables(parsed), [], name);
      assert.deepEqual(undescribedOutputs(parsed), [], name);
      for (const block of labelledBlocks(parsed, 'resource').filter((candidate) => candidate.body.tags !== undefined && candidate.file.startsWith('environments/'))) {
        for (const key of ['project', 'environment', 'team', 'managed-by']) assert.ok(String(block.body.tags).includes('local.tags') || String(block.body.tags).includes(key), `${name}: ${block.type}.${block.name} lacks ${key}`);
      }
    }
  });

  test("the resources watched carry infra/'s names for the same answers", () => {
    for (const [name, entry] of all()) {
      const infraFiles = renderShape(shapes[name]);
      const infra = infrastructureOf(derive(entry.answers));
      for (const environment of entry.answers.environments) {
        const infraMain = infraFiles[`infra/environments/${environment}/main.tf`];
        const infraName = /^\s*name\s*= "([^"]+)"/m.exec(infraMain)![1];
        const main = entry.files[`monitoring/cloudwatch/environments/${environment}/main.tf`];
        assert.equal(/^\s*name\s*= "([^"]+)"/m.exec(main)![1], infraName, `${name} ${environment}: local.name`);
        const alarms = entry.files[`monitoring/cloudwatch/environments/${environment}/alarms.tf`];
        const logs = entry.files[`monitoring/cloudwatch/environments/${environment}/logs.tf`];
        if (entry.answers.orchestration === 'none') {
          // ECS: the cluster and services by infra's names; the log groups as its ecs module names them.
          assert.match(infraFiles['infra/modules/ecs/main.tf'], /name\s+= "\/ecs\/\$\{var\.name\}\/\$\{each\.key\}"/);
          for (const service of infra.services) {
            assert.match(infraMain, new RegExp(`workload\\s+= "${service.workload}"`));
            assert.ok(alarms.includes(`ServiceName = "${service.workload}"`), `${name}: ${service.workload}`);
            assert.ok(logs.includes(`log_group_name = "/ecs/${infraName}/${service.name}"`), `${name}: log group of ${service.name}`);
          }
          assert.ok(alarms.includes(`ClusterName = "${infraName}"`));
        } else {
          assert.match(infraFiles['infra/modules/eks/main.tf'], /name\s+= var\.name\n/);
          assert.ok(alarms.includes(`ClusterName = "${infraName}"`), name);
        }
        if (entry.answers.database === 'postgres' || entry.answers.database === 'mysql') {
          assert.match(infraFiles['infra/modules/database/main.tf'], /identifier\s+= var\.name\n/);
          assert.ok(alarms.includes(`DBInstanceIdentifier = "${infraName}"`), name);
        }
        if (entry.answers.database === 'mongodb') {
          assert.match(infraFiles['infra/modules/documentdb/main.tf'], /cluster_identifier\s+= var\.name\n/);
          assert.ok(alarms.includes(`DBClusterIdentifier = "${infraName}"`), name);
        }
        if (entry.answers.cache === 'redis') {
          assert.match(infraFiles['infra/modules/cache/main.tf'], /replication_group_id = var\.name\n/);
          assert.match(main, /replication_group_id = local\.name/);
        }
      }
    }
  });

  test('PagerDuty and Slack only as variables: the endpoint sensitive, no value in any file', async () => {
    for (const [name, entry] of all()) {
      const parsed = await parseTerraformDir(cloudwatchDir(entry));
      const variables = parsed.filter(({ file }) => file.endsWith('variables.tf')).flatMap(({ body }) => Object.entries(body.variable ?? {}));
      const endpoints = variables.filter(([variable]) => variable === 'pagerduty_endpoint');
      assert.ok(endpoints.length > 0, name);
      for (const [, [block]] of endpoints as [string, any[]][]) {
        assert.equal(block.sensitive, true, name);
        assert.equal(block.default ?? null, null, name);
      }
      assert.ok(!Object.keys(entry.files).some((file) => file.endsWith('.tfvars')), name);
      assert.ok(!Object.values(entry.files).some((text) => /events\.pagerduty\.com\/integration\/[A-Za-z0-9]{8,}/.test(text) || /hooks\.slack\.com/.test(text)), name);
      for (const topic of labelledBlocks(parsed, 'resource').filter((block) => block.type === 'aws_sns_topic')) assert.ok(topic.body.kms_master_key_id, `${name}: ${topic.name} is encrypted`);
    }
  });

  test('a static site on ECS (no service serves metrics): no request alarms, the rest still written', () => {
    const files = renderShape({ monitoring: 'cloudwatch', orchestration: 'none', database: 'none', cache: 'none', services: [variant('site')] });
    const alarms = files['monitoring/cloudwatch/environments/production/alarms.tf'];
    assert.ok(alarms && !alarms.includes('HighErrorRate') && !alarms.includes('aws_cloudwatch_composite_alarm'));
    assert.match(alarms, /-EndpointDown-critical-site"/);
    assert.match(alarms, /-HighCpuUsage-warning-site"/);
    assert.ok(!files['monitoring/cloudwatch/environments/production/main.tf'].includes('data "aws_lb"'));
  });

  test('deterministic: the same answers give the same bytes', () => {
    for (const [name, overrides] of Object.entries(shapes)) assert.deepEqual(renderShape(overrides), rendered.get(name)!.files, name);
  });
});
