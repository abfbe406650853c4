/**
 * A real Prometheus and Alertmanager on loopback, for integration tests of generated monitoring configuration:
 * Debian's packages (prometheus 2.42 at /usr/bin/prometheus, prometheus-alertmanager 0.25 at
 * /usr/bin/prometheus-alertmanager; scripts/setup-validators.sh installs them and leaves their services disabled)
 * load the caller's prometheus.yml, rule files and alertmanager.yml; a local HTTP target serves the caller's metrics;
 * a local webhook receiver records every notification Alertmanager posts (Slack-, PagerDuty- or webhook-shaped JSON).
 *
 *   const stack = await startMonitoringStack({
 *     files: { 'secrets/slack-url': (a) => `${a.webhookUrl}/slack` },
 *     prometheusConfig: (a) => generated.replace('api:8080', a.target).replace('alertmanager:9093', a.alertmanager),
 *     ruleFiles: { 'rules/api.yml': rules },
 *     alertmanagerConfig: (a) => amConfig.replace('/etc/alertmanager/slack-url', a.path('secrets/slack-url')),
 *     targetMetrics: () => 'http_requests_total{code="500"} 10\n',
 *     evaluationInterval: '1s',
 *     groupWait: '1s',
 *   });
 *   try { await stack.waitForAlert('HighErrorRate', 30_000); ... } finally { await stack.stop(); }
 *
 * Every address is chosen at runtime (tests run two at a time): the target and the webhook listen on port 0,
 * Prometheus and Alertmanager get ports found free just before they start. Configs, rule files and extra files may be
 * text or functions of the addresses (`MonitoringAddresses`), so placeholders are replaced before anything starts.
 * Processes and the temp folder go in stop(), and at the latest when the test process exits.
 *
 * Versions matter: Debian's Prometheus is 2.42 and its Alertmanager 0.25, while generated files target the pinned
 * images (3.16, 0.35); what they load here must stay within what both accept. Seen with Debian's promtool 2.42 and
 * amtool 0.25: PromQL has no info(), limitk(), sort_by_label(), first_over_time(), mad_over_time(),
 * double_exponential_smoothing() (2.42 still calls it holt_winters()), no quoted UTF-8 metric names; rule groups
 * have no query_offset nor labels (keep_firing_for and limit are there); scrape configs have no scrape_protocols,
 * enable_compression, scrape_classic_histograms, fallback_scrape_protocol; native histograms need
 * --enable-feature=native-histograms (not set here). Alertmanager 0.25 reads slack api_url_file, pagerduty
 * routing_key_file and service_key_file, email auth_password_file, opsgenie and victorops api_key_file, and the
 * global slack_api_url_file, smtp_auth_password_file, opsgenie_api_key_file, victorops_api_key_file; it has no
 * webhook url_file, no msteams or discord webhook_url_file, no telegram bot_token_file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';

export const prometheusBinary = '/usr/bin/prometheus';
export const alertmanagerBinary = '/usr/bin/prometheus-alertmanager';

/** Where everything listens, known before any config is written. */
export interface MonitoringAddresses {
  /** The temp folder holding configs, rule files, extra files and both data folders. */
  root: string;
  /** An absolute path under root (for *_file fields pointing at `files`). */
  path: (relative: string) => string;
  /** host:port of each, for scrape targets and alerting.alertmanagers. */
  prometheus: string;
  alertmanager: string;
  target: string;
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** http://127.0.0.1:PORT of the webhook receiver: any path under it is recorded (e.g. `${webhookUrl}/slack`). */
  webhookUrl: string;
}

type Text = string | ((addresses: MonitoringAddresses) => string);

export interface MonitoringStackOptions {
  /** prometheus.yml, written as `<root>/prometheus/prometheus.yml`. */
  prometheusConfig: Text;
  /** Rule files, relative to prometheus.yml's folder (as its rule_files name them). */
  ruleFiles?: Record<string, Text>;
  /** alertmanager.yml, written as `<root>/alertmanager/alertmanager.yml`. */
  alertmanagerConfig: Text;
  /** Extra files (credential files, templates), relative to root; written first. */
  files?: Record<string, Text>;
  /** The target's metrics in Prometheus text exposition format, read at each scrape (any path, GET). */
  targetMetrics: () => string;
  /**
   * When set, the scrape and evaluation intervals become this (global, every scrape job's scrape_interval with its
   * scrape_timeout removed, every rule group's interval): generated configs say 30s or 1m, a test wants 1s.
   */
  evaluationInterval?: string;
  /** When set, every route of alertmanager.yml gets this group_wait and group_interval (the default wait is 30 s). */
  groupWait?: string;
  /** How long Prometheus and Alertmanager may take to be ready (default 60 s). */
  startTimeoutMs?: number;
}

