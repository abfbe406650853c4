/** The Node detector's readers, each on a small repository written for the case. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detect, detectServices } from '../../lib/detect/index.js';
import { unwrap } from '../../lib/detect/node/commands.js';
import { blankComments, joinRoute } from '../../lib/detect/node/source.js';
import type { DetectedService } from '../../lib/detect/types.js';
import { tempDir, writeTree } from '../helpers/folders.js';

const repo = (files: Record<string, string | object>): string =>
  writeTree(tempDir('phase4-node-'), Object.fromEntries(Object.entries(files).map(([file, content]) => [file, typeof content === 'string' ? content : JSON.stringify(content)])));

const only = (root: string): DetectedService => {
  const services = detectServices(root);
  assert.equal(services.length, 1, `expected one service, got ${JSON.stringify(services.map((service) => service.path))}`);
  return services[0];
};

const express = (scripts: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  name: 'api',
  scripts,
  dependencies: { express: '^4.21.2' },
  ...extra,
});

describe('node: start commands', () => {
  test('env-loading wrappers and assignments are stripped, their variables kept aside', () => {
    assert.deepEqual(unwrap('dotenv -e ../../.env -- cross-env NODE_ENV=production node build/server/main.js').command, 'node build/server/main.js');
    assert.equal(unwrap('env-cmd -f .env.production node index.js').command, 'node index.js');
    assert.equal(unwrap('npx dotenvx run -f .env -- node index.js').command, 'node index.js');
    assert.deepEqual(unwrap('PORT=4000 node server.js'), { command: 'node server.js', env: { PORT: '4000' }, removed: ['PORT=4000'] });
    assert.equal(unwrap('node --env-file=.env server.js').command, 'node --env-file=.env server.js', 'a node flag is not a wrapper');
  });

  test('start:prod wins over a development start; a wrapper script called with -- is unwrapped too', () => {
    const root = repo({
      'package.json': express({ start: 'nodemon src/server.js', 'start:prod': 'npm run with:env -- node dist/server.js', 'with:env': 'dotenv -e ../.env --', build: 'tsc' }),
      'src/server.ts': 'app.listen(3000);\n',
    });
    assert.equal(only(root).commands.start, 'node dist/server.js');
  });

  test('a chain keeps the process it ends with; run-s follows its last script', () => {
    const chained = repo({ 'package.json': express({ start: 'prisma migrate deploy && node dist/main.js' }), 'src/main.js': 'app.listen(1)' });
    assert.equal(only(chained).commands.start, 'node dist/main.js');
    assert.ok(detect(chained).notes.some((note) => note.includes('prisma migrate deploy')));
    const runAll = repo({ 'package.json': express({ start: 'run-s check serve', check: 'node check.js', serve: 'node server.js' }), 'server.js': 'app.listen(1)' });
    assert.equal(only(runAll).commands.start, 'node server.js');
  });

  test('nest start becomes node on the compiled entry; files outside src/ move it to dist/src', () => {
    const files = {
      'package.json': { name: 'api', scripts: { build: 'nest build', start: 'nest start', 'start:prod': 'node dist/main' }, dependencies: { '@nestjs/core': '^10.0.0' } },
      'nest-cli.json': { sourceRoot: 'src' },
      'tsconfig.json': { compilerOptions: { outDir: './dist' } },
      'tsconfig.build.json': { extends: './tsconfig.json', exclude: ['node_modules', 'test', 'dist', '**/*spec.ts'] },
      'src/main.ts': 'const app = await NestFactory.create(AppModule);\nawait app.listen(3000);\n',
    };
    assert.equal(only(repo(files)).commands.start, 'node dist/main', 'the project’s own production script, when it matches the build');
    const withSeed = only(repo({ ...files, 'prisma/seed.ts': 'export {};\n' }));
    assert.equal(withSeed.commands.start, 'node dist/src/main.js', 'tsc roots the output at the package folder');
    assert.match(withSeed.evidence['commands.start'].note, /not dist\/main/);
    const webpack = only(repo({ ...files, 'package.json': { ...files['package.json'], scripts: { build: 'nest build', start: 'nest start' } }, 'nest-cli.json': { sourceRoot: 'src', entryFile: 'index', compilerOptions: { builder: 'webpack' } } }));
    assert.equal(webpack.commands.start, 'node dist/index.js');
  });

  test('ts-node at start is replaced by the compiled file when the package builds with tsc', () => {
    const root = repo({
      'package.json': express({ build: 'tsc -p tsconfig.json', start: 'node --loader ts-node/esm ./src/index.ts' }),
      'tsconfig.json': '{\n  // comments are allowed\n  "compilerOptions": { "outDir": "build", "rootDir": "src" },\n}\n',
      'src/index.ts': 'app.listen(process.env.PORT ?? 8080);\n',
    });
    const service = only(root);
    assert.equal(service.commands.start, 'node build/index.js');
    assert.equal(service.buildOutput, 'build');
  });

  test('an Nx project: its name, the bundle its build target writes, its targets as commands', () => {
    const service = only(
      repo({
        'package.json': { name: '@api/source', scripts: { start: 'nx serve', build: 'nx build' }, dependencies: { express: '^4' } },
        'package-lock.json': '{}',
        'nx.json': '{}',
        'project.json': { name: 'api', targets: { build: { executor: '@nx/esbuild:esbuild', options: { main: 'src/main.ts', outputPath: 'dist/api' } }, lint: { executor: '@nx/eslint:lint' } } },
        'src/main.ts': 'app.listen(process.env.PORT || 3000);\n',
      }),
    );
    assert.deepEqual([service.name, service.commands.start, service.buildOutput, service.commands.build, service.commands.lint], ['api', 'node dist/api/main.js', 'dist/api', 'npm run build', 'npx nx lint api']);
  });

  test('a Bun server without a start script runs its entry with bun', () => {
    const root = repo({
      'package.json': { name: 'edge', scripts: { dev: 'bun --hot src/index.ts' }, dependencies: { hono: '^4.6.0' } },
      'bun.lockb': '',
      'src/index.ts': "const app = new Hono();\nexport default { port: 8787, fetch: app.fetch };\n",
    });
    const service = only(root);
    assert.equal(service.commands.start, 'bun run src/index.ts');
    assert.equal(service.commands.install, 'bun install --frozen-lockfile');
    assert.equal(service.port, 8787);
  });
});

