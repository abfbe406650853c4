/**
 * The front-end nginx configuration, run by the real nginx exactly as generated (nginx-sandbox.ts: a private
 * network namespace and private mounts, every file at the container path its Dockerfile copies it to, nginx on
 * the port the files name) and checked over HTTP: deep links, cache headers, security headers, gzip,
 * /healthz, /api to a fake back end reached under its compose name, API_URL and API_UPSTREAM (where /api goes:
 * another HOST:PORT, or `off` on a platform whose load balancer routes /api, where nginx must start although the
 * back end's name resolves nowhere). The entrypoint script runs inside first, with the image's ENV and the
 * variables a deployment sets; the refusal cases run it again outside, with its /tmp mapped onto the sandbox's
 * /tmp folder (the only rewrite, of the script, not of nginx's configuration).
 * Every other configuration of the matrices runs in nginx-matrix.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../../lib/catalog/service.js';
import { minimalEnvironment } from '../helpers/tools.js';
import { matrixConfigs } from './matrix.js';
import { frontEndImage, startFakeBackend, startSandbox, type Answer, type Sandbox } from './nginx-sandbox.js';
import { renderConfig } from './rendered.js';

const web: Service = {
  name: 'web',
  path: 'apps/web',
  kind: 'frontend',
  language: 'node',
  framework: 'react',
  packageManager: 'npm',
  port: 8080,
  healthPath: '/healthz',
  commands: { install: 'npm ci', build: 'npm run build', test: 'npm test' },
  buildContext: '.',
};
const api: Service = {
  name: 'api',
  path: 'apps/api',
  kind: 'backend',
  language: 'node',
  framework: 'express',
  packageManager: 'npm',
  port: 3000,
  healthPath: '/healthz',
  commands: { install: 'npm ci', test: 'npm test' },
  buildContext: '.',
};
const config = { ...matrixConfigs()[0], name: 'shop', services: [web, api] };

const rendered = new Map(renderConfig(config).map((file) => [file.path, file.contents]));
const image = frontEndImage('shop/web', config, web, rendered);

let sandbox: Sandbox;
let backend: Awaited<ReturnType<typeof startFakeBackend>>;
const get = (urlPath: string, headers: Record<string, string> = {}): Promise<Answer> => sandbox.get(urlPath, headers);
const html = (file: string) => readFileSync(path.join(sandbox.root, 'html', file));
const runtimeFile = (name: string) => readFileSync(path.join(sandbox.root, 'tmp', 'runtime-config', name), 'utf8');

/**
 * The entrypoint script again, outside the sandbox: its /tmp is the sandbox's /tmp folder. The environment is the
 * image's ENV with `env` over it (undefined: the variable unset).
 */
