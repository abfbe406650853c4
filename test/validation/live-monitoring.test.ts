/**
 * The live harness (live-monitoring.ts) itself, with a hand-written configuration: Debian's Prometheus scrapes a
 * local target whose counter breaches a threshold, fires the alert, Debian's Alertmanager routes it to a Slack
 * receiver whose URL comes from `api_url_file` and a PagerDuty one whose key comes from `routing_key_file`, and the
 * local webhook receives both with the labels and runbook_url.
 * Bad PromQL is told apart from good. The whole stack runs ~5-10 s.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startMonitoringStack, type MonitoringStack } from './live-monitoring.js';
import { amtoolCheckConfig, promtoolCheckConfig } from './validators/prometheus.js';

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

/**
 * Slack-shaped (the default Slack text carries no labels, so the text lists them as generated configs will) and,
 * for critical alerts, PagerDuty-shaped too; both credentials come from files, as Debian's 0.25 and amtool 0.35 both
 * accept (webhook_configs' url_file is 0.26+).
 */
const alertmanagerConfig = `route:
  receiver: slack
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      continue: true
    - matchers: ['team="payments"']
      receiver: slack
receivers:
  - name: pager
    pagerduty_configs:
      - routing_key_file: ROUTING_KEY_FILE
        url: PAGERDUTY_URL
        severity: '{{ .CommonLabels.severity }}'
        details:
          runbook_url: '{{ .CommonAnnotations.runbook_url }}'
          team: '{{ .CommonLabels.team }}'
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
      files: {
        'secrets/slack-url': (a) => `${a.webhookUrl}/slack/services/T000/B000/XXXX\n`,
        'secrets/pagerduty-routing-key': 'R0UT1NGKEY\n',
      },
      prometheusConfig: (a) => prometheusConfig.replace('ALERTMANAGER', a.alertmanager).replace('TARGET', a.target),
      ruleFiles: { 'rules/app.yml': rules },
      alertmanagerConfig: (a) =>
        alertmanagerConfig
          .replace('SLACK_URL_FILE', a.path('secrets/slack-url'))
          .replace('ROUTING_KEY_FILE', a.path('secrets/pagerduty-routing-key'))
          .replace('PAGERDUTY_URL', `${a.webhookUrl}/pagerduty/v2/enqueue`),
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
    assert.deepEqual(alert.receivers.map((receiver) => receiver.name).sort(), ['pager', 'slack']);
    const request = await stack.webhook.waitFor((candidate) => candidate.path.startsWith('/slack/'), 30_000);
    assert.equal(request.path, '/slack/services/T000/B000/XXXX', 'the URL read from api_url_file');
    const body = request.body as { channel: string; attachments: { title: string; text: string }[] };
    assert.equal(body.channel, '#alerts');
    assert.equal(body.attachments[0].title, 'TestErrors');
    assert.equal(body.attachments[0].text, 'severity=critical team=payments runbook=https://runbooks.example.com/TestErrors');
    const page = await stack.webhook.waitFor((candidate) => candidate.path === '/pagerduty/v2/enqueue', 30_000);
    const event = page.body as { routing_key: string; event_action: string; payload: { severity: string; custom_details: Record<string, string> } };
    assert.equal(event.routing_key, 'R0UT1NGKEY', 'the key read from routing_key_file, trimmed');
    assert.equal(event.event_action, 'trigger');
    assert.equal(event.payload.severity, 'critical');
    assert.equal(event.payload.custom_details.runbook_url, 'https://runbooks.example.com/TestErrors');
    assert.equal(event.payload.custom_details.team, 'payments');
    assert.ok(Date.now() - started < 30_000);
  });

  test('what Debian 2.42 and 0.25 loaded, the pinned promtool 3.16 and amtool 0.35 accept too', () => {
    assert.deepEqual(promtoolCheckConfig(stack.prometheusConfigFile), []);
    assert.deepEqual(amtoolCheckConfig(stack.alertmanagerConfigFile), []);
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
        const root = /\(in (\S+), now removed\)/.exec(error.message)?.[1];
        assert.ok(root && !existsSync(root), `the stack's folder ${root} is left`);
        const alertmanagerPid = Number(/--- alertmanager \(pid (\d+)/.exec(error.message)?.[1]);
        assert.ok(alertmanagerPid > 0);
        assert.throws(() => process.kill(alertmanagerPid, 0), /ESRCH/, 'Alertmanager is still running');
        return true;
      },
    );
  });
});