describe('node: package managers and versions', () => {
  test('yarn berry installs with --immutable, classic with --frozen-lockfile; no lockfile means a plain install', () => {
    const server = 'app.listen(3000);\n';
    const berry = only(repo({ 'package.json': express({ start: 'node server.js' }), 'yarn.lock': '__metadata:\n  version: 8\n', 'server.js': server }));
    assert.equal(berry.commands.install, 'yarn install --immutable');
    const classic = only(repo({ 'package.json': express({ start: 'node server.js' }), 'yarn.lock': '# yarn lockfile v1\n', 'server.js': server }));
    assert.equal(classic.commands.install, 'yarn install --frozen-lockfile');
    const none = only(repo({ 'package.json': express({ start: 'node server.js' }), 'server.js': server }));
    assert.equal(none.commands.install, 'npm install');
    assert.equal(none.lockfile, undefined);
  });

  test('packageManager pins the version (without its hash); engines, yarnPath and the pnpm lockfile format otherwise', () => {
    const pinned = only(repo({ 'package.json': express({ start: 'node s.js' }, { packageManager: 'pnpm@9.15.0+sha512.abc' }), 'pnpm-lock.yaml': '', 's.js': 'app.listen(1)' }));
    assert.equal(pinned.packageManagerVersion, '9.15.0');
    const engines = only(repo({ 'package.json': express({ start: 'node s.js' }, { engines: { pnpm: '>=9' } }), 'pnpm-lock.yaml': '', 's.js': 'app.listen(1)' }));
    assert.equal(engines.packageManagerVersion, '>=9');
    const yarnPath = only(repo({ 'package.json': express({ start: 'node s.js' }), 'yarn.lock': '__metadata:\n', '.yarnrc.yml': 'yarnPath: .yarn/releases/yarn-4.6.0.cjs\n', 's.js': 'app.listen(1)' }));
    assert.equal(yarnPath.packageManagerVersion, '4.6.0');
    // Nothing declared: the lockfile format names the pnpm major that wrote it (9.0 fits the current pnpm).
    const lockfileOf = (version: string) =>
      only(repo({ 'package.json': express({ start: 'node s.js' }), 'pnpm-lock.yaml': `lockfileVersion: ${version}\n\nimporters: {}\n`, 's.js': 'app.listen(1)' }));
    assert.deepEqual(['6.0', "'6.1'", '5.4', "'9.0'"].map((version) => lockfileOf(version).packageManagerVersion), ['8', '8', '7', undefined]);
    assert.match(lockfileOf("'6.0'").evidence.packageManagerVersion.note, /lockfileVersion 6\.0: written by pnpm 8/);
  });

  test('two lockfiles: the tool the README and scripts use wins over a stale one', () => {
    const root = repo({
      'package.json': express({ start: 'node s.js' }),
      'package-lock.json': '{}',
      'yarn.lock': '# yarn lockfile v1\n',
      'README.md': 'Run `npm install`, then `npm run start`.\n',
      's.js': 'app.listen(1)',
    });
    assert.equal(only(root).packageManager, 'npm');
  });

  test('Node version: the service folder before the workspace root; a pin outside the engines range loses to it, one inside it wins', () => {
    const member = { name: '@x/api', scripts: { start: 'node s.js' }, dependencies: { express: '^4' } };
    const root = repo({
      'package.json': { private: true, workspaces: ['apps/*'], volta: { node: '20.17.0' }, engines: { node: '>=22.12.0 <23' } },
      'package-lock.json': '{}',
      'apps/api/package.json': member,
      'apps/api/s.js': 'app.listen(1)',
      'apps/web/package.json': { ...member, name: '@x/web', engines: { node: '^22.11' } },
      'apps/web/s.js': 'app.listen(1)',
    });
    const [api, web] = detectServices(root);
    assert.equal(api.runtimeVersion, '>=22.12.0 <23');
    assert.match(api.evidence.runtimeVersion.note, /pins 20\.17\.0/);
    assert.equal(web.runtimeVersion, '^22.11');
    const agreeing = only(repo({ 'package.json': express({ start: 'node s.js' }, { engines: { node: '>=20' } }), '.nvmrc': 'v20.18.1\n', 's.js': 'app.listen(1)' }));
    assert.equal(agreeing.runtimeVersion, '20.18.1');
    const pnpmNode = only(repo({ 'package.json': express({ start: 'node s.js' }, { engines: { node: '>=20' } }), '.npmrc': 'engine-strict=true\nuse-node-version=20.9.0\n', 's.js': 'app.listen(1)' }));
    assert.equal(pnpmNode.runtimeVersion, '20.9.0');
    const rootPin = repo({
      'package.json': { private: true, workspaces: ['apps/*'] },
      '.node-version': '20.18.1\n',
      'package-lock.json': '{}',
      'apps/api/package.json': { ...member, engines: { node: '>=20.11' } },
      'apps/api/s.js': 'app.listen(1)',
      'apps/web/package.json': { ...member, name: '@x/web', engines: { node: '>=22' } },
      'apps/web/s.js': 'app.listen(1)',
    });
    const [pinned, ranged] = detectServices(rootPin);
    assert.equal(pinned.runtimeVersion, '20.18.1', "the repository's pin, inside the package's range");
    assert.equal(ranged.runtimeVersion, '>=22', "the package's range, which the repository's pin is outside");
  });

  test('a workspace member is built from the root, with the root lockfile and its package name', () => {
    const root = repo({
      'package.json': { private: true, workspaces: ['services/*'] },
      'package-lock.json': '{}',
      'services/api/package.json': { name: '@shop/api', scripts: { start: 'node index.js', test: 'echo "Error: no test specified" && exit 1' }, dependencies: { fastify: '^5' } },
      'services/api/index.js': 'fastify.listen({ port: 7000 });\n',
    });
    const service = only(root);
    assert.deepEqual([service.buildContext, service.lockfile, service.workspacePackage, service.port], ['.', 'package-lock.json', '@shop/api', 7000]);
    assert.deepEqual(service.commands, { install: 'npm ci', start: 'node index.js' }, "npm's placeholder test script is no test");
  });
});

