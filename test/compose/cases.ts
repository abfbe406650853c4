/**
 * The compose option matrix: every database (and none), both cache choices, every language, front end +
 * back end, back end only, workers only, a root-context workspace service, a service at the repository
 * root, colliding ports and names, and services built from their own folders with each way of declaring
 * dependencies (which live reload watches).
 */
import type { Service } from '../../lib/catalog/service.js';
import type { Config } from '../../lib/plan/types.js';

const service = (fields: Partial<Service> & Pick<Service, 'name' | 'path' | 'kind' | 'language' | 'port'>): Service => ({
  framework: 'none',
  packageManager: fields.language === 'node' ? 'npm' : fields.language === 'python' ? 'pip' : fields.language === 'go' ? 'go' : fields.language === 'java' ? 'maven' : 'none',
  healthPath: '/healthz',
  commands: {},
  ...fields,
});

const config = (name: string, fields: Pick<Config, 'services' | 'database' | 'cache'>): Config => ({
  name,
  ci: 'github-actions',
  cloud: 'aws',
  orchestration: 'helm',
  monitoring: 'prometheus-grafana',
  strategy: 'rolling',
  environments: ['staging', 'production'],
  registry: `ghcr.io/acme`,
  domain: `${name}.example.com`,
  team: 'platform',
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
        service({ name: 'jobs', path: 'apps/jobs', kind: 'worker', language: 'node', port: 3000, buildContext: '.' }),
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
        service({ name: 'blog', path: 'blog', kind: 'backend', language: 'python', framework: 'django', packageManager: 'poetry', port: 8000 }),
        service({ name: 'tasks', path: 'tasks', kind: 'worker', language: 'python', port: 8000 }),
        service({ name: 'mailer', path: 'mailer', kind: 'worker', language: 'go', port: 8080 }),
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
      services: [service({ name: 'importer', path: 'importer', kind: 'worker', language: 'java', packageManager: 'maven', port: 8080 })],
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
        service({ name: 'feed', path: 'workers/feed', kind: 'worker', language: 'node', packageManager: 'yarn', port: 3000, commands: { install: 'yarn install --immutable' } }),
        service({ name: 'ml', path: 'ml', kind: 'worker', language: 'python', port: 8000, commands: { install: 'pip install -r requirements/base.txt -r requirements/dev.txt' } }),
        service({ name: 'scorer', path: 'scorer', kind: 'backend', language: 'python', framework: 'flask', port: 8000, commands: { install: 'pip install .' } }),
      ],
    }),
  },
];
