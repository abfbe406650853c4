/**
 * The live harness (live-monitoring.ts) itself, with a hand-written configuration: Debian's Prometheus scrapes a
 * local target whose counter breaches a threshold, fires the alert, Debian's Alertmanager routes it to a Slack
 * receiver whose URL comes from `api_url_file`, and the local webhook receives it with its labels and runbook_url.
 * Bad PromQL is told apart from good. The whole stack runs ~5-10 s.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startMonitoringStack, type MonitoringStack } from './live-monitoring.js';

const prometheusConfig = `global:
  scrape_interval: 1m
  evaluation_interval: 1m
rule_files:
  - rules/*.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['ALERTMANAGER']
scrape_configs:
  - job_name: app
    scrape_interval: 30s
    scrape_timeout: 20s
    static_configs:
      - targets: ['TARGET']
`;

const rules = `groups:
  - name: app
    interval: 1m
    rules:
      - alert: TestErrors
        expr: test_errors_total > 5
        for: 0s
        labels:
          severity: critical
          team: payments
        annotations:
          summary: 'errors on {{ $labels.instance }}'
          runbook_url: https://runbooks.example.com/TestErrors
`;

/** Slack-shaped: the default Slack text carries no labels, so the text lists them as generated configs will. */
const alertmanagerConfig = `route:
  receiver: slack
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
receivers:
  - name: slack
    slack_configs:
      - api_url_file: SLACK_URL_FILE
        channel: '#alerts'
        send_resolved: false
        title: '{{ .CommonLabels.alertname }}'
        text: '{{ range .Alerts }}severity={{ .Labels.severity }} team={{ .Labels.team }} runbook={{ .Annotations.runbook_url }}{{ end }}'
`;

describe('live monitoring stack (Debian prometheus 2.42 and alertmanager 0.25)', () => {
  let stack: MonitoringStack;

  before(async () => {
    stack = await startMonitoringStack({
      files: { 'secrets/slack-url': (a) => `${a.webhookUrl}/slack/services/T000/B000/XXXX\n` },
      prometheusConfig: (a) => prometheusConfig.replace('ALERTMANAGER', a.alertmanager).replace('TARGET', a.target),
      ruleFiles: { 'rules/app.yml': rules },
      alertmanagerConfig: (a) => alertmanagerConfig.replace('SLACK_URL_FILE', a.path('secrets/slack-url')),
      targetMetrics: () => `# HELP test_errors_total Errors.\n# TYPE test_errors_total counter\ntest_errors_total 10\n`,
      evaluationInterval: '1s',
      groupWait: '1s',
    });
  });

  after(async () => {
    await stack?.stop();
  });

  test('the alert reaches the Slack webhook with its labels and runbook_url', async () => {
    const started = Date.now();
    const [alert] = await stack.waitForAlert('TestErrors', 30_000);
    assert.equal(alert.labels.severity, 'critical');
    assert.equal(alert.labels.team, 'payments');
    assert.equal(alert.labels.job, 'app');
    assert.equal(alert.annotations.runbook_url, 'https://runbooks.example.com/TestErrors');
    assert.deepEqual(alert.receivers.map((receiver) => receiver.name), ['slack']);
    const request = await stack.webhook.waitFor((candidate) => candidate.path.startsWith('/slack/'), 30_000);
    assert.equal(request.path, '/slack/services/T000/B000/XXXX', 'the URL read from api_url_file');
    const body = request.body as { channel: string; attachments: { title: string; text: string }[] };
    assert.equal(body.channel, '#alerts');
    assert.equal(body.attachments[0].title, 'TestErrors');
    assert.equal(body.attachments[0].text, 'severity=critical team=payments runbook=https://runbooks.example.com/TestErrors');
    assert.ok(Date.now() - started < 30_000);
  });

  test('queries: good PromQL parses and answers, bad PromQL is an error', async () => {
    const answer = await stack.query('test_errors_total');
    assert.equal(answer.status, 'success');
    assert.deepEqual(await stack.queryParses('sum by (job) (rate(test_errors_total[5m]))'), { ok: true });
    const bad = await stack.queryParses('sum by (job) (rate(test_errors_total[5m])');
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /parse error/);
    // Prometheus 2.42 has no Prometheus 3 functions.
    assert.equal((await stack.queryParses('info(test_errors_total)')).ok, false);
    // An execution error is not a parse error: the query parsed.
    const invalidRegex = 'label_replace(test_errors_total, "x", "$1", "job", "(")';
    assert.equal((await stack.query(invalidRegex)).errorType, 'execution');
    assert.deepEqual(await stack.queryParses(invalidRegex), { ok: true });
  });

  test('stop() ends both processes and removes the folder', async () => {
    const root = stack.root;
    await stack.stop();
    assert.equal(existsSync(root), false);
    await assert.rejects(fetch(`${stack.prometheusUrl}/-/ready`, { signal: AbortSignal.timeout(2_000) }));
    await assert.rejects(fetch(`${stack.alertmanagerUrl}/-/ready`, { signal: AbortSignal.timeout(2_000) }));
  });
});

describe('live monitoring stack: start-up failures', () => {
  test("a config Prometheus refuses: the error carries Prometheus's own message, and nothing is left running", async () => {
    await assert.rejects(
      startMonitoringStack({
        prometheusConfig: 'global:\n  scrape_interval: often\n',
        alertmanagerConfig: 'route: {receiver: r}\nreceivers: [{name: r}]\n',
        targetMetrics: () => '',
        startTimeoutMs: 20_000,
      }),
      (error: Error) => {
        assert.match(error.message, /prometheus exited before it was ready/);
        assert.match(error.message, /often/);
        return true;
      },
    );
  });
});