describe('node: ports', () => {
  const port = (code: string, start = 'node server.js') => only(repo({ 'package.json': express({ start }), 'server.js': code })).port;

  test('env defaults in their usual spellings, never another service’s port', () => {
    assert.equal(port("const redis = new Redis({ port: process.env.REDIS_PORT || 6379 });\napp.listen(process.env.PORT || 3300);\n"), 3300);
    assert.equal(port('const port = Number(process.env.PORT) || 4000;\napp.listen(port);\n'), 4000);
    assert.equal(port("app.listen(parseInt(process.env.PORT ?? '5050', 10));\n"), 5050);
    assert.equal(port('const { PORT = 6060 } = process.env;\napp.listen(PORT);\n'), 6060);
    assert.equal(port("const port = process.env.ORCHESTRATOR_PORT || 3002;\napp.listen(port);\n"), 3002);
    assert.equal(port('export default {\n  port: process.env.PORT ? Number.parseInt(process.env.PORT, 10) : 3030,\n  fetch: app.fetch,\n};\n'), 3030);
    assert.equal(port('// app.listen(9999)\napp.listen(7070);\n'), 7070, 'a commented-out listen is no port');
  });

  test('listen(config.server.port) reads the literal from the configuration file', () => {
    const root = repo({
      'package.json': express({ start: 'node dist/index.js' }),
      'src/index.ts': 'await app.listen(AppConfig.server.port, host);\n',
      'src/config/defaults.ts': 'AppConfig.database.port = 5432;\nAppConfig.server.port = 3010;\n',
    });
    assert.equal(only(root).port, 3010);
  });

  test('the start command’s flags and assignments come first; .env.example before the default', () => {
    assert.equal(port('app.listen(process.env.PORT || 3000);\n', 'PORT=4100 node server.js'), 4100);
    const fromEnvFile = only(repo({ 'package.json': express({ start: 'node server.js' }), 'server.js': 'app.listen(process.env.PORT);\n', '.env.example': 'PORT=8088\n' }));
    assert.equal(fromEnvFile.port, 8088);
    assert.equal(fromEnvFile.evidence.port.file, '.env.example');
  });

  test('Next.js takes -p from its start script, else 3000', () => {
    const next = (start: string) =>
      only(repo({ 'package.json': { name: 'web', scripts: { build: 'next build', start }, dependencies: { next: '15.1.0', react: '19.0.0' } }, 'next.config.js': 'module.exports = {};\n' }));
    assert.equal(next('next start -p 3003').port, 3003);
    assert.equal(next('next start').port, 3000);
  });
});

