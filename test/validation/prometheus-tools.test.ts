/**
 * The Prometheus and Alertmanager validators (validators/prometheus.ts), ready for the monitoring area: each passes a
 * small clean file and fails a planted problem (a bad PromQL expression, a unit test expecting the wrong alert, a
 * route to an undefined receiver, a route that goes elsewhere), and the Go builds are the pinned versions.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { imageRef } from '../../lib/versions/index.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import {
  amtoolCheckConfig,
  amtoolRoutes,
  expectedVersions,
  prometheusRuleSpec,
  prometheusTool,
  promtoolCheckConfig,
  promtoolCheckRules,
  promtoolParseQueries,
  promtoolTestRules,
} from './validators/prometheus.js';

const rules = `groups:
  - name: api
    rules:
      - alert: ApiErrors
        expr: sum by (job) (rate(api_errors_total[5m])) > 1
        for: 5m
        labels:
          severity: critical
          team: payments
        annotations:
          summary: "{{ $labels.job }} fails"
          runbook_url: https://runbooks.example.com/ApiErrors
      - record: job:api_errors:rate5m
        expr: sum by (job) (rate(api_errors_total[5m]))
`;

/** A promtool unit test of the rules above: 600 errors a minute (10/s) for 15 minutes, the alert fires at 10m. */
const unitTest = (expectedSeverity: string) => `rule_files:
  - ../rules/api.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'api_errors_total{job="api"}'
        values: '0+600x15'
    alert_rule_test:
      - eval_time: 2m
        alertname: ApiErrors
        exp_alerts: []
      - eval_time: 10m
        alertname: ApiErrors
        exp_alerts:
          - exp_labels:
              job: api
              severity: ${expectedSeverity}
              team: payments
            exp_annotations:
              summary: api fails
              runbook_url: https://runbooks.example.com/ApiErrors
    promql_expr_test:
      - expr: job:api_errors:rate5m
        eval_time: 10m
        exp_samples:
          - labels: 'job:api_errors:rate5m{job="api"}'
            value: 10
`;

const prometheusConfig = `global:
  scrape_interval: 30s
  evaluation_interval: 30s
rule_files:
  - rules/*.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['alertmanager:9093']
scrape_configs:
  - job_name: api
    metrics_path: /metrics
    static_configs:
      - targets: ['api:8080']
`;

const alertmanagerConfig = `route:
  receiver: default
  group_by: [alertname, job]
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      continue: true
    - matchers: ['team="payments"']
      receiver: payments-slack
receivers:
  - name: default
  - name: pager
    pagerduty_configs:
      - routing_key_file: /etc/alertmanager/secrets/pagerduty-routing-key
  - name: payments-slack
    slack_configs:
      - api_url_file: /etc/alertmanager/secrets/slack-url
        channel: '#payments'
        text: '{{ range .Alerts }}{{ .Annotations.runbook_url }} {{ end }}'
`;

const prometheusRule = `apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
data: {}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: api
  labels:
    release: monitoring
spec:
${rules.replace(/^/gm, '  ').trimEnd()}
`;

const assertFinds = (problems: string[], pattern: RegExp) =>
  assert.ok(problems.some((problem) => pattern.test(problem)), `expected a problem matching ${pattern}, got:\n${problems.join('\n') || '(none)'}`);

