/**
 * The stack model: runtime versions resolved against the pinned tracks (and refused when none fits), start
 * commands in exec form listening on all interfaces, health checks without guessed paths, settings wired to
 * the datastores, migrations, and images shared by the services of one folder.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Service } from '../../lib/catalog/service.js';
import { UsageError } from '../../lib/errors.js';
import { connectionValue } from '../../lib/model/connection.js';
import { derive } from '../../lib/model/derive.js';
import { engines } from '../../lib/model/engines/index.js';
import { toolRequirement } from '../../lib/model/images.js';
import { atLeast, javaRelease, nodeRange, pythonSpecifier, resolveRuntime } from '../../lib/model/runtime.js';
import { parseCommand } from '../../lib/model/shell-words.js';
import { runtimeTracks } from '../../lib/versions/index.js';
import { baseConfig } from '../docker/matrix.js';

const service = (fields: Partial<Service> & Pick<Service, 'language'>): Service => ({
  name: 'svc',
  path: 'svc',
  kind: 'backend',
  framework: 'none',
  packageManager: fields.language === 'node' ? 'npm' : fields.language === 'python' ? 'pip' : fields.language === 'go' ? 'go' : 'maven',
  port: 8000,
  commands: {},
  ...fields,
});

const newest = (runtime: 'node' | 'python' | 'go') => runtimeTracks(runtime)[0].version;
const runtimeOf = (fields: Partial<Service> & Pick<Service, 'language'>) => resolveRuntime(service(fields), 'services[0].runtimeVersion').version;
const modelOf = (services: Service[], database: 'postgres' | 'none' = 'postgres', cache: 'redis' | 'none' = 'redis') =>
  derive({ ...baseConfig('shop', services), database, cache });

describe('runtime versions', () => {
  test('the declared forms of each ecosystem', () => {
    assert.equal(nodeRange('v20.11.0'), '^20.11.0');
    assert.equal(nodeRange('lts/iron'), '20.x');
    assert.equal(nodeRange('>=18 <23'), '>=18 <23');
    assert.equal(pythonSpecifier('^3.11'), '>=3.11,<4.0');
    assert.equal(pythonSpecifier('~3.11'), '>=3.11,<3.12');
    assert.equal(pythonSpecifier('3.12'), '==3.12.*');
    assert.equal(pythonSpecifier('python-3.12.4'), '~=3.12.4');
    assert.equal(pythonSpecifier('>=3.10,<4.0'), '>=3.10,<4.0');
    assert.ok(atLeast('1.27.0', '1.24.2') && atLeast('1.24.2', '1.24') && !atLeast('1.25.1', '1.26'));
    assert.equal(javaRelease('1.8'), 8);
    assert.equal(javaRelease('JavaVersion.VERSION_17'), 17);
  });

  test('the newest pinned track that satisfies the declaration', () => {
    assert.equal(runtimeOf({ language: 'node' }), newest('node'), 'nothing declared: the newest');
    assert.match(runtimeOf({ language: 'node', runtimeVersion: '20' }), /^20\./);
    assert.match(runtimeOf({ language: 'node', runtimeVersion: '^22.11' }), /^22\./);
    assert.match(runtimeOf({ language: 'node', runtimeVersion: '>=20 <25' }), /^24\./);
    assert.match(runtimeOf({ language: 'python', runtimeVersion: '>=3.10,<3.13' }), /^3\.12\./);
    assert.match(runtimeOf({ language: 'python', runtimeVersion: '3.11' }), /^3\.11\./);
    assert.equal(runtimeOf({ language: 'python', runtimeVersion: '>=3.14' }), newest('python'));
    assert.equal(runtimeOf({ language: 'go', runtimeVersion: '1.25.0' }), newest('go'), "go.mod's go line is a minimum");
    assert.equal(runtimeOf({ language: 'java', runtimeVersion: '17' }), '17', 'a Java release is exact (toolchains)');
    assert.equal(runtimeOf({ language: 'java' }), '21');
  });

  test("Bun: a project's exact pin is the image, a range must fit the pinned Bun", () => {
    const bun = (packageManagerVersion: string) => resolveRuntime(service({ language: 'node', packageManager: 'bun', packageManagerVersion }), 'field');
    assert.equal(bun('1.3.11').version, '1.3.11');
    assert.equal(bun('1.3.11').track.tag, '1.3.11-slim');
    assert.throws(() => bun('^0.8'), UsageError);
  });

  test('a declaration no pinned track satisfies stops the run, naming the field and the fix', () => {
    for (const [fields, pattern] of [
      [{ language: 'node', runtimeVersion: '16.x' }, /'16\.x': no pinned node image satisfies it \(pinned: 26\./],
      [{ language: 'python', runtimeVersion: '<3.9' }, /no pinned python image/],
      [{ language: 'go', runtimeVersion: '1.99' }, /no pinned go image/],
      [{ language: 'java', runtimeVersion: '8' }, /no pinned java image/],
    ] as const) {
      assert.throws(
        () => resolveRuntime(service(fields), 'services[2].runtimeVersion'),
        (error: unknown) => error instanceof UsageError && error.field === 'services[2].runtimeVersion' && pattern.test(error.problem),
      );
    }
    assert.throws(() => modelOf([service({ language: 'node', runtimeVersion: '14' })]), /services\[0\]\.runtimeVersion/);
  });

  test("tools: phase4's pin when it fits the project's declaration, else the project's own", () => {
    assert.equal(toolRequirement(undefined, '10.34.9', 'npm'), '10.34.9');
    assert.equal(toolRequirement('^10.2', '10.34.9', 'npm'), '10.34.9');
    assert.equal(toolRequirement('9.15.0', '10.34.9', 'npm'), '9.15.0');
    assert.equal(toolRequirement('>=0.9', '0.13.8', 'pypi'), '0.13.8');
    // An older major phase4 also pins (the pnpm that reads a lockfile format 6.0) before the project's bare range.
    assert.equal(toolRequirement('8', ['10.34.9', '8.15.9', '7.33.7'], 'npm'), '8.15.9');
    assert.equal(toolRequirement('6', ['10.34.9', '8.15.9', '7.33.7'], 'npm'), '6');
    assert.equal(toolRequirement('>=0.5,<0.6', '0.13.8', 'pypi'), '>=0.5,<0.6');
  });
});

describe('start commands', () => {
  const startOf = (fields: Partial<Service> & Pick<Service, 'language'>) => modelOf([service(fields)], 'none', 'none').services[0];

  test('servers that default to 127.0.0.1 listen on all interfaces at the service port', () => {
    assert.deepEqual(startOf({ language: 'python', framework: 'fastapi', commands: { start: 'uvicorn app.main:app' } }).start, [
      'uvicorn',
      'app.main:app',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
    ]);
    assert.deepEqual(startOf({ language: 'python', framework: 'django', port: 8001, commands: { start: 'gunicorn -b 127.0.0.1:8001 shop.wsgi' } }).start, [
      'gunicorn',
      '-b',
      '0.0.0.0:8001',
      'shop.wsgi',
    ]);
    assert.deepEqual(startOf({ language: 'python', framework: 'django', commands: { start: 'gunicorn shop.wsgi' } }).start, ['gunicorn', 'shop.wsgi', '--bind', '0.0.0.0:8000']);
    assert.deepEqual(startOf({ language: 'python', framework: 'fastapi', commands: { start: 'fastapi run app/main.py --port 8000' } }).start, ['fastapi', 'run', 'app/main.py', '--port', '8000']);
  });

  test('environment launchers are dropped (the virtual environment is on PATH); $PORT becomes the port', () => {
    assert.deepEqual(startOf({ language: 'python', framework: 'fastapi', commands: { start: 'uv run --package app uvicorn main:app --host 0.0.0.0 --port $PORT' } }).start, [
      'uvicorn',
      'main:app',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
    ]);
    assert.deepEqual(startOf({ language: 'python', framework: 'celery', kind: 'worker', commands: { start: 'poetry run celery -A shop worker' } }).start, ['celery', '-A', 'shop', 'worker']);
  });

  test('leading assignments become the environment; shell syntax gets a shell', () => {
    const withEnv = startOf({ language: 'node', commands: { start: 'NODE_OPTIONS=--enable-source-maps node dist/main.js' } });
    assert.deepEqual(withEnv.start, ['node', 'dist/main.js']);
    assert.ok(withEnv.environment.some((setting) => setting.name === 'NODE_OPTIONS' && setting.value === '--enable-source-maps'));
    assert.deepEqual(startOf({ language: 'node', commands: { start: 'node migrate.js && node server.js' } }).start, ['sh', '-c', 'node migrate.js && node server.js']);
    assert.deepEqual(startOf({ language: 'python', commands: { start: 'gunicorn app:app --workers $WORKERS' } }).start, ['sh', '-c', 'exec gunicorn app:app --workers $WORKERS']);
  });

  test('without a start command: the framework convention, reported as guessed', () => {
    const guessed = modelOf([service({ language: 'node', framework: 'express' })], 'none', 'none');
    assert.deepEqual(guessed.services[0].start, ['node', '.']);
    assert.ok(guessed.notes.some((note) => note.includes('no start command was found')));
  });

  test('Go and Java run their binary, with the start arguments after it', () => {
    assert.deepEqual(startOf({ language: 'go', framework: 'chi', commands: { start: 'serve --port $PORT' } }).start, ['/app/server', 'serve', '--port', '8000']);
    assert.deepEqual(startOf({ language: 'java', framework: 'spring-boot' }).start, ['java', '-jar', 'app.jar']);
  });

  test('shell words', () => {
    assert.deepEqual(parseCommand(`gunicorn "app:create_app()" -b '0.0.0.0:8000'`).argv, ['gunicorn', 'app:create_app()', '-b', '0.0.0.0:8000']);
    assert.equal(parseCommand('a | b').needsShell, true);
    assert.equal(parseCommand('echo "$(date)"').needsShell, true);
  });
});

describe('health checks', () => {
  test('the health route when there is one, the port when there is none, nothing for workers', () => {
    const model = modelOf(
      [
        service({ language: 'python', name: 'api', healthPath: '/api/v1/health/' }),
        service({ language: 'python', name: 'bare', path: 'bare' }),
        service({ language: 'python', name: 'jobs', path: 'jobs', kind: 'worker', port: undefined }),
      ],
      'none',
      'none',
    );
    const [api, bare, jobs] = model.services;
    assert.deepEqual(api.health, { kind: 'http', port: 8000, path: '/api/v1/health/', url: 'http://127.0.0.1:8000/api/v1/health/' });
    assert.deepEqual(bare.health, { kind: 'tcp', port: 8000 });
    assert.ok(!bare.probe!.argv.join(' ').includes('/healthz'));
    assert.ok(model.notes.some((note) => note.startsWith('bare: no health route was found')));
    assert.deepEqual(jobs.health, { kind: 'none' });
    assert.equal(jobs.probe, undefined);
  });
});

describe('settings and datastores', () => {
  const api = (settings: Service['settings'], extra: Partial<Service> = {}) =>
    modelOf([service({ language: 'node', name: 'api', settings, uses: ['postgres', 'redis'], ...extra })]).services[0];

  test('connection settings are wired by name to the datastore they read, the cache first', () => {
    const settings = api([
      { name: 'DATABASE_URL', secret: true },
      { name: 'PGHOST' },
      { name: 'PAPERLESS_DBPASS', secret: true },
      { name: 'CELERY_BROKER_URL', secret: true },
      { name: 'REDIS_HOST' },
      { name: 'USE_REDIS', default: 'true' },
      { name: 'SPRING_DATASOURCE_URL' },
      { name: 'JWT_SECRET', secret: true },
      { name: 'SIGNING_KEY' },
      { name: 'LOG_LEVEL', default: 'info' },
    ]).settings;
    const value = (name: string) => settings.find((setting) => setting.name === name)!.value;
    assert.deepEqual(value('DATABASE_URL'), { kind: 'datastore', engine: 'postgres', part: 'url' });
    assert.deepEqual(value('PGHOST'), { kind: 'datastore', engine: 'postgres', part: 'host' });
    assert.deepEqual(value('PAPERLESS_DBPASS'), { kind: 'datastore', engine: 'postgres', part: 'password' });
    assert.deepEqual(value('CELERY_BROKER_URL'), { kind: 'datastore', engine: 'redis', part: 'url' });
    assert.deepEqual(value('REDIS_HOST'), { kind: 'datastore', engine: 'redis', part: 'host' });
    assert.deepEqual(value('USE_REDIS'), { kind: 'plain', default: 'true' }, 'a switch is not a connection');
    assert.deepEqual(value('SPRING_DATASOURCE_URL'), { kind: 'datastore', engine: 'postgres', part: 'jdbc-url' });
    assert.deepEqual(value('JWT_SECRET'), { kind: 'secret' });
    assert.deepEqual(value('SIGNING_KEY'), { kind: 'secret' }, 'a key is a secret even when detection did not say so');
    assert.deepEqual(value('LOG_LEVEL'), { kind: 'plain', default: 'info' });
  });

  test('connection values in each engine format, with the driver scheme the app asks for', () => {
    const model = modelOf([service({ language: 'python', uses: ['postgres', 'redis'] })]);
    const endpoint = { host: 'db', port: 5432, user: 'app', password: 'pw', database: 'shop' };
    assert.equal(connectionValue(model.database!, { kind: 'datastore', engine: 'postgres', part: 'url' }, endpoint), 'postgresql://app:pw@db:5432/shop');
    assert.equal(
      connectionValue(model.database!, { kind: 'datastore', engine: 'postgres', part: 'url', scheme: 'postgresql+psycopg' }, endpoint),
      'postgresql+psycopg://app:pw@db:5432/shop',
    );
    assert.equal(connectionValue(model.database!, { kind: 'datastore', engine: 'postgres', part: 'jdbc-url' }, endpoint), 'jdbc:postgresql://db:5432/shop');
    assert.equal(connectionValue(model.cache!, { kind: 'datastore', engine: 'redis', part: 'url' }, { ...endpoint, port: 6379 }), 'redis://:pw@db:6379/0');
  });

  test('no declared settings: the conventional names; Spring Boot gets its own', () => {
    assert.deepEqual(
      api(undefined).settings.map((setting) => setting.name),
      ['DATABASE_URL', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_NAME', 'REDIS_URL', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD'],
    );
    const boot = modelOf([service({ language: 'java', framework: 'spring-boot', uses: ['postgres'] })], 'postgres', 'none').services[0];
    assert.deepEqual(boot.settings.map((setting) => setting.name), ['SPRING_DATASOURCE_URL', 'SPRING_DATASOURCE_USERNAME', 'SPRING_DATASOURCE_PASSWORD']);
  });

  test('a datastore the project does not run is reported, not invented', () => {
    const model = modelOf([service({ language: 'node', uses: ['mongodb'] })], 'postgres', 'none');
    assert.deepEqual(model.services[0].uses, []);
    assert.ok(model.notes.some((note) => note.includes('uses mongodb')));
  });

  test('every engine module names its port, client settings, backup tool, exporter and managed services', () => {
    for (const engine of Object.values(engines)) {
      assert.ok(engine.port > 0 && engine.healthcheck.length > 0 && engine.backup.tool && engine.exporter.image.includes(':'));
      for (const cloud of ['aws', 'gcp', 'azure'] as const) assert.ok(engine.managed[cloud].resource, `${engine.engine} ${cloud}`);
      assert.ok(engine.clientSettings.url.test(engine.conventionalSettings.url!), `${engine.engine} reads its own conventional URL`);
    }
  });
});

describe('images and migrations', () => {
  test('the services of one folder share one image, owned by the web service', () => {
    const model = modelOf([
      service({ language: 'python', framework: 'celery', name: 'worker', path: 'app', kind: 'worker', port: undefined, commands: { start: 'celery -A shop worker' } }),
      service({ language: 'python', framework: 'django', name: 'web', path: 'app', commands: { start: 'gunicorn shop.wsgi' } }),
    ]);
    assert.equal(model.images.length, 1);
    assert.equal(model.images[0].owner, 'web');
    assert.deepEqual(model.images[0].services, ['worker', 'web']);
    assert.deepEqual(model.services[0].start, ['celery', '-A', 'shop', 'worker']);
  });

  test('services of one folder must agree on how the image is built', () => {
    assert.throws(
      () => modelOf([service({ language: 'python', name: 'a', path: 'x' }), service({ language: 'python', name: 'b', path: 'x', packageManager: 'poetry' })]),
      (error: unknown) => error instanceof UsageError && error.field === 'services[1].packageManager',
    );
  });

  test('migrations: Node and Go tools run from the migrate target, Python in the runtime, Spring Boot at start-up', () => {
    const model = modelOf([
      service({ language: 'node', name: 'node', path: 'node', migrations: { tool: 'prisma', command: 'npx prisma migrate deploy' } }),
      service({ language: 'python', name: 'py', path: 'py', migrations: { tool: 'alembic', command: 'uv run alembic upgrade head' } }),
      service({ language: 'go', name: 'go', path: 'go', migrations: { tool: 'goose', command: 'goose -dir db postgres "$DATABASE_URL" up' } }),
      service({ language: 'java', framework: 'spring-boot', name: 'java', path: 'java', migrations: { tool: 'flyway', command: 'java -jar app.jar' } }),
    ]);
    const [node, py, go, java] = model.services.map((entry) => entry.migrations!);
    assert.deepEqual([node.target, node.argv, node.separate], ['migrate', ['prisma', 'migrate', 'deploy'], true]);
    assert.deepEqual([py.target, py.argv], ['runtime', ['alembic', 'upgrade', 'head']]);
    assert.deepEqual([go.target, go.argv], ['migrate', ['sh', '-c', 'goose -dir db postgres "$DATABASE_URL" up']]);
    assert.equal(java.separate, false);
  });

  test('a front end another service serves is built in its image: no service, image or port of its own', () => {
    const model = modelOf([
      service({ language: 'python', framework: 'fastapi', name: 'api', path: 'backend', buildContext: '.', packageManager: 'uv', lockfile: 'uv.lock' }),
      service({
        language: 'node',
        kind: 'frontend',
        framework: 'react',
        name: 'web',
        path: 'frontend',
        port: undefined,
        packageManager: 'bun',
        lockfile: 'frontend/bun.lock',
        servedBy: 'api',
        builtInto: 'backend/app/static',
      }),
    ]);
    assert.deepEqual(model.services.map((entry) => entry.name), ['api']);
    assert.deepEqual(model.images.map((image) => image.owner), ['api']);
    const [frontEnd] = model.images[0].frontEnds;
    assert.deepEqual([frontEnd.name, frontEnd.contextInHost, frontEnd.output, frontEnd.builtInto], ['web', 'frontend', '../backend/app/static', 'backend/app/static']);
    assert.equal(frontEnd.build.runtime?.runtime, 'bun', 'built with the Bun its package manager implies');
    assert.equal(frontEnd.build.packageManager.lockfile, 'bun.lock', "the lockfile relative to the front end's own context");
    assert.ok(model.images[0].dependencyFiles.includes('frontend/bun.lock'), 'a change to its lockfile rebuilds the serving image');
    assert.ok(model.notes.some((note) => /web: built into api's image \(backend\/app\/static\)/.test(note)));
    // In the same folder as the service that embeds it (a Go module and a Vite app at the root): no shared image.
    const root = modelOf([
      service({ language: 'go', framework: 'net-http', name: 'server', path: '.' }),
      service({ language: 'node', kind: 'frontend', framework: 'vue', name: 'ui', path: '.', port: undefined, servedBy: 'server', builtInto: 'web/dist' }),
    ]);
    assert.deepEqual(root.images.map((image) => [image.owner, image.services, image.frontEnds.map((frontEnd) => frontEnd.name)]), [['server', ['server'], ['ui']]]);
  });
});