export interface WebhookRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: unknown;
  text: string;
}

/** Prometheus's HTTP API answer: `{ status: 'success', data }` or `{ status: 'error', errorType, error }`. */
export interface PrometheusResponse {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** An alert as Alertmanager's API v2 gives it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
  receivers: { name: string }[];
  startsAt: string;
}

export interface MonitoringStack extends MonitoringAddresses {
  /** The files both servers loaded (after substitution and interval rewriting): for the offline validators too. */
  prometheusConfigFile: string;
  alertmanagerConfigFile: string;
  webhook: {
    url: string;
    requests: () => WebhookRequest[];
    /** Resolves with the first request (already received or to come) that satisfies `predicate`. */
    waitFor: (predicate: (request: WebhookRequest) => boolean, timeoutMs?: number) => Promise<WebhookRequest>;
  };
  /** GET /api/v1/query (instant, now). */
  query: (promql: string) => Promise<PrometheusResponse>;
  /**
   * Whether Prometheus parses `promql`: an answer of errorType bad_data is a parse error; an execution error (e.g.
   * many-to-many matching) means the query parsed.
   */
  queryParses: (promql: string) => Promise<{ ok: true } | { ok: false; error: string }>;
  /**
   * Resolves with Alertmanager's active alerts named `name` once there is one (i.e. Prometheus scraped, evaluated,
   * fired and sent it). On timeout, rejects with Prometheus's targets, rules and alerts and both processes' logs.
   */
  waitForAlert: (name: string, timeoutMs?: number) => Promise<AlertmanagerAlert[]>;
  /** Both processes' recent output, for assertion messages. */
  logs: () => string;
  stop: () => Promise<void>;
}

const running = new Set<() => void>();
let exitHookInstalled = false;
const installExitHook = () => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous: on exit, only synchronous work runs. SIGKILL, then the folders go.
  process.on('exit', () => {
    for (const stopNow of running) stopNow();
  });
  // A test runner's SIGINT or SIGTERM (a timeout, ^C) ends the process without 'exit': clean up, then let the
  // signal do what it would have done (the handler is removed first so the default action applies).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      for (const stopNow of running) stopNow();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
};

/** A port that was free a moment ago on 127.0.0.1 (for processes that cannot be told to take port 0). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const listen = (server: http.Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });

const closeServer = (server: http.Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The last `limit` characters a process wrote, stdout and stderr interleaved. */
class OutputTail {
  private text = '';
  constructor(private readonly limit = 32_768) {}
  add(chunk: Buffer | string) {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }
  toString() {
    return this.text;
  }
}

/** Rewrites the intervals of prometheus.yml (see MonitoringStackOptions.evaluationInterval). */
export const withIntervals = (prometheusYaml: string, interval: string): string => {
  const document = parseDocument(prometheusYaml);
  document.setIn(['global', 'scrape_interval'], interval);
  document.setIn(['global', 'evaluation_interval'], interval);
  // A timeout longer than the interval is refused: the default (10 s, or the interval when shorter) applies.
  document.deleteIn(['global', 'scrape_timeout']);
  const jobs = document.get('scrape_configs') as { items?: unknown[] } | undefined;
  for (let index = 0; index < (jobs?.items?.length ?? 0); index += 1) {
    if (document.hasIn(['scrape_configs', index, 'scrape_interval'])) document.setIn(['scrape_configs', index, 'scrape_interval'], interval);
    document.deleteIn(['scrape_configs', index, 'scrape_timeout']);
  }
  return document.toString({ lineWidth: 0 });
};

/** Rewrites every rule group's `interval` (see MonitoringStackOptions.evaluationInterval). */
export const withRuleIntervals = (rulesYaml: string, interval: string): string => {
  const document = parseDocument(rulesYaml);
  const groups = document.get('groups') as { items?: unknown[] } | undefined;
  for (let index = 0; index < (groups?.items?.length ?? 0); index += 1) {
    if (document.hasIn(['groups', index, 'interval'])) document.setIn(['groups', index, 'interval'], interval);
  }
  return document.toString({ lineWidth: 0 });
};