describe('node: health routes', () => {
  const health = (files: Record<string, string | object>) => only(repo(files)).healthPath;

  test('Express routers mounted across files, with inline requires', () => {
    assert.equal(
      health({
        'package.json': express({ start: 'node src/index.js' }),
        'src/index.js': "const app = express();\napp.use('/api/v2', require('./routes'));\napp.listen(3000);\n",
        'src/routes/index.js': "const router = express.Router();\nconst ops = require('./ops');\nrouter.use('/ops', auth, ops);\nmodule.exports = router;\n",
        'src/routes/ops.js': "const router = express.Router();\nrouter.get('/healthz', (req, res) => res.send('ok'));\nmodule.exports = router;\n",
      }),
      '/api/v2/ops/healthz',
    );
  });

  test('Fastify register prefixes, Koa router prefixes, Hono route() and basePath()', () => {
    assert.equal(
      health({
        'package.json': { name: 'f', scripts: { start: 'node app.js' }, dependencies: { fastify: '^5' } },
        'app.js': "import health from './plugins/health.js';\nconst app = Fastify();\napp.register(health, { prefix: '/internal' });\nawait app.listen({ port: 3000 });\n",
        'plugins/health.js': "export default async function (fastify) {\n  fastify.get('/live', async () => ({ ok: true }));\n}\n",
      }),
      '/internal/live',
    );
    assert.equal(
      health({
        'package.json': { name: 'k', scripts: { start: 'node app.js' }, dependencies: { koa: '^2', '@koa/router': '^13' } },
        'app.js': "const router = new Router({ prefix: '/api' });\nrouter.get('/health', (ctx) => { ctx.body = 'ok'; });\napp.use(router.routes());\napp.listen(3000);\n",
      }),
      '/api/health',
    );
    assert.equal(
      health({
        'package.json': { name: 'h', scripts: { start: 'bun run src/index.ts' }, dependencies: { hono: '^4' } },
        'src/index.ts': "import { system } from './system';\nconst app = new Hono().basePath('/v1');\napp.route('/system', system);\nexport default app;\nBun.serve({ fetch: app.fetch, port: 3000 });\n",
        'src/system.ts': "export const system = new Hono();\nsystem.get('/health', (c) => c.text('ok'));\n",
      }),
      '/v1/system/health',
    );
  });

  test('Fastify autoload: a route file is served under its folder and the autoload prefix', () => {
    const service = only(
      repo({
        'package.json': { name: 'f', scripts: { start: 'fastify start -l info -p 3600 app.js' }, dependencies: { fastify: '^5', '@fastify/autoload': '^6', 'fastify-cli': '^7' } },
        'app.js': "const AutoLoad = require('@fastify/autoload');\nmodule.exports = async function (fastify, opts) {\n  fastify.register(AutoLoad, { dir: path.join(__dirname, 'routes'), options: { prefix: '/v1' } });\n};\n",
        'routes/health/index.js': "module.exports = async function (fastify) {\n  fastify.get('/', async () => ({ ok: true }));\n};\n",
      }),
    );
    assert.deepEqual([service.commands.start, service.port, service.healthPath], ['fastify start -l info -p 3600 app.js', 3600, '/v1/health']);
  });

  test('NestJS: controller and method paths, the global prefix with its exclusions, URI versioning', () => {
    const nest = (main: string, controller: string) =>
      health({
        'package.json': { name: 'n', scripts: { start: 'node dist/main.js' }, dependencies: { '@nestjs/core': '^10' } },
        'src/main.ts': `const app = await NestFactory.create(AppModule);\n${main}\nawait app.listen(3000);\n`,
        'src/health.controller.ts': controller,
      });
    const controller = "@Controller('health')\nexport class HealthController {\n  @Get()\n  check() {}\n}\n";
    assert.equal(nest("app.setGlobalPrefix('api');", controller), '/api/health');
    assert.equal(nest("app.setGlobalPrefix('api', { exclude: ['health'] });", controller), '/health');
    assert.equal(nest("app.setGlobalPrefix('api');\napp.enableVersioning({ type: VersioningType.URI, defaultVersion: '2' });", controller), '/api/v2/health');
    assert.equal(nest('', "@Controller()\nexport class AppController {\n  @Get('ops/readyz')\n  ready() {}\n  @Get(':id/status')\n  one() {}\n}\n"), '/ops/readyz');
    assert.equal(nest('', "@Controller('users')\nexport class Users {\n  @Get()\n  list() {}\n}\n"), undefined, 'no health route: none is guessed');
    assert.equal(
      health({
        'package.json': { name: 'n', scripts: { start: 'node dist/main.js' }, dependencies: { '@nestjs/core': '^10' } },
        'src/main.ts': "const app = await NestFactory.create(AppModule);\napp.setGlobalPrefix('api');\nawait app.listen(3000);\n",
        'src/app.module.ts': "@Module({ imports: [OpsModule, RouterModule.register([{ path: 'internal', children: [{ path: 'ops', module: OpsModule }] }])] })\nexport class AppModule {}\n",
        'src/ops/ops.module.ts': '@Module({ controllers: [ProbeController] })\nexport class OpsModule {}\n',
        'src/ops/probe.controller.ts': "@Controller('health')\nexport class ProbeController {\n  @Get('live')\n  live() {}\n}\n",
      }),
      '/api/internal/ops/health/live',
    );
  });

  test('file routes: Next.js route handlers (groups dropped, basePath applied), API pages, Nuxt server routes', () => {
    const nextApp = { name: 'w', scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '15', react: '19' } };
    assert.equal(health({ 'package.json': nextApp, 'next.config.ts': "export default { basePath: '/shop' };\n", 'src/app/(internal)/api/healthcheck/route.ts': 'export const GET = () => Response.json({});\n' }), '/shop/api/healthcheck');
    assert.equal(health({ 'package.json': nextApp, 'next.config.js': 'module.exports = {};\n', 'pages/api/health.ts': 'export default (req, res) => res.json({});\n' }), '/api/health');
    assert.equal(
      health({ 'package.json': { name: 'n', scripts: { build: 'nuxt build' }, dependencies: { nuxt: '^3.15' } }, 'nuxt.config.ts': 'export default defineNuxtConfig({});\n', 'server/api/health.get.ts': 'export default defineEventHandler(() => ({ ok: true }));\n' }),
      '/api/health',
    );
  });

  test('route joining keeps a trailing slash only where the route has one', () => {
    assert.equal(joinRoute('/api/', 'health/'), '/api/health/');
    assert.equal(joinRoute('', '/'), '/');
    assert.equal(joinRoute('/a', '', '/b'), '/a/b');
  });
});

