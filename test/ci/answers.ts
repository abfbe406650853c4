/**
 * The answers the CI tests start from: four services (a React front end, an Express API with a lint command,
 * FastAPI and Go back ends) on AWS with Helm, PostgreSQL and Redis, staging then production, a freeze window in
 * a time zone that is not UTC. Each test changes only what it is about.
 */
import type { Answers } from '../../lib/catalog/option.js';
import { serviceVariants } from '../validation/matrix.js';
import { monitoringAnswers } from '../helpers/monitoring-answers.js';

export const shopAnswers = (overrides: Partial<Answers> = {}): Answers => ({
  name: 'shop',
  services: [serviceVariants[0], serviceVariants[5], serviceVariants[9], serviceVariants[13]],
  ci: 'github-actions',
  cloud: 'aws',
  orchestration: 'helm',
  monitoring: 'prometheus-grafana',
  strategy: 'rolling',
  database: 'postgres',
  cache: 'redis',
  environments: ['staging', 'production'],
  registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme',
  domain: 'shop.acme.dev',
  ingressClass: 'nginx',
  region: 'eu-west-1',
  repository: 'acme/shop',
  team: 'platform',
  coverageThreshold: '80',
  deployFreeze: 'Fri 12:00 - Mon 06:00',
  timezone: 'Europe/Berlin',
  ...monitoringAnswers,
  ...overrides,
});