const runEntrypoint = (env: Record<string, string | undefined>) => {
  const script = path.join(sandbox.root, '40-runtime-config.sh');
  writeFileSync(script, image.files['/docker-entrypoint.d/40-runtime-config.sh'].replaceAll('/tmp/', `${sandbox.root}/tmp/`));
  const merged = Object.fromEntries(Object.entries({ ...image.env, ...env }).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return spawnSync('sh', [script], { env: minimalEnvironment(merged), encoding: 'utf8' });
};

/** A built SPA in miniature: index.html, hashed assets large enough to be compressed, an unhashed file. */
const spa = {
  'index.html':
    `<!doctype html>\n<html><head><script src="/config.js"></script><script type="module" src="/assets/app.3f2a1b.js"></script>` +
    `<link rel="stylesheet" href="/assets/app.3f2a1b.css"></head><body><div id="root">${'<p>shop</p>'.repeat(200)}</div></body></html>\n`,
  'assets/app.3f2a1b.js': `export const items = [${Array.from({ length: 400 }, (_, i) => `"item-${i}"`).join(', ')}];\n`,
  'assets/app.3f2a1b.css': `${'.item { color: #123456; }\n'.repeat(200)}`,
  'robots.txt': 'User-agent: *\n',
};

describe('front-end nginx configuration on the real nginx', () => {
  before(async () => {
    backend = await startFakeBackend();
    sandbox = await startSandbox({
      files: image.files,
      port: web.port!,
      env: { ...image.env, API_URL: 'https://api.shop.example.com/v1' },
      backend: { name: api.name, port: api.port!, socket: backend.socket },
      html: spa,
      commands: image.commands,
    });
    const { report } = sandbox;
    assert.equal(report.entrypoint?.status, 0, report.entrypoint?.output);
    assert.equal(report.test?.status, 0, `nginx -t failed:\n${report.test?.output}`);
    assert.equal(report.error, null, `${report.error}\n${report.nginxOutput}`);
    assert.deepEqual(report.listening, [web.port]);
    for (const command of report.commands) assert.equal(command.status, 0, `${command.argv.join(' ')}: ${command.output}`);
  });

  after(async () => {
    await sandbox?.stop();
    await backend?.close();
  });

  test('a deep link gets the application index.html, not cached for long', async () => {
    const answer = await get('/orders/42');
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/html/);
    assert.match(answer.body.toString(), /<div id="root">/);
    assert.equal(answer.headers['cache-control'], 'no-cache');
  });

  test('index.html and / are revalidated on every use', async () => {
    for (const urlPath of ['/', '/index.html']) {
      const answer = await get(urlPath);
      assert.equal(answer.status, 200, urlPath);
      assert.equal(answer.headers['cache-control'], 'no-cache', urlPath);
    }
  });

  test('hashed assets are cached for a year as immutable', async () => {
    for (const urlPath of ['/assets/app.3f2a1b.js', '/assets/app.3f2a1b.css']) {
      const answer = await get(urlPath);
      assert.equal(answer.status, 200, urlPath);
      const cacheControl = String(answer.headers['cache-control']);
      assert.match(cacheControl, /\bimmutable\b/, urlPath);
      assert.ok(Number(cacheControl.match(/max-age=(\d+)/)?.[1]) >= 31536000, `${urlPath}: ${cacheControl}`);
    }
  });

  test('a missing script is a 404, not the application HTML; other files are revalidated', async () => {
    assert.equal((await get('/assets/gone.4b5c6d.js')).status, 404);
    assert.equal((await get('/missing.js')).status, 404);
    const robots = await get('/robots.txt');
    assert.equal(robots.status, 200);
    assert.equal(robots.headers['cache-control'], 'no-cache');
  });

  test('every kind of response carries the security headers, and the nginx version is hidden', async () => {
    for (const urlPath of ['/', '/orders/42', '/assets/app.3f2a1b.js', '/robots.txt', '/healthz', '/config.js', '/missing.js']) {
      const { headers } = await get(urlPath);
      const csp = String(headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, urlPath);
      assert.match(csp, /frame-ancestors 'none'/, urlPath);
      assert.match(csp, /object-src 'none'/, urlPath);
      assert.equal(headers['x-content-type-options'], 'nosniff', urlPath);
      assert.equal(headers['referrer-policy'], 'strict-origin-when-cross-origin', urlPath);
      assert.match(String(headers['permissions-policy']), /camera=\(\)/, urlPath);
      assert.equal(headers.server, 'nginx', urlPath);
    }
  });

  test('HSTS only when the request reached the edge over HTTPS', async () => {
    const plain = await get('/');
    assert.equal(plain.headers['strict-transport-security'], undefined);
    const tls = await get('/', { 'X-Forwarded-Proto': 'https' });
    assert.match(String(tls.headers['strict-transport-security']), /^max-age=31536000; includeSubDomains$/);
  });

  test('/healthz answers 200 and is not logged', async () => {
    const answer = await get('/healthz');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.toString(), 'ok\n');
    await get('/orders/7');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const logged = readFileSync(path.join(sandbox.root, 'stdout.log'), 'utf8');
    assert.match(logged, /GET \/orders\/7/, 'the access log is not on stdout');
    assert.doesNotMatch(logged, /GET \/healthz/);
  });

  test('gzip compresses HTML, scripts and style sheets', async () => {
    for (const urlPath of ['/', '/assets/app.3f2a1b.js', '/assets/app.3f2a1b.css']) {
      const answer = await get(urlPath, { 'Accept-Encoding': 'gzip' });
      assert.equal(answer.headers['content-encoding'], 'gzip', urlPath);
      assert.match(String(answer.headers.vary), /Accept-Encoding/, urlPath);
      const original = html(urlPath === '/' ? 'index.html' : urlPath.slice(1));
      assert.deepEqual(zlib.gunzipSync(answer.body), original, urlPath);
    }
  });

  test('/api/ reaches the back end unchanged, with the forwarding headers', async () => {
    const answer = await get('/api/items?limit=5', { 'X-Forwarded-Proto': 'https' });
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body.toString()), { from: 'fake-api', url: '/api/items?limit=5' });
    const seen = backend.requests.at(-1);
    assert.equal(seen?.headers['x-forwarded-proto'], 'https');
    assert.equal(seen?.headers['x-forwarded-for'], '127.0.0.1');
  });

  test('the API URL set at start reaches the browser and the CSP', async () => {
    assert.equal(runtimeFile('config.js'), 'window.__APP_CONFIG__ = Object.freeze({ apiUrl: "https://api.shop.example.com/v1" });\n');
    const config = await get('/config.js');
    assert.equal(config.status, 200);
    assert.match(String(config.headers['content-type']), /javascript/);
    assert.match(config.body.toString(), /apiUrl: "https:\/\/api\.shop\.example\.com\/v1"/);
    assert.equal(config.headers['cache-control'], 'no-cache');
    assert.match(String(config.headers['content-security-policy']), /connect-src 'self' https:\/\/api\.shop\.example\.com;/);
  });

  test('the image proxies /api to the compose and Kubernetes name by default', () => {
    assert.equal(image.env.API_UPSTREAM, `${api.name}:${api.port}`);
    assert.match(runtimeFile('http.d/api-upstream.conf'), /^upstream api_backend \{\n {4}server api:3000;\n/);
    assert.equal(runtimeFile('api.d/api-proxy.conf'), 'proxy_pass http://api_backend;\n');
  });

  test('the entrypoint script writes a same-origin API URL, and refuses unsafe ones', () => {
    const relative = runEntrypoint({ API_URL: '/api' });
    assert.equal(relative.status, 0, relative.stderr);
    assert.match(runtimeFile('config.js'), /apiUrl: "\/api"/);
    assert.equal(runtimeFile('api-origin.conf'), 'set $api_origin "";\n');
    for (const unsafe of ['https://x.example.com/"};alert(1)//', 'javascript:alert(1)', 'ftp://files.example.com', 'api.example.com']) {
      const refused = runEntrypoint({ API_URL: unsafe });
      assert.equal(refused.status, 1, `API_URL=${unsafe} was accepted`);
      assert.match(refused.stderr, /API_URL/);
    }
    // The configuration on disk is still the last good one.
    assert.match(runtimeFile('config.js'), /apiUrl: "\/api"/);
  });

  test('the entrypoint script accepts HOST:PORT and off for API_UPSTREAM, and refuses anything else', () => {
    const other = runEntrypoint({ API_UPSTREAM: 'shop-api.internal:8443' });
    assert.equal(other.status, 0, other.stderr);
    assert.match(runtimeFile('http.d/api-upstream.conf'), /server shop-api\.internal:8443;/);
    const off = runEntrypoint({ API_UPSTREAM: 'off' });
    assert.equal(off.status, 0, off.stderr);
    assert.doesNotMatch(runtimeFile('http.d/api-upstream.conf'), /upstream|server/);
    assert.equal(runtimeFile('api.d/api-proxy.conf'), 'return 404;\n');
    const refusals = [undefined, '', 'api', 'api:', ':3000', 'api:0', 'api:08', 'api:65536', 'api:123456', 'http://api:3000', 'api:3000;', 'api:3000 ', 'a b:1', '-api:3000', 'api;evil:1', 'OFF', '[::1]:3000'];
    for (const value of refusals) {
      const refused = runEntrypoint({ API_URL: '/api', API_UPSTREAM: value });
      assert.equal(refused.status, 1, `API_UPSTREAM=${JSON.stringify(value)} was accepted`);
      assert.match(refused.stderr, /API_UPSTREAM must be HOST:PORT \(such as api:3000\) or off/, String(value));
    }
    // A refusal writes nothing: the last good configuration (off) stays, config.js included.
    assert.equal(runtimeFile('api.d/api-proxy.conf'), 'return 404;\n');
    assert.match(runtimeFile('config.js'), /apiUrl: "\/api"/);
  });
});

