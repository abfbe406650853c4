import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateService } from '../../lib/catalog/validate-service.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { minimalEnvironment } from '../helpers/tools.js';
import { detect, detectServices } from '../../lib/detect/index.js';
import type { DetectedService, Detection } from '../../lib/detect/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', name);
const sampleApp = path.join(repoRoot, 'examples', 'sample-app');

/**
 * Project-level fields without `root` and `registry`: fixtures live inside this repository, so git answers
 * with this repository's remote. The registry is tested on temporary repositories below.
 */
const project = (detection: Detection) => ({
  projectName: detection.projectName,
  ci: detection.ci,
  cloud: detection.cloud,
  orchestration: detection.orchestration,
  database: detection.database,
  cache: detection.cache,
});

const none = { ci: undefined, cloud: undefined, orchestration: undefined, database: undefined, cache: undefined };

/** A throwaway repository made of `files` (path -> content), removed at the end. */
const tempRepo = (files: Record<string, string>): string => writeTree(tempDir('phase4-detect-'), files);

/** git on the throwaway repository only: a GIT_DIR or GIT_INDEX_FILE exported by a git hook running the tests must not reach it. */
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore', env: minimalEnvironment() });

const onlyService = (root: string): DetectedService => {
  const services = detectServices(root);
  assert.equal(services.length, 1, `expected one service, got ${JSON.stringify(services)}`);
  return services[0];
};

describe('detect: examples/sample-app (npm workspaces plus a Python service outside them)', () => {
  const detection = detect(sampleApp);

  test('finds the two workspaces and the Python service, not the orchestrating root', () => {
    // Evidence is checked by the detection corpus (test/detect/corpus.test.ts); here the values.
    assert.deepEqual(
      detection.services.map(({ evidence: _evidence, ...service }) => service),
      [
      {
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
        uses: ['postgres', 'redis'],
      },
      {
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
        uses: [],
      },
      {
        name: 'reports',
        path: 'services/reports',
        kind: 'backend',
        language: 'python',
        framework: 'fastapi',
        packageManager: 'pip',
        port: 8000,
        healthPath: '/healthz',
        commands: {
          install: 'pip install -r requirements.txt -r requirements-dev.txt',
          test: 'python -m pytest',
          lint: 'python -m ruff check .',
          start: 'uvicorn app.main:app --host 0.0.0.0 --port 8000',
        },
        lockfile: 'services/reports/requirements.txt',
        uses: ['postgres', 'redis'],
        settings: [
          { name: 'DATABASE_PASSWORD', secret: true },
          { name: 'DATABASE_URL', secret: true },
          { name: 'DATABASE_USER' },
          { name: 'REDIS_PASSWORD', secret: true },
          { name: 'REDIS_URL', secret: true },
        ],
      },
    ],
    );
  });

  test('project-level fields', () => {
    assert.deepEqual(project(detection), { ...none, projectName: 'sample-app', database: 'postgres', cache: 'redis' });
    assert.equal(detection.root, sampleApp);
  });
});

