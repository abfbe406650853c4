/**
 * Configs that cover every language x package manager x framework the catalog allows, each service kind,
 * builds from the service folder and from a workspace root, front ends with and without a back end, images
 * shared by a web service and its worker, migrations, and services without a health route.
 */
import {
  frameworksByLanguage,
  packageManagersByLanguage,
  serverFrontendFrameworks,
  staticFrontendFrameworks,
  workerFrameworks,
  type Framework,
  type Language,
  type PackageManager,
  type Service,
} from '../../lib/catalog/service.js';
import type { Config } from '../../lib/plan/types.js';
import { monitoringAnswers } from '../helpers/monitoring-answers.js';

const defaultPorts: Record<Language, number> = { node: 3000, python: 8000, go: 8080, java: 8080, static: 8080 };

const lockfiles: Partial<Record<PackageManager, string>> = {
  npm: 'package-lock.json',
  pnpm: 'pnpm-lock.yaml',
  yarn: 'yarn.lock',
  bun: 'bun.lock',
  poetry: 'poetry.lock',
  uv: 'uv.lock',
  pdm: 'pdm.lock',
  pipenv: 'Pipfile.lock',
};

/** The commands detection proposes for each package manager (see lib/detect), so variants look real. */
const commandsFor = (manager: PackageManager, framework: Framework): Service['commands'] => {
  const builds = (staticFrontendFrameworks as readonly string[]).includes(framework) || ['nestjs', 'next', 'nuxt', 'sveltekit'].includes(framework);
  switch (manager) {
    case 'npm':
    case 'pnpm':
    case 'bun':
      return {
        install: { npm: 'npm ci', pnpm: 'pnpm install --frozen-lockfile', bun: 'bun install --frozen-lockfile' }[manager],
        ...(builds ? { build: `${manager} run build` } : {}),
        test: `${manager} test`,
      };
    case 'yarn':
      return { install: 'yarn install --frozen-lockfile', ...(builds ? { build: 'yarn run build' } : {}), test: 'yarn test' };
    case 'pip':
      return { install: 'pip install -r requirements.txt -r requirements-dev.txt', test: 'python -m pytest', lint: 'python -m ruff check .' };
    case 'poetry':
      return { install: 'poetry install --no-interaction', test: 'poetry run pytest' };
    case 'uv':
      return { install: 'uv sync --frozen', test: 'uv run pytest' };
    case 'pdm':
      return { install: 'pdm install --frozen-lockfile', test: 'pdm run pytest' };
    case 'pipenv':
      return { install: 'pipenv sync --dev', test: 'pipenv run pytest' };
    case 'go':
      return { install: 'go mod download', build: 'go build ./...', test: 'go test ./...', lint: 'go vet ./...' };
    case 'maven':
      return { install: 'mvn -B dependency:go-offline', build: 'mvn -B -DskipTests package', test: 'mvn -B verify' };
    case 'gradle':
      return {
        install: 'gradle --no-daemon dependencies',
        build: `gradle --no-daemon ${framework === 'spring-boot' ? 'bootJar' : 'build'} -x test`,
        test: 'gradle --no-daemon test',
      };
    default:
      return {};
  }
};

/** The production start command detection would find for each framework. */
const startFor = (language: Language, framework: Framework, manager: PackageManager): string | undefined => {
  switch (framework) {
    case 'fastapi':
      return 'uvicorn app.main:app';
    case 'django':
      return 'gunicorn config.wsgi:application';
    case 'flask':
      return 'gunicorn "app:create_app()"';
    case 'celery':
      return 'celery -A config worker --loglevel INFO';
    case 'next':
      return 'next start';
    case 'nuxt':
      return 'node .output/server/index.mjs';
    case 'sveltekit':
      return 'node build';
    case 'nestjs':
      return 'node dist/main.js';
    case 'none':
      if (language === 'python') return 'python -m worker';
      if (language === 'node') return manager === 'bun' ? 'bun run src/worker.ts' : 'node src/worker.js';
      return undefined;
    default:
      if (language === 'node') return manager === 'bun' ? 'bun run src/index.ts' : 'node src/server.js';
      return undefined;
  }
};

const kindOf = (framework: Framework): Service['kind'] => {
  if ((staticFrontendFrameworks as readonly string[]).includes(framework)) return 'frontend';
  if ((serverFrontendFrameworks as readonly string[]).includes(framework)) return 'frontend';
  if ((workerFrameworks as readonly string[]).includes(framework) || framework === 'none') return 'worker';
  return 'backend';
};