describe('node: settings', () => {
  const settings = (files: Record<string, string | object>) => only(repo({ 'package.json': express({ start: 'node src/index.js' }), ...files })).settings;

  test('process.env reads, destructuring and helpers, with literal defaults; never PORT or NODE_ENV', () => {
    assert.deepEqual(
      settings({
        'src/index.js': [
          "const { SMTP_HOST, SMTP_PORT = '587' } = process.env;",
          "const level = process.env['LOG_LEVEL'] || 'info';",
          'const key = process.env.STRIPE_SECRET_KEY;',
          "const read = (name) => process.env[`${name}`] ?? '';",
          "const pass = read('DB_PASSWORD');",
          "if (process.env.NODE_ENV === 'production') app.listen(process.env.PORT || 3000);",
          '// process.env.OLD_SETTING',
        ].join('\n'),
      }),
      [
        { name: 'DB_PASSWORD', secret: true },
        { name: 'LOG_LEVEL', default: 'info' },
        { name: 'SMTP_HOST' },
        { name: 'SMTP_PORT', default: '587' },
        { name: 'STRIPE_SECRET_KEY', secret: true },
      ],
    );
  });

  test('zod and envalid schemas, @nestjs/config reads', () => {
    assert.deepEqual(
      settings({
        'src/env.ts': "export const env = z.object({\n  DATABASE_URL: z.string().url(),\n  CACHE_TTL: z.coerce.number().default(60),\n}).parse(process.env);\n",
        'src/valid.js': "const env = cleanEnv(process.env, {\n  API_TOKEN: str(),\n  REGION: str({ default: 'eu-west-1' }),\n});\n",
        'src/service.ts': "const url = this.configService.get<string>('QUEUE_NAME');\nconst size = this.configService.get('BATCH_SIZE', 25);\n",
        'src/index.js': 'app.listen(3000);\n',
      }),
      [
        { name: 'API_TOKEN', secret: true },
        { name: 'BATCH_SIZE', default: '25' },
        { name: 'CACHE_TTL', default: '60' },
        { name: 'DATABASE_URL', secret: true },
        { name: 'QUEUE_NAME' },
        { name: 'REGION', default: 'eu-west-1' },
      ],
    );
  });

  test('helpers that read the variable their argument names, also through one another; env maps', () => {
    assert.deepEqual(
      settings({
        'src/env.ts': "export const env = <K extends string>(variable: K) => process?.env?.[variable];\nexport const requireEnv = (name: string) => {\n  const value = env(name);\n  if (!value) throw new Error(name);\n  return value;\n};\n",
        'src/crypto.ts': "import { env, requireEnv } from './env';\nexport const key = requireEnv('ENCRYPTION_KEY');\nexport const mode = env<string>('SIGNING_MODE');\n",
        'src/config.ts': "AppConfig.ENV_MAP = {\n  MAILER_HOST: 'mailer.host',\n  MAILER_PASSWORD: ['mailer.auth.pass', 'string'],\n};\nconst where: Prisma.EnvelopeWhereInput = {\n  type: 'TEMPLATE',\n  AND: [{ teamId: 1 }],\n};\n",
        'src/index.js': 'app.listen(3000);\n',
      }),
      [
        { name: 'ENCRYPTION_KEY', secret: true },
        { name: 'MAILER_HOST' },
        { name: 'MAILER_PASSWORD', secret: true },
        { name: 'SIGNING_MODE' },
      ],
    );
  });

  test('comments are blanked without moving lines or breaking URLs in strings', () => {
    const text = "const a = 'http://x'; // note\n/* block\n */ const b = 1;";
    const blanked = blankComments(text);
    assert.equal(blanked.length, text.length);
    assert.equal(blanked.split('\n').length, 3);
    assert.ok(blanked.includes("'http://x'") && !blanked.includes('note') && !blanked.includes('block'));
  });
});

