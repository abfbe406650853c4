/**
 * The programs and shell steps the Dockerfiles rely on, run for real where this machine can: the Go and
 * Java health probes (compiled, then pointed at local servers: healthy, failing, closed, and one that accepts
 * the connection but never answers, where the probe must give up at its own timeout; a probe that hangs is
 * killed by the test and reported as hung, never counted as unhealthy), and the RUN steps that choose what to
 * start or to copy (Node's entry point, a front end's build output, Go's main package, Java's jar,
 * pyproject dependencies). Each RUN body is taken from a rendered Dockerfile, with its container paths
 * (/app, /out) mapped onto a temp folder.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempDir, writeTree } from '../helpers/folders.js';
import { minimalEnvironment, requireTool, runTool } from '../helpers/tools.js';
import { renderMatrix } from './rendered.js';

const { images: services } = renderMatrix();
const serviceNamed = (name: string) => {
  const found = services.find((rendered) => rendered.service.name === name);
  assert.ok(found, `no service ${name} in the matrix`);
  return found;
};
/** The body of the RUN in `stage` whose text matches `pattern`. */
const runBody = (service: string, stage: string, pattern: RegExp): string => {
  const { parsed } = serviceNamed(service).dockerfile;
  const body = parsed.stages
    .find((candidate) => candidate.name === stage)
    ?.instructions.find((instruction) => instruction.keyword === 'RUN' && pattern.test(instruction.body))?.body;
  assert.ok(body, `no RUN matching ${pattern} in stage ${stage} of ${service}`);
  return body;
};
const sh = (script: string, cwd: string, env: Record<string, string> = {}) =>
  spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8', env: minimalEnvironment(env) });

/** Both probes give up after three seconds (Go: http.Client.Timeout; Java: connect and read timeouts). */
const probeTimeoutMs = 3000;
/** How long the harness lets a probe run before it kills it: a probe still running by then hangs. */
const harnessLimitMs = probeTimeoutMs + 12_000;

let server: http.Server | undefined;
let base = '';
/** A server that accepts connections and reads the request, but never answers. */
let silent: net.Server | undefined;
let silentBase = '';
const silentSockets = new Set<net.Socket>();
/**
 * When each request reached a test server (performance.now(), by path and query; every probe run asks for a
 * URL of its own): the time a probe took after that is the probe's own, whatever its start-up cost.
 */
