/**
 * monitoring/elk/apply.sh against a stand-in for Elasticsearch and Kibana (a local HTTP server that keeps what it
 * is sent and answers as the documented APIs do: 404 for an object it does not have, the create and update
 * routes, `kbn-xsrf` required, the API key checked). The script runs twice: the first run creates every
 * connector, SLO and rule under its id, the second updates the same objects and creates nothing (idempotent);
 * updates carry no field Kibana's update APIs refuse. Without the connectors' secrets and without the
 * connectors, it stops naming the variable to set. This proves the script's logic, not Kibana's acceptance.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { derive } from '../../lib/model/index.js';
import { planModel } from '../../lib/plan/plan.js';
import { renderAll } from '../../lib/render/render.js';
import { shopAnswers } from '../ci/answers.js';
import { tempDir, writeTree } from '../helpers/folders.js';

const apiKey = 'dGVzdDprZXk=';

interface Stub {
  server: Server;
  url: string;
  objects: Map<string, unknown>;
  calls: string[];
  refused: string[];
}

const body = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** The stand-in: `/es/...` is Elasticsearch, `/kbn/...` Kibana. */
const startStub = async (): Promise<Stub> => {
  const objects = new Map<string, unknown>();
  const calls: string[] = [];
  const refused: string[] = [];
  let windows = 0;
  const server = createServer(async (request, response) => {
    const url = new URL(request.url!, 'http://stub');
    const route = url.pathname;
    const method = request.method!;
    const text = await body(request);
    calls.push(`${method} ${route}`);
    const answer = (status: number, value: unknown = {}) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    const refuse = (why: string) => {
      refused.push(`${method} ${route}: ${why}`);
      answer(400, { error: why });
    };
    if (request.headers.authorization !== `ApiKey ${apiKey}`) return answer(401, { error: 'unauthorized' });
    if (route.startsWith('/kbn/') && method !== 'GET' && !request.headers['kbn-xsrf']) return refuse('kbn-xsrf missing');
    const json = () => (text ? (JSON.parse(text) as Record<string, unknown>) : {});
    if (route.startsWith('/es/')) {
      if (method !== 'PUT') return refuse('Elasticsearch bodies are PUT');
      objects.set(route, json());
      return answer(200, { acknowledged: true });
    }
    if (route === '/kbn/api/saved_objects/_import') {
      if (!text.includes('filename="dashboards.ndjson"')) return refuse('no dashboards.ndjson in the form');
      return answer(200, { success: true });
    }
    if (route === '/kbn/api/maintenance_window/_find') return answer(200, { maintenanceWindows: [...objects.entries()].filter(([key]) => key.startsWith('mw/')).map(([key, value]) => ({ ...(value as object), id: key.slice(3) })) });
    if (route === '/kbn/api/maintenance_window' && method === 'POST') {
      windows += 1;
      objects.set(`mw/window-${windows}`, json());
      return answer(200, {});
    }
    const window = /^\/kbn\/api\/maintenance_window\/([^/]+)$/.exec(route);
    if (window && method === 'PATCH') return objects.has(`mw/${window[1]}`) ? (objects.set(`mw/${window[1]}`, json()), answer(200)) : answer(404);
    if (route === '/kbn/api/observability/slos' && method === 'POST') {
      const slo = json();
      if (!slo.id) return refuse('an SLO without id');
      objects.set(`/kbn/api/observability/slos/${slo.id as string}`, slo);
      return answer(200, { id: slo.id });
    }
    const object = /^\/kbn\/api\/(actions\/connector|observability\/slos|alerting\/rule)\/([^/]+)$/.exec(route);
    if (object) {
      const known = objects.has(route);
      if (method === 'GET') return known ? answer(200, objects.get(route)) : answer(404, { error: 'Not Found' });
      if (method === 'POST' && object[1] !== 'observability/slos') {
        if (known) return answer(409, { error: 'conflict' });
        objects.set(route, json());
        return answer(200);
      }
      if (method === 'PUT') {
        if (!known) return answer(404);
        const update = json();
        // What the update APIs refuse: a rule's type, consumer and enabled flag; a connector's type; an SLO's id.
        const forbidden = { 'alerting/rule': ['rule_type_id', 'consumer', 'enabled'], 'actions/connector': ['connector_type_id'], 'observability/slos': ['id'] }[object[1]]!;
        const present = forbidden.filter((key) => key in update);
        if (present.length > 0) return refuse(`cannot update ${present.join(', ')}`);
        objects.set(route, update);
        return answer(200);
      }
    }
    return refuse('unknown route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, objects, calls, refused };
};

const run = (script: string, env: Record<string, string>): Promise<{ status: number; output: string }> =>
  new Promise((resolve) => {
    const child = spawn('bash', [script], { env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => resolve({ status: status ?? 1, output }));
  });

describe('elk: apply.sh against a stand-in for Elasticsearch and Kibana', () => {
  let stub: Stub;
  let dir = '';
  before(async () => {
    stub = await startStub();
    const answers = shopAnswers({ monitoring: 'elk', orchestration: 'none', database: 'postgres', cache: 'none', maintenanceWindow: 'Sun 02:00 - Sun 04:00' });
    const files = Object.fromEntries(renderAll(planModel(derive(answers))).map((file) => [file.path, file.contents]));
    dir = writeTree(tempDir('phase4-elk-apply-'), files);
  });
  after(() => stub.server.close());

  const env = () => ({
    ELASTICSEARCH_URL: `${stub.url}/es`,
    KIBANA_URL: `${stub.url}/kbn/`,
    ELASTIC_API_KEY: apiKey,
    ELK_PAGERDUTY_ROUTING_KEY: 'routing-key-for-test',
    ELK_SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/slack-for-test',
  });

  test('without the connectors and their secrets it stops, naming the variable to set', async () => {
    const { ELK_PAGERDUTY_ROUTING_KEY: _, ...rest } = env();
    const result = await run(path.join(dir, 'monitoring', 'elk', 'apply.sh'), rest);
    assert.notEqual(result.status, 0);
    assert.match(result.output, /set ELK_PAGERDUTY_ROUTING_KEY to create it/);
    assert.equal(stub.calls.filter((call) => call.includes('/alerting/rule/')).length, 0, 'no rule applied before the connectors exist');
  });

  test('the first run creates everything, the second updates the same objects and creates nothing', async () => {
    const script = path.join(dir, 'monitoring', 'elk', 'apply.sh');
    const rules = Object.keys(Object.fromEntries(renderAll(planModel(derive(shopAnswers({ monitoring: 'elk', orchestration: 'none', database: 'postgres', cache: 'none', maintenanceWindow: 'Sun 02:00 - Sun 04:00' })))).map((file) => [file.path, file.contents]))).filter((file) => file.startsWith('monitoring/elk/kibana/rules/'));
    stub.calls.length = 0;
    const first = await run(script, env());
    assert.equal(first.status, 0, first.output);
    const creates = stub.calls.filter((call) => call.startsWith('POST /kbn/api/alerting/rule/'));
    assert.equal(creates.length, rules.length, first.output);
    assert.equal(stub.calls.filter((call) => call.startsWith('POST /kbn/api/actions/connector/')).length, 2);
    assert.ok(stub.calls.filter((call) => call === 'POST /kbn/api/observability/slos').length > 0);
    assert.ok(stub.calls.some((call) => call.startsWith('PUT /es/_ilm/policy/')) && stub.calls.some((call) => call.startsWith('PUT /es/_index_template/')));
    assert.ok(stub.calls.includes('POST /kbn/api/maintenance_window'));

    stub.calls.length = 0;
    const second = await run(script, env());
    assert.equal(second.status, 0, second.output);
    assert.deepEqual(stub.calls.filter((call) => call.startsWith('POST') && !call.includes('_import')), [], 'the second run creates nothing');
    assert.equal(stub.calls.filter((call) => call.startsWith('PUT /kbn/api/alerting/rule/')).length, rules.length);
    assert.ok(stub.calls.some((call) => call.startsWith('PATCH /kbn/api/maintenance_window/window-1')));
    assert.deepEqual(stub.refused, []);
    // The rules reference the connectors apply.sh created.
    const connectors = [...stub.objects.keys()].filter((key) => key.includes('/actions/connector/')).map((key) => key.split('/').pop());
    for (const [key, rule] of stub.objects) {
      if (!key.includes('/alerting/rule/')) continue;
      for (const action of (rule as { actions: { id: string }[] }).actions) assert.ok(connectors.includes(action.id), `${key}: ${action.id}`);
    }
  });

  test('critical rules gain an e-mail action when an e-mail connector and address are given', async () => {
    const result = await run(path.join(dir, 'monitoring', 'elk', 'apply.sh'), { ...env(), ELK_EMAIL_CONNECTOR_ID: 'email-connector', ELK_ALERT_EMAIL: 'oncall@example.com' });
    assert.equal(result.status, 0, result.output);
    const rules = [...stub.objects.entries()].filter(([key]) => key.includes('/alerting/rule/')).map(([, rule]) => rule as { name: string; actions: { id: string; params: Record<string, unknown> }[] });
    for (const rule of rules) {
      const emails = rule.actions.filter((action) => action.id === 'email-connector');
      if (rule.name.includes('(critical)')) {
        assert.ok(emails.length > 0, rule.name);
        assert.deepEqual(emails[0].params.to, ['oncall@example.com']);
        assert.match(emails[0].params.message as string, /Runbook: https:\/\//);
      } else assert.equal(emails.length, 0, rule.name);
    }
  });
});
