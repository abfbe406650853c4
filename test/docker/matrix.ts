/**
 * Configs that cover every language x package manager x framework the catalog allows, each service kind,
 * builds from the service folder and from a workspace root, and front ends with and without a back end.
 */
import {
  frameworksByLanguage,
  frontendFrameworks,
  packageManagersByLanguage,
  type Framework,
  type Language,
  type PackageManager,
  type Service,
} from '../../lib/catalog/service.js';
import type { Config } from '../../lib/plan/types.js';

const defaultPorts: Record<Language, number> = { node: 3000, python: 8000, go: 8080, java: 8080, static: 8080 };

/** The commands detection proposes for each package manager (see lib/detect), so variants look real. */
const commandsFor = (language: Language, manager: PackageManager, framework: Framework): Service['commands'] => {
  switch (manager) {
    case 'npm':
    case 'pnpm':
      return {
        install: manager === 'npm' ? 'npm ci' : 'pnpm install --frozen-lockfile',
        ...((frontendFrameworks as readonly string[]).includes(framework) || framework === 'nestjs' ? { build: `${manager} run build` } : {}),
        test: `${manager} test`,
      };
    case 'yarn':
      return { install: 'yarn install --frozen-lockfile', test: 'yarn test' };
    case 'pip':
      return { install: 'pip install -r requirements.txt -r requirements-dev.txt', test: 'python -m pytest', lint: 'python -m ruff check .' };
    case 'poetry':
      return { install: 'poetry install --no-interaction', test: 'poetry run pytest' };
    case 'uv':
      return { install: 'uv sync --frozen', test: 'uv run pytest' };
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
      return language === 'static' ? {} : {};
  }
};

const kindOf = (framework: Framework): Service['kind'] =>
  (frontendFrameworks as readonly string[]).includes(framework) ? 'frontend' : framework === 'none' ? 'worker' : 'backend';

const variant = (language: Language, manager: PackageManager, framework: Framework, extra: Partial<Service> = {}): Service => {
  const kind = extra.kind ?? kindOf(framework);
  const name = extra.name ?? `${language}-${manager}-${framework}`.replace(/[^a-z0-9-]/g, '-');
  return {
    name,
    path: `services/${name}`,
    kind,
    language,
    framework,
    packageManager: manager,
    port: kind === 'frontend' ? 8080 : defaultPorts[language],
    healthPath: framework === 'spring-boot' ? '/actuator/health' : '/healthz',
    commands: commandsFor(language, manager, framework),
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

/** The variants that only some projects have: workspace roots, Yarn 2+, wrappers, pyproject-only pip. */
export const specialVariants = (): Service[] => [
  ...(['npm', 'pnpm', 'yarn'] as const).flatMap((manager) => [
    variant('node', manager, 'express', { name: `ws-${manager}-api`, path: `apps/ws-${manager}-api`, buildContext: '.' }),
    variant('node', manager, 'react', { name: `ws-${manager}-web`, path: `apps/ws-${manager}-web`, buildContext: '.' }),
  ]),
  variant('node', 'yarn', 'fastify', { name: 'berry-api', commands: { install: 'yarn install --immutable', test: 'yarn test' } }),
  variant('node', 'yarn', 'vue', { name: 'berry-web', path: 'apps/berry-web', buildContext: 'apps', commands: { install: 'yarn install --immutable', build: 'yarn run build' } }),
  variant('node', 'npm', 'express', { name: 'root-api', path: '.', commands: { install: 'npm ci' } }),
  variant('python', 'pip', 'flask', { name: 'pyproject-only', commands: { install: 'pip install .', test: 'python -m pytest' } }),
  variant('python', 'pip', 'fastapi', { name: 'nested-requirements', commands: { install: 'pip install -r requirements/base.txt -r requirements/dev.txt' } }),
  variant('java', 'maven', 'spring-boot', { name: 'mvnw-boot', commands: { install: './mvnw -B dependency:go-offline', build: './mvnw -B -DskipTests package', test: './mvnw -B verify' } }),
  variant('java', 'gradle', 'spring-boot', { name: 'gradlew-boot', commands: { install: './gradlew --no-daemon dependencies', build: './gradlew --no-daemon bootJar -x test', test: './gradlew --no-daemon test' } }),
  variant('go', 'go', 'net-http', { name: 'go-backend-worker', kind: 'worker' }),
  // A front end on a port of its own: every other one is on nginx-unprivileged's usual 8080.
  variant('node', 'npm', 'svelte', { name: 'preview-web', path: 'apps/preview-web', port: 4173 }),
];

const baseConfig = (name: string, services: Service[]): Config =>
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
    team: 'platform',
  }) satisfies Config;

/** Every variant in one project (front ends proxy /api to the first back end), plus a front end alone. */
export const matrixConfigs = (): Config[] => [
  baseConfig('matrix', [...everyVariant(), ...specialVariants()]),
  baseConfig('solo', [variant('node', 'npm', 'react', { name: 'web', path: 'web' }), variant('static', 'none', 'static', { name: 'site', path: 'site' })]),
];
