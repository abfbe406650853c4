/** The docker area's planning: which files each service gets, where, and the data that decides them. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { dockerArea } from '../../lib/areas/docker/index.js';
import { buildOutputCandidates, hashedAssetPattern } from '../../lib/areas/docker/frontend.js';
import { planIgnore } from '../../lib/areas/docker/ignore.js';
import { apiBackendOf, planNginx } from '../../lib/areas/docker/nginx.js';
import { nodeManagerOf } from '../../lib/areas/docker/node.js';
import { pythonServer, requirementFiles } from '../../lib/areas/docker/python.js';
import { familyOf } from '../../lib/areas/docker/service-files.js';
import type { Service } from '../../lib/catalog/service.js';
import { templatesRoot } from '../../lib/package-root.js';
import { renderAll } from '../../lib/render/render.js';
import { matrixConfigs } from './matrix.js';

const [matrix, solo] = matrixConfigs();
const byName = (name: string): Service => {
  const service = [...matrix.services, ...solo.services].find((candidate) => candidate.name === name);
  assert.ok(service, name);
  return service;
};
const planned = dockerArea.plan(matrix, { otherFiles: [] });
const pathsOf = (service: Service) =>
  planned
    .filter((file) => file.path === 'Dockerfile' || file.path === '.dockerignore' ? service.path === '.' : file.path.startsWith(`${service.path}/`))
    .map((file) => file.path)
    .sort();

describe('docker area planning', () => {
  test('is an area named docker with a one-line description', () => {
    assert.equal(dockerArea.name, 'docker');
    assert.ok(dockerArea.description.length > 20 && !dockerArea.description.includes('\n'));
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
    assert.deepEqual(pathsOf(byName('node-npm-express')), ['services/node-npm-express/.dockerignore', 'services/node-npm-express/Dockerfile']);
    assert.deepEqual(pathsOf(byName('python-poetry-django')), ['services/python-poetry-django/.dockerignore', 'services/python-poetry-django/Dockerfile']);
    assert.deepEqual(pathsOf(byName('node-pnpm-vue')), [
      'services/node-pnpm-vue/.dockerignore',
      'services/node-pnpm-vue/Dockerfile',
      'services/node-pnpm-vue/nginx/40-runtime-config.sh',
      'services/node-pnpm-vue/nginx/default.conf',
      'services/node-pnpm-vue/nginx/nginx.conf',
      'services/node-pnpm-vue/nginx/security-headers.conf',
    ]);
    assert.deepEqual(pathsOf(byName('go-go-echo')), [
      'services/go-go-echo/.dockerignore',
      'services/go-go-echo/Dockerfile',
      'services/go-go-echo/docker/healthcheck/go.mod',
      'services/go-go-echo/docker/healthcheck/main.go',
    ]);
    assert.deepEqual(pathsOf(byName('java-gradle-spring-boot')), [
      'services/java-gradle-spring-boot/.dockerignore',
      'services/java-gradle-spring-boot/Dockerfile',
      'services/java-gradle-spring-boot/docker/healthcheck/HealthCheck.java',
    ]);
    assert.deepEqual(pathsOf(byName('go-go-none')), ['services/go-go-none/.dockerignore', 'services/go-go-none/Dockerfile']);
    assert.deepEqual(pathsOf(byName('root-api')), ['.dockerignore', 'Dockerfile']);
  });

  test('families: node and static front ends go to nginx, the rest by language', () => {
    assert.equal(familyOf(byName('node-npm-react')), 'frontend');
    assert.equal(familyOf(byName('static-none-static')), 'frontend');
    assert.equal(familyOf(byName('node-npm-nestjs')), 'node');
    assert.equal(familyOf(byName('java-maven-none')), 'java');
  });

  test('a service built from the workspace root gets <Dockerfile>.dockerignore that keeps its own folder', () => {
    const api = byName('ws-pnpm-api');
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

  test('ignore files fit the language and keep .env.example', () => {
    const patterns = (name: string) => planIgnore(byName(name)).sections.flatMap((section) => section.patterns);
    assert.ok(patterns('python-pip-fastapi').includes('**/__pycache__'));
    assert.ok(patterns('java-maven-spring-boot').includes('**/target'));
    assert.ok(!patterns('go-go-gin').includes('vendor'), 'Go builds from vendor/ when a module vendors');
    assert.ok(!patterns('node-npm-express').includes('**/target'));
    for (const name of ['node-npm-express', 'python-uv-fastapi', 'go-go-gin', 'static-none-static']) {
      const list = patterns(name);
      assert.ok(list.indexOf('!**/.env.example') > list.indexOf('**/.env.*'), `${name}: .env.example is not re-included after .env.*`);
      for (const expected of ['.git', '**/.env', '**/*.pem', '**/*.key', '**/secrets']) assert.ok(list.includes(expected), `${name}: ${expected}`);
    }
  });

  test('workers get neither EXPOSE nor HEALTHCHECK, and say why', () => {
    for (const name of ['node-npm-none', 'python-pip-none', 'go-go-none', 'java-gradle-none']) {
      const dockerfile = renderAll(planned.filter((file) => file.path === `services/${name}/Dockerfile`))[0].contents;
      assert.doesNotMatch(dockerfile, /^(EXPOSE|HEALTHCHECK)/m, name);
      assert.match(dockerfile, /A worker serves no HTTP port/, name);
    }
  });

  test('the front end proxies /api to the first back end, skipping workers and front ends', () => {
    const services: Service[] = [byName('node-npm-react'), byName('go-go-none'), byName('python-uv-fastapi'), byName('node-npm-express')];
    const config = { ...matrix, services };
    assert.equal(apiBackendOf(config)?.name, 'python-uv-fastapi');
    assert.deepEqual(planNginx(config, byName('node-npm-react')).upstream, { service: 'python-uv-fastapi', server: 'python-uv-fastapi:8000' });
    assert.equal(planNginx(solo, byName('web')).upstream, undefined);
    assert.equal(planNginx(solo, byName('web')).defaultApiUrl, '');
  });

  test('package managers: Yarn 2+ is told by its --immutable install', () => {
    assert.equal(nodeManagerOf(byName('berry-api')), 'yarn-berry');
    assert.equal(nodeManagerOf(byName('node-yarn-express')), 'yarn');
    assert.equal(nodeManagerOf(byName('node-pnpm-express')), 'pnpm');
  });

  test('Python: requirement files from the install command; a server per framework', () => {
    assert.deepEqual(requirementFiles(byName('python-pip-fastapi')), ['requirements.txt', 'requirements-dev.txt']);
    assert.deepEqual(requirementFiles(byName('pyproject-only')), []);
    assert.deepEqual(pythonServer(byName('python-pip-fastapi')).command.slice(0, 2), ['uvicorn', 'app.main:app']);
    assert.equal(pythonServer(byName('python-pip-flask')).command.at(-1), 'app:app');
    assert.equal(pythonServer({ ...byName('python-pip-django'), name: 'blog-site' }).command.at(-1), 'blog_site.wsgi:application');
    assert.deepEqual(pythonServer(byName('python-pip-none')).command, ['python', '-m', 'worker']);
  });

  test('front ends: output folders per framework, and which paths count as content-hashed', () => {
    assert.deepEqual(buildOutputCandidates.angular, ['dist/*/browser', 'dist/*', 'dist']);
    const hashed = (name: string, urlPath: string) => new RegExp(hashedAssetPattern(byName(name))).test(urlPath);
    assert.ok(hashed('node-npm-react', '/assets/index-BwX1_y2Z.js'));
    assert.ok(hashed('node-npm-react', '/static/js/main.3f2a1b7c.js'));
    assert.ok(hashed('node-npm-svelte', '/_app/immutable/entry/start.Dk2uY.js'));
    assert.ok(hashed('node-npm-angular', '/main-2Y4QUXAB.js'));
    assert.ok(hashed('static-none-static', '/app.3f2a1b.js'));
    assert.ok(!hashed('node-npm-angular', '/assets/logo.png'), "Angular's assets/ are the project's own, unhashed files");
    for (const plain of ['/facade.js', '/app-bundle.js', '/index.html', '/robots.txt', '/orders/42']) {
      assert.ok(!hashed('node-npm-react', plain), plain);
    }
  });

  test("Angular's CSP allows exactly its inline style-sheet loader", () => {
    const csp = planNginx(matrix, byName('node-npm-angular')).contentSecurityPolicy;
    const hash = createHash('sha256').update("this.media='all'").digest('base64');
    assert.match(csp, new RegExp(`script-src 'self' 'unsafe-hashes' 'sha256-${hash.replace(/[+/]/g, '\\$&')}'`));
    assert.match(planNginx(matrix, byName('node-npm-react')).contentSecurityPolicy, /script-src 'self';/);
  });

  test('build commands in the header: -f only when the context is not the Dockerfile folder', () => {
    const render = (name: string) => renderAll(planned.filter((file) => file.path.endsWith('Dockerfile') && file.path.includes(name)))[0].contents;
    assert.match(render('ws-npm-api'), /# {3}image: docker build -f apps\/ws-npm-api\/Dockerfile -t ghcr\.io\/acme\/matrix-ws-npm-api \.$/m);
    assert.match(render('node-npm-express/'), /# {3}image: docker build -t ghcr\.io\/acme\/matrix-node-npm-express services\/node-npm-express$/m);
  });
});

describe('docker area next steps', () => {
  test('tell front ends how to read API_URL and Python services what the image starts', () => {
    const steps = dockerArea.nextSteps?.(solo) ?? [];
    assert.ok(steps.some((step) => step.startsWith('web: to read API_URL at run time, load <script src="/config.js">')));
    const python = dockerArea.nextSteps?.({ ...matrix, services: [byName('python-pip-fastapi')] }) ?? [];
    assert.deepEqual(python, [
      'python-pip-fastapi: the image starts `uvicorn app.main:app --host 0.0.0.0 --port 8000`; change CMD in services/python-pip-fastapi/Dockerfile if the application lives elsewhere',
    ]);
  });
});