describe('node: datastores and migrations', () => {
  test('a Prisma schema named in package.json: provider, env URL and the migrations script', () => {
    const service = only(
      repo({
        'package.json': express({ start: 'node src/index.js', 'db:deploy': 'dotenv -e .env -- npx prisma migrate deploy' }, { prisma: { schema: 'src/db/schema.prisma' } }),
        'src/index.js': 'app.listen(3000);\n',
        'src/db/schema.prisma': 'datasource db {\n  provider = "mysql"\n  url      = env("APP_DB_URL")\n}\n',
        'src/db/migrations/20240101_init/migration.sql': 'CREATE TABLE a (id int);\n',
      }),
    );
    assert.deepEqual(service.uses, ['mysql']);
    assert.deepEqual(service.migrations, { tool: 'prisma', command: 'prisma migrate deploy' });
    assert.deepEqual(service.settings, [{ name: 'APP_DB_URL', secret: true }]);
  });

  test('without a script: Prisma outside the default place gets --schema; TypeORM runs on the compiled data source', () => {
    const prisma = only(
      repo({
        'package.json': express({ start: 'node src/index.js' }, { dependencies: { express: '^4', '@prisma/client': '^6' } }),
        'src/index.js': 'app.listen(3000);\n',
        'db/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
        'db/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      }),
    );
    assert.deepEqual(prisma.migrations, { tool: 'prisma', command: 'prisma migrate deploy --schema db/schema.prisma' });
    const typeorm = only(
      repo({
        'package.json': express({ build: 'tsc', start: 'node dist/index.js', 'migration:run': 'typeorm-ts-node-commonjs migration:run -d src/data-source.ts' }, { dependencies: { express: '^4', typeorm: '^0.3', mysql2: '^3' } }),
        'tsconfig.json': { compilerOptions: { outDir: 'dist', rootDir: 'src' } },
        'src/index.ts': 'app.listen(3000);\n',
        'src/data-source.ts': "export default new DataSource({ type: 'mysql', url: process.env.DB_URL, migrations: ['dist/migrations/*.js'] });\n",
      }),
    );
    assert.deepEqual(typeorm.migrations, { tool: 'typeorm', command: 'typeorm migration:run -d dist/data-source.js' });
    assert.deepEqual(typeorm.uses, ['mysql']);
  });

  test('a migration script keeps its whole chain; a build that also migrates gives only the tool command', () => {
    const named = only(repo({ 'package.json': express({ start: 'node s.js', predeploy: 'yarn prisma migrate deploy && node ./dist/data/index.js run' }), 's.js': 'app.listen(1)' }));
    assert.deepEqual(named.migrations, { tool: 'prisma', command: 'prisma migrate deploy && node ./dist/data/index.js run' });
    const build = only(repo({ 'package.json': express({ start: 'node s.js', build: 'prisma migrate deploy && next build' }), 's.js': 'app.listen(1)' }));
    assert.deepEqual(build.migrations, { tool: 'prisma', command: 'prisma migrate deploy' });
  });

  test('SQLite is no datastore, but a note', () => {
    const root = repo({ 'package.json': express({ start: 'node s.js' }, { dependencies: { express: '^4', 'better-sqlite3': '^11' } }), 's.js': 'app.listen(1)' });
    assert.deepEqual(only(root).uses, []);
    assert.ok(detect(root).notes.some((note) => note.includes('SQLite')));
  });
});

describe('node: what is not a service', () => {
  test('libraries, config, e-mail, test, scripts, CLI, desktop packages and an orchestrating root', () => {
    const root = repo({
      'package.json': { private: true, workspaces: ['packages/*', 'apps/*', 'tools/*'], scripts: { start: 'turbo run start' }, dependencies: { react: '^19' } },
      'package-lock.json': '{}',
      'packages/ui/package.json': { name: '@a/ui', main: 'index.js', peerDependencies: { react: '^19' }, devDependencies: { react: '^19' } },
      'packages/eslint-config-acme/package.json': { name: 'eslint-config-acme', main: 'index.js' },
      'packages/mail/package.json': { name: '@a/mail', dependencies: { mjml: '^4' } },
      'packages/lib/package.json': { name: '@a/lib', exports: './index.js', dependencies: { express: '^4' } },
      'apps/e2e/package.json': { name: '@a/e2e', devDependencies: { '@playwright/test': '^1.49' }, scripts: { test: 'playwright test' } },
      'apps/desktop/package.json': { name: '@a/desktop', dependencies: { react: '^19' }, scripts: { build: 'vite build' } },
      'apps/desktop/src-tauri/tauri.conf.json': '{}',
      'apps/desktop/index.html': '<div id="root"></div>',
      'apps/cli/package.json': { name: '@a/cli', bin: { acme: 'bin.js' }, dependencies: { commander: '^12' } },
      'tools/seed/package.json': { name: '@a/seed', scripts: { start: 'node seed.js' } },
    });
    const detection = detect(root);
    assert.deepEqual(detection.services, []);
    const why = Object.fromEntries(detection.notServices.map((entry) => [entry.path, entry.why]));
    assert.match(why['.'], /workspace root/);
    assert.match(why['packages/ui'], /UI kit/);
    assert.match(why['packages/eslint-config-acme'], /configuration/);
    assert.match(why['packages/mail'], /e-mail/);
    assert.match(why['packages/lib'], /library/);
    assert.match(why['apps/e2e'], /tests/);
    assert.match(why['apps/desktop'], /desktop/);
    assert.match(why['apps/cli'], /command-line/);
    assert.match(why['tools/seed'], /scripts and tools/);
  });

  test('a member judged with the root’s dependencies when its files confirm them', () => {
    const root = repo({
      'package.json': { private: true, workspaces: ['apps/*'], dependencies: { '@nestjs/core': '^10', next: '15', react: '19', pg: '^8' } },
      'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n",
      'pnpm-lock.yaml': '',
      'apps/api/package.json': { name: 'api', scripts: { build: 'nest build', start: 'node dist/main.js' } },
      'apps/api/src/main.ts': "import { Pool } from 'pg';\nconst app = await NestFactory.create(AppModule);\nawait app.listen(3000);\n",
      'apps/web/package.json': { name: 'web', scripts: { build: 'next build', start: 'next start -p 4200' } },
      'apps/web/next.config.js': 'module.exports = {};\n',
    });
    const [api, web] = detectServices(root);
    assert.deepEqual([api.framework, api.kind, api.uses], ['nestjs', 'backend', ['postgres']]);
    assert.deepEqual([web.framework, web.kind, web.port, web.uses], ['next', 'frontend', 4200, []]);
  });

  test('front ends: SvelteKit static adapter is static, its Node adapter a server; Angular’s application builder writes browser/', () => {
    const svelte = (adapter: string) =>
      only(repo({ 'package.json': { name: 's', scripts: { build: 'vite build' }, devDependencies: { '@sveltejs/kit': '^2', [`@sveltejs/adapter-${adapter}`]: '^3', svelte: '^5' } }, 'svelte.config.js': `import adapter from '@sveltejs/adapter-${adapter}';\nexport default { kit: { adapter: adapter() } };\n` }));
    assert.deepEqual([svelte('static').framework, svelte('static').port, svelte('static').buildOutput], ['svelte', 8080, 'build']);
    assert.deepEqual([svelte('node').framework, svelte('node').commands.start], ['sveltekit', 'node build']);
    const angular = only(
      repo({
        'package.json': { name: 'ng', scripts: { build: 'ng build' }, dependencies: { '@angular/core': '^19' } },
        'angular.json': { projects: { shop: { projectType: 'application', architect: { build: { builder: '@angular/build:application', options: { outputPath: 'dist/shop' } } } } } },
        'src/index.html': '<app-root></app-root>',
      }),
    );
    assert.equal(angular.buildOutput, 'dist/shop/browser');
    assert.equal(angular.commands.start, undefined);
  });

  test('a React Router app serves its own build', () => {
    const service = only(
      repo({
        'package.json': { name: 'shop', scripts: { build: 'react-router build', start: 'react-router-serve ./build/server/index.js' }, dependencies: { '@react-router/node': '^7', '@react-router/serve': '^7', react: '^19' }, devDependencies: { '@react-router/dev': '^7' } },
        'app/routes/healthcheck.tsx': 'export const loader = () => new Response("ok");\n',
      }),
    );
    assert.deepEqual([service.kind, service.framework, service.commands.start, service.port, service.healthPath, service.buildOutput], ['backend', 'none', 'react-router-serve ./build/server/index.js', 3000, '/healthcheck', 'build']);
  });

  test('a Next.js app that a NestJS back end runs in its own process is no service of its own', () => {
    const root = repo({
      'package.json': { private: true, workspaces: ['apps/*'] },
      'package-lock.json': '{}',
      'apps/web/package.json': { name: 'web', scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '15', react: '19' } },
      'apps/web/next.config.js': 'module.exports = {};\n',
      'apps/api/package.json': { name: 'api', scripts: { start: 'node dist/main.js' }, dependencies: { '@nestjs/core': '^10', next: '15' } },
      'apps/api/src/main.ts': 'const app = await NestFactory.create(AppModule);\nawait app.listen(3000);\n',
      'apps/api/src/next.service.ts': "import createServer from 'next';\nexport const server = createServer({ dev: false, dir: process.env.WEB_DIR ?? '../web' });\n",
    });
    const detection = detect(root);
    assert.deepEqual(detection.services.map((service) => service.path), ['apps/api']);
    assert.match(detection.notServices.find((entry) => entry.path === 'apps/web')?.why ?? '', /served by apps\/api/);
  });

  test('a front end built into another service is built in its image: servedBy names it, builtInto says where', () => {
    const root = repo({
      'go.mod': 'module example.com/app\n\ngo 1.23\n',
      'main.go': 'package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":8080", nil) }\n',
      'ui/package.json': { name: 'ui', scripts: { build: 'vite build' }, dependencies: { react: '^19' } },
      'ui/index.html': '<div id="root"></div>',
      'ui/embed.go': 'package ui\n\nimport "embed"\n\n//go:embed all:dist\nvar Assets embed.FS\n',
      'ui/.gitignore': 'dist/\n',
      'web/package.json': { name: 'web', scripts: { build: 'vite build' }, dependencies: { vue: '^3' } },
      'web/index.html': '<div id="app"></div>',
      'web/vite.config.ts': "export default { build: { outDir: '../server/static' } };\n",
      'admin/package.json': { name: 'admin', scripts: { build: 'react-scripts build', release: 'react-scripts build && mv build/* ../server/admin' }, dependencies: { react: '^19', 'react-scripts': '5' } },
      'admin/public/index.html': '<div id="root"></div>',
    });
    const byPath = Object.fromEntries(detect(root).services.map((service) => [service.path, service]));
    assert.deepEqual(Object.keys(byPath).sort(), ['.', 'admin', 'ui', 'web']);
    const fields = (service: DetectedService) => [service.kind, service.servedBy, service.builtInto, service.port, service.healthPath, service.commands.build];
    assert.deepEqual(fields(byPath.ui), ['frontend', 'app', 'ui/dist', undefined, undefined, 'npm run build']);
    assert.match(byPath.ui.evidence.builtInto.note, /embedded into the Go binary \(ui\/embed\.go\)/);
    assert.deepEqual(fields(byPath.web), ['frontend', 'app', 'server/static', undefined, undefined, 'npm run build']);
    assert.deepEqual(fields(byPath.admin), ['frontend', 'app', 'server/admin', undefined, undefined, 'npm run release'], 'the script that writes there is the build');
  });

  test('a committed build is served as it is, and a build that lands in no service is no service', () => {
    const root = repo({
      'server/go.mod': 'module example.com/server\n\ngo 1.23\n',
      'server/main.go': 'package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":8080", nil) }\n',
      'server/webapp/package.json': { name: 'webapp', scripts: { build: 'vite build' }, dependencies: { vue: '^3' } },
      'server/webapp/index.html': '<div id="app"></div>',
      'server/webapp/embed.go': 'package webapp\n\nimport "embed"\n\n//go:embed dist/index.html dist/assets\nvar Files embed.FS\n',
      'server/webapp/dist/index.html': '<!doctype html><script src="/assets/index-3f2a1b9c.js"></script>',
      'site/package.json': { name: 'site', scripts: { build: 'vite build' }, dependencies: { react: '^19' } },
      'site/index.html': '<div id="root"></div>',
      'site/vite.config.ts': "export default { build: { outDir: '../public' } };\n",
    });
    const detection = detect(root);
    assert.deepEqual(detection.services.map((service) => service.path), ['server']);
    const why = Object.fromEntries(detection.notServices.map((entry) => [entry.path, entry.why]));
    assert.match(why['server/webapp'], /its build \(server\/webapp\/dist\) is committed, so there is nothing to build/);
    assert.match(why.site, /built into public, .*no service of this repository holds public/);
  });

  test('static exports: Next output export and nuxt generate are static front ends', () => {
    const next = only(repo({ 'package.json': { name: 'docs', scripts: { build: 'next build' }, dependencies: { next: '15', react: '19' } }, 'next.config.mjs': "export default { output: 'export' };\n" }));
    assert.deepEqual([next.kind, next.framework, next.port, next.buildOutput, next.commands.start], ['frontend', 'react', 8080, 'out', undefined]);
    const nuxt = only(repo({ 'package.json': { name: 'site', scripts: { build: 'nuxt generate' }, dependencies: { nuxt: '^3.15' } }, 'nuxt.config.ts': 'export default defineNuxtConfig({});\n' }));
    assert.deepEqual([nuxt.framework, nuxt.buildOutput], ['vue', '.output/public']);
  });

  test('an Express app’s public/index.html is no second service', () => {
    const root = repo({ 'package.json': express({ start: 'node s.js' }), 's.js': 'app.listen(1)', 'public/index.html': '<!doctype html>' });
    assert.deepEqual(detectServices(root).map((service) => service.path), ['.']);
  });
});
