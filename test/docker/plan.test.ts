/** The docker area's planning: which files each image gets, where, and the data that decides them. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { dockerArea } from '../../lib/areas/docker/index.js';
import { buildOutputCandidates, hashedAssetPattern } from '../../lib/areas/docker/frontend.js';
import { mainPackageOf } from '../../lib/areas/docker/go.js';
import { planIgnore } from '../../lib/areas/docker/ignore.js';
import { planNginx } from '../../lib/areas/docker/nginx.js';
import { requirementFiles } from '../../lib/areas/docker/python.js';
import { derive } from '../../lib/model/derive.js';
import type { ImageModel, ServiceModel } from '../../lib/model/types.js';
import { templatesRoot } from '../../lib/package-root.js';
import { renderAll } from '../../lib/render/render.js';
import { baseConfig, matrixConfigs, variant } from './matrix.js';

const [matrixConfig, soloConfig] = matrixConfigs();
const matrix = derive(matrixConfig);
const solo = derive(soloConfig);
const serviceOf = (name: string): ServiceModel => {
  const service = [...matrix.services, ...solo.services].find((candidate) => candidate.name === name);
  assert.ok(service, name);
  return service;
};
const imageOf = (name: string): ImageModel => serviceOf(name).image;
const planned = dockerArea.plan(matrix, { otherFiles: [] });
const pathsOf = (name: string) => {
  const folder = serviceOf(name).path;
  return planned
    .filter((file) => (file.path === 'Dockerfile' || file.path === '.dockerignore' ? folder === '.' : file.path.startsWith(`${folder}/`)))
    .map((file) => file.path)
    .sort();
};
const dockerfileOf = (name: string) => renderAll(planned.filter((file) => file.path === imageOf(name).dockerfile))[0].contents;

describe('docker area planning', () => {
  test('is an area named docker with a one-line description and the options it reads', () => {
    assert.equal(dockerArea.name, 'docker');
    assert.ok(dockerArea.description.length > 20 && !dockerArea.description.includes('\n'));
    assert.deepEqual([...dockerArea.reads].sort(), ['name', 'registry', 'services']);
  });

  test('plans unique, managed files of its own area, from templates that exist', () => {
    assert.equal(new Set(planned.map((file) => file.path)).size, planned.length);
    for (const file of planned) {
      assert.equal(file.area, 'docker');
      assert.equal(file.ownership, 'managed');
      assert.ok(existsSync(path.join(templatesRoot, file.template)), file.template);
    }
  });

  test('each family gets its Dockerfile, its ignore file and what its image needs', () => {
    assert.deepEqual(pathsOf('node-npm-express'), ['services/node-npm-express/.dockerignore', 'services/node-npm-express/Dockerfile']);
    assert.deepEqual(pathsOf('python-poetry-django'), ['services/python-poetry-django/.dockerignore', 'services/python-poetry-django/Dockerfile']);
    assert.deepEqual(pathsOf('node-pnpm-vue'), [
      'services/node-pnpm-vue/.dockerignore',
      'services/node-pnpm-vue/Dockerfile',
      'services/node-pnpm-vue/nginx/40-runtime-config.sh',
      'services/node-pnpm-vue/nginx/default.conf',
      'services/node-pnpm-vue/nginx/nginx.conf',
      'services/node-pnpm-vue/nginx/security-headers.conf',
    ]);
    assert.deepEqual(pathsOf('go-go-echo'), [
      'services/go-go-echo/.dockerignore',
      'services/go-go-echo/Dockerfile',
      'services/go-go-echo/docker/healthcheck/go.mod',
      'services/go-go-echo/docker/healthcheck/main.go',
    ]);
    assert.deepEqual(pathsOf('java-gradle-spring-boot'), [
      'services/java-gradle-spring-boot/.dockerignore',
      'services/java-gradle-spring-boot/Dockerfile',
      'services/java-gradle-spring-boot/docker/healthcheck/HealthCheck.java',
    ]);
    assert.deepEqual(pathsOf('go-go-none'), ['services/go-go-none/.dockerignore', 'services/go-go-none/Dockerfile']);
    assert.deepEqual(pathsOf('root-api').filter((file) => !file.includes('/')), ['.dockerignore', 'Dockerfile']);
  });

  test('families: static front ends go to nginx, Bun services to Bun, the rest by language', () => {
    assert.equal(imageOf('node-npm-react').family, 'nginx');
    assert.equal(imageOf('node-bun-react').family, 'nginx');
    assert.equal(imageOf('static-none-static').family, 'nginx');
    assert.equal(imageOf('node-npm-next').family, 'node');
    assert.equal(imageOf('node-bun-hono').family, 'bun');
    assert.equal(imageOf('node-npm-nestjs').family, 'node');
    assert.equal(imageOf('java-maven-none').family, 'java');
  });

  test('a web service and its worker in one folder share one image, one Dockerfile and the web start', () => {
    assert.equal(imageOf('shared-web'), imageOf('shared-worker'));
    assert.deepEqual(imageOf('shared-web').services, ['shared-web', 'shared-worker']);
    assert.equal(planned.filter((file) => file.path === 'services/shared/Dockerfile').length, 1);
    assert.match(dockerfileOf('shared-web'), /^# One image for the services of this folder \(shared-web, shared-worker\)/m);
    assert.match(dockerfileOf('shared-web'), /^CMD \["gunicorn", "shop\.asgi:application"/m);
  });

  test('a service built from the workspace root gets <Dockerfile>.dockerignore that keeps its own folder', () => {
    const api = imageOf('ws-pnpm-api');
    assert.ok(planned.some((file) => file.path === 'apps/ws-pnpm-api/Dockerfile.dockerignore'));
    assert.ok(!planned.some((file) => file.path === 'apps/ws-pnpm-api/.dockerignore'));
    const patterns = planIgnore(api).sections.flatMap((section) => section.patterns);
    assert.ok(patterns.includes('**/node_modules'), 'other packages keep their node_modules');
    for (const pattern of patterns.filter((candidate) => !candidate.startsWith('!'))) {
      const excludesOwnFolder = pattern === 'apps' || pattern === 'apps/ws-pnpm-api' || pattern === 'apps/*' || pattern === '**';
      assert.ok(!excludesOwnFolder, `${pattern} excludes the service's own folder`);
    }
    assert.ok(patterns.includes('apps/ws-pnpm-api/Dockerfile'));
    assert.ok(patterns.includes('apps/ws-pnpm-api/dist'));
  });

  test('ignore files fit the language, keep .env.example and never drop a source folder named secrets', () => {
    const patterns = (name: string) => planIgnore(imageOf(name)).sections.flatMap((section) => section.patterns);
    assert.ok(patterns('python-pip-fastapi').includes('**/__pycache__'));
    assert.ok(patterns('java-maven-spring-boot').includes('**/target'));
    assert.ok(patterns('node-npm-next').includes('.next'));
    assert.ok(!patterns('go-go-gin').includes('vendor'), 'Go builds from vendor/ when a module vendors');
    assert.ok(!patterns('node-npm-express').includes('**/target'));
    for (const name of ['node-npm-express', 'python-uv-fastapi', 'go-go-gin', 'static-none-static']) {
      const list = patterns(name);
      assert.ok(list.indexOf('!**/.env.example') > list.indexOf('**/.env.*'), `${name}: .env.example is not re-included after .env.*`);
      for (const expected of ['.git', '**/.env', '**/*.pem', '**/*.key']) assert.ok(list.includes(expected), `${name}: ${expected}`);
      assert.ok(!list.includes('**/secrets'), `${name}: a package named secrets would vanish from the build`);
    }
    assert.ok(patterns('ws-pnpm-api').includes('secrets'), 'the local secrets folder at the repository root stays out of root builds');
  });

  test('workers get neither EXPOSE nor HEALTHCHECK, and say why', () => {
    for (const name of ['node-npm-none', 'python-pip-none', 'go-go-none', 'java-gradle-none', 'python-uv-celery']) {
      const dockerfile = dockerfileOf(name);
      assert.doesNotMatch(dockerfile, /^(EXPOSE|HEALTHCHECK)/m, name);
      assert.match(dockerfile, /A worker serves no port/, name);
    }
  });

  test('a service without a health route is probed on its port, never on a guessed path', () => {
    const dockerfile = dockerfileOf('no-health-route');
    assert.match(dockerfile, /^HEALTHCHECK .*\n {2}CMD \["python", "-c", "import socket; socket\.create_connection\(\('127\.0\.0\.1', 8000\)/m);
    assert.doesNotMatch(dockerfile, /healthz/);
  });

  test('runtime images satisfy the version the project declares', () => {
    assert.match(dockerfileOf('uv-member'), /^FROM python:3\.14\.\d+-slim-trixie AS base$/m);
    assert.match(dockerfileOf('mvnw-boot'), /^FROM eclipse-temurin:17\.[\d._]+-jdk-noble AS deps$/m, 'the Maven wrapper runs on the JDK of the declared Java');
    assert.match(dockerfileOf('mvnw-boot'), /^FROM eclipse-temurin:17\.[\d._]+-jre-noble AS runtime$/m);
    assert.match(dockerfileOf('gradlew-boot'), /^FROM eclipse-temurin:25\.[\d._]+-jre-noble AS runtime$/m);
    assert.match(dockerfileOf('go-cmd-api'), /^FROM --platform=\$BUILDPLATFORM golang:1\.27\.\d+-trixie AS deps$/m);
  });

  test('uv workspace members sync their own package from the root lockfile', () => {
    const dockerfile = dockerfileOf('uv-member');
    assert.match(dockerfile, /uv sync --no-dev --no-install-workspace --package app$/m);
    assert.match(dockerfile, /uv sync --no-dev --no-editable --package app$/m);
    assert.match(dockerfile, /^COPY backend\/ \.\/backend\/$/m);
    assert.match(dockerfile, /^WORKDIR \/app\/backend$/m);
    assert.match(dockerfile, /^CMD \["fastapi", "run", "app\/main\.py", "--port", "8000"\]$/m);
  });

  test('Go builds the package the build command names and runs the start arguments', () => {
    assert.equal(mainPackageOf('go build -o bin/api ./cmd/api'), './cmd/api');
    assert.equal(mainPackageOf('go build ./...'), undefined);
    assert.match(dockerfileOf('go-cmd-api'), /-o \/out\/server \.\/cmd\/api$/m);
    assert.match(dockerfileOf('go-cmd-api'), /^CMD \["\/app\/server", "serve"\]$/m);
    assert.match(dockerfileOf('go-cmd-api'), /^RUN go install github\.com\/pressly\/goose\/v3\/cmd\/goose@v\d+\.\d+\.\d+$/m);
  });

  test('Next.js standalone output runs server.js with its static files', () => {
    const dockerfile = dockerfileOf('ws-pnpm-next');
    assert.match(dockerfile, /^CMD \["node", "server\.js"\]$/m);
    assert.match(dockerfile, /HOSTNAME=0\.0\.0\.0/);
    // Traced from the workspace root, server.js lands at the member's path inside the standalone output.
    assert.match(dockerfile, /^COPY --from=build \/app\/apps\/ws-pnpm-next\/\.next\/standalone \.\/$/m);
    assert.match(dockerfile, /^COPY --from=build \/app\/apps\/ws-pnpm-next\/\.next\/static \.\/apps\/ws-pnpm-next\/\.next\/static$/m);
    assert.match(dockerfile, /^COPY --from=build \/app\/apps\/ws-pnpm-next\/publi\[c\] \.\/apps\/ws-pnpm-next\/public$/m);
    assert.match(dockerfile, /^WORKDIR \/app\/apps\/ws-pnpm-next$/m);
    assert.match(dockerfile, /^RUN mkdir -p \/app\/apps\/ws-pnpm-next\/\.next\/cache && chown 10001:10001/m);
  });

  test('the front end proxies /api to the first back end, skipping workers and front ends', () => {
    const model = derive(baseConfig('proxy', [variant('node', 'npm', 'react'), variant('go', 'go', 'none'), variant('python', 'uv', 'fastapi'), variant('node', 'npm', 'express')]));
    assert.equal(model.apiBackend?.name, 'python-uv-fastapi');
    const web = model.services[0];
    assert.deepEqual(planNginx(model, web).upstream, { service: 'python-uv-fastapi', server: 'python-uv-fastapi:8000', variable: 'API_UPSTREAM', off: 'off' });
    assert.equal(planNginx(solo, serviceOf('web')).upstream, undefined);
    assert.equal(planNginx(solo, serviceOf('web')).defaultApiUrl, '');
  });

  test('package managers: Yarn 2+ is told by its --immutable install and installed through corepack', () => {
    assert.equal(imageOf('berry-api').packageManager.name, 'yarn-berry');
    assert.equal(imageOf('node-yarn-express').packageManager.name, 'yarn');
    assert.match(dockerfileOf('berry-api'), /corepack enable yarn && corepack install --global yarn@4\./);
    assert.match(dockerfileOf('node-pnpm-express'), /npm install --global pnpm@\d+\.\d+\.\d+/);
  });

  test('Python: requirement files from the install command', () => {
    assert.deepEqual(requirementFiles('pip install -r requirements.txt -r requirements-dev.txt'), ['requirements.txt', 'requirements-dev.txt']);
    assert.deepEqual(requirementFiles('pip install .'), []);
  });

  test('front ends: output folders per framework, and which paths count as content-hashed', () => {
    assert.deepEqual(buildOutputCandidates.angular, ['dist/*/browser', 'dist/*', 'dist']);
    const hashed = (framework: string, urlPath: string) => new RegExp(hashedAssetPattern(framework)).test(urlPath);
    assert.ok(hashed('react', '/assets/index-BwX1_y2Z.js'));
    assert.ok(hashed('react', '/static/js/main.3f2a1b7c.js'));
    assert.ok(hashed('svelte', '/_app/immutable/entry/start.Dk2uY.js'));
    assert.ok(hashed('angular', '/main-2Y4QUXAB.js'));
    assert.ok(hashed('static', '/app.3f2a1b.js'));
    assert.ok(!hashed('angular', '/assets/logo.png'), "Angular's assets/ are the project's own, unhashed files");
    for (const plain of ['/facade.js', '/app-bundle.js', '/index.html', '/robots.txt', '/orders/42']) {
      assert.ok(!hashed('react', plain), plain);
    }
  });

  test("Angular's CSP allows exactly its inline style-sheet loader", () => {
    const csp = planNginx(matrix, serviceOf('node-npm-angular')).contentSecurityPolicy;
    const hash = createHash('sha256').update("this.media='all'").digest('base64');
    assert.match(csp, new RegExp(`script-src 'self' 'unsafe-hashes' 'sha256-${hash.replace(/[+/]/g, '\\$&')}'`));
    assert.match(planNginx(matrix, serviceOf('node-npm-react')).contentSecurityPolicy, /script-src 'self';/);
  });

  test('build commands in the header: -f only when the context is not the Dockerfile folder', () => {
    assert.match(dockerfileOf('ws-npm-api'), /# {3}image: docker build -f apps\/ws-npm-api\/Dockerfile -t ghcr\.io\/acme\/matrix-ws-npm-api \.$/m);
    assert.match(dockerfileOf('node-npm-express'), /# {3}image: docker build -t ghcr\.io\/acme\/matrix-node-npm-express services\/node-npm-express$/m);
  });
});

describe('docker area next steps', () => {
  test('tell front ends how to read API_URL, and projects without a lockfile to commit one', () => {
    const steps = dockerArea.nextSteps?.(solo) ?? [];
    assert.ok(steps.some((step) => step.startsWith('web: to read API_URL at run time, load <script src="/config.js">')));
    const unlocked = derive(baseConfig('unlocked', [{ ...variant('node', 'npm', 'express'), lockfile: undefined }]));
    assert.deepEqual(dockerArea.nextSteps?.(unlocked), ['node-npm-express: commit a lockfile so that image builds install exactly the versions you tested']);
  });
});
