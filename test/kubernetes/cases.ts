/**
 * The answer shapes the Kubernetes tests render, in both styles: every strategy, every monitoring stack, every
 * cloud, a worker sharing nothing, a second front end on a host of its own, services with migrations (one in a
 * migrate image of its own), a Java service, and one environment or three.
 */
import type { Answers } from '../../lib/catalog/option.js';
import type { Service } from '../../lib/catalog/service.js';
import { shopAnswers } from '../ci/answers.js';
import { serviceVariants } from '../validation/matrix.js';

const variant = (name: string): Service => serviceVariants.find((service) => service.name === name)!;

const withPrisma: Service = { ...variant('api-express'), migrations: { tool: 'prisma', command: 'npx prisma migrate deploy' }, uses: ['postgres'] };
const withAlembic: Service = {
  ...variant('api-django'),
  migrations: { tool: 'alembic', command: 'alembic upgrade head' },
  uses: ['postgres', 'redis'],
  settings: [
    { name: 'LOG_LEVEL', default: 'info' },
    { name: 'ALLOWED_HOSTS', default: '*' },
    { name: 'FEATURE_FLAGS' },
    { name: 'SECRET_KEY', secret: true },
    // As in fastapi/full-stack-fastapi-template: plain defaults that scanners take for credentials by name.
    { name: 'ACCESS_TOKEN_EXPIRE_MINUTES', default: '11520' },
    { name: 'EMAIL_TEST_USER', default: 'test@example.com' },
    { name: 'SMTP_PORT', default: '587' },
  ],
};

export interface KubernetesCase {
  label: string;
  answers: Answers;
}

export const kubernetesCases = (orchestration: 'kustomize' | 'helm'): KubernetesCase[] =>
  [
    { label: 'rolling-prometheus', answers: shopAnswers({ orchestration }) },
    {
      label: 'blue-green-datadog-gcp',
      answers: shopAnswers({
        orchestration,
        strategy: 'blue-green',
        monitoring: 'datadog',
        cloud: 'gcp',
        services: [variant('web-vue'), withPrisma, variant('jobs-node'), variant('api-spring')],
        environments: ['dev', 'staging', 'production'],
      }),
    },
    {
      label: 'canary-prometheus-azure',
      answers: shopAnswers({
        orchestration,
        strategy: 'canary',
        cloud: 'azure',
        ingressClass: 'webapprouting.kubernetes.azure.com',
        services: [variant('web-react'), variant('site'), withAlembic, variant('jobs-go')],
      }),
    },
    {
      label: 'canary-elk-api-only',
      answers: shopAnswers({ orchestration, strategy: 'canary', monitoring: 'elk', services: [withPrisma, variant('jobs-python')], environments: ['production'] }),
    },
    {
      label: 'rolling-azure-monitor',
      answers: shopAnswers({ orchestration, cloud: 'azure', monitoring: 'azure-monitor', services: [variant('web-react'), variant('api-express')] }),
    },
    {
      label: 'blue-green-newrelic-no-datastores',
      answers: shopAnswers({ orchestration, strategy: 'blue-green', monitoring: 'newrelic', database: 'none', cache: 'none', services: [variant('web-angular'), variant('api-gin')] }),
    },
  ].map(({ label, answers }) => ({ label, answers }));
