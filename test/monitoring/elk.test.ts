/**
 * `monitoring: elk` (lib/areas/monitoring/elk) over four shapes: Helm with PostgreSQL and Redis, Kustomize without
 * a datastore and with one environment, compose with MySQL and changed thresholds, compose with only a static
 * site. Each whole app is planned (so the compose files resolve together) and written to a temp folder. Every
 * API body must parse and pass the JSON Schemas of test/validation/validators/kibana.ts (written from Kibana's
 * and Elasticsearch's documented APIs); the YAML yamllint and prettier; the docs markdownlint and prettier;
 * apply.sh and monitoring-secrets.sh shellcheck; compose `config`; everything secretlint. Then what a reviewer
 * checks: a rule for every alert, thresholds from the answers, runbook links to existing sections, critical to
 * PagerDuty and warnings to Slack, retention per environment from the facts, and the Collector producing the
 * fields the rules read. No Elasticsearch, Kibana or Collector runs here: that they accept every value is not
 * proven.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { agentAlertsFor } from '../../lib/monitoring/alerts.js';
import { monitoringOf, type MonitoringFacts } from '../../lib/monitoring/facts.js';
import { clusterFacts } from '../../lib/kubernetes/workloads.js';
import { derive } from '../../lib/model/index.js';
import { planModel } from '../../lib/plan/plan.js';
import { renderAll } from '../../lib/render/render.js';
import { logAlerts } from '../../lib/areas/monitoring/logging.js';
import { connectorsOf } from '../../lib/areas/monitoring/elk/rules.js';
import { helmChart } from '../../lib/versions/index.js';
import { shopAnswers } from '../ci/answers.js';
import { serviceVariants } from '../validation/matrix.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { dockerCompose } from '../validation/validators/compose.js';
import { bodyProblems, kibanaApiBodies } from '../validation/validators/kibana.js';
import { markdownlint } from '../validation/validators/markdownlint.js';
import { prettier } from '../validation/validators/prettier.js';
import { secretlint } from '../validation/validators/secretlint.js';
import { shellcheck } from '../validation/validators/shellcheck.js';
import { yamllint } from '../validation/validators/yamllint.js';

const shapes: Record<string, Partial<Answers>> = {
  'helm-postgres-redis': { monitoring: 'elk', orchestration: 'helm', database: 'postgres', cache: 'redis' },
  'kustomize-no-datastore-one-environment': { monitoring: 'elk', orchestration: 'kustomize', database: 'none', cache: 'none', environments: ['production'] },
  'compose-mysql-thresholds': {
    monitoring: 'elk',
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
  'compose-static-site': { monitoring: 'elk', orchestration: 'none', database: 'none', cache: 'none', services: [serviceVariants.find((service) => service.name === 'site')!] },
};

interface Rendered {
  dir: string;
  facts: MonitoringFacts;
  files: Record<string, string>;
}

const rendered = new Map<string, Rendered>();

before(() => {
  const root = tempDir('phase4-elk-');
  for (const [name, overrides] of Object.entries(shapes)) {
    const model = derive(shopAnswers(overrides));
    const files = Object.fromEntries(renderAll(planModel(model)).map((file) => [file.path, file.contents]));
    rendered.set(name, { dir: writeTree(path.join(root, name), files), facts: monitoringOf(model), files });
  }
});

const all = () => [...rendered.entries()];

type Json = Record<string, any>;

const jsonFiles = (entry: Rendered, folder: string): Record<string, Json> =>
  Object.fromEntries(Object.entries(entry.files).filter(([file]) => file.startsWith(`monitoring/elk/${folder}/`) && file.endsWith('.json')).map(([file, text]) => [file, JSON.parse(text) as Json]));

const rules = (entry: Rendered) => Object.entries(jsonFiles(entry, 'kibana/rules')).map(([file, body]) => ({ file, body }));

/** `HighErrorRate (critical): api` as its alert and severity. */
const ruleAlert = (body: Json) => {
  const [, alert, severity] = /^(\w+) \((critical|warning)\): /.exec(body.name as string) ?? [];
  return { alert, severity };
};