describe('detect: fixtures', () => {
  test('monorepo-pnpm: Vue, NestJS, Fastify and a BullMQ worker; libraries are skipped', () => {
    const detection = detect(fixture('monorepo-pnpm'));
    const pnpm = 'pnpm install --frozen-lockfile';
    assert.deepEqual(detection.services, [
      {
        name: 'cart-api',
        path: 'apps/cart-api',
        kind: 'backend',
        language: 'node',
        framework: 'fastify',
        packageManager: 'pnpm',
        // `Number(process.env.PORT) || 3002`; REDIS_PORT's 6379 and the test stub's 4999 are not the service's.
        port: 3002,
        healthPath: '/health',
        commands: { install: pnpm, test: 'pnpm test' },
        buildContext: '.',
        uses: ['redis'],
      },
      {
        name: 'catalog-api',
        path: 'apps/catalog-api',
        kind: 'backend',
        language: 'node',
        framework: 'nestjs',
        packageManager: 'pnpm',
        port: 3001,
        healthPath: '/healthz', // from @Get('healthz')
        commands: { install: pnpm, build: 'pnpm run build', test: 'pnpm test', lint: 'pnpm run lint' },
        buildContext: '.',
        uses: ['mongodb'],
      },
      {
        name: 'jobs',
        path: 'apps/jobs',
        kind: 'worker',
        language: 'node',
        framework: 'none',
        packageManager: 'pnpm',
        port: 3000,
        healthPath: '/healthz',
        commands: { install: pnpm }, // its test script is npm's "no test specified" placeholder
        buildContext: '.',
        uses: ['redis'], // BullMQ is Redis-backed
      },
      {
        name: 'storefront',
        path: 'apps/storefront',
        kind: 'frontend',
        language: 'node',
        framework: 'vue',
        packageManager: 'pnpm',
        port: 8080,
        healthPath: '/healthz',
        commands: { install: pnpm, build: 'pnpm run build', test: 'pnpm test', lint: 'pnpm run lint' },
        buildContext: '.',
        uses: [],
      },
    ]);
    assert.deepEqual(project(detection), {
      ...none,
      projectName: 'shop',
      ci: 'github-actions',
      database: 'mongodb',
      cache: 'redis',
    });
  });

  test('go-service: a Gin module at the root', () => {
    const detection = detect(fixture('go-service'));
    assert.deepEqual(detection.services, [
      {
        name: 'inventory',
        path: '.',
        kind: 'backend',
        language: 'go',
        framework: 'gin',
        packageManager: 'go',
        port: 8081,
        healthPath: '/healthz',
        commands: { install: 'go mod download', build: 'go build ./...', test: 'go test ./...', lint: 'go vet ./...' },
        uses: ['postgres'],
      },
    ]);
    assert.deepEqual(project(detection), { ...none, projectName: 'go-service', database: 'postgres' });
  });

  test('spring-boot: Maven with the wrapper, actuator, PostgreSQL and Redis', () => {
    const detection = detect(fixture('spring-boot'));
    assert.deepEqual(detection.services, [
      {
        name: 'orders',
        path: '.',
        kind: 'backend',
        language: 'java',
        framework: 'spring-boot',
        packageManager: 'maven',
        port: 8082,
        healthPath: '/actuator/health',
        commands: {
          install: './mvnw -B dependency:go-offline',
          build: './mvnw -B -DskipTests package',
          test: './mvnw -B verify',
        },
        uses: ['postgres', 'redis'],
      },
    ]);
    assert.deepEqual(project(detection), { ...none, projectName: 'spring-boot', database: 'postgres', cache: 'redis' });
  });

  test('gradle-kotlin: name from settings.gradle.kts, own health endpoint without actuator', () => {
    const detection = detect(fixture('gradle-kotlin'));
    assert.deepEqual(detection.services, [
      {
        name: 'billing',
        path: '.',
        kind: 'backend',
        language: 'java',
        framework: 'spring-boot',
        packageManager: 'gradle',
        port: 9090,
        healthPath: '/health',
        commands: {
          install: './gradlew --no-daemon dependencies',
          build: './gradlew --no-daemon bootJar -x test',
          test: './gradlew --no-daemon test',
        },
        uses: ['mysql'],
      },
    ]);
    assert.deepEqual(project(detection), { ...none, projectName: 'gradle-kotlin', database: 'mysql' });
  });

  test('static-site: an index.html alone', () => {
    const detection = detect(fixture('static-site'));
    assert.deepEqual(detection.services, [
      {
        name: 'static-site',
        path: '.',
        kind: 'frontend',
        language: 'static',
        framework: 'static',
        packageManager: 'none',
        port: 8080,
        healthPath: '/healthz',
        commands: {},
        uses: [],
      },
    ]);
    assert.deepEqual(project(detection), { ...none, projectName: 'static-site' });
  });

  test('empty: no services and no hints', () => {
    const detection = detect(fixture('empty'));
    assert.deepEqual(detection.services, []);
    assert.deepEqual(project(detection), { ...none, projectName: 'empty' });
  });

  test('gitlab-terraform: GitLab CI, GCP from the provider block, Helm from Chart.yaml', () => {
    const detection = detect(fixture('gitlab-terraform'));
    assert.deepEqual(detection.services, []);
    assert.deepEqual(project(detection), {
      ...none,
      projectName: 'gitlab-terraform',
      ci: 'gitlab-ci',
      cloud: 'gcp',
      orchestration: 'helm',
    });
  });

  test('every detected service passes the catalog validation', () => {
    const fixtures = [
      'monorepo-pnpm',
      'go-service',
      'spring-boot',
      'gradle-kotlin',
      'python-poetry-django',
      'python-flask-pip',
      'python-celery-worker',
      'python-uv-workspace-fastapi',
      'python-poetry-django-celery',
      'python-pdm-flask-factory',
      'python-fastapi-no-health',
      'python-pip-django-requirements',
      'static-site',
    ];
    const roots = [sampleApp, ...fixtures.map(fixture)];
    for (const root of roots) {
      detect(root).services.forEach(({ uses: _uses, evidence: _evidence, ...service }, index) => {
        assert.deepEqual(validateService(service, `${path.basename(root)}.services[${index}]`), service);
      });
    }
  });
});