describe('the /api proxy target is chosen at container start', () => {
  const site = (env: Record<string, string>, withBackend?: { name: string; port: number; socket: string }) =>
    startSandbox({ files: image.files, port: web.port!, env: { ...image.env, ...env }, ...(withBackend ? { backend: withBackend } : {}), html: spa, commands: [] });

  test("with the default and the back end's name resolving nowhere (Cloud Run), nginx refuses to start", async () => {
    const nowhere = await site({});
    try {
      assert.equal(nowhere.report.entrypoint?.status, 0, nowhere.report.entrypoint?.output);
      assert.notEqual(nowhere.report.test?.status, 0, 'nginx -t accepted an upstream whose name does not resolve');
      assert.match(String(nowhere.report.test?.output), /host not found in upstream "api:3000"/);
    } finally {
      await nowhere.stop();
    }
  });

  test('API_UPSTREAM=off: nginx starts without the name resolving, serves the application and proxies nothing', async () => {
    const fake = await startFakeBackend();
    const off = await site({ API_UPSTREAM: 'off' });
    try {
      const { report } = off;
      assert.equal(report.entrypoint?.status, 0, report.entrypoint?.output);
      assert.equal(report.test?.status, 0, `nginx -t failed:\n${report.test?.output}`);
      assert.equal(report.error, null, `${report.error}\n${report.nginxOutput}`);
      assert.deepEqual(report.listening, [web.port]);
      assert.equal((await off.get('/healthz')).status, 200);
      const page = await off.get('/orders/42');
      assert.equal(page.status, 200);
      assert.match(page.body.toString(), /<div id="root">/);
      const apiAnswer = await off.get('/api/items?limit=5');
      assert.equal(apiAnswer.status, 404, 'a request for /api/ that reaches the front end is not its business');
      assert.doesNotMatch(apiAnswer.body.toString(), /<div id="root">|fake-api/);
      assert.match(String(apiAnswer.headers['content-security-policy']), /default-src 'self'/);
      assert.equal(apiAnswer.headers['x-content-type-options'], 'nosniff');
      assert.equal(fake.requests.length, 0);
    } finally {
      await off.stop();
      await fake.close();
    }
  });

  test('API_UPSTREAM=HOST:PORT: /api/ goes to that name and port, not to the default', async () => {
    const fake = await startFakeBackend();
    const other = await site({ API_UPSTREAM: 'shop-api.internal:4100' }, { name: 'shop-api.internal', port: 4100, socket: fake.socket });
    try {
      const { report } = other;
      assert.equal(report.entrypoint?.status, 0, report.entrypoint?.output);
      assert.equal(report.test?.status, 0, `nginx -t failed:\n${report.test?.output}`);
      assert.equal(report.error, null, `${report.error}\n${report.nginxOutput}`);
      const answer = await other.get('/api/items?limit=5');
      assert.equal(answer.status, 200, answer.body.toString());
      assert.deepEqual(JSON.parse(answer.body.toString()), { from: 'fake-api', url: '/api/items?limit=5' });
      assert.equal(fake.requests.length, 1);
    } finally {
      await other.stop();
      await fake.close();
    }
  });
});

describe('front-end nginx configuration without a back end', () => {
  test('has no /api proxy (nginx-matrix.test.ts runs it)', () => {
    const solo = matrixConfigs()[1];
    const server = new Map(renderConfig(solo).map((file) => [file.path, file.contents])).get('web/nginx/default.conf');
    assert.ok(server);
    assert.doesNotMatch(server, /location \/api\/|upstream|proxy_pass/);
  });
});