/** Gives every route of alertmanager.yml this group_wait and group_interval (see MonitoringStackOptions.groupWait). */
export const withGroupWait = (alertmanagerYaml: string, wait: string): string => {
  const document = parseDocument(alertmanagerYaml);
  const visit = (at: (string | number)[]) => {
    if (!document.hasIn(at)) return;
    document.setIn([...at, 'group_wait'], wait);
    document.setIn([...at, 'group_interval'], wait);
    const routes = document.getIn([...at, 'routes']) as { items?: unknown[] } | undefined;
    for (let index = 0; index < (routes?.items?.length ?? 0); index += 1) visit([...at, 'routes', index]);
  };
  visit(['route']);
  return document.toString({ lineWidth: 0 });
};

const writeFile = (root: string, relative: string, text: string) => {
  const file = path.resolve(root, relative);
  if (path.relative(root, file).startsWith('..')) throw new Error(`${relative} is outside the stack's folder`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};

const getJson = async (url: string, init?: RequestInit): Promise<unknown> => {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${url}: HTTP ${response.status}, not JSON: ${text.slice(0, 2000)}`);
  }
};

/** Starts the stack; see the top of this file. Rejects (after cleaning up) with both processes' output if either is not ready in time. */
export const startMonitoringStack = async (options: MonitoringStackOptions): Promise<MonitoringStack> => {
  for (const binary of [prometheusBinary, alertmanagerBinary]) {
    if (!existsSync(binary)) {
      throw new Error(`${binary} is missing: the Debian packages prometheus and prometheus-alertmanager are needed (scripts/setup-validators.sh installs them)`);
    }
  }
  installExitHook();
  const root = mkdtempSync(path.join(os.tmpdir(), 'phase4-monitoring-'));
  const received: WebhookRequest[] = [];
  const waiters = new Set<() => void>();
  const children: { name: string; child: ChildProcess; output: OutputTail }[] = [];
  const servers: http.Server[] = [];
  let stopped = false;

  const killAllNow = () => {
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  running.add(killAllNow);

  const logs = () =>
    children.map(({ name, child, output }) => `--- ${name} (pid ${child.pid}, ${child.exitCode === null && child.signalCode === null ? 'running' : `exited ${child.exitCode ?? child.signalCode}`}):\n${output}`).join('\n');

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              child.kill('SIGKILL');
            }, 5_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    await Promise.all(servers.map(closeServer));
    for (const wake of waiters) wake();
    running.delete(killAllNow);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    // The target and the webhook receiver take port 0: no race.
    const target = http.createServer((request, response) => {
      let text: string;
      try {
        text = options.targetMetrics();
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
    });
    const webhook = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // kept as text
        }
        received.push({ path: request.url ?? '/', headers: request.headers, body, text });
        for (const wake of waiters) wake();
        // Slack expects 200 "ok", PagerDuty's Events API 202 with JSON; both notifiers accept any 2xx.
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"status":"success"}');
      });
    });
    servers.push(target, webhook);
    const targetPort = await listen(target);
    const webhookPort = await listen(webhook);
    const prometheusPort = await freePort();
    let alertmanagerPort = await freePort();
    while (alertmanagerPort === prometheusPort) alertmanagerPort = await freePort();

    const addresses: MonitoringAddresses = {
      root,
      path: (relative) => path.resolve(root, relative),
      prometheus: `127.0.0.1:${prometheusPort}`,
      alertmanager: `127.0.0.1:${alertmanagerPort}`,
      target: `127.0.0.1:${targetPort}`,
      prometheusUrl: `http://127.0.0.1:${prometheusPort}`,
      alertmanagerUrl: `http://127.0.0.1:${alertmanagerPort}`,
      webhookUrl: `http://127.0.0.1:${webhookPort}`,
    };
    const render = (text: Text) => (typeof text === 'function' ? text(addresses) : text);

    for (const [relative, text] of Object.entries(options.files ?? {})) writeFile(root, relative, render(text));
    let prometheusYaml = render(options.prometheusConfig);
    if (options.evaluationInterval) prometheusYaml = withIntervals(prometheusYaml, options.evaluationInterval);
    const prometheusFile = writeFile(root, 'prometheus/prometheus.yml', prometheusYaml);
    for (const [relative, text] of Object.entries(options.ruleFiles ?? {})) {
      const rules = render(text);
      writeFile(path.join(root, 'prometheus'), relative, options.evaluationInterval ? withRuleIntervals(rules, options.evaluationInterval) : rules);
    }
    let alertmanagerYaml = render(options.alertmanagerConfig);
    if (options.groupWait) alertmanagerYaml = withGroupWait(alertmanagerYaml, options.groupWait);
    const alertmanagerFile = writeFile(root, 'alertmanager/alertmanager.yml', alertmanagerYaml);
    mkdirSync(path.join(root, 'prometheus-data'));
    mkdirSync(path.join(root, 'alertmanager-data'));

    const start = (name: string, binary: string, args: string[], cwd: string) => {
      const output = new OutputTail();
      // Only PATH and HOME: nothing of the caller's environment (proxies, GOMAXPROCS...) changes what runs.
      const child = spawn(binary, args, { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk) => output.add(chunk));
      child.stderr?.on('data', (chunk) => output.add(chunk));
      child.on('error', (error) => output.add(`\n[spawn error] ${error.message}\n`));
      children.push({ name, child, output });
    };
    start('alertmanager', alertmanagerBinary, [
      `--config.file=${alertmanagerFile}`,
      `--storage.path=${path.join(root, 'alertmanager-data')}`,
      `--web.listen-address=${addresses.alertmanager}`,
      // No gossip: a lone instance, no cluster port.
      '--cluster.listen-address=',
      '--log.level=info',
    ], path.join(root, 'alertmanager'));
    start('prometheus', prometheusBinary, [
      `--config.file=${prometheusFile}`,
      `--storage.tsdb.path=${path.join(root, 'prometheus-data')}`,
      `--web.listen-address=${addresses.prometheus}`,
      '--log.level=info',
    ], path.join(root, 'prometheus'));

    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    for (const [name, url] of [['alertmanager', addresses.alertmanagerUrl], ['prometheus', addresses.prometheusUrl]]) {
      for (;;) {
        const child = children.find((entry) => entry.name === name)!.child;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it was ready`);
        try {
          const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
          await response.arrayBuffer();
          if (response.ok) break;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`${name} was not ready at ${url}/-/ready within ${options.startTimeoutMs ?? 60_000} ms`);
        await sleep(100);
      }
    }

    const query = async (promql: string): Promise<PrometheusResponse> =>
      (await getJson(`${addresses.prometheusUrl}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: promql }).toString(),
      })) as PrometheusResponse;

    const diagnostics = async (): Promise<string> => {
      const parts: string[] = [];
      for (const endpoint of ['/api/v1/targets', '/api/v1/rules', '/api/v1/alerts']) {
        try {
          parts.push(`${endpoint}: ${JSON.stringify(await getJson(`${addresses.prometheusUrl}${endpoint}`)).slice(0, 4000)}`);
        } catch (error) {
          parts.push(`${endpoint}: ${(error as Error).message}`);
        }
      }
      parts.push(`webhook received ${received.length} request(s): ${received.map((request) => `${request.path} ${request.text.slice(0, 500)}`).join('\n')}`);
      return `${parts.join('\n')}\n${logs()}`;
    };

    const waitUntil = async <T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined> | T | undefined): Promise<T> => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        if (stopped) throw new Error(`${what}: the stack was stopped`);
        const found = await attempt();
        if (found !== undefined) return found;
        if (Date.now() > until) throw new Error(`${what}: nothing within ${timeoutMs} ms\n${await diagnostics()}`);
        // Woken early by a webhook request, else polls every 250 ms.
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, 250);
          waiters.add(wake);
        });
      }
    };

    return {
      ...addresses,
      prometheusConfigFile: prometheusFile,
      alertmanagerConfigFile: alertmanagerFile,
      webhook: {
        url: addresses.webhookUrl,
        requests: () => [...received],
        waitFor: (predicate, timeoutMs = 60_000) => waitUntil('webhook.waitFor', timeoutMs, () => received.find(predicate)),
      },
      query,
      queryParses: async (promql) => {
        const answer = await query(promql);
        if (answer.status === 'success' || answer.errorType !== 'bad_data') return { ok: true };
        return { ok: false, error: answer.error ?? 'bad_data' };
      },
      waitForAlert: (name, timeoutMs = 60_000) =>
        waitUntil(`waitForAlert(${name})`, timeoutMs, async () => {
          const alerts = (await getJson(`${addresses.alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${name}"`)}`)) as AlertmanagerAlert[];
          return Array.isArray(alerts) && alerts.length > 0 ? alerts : undefined;
        }),
      logs,
      stop,
    };
  } catch (error) {
    const message = `${(error as Error).message}\n${logs()}`;
    await stop();
    throw new Error(`startMonitoringStack (in ${root}, now removed): ${message}`);
  }
};
