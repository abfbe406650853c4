/**
 * The front-end nginx configuration, run by the real nginx on loopback. The generated files are used as
 * they are, except for container paths and addresses, which the test maps onto its temp folder:
 *   /etc/nginx/...              -> <prefix>/etc/nginx/... (includes; mime.types is Debian's own)
 *   /tmp/...                    -> <prefix>/tmp/...       (pid, temp paths, runtime configuration)
 *   /usr/share/nginx/html       -> <prefix>/html          (a tiny built SPA written by the test)
 *   listen <port>               -> listen 127.0.0.1:<free port>
 *   server <backend>:<port>     -> server 127.0.0.1:<port of a fake back end started by the test>
 * and, only when the test runs as root (CI), `user root;` is added to the main configuration: a root
 * master would otherwise start its workers as `nobody`, who cannot read the 0700 temp folder. nginx's
 * stdout is a file here (the access log goes to /dev/stdout, which cannot be opened on the socket that
 * Node would give it). The entrypoint script runs with sh (dash here, BusyBox sh in the image) against
 * <prefix>/tmp too.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../../lib/catalog/service.js';
import type { RenderedFile } from '../../lib/render/render.js';
import { tempDir } from '../helpers/folders.js';
import { requireTool } from '../helpers/tools.js';
import { matrixConfigs } from './matrix.js';
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

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw HTTP GET (no automatic decompression, so Content-Encoding is what nginx sent). */
const get = (port: number, urlPath: string, headers: Record<string, string> = {}) =>
  new Promise<Answer>((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.setTimeout(3000, () => request.destroy(new Error(`GET ${urlPath} timed out`)));
  });

const prefix = tempDir('phase4-nginx-');
const files = new Map<string, RenderedFile>(renderConfig(config).map((file) => [file.path, file]));
const generated = (name: string) => {
  const file = files.get(`apps/web/nginx/${name}`);
  assert.ok(file, `apps/web/nginx/${name} was not planned`);
  return file.contents;
};

let nginxPort = 0;
let backendPort = 0;
let backend: http.Server | undefined;
let nginx: ChildProcess | undefined;
let nginxOutput = '';
/** nginx's stdout, where the access log goes. */
const accessLog = path.join(prefix, 'stdout.log');
const backendRequests: { url: string; headers: http.IncomingHttpHeaders }[] = [];

/** Container paths mapped onto a prefix folder, in one pass (the prefix itself lives under /tmp). */
const mapPaths = (text: string, root: string) =>
  text.replace(/\/etc\/nginx\/|\/tmp\/|\/usr\/share\/nginx\/html/g, (containerPath) =>
    containerPath === '/usr/share/nginx/html' ? `${root}/html` : `${root}${containerPath}`,
  );

/** The container paths and addresses of the generated files, mapped onto the test's prefix and ports. */
const localise = (text: string) =>
  mapPaths(text, prefix)
    .replace(/listen \d+;/, `listen 127.0.0.1:${nginxPort};`)
    .replace('server api:3000;', `server 127.0.0.1:${backendPort};`);

const runEntrypoint = (apiUrl: string | undefined) => {
  const script = path.join(prefix, '40-runtime-config.sh');
  writeFileSync(script, localise(generated('40-runtime-config.sh')));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  if (apiUrl !== undefined) env.API_URL = apiUrl;
  return spawnSync('sh', [script], { env, encoding: 'utf8' });
};

const runtimeFile = (name: string) => readFileSync(path.join(prefix, 'tmp', 'runtime-config', name), 'utf8');

const nginxArgs = () => ['-p', `${prefix}/`, '-c', path.join(prefix, 'etc', 'nginx', 'nginx.conf'), '-e', 'stderr'];