describe('Prometheus validators', () => {
  test('promtool and amtool are the Go builds at the pinned image versions', () => {
    assert.equal(`prom/prometheus:v${expectedVersions().promtool}`, imageRef('prometheus'));
    assert.equal(`prom/alertmanager:v${expectedVersions().amtool}`, imageRef('alertmanager'));
    // Throws unless each reports its pin; never Debian's /usr/bin ones (2.42, 0.25).
    for (const tool of ['promtool', 'amtool'] as const) assert.doesNotMatch(prometheusTool(tool), /^\/usr\/bin\//);
  });

  test('promtool check rules: passes clean rules, fails a bad PromQL expression, a bad duration and an empty file', () => {
    const dir = writeTree(tempDir(), {
      'good.yml': rules,
      'bad-promql.yml': rules.replace('> 1', '> > 1'),
      'bad-duration.yml': rules.replace('for: 5m', 'for: 5 minutes'),
      'empty.yml': 'groups: []\n',
    });
    assert.deepEqual(promtoolCheckRules([path.join(dir, 'good.yml')]), []);
    assertFinds(promtoolCheckRules([path.join(dir, 'bad-promql.yml')]), /bad-promql\.yml[\s\S]*parse error/);
    assertFinds(promtoolCheckRules([path.join(dir, 'bad-duration.yml')]), /bad-duration\.yml[\s\S]*5 minutes/);
    assertFinds(promtoolCheckRules([path.join(dir, 'good.yml'), path.join(dir, 'empty.yml')]), /empty\.yml: no rules/);
    assertFinds(promtoolCheckRules([path.join(dir, 'missing.yml')]), /missing\.yml: no such file/);
  });

  test('promtool test rules: passes a correct unit test, fails one whose expected alert is wrong', () => {
    // rule_files name ../rules/api.yml: relative to the test file's folder, wherever the caller runs from.
    const dir = writeTree(tempDir(), { 'rules/api.yml': rules, 'tests/good.yml': unitTest('critical'), 'tests/wrong.yml': unitTest('warning') });
    assert.deepEqual(promtoolTestRules([path.join(dir, 'tests', 'good.yml')]), []);
    const problems = promtoolTestRules([path.join(dir, 'tests', 'wrong.yml')]);
    assertFinds(problems, /wrong\.yml[\s\S]*severity="warning"/);
    assertFinds(promtoolTestRules([path.join(dir, 'tests', 'good.yml').replace('tests', 'nowhere')]), /no such file/);
  });

  test('promtool check config: checks the rule files it lists, so they must be present and valid', () => {
    const dir = writeTree(tempDir(), { 'prometheus.yml': prometheusConfig, 'rules/api.yml': rules });
    assert.deepEqual(promtoolCheckConfig(path.join(dir, 'prometheus.yml')), []);
    writeTree(dir, { 'rules/broken.yml': rules.replace('rate(', 'rate((') });
    assertFinds(promtoolCheckConfig(path.join(dir, 'prometheus.yml')), /broken\.yml/);
    const bad = writeTree(tempDir(), { 'prometheus.yml': prometheusConfig.replace('scrape_interval: 30s', 'scrape_interval: often') });
    assertFinds(promtoolCheckConfig(path.join(bad, 'prometheus.yml')), /often/);
  });

  test('amtool check-config: passes a clean config, fails a route to an undefined receiver', () => {
    const dir = writeTree(tempDir(), {
      'alertmanager.yml': alertmanagerConfig,
      'undefined-receiver.yml': alertmanagerConfig.replace('receiver: payments-slack', 'receiver: payments-team'),
    });
    assert.deepEqual(amtoolCheckConfig(path.join(dir, 'alertmanager.yml')), []);
    assertFinds(amtoolCheckConfig(path.join(dir, 'undefined-receiver.yml')), /undefined receiver "payments-team"/);
  });

  test('amtool config routes test: the receivers an alert goes to', () => {
    const dir = writeTree(tempDir(), { 'alertmanager.yml': alertmanagerConfig });
    const config = path.join(dir, 'alertmanager.yml');
    assert.deepEqual(amtoolRoutes(config, { alertname: 'ApiErrors', severity: 'critical', team: 'payments' }), ['pager', 'payments-slack']);
    assert.deepEqual(amtoolRoutes(config, { alertname: 'ApiErrors', severity: 'warning', team: 'payments' }), ['payments-slack']);
    // A route test that expects the pager for a warning fails: the alert goes elsewhere.
    assert.notDeepEqual(amtoolRoutes(config, { alertname: 'ApiErrors', severity: 'warning', team: 'search' }), ['pager']);
    assert.deepEqual(amtoolRoutes(config, { alertname: 'ApiErrors', severity: 'warning', team: 'search' }), ['default']);
    assert.throws(() => amtoolRoutes(path.join(dir, 'missing.yml'), { alertname: 'x' }), /no such file/);
  });

  test('promtoolParseQueries: dashboard queries parse for Prometheus 3.16, offline', () => {
    assert.deepEqual(promtoolParseQueries(['sum by (job) (rate(http_requests_total[5m]))', 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))']), []);
    assertFinds(promtoolParseQueries(['sum(rate(http_requests_total[5m]) by (job)']), /does not parse[\s\S]*unexpected <by>/);
    // Grafana's variables are not PromQL: callers substitute them first.
    assertFinds(promtoolParseQueries(['rate(http_requests_total[$__rate_interval])']), /\$__rate_interval/);
    // Experimental functions need the image's feature flag, as Prometheus itself would.
    assertFinds(promtoolParseQueries(['info(up)']), /not enabled/);
    assert.deepEqual(promtoolParseQueries(['info(up)'], { enableFeatures: ['promql-experimental-functions'] }), []);
  });

  test('prometheusRuleSpec: the groups of a PrometheusRule object, which promtool then checks', () => {
    const spec = prometheusRuleSpec(prometheusRule);
    const dir = writeTree(tempDir(), { 'spec.yml': spec, 'object.yml': prometheusRule });
    assert.deepEqual(promtoolCheckRules([path.join(dir, 'spec.yml')]), []);
    // The object itself is not a rule file: promtool rejects it, which is why the spec is extracted.
    assert.notDeepEqual(promtoolCheckRules([path.join(dir, 'object.yml')]), []);
    const broken = writeTree(tempDir(), { 'spec.yml': prometheusRuleSpec(prometheusRule.replace('> 1', '> > 1')) });
    assertFinds(promtoolCheckRules([path.join(broken, 'spec.yml')]), /parse error/);
    assert.throws(() => prometheusRuleSpec('apiVersion: v1\nkind: ConfigMap\n'), /0 PrometheusRule/);
    assert.throws(() => prometheusRuleSpec(`${prometheusRule}---\n${prometheusRule}`), /2 PrometheusRule/);
    assert.equal(prometheusRuleSpec(prometheusRule, 'api'), spec);
    assert.throws(() => prometheusRuleSpec(prometheusRule.replace(/spec:[\s\S]*/, 'spec: {}\n')), /no spec.groups/);
  });
});
