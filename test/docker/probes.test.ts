/**
 * The programs and shell steps the Dockerfiles rely on, run for real where this machine can: the Go and
 * Java health probes (compiled, then pointed at a local server), and the RUN steps that choose what to
 * start or to copy (Node's entry point, a front end's build output, Go's main package, Java's jar,
 * pyproject dependencies). Each RUN body is taken from a rendered Dockerfile, with its container paths
 * (/app, /out) mapped onto a temp folder.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempDir } from '../helpers/folders.js';
import { requireTool, runTool } from '../helpers/tools.js';
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
const write = (root: string, files: Record<string, string>) => {
  for (const [relative, contents] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), contents);
  }
};
const sh = (script: string, cwd: string, env: Record<string, string> = {}) =>
  spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });

let server: http.Server | undefined;
let base = '';
before(async () => {
  server = http.createServer((request, response) => {
    response.statusCode = request.url === '/healthz' ? 200 : request.url === '/redirect' ? 302 : 503;
    if (request.url === '/redirect') response.setHeader('Location', '/healthz');
    response.end('probe');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
after(() => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))));

const closedPort = 'http://127.0.0.1:9/healthz';

/** The exit code of a probe run; asynchronous, so that this process's test server can answer it. */
const exitCode = (file: string, args: string[]) =>
  new Promise<number>((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (error) => resolve(error ? Number((error as { code?: number }).code ?? 1) : 0));
  });

describe('health probes', () => {
  test('the Go probe is gofmt-clean, builds on its own and tells healthy from unhealthy', async () => {
    const folder = tempDir('phase4-goprobe-');
    const files = serviceNamed('go-go-net-http').files;
    write(folder, {
      'go.mod': files.get('services/go-go-net-http/docker/healthcheck/go.mod')!.contents,
      'main.go': files.get('services/go-go-net-http/docker/healthcheck/main.go')!.contents,
    });
    const env = { GOWORK: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '', CGO_ENABLED: '0' };
    assert.equal(runTool('gofmt', ['-l', '.'], { cwd: folder }).stdout, '');
    const build = runTool('go', ['build', '-o', 'healthcheck', '.'], { cwd: folder, env });
    assert.equal(build.status, 0, build.output);
    const probe = (url: string) => exitCode(path.join(folder, 'healthcheck'), [url]);
    assert.equal(await probe(`${base}/healthz`), 0);
    assert.equal(await probe(`${base}/redirect`), 0);
    assert.equal(await probe(`${base}/failing`), 1);
    assert.equal(await probe(closedPort), 1);
  });

  test('the Java probe compiles with javac and tells healthy from unhealthy', async () => {
    const folder = tempDir('phase4-javaprobe-');
    write(folder, { 'HealthCheck.java': serviceNamed('java-maven-spring-boot').files.get('services/java-maven-spring-boot/docker/healthcheck/HealthCheck.java')!.contents });
    const compile = runTool('javac', ['-Xlint:all', '-Werror', '-d', 'classes', 'HealthCheck.java'], { cwd: folder });
    assert.equal(compile.status, 0, compile.output);
    const java = requireTool('java');
    const probe = (url: string) => exitCode(java, ['-Xmx16m', '-XX:TieredStopAtLevel=1', '-cp', path.join(folder, 'classes'), 'HealthCheck', url]);
    assert.deepEqual(await Promise.all([probe(`${base}/healthz`), probe(`${base}/failing`), probe(closedPort)]), [0, 1, 1]);
  });

  test('workers get no probe', () => {
    for (const name of ['go-go-none', 'java-maven-none', 'go-backend-worker']) {
      assert.ok(![...serviceNamed(name).files.keys()].some((file) => file.includes('healthcheck')), name);
    }
  });
});

