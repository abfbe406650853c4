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

  // The Node services are checked field by field in test/detect/node-sample-app.test.ts, evidence in the corpus test.
  test('finds the Python service outside the workspaces', () => {
    assert.deepEqual(detection.services.filter((service) => service.language !== 'node').map(({ evidence: _evidence, ...service }) => service), [
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

// The fixtures' services are compared field by field with their truth files in test/detect/corpus.test.ts.
describe('detect: edge cases', () => {
  test('duplicate service names are disambiguated by path', () => {
    const api = JSON.stringify({ name: 'api', scripts: { start: 'node server.js' }, dependencies: { express: '^5.0.0' } });
    const root = tempRepo({
      'services/api/package.json': api,
      'services/api/server.js': 'app.listen(3000);\n',
      'platform/api/package.json': api,
      'platform/api/server.js': 'app.listen(3000);\n',
      'apps/web/package.json': JSON.stringify({ name: 'web', scripts: { build: 'vite build' }, dependencies: { react: '^19.0.0' } }),
      'apps/web/index.html': '<div id="root"></div>',
    });
    assert.deepEqual(
      detectServices(root).map((service) => [service.name, service.path]),
      [
        ['web', 'apps/web'],
        ['platform-api', 'platform/api'],
        ['services-api', 'services/api'],
      ],
    );
  });

  test('a root service that shares its name with a nested one keeps it', () => {
    const root = tempRepo({
      'go.mod': 'module github.com/acme/shop\n',
      'main.go': 'package main\n\nimport "net/http"\n',
      'web/package.json': JSON.stringify({ name: 'shop', scripts: { build: 'vite build' }, dependencies: { react: '^19.0.0' } }),
      'web/index.html': '<div id="root"></div>',
    });
    assert.deepEqual(
      detectServices(root).map((service) => [service.name, service.path]),
      [
        ['shop', '.'],
        ['web', 'web'],
      ],
    );
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

  test("the remote of the repository phase4 runs in, even when the caller's GIT_DIR names another (a git hook's)", () => {
    const root = tempRepo({});
    git(root, 'init', '-q');
    git(root, 'remote', 'add', 'origin', 'git@github.com:acme/shop.git');
    const other = tempRepo({});
    git(other, 'init', '-q');
    git(other, 'remote', 'add', 'origin', 'git@github.com:elsewhere/tool.git');
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(other, '.git');
    try {
      assert.equal(detect(root).registry, 'ghcr.io/acme');
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
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

  test('workspace packages deeper than two levels are found, and services beside the workspaces too', () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ private: true, workspaces: ['apps/group/*'], scripts: { start: 'turbo run dev' } }),
      'apps/group/api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node app.js' }, dependencies: { fastify: '^5.0.0' } }),
      'apps/group/api/app.js': 'await app.listen({ port: 3000 });\n',
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
      'web/package.json': JSON.stringify({ name: 'web', scripts: { build: 'vite build' }, dependencies: { vue: '^3.5.0' } }),
      'web/index.html': '<div id="app"></div>',
    });
    assert.deepEqual(
      detectServices(root).map((service) => [service.path, service.framework]),
      [
        ['.', 'fastapi'],
        ['web', 'vue'],
      ],
    );
  });

  test('test folders do not lend their ports or routes; a repository under a folder named test still works', () => {
    const root = tempRepo({
      'test/app/package.json': JSON.stringify({ name: 'app', scripts: { start: 'node src/server.js' }, dependencies: { express: '^5.0.0' } }),
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
      'package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' }, dependencies: { express: '^5.0.0' } }),
      'server.js': 'app.listen(process.env.PORT);\n',
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

