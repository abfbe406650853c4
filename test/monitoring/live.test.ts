/**
 * The generated compose stack's configuration in a real Prometheus and Alertmanager (Debian's, on loopback ports):
 * Prometheus loads the generated prometheus.yml and rules, scrapes a local target standing in for a service and
 * cAdvisor, and Alertmanager, with the generated routing, delivers the alerts to a local receiver with their
 * labels and runbook link. Every dashboard query is sent to that Prometheus and must parse.
 *
 * What the test changes, and only that: scrape targets point at the local target (compose's service names do not
 * resolve here), intervals shrink to a second, the receivers' credential folder is a temporary one, PagerDuty's
 * API address is the local receiver (no internet here), and HighErrorRate's `for` is 0s so it fires within the
 * test; ContainerRestarting fires as generated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { receiverSecret } from '../../lib/areas/monitoring/alertmanager.js';
import { monitoringOf } from '../../lib/monitoring/facts.js';
import { startMonitoringStack, type MonitoringStack } from '../validation/live-monitoring.js';
import { monitoringCases, renderCase } from './cases.js';

const entry = renderCase(monitoringCases.find((candidate) => candidate.label === 'compose-postgres-redis')!);
const facts = monitoringOf(entry.model);
const service = facts.services.find((candidate) => candidate.exposesMetrics)!;
const project = entry.model.project.name;

/** Every panel query of the generated dashboards, with Grafana's variables given values. */
const dashboardQueries = (): { dashboard: string; expr: string }[] =>
  entry.files
    .filter((file) => file.path.startsWith('monitoring/grafana/dashboards/') && file.path.endsWith('.json'))
    .flatMap((file) => {
      const dashboard = JSON.parse(file.contents) as { panels: { panels?: unknown[]; targets?: { expr?: string }[] }[] };
      const panels = dashboard.panels.flatMap((panel) => [panel, ...((panel.panels ?? []) as typeof dashboard.panels)]);
      return panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => (target.expr ? [{ dashboard: file.path, expr: target.expr }] : [])));
    })
    .map(({ dashboard, expr }) => ({
      dashboard,
      expr: expr
        .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
        .replace(/\$\{?environment\}?/g, `${project}-local`)
        .replace(/\$\{?service\}?/g, service.job)
        .replace(/\$\{?[a-z_]+(:[a-z]+)?\}?/g, 'x'),
    }));

/** A second of traffic: 100 requests, 50 failed; and a container that has just started again. */
let scrapes = 0;
const targetMetrics = () => {
  scrapes += 1;
  const requests = scrapes * 100;
  const container = `container_label_com_docker_compose_project="${project}-local", container_label_com_docker_compose_service="${service.name}", name="${project}-local-${service.name}-1"`;
  return [
    '# TYPE http_server_request_duration_seconds histogram',
    `http_server_request_duration_seconds_count{http_response_status_code="200"} ${requests / 2}`,
    `http_server_request_duration_seconds_count{http_response_status_code="500"} ${requests / 2}`,
    '# TYPE container_start_time_seconds gauge',
    `container_start_time_seconds{${container}} ${1_700_000_000 + scrapes}`,
    '',
  ].join('\n');
};