export const variant = (language: Language, manager: PackageManager, framework: Framework, extra: Partial<Service> = {}): Service => {
  const kind = extra.kind ?? kindOf(framework);
  const name = extra.name ?? `${language}-${manager}-${framework}`.replace(/[^a-z0-9-]/g, '-');
  const staticFrontend = kind === 'frontend' && (staticFrontendFrameworks as readonly string[]).includes(framework);
  const folder = extra.path ?? `services/${name}`;
  const start = startFor(language, framework, manager);
  const lockfile = lockfiles[manager];
  return {
    name,
    path: folder,
    kind,
    language,
    framework,
    packageManager: manager,
    ...(kind === 'worker' ? {} : { port: staticFrontend ? 8080 : defaultPorts[language] }),
    ...(kind === 'worker' ? {} : { healthPath: staticFrontend ? '/healthz' : framework === 'spring-boot' ? '/actuator/health' : '/healthz' }),
    commands: { ...commandsFor(manager, framework), ...(start && !staticFrontend ? { start } : {}) },
    ...(lockfile ? { lockfile: `${extra.buildContext ?? folder}/${lockfile}`.replace(/^\.\//, '') } : {}),
    ...(framework === 'next' ? { buildOutput: '.next/standalone' } : {}),
    ...extra,
  };
};

/** Every (language, package manager, framework) the catalog accepts, built from its own folder. */
export const everyVariant = (): Service[] =>
  (Object.keys(frameworksByLanguage) as Language[]).flatMap((language) =>
    (packageManagersByLanguage[language] as readonly PackageManager[]).flatMap((manager) =>
      (frameworksByLanguage[language] as readonly Framework[]).map((framework) => variant(language, manager, framework)),
    ),
  );

/** The variants that only some projects have: workspace roots, Yarn 2+, wrappers, shared images, migrations. */
export const specialVariants = (): Service[] => [
  ...(['npm', 'pnpm', 'yarn', 'bun'] as const).flatMap((manager) => [
    variant('node', manager, 'express', { name: `ws-${manager}-api`, path: `apps/ws-${manager}-api`, buildContext: '.', workspacePackage: `@acme/ws-${manager}-api` }),
    variant('node', manager, 'react', { name: `ws-${manager}-web`, path: `apps/ws-${manager}-web`, buildContext: '.', workspacePackage: `@acme/ws-${manager}-web` }),
  ]),
  variant('node', 'pnpm', 'next', { name: 'ws-pnpm-next', path: 'apps/ws-pnpm-next', buildContext: '.', workspacePackage: '@acme/next' }),
  variant('node', 'yarn', 'fastify', { name: 'berry-api', commands: { install: 'yarn install --immutable', test: 'yarn test', start: 'node src/server.js' } }),
  variant('node', 'yarn', 'vue', { name: 'berry-web', path: 'apps/berry-web', buildContext: 'apps', commands: { install: 'yarn install --immutable', build: 'yarn run build' } }),
  variant('node', 'npm', 'express', { name: 'root-api', path: '.', commands: { install: 'npm ci', start: 'node server.js' } }),
  variant('node', 'npm', 'express', {
    name: 'prisma-api',
    migrations: { tool: 'prisma', command: 'prisma migrate deploy' },
    settings: [{ name: 'DATABASE_URL', secret: true }, { name: 'JWT_SECRET', secret: true }, { name: 'LOG_LEVEL', default: 'info' }],
    uses: ['postgres'],
  }),
  variant('python', 'uv', 'fastapi', {
    name: 'uv-member',
    path: 'backend',
    buildContext: '.',
    workspacePackage: 'app',
    runtimeVersion: '>=3.13',
    healthPath: '/api/v1/utils/health-check/',
    commands: { install: 'uv sync --frozen', test: 'uv run pytest', start: 'fastapi run app/main.py' },
    migrations: { tool: 'alembic', command: 'alembic upgrade head' },
  }),
  variant('python', 'poetry', 'django', { name: 'shared-web', path: 'services/shared', commands: { install: 'poetry install', start: 'gunicorn shop.asgi:application -k uvicorn.workers.UvicornWorker' } }),
  variant('python', 'poetry', 'celery', { name: 'shared-worker', path: 'services/shared', commands: { install: 'poetry install', start: 'celery -A shop worker --loglevel INFO' } }),
  variant('python', 'pip', 'flask', { name: 'pyproject-only', commands: { install: 'pip install .', test: 'python -m pytest', start: 'gunicorn app:app' } }),
  variant('python', 'pip', 'fastapi', { name: 'nested-requirements', commands: { install: 'pip install -r requirements/base.txt -r requirements/dev.txt', start: 'uvicorn main:app' } }),
  variant('python', 'pip', 'fastapi', { name: 'no-health-route', healthPath: undefined }),
  variant('java', 'maven', 'spring-boot', { name: 'mvnw-boot', runtimeVersion: '17', commands: { install: './mvnw -B dependency:go-offline', build: './mvnw -B -DskipTests package', test: './mvnw -B verify' } }),
  variant('java', 'gradle', 'spring-boot', { name: 'gradlew-boot', runtimeVersion: '25', commands: { install: './gradlew --no-daemon dependencies', build: './gradlew --no-daemon bootJar -x test', test: './gradlew --no-daemon test' } }),
  variant('go', 'go', 'chi', {
    name: 'go-cmd-api',
    runtimeVersion: '1.26.1',
    commands: { build: 'go build -o bin/api ./cmd/api', test: 'go test ./...', start: 'serve' },
    migrations: { tool: 'goose', command: 'goose -dir db/migrations postgres "$DATABASE_URL" up' },
    settings: [{ name: 'DATABASE_URL', secret: true }],
  }),
  variant('go', 'go', 'net-http', { name: 'go-backend-worker', kind: 'worker' }),
  // A front end on a port of its own: every other one is on nginx-unprivileged's usual 8080.
  variant('node', 'npm', 'svelte', { name: 'preview-web', path: 'apps/preview-web', port: 4173 }),
  // Front ends built into the image of the service that serves them, one per serving family.
  ...embeddedFrontEnds(),
];

/** No port, health route or container of their own: each is built inside its servedBy service's image. */
const embeddedFrontEnds = (): Service[] =>
  [
    // The uv workspace member, from the root: a Bun workspace front end whose Vite outDir is in the back end.
    variant('node', 'bun', 'react', { name: 'uv-member-ui', path: 'frontend', buildContext: '.', lockfile: 'bun.lock', workspacePackage: 'frontend', servedBy: 'uv-member', builtInto: 'backend/app/frontend' }),
    // A Go binary that embeds the UI of its web/ folder (a pnpm project of its own).
    variant('node', 'pnpm', 'vue', { name: 'go-cmd-ui', path: 'services/go-cmd-api/web', servedBy: 'go-cmd-api', builtInto: 'services/go-cmd-api/web/dist' }),
    // A Spring Boot jar serving an Angular build from its resources.
    variant('node', 'npm', 'angular', { name: 'boot-ui', path: 'services/mvnw-boot/frontend', servedBy: 'mvnw-boot', builtInto: 'services/mvnw-boot/src/main/resources/static' }),
    // An Express app at the root serving the client's build from public/.
    variant('node', 'yarn', 'react', { name: 'root-ui', path: 'client', servedBy: 'root-api', builtInto: 'public' }),
  ].map(({ port: _port, healthPath: _healthPath, ...service }) => service);

export const baseConfig = (name: string, services: Service[]): Config =>
  ({
    name,
    services,
    ci: 'github-actions',
    cloud: 'aws',
    orchestration: 'helm',
    monitoring: 'prometheus-grafana',
    strategy: 'rolling',
    database: 'postgres',
    cache: 'redis',
    environments: ['staging', 'production'],
    registry: 'ghcr.io/acme',
    domain: 'shop.example.com',
    ingressClass: 'nginx',
    region: 'eu-west-1',
    repository: 'acme/shop',
    team: 'platform',
    coverageThreshold: '80',
    deployFreeze: 'Fri 12:00 - Mon 06:00',
    timezone: 'UTC',
    ...monitoringAnswers,
  }) satisfies Config;

/** Every variant in one project (front ends proxy /api to the first back end), plus a front end alone. */
export const matrixConfigs = (): Config[] => [
  baseConfig('matrix', [...everyVariant(), ...specialVariants()]),
  baseConfig('solo', [variant('node', 'npm', 'react', { name: 'web', path: 'web' }), variant('static', 'none', 'static', { name: 'site', path: 'site' })]),
];
