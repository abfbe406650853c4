/** Answer resolution: precedence, validation at the source, defaults, missing keys and cross-field checks. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { loadAnswersFile } from '../../lib/config/answers-file.js';
import { checkAnswers, fillDefaults, missingOptions, requireComplete, resolveProvided } from '../../lib/config/resolve.js';
import type { Detection } from '../../lib/detect/types.js';
import { tempDir } from '../helpers/folders.js';

const api = { name: 'api', path: 'api', kind: 'backend', language: 'node', framework: 'express', packageManager: 'npm', port: 3000, healthPath: '/healthz', commands: {} } as const;
const detection: Detection = {
  root: '/repo',
  projectName: 'detected-name',
  services: [{ ...api, uses: ['redis'], evidence: {} }],
  notServices: [],
  notes: [],
  ci: 'gitlab-ci',
  cache: 'redis',
};

describe('precedence: defaults < detection < stored < answers file < flags', () => {
  test('each layer overrides the ones below it, option by option', () => {
    const resolution = resolveProvided({
      detection,
      stored: { ci: 'jenkins', cloud: 'gcp', team: 'stored-team' },
      answersFile: { label: 'answers.yml', values: { cloud: 'azure', team: 'file-team', strategy: 'canary' } },
      flags: { team: 'flag-team' },
    });
    assert.equal(resolution.answers.name, 'detected-name');
    assert.equal(resolution.sources.name, 'detected');
    assert.equal(resolution.answers.ci, 'jenkins', 'stored beats detected');
    assert.equal(resolution.sources.ci, 'stored');
    assert.equal(resolution.answers.cloud, 'azure', 'answers file beats stored');
    assert.equal(resolution.sources.cloud, 'answers-file');
    assert.equal(resolution.answers.team, 'flag-team', 'flag beats answers file');
    assert.equal(resolution.sources.team, 'flag');
    assert.equal(resolution.answers.monitoring, undefined, 'no source, no answer yet');
    const complete = fillDefaults(resolution, detection);
    assert.equal(complete.answers.monitoring, 'prometheus-grafana');
    assert.equal(complete.sources.monitoring, 'default');
    assert.equal(complete.answers.registry, 'ghcr.io/detected-name', 'defaults build on earlier answers');
    assert.equal(complete.answers.domain, 'detected-name.example.com');
  });

  test('list flags split on commas; services flags parse JSON', () => {
    const resolution = resolveProvided({
      detection,
      flags: { environments: 'dev, qa ,production', services: JSON.stringify([{ ...api, name: 'svc' }]) },
    });
    assert.deepEqual(resolution.answers.environments, ['dev', 'qa', 'production']);
    assert.equal(resolution.answers.services?.[0].name, 'svc');
  });

  test('errors name the source of the bad value', () => {
    assert.throws(() => resolveProvided({ detection, flags: { ci: 'travis' } }), /^UsageError: --ci: 'travis' is not one of/);
    assert.throws(
      () => resolveProvided({ detection, answersFile: { label: 'a.yml', values: { ci: 'travis' } } }),
      /a\.yml: ci: 'travis'/,
    );
    assert.throws(() => resolveProvided({ detection, stored: { ci: 'travis' } }), /\.yo-rc\.json: ci: 'travis'/);
  });

  test('missing options are listed in catalog order; --defaults-style filling leaves none', () => {
    const resolution = resolveProvided({ detection, flags: { cloud: 'aws' } });
    assert.deepEqual(missingOptions(resolution), ['orchestration', 'monitoring', 'strategy', 'database', 'environments', 'registry', 'domain', 'region', 'repository', 'ingressClass', 'team', 'coverageThreshold', 'deployFreeze', 'timezone', 'sloObjective', 'errorRateThreshold', 'latencyThreshold', 'cpuThreshold', 'memoryThreshold', 'diskFreeThreshold', 'certificateExpiryDays', 'maintenanceWindow']);
    assert.throws(() => requireComplete(resolution), /missing answers for orchestration, monitoring, strategy, database, environments, registry, domain, region, repository, ingressClass, team, coverageThreshold, deployFreeze, timezone/);
    assert.deepEqual(missingOptions(fillDefaults(resolution, detection)), []);
  });

  test('a service gets defaults for its optional fields, and no guessed health route', () => {
    const resolution = resolveProvided({
      detection,
      flags: {
        services: JSON.stringify([
          { name: 'site', path: 'site', kind: 'frontend', language: 'static', port: 8080 },
          { name: 'jobs', path: 'jobs', kind: 'worker', language: 'python', port: 8000, healthPath: '/healthz' },
        ]),
      },
    });
    assert.deepEqual(resolution.answers.services, [
      { name: 'site', path: 'site', kind: 'frontend', language: 'static', framework: 'static', packageManager: 'none', port: 8080, commands: {} },
      // A worker listens on nothing: its port and health route are dropped.
      { name: 'jobs', path: 'jobs', kind: 'worker', language: 'python', framework: 'none', packageManager: 'pip', commands: {} },
    ]);
  });
});

describe('answers files', () => {
  test('YAML and JSON files load; $schema is allowed and dropped', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.yml'), '$schema: ./answers.schema.json\nci: circleci\nenvironments: [dev, production]\n');
    writeFileSync(path.join(dir, 'a.json'), '{"cloud": "gcp"}');
    assert.deepEqual((await loadAnswersFile('a.yml', dir)).values, { ci: 'circleci', environments: ['dev', 'production'] });
    assert.deepEqual((await loadAnswersFile('a.json', dir)).values, { cloud: 'gcp' });
  });

  test('an empty file is an empty set of answers', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'empty.yml'), '');
    assert.deepEqual((await loadAnswersFile('empty.yml', dir)).values, {});
  });
});

describe('cross-field checks', () => {
  const complete = (overrides: Partial<Answers>, root: string): Answers => {
    const resolution = fillDefaults(resolveProvided({ detection: { ...detection, root }, flags: {} }), { ...detection, root });
    return { ...(resolution.answers as Answers), ...overrides };
  };

  test('cloudwatch needs aws', () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'api'));
    assert.throws(() => checkAnswers(complete({ monitoring: 'cloudwatch', cloud: 'azure' }, root), root), /^UsageError: monitoring: cloudwatch is AWS's own stack/);
    assert.throws(
      () => checkAnswers(complete({ monitoring: 'google-cloud-monitoring', cloud: 'aws' }, root), root),
      /^UsageError: monitoring: google-cloud-monitoring is Google Cloud's own stack and cloud is aws; choose prometheus-grafana, datadog, newrelic, cloudwatch or elk, or set cloud to gcp/,
    );
    assert.throws(() => checkAnswers(complete({ monitoring: 'azure-monitor', cloud: 'gcp' }, root), root), /^UsageError: monitoring: azure-monitor is Azure's own stack/);
    assert.doesNotThrow(() => checkAnswers(complete({ monitoring: 'cloudwatch', cloud: 'aws' }, root), root));
  });

  test('service folders must exist; production must be last', () => {
    const root = tempDir();
    assert.throws(() => checkAnswers(complete({}, root), root), /services\[0\]\.path: folder 'api' does not exist/);
    mkdirSync(path.join(root, 'api'));
    assert.throws(() => checkAnswers(complete({ environments: ['production', 'staging'] }, root), root), /^UsageError: environments: 'production' must be the last/);
    assert.doesNotThrow(() => checkAnswers(complete({ environments: ['dev', 'prod'] }, root), root), 'a last environment of another name is production');
  });
});
