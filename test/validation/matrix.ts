/**
 * The option matrix the validation harness generates: every ci x cloud x orchestration triple (which
 * covers every pair of them), with the other choices rotated so each value appears several times, and
 * service sets rotated so every language, framework and package manager appears.
 */
import type { AnyOption, Answers } from '../../lib/catalog/option.js';
import { catalog } from '../../lib/catalog/options.js';
import type { Service } from '../../lib/catalog/service.js';
import { monitoringAnswers } from '../helpers/monitoring-answers.js';

const choices = (name: string): string[] => {
  const option = (catalog as readonly AnyOption[]).find((candidate) => candidate.name === name);
  if (option?.kind !== 'choice') throw new Error(`${name} is not a choice option`);
  return option.choices.map((choice) => choice.value);
};

const service = (name: string, fields: Partial<Service> & Pick<Service, 'kind' | 'language' | 'framework' | 'packageManager' | 'port'>): Service => ({
  name,
  path: `services/${name}`,
  healthPath: '/healthz',
  commands: {},
  ...fields,
});

/** One service per language x package manager x framework variant phase4 supports. */
export const serviceVariants: Service[] = [
  service('web-react', { kind: 'frontend', language: 'node', framework: 'react', packageManager: 'npm', port: 8080, commands: { install: 'npm ci', build: 'npm run build', test: 'npm test' } }),
  service('web-vue', { kind: 'frontend', language: 'node', framework: 'vue', packageManager: 'pnpm', port: 8080, commands: { install: 'pnpm install --frozen-lockfile', build: 'pnpm run build' } }),
  service('web-angular', { kind: 'frontend', language: 'node', framework: 'angular', packageManager: 'yarn', port: 4200, commands: { install: 'yarn install --frozen-lockfile', build: 'yarn run build' } }),
  service('web-svelte', { kind: 'frontend', language: 'node', framework: 'svelte', packageManager: 'npm', port: 8080, buildContext: '.', commands: { install: 'npm ci', build: 'npm run build' } }),
  service('site', { kind: 'frontend', language: 'static', framework: 'static', packageManager: 'none', port: 8080 }),
  service('api-express', { kind: 'backend', language: 'node', framework: 'express', packageManager: 'npm', port: 3000, healthPath: '/health', commands: { install: 'npm ci', test: 'npm test', lint: 'npm run lint' } }),
  service('api-fastify', { kind: 'backend', language: 'node', framework: 'fastify', packageManager: 'pnpm', port: 3001, buildContext: '.', commands: { install: 'pnpm install --frozen-lockfile', build: 'pnpm run build' } }),
  service('api-nest', { kind: 'backend', language: 'node', framework: 'nestjs', packageManager: 'yarn', port: 3002, commands: { install: 'yarn install --immutable', build: 'yarn run build', test: 'yarn test' } }),
  service('jobs-node', { kind: 'worker', language: 'node', framework: 'none', packageManager: 'npm', port: 3000, commands: { install: 'npm ci' } }),
  service('api-fastapi', { kind: 'backend', language: 'python', framework: 'fastapi', packageManager: 'pip', port: 8000, commands: { install: 'pip install -r requirements.txt', test: 'python -m pytest' } }),
  service('api-django', { kind: 'backend', language: 'python', framework: 'django', packageManager: 'poetry', port: 8001, healthPath: '/healthz/', commands: { install: 'poetry install --no-interaction', test: 'poetry run pytest' } }),
  service('api-flask', { kind: 'backend', language: 'python', framework: 'flask', packageManager: 'uv', port: 5000, commands: { install: 'uv sync --frozen', test: 'uv run pytest' } }),
  service('jobs-python', { kind: 'worker', language: 'python', framework: 'none', packageManager: 'pip', port: 8000, commands: { install: 'pip install -r requirements.txt' } }),
  service('api-go', { kind: 'backend', language: 'go', framework: 'net-http', packageManager: 'go', port: 8080, commands: { install: 'go mod download', build: 'go build ./...', test: 'go test ./...' } }),
  service('api-gin', { kind: 'backend', language: 'go', framework: 'gin', packageManager: 'go', port: 8081, healthPath: '/api/health', commands: { lint: 'golangci-lint run ./...' } }),
  service('api-echo', { kind: 'backend', language: 'go', framework: 'echo', packageManager: 'go', port: 8082 }),
  service('jobs-go', { kind: 'worker', language: 'go', framework: 'none', packageManager: 'go', port: 8080 }),
  service('api-spring', { kind: 'backend', language: 'java', framework: 'spring-boot', packageManager: 'maven', port: 8080, healthPath: '/actuator/health', commands: { install: './mvnw -B dependency:go-offline', build: './mvnw -B -DskipTests package', test: './mvnw -B verify' } }),
  service('api-spring-gradle', { kind: 'backend', language: 'java', framework: 'spring-boot', packageManager: 'gradle', port: 8083, healthPath: '/actuator/health' }),
  service('jobs-java', { kind: 'worker', language: 'java', framework: 'none', packageManager: 'maven', port: 8080 }),
];