describe('detect: edge cases', () => {
  test('yarn berry (.yarnrc.yml) installs with --immutable', () => {
    const root = tempRepo({
      'package.json': JSON.stringify({
        name: 'shop',
        scripts: { start: 'node server.js', build: 'tsc', test: 'vitest run' },
        dependencies: { express: '^5.0.0' },
      }),
      'yarn.lock': '',
      '.yarnrc.yml': 'nodeLinker: node-modules\n',
      'server.js': "app.listen(process.env.PORT || 4000);\napp.get('/healthz', ok);\n",
    });
    assert.deepEqual(onlyService(root), {
      name: 'shop',
      path: '.',
      kind: 'backend',
      language: 'node',
      framework: 'express',
      packageManager: 'yarn',
      port: 4000,
      healthPath: '/healthz',
      commands: { install: 'yarn install --immutable', build: 'yarn run build', test: 'yarn test' },
      uses: [],
    });
  });

  test('yarn classic installs with --frozen-lockfile; the packageManager field alone picks yarn', () => {
    const classic = tempRepo({
      'package.json': JSON.stringify({ name: 'a', dependencies: { react: '^19.0.0' } }),
      'yarn.lock': '',
    });
    assert.equal(onlyService(classic).commands.install, 'yarn install --frozen-lockfile');
    const declared = tempRepo({
      'package.json': JSON.stringify({ name: 'a', packageManager: 'yarn@4.5.0', dependencies: { react: '^19.0.0' } }),
      'yarn.lock': '',
    });
    assert.equal(onlyService(declared).packageManager, 'yarn');
  });

  test('without a lockfile the install is not a frozen one (npm ci would fail)', () => {
    const root = tempRepo({ 'package.json': JSON.stringify({ name: 'a', dependencies: { express: '^5.0.0' } }) });
    assert.equal(onlyService(root).commands.install, 'npm install');
  });

  test('duplicate service names are disambiguated by path', () => {
    const api = JSON.stringify({ name: 'api', dependencies: { express: '^5.0.0' } });
    const root = tempRepo({
      'services/api/package.json': api,
      'tools/api/package.json': api,
      'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { react: '^19.0.0' } }),
    });
    assert.deepEqual(
      detectServices(root).map((service) => [service.name, service.path]),
      [
        ['web', 'apps/web'],
        ['services-api', 'services/api'],
        ['tools-api', 'tools/api'],
      ],
    );
  });

  test('a root service that shares its name with a nested one keeps it', () => {
    const root = tempRepo({
      'go.mod': 'module github.com/acme/shop\n',
      'main.go': 'package main\n\nimport "net/http"\n',
      'web/package.json': JSON.stringify({ name: 'shop', dependencies: { react: '^19.0.0' } }),
    });
    assert.deepEqual(
      detectServices(root).map((service) => [service.name, service.path]),
      [
        ['shop', '.'],
        ['web', 'web'],
      ],
    );
  });

  test("npm's placeholder test script gives no test command", () => {
    const root = tempRepo({
      'package.json': JSON.stringify({
        name: 'api',
        scripts: { start: 'node index.js', test: 'echo "Error: no test specified" && exit 1' },
        dependencies: { express: '^5.0.0' },
      }),
      'package-lock.json': '{}',
    });
    assert.deepEqual(onlyService(root).commands, { install: 'npm ci' });
  });

  test('a Go library module (no package main) is not a service', () => {
    const root = tempRepo({
      'go.mod': 'module github.com/acme/money\n\ngo 1.22\n',
      'money.go': 'package money\n\nfunc Add(a, b int) int { return a + b }\n',
      'money_test.go': 'package main\n',
    });
    assert.deepEqual(detectServices(root), []);
  });

  test('a Go module name skips the major-version suffix; a Go program without net/http is a worker', () => {
    const root = tempRepo({
      'go.mod': 'module github.com/acme/mailer/v2\n\ngo 1.22\n\nrequire github.com/redis/go-redis/v9 v9.7.0\n',
      'main.go': 'package main\n\nimport "github.com/redis/go-redis/v9"\n\nfunc main() { _ = redis.NewClient(nil) }\n',
    });
    const service = onlyService(root);
    assert.equal(service.name, 'mailer');
    assert.equal(service.kind, 'worker');
    assert.equal(service.framework, 'none');
    assert.deepEqual(service.uses, ['redis']);
  });

  test('a git remote on GitHub gives ghcr.io/<owner>, lowercased', () => {
    const root = tempRepo({});
    git(root, 'init', '-q');
    git(root, 'remote', 'add', 'origin', 'git@github.com:Acme/Shop.git');
    assert.equal(detect(root).registry, 'ghcr.io/acme');
  });

  test('other remote forms: https with credentials, GitLab subgroups, unknown hosts, no remote', () => {
    const registryFor = (remote: string | undefined) => {
      const root = tempRepo({});
      git(root, 'init', '-q');
      if (remote) git(root, 'remote', 'add', 'origin', remote);
      return detect(root).registry;
    };
    assert.equal(registryFor('https://x-access-token:abc@github.com/Acme/shop'), 'ghcr.io/acme');
    assert.equal(registryFor('https://gitlab.com/Acme/Platform/Shop.git'), 'registry.gitlab.com/acme/platform/shop');
    assert.equal(registryFor('ssh://git@gitlab.com:22/acme/shop.git'), 'registry.gitlab.com/acme/shop');
    assert.equal(registryFor('git@bitbucket.org:acme/shop.git'), undefined);
    assert.equal(registryFor(undefined), undefined);
  });

  test('an invalid, oddly typed or unreadable package.json does not throw', () => {
    const invalid = tempRepo({ 'package.json': '{ "name": "broken", ' });
    assert.deepEqual(detectServices(invalid), []);
    assert.equal(detect(invalid).projectName, path.basename(invalid).toLowerCase().replace(/[^a-z0-9-]+/g, '-'));

    const oddTypes = tempRepo({
      'package.json': JSON.stringify({ name: 42, dependencies: 'express', scripts: ['start'], workspaces: 'apps/*' }),
    });
    assert.doesNotThrow(() => detect(oddTypes));
    assert.deepEqual(detectServices(oddTypes), []);

    const arrayManifest = tempRepo({ 'package.json': '[]' });
    assert.deepEqual(detectServices(arrayManifest), []);

    // A manifest that is a folder, and (when not running as root) one that cannot be read.
    const folderManifest = tempRepo({ 'package.json/.keep': '' });
    assert.deepEqual(detectServices(folderManifest), []);
    const unreadable = tempRepo({ 'package.json': JSON.stringify({ name: 'x', dependencies: { express: '^5' } }) });
    chmodSync(path.join(unreadable, 'package.json'), 0o000);
    assert.doesNotThrow(() => detect(unreadable));
    chmodSync(path.join(unreadable, 'package.json'), 0o644);
  });

  test('a component library with its framework as a peer dependency is not a front end', () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }),
      'package-lock.json': '{}',
      'packages/ui/package.json': JSON.stringify({
        name: '@acme/ui',
        peerDependencies: { react: '^19.0.0' },
        devDependencies: { react: '^19.0.0', vite: '^6.0.0' },
        scripts: { build: 'vite build' },
      }),
      'packages/app/package.json': JSON.stringify({ name: '@acme/app', dependencies: { react: '^19.0.0' } }),
    });
    assert.deepEqual(
      detectServices(root).map((service) => service.name),
      ['app'],
    );
  });

  test('workspace packages deeper than two levels are found, and services beside the workspaces too', () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ private: true, workspaces: ['apps/group/*'], scripts: { start: 'turbo run dev' } }),
      'apps/group/api/package.json': JSON.stringify({ name: 'api', dependencies: { fastify: '^5.0.0' } }),
      'worker/go.mod': 'module example.com/worker\n',
      'worker/main.go': 'package main\n\nfunc main() {}\n',
    });
    assert.deepEqual(
      detectServices(root).map((service) => [service.name, service.path, service.kind]),
      [
        ['api', 'apps/group/api', 'backend'],
        ['worker', 'worker', 'worker'],
      ],
    );
  });

  test('a root service that is not the workspace orchestrator is kept', () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ private: true, workspaces: ['web'] }),
      'requirements.txt': 'fastapi==0.115.6\n',
      'main.py': 'app = FastAPI()\n',
      'web/package.json': JSON.stringify({ name: 'web', dependencies: { vue: '^3.5.0' } }),
    });
    assert.deepEqual(
      detectServices(root).map((service) => [service.path, service.framework]),
      [
        ['.', 'fastapi'],
        ['web', 'vue'],
      ],
    );
  });

  test("static assets inside a service (an Express app's public/index.html) are not a second service", () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ name: 'site', dependencies: { express: '^5.0.0' } }),
      'public/index.html': '<!doctype html>',
      'docs/index.html': '<!doctype html>',
    });
    assert.deepEqual(
      detectServices(root).map((service) => service.path),
      ['.'],
    );
  });

  test('test folders do not lend their ports or routes; a repository under a folder named test still works', () => {
    const root = tempRepo({
      'test/app/package.json': JSON.stringify({ name: 'app', dependencies: { express: '^5.0.0' } }),
      'test/app/src/server.js': "app.get('/livez', ok);\napp.listen(process.env.PORT || 3100);\n",
      'test/app/__tests__/stub.js': "app.get('/ping', ok);\n",
      'test/app/tests/stub.js': "server.listen(9999);\n",
    });
    const service = onlyService(path.join(root, 'test', 'app'));
    assert.equal(service.port, 3100);
    assert.equal(service.healthPath, '/livez');
  });

  test('Java sources deep in packages are searched for the health endpoint', () => {
    const root = tempRepo({
      'pom.xml': '<project><artifactId>ledger</artifactId><packaging>war</packaging><dependencies><dependency><artifactId>javax.servlet-api</artifactId></dependency></dependencies></project>',
      'src/main/java/com/acme/ledger/web/api/Health.java': '@RestController\nclass Health {\n  @GetMapping("/status") String status() { return "ok"; }\n}\n',
    });
    const service = onlyService(root);
    assert.equal(service.name, 'ledger');
    assert.equal(service.framework, 'none');
    assert.equal(service.kind, 'backend');
    assert.equal(service.healthPath, '/status');
    assert.deepEqual(service.commands, {
      install: 'mvn -B dependency:go-offline',
      build: 'mvn -B -DskipTests package',
      test: 'mvn -B verify',
    });
  });

  test('plain Gradle (no Spring Boot plugin) builds with the build task, not bootJar', () => {
    const root = tempRepo({
      'build.gradle': "plugins { id 'application' }\ndependencies { implementation 'org.postgresql:postgresql:42.7.4' }\n",
      'settings.gradle': "rootProject.name = 'etl'\n",
    });
    const service = onlyService(root);
    assert.equal(service.name, 'etl');
    assert.equal(service.kind, 'worker');
    assert.equal(service.commands.build, 'gradle --no-daemon build -x test');
    assert.deepEqual(service.uses, ['postgres']);
  });

  test('datastores are also read from URLs in .env.example', () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ name: 'api', dependencies: { express: '^5.0.0' } }),
      '.env.example': 'PORT=3300\nMONGO_URL=mongodb://localhost:27017/app\n',
    });
    const service = onlyService(root);
    assert.equal(service.port, 3300);
    assert.deepEqual(service.uses, ['mongodb']);
  });

  test('kustomize and AWS are recognised', () => {
    const root = tempRepo({
      'deploy/base/kustomization.yaml': 'resources: []\n',
      'infra/main.tf': 'provider "aws" {\n  region = "eu-west-1"\n}\n',
      'Jenkinsfile': 'pipeline {}\n',
    });
    const detection = detect(root);
    assert.equal(detection.orchestration, 'kustomize');
    assert.equal(detection.cloud, 'aws');
    assert.equal(detection.ci, 'jenkins');
  });
});

describe('detect: Makefile targets', () => {
  test('fill the steps the manifest does not name, and only those', () => {
    const root = tempRepo({
      'go.mod': 'module github.com/acme/tool\n\ngo 1.23\n',
      'main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
      'Makefile': 'GOFLAGS := -trimpath\n\nbuild:\n\tgo build ./...\n\nlint: vet\n\tgolangci-lint run\n\nvet:\n\tgo vet ./...\n',
    });
    const service = onlyService(root);
    assert.equal(service.commands.build, 'go build .', 'the manifest-derived command stays');
    assert.equal(service.commands.lint, 'go vet ./...');
    const python = tempRepo({
      'requirements.txt': 'flask==3.1.0\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      'Makefile': 'test:\n\tpython -m pytest\nlint:\n\truff check .\nGOAL := x\n',
    });
    const flask = onlyService(python);
    assert.equal(flask.commands.test, 'make test');
    assert.equal(flask.commands.lint, 'make lint');
    assert.equal(flask.commands.build, undefined);
  });
});