describe('front-end nginx configuration on the real nginx', () => {
  before(async () => {
    backend = http.createServer((request, response) => {
      backendRequests.push({ url: request.url ?? '', headers: request.headers });
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ from: 'fake-api', url: request.url }));
    });
    await new Promise<void>((resolve) => backend!.listen(0, '127.0.0.1', resolve));
    backendPort = (backend.address() as net.AddressInfo).port;
    nginxPort = await freePort();

    const etc = path.join(prefix, 'etc', 'nginx');
    mkdirSync(path.join(etc, 'conf.d'), { recursive: true });
    mkdirSync(path.join(etc, 'snippets'), { recursive: true });
    mkdirSync(path.join(prefix, 'tmp'), { recursive: true });
    mkdirSync(path.join(prefix, 'html', 'assets'), { recursive: true });
    copyFileSync('/etc/nginx/mime.types', path.join(etc, 'mime.types'));
    const runningAsRoot = process.getuid?.() === 0;
    writeFileSync(path.join(etc, 'nginx.conf'), (runningAsRoot ? 'user root;\n' : '') + localise(generated('nginx.conf')));
    writeFileSync(path.join(etc, 'conf.d', 'default.conf'), localise(generated('default.conf')));
    writeFileSync(path.join(etc, 'snippets', 'security-headers.conf'), localise(generated('security-headers.conf')));

    // A built SPA in miniature: index.html, hashed assets large enough to be compressed, an unhashed file.
    const script = `export const items = [${Array.from({ length: 400 }, (_, i) => `"item-${i}"`).join(', ')}];\n`;
    writeFileSync(
      path.join(prefix, 'html', 'index.html'),
      `<!doctype html>\n<html><head><script src="/config.js"></script><script type="module" src="/assets/app.3f2a1b.js"></script>` +
        `<link rel="stylesheet" href="/assets/app.3f2a1b.css"></head><body><div id="root">${'<p>shop</p>'.repeat(200)}</div></body></html>\n`,
    );
    writeFileSync(path.join(prefix, 'html', 'assets', 'app.3f2a1b.js'), script);
    writeFileSync(path.join(prefix, 'html', 'assets', 'app.3f2a1b.css'), `${'.item { color: #123456; }\n'.repeat(200)}`);
    writeFileSync(path.join(prefix, 'html', 'robots.txt'), 'User-agent: *\n');

    const entrypoint = runEntrypoint('https://api.shop.example.com/v1');
    assert.equal(entrypoint.status, 0, entrypoint.stderr);

    const stdout = openSync(accessLog, 'a');
    try {
      const check = spawnSync(requireTool('nginx'), [...nginxArgs(), '-t'], { encoding: 'utf8', stdio: ['ignore', stdout, 'pipe'] });
      assert.equal(check.status, 0, `nginx -t failed:\n${check.stderr}`);
      nginx = spawn(requireTool('nginx'), [...nginxArgs(), '-g', 'daemon off;'], { stdio: ['ignore', stdout, 'pipe'] });
    } finally {
      closeSync(stdout);
    }
    nginx.stderr?.on('data', (chunk: Buffer) => (nginxOutput += chunk.toString()));
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await get(nginxPort, '/healthz');
        break;
      } catch (error) {
        if (Date.now() > deadline || nginx.exitCode !== null) throw new Error(`nginx did not start: ${String(error)}\n${nginxOutput}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (nginx.exitCode === null) nginx.kill('SIGKILL');
    }
    await new Promise((resolve) => (backend ? backend.close(resolve) : resolve(undefined)));
  });

  test('a deep link gets the application index.html, not cached for long', async () => {
    const answer = await get(nginxPort, '/orders/42');
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/html/);
    assert.match(answer.body.toString(), /<div id="root">/);
    assert.equal(answer.headers['cache-control'], 'no-cache');
  });

  test('index.html and / are revalidated on every use', async () => {
    for (const urlPath of ['/', '/index.html']) {
      const answer = await get(nginxPort, urlPath);
      assert.equal(answer.status, 200, urlPath);
      assert.equal(answer.headers['cache-control'], 'no-cache', urlPath);
    }
  });

  test('hashed assets are cached for a year as immutable', async () => {
    for (const urlPath of ['/assets/app.3f2a1b.js', '/assets/app.3f2a1b.css']) {
      const answer = await get(nginxPort, urlPath);
      assert.equal(answer.status, 200, urlPath);
      const cacheControl = String(answer.headers['cache-control']);
      assert.match(cacheControl, /\bimmutable\b/, urlPath);
      assert.ok(Number(cacheControl.match(/max-age=(\d+)/)?.[1]) >= 31536000, `${urlPath}: ${cacheControl}`);
    }
  });

  test('a missing script is a 404, not the application HTML; other files are revalidated', async () => {
    assert.equal((await get(nginxPort, '/assets/gone.4b5c6d.js')).status, 404);
    assert.equal((await get(nginxPort, '/missing.js')).status, 404);
    const robots = await get(nginxPort, '/robots.txt');
    assert.equal(robots.status, 200);
    assert.equal(robots.headers['cache-control'], 'no-cache');
  });

  test('every kind of response carries the security headers, and the nginx version is hidden', async () => {
    for (const urlPath of ['/', '/orders/42', '/assets/app.3f2a1b.js', '/robots.txt', '/healthz', '/config.js', '/missing.js']) {
      const { headers } = await get(nginxPort, urlPath);
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
    const plain = await get(nginxPort, '/');
    assert.equal(plain.headers['strict-transport-security'], undefined);
    const tls = await get(nginxPort, '/', { 'X-Forwarded-Proto': 'https' });
    assert.match(String(tls.headers['strict-transport-security']), /^max-age=31536000; includeSubDomains$/);
  });

  test('/healthz answers 200 and is not logged', async () => {
    const answer = await get(nginxPort, '/healthz');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.toString(), 'ok\n');
    await get(nginxPort, '/orders/7');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const logged = readFileSync(accessLog, 'utf8');
    assert.match(logged, /GET \/orders\/7/, 'the access log is not on stdout');
    assert.doesNotMatch(logged, /GET \/healthz/);
  });

  test('gzip compresses HTML, scripts and style sheets', async () => {
    for (const urlPath of ['/', '/assets/app.3f2a1b.js', '/assets/app.3f2a1b.css']) {
      const answer = await get(nginxPort, urlPath, { 'Accept-Encoding': 'gzip' });
      assert.equal(answer.headers['content-encoding'], 'gzip', urlPath);
      assert.match(String(answer.headers.vary), /Accept-Encoding/, urlPath);
      const original = readFileSync(path.join(prefix, 'html', urlPath === '/' ? 'index.html' : urlPath.slice(1)));
      assert.deepEqual(zlib.gunzipSync(answer.body), original, urlPath);
    }
  });

  test('/api/ reaches the back end unchanged, with the forwarding headers', async () => {
    const answer = await get(nginxPort, '/api/items?limit=5', { 'X-Forwarded-Proto': 'https' });
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body.toString()), { from: 'fake-api', url: '/api/items?limit=5' });
    const seen = backendRequests.at(-1);
    assert.equal(seen?.headers['x-forwarded-proto'], 'https');
    assert.equal(seen?.headers['x-forwarded-for'], '127.0.0.1');
  });

  test('the API URL set at start reaches the browser and the CSP', async () => {
    assert.equal(runtimeFile('config.js'), 'window.__APP_CONFIG__ = Object.freeze({ apiUrl: "https://api.shop.example.com/v1" });\n');
    const config = await get(nginxPort, '/config.js');
    assert.equal(config.status, 200);
    assert.match(String(config.headers['content-type']), /javascript/);
    assert.match(config.body.toString(), /apiUrl: "https:\/\/api\.shop\.example\.com\/v1"/);
    assert.equal(config.headers['cache-control'], 'no-cache');
    assert.match(String(config.headers['content-security-policy']), /connect-src 'self' https:\/\/api\.shop\.example\.com;/);
  });

  test('the entrypoint script writes a same-origin API URL, and refuses unsafe ones', () => {
    const relative = runEntrypoint('/api');
    assert.equal(relative.status, 0, relative.stderr);
    assert.match(runtimeFile('config.js'), /apiUrl: "\/api"/);
    assert.equal(runtimeFile('api-origin.conf'), 'set $api_origin "";\n');
    for (const unsafe of ['https://x.example.com/"};alert(1)//', 'javascript:alert(1)', 'ftp://files.example.com', 'api.example.com']) {
      const refused = runEntrypoint(unsafe);
      assert.equal(refused.status, 1, `API_URL=${unsafe} was accepted`);
      assert.match(refused.stderr, /API_URL/);
    }
    // The configuration on disk is still the last good one.
    assert.match(runtimeFile('config.js'), /apiUrl: "\/api"/);
  });
});

describe('front-end nginx configuration without a back end', () => {
  test('has no /api proxy and passes nginx -t', () => {
    const solo = matrixConfigs()[1];
    const rendered = new Map(renderConfig(solo).map((file) => [file.path, file.contents]));
    const server = rendered.get('web/nginx/default.conf');
    assert.ok(server);
    assert.doesNotMatch(server, /location \/api\/|upstream|proxy_pass/);
    const soloPrefix = tempDir('phase4-nginx-solo-');
    const etc = path.join(soloPrefix, 'etc', 'nginx');
    mkdirSync(path.join(etc, 'conf.d'), { recursive: true });
    mkdirSync(path.join(etc, 'snippets'), { recursive: true });
    mkdirSync(path.join(soloPrefix, 'tmp'), { recursive: true });
    copyFileSync('/etc/nginx/mime.types', path.join(etc, 'mime.types'));
    const local = (text: string) => mapPaths(text, soloPrefix);
    writeFileSync(path.join(etc, 'nginx.conf'), (process.getuid?.() === 0 ? 'user root;\n' : '') + local(rendered.get('web/nginx/nginx.conf')!));
    writeFileSync(path.join(etc, 'conf.d', 'default.conf'), local(server));
    writeFileSync(path.join(etc, 'snippets', 'security-headers.conf'), local(rendered.get('web/nginx/security-headers.conf')!));
    const stdout = openSync(path.join(soloPrefix, 'stdout.log'), 'a');
    const check = spawnSync(requireTool('nginx'), ['-p', `${soloPrefix}/`, '-c', path.join(etc, 'nginx.conf'), '-e', 'stderr', '-t'], {
      encoding: 'utf8',
      stdio: ['ignore', stdout, 'pipe'],
    });
    closeSync(stdout);
    assert.equal(check.status, 0, check.stderr);
  });
});