const absolute = (entry: Rendered, pattern: RegExp) => Object.keys(entry.files).filter((file) => pattern.test(file)).map((file) => path.join(entry.dir, file));

const monitoringFiles = /^(compose\.monitoring\.yaml|monitoring\/|docs\/monitoring\.md|docs\/runbooks\/alerts\.md|scripts\/monitoring-secrets\.sh)/;

/** The headings of a Markdown file as GitHub anchors them. */
const anchorsOf = (markdown: string) =>
  new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((match) => match[1].trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));

describe('elk: the files and their validators', () => {
  test('the plan has the collector for the platform, the API bodies, apply.sh and the docs; no other stack', () => {
    for (const [name, entry] of all()) {
      const files = Object.keys(entry.files);
      for (const expected of ['monitoring/elk/apply.sh', 'monitoring/elk/kibana/dashboards.ndjson', 'docs/monitoring.md', 'docs/runbooks/alerts.md']) assert.ok(files.includes(expected), `${name}: ${expected}`);
      assert.ok(files.some((file) => file.startsWith('monitoring/elk/elasticsearch/ilm/')), name);
      assert.ok(!files.some((file) => /^monitoring\/(prometheus|alertmanager|newrelic|datadog)\//.test(file)), `${name}: another stack's files`);
      const kubernetes = entry.facts.platform === 'kubernetes';
      assert.equal(files.includes('monitoring/kubernetes/values/otel-collector-agent.yaml'), kubernetes, name);
      assert.equal(files.includes('monitoring/kubernetes/values/otel-collector-cluster.yaml'), kubernetes, name);
      assert.equal(files.includes('compose.monitoring.yaml'), !kubernetes, name);
      assert.equal(files.includes('monitoring/elk/collector/config.yaml'), !kubernetes, name);
    }
  });

  test('every API body parses and passes the schema of its documented API (rules, SLOs, ILM, index templates, saved objects)', () => {
    for (const [name, entry] of all()) {
      const bodies = absolute(entry, /^monitoring\/elk\/(kibana|elasticsearch)\//).filter((file) => kibanaApiBodies.applies(path.relative(entry.dir, file)));
      assert.ok(bodies.length >= 5, name);
      assert.deepEqual(kibanaApiBodies.check(bodies), [], name);
    }
  });

  test('the schemas can fail: an unknown rule type, a missing criterion field, an unknown parameter, a wrong action group, an SLO target of 99.9', () => {
    const [{ body }] = rules(rendered.get('helm-postgres-redis')!).filter(({ body }) => body.rule_type_id === 'observability.rules.custom_threshold');
    const copy = () => JSON.parse(JSON.stringify(body)) as Json;
    const unknownType = { ...copy(), rule_type_id: 'observability.rules.threshold' };
    assert.notDeepEqual(bodyProblems('rule', unknownType, 'rule'), []);
    const noComparator = copy();
    delete noComparator.params.criteria[0].comparator;
    assert.ok(bodyProblems('rule', noComparator, 'rule').some((problem) => problem.includes('comparator')));
    const unknownParam = copy();
    unknownParam.params.windowSize = 5;
    assert.ok(bodyProblems('rule', unknownParam, 'rule').some((problem) => problem.includes('windowSize')));
    const wrongGroup = copy();
    wrongGroup.actions[0].group = 'slo.burnRate.alert';
    assert.notDeepEqual(bodyProblems('rule', wrongGroup, 'rule'), []);
    const [slo] = Object.values(jsonFiles(rendered.get('helm-postgres-redis')!, 'kibana/slos'));
    assert.deepEqual(bodyProblems('slo', slo, 'slo'), []);
    assert.notDeepEqual(bodyProblems('slo', { ...slo, objective: { target: 99.9 } }, 'slo'), []);
  });

  test('yamllint and prettier (defaults) accept the collector values, the compose file and the collector configuration', () => {
    for (const [name, entry] of all()) {
      const files = absolute(entry, /^(compose\.monitoring\.yaml|monitoring\/kubernetes\/values\/otel-collector-(agent|cluster)\.yaml|monitoring\/elk\/.*\.ya?ml)$/);
      assert.ok(files.length >= 2, name);
      assert.deepEqual(yamllint.check(files), [], name);
      assert.deepEqual(prettier.check(files), [], name);
    }
  });

  test('prettier accepts every JSON body; markdownlint and prettier the docs', () => {
    for (const [name, entry] of all()) {
      assert.deepEqual(prettier.check(absolute(entry, /^monitoring\/elk\/.*\.json$/)), [], name);
      const docs = absolute(entry, /^docs\/(monitoring|runbooks\/alerts)\.md$/);
      assert.equal(docs.length, 2);
      assert.deepEqual(markdownlint.check(docs), [], name);
      assert.deepEqual(prettier.check(docs), [], name);
    }
  });

  test('shellcheck accepts apply.sh (and monitoring-secrets.sh); secretlint finds nothing', () => {
    for (const [name, entry] of all()) {
      assert.deepEqual(shellcheck.check(absolute(entry, /^(monitoring\/elk\/apply\.sh|scripts\/monitoring-secrets\.sh)$/)), [], name);
      assert.deepEqual(secretlint.check(absolute(entry, monitoringFiles)), [], name);
      assert.match(entry.files['monitoring/elk/apply.sh'], /^#!\/usr\/bin\/env bash\n(#.*\n)+set -euo pipefail\n/m);
    }
  });

  test('docker-compose -f compose.yaml -f compose.monitoring.yaml config (after dev-secrets.sh and monitoring-secrets.sh)', () => {
    for (const name of ['compose-mysql-thresholds', 'compose-static-site']) {
      const { dir } = rendered.get(name)!;
      assert.deepEqual(dockerCompose.check([path.join(dir, 'compose.yaml')]), [], name);
    }
  });
});

describe('elk: what a reviewer checks', () => {
  test('every applicable alert (and each log alert) has a rule of its name and severity; nothing else has one', () => {
    for (const [name, entry] of all()) {
      const expected = [...agentAlertsFor(entry.facts), ...logAlerts(entry.facts)].map((alert) => `${alert.name} (${alert.severity})`);
      const found = new Set(rules(entry).map(({ body }) => `${ruleAlert(body).alert} (${ruleAlert(body).severity})`));
      for (const alert of expected) assert.ok(found.has(alert), `${name}: no Kibana rule for ${alert}`);
      assert.equal(found.size, expected.length, `${name}: rules for ${[...found].filter((alert) => !expected.includes(alert)).join(', ')}, which do not apply`);
    }
  });

  test('tags carry the severity and the team; critical rules page through PagerDuty, warnings go to Slack; every message links to an existing runbook section', () => {
    for (const [name, entry] of all()) {
      const anchors = anchorsOf(entry.files['docs/runbooks/alerts.md']);
      const { pager, chat } = connectorsOf(entry.facts);
      for (const { file, body } of rules(entry)) {
        const { alert, severity } = ruleAlert(body);
        assert.ok(alert, `${name}: ${file} is named ${body.name}`);
        assert.ok(body.tags.includes(`severity:${severity}`) && body.tags.includes(`team:${entry.facts.team}`) && body.tags.includes(`alert:${alert}`), `${name}: ${file} tags`);
        const connectors = new Set((body.actions as Json[]).map((action) => action.id));
        assert.deepEqual([...connectors], [severity === 'critical' ? pager.id : chat.id], `${name}: ${file} goes to the wrong connector`);
        const runbookLinks = (body.actions as Json[])
          .filter((action) => action.group !== 'recovered')
          .map((action) => (severity === 'critical' ? action.params.links[0].href : /Runbook: (\S+)/.exec(action.params.message)![1]) as string);
        assert.ok(runbookLinks.length > 0, `${name}: ${file} has no firing action`);
        for (const link of runbookLinks) {
          const [url, anchor] = link.split('#');
          assert.equal(url, entry.facts.runbook.url, `${name}: ${file}`);
          assert.equal(anchor, alert.toLowerCase(), `${name}: ${file}`);
          assert.ok(anchors.has(anchor), `${name}: ${file} links to #${anchor}, which the runbook lacks`);
        }
        // Paging needs a way to resolve: each rule also acts on recovery.
        assert.ok((body.actions as Json[]).some((action) => action.group === 'recovered'), `${name}: ${file}`);
      }
    }
  });

  test('thresholds are the answers', () => {
    for (const [name, entry] of all()) {
      const t = entry.facts.thresholds;
      const thresholdOf = (alert: string, severity?: string) => {
        const found = rules(entry).filter(({ body }) => ruleAlert(body).alert === alert && (!severity || ruleAlert(body).severity === severity));
        return found.map(({ body }) => body.params.criteria[0].threshold[0] as number);
      };
      const expect = (alert: string, value: number, severity?: string) => {
        const values = thresholdOf(alert, severity);
        if (agentAlertsFor(entry.facts).some((candidate) => candidate.name === alert)) assert.ok(values.length > 0, `${name}: ${alert}`);
        for (const found of values) assert.equal(found, value, `${name}: ${alert}`);
      };
      expect('HighErrorRate', t.errorRatio);
      expect('HighLatency', t.latencySeconds);
      expect('HighCpuUsage', t.cpuRatio);
      expect('HighMemoryUsage', t.memoryRatio);
      expect('DiskSpaceLow', t.diskFreeRatio);
      expect('CertificateExpiry', t.certificateWarningDays, 'warning');
      expect('CertificateExpiry', t.certificateCriticalDays, 'critical');
      for (const slo of Object.values(jsonFiles(entry, 'kibana/slos'))) {
        assert.equal(slo.objective.target, t.objective, `${name}: ${slo.name}`);
        if (slo.indicator.type === 'sli.histogram.custom') assert.equal(slo.indicator.params.good.to, t.latencySeconds, `${name}: ${slo.name}`);
      }
    }
    const changed = rendered.get('compose-mysql-thresholds')!.facts.thresholds;
    assert.deepEqual([changed.errorRatio, changed.latencySeconds, changed.cpuRatio, changed.certificateWarningDays, changed.objective], [0.005, 0.25, 0.7, 21, 0.995]);
  });

  test("each traced service has an availability and a latency SLO in production, and burn-rate rules on both windows of the rules' pairs", () => {
    for (const [name, entry] of all()) {
      const slos = Object.values(jsonFiles(entry, 'kibana/slos'));
      const traced = entry.facts.services.filter((service) => service.exposesMetrics);
      assert.equal(slos.length, traced.length * 2, name);
      for (const slo of slos) {
        assert.match(slo.indicator.params.index as string, new RegExp(`-otel-${entry.facts.production.name}$`.replace('-otel', '\\.otel')), `${name}: ${slo.name}`);
        const burns = rules(entry).filter(({ body }) => body.rule_type_id === 'slo.rules.burnRate' && body.params.sloId === slo.id);
        assert.deepEqual(burns.map(({ body }) => ruleAlert(body).severity).sort(), ['critical', 'warning'], `${name}: ${slo.id}`);
        const windows = burns.flatMap(({ body }) => body.params.windows as Json[]).map((window) => [window.longWindow.value, window.shortWindow.value, window.burnRateThreshold]);
        assert.deepEqual(windows.sort((a, b) => a[0] - b[0]), [[1, 5, 14.4], [6, 30, 6], [24, 120, 3], [72, 360, 1]], `${name}: ${slo.id}`);
      }
    }
  });

  test('datastore rules beside compose only, one per engine; the pool rule only with a database', () => {
    const named = (entry: Rendered, alert: string) => rules(entry).filter(({ body }) => ruleAlert(body).alert === alert);
    const mysql = named(rendered.get('compose-mysql-thresholds')!, 'DatastoreDown');
    assert.equal(mysql.length, 1);
    assert.equal(mysql[0].body.params.criteria[0].metrics[0].field, 'metrics.mysql_up');
    assert.equal(mysql[0].body.params.alertOnNoData, true, 'a datastore that stops reporting alerts too');
    assert.equal(named(rendered.get('helm-postgres-redis')!, 'DatastoreDown').length, 0);
    assert.ok(named(rendered.get('helm-postgres-redis')!, 'ConnectionPoolExhausted').length > 0);
    assert.equal(named(rendered.get('kustomize-no-datastore-one-environment')!, 'ConnectionPoolExhausted').length, 0);
  });

  test('ILM retention per environment equals the facts; each data stream of an environment gets its policy', () => {
    for (const [name, entry] of all()) {
      const policies = jsonFiles(entry, 'elasticsearch/ilm');
      assert.equal(Object.keys(policies).length, entry.facts.environments.length, name);
      const templates = Object.values(jsonFiles(entry, 'elasticsearch/index-templates'));
      for (const environment of entry.facts.environments) {
        const policy = policies[`monitoring/elk/elasticsearch/ilm/${environment.name}.json`];
        assert.equal(policy.policy.phases.delete.min_age, `${environment.logRetentionDays}d`, `${name}: ${environment.name}`);
        for (const type of ['logs', 'metrics']) {
          const stream = `${type}-${entry.facts.project}.otel-${environment.name}`;
          const matching = templates.filter((template) => template.index_patterns.includes(stream));
          assert.equal(matching.length, 1, `${name}: ${stream}`);
          assert.equal(matching[0].template.settings['index.lifecycle.name'], `${entry.facts.project}-${environment.name}`, `${name}: ${stream}`);
          assert.ok(matching[0].priority > 120, `${name}: ${stream} must win over the built-in ${type}-otel@template`);
          assert.ok(matching[0].composed_of.includes(`${type}-otel@mappings`), `${name}: ${stream}`);
        }
      }
    }
    assert.deepEqual(rendered.get('kustomize-no-datastore-one-environment')!.facts.environments.map((environment) => [environment.name, environment.logRetentionDays]), [['production', 30]]);
  });

  test('the Collector scrapes each traced service where the metric contract serves it, and produces the fields and data streams the rules read', () => {
    for (const [name, entry] of all()) {
      const configs =
        entry.facts.platform === 'kubernetes'
          ? [parse(entry.files['monitoring/kubernetes/values/otel-collector-agent.yaml']).config, parse(entry.files['monitoring/kubernetes/values/otel-collector-cluster.yaml']).config]
          : [parse(entry.files['monitoring/elk/collector/config.yaml'])];
      const [main] = configs;
      const jobs = (main.receivers.prometheus?.config.scrape_configs ?? []) as Json[];
      for (const service of entry.facts.services.filter((candidate) => candidate.exposesMetrics)) {
        const job = jobs.find((candidate) => candidate.job_name === service.job);
        assert.ok(job, `${name}: no scrape job for ${service.name}`);
        assert.equal(job.metrics_path, service.metricsPath, name);
      }
      for (const config of configs) {
        // Every pipeline's components are defined in the same file, and the exporter writes OTel-native documents.
        for (const [pipeline, spec] of Object.entries(config.service.pipelines as Record<string, Json | null>)) {
          if (!spec) continue;
          for (const kind of ['receivers', 'processors', 'exporters'] as const) {
            for (const component of spec[kind] as string[]) assert.ok(config[kind]?.[component] !== undefined && config[kind][component] !== null, `${name}: ${pipeline} uses ${kind} ${component}, which is not defined`);
          }
        }
        assert.equal(config.exporters.elasticsearch.mapping.mode, 'otel', name);
        assert.equal(config.processors['resource/dataset'].attributes[0].value, entry.facts.project, name);
        assert.doesNotMatch(JSON.stringify(config.exporters), /"(api_key|endpoint)":"(?!\$\{(env|file):)/, `${name}: the URL and key come from the environment or a secret file`);
      }
      if (jobs.length > 0) {
        assert.match(JSON.stringify(main.processors['transform/requests']), /extract_count_metric\(true\) where name == \\"http\.server\.request\.duration\\"/, name);
        assert.deepEqual(main.processors.cumulativetodelta.include.metrics, ['http.server.request.duration', 'http.server.request.duration_count'], name);
      }
      const view = JSON.parse(entry.files['monitoring/elk/kibana/dashboards.ndjson'].split('\n')[0]) as Json;
      assert.equal(view.attributes.title, `metrics-${entry.facts.project}.otel-*`, name);
      for (const { body } of rules(entry).filter(({ body }) => body.rule_type_id === 'observability.rules.custom_threshold')) {
        assert.ok([`${entry.facts.project}-metrics`, `${entry.facts.project}-logs`].includes(body.params.searchConfiguration.index), `${name}: ${body.name}`);
      }
    }
  });

  test('the Helm values use keys the opentelemetry-collector chart documents, and the Secret, never an inline credential', () => {
    const documented = new Set(['mode', 'replicaCount', 'image', 'clusterRole', 'extraEnvs', 'extraVolumes', 'extraVolumeMounts', 'ports', 'resources', 'securityContext', 'podSecurityContext', 'config', 'presets', 'serviceAccount', 'command', 'nodeSelector', 'tolerations']);
    for (const name of ['helm-postgres-redis', 'kustomize-no-datastore-one-environment']) {
      const entry = rendered.get(name)!;
      for (const file of ['otel-collector-agent.yaml', 'otel-collector-cluster.yaml']) {
        const text = entry.files[`monitoring/kubernetes/values/${file}`];
        const values = parse(text) as Json;
        for (const key of Object.keys(values)) assert.ok(documented.has(key), `${name}: ${file} sets ${key}`);
        assert.match(text, new RegExp(`opentelemetry-collector chart ${helmChart('opentelemetry-collector').version.replace(/\./g, '\\.')}`));
        const secretRefs = (values.extraEnvs as Json[]).filter((variable) => variable.valueFrom?.secretKeyRef).map((variable) => [variable.name, variable.valueFrom.secretKeyRef.name, variable.valueFrom.secretKeyRef.key]);
        assert.deepEqual(secretRefs, [['ELASTICSEARCH_URL', 'elasticsearch-credentials', 'url'], ['ELASTICSEARCH_API_KEY', 'elasticsearch-credentials', 'api-key']], `${name}: ${file}`);
        assert.equal(values.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(values.securityContext.capabilities.drop, ['ALL']);
      }
      const agent = parse(entry.files['monitoring/kubernetes/values/otel-collector-agent.yaml']) as Json;
      assert.equal(agent.mode, 'daemonset');
      assert.deepEqual(agent.config.receivers.file_log.include, entry.facts.environments.map((environment) => `/var/log/pods/${environment.namespace}_*/*/*.log`), name);
    }
  });

  test('the NetworkPolicies admit the monitoring namespace (the Collector scrapes); no Filebeat hints are set', () => {
    for (const name of ['helm-postgres-redis', 'kustomize-no-datastore-one-environment']) {
      const model = derive(shopAnswers(shapes[name]));
      assert.equal(clusterFacts(model).scrapesMetrics, true, name);
      assert.doesNotMatch(JSON.stringify(rendered.get(name)!.files), /co\.elastic\.logs/, name);
    }
  });

  test('the saved objects hang together: every reference names an object of the file, every lens reads a data view', () => {
    for (const [name, entry] of all()) {
      const objects = entry.files['monitoring/elk/kibana/dashboards.ndjson'].trim().split('\n').map((line) => JSON.parse(line) as Json);
      const ids = new Set(objects.map((object) => `${object.type}/${object.id}`));
      assert.equal(ids.size, objects.length, `${name}: duplicate saved object ids`);
      for (const object of objects) {
        for (const reference of object.references as Json[]) assert.ok(ids.has(`${reference.type}/${reference.id}`), `${name}: ${object.attributes.title} references a missing ${reference.type} ${reference.id}`);
      }
      const dashboards = objects.filter((object) => object.type === 'dashboard');
      const traced = entry.facts.services.filter((service) => service.exposesMetrics);
      for (const service of traced) assert.ok(dashboards.some((dashboard) => dashboard.attributes.title === `${entry.facts.project} ${service.name}`), `${name}: no dashboard for ${service.name}`);
      assert.ok(dashboards.some((dashboard) => dashboard.attributes.title === `${entry.facts.project} resources`), name);
      assert.equal(dashboards.some((dashboard) => dashboard.attributes.title === `${entry.facts.project} SLOs`), traced.length > 0, name);
      for (const dashboard of dashboards) {
        const panels = JSON.parse(dashboard.attributes.panelsJSON as string) as Json[];
        assert.deepEqual(panels.map((panel) => panel.panelRefName), (dashboard.references as Json[]).map((reference) => reference.name), `${name}: ${dashboard.attributes.title}`);
      }
      for (const lens of objects.filter((object) => object.type === 'lens')) {
        assert.deepEqual((lens.references as Json[]).map((reference) => reference.type), ['index-pattern'], `${name}: ${lens.attributes.title}`);
      }
    }
  });

  test("the maintenance window silences the project's warnings every week, in the answers' time zone", () => {
    const entry = rendered.get('compose-mysql-thresholds')!;
    const window = JSON.parse(entry.files['monitoring/elk/kibana/maintenance-window.json']) as Json;
    assert.deepEqual(window.schedule.custom, { start: '2026-01-10T21:00:00.000Z', duration: '6h', timezone: 'Europe/Berlin', recurring: { every: '1w', onWeekDay: ['SA'] } });
    assert.equal(window.scope.alerting.query.kql, 'kibana.alert.rule.tags : "shop" and kibana.alert.rule.tags : "severity:warning"');
    assert.match(entry.files['monitoring/elk/apply.sh'], /^maintenance_window$/m);
    for (const name of ['helm-postgres-redis', 'compose-static-site']) {
      assert.equal(rendered.get(name)!.files['monitoring/elk/kibana/maintenance-window.json'], undefined, `${name}: no window answered`);
      assert.doesNotMatch(rendered.get(name)!.files['monitoring/elk/apply.sh'], /maintenance_window/, name);
    }
  });

  test('apply.sh applies exactly the bodies written, under their stable ids; ids are unique UUIDs', () => {
    for (const [name, entry] of all()) {
      const script = entry.files['monitoring/elk/apply.sh'];
      const applied = [...script.matchAll(/^rule ([0-9a-f-]{36}) (\S+\.json)$/gm)].map((match) => ({ id: match[1], file: `monitoring/elk/kibana/rules/${match[2]}` }));
      assert.deepEqual(applied.map(({ file }) => file).sort(), rules(entry).map(({ file }) => file).sort(), name);
      const ids = applied.map(({ id }) => id);
      assert.equal(new Set(ids).size, ids.length, `${name}: duplicate rule ids`);
      for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, name);
      for (const file of Object.keys(jsonFiles(entry, 'kibana/slos'))) assert.ok(script.includes(`$here/kibana/slos/${path.basename(file)}`), `${name}: ${file}`);
      for (const file of Object.keys({ ...jsonFiles(entry, 'elasticsearch/ilm'), ...jsonFiles(entry, 'elasticsearch/index-templates') })) {
        assert.ok(script.includes(` ${file.replace('monitoring/elk/elasticsearch/', '')}\n`), `${name}: ${file}`);
      }
      assert.match(script, /_import\?overwrite=true/);
      assert.doesNotMatch(script, /-H "Authorization|ApiKey \$\{?ELASTIC_API_KEY\}? "/, `${name}: the key is never on a command line`);
    }
  });

  test('deterministic: the same answers give the same bytes', () => {
    for (const [name, overrides] of Object.entries(shapes)) {
      const again = Object.fromEntries(renderAll(planModel(derive(shopAnswers(overrides)))).map((file) => [file.path, file.contents]));
      assert.deepEqual(again, rendered.get(name)!.files, name);
    }
  });
});