const arrivals = new Map<string, number>();
let runs = 0;
/** `path` with a query that names this run. */
const unique = (urlPath: string) => `${urlPath}?run=${++runs}`;
before(async () => {
  server = http.createServer((request, response) => {
    arrivals.set(request.url ?? '', performance.now());
    const pathname = new URL(request.url ?? '/', 'http://probe').pathname;
    response.statusCode = pathname === '/healthz' ? 200 : pathname === '/redirect' ? 302 : 503;
    if (pathname === '/redirect') response.setHeader('Location', '/healthz');
    response.end('probe');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  silent = net.createServer((socket) => {
    silentSockets.add(socket);
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      const requestLine = received.match(/^GET (\S+) HTTP\/1\.1\r\n/);
      if (requestLine && !arrivals.has(requestLine[1])) arrivals.set(requestLine[1], performance.now());
    });
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
  silentBase = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
});
after(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

const closedPort = 'http://127.0.0.1:9/healthz';

interface ProbeRun {
  /** The exit status; null when the probe did not exit by itself. */
  code: number | null;
  /** The harness killed it at its limit: the probe hung. */
  hung: boolean;
  ms: number;
  /** performance.now() when it ended. */
  endedAt: number;
  stderr: string;
}

/**
 * Runs a probe asynchronously (so this process's test servers can answer it) and says how it ended. A probe
 * still running after `limit` is killed and reported as hung: never as an exit status, so a hang cannot pass
 * for the non-zero exit an unhealthy service should cause.
 */
const runProbe = (file: string, args: string[], limit = harnessLimitMs) =>
  new Promise<ProbeRun>((resolve) => {
    const started = performance.now();
    execFile(file, args, { timeout: limit, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      const failure = error as (Error & { code?: number | string; killed?: boolean }) | null;
      const endedAt = performance.now();
      resolve({
        code: failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null,
        hung: failure?.killed === true,
        ms: Math.round(endedAt - started),
        endedAt,
        stderr: failure && typeof failure.code === 'string' ? `${stderr}${failure.message}` : stderr,
      });
    });
  });

const describeRun = (run: ProbeRun) =>
  run.hung ? `hung: still running after ${run.ms} ms, killed by the test` : `exit status ${run.code} after ${run.ms} ms: ${run.stderr.trim()}`;

const assertHealthy = (run: ProbeRun, what: string) => assert.ok(run.code === 0 && !run.hung, `${what}: ${describeRun(run)}`);

/**
 * Unhealthy: the probe exited by itself with status 1, saying why. When a test server received its request
 * (`requested`, path and query), the time from then to the exit is checked: `quick`, shorter than the probe's
 * own timeout (an error status needs no waiting; a refused connection is quick by its reason), or
 * `at its timeout`, when the server never answers.
 */
const assertUnhealthy = (run: ProbeRun, what: string, reason: RegExp, timing: 'quick' | 'at its timeout', requested?: string) => {
  assert.ok(!run.hung, `${what}: ${describeRun(run)}`);
  assert.equal(run.code, 1, `${what}: ${describeRun(run)}`);
  assert.match(run.stderr, reason, `${what}: ${describeRun(run)}`);
  if (requested === undefined) return;
  const arrived = arrivals.get(requested);
  assert.ok(arrived !== undefined, `${what}: the request never reached the test server`);
  const waited = Math.round(run.endedAt - arrived);
  if (timing === 'quick') assert.ok(waited < probeTimeoutMs, `${what}: exited ${waited} ms after its request, as late as its timeout`);
  else {
    // Its clock starts before the request leaves, so the whole run is the lower bound.
    assert.ok(run.ms >= probeTimeoutMs - 50, `${what}: gave up after ${run.ms} ms, before its ${probeTimeoutMs} ms timeout`);
    assert.ok(waited < probeTimeoutMs + 5000, `${what}: gave up ${waited} ms after its request, long after its ${probeTimeoutMs} ms timeout`);
  }
};

/** Runs `probe` healthy, failing (503), against a closed port and against a silent server; checks each ending. */
const checkProbe = async (probe: (url: string) => Promise<ProbeRun>, reasons: { refused: RegExp; timeout: RegExp }) => {
  const [failing, silentPath] = [unique('/failing'), unique('/healthz')];
  // Concurrently: the silent case takes the probe's whole timeout.
  const [healthy, redirected, failed, closed, unanswered] = await Promise.all([
    probe(`${base}${unique('/healthz')}`),
    probe(`${base}${unique('/redirect')}`),
    probe(`${base}${failing}`),
    probe(closedPort),
    probe(`${silentBase}${silentPath}`),
  ]);
  assertHealthy(healthy, '200');
  assertHealthy(redirected, 'a redirect to 200');
  assertUnhealthy(failed, '503', /answered 503/, 'quick', failing);
  assertUnhealthy(closed, 'a closed port', reasons.refused, 'quick');
  assertUnhealthy(unanswered, 'a server that never answers', reasons.timeout, 'at its timeout', silentPath);
};

describe('health probes', () => {
  test('the harness reports a probe that never exits as hung, not as unhealthy', async () => {
    const run = await runProbe(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], 300);
    assert.equal(run.hung, true, describeRun(run));
    assert.equal(run.code, null);
  });

  test('the Go probe is gofmt-clean, builds on its own and tells healthy from unhealthy', { timeout: 120_000 }, async () => {
    const folder = tempDir('phase4-goprobe-');
    const files = serviceNamed('go-go-net-http').files;
    writeTree(folder, {
      'go.mod': files.get('services/go-go-net-http/docker/healthcheck/go.mod')!.contents,
      'main.go': files.get('services/go-go-net-http/docker/healthcheck/main.go')!.contents,
    });
    const env = { GOWORK: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '', CGO_ENABLED: '0' };
    const gofmt = runTool('gofmt', ['-l', '.'], { cwd: folder });
    assert.deepEqual([gofmt.status, gofmt.output], [0, ''], 'gofmt -l');
    const build = runTool('go', ['build', '-o', 'healthcheck', '.'], { cwd: folder, env });
    assert.equal(build.status, 0, build.output);
    await checkProbe((url) => runProbe(path.join(folder, 'healthcheck'), [url]), { refused: /connection refused/, timeout: /Client\.Timeout exceeded/ });
  });

  test('the Java probe compiles with javac and tells healthy from unhealthy', { timeout: 120_000 }, async () => {
    const folder = tempDir('phase4-javaprobe-');
    writeTree(folder, { 'HealthCheck.java': serviceNamed('java-maven-spring-boot').files.get('services/java-maven-spring-boot/docker/healthcheck/HealthCheck.java')!.contents });
    const compile = runTool('javac', ['-Xlint:all', '-Werror', '-d', 'classes', 'HealthCheck.java'], { cwd: folder });
    assert.equal(compile.status, 0, compile.output);
    const java = requireTool('java');
    await checkProbe((url) => runProbe(java, ['-Xmx16m', '-XX:TieredStopAtLevel=1', '-cp', path.join(folder, 'classes'), 'HealthCheck', url]), {
      refused: /Connection refused/,
      timeout: /SocketTimeoutException: Read timed out/,
    });
  });

  test('workers get no probe', () => {
    for (const name of ['go-go-none', 'java-maven-none', 'go-backend-worker']) {
      assert.ok(![...serviceNamed(name).files.keys()].some((file) => file.includes('healthcheck')), name);
    }
  });
});

describe('RUN steps, run for real', () => {
  test('Node: the application files leave every node_modules behind (the runtime takes the production ones)', () => {
    const body = runBody('node-npm-express', 'app', /node_modules/);
    const app = tempDir('phase4-nodeapp-');
    writeTree(app, {
      'package.json': '{}',
      'src/server.js': 'console.log("started");\n',
      'node_modules/left-over/index.js': '',
      'packages/lib/node_modules/nested/index.js': '',
    });
    const result = sh(body.replaceAll('/app', app), app);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(!existsSync(path.join(app, 'node_modules')), 'node_modules left in the application files');
    assert.ok(!existsSync(path.join(app, 'packages', 'lib', 'node_modules')), 'a nested node_modules left behind');
    assert.ok(existsSync(path.join(app, 'src', 'server.js')), 'the sources are kept');
  });

  test('front end: the build output is found where each framework writes it', () => {
    const cases: { service: string; files: Record<string, string> }[] = [
      { service: 'node-npm-angular', files: { 'dist/shop/browser/index.html': 'angular 17', 'dist/shop/3rdpartylicenses.txt': '' } },
      { service: 'node-npm-angular', files: { 'dist/shop/index.html': 'angular 16' } },
      { service: 'node-npm-react', files: { 'build/index.html': 'create react app' } },
      { service: 'node-npm-react', files: { 'dist/index.html': 'vite' } },
      { service: 'node-npm-svelte', files: { 'build/index.html': 'sveltekit static' } },
      { service: 'node-npm-vue', files: { 'dist/index.html': 'vite vue' } },
    ];
    for (const { service, files } of cases) {
      const body = runBody(service, 'build', /index\.html/);
      const folder = tempDir('phase4-output-');
      writeTree(path.join(folder, 'pkg'), files);
      const result = sh(body.replaceAll('/out', path.join(folder, 'out')), path.join(folder, 'pkg'));
      assert.equal(result.status, 0, `${service}: ${result.stderr}`);
      assert.equal(readFileSync(path.join(folder, 'out', 'index.html'), 'utf8'), Object.values(files)[0], service);
    }
    for (const service of ['node-npm-angular', 'node-npm-vue']) {
      const empty = tempDir('phase4-output-');
      const result = sh(runBody(service, 'build', /index\.html/).replaceAll('/out', path.join(empty, 'out')), empty);
      assert.notEqual(result.status, 0, `${service}: a build without index.html passes`);
      assert.match(result.stderr, /no index\.html/);
    }
  });

  test('Go: the module root main package, else the only one; several stop the build', () => {
    const body = runBody('go-go-gin', 'build', /go list/).replace(/^(--mount=\S+\s+)+/, '');
    const env = { GOWORK: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0', TARGETOS: '', TARGETARCH: '' };
    const main = 'package main\n\nfunc main() {}\n';
    const single = tempDir('phase4-gomain-');
    writeTree(single, { 'go.mod': 'module example.test/shop\n\ngo 1.21\n', 'cmd/server/main.go': main, 'internal/x/x.go': 'package x\n' });
    const built = sh(body.replaceAll('/out', path.join(single, 'out')), single, env);
    assert.equal(built.status, 0, built.stderr);
    assert.ok(existsSync(path.join(single, 'out', 'server')));
    const several = tempDir('phase4-gomain-');
    writeTree(several, { 'go.mod': 'module example.test/shop\n\ngo 1.21\n', 'cmd/a/main.go': main, 'cmd/b/main.go': main });
    const refused = sh(body.replaceAll('/out', path.join(several, 'out')), several, env);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /expected one main package/);
  });

  test('Java: exactly one application jar is taken, sources, javadoc and plain jars aside', () => {
    for (const [service, output] of [['java-maven-spring-boot', 'target'], ['java-gradle-spring-boot', 'build/libs']]) {
      const body = runBody(service, 'build', /application jar/);
      const folder = tempDir('phase4-jar-');
      writeTree(folder, { [`${output}/shop-1.0.jar`]: 'app', [`${output}/shop-1.0-plain.jar`]: 'plain', [`${output}/shop-1.0-sources.jar`]: 'src' });
      const result = sh(body.replaceAll('/out', path.join(folder, 'out')), folder);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readFileSync(path.join(folder, 'out', 'app.jar'), 'utf8'), 'app');
      writeTree(folder, { [`${output}/other-2.0.jar`]: 'other' });
      assert.notEqual(sh(body.replaceAll('/out', path.join(folder, 'out2')), folder).status, 0, 'two jars pass');
    }
  });

  test('pip without requirements files: the dependencies pyproject.toml declares', () => {
    const body = runBody('pyproject-only', 'deps', /tomllib/);
    const extract = body.replace(/^(--mount=\S+\s+)+/, '').split(' > /tmp/requirements.txt')[0];
    const folder = tempDir('phase4-pyproject-');
    writeTree(folder, { 'pyproject.toml': '[project]\nname = "shop"\nversion = "1"\ndependencies = ["flask==3.1.0", "gunicorn>=23"]\n' });
    const result = runTool('python3', ['-c', extract.replace(/^python -c /, '').replace(/^"|"$/g, '')], { cwd: folder });
    assert.equal(result.status, 0, result.output);
    assert.equal(result.stdout, 'flask==3.1.0\ngunicorn>=23\n');
  });
});