describe('the generated compose monitoring stack, live (Debian prometheus 2.42, alertmanager 0.25)', () => {
  let stack: MonitoringStack;

  before(async () => {
    const rules = parseDocument(entry.byPath.get(`monitoring/prometheus/rules/${project}.rules.yaml`)!);
    (rules.toJS() as { groups: { rules: { alert?: string }[] }[] }).groups.forEach((group, groupIndex) =>
      group.rules.forEach((rule, ruleIndex) => {
        if (rule.alert === 'HighErrorRate') rules.setIn(['groups', groupIndex, 'rules', ruleIndex, 'for'], '0s');
      }),
    );
    stack = await startMonitoringStack({
      prometheusConfig: (addresses) => {
        const config = parseDocument(entry.byPath.get('monitoring/prometheus/prometheus.yml')!);
        config.setIn(['alerting', 'alertmanagers', 0, 'static_configs', 0, 'targets'], [addresses.alertmanager]);
        const jobs = (config.toJS() as { scrape_configs: { job_name: string }[] }).scrape_configs;
        jobs.forEach((job, index) => {
          if (job.job_name === service.job || job.job_name === 'cadvisor') config.setIn(['scrape_configs', index, 'static_configs', 0, 'targets'], [addresses.target]);
        });
        return config.toString({ lineWidth: 0 });
      },
      ruleFiles: { [`rules/${project}.rules.yaml`]: rules.toString({ lineWidth: 0 }) },
      alertmanagerConfig: (addresses) => {
        const text = entry.byPath.get('monitoring/alertmanager/alertmanager.yml')!.replaceAll(receiverSecret.directory, addresses.path('receivers'));
        const config = parseDocument(text);
        const receivers = (config.toJS() as { receivers: { name: string }[] }).receivers;
        config.setIn(['receivers', receivers.findIndex((receiver) => receiver.name === 'pager'), 'pagerduty_configs', 0, 'url'], `${addresses.webhookUrl}/pagerduty`);
        return config.toString({ lineWidth: 0 });
      },
      files: {
        [`receivers/${receiverSecret.keys.slackWebhook}`]: (addresses) => `${addresses.webhookUrl}/slack\n`,
        [`receivers/${receiverSecret.keys.pagerdutyKey}`]: 'a-routing-key-for-the-test\n',
        [`receivers/${receiverSecret.keys.smtpPassword}`]: 'unused',
      },
      targetMetrics,
      evaluationInterval: '1s',
      groupWait: '1s',
    });
  });

  after(async () => {
    await stack?.stop();
  });

  test('a critical alert reaches the pager and chat with its labels and runbook link', async () => {
    const [alert] = await stack.waitForAlert('HighErrorRate', 60_000);
    assert.equal(alert.labels.severity, 'critical');
    assert.equal(alert.labels.team, entry.model.project.team);
    assert.equal(alert.labels.job, service.job);
    assert.match(alert.annotations.runbook_url, /docs\/runbooks\/alerts\.md#higherrorrate$/);
    const pager = await stack.webhook.waitFor((request) => request.path.startsWith('/pagerduty') && request.text.includes('HighErrorRate'), 60_000);
    assert.ok(pager.text.includes(alert.annotations.runbook_url), pager.text);
    assert.ok(pager.text.includes('a-routing-key-for-the-test'), 'the routing key read from its file');
    const chat = await stack.webhook.waitFor((request) => request.path.startsWith('/slack') && request.text.includes('HighErrorRate'), 60_000);
    assert.ok(chat.text.includes(alert.annotations.runbook_url) && chat.text.includes('critical'), chat.text);
  });

  test('a warning, as generated, reaches chat only', async () => {
    const [alert] = await stack.waitForAlert('ContainerRestarting', 60_000);
    assert.equal(alert.labels.severity, 'warning');
    assert.equal(alert.labels.container_label_com_docker_compose_service, service.name);
    const chat = await stack.webhook.waitFor((request) => request.path.startsWith('/slack') && request.text.includes('ContainerRestarting'), 60_000);
    assert.ok(chat.text.includes('#containerrestarting'), chat.text);
    assert.ok(!stack.webhook.requests().some((request) => request.path.startsWith('/pagerduty') && request.text.includes('ContainerRestarting')), 'a warning never pages');
  });

  test('every dashboard query parses in Prometheus', async () => {
    const queries = dashboardQueries();
    assert.ok(queries.length >= 20, `${queries.length} queries`);
    const failures: string[] = [];
    for (const { dashboard, expr } of queries) {
      const result = await stack.queryParses(expr);
      if (!result.ok) failures.push(`${dashboard}: ${expr}: ${result.error}`);
    }
    assert.deepEqual(failures, []);
  });
});