describe('RUN steps, run for real', () => {
  test("Node: the entry point is the file `npm start` runs, else main, else index.js", () => {
    const body = runBody('node-npm-express', 'app', /symlinkSync/);
    const cases: { files: Record<string, string>; expected: string }[] = [
      {
        files: {
          'package.json': JSON.stringify({ type: 'module', main: 'src/app.js', scripts: { start: 'node src/server.js' } }),
          'src/server.js': 'console.log("started " + import.meta.url.split("/").pop());\n',
        },
        expected: 'src/server.js',
      },
      {
        files: {
          'package.json': JSON.stringify({ scripts: { start: 'node --enable-source-maps dist/main' } }),
          'dist/main.js': 'console.log("started main.js", require.main === module);\n',
        },
        expected: 'dist/main.js',
      },
      {
        files: { 'package.json': JSON.stringify({ main: 'lib/index.js', scripts: { start: 'nest start' } }), 'lib/index.js': 'console.log("started index.js");\n' },
        expected: 'lib/index.js',
      },
      { files: { 'package.json': '{}', 'index.js': 'console.log("started index.js");\n' }, expected: 'index.js' },
    ];
    for (const { files, expected } of cases) {
      const app = tempDir('phase4-nodeentry-');
      const pkg = path.join(app, 'apps', 'api');
      write(pkg, { ...files, 'node_modules/left-over/index.js': '' });
      const result = sh(body.replaceAll('/app', app), pkg);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readlinkSync(path.join(pkg, '.entrypoint.js')), expected);
      assert.ok(!existsSync(path.join(pkg, 'node_modules')), 'node_modules left in the application files');
      const started = spawnSync(process.execPath, ['.entrypoint.js'], { cwd: pkg, encoding: 'utf8' });
      assert.equal(started.status, 0, started.stderr);
      assert.match(started.stdout, new RegExp(`started ${path.basename(expected)}`));
      if (expected === 'dist/main.js') assert.match(started.stdout, /true/, 'require.main is not the entry module');
    }
    const missing = tempDir('phase4-nodeentry-');
    write(missing, { 'package.json': JSON.stringify({ scripts: { start: 'node server.js' } }) });
    assert.notEqual(sh(body.replaceAll('/app', missing), missing).status, 0, 'a missing entry file does not stop the build');
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
      write(path.join(folder, 'pkg'), files);
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
    write(single, { 'go.mod': 'module example.test/shop\n\ngo 1.21\n', 'cmd/server/main.go': main, 'internal/x/x.go': 'package x\n' });
    const built = sh(body.replaceAll('/out', path.join(single, 'out')), single, env);
    assert.equal(built.status, 0, built.stderr);
    assert.ok(existsSync(path.join(single, 'out', 'server')));
    const several = tempDir('phase4-gomain-');
    write(several, { 'go.mod': 'module example.test/shop\n\ngo 1.21\n', 'cmd/a/main.go': main, 'cmd/b/main.go': main });
    const refused = sh(body.replaceAll('/out', path.join(several, 'out')), several, env);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /expected one main package/);
  });

  test('Java: exactly one application jar is taken, sources, javadoc and plain jars aside', () => {
    for (const [service, output] of [['java-maven-spring-boot', 'target'], ['java-gradle-spring-boot', 'build/libs']]) {
      const body = runBody(service, 'build', /application jar/);
      const folder = tempDir('phase4-jar-');
      write(folder, { [`${output}/shop-1.0.jar`]: 'app', [`${output}/shop-1.0-plain.jar`]: 'plain', [`${output}/shop-1.0-sources.jar`]: 'src' });
      const result = sh(body.replaceAll('/out', path.join(folder, 'out')), folder);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readFileSync(path.join(folder, 'out', 'app.jar'), 'utf8'), 'app');
      write(folder, { [`${output}/other-2.0.jar`]: 'other' });
      assert.notEqual(sh(body.replaceAll('/out', path.join(folder, 'out2')), folder).status, 0, 'two jars pass');
    }
  });

  test('pip without requirements files: the dependencies pyproject.toml declares', () => {
    const body = runBody('pyproject-only', 'deps', /tomllib/);
    const extract = body.replace(/^(--mount=\S+\s+)+/, '').split(' > /tmp/requirements.txt')[0];
    const folder = tempDir('phase4-pyproject-');
    write(folder, { 'pyproject.toml': '[project]\nname = "shop"\nversion = "1"\ndependencies = ["flask==3.1.0", "gunicorn>=23"]\n' });
    const result = runTool('python3', ['-c', extract.replace(/^python -c /, '').replace(/^"|"$/g, '')], { cwd: folder });
    assert.equal(result.status, 0, result.output);
    assert.equal(result.stdout, 'flask==3.1.0\ngunicorn>=23\n');
  });
});