const environmentSets = [['staging', 'production'], ['dev', 'staging', 'production'], ['production'], ['qa', 'prod']];

export interface MatrixCase {
  label: string;
  config: Answers;
}

/**
 * Four services per case, sliding over the variants by three (a step prime to their number): each variant
 * appears in several cases, in different company, so front ends meet back ends on other ports and on their own.
 */
const servicesFor = (index: number): Service[] =>
  [0, 1, 2, 3].map((offset) => serviceVariants[(index * 3 + offset) % serviceVariants.length]);

const nativeStacks: Record<string, string> = { aws: 'cloudwatch', gcp: 'google-cloud-monitoring', azure: 'azure-monitor' };

export const matrixCases = (): MatrixCase[] => {
  const cases: MatrixCase[] = [];
  const [monitoring, strategies, databases, caches] = ['monitoring', 'strategy', 'database', 'cache'].map(choices);
  for (const ci of choices('ci')) {
    for (const cloud of choices('cloud')) {
      for (const orchestration of choices('orchestration')) {
        const index = cases.length;
        // A cloud's own stack runs on that cloud only (a checked contradiction elsewhere): elsewhere the case takes
        // the stack of its own cloud.
        const candidate = monitoring[index % monitoring.length];
        const chosenMonitoring = Object.values(nativeStacks).includes(candidate) ? nativeStacks[cloud] : candidate;
        const name = `m${String(index).padStart(2, '0')}-${ci.split('-')[0]}-${cloud}-${orchestration}`;
        cases.push({
          label: name,
          config: {
            name,
            services: servicesFor(index),
            ci: ci as Answers['ci'],
            cloud: cloud as Answers['cloud'],
            orchestration: orchestration as Answers['orchestration'],
            monitoring: (cloud === 'aws' && index % 9 === 0 ? 'cloudwatch' : chosenMonitoring) as Answers['monitoring'],
            // Per CI platform, a Latin square: every strategy meets every cloud and every orchestration once.
            strategy: strategies[(choices('cloud').indexOf(cloud) + choices('orchestration').indexOf(orchestration)) % strategies.length] as Answers['strategy'],
            database: databases[index % databases.length] as Answers['database'],
            cache: caches[Math.floor(index / 2) % caches.length] as Answers['cache'],
            environments: environmentSets[index % environmentSets.length],
            // GitLab projects push to their own GitLab registry where other platforms get ghcr.io.
            registry: ci === 'gitlab-ci' && index % 4 === 0 ? `registry.gitlab.com/acme/${name}` : ['ghcr.io/acme', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme', 'europe-docker.pkg.dev/acme/apps', 'acme.azurecr.io/apps'][index % 4],
            domain: `${name}.acme.dev`,
            ingressClass: cloud === 'azure' && index % 2 === 0 ? 'webapprouting.kubernetes.azure.com' : 'nginx',
            region: ({ aws: 'eu-west-1', gcp: 'europe-west1', azure: 'westeurope' } as Record<string, string>)[cloud],
            repository: `acme/${name}`,
            team: ['platform', 'checkout', 'search'][index % 3],
            coverageThreshold: '80',
            deployFreeze: 'Fri 12:00 - Mon 06:00',
            timezone: 'UTC',
            ...monitoringAnswers,
            latencyThreshold: choices('latencyThreshold')[index % choices('latencyThreshold').length] as Answers['latencyThreshold'],
            ...(index % 5 === 0 ? { maintenanceWindow: 'Sun 02:00 - Sun 04:00' } : {}),
          },
        });
      }
    }
  }
  return cases;
};
