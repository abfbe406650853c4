/**
 * The compose option matrix: every database (and none), both cache choices, every language, front end +
 * back end, back end only, workers only, a root-context workspace service, a service at the repository
 * root, colliding ports and names, and services built from their own folders with each way of declaring
 * dependencies (which live reload watches).
 */
import type { Service } from '../../lib/catalog/service.js';
import type { Config } from '../../lib/plan/types.js';
import { monitoringAnswers } from '../helpers/monitoring-answers.js';

const lockfiles: Record<string, string> = { npm: 'package-lock.json', pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock', uv: 'uv.lock', poetry: 'poetry.lock' };

const service = (fields: Partial<Service> & Pick<Service, 'name' | 'path' | 'kind' | 'language'>): Service => {
  const packageManager =
    fields.packageManager ??
    (fields.language === 'node' ? 'npm' : fields.language === 'python' ? 'pip' : fields.language === 'go' ? 'go' : fields.language === 'java' ? 'maven' : 'none');
  const lockfile = lockfiles[packageManager];
  const context = fields.buildContext ?? fields.path;
  return {
    framework: 'none',
    packageManager,
    ...(fields.kind === 'worker' ? {} : { healthPath: '/healthz' }),
    ...(lockfile ? { lockfile: context === '.' ? lockfile : `${context}/${lockfile}` } : {}),
    commands: {},
    ...fields,
  };
};

export const config = (name: string, fields: Pick<Config, 'services' | 'database' | 'cache'>): Config => ({
  name,
  ci: 'github-actions',
  cloud: 'aws',
  orchestration: 'helm',
  monitoring: 'prometheus-grafana',
  strategy: 'rolling',
  environments: ['staging', 'production'],
  registry: `ghcr.io/acme`,
  domain: `${name}.example.com`,
  ingressClass: 'nginx',
  region: 'eu-west-1',
  repository: 'acme/shop',
  team: 'platform',
  coverageThreshold: '80',
  deployFreeze: 'Fri 12:00 - Mon 06:00',
  timezone: 'UTC',
  ...monitoringAnswers,
  ...fields,
});

export interface ComposeCase {
  id: string;
  config: Config;
}

export const cases: ComposeCase[] = [
  {
    id: 'workspace-postgres-redis',
    config: config('shop', {
      database: 'postgres',
      cache: 'redis',
      services: [
        service({ name: 'web', path: 'apps/web', kind: 'frontend', language: 'node', framework: 'react', port: 8080, buildContext: '.', commands: { test: 'npm test --workspace apps/web' } }),
        service({ name: 'api', path: 'apps/api', kind: 'backend', language: 'node', framework: 'express', port: 3000, buildContext: '.', commands: { test: 'npm test --workspace apps/api' } }),
        service({ name: 'reports', path: 'services/reports', kind: 'backend', language: 'python', framework: 'fastapi', port: 8000, commands: { test: 'pytest' } }),
        service({ name: 'jobs', path: 'apps/jobs', kind: 'worker', language: 'node', buildContext: '.', commands: { start: 'node src/worker.js' } }),
      ],
    }),
  },
  {
    id: 'go-at-root-mysql',
    config: config('ledger', {
      database: 'mysql',
      cache: 'none',
      services: [service({ name: 'ledger', path: '.', kind: 'backend', language: 'go', framework: 'net-http', port: 8080, healthPath: '/health', commands: { test: 'go test ./...' } })],
    }),
  },
  {
    id: 'static-java-mongodb-redis',
    config: config('billing', {
      database: 'mongodb',
      cache: 'redis',
      services: [
        service({ name: 'site', path: 'site', kind: 'frontend', language: 'static', framework: 'static', port: 8080 }),
        service({ name: 'billing', path: 'billing', kind: 'backend', language: 'java', framework: 'spring-boot', packageManager: 'gradle', port: 8080, healthPath: '/actuator/health' }),
      ],
    }),
  },
  {
    id: 'python-workers-redis-only',
    config: config('blog', {
      database: 'none',
      cache: 'redis',
      services: [
        service({ name: 'blog', path: 'blog', kind: 'backend', language: 'python', framework: 'django', packageManager: 'poetry', port: 8000, commands: { start: 'gunicorn blog.wsgi:application' } }),
        service({ name: 'tasks', path: 'tasks', kind: 'worker', language: 'python', commands: { start: 'python -m tasks' } }),
        service({ name: 'mailer', path: 'mailer', kind: 'worker', language: 'go' }),
      ],
    }),
  },
  {
    id: 'static-site-alone',
    config: config('brochure', {
      database: 'none',
      cache: 'none',
      services: [service({ name: 'brochure', path: '.', kind: 'frontend', language: 'static', framework: 'static', port: 8080 })],
    }),
  },
  {
    id: 'colliding-ports-and-names',
    config: config('market', {
      database: 'postgres',
      cache: 'redis',
      services: [
        service({ name: 'storefront', path: 'apps/storefront', kind: 'frontend', language: 'node', framework: 'vue', packageManager: 'pnpm', port: 3000, buildContext: '.' }),
        service({ name: 'api', path: 'apps/api', kind: 'backend', language: 'node', framework: 'fastify', packageManager: 'pnpm', port: 3000, buildContext: '.' }),
        // A build step (TypeScript): the image runs its output, so live reload rebuilds instead of syncing.
        service({ name: 'admin', path: 'apps/admin', kind: 'backend', language: 'node', framework: 'nestjs', packageManager: 'pnpm', port: 3000, buildContext: '.', commands: { build: 'pnpm run build' } }),
        // A user service that takes the data store's usual name: the data store must get another one.
        service({ name: 'postgres', path: 'apps/postgres-proxy', kind: 'backend', language: 'go', framework: 'gin', port: 5432 }),
      ],
    }),
  },
  {
    id: 'java-worker-mysql',
    config: config('batch', {
      database: 'mysql',
      cache: 'none',
      services: [service({ name: 'importer', path: 'importer', kind: 'worker', language: 'java', packageManager: 'maven' })],
    }),
  },
  {
    id: 'nested-context-mongodb',
    config: config('catalog-service', {
      database: 'mongodb',
      cache: 'none',
      services: [
        service({ name: 'catalog', path: 'services/catalog', kind: 'backend', language: 'python', framework: 'fastapi', packageManager: 'uv', port: 8000, buildContext: 'services' }),
        service({ name: 'admin-ui', path: 'services/admin-ui', kind: 'frontend', language: 'node', framework: 'svelte', packageManager: 'yarn', port: 8080 }),
      ],
    }),
  },
  {
    id: 'own-folders-no-data',
    config: config('notes', {
      database: 'none',
      cache: 'none',
      services: [
        service({ name: 'notes', path: 'notes', kind: 'backend', language: 'node', framework: 'express', port: 3000 }),
        service({ name: 'feed', path: 'workers/feed', kind: 'worker', language: 'node', packageManager: 'yarn', commands: { install: 'yarn install --immutable', start: 'node feed.js' } }),
        service({ name: 'ml', path: 'ml', kind: 'worker', language: 'python', commands: { install: 'pip install -r requirements/base.txt -r requirements/dev.txt', start: 'python -m ml' } }),
        service({ name: 'scorer', path: 'scorer', kind: 'backend', language: 'python', framework: 'flask', port: 8000, commands: { install: 'pip install .' } }),
      ],
    }),
  },
  {
    id: 'settings-migrations-shared-image',
    config: config('tracker', {
      database: 'postgres',
      cache: 'redis',
      services: [
        // Prisma migrations run from the image's migrate target; the app reads a URL, its own secret and a plain setting.
        service({
          name: 'api',
          path: 'api',
          kind: 'backend',
          language: 'node',
          framework: 'express',
          port: 4000,
          commands: { start: 'node src/server.js' },
          uses: ['postgres', 'redis'],
          settings: [
            { name: 'DATABASE_URL', secret: true },
            { name: 'JWT_SECRET', secret: true },
            { name: 'LOG_LEVEL', default: 'info' },
            { name: 'REDIS_URL', secret: true },
          ],
          migrations: { tool: 'prisma', command: 'prisma migrate deploy' },
        }),
        // Django and its Celery worker share one folder and so one image; migrations run in the runtime image.
        service({
          name: 'web',
          path: 'web',
          kind: 'backend',
          language: 'python',
          framework: 'django',
          packageManager: 'uv',
          port: 8000,
          healthPath: '/health/',
          commands: { start: 'gunicorn tracker.wsgi:application' },
          uses: ['postgres', 'redis'],
          settings: [
            { name: 'CELERY_BROKER_URL', secret: true },
            { name: 'DJANGO_SECRET_KEY', secret: true },
            { name: 'POSTGRES_DB' },
            { name: 'POSTGRES_HOST' },
            { name: 'POSTGRES_PASSWORD', secret: true },
            { name: 'POSTGRES_USER' },
            { name: 'TIME_ZONE', default: 'UTC' },
          ],
          migrations: { tool: 'django', command: 'python manage.py migrate --noinput' },
        }),
        service({
          name: 'web-worker',
          path: 'web',
          kind: 'worker',
          language: 'python',
          framework: 'celery',
          packageManager: 'uv',
          commands: { start: 'celery -A tracker worker --loglevel INFO' },
          uses: ['postgres', 'redis'],
          settings: [
            { name: 'CELERY_BROKER_URL', secret: true },
            { name: 'DJANGO_SECRET_KEY', secret: true },
          ],
        }),
        // No health route: probed on its port. No settings declared: the framework's conventional names.
        service({ name: 'ledger', path: 'ledger', kind: 'backend', language: 'java', framework: 'spring-boot', packageManager: 'maven', port: 8081, healthPath: undefined }),
      ],
    }),
  },
  {
    id: 'front-ends-built-into-services',
    config: config('notes', {
      database: 'postgres',
      cache: 'none',
      services: [
        // A FastAPI member of a uv workspace, synced into its container, serving the Vite build of a Bun workspace front end.
        service({ name: 'api', path: 'backend', buildContext: '.', kind: 'backend', language: 'python', framework: 'fastapi', packageManager: 'uv', port: 8000, workspacePackage: 'app', commands: { start: 'fastapi run app/main.py' } }),
        service({ name: 'ui', path: 'frontend', buildContext: '.', kind: 'frontend', language: 'node', framework: 'react', packageManager: 'bun', lockfile: 'bun.lock', healthPath: undefined, servedBy: 'api', builtInto: 'backend/app/frontend' }),
        // A Go binary that embeds the build of its own web/ folder: one rebuild rule covers both.
        service({ name: 'feeds', path: 'feeds', kind: 'backend', language: 'go', framework: 'chi', port: 8080 }),
        service({ name: 'feeds-ui', path: 'feeds/web', kind: 'frontend', language: 'node', framework: 'vue', packageManager: 'pnpm', healthPath: undefined, servedBy: 'feeds', builtInto: 'feeds/web/dist' }),
      ],
    }),
  },
];
