/**
 * The monitoring area's rules, tests, routing and runbook, through the real tools: promtool 3.16 checks the rules
 * and runs the generated unit tests (each alert fires, and stays quiet), amtool checks Alertmanager's configuration
 * and where alerts go, and every alert's runbook link lands on a heading of the generated runbook.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { alerts } from '../../lib/monitoring/alerts.js';
import { monitoringOf } from '../../lib/monitoring/facts.js';
import { logAlerts } from '../../lib/areas/monitoring/logging.js';
import { repoRoot } from '../helpers/paths.js';
import { healthAnalysisOf } from '../../lib/kubernetes/workloads.js';
import { httpMetricSchemes } from '../../lib/monitoring/metrics.js';
import { amtoolCheckConfig, amtoolRoutes, prometheusRuleSpec, promtoolCheckConfig, promtoolCheckRules, promtoolParseQueries, promtoolTestRules } from '../validation/validators/prometheus.js';
import { monitoringCases, renderCase, type RenderedCase } from './cases.js';

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

interface TestFile {
  rule_files: string[];
  tests: { input_series: { series: string; values: string }[]; alert_rule_test: { eval_time: string; alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[] }[];
}

const rendered: RenderedCase[] = monitoringCases.map(renderCase);

const rulesPath = (entry: RenderedCase) => `monitoring/prometheus/rules/${entry.model.project.name}.rules.yaml`;
const testsPath = (entry: RenderedCase) => `monitoring/prometheus/tests/${entry.model.project.name}.test.yaml`;
const kubernetes = (entry: RenderedCase) => entry.model.config.orchestration !== 'none';

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string) => heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

for (const entry of rendered) {
  describe(`monitoring rules: ${entry.label}`, () => {
    const rules = parse(entry.byPath.get(rulesPath(entry))!) as RuleFile;
    const alerting = rules.groups.flatMap((group) => group.rules.filter((rule) => rule.alert));

    test('promtool checks the rules (lint fatal) and runs the generated unit tests', () => {
      assert.deepEqual(promtoolCheckRules([path.join(entry.dir, rulesPath(entry))]), []);
      assert.deepEqual(promtoolTestRules([path.join(entry.dir, testsPath(entry))]), []);
    });

    test('every alert carries severity and team, a summary, a description and a runbook link to a heading that exists', () => {
      const runbook = entry.byPath.get('docs/runbooks/alerts.md')!;
      const anchors = new Set([...runbook.matchAll(/^## (.+)$/gm)].map((match) => anchorOf(match[1])));
      assert.ok(alerting.length >= 6, `${alerting.length} alerts`);
      for (const rule of alerting) {
        assert.match(rule.labels?.severity ?? '', /^(critical|warning)$/, rule.alert);
        assert.equal(rule.labels?.team, entry.model.project.team, rule.alert);
        assert.ok(rule.annotations?.summary && rule.annotations.description, rule.alert);
        const url = rule.annotations!.runbook_url;
        const base = entry.model.config.ci === 'gitlab-ci' ? `https://gitlab.com/${entry.model.config.repository}/-/blob/main/docs/runbooks/alerts.md#` : `https://github.com/${entry.model.config.repository}/blob/main/docs/runbooks/alerts.md#`;
        assert.ok(url.startsWith(base), `${rule.alert}: ${url}`);
        assert.ok(anchors.has(url.slice(base.length)), `${rule.alert}: no heading for #${url.slice(base.length)}`);
      }
    });

    test('the thresholds are the answers\' and every alert applies to this project only', () => {
      const facts = monitoringOf(entry.model);
      const expr = (name: string) => alerting.filter((rule) => rule.alert === name).map((rule) => rule.expr).join('\n');
      if (facts.services.some((service) => service.exposesMetrics)) {
        assert.match(expr('HighErrorRate'), new RegExp(`> ${String(facts.thresholds.errorRatio).replace('.', '\\.')}$`));
        assert.match(expr('HighLatency'), new RegExp(`> ${String(facts.thresholds.latencySeconds).replace('.', '\\.')}$`));
        assert.match(expr('ErrorBudgetBurn'), new RegExp(`> ${String(Number((14.4 * facts.thresholds.errorBudget).toPrecision(6))).replace('.', '\\.')}\\b`));
      } else {
        assert.equal(expr('HighErrorRate'), '', 'no service serves HTTP metrics: no HTTP alerts');
        assert.ok(!rules.groups.some((group) => group.rules.some((rule) => rule.record)), 'and no recording rules');
      }
      assert.match(expr('HighCpuUsage'), new RegExp(`> ${facts.thresholds.cpuRatio}$`));
      assert.match(expr('HighMemoryUsage'), new RegExp(`> ${facts.thresholds.memoryRatio}$`));
      assert.match(expr('DiskSpaceLow'), new RegExp(`< ${facts.thresholds.diskFreeRatio}$`, 'm'));
      assert.match(expr('CertificateExpiry'), new RegExp(`< ${facts.thresholds.certificateCriticalDays} \\* 86400`));
      // The project's namespaces (Kubernetes) or compose project select the containers: never another project's.
      const scope = kubernetes(entry) ? entry.model.project.environments.map((environment) => environment.namespace).join('|') : `${entry.model.project.name}-local`;
      assert.ok(expr('HighCpuUsage').includes(scope), expr('HighCpuUsage'));
      // Every datastore has an exporter (a compose service, or a Deployment per namespace on Kubernetes), whose
      // series the datastore alerts select, on Kubernetes in this project's namespaces only.
      const datastoreAlerts = ['DatastoreDown', 'DatastoreConnectionsNearLimit'].filter((name) => expr(name));
      assert.deepEqual(datastoreAlerts, entry.model.datastores.length > 0 ? ['DatastoreDown', 'DatastoreConnectionsNearLimit'] : []);
      for (const name of datastoreAlerts) {
        for (const store of facts.datastores) {
          const selector = kubernetes(entry) ? `job="${store.exporter.job}", namespace=~"${scope}"` : `job="${store.exporter.job}"`;
          assert.ok(expr(name).replace(/\s+/g, ' ').includes(selector), `${name}: ${expr(name)}`);
        }
      }
    });

    test('the unit tests make every alert rule fire, and keep it quiet', () => {
      const tests = parse(entry.byPath.get(testsPath(entry))!) as TestFile;
      const cases = tests.tests.flatMap((group) => group.alert_rule_test);
      for (const rule of alerting) {
        const own = cases.filter((item) => item.alertname === rule.alert);
        const fires = own.some((item) => item.exp_alerts.some((alert) => alert.exp_labels.severity === rule.labels!.severity));
        const quiet = own.some((item) => !item.exp_alerts.some((alert) => alert.exp_labels.severity === rule.labels!.severity));
        assert.ok(fires && quiet, `${rule.alert} (${rule.labels!.severity}): fires ${fires}, quiet ${quiet}`);
      }
    });

    test('a changed threshold fails the generated tests: they hold the rules to the answers', () => {
      const original = entry.byPath.get(rulesPath(entry))!;
      const target = alerting.find((rule) => rule.alert === 'HighMemoryUsage')!;
      const threshold = `> ${monitoringOf(entry.model).thresholds.memoryRatio}`;
      const mutated = original.replace(target.expr.split('\n').at(-1)!, target.expr.split('\n').at(-1)!.replace(threshold, '> 5'));
      assert.notEqual(mutated, original);
      writeFileSync(path.join(entry.dir, rulesPath(entry)), mutated);
      try {
        const problems = promtoolTestRules([path.join(entry.dir, testsPath(entry))]);
        assert.match(problems.join('\n'), /HighMemoryUsage/);
      } finally {
        writeFileSync(path.join(entry.dir, rulesPath(entry)), original);
      }
    });

    test('amtool accepts the configuration; critical alerts page, warnings do not, other environments never page', () => {
      const config = path.join(entry.dir, 'monitoring/alertmanager/alertmanager.yml');
      assert.deepEqual(amtoolCheckConfig(config), []);
      const production: Record<string, string> = kubernetes(entry) ? { namespace: entry.model.project.production.namespace } : {};
      const critical = amtoolRoutes(config, { alertname: 'HighErrorRate', severity: 'critical', team: entry.model.project.team, ...production });
      assert.ok(critical.includes('pager') && critical.includes('chat'), critical.join(' '));
      const warning = amtoolRoutes(config, { alertname: 'HighLatency', severity: 'warning', team: entry.model.project.team, ...production });
      assert.ok(!warning.includes('pager') && warning.includes('chat'), warning.join(' '));
      for (const environment of kubernetes(entry) ? entry.model.project.environments.filter((candidate) => !candidate.isProduction) : []) {
        const elsewhere = amtoolRoutes(config, { alertname: 'HighErrorRate', severity: 'critical', team: entry.model.project.team, namespace: environment.namespace });
        assert.ok(!elsewhere.includes('pager'), `${environment.name}: ${elsewhere.join(' ')}`);
      }
      const text = entry.byPath.get('monitoring/alertmanager/alertmanager.yml')!;
      assert.doesNotMatch(text, /api_url:|routing_key:|auth_password:|hooks\.slack\.com/, 'credentials only by file');
      if (entry.model.config.maintenanceWindow !== 'none') {
        const config = parse(text) as { time_intervals: { name: string; time_intervals: { weekdays: string[]; times: { start_time: string; end_time: string }[]; location: string }[] }[] };
        assert.deepEqual(config.time_intervals[0].time_intervals.map((interval) => `${interval.weekdays[0]} ${interval.times[0].start_time}-${interval.times[0].end_time} ${interval.location}`), [
          'saturday 22:00-24:00 Europe/Berlin',
          'sunday 00:00-04:00 Europe/Berlin',
        ]);
      }
    });

    if (kubernetes(entry)) {
      test('the PrometheusRule holds exactly the rules of the rule file', () => {
        const spec = prometheusRuleSpec(entry.byPath.get('monitoring/kubernetes/prometheus-rule.yaml')!);
        assert.deepEqual(parse(spec), rules);
      });
    } else {
      test('promtool checks prometheus.yml with its rule files; every job the rules select is scraped', () => {
        assert.deepEqual(promtoolCheckConfig(path.join(entry.dir, 'monitoring/prometheus/prometheus.yml')), []);
        const config = parse(entry.byPath.get('monitoring/prometheus/prometheus.yml')!) as { scrape_configs: { job_name: string }[] };
        const jobs = new Set(config.scrape_configs.map((job) => job.job_name));
        const facts = monitoringOf(entry.model);
        for (const service of facts.services.filter((candidate) => candidate.exposesMetrics)) assert.ok(jobs.has(service.job), service.job);
        for (const store of facts.datastores) assert.ok(jobs.has(store.exporter.job), store.exporter.job);
        for (const job of ['node-exporter', 'cadvisor', ...(facts.environments.some((environment) => environment.probes.length > 0) ? ['blackbox'] : [])]) assert.ok(jobs.has(job), job);
      });
    }
  });
}

describe('the alert catalog', () => {
  const runbooks = path.join(repoRoot, 'templates/monitoring/runbooks');
  test('every alert has its runbook section, and every section an alert', () => {
    const sections = readdirSync(runbooks).filter((file) => file.endsWith('.md.ejs')).map((file) => file.slice(0, -'.md.ejs'.length)).sort();
    const facts = monitoringOf(rendered[0].model);
    const names = [...new Set([...alerts.map((alert) => alert.name), ...logAlerts(facts).map((alert) => alert.name)])].sort();
    assert.deepEqual(sections, names);
  });

  test('each section says what to look at and what to do', () => {
    for (const file of readdirSync(runbooks).filter((name) => name.endsWith('.md.ejs'))) {
      const text = readFileSync(path.join(runbooks, file), 'utf8');
      const body = text.includes("include('parts/") ? [...text.matchAll(/include\('(parts\/[^']+)'/g)].map((match) => readFileSync(path.join(runbooks, match[1]), 'utf8')).join('\n') : text;
      assert.match(body, /Look at|What to check|Check/i, file);
      assert.match(body, /\*\*Do\*\*|### Do|What to do|Mitigat/i, file);
    }
  });
});

describe('the rollouts\' analysis', () => {
  test('judges a new version by the alert thresholds of the answers, over every metric scheme of the contract', () => {
    const analysis = healthAnalysisOf({ errorRateThreshold: '0.5', latencyThreshold: '0.25' });
    const [errors, latency] = analysis.metrics;
    assert.match(errors.successCondition, /result\[0\] < 0\.005$/);
    assert.match(latency.successCondition, /result\[0\] < 0\.25$/);
    for (const scheme of httpMetricSchemes) {
      assert.ok(errors.query.includes(`${scheme.count}{`) && errors.query.includes(`${scheme.statusLabel}=~"5.."`), scheme.source);
      assert.ok(latency.query.includes(`${scheme.bucket}{`), scheme.source);
    }
    // Argo Rollouts fills {{args.x}} before Prometheus reads the query.
    const filled = analysis.metrics.map((metric) => metric.query.replace(/\{\{args\.(\w+)\}\}/g, (_, name: string) => (name === 'namespace' ? 'shop-production' : 'api')));
    assert.deepEqual(promtoolParseQueries(filled), []);
  });
});
