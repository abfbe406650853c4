/**
 * ConnectionPoolExhausted watches only the services that connect to the database. A repository of several
 * services where one serves metrics but talks to no datastore (a metrics sidecar, a gateway) must not get a pool
 * rule for it: the rule could never fire, and the runbook would name a pool that does not exist. Each stack that
 * writes one pool alert per service is checked (Elastic, Datadog, New Relic, CloudWatch), and a project whose only
 * database user is a worker gets no pool alert at all (nor a stack that fails for want of one). Where the alert
 * counts log lines (Google Cloud Monitoring, CloudWatch), each common pool's timeout line must be counted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import type { Service } from '../../lib/catalog/service.js';
import { logPatterns } from '../../lib/areas/monitoring/cloudwatch.js';
import { poolRegex } from '../../lib/areas/monitoring/google-cloud-monitoring.js';
import { serviceVariants } from '../validation/matrix.js';
import { renderShape } from './terraform-shapes.js';

const variant = (name: string): Service => serviceVariants.find((service) => service.name === name)!;
const withUses = (name: string, uses: Service['uses']): Service => ({ ...variant(name), uses });

/** An API on PostgreSQL beside a service that serves metrics and uses no datastore. */
const mixed = [withUses('api-express', ['postgres']), withUses('api-go', [])];

/** Where each stack names a service's pool alert (the Kibana rule's file, the Terraform resource). */
const poolAlertPattern = (service: string): RegExp => {
  const snake = service.replace(/-/g, '_');
  return new RegExp(`connection-pool-exhausted-critical-${service}\\.json|"connection_pool_exhausted_critical_${snake}"|"${snake}_pool_timeouts"`);
};

const stacks: Partial<Answers>[] = [
  { monitoring: 'elk', cloud: 'aws', orchestration: 'helm' },
  { monitoring: 'elk', cloud: 'aws', orchestration: 'none' },
  { monitoring: 'datadog', cloud: 'aws', orchestration: 'kustomize' },
  { monitoring: 'newrelic', cloud: 'gcp', orchestration: 'none' },
  { monitoring: 'cloudwatch', cloud: 'aws', orchestration: 'none' },
  { monitoring: 'cloudwatch', cloud: 'aws', orchestration: 'kustomize' },
];

const label = (answers: Partial<Answers>) => `${answers.monitoring} on ${answers.orchestration}`;

/** Every path and line that names the service's pool alert. */
const poolAlertsOf = (files: Record<string, string>, service: string): string[] => {
  const pattern = poolAlertPattern(service);
  return Object.entries(files).flatMap(([file, contents]) => [file, ...contents.split('\n')].filter((line) => pattern.test(line)).map((line) => `${file}: ${line.trim()}`));
};

describe('ConnectionPoolExhausted: only for the services that use the database', () => {
  for (const answers of stacks) {
    test(`${label(answers)}: a pool alert for the database's user, none for the service without a datastore`, () => {
      const files = renderShape({ ...answers, services: mixed, database: 'postgres', cache: 'none' });
      assert.ok(poolAlertsOf(files, 'api-express').length > 0, `${label(answers)}: no pool alert for api-express`);
      assert.deepEqual(poolAlertsOf(files, 'api-go'), [], `${label(answers)}: api-go uses no datastore`);
    });

    test(`${label(answers)}: no pool alert when only a worker (no metrics) uses the database`, () => {
      const services = [withUses('api-go', []), withUses('jobs-python', ['postgres'])];
      const files = renderShape({ ...answers, services, database: 'postgres', cache: 'none' });
      const named = Object.entries(files).filter(([, contents]) => /ConnectionPoolExhausted/.test(contents)).map(([file]) => file);
      assert.deepEqual(named, [], `${label(answers)}: a pool alert with no service to watch`);
    });
  }
});

/** The line each pool library writes when a request gives up waiting for a connection (as their messages read). */
const poolTimeoutLines: Record<string, string> = {
  HikariCP: 'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
  SQLAlchemy: 'sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00',
  'node-postgres': 'Error: timeout exceeded when trying to connect',
  Prisma: 'Timed out fetching a new connection from the connection pool. (Current connection pool timeout: 10, connection limit: 5)',
  // Django 5.1+ with OPTIONS {"pool": ...} (NetBox's psycopg[pool]), and any psycopg 3 pool.
  psycopg_pool: "psycopg_pool.PoolTimeout: couldn't get a connection after 30.00 sec",
};

describe('the pool timeout lines the log-based alerts count', () => {
  // Cloud Logging's RE2 with (?i); CloudWatch's %regex% is case-sensitive.
  const google = new RegExp(poolRegex.replace(/^\(\?i\)/, ''), 'i');
  const cloudwatch = new RegExp(logPatterns.poolTimeouts.replace(/^%|%$/g, ''));
  for (const [library, line] of Object.entries(poolTimeoutLines)) {
    test(`${library}: Google Cloud Monitoring and CloudWatch count it`, () => {
      assert.match(line, google);
      assert.match(line, cloudwatch);
    });
  }
  test('an ordinary error line is not a pool timeout', () => {
    const line = 'ERROR: duplicate key value violates unique constraint "users_email_key"';
    assert.doesNotMatch(line, google);
    assert.doesNotMatch(line, cloudwatch);
  });
});

describe('Google Cloud Monitoring on Cloud Run: the pool alert and the log metric it reads come together', () => {
  const gcp: Partial<Answers> = { monitoring: 'google-cloud-monitoring', cloud: 'gcp', orchestration: 'none', region: 'europe-west1', database: 'postgres', cache: 'none' };
  const rootOf = (files: Record<string, string>) =>
    Object.entries(files)
      .filter(([file]) => file.startsWith('monitoring/google-cloud-monitoring/environments/production/'))
      .map(([, contents]) => contents)
      .join('\n');

  test('an API on the database: the policy and the pool_timeouts metric', () => {
    const root = rootOf(renderShape({ ...gcp, services: mixed }));
    assert.match(root, /"connection_pool_exhausted_critical"/);
    assert.match(root, /"pool_timeouts"/);
  });

  test('only a worker uses the database: neither the policy nor a metric nothing reads', () => {
    const root = rootOf(renderShape({ ...gcp, services: [withUses('api-go', []), withUses('jobs-python', ['postgres'])] }));
    assert.doesNotMatch(root, /connection_pool_exhausted/);
    assert.doesNotMatch(root, /pool_timeouts/);
  });
});
