/** The option catalog is a public contract: keys, choices, schema, flags and the README table derive from it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import type { AnyOption } from '../../lib/catalog/option.js';
import { catalog, optionNames } from '../../lib/catalog/options.js';
import { questionFor } from '../../lib/catalog/questions.js';
import { answersSchema } from '../../lib/catalog/schema.js';
import { validateValue } from '../../lib/catalog/validate-value.js';
import { helpText } from '../../lib/cli/help.js';
import { optionsTable } from '../../lib/cli/options-table.js';
import { emptyDetection } from '../../lib/detect/types.js';
import { repoRoot } from '../helpers/paths.js';

const options = catalog as readonly AnyOption[];
const choicesOf = (name: string) => {
  const option = options.find((candidate) => candidate.name === name);
  return option?.kind === 'choice' ? option.choices.map((choice) => choice.value) : [];
};

describe('catalog contract', () => {
  test('keys are spelled exactly as published', () => {
    assert.deepEqual(optionNames, [
      'name', 'services', 'ci', 'cloud', 'orchestration', 'monitoring', 'strategy',
      'database', 'cache', 'environments', 'registry', 'domain', 'region', 'repository', 'ingressClass', 'team', 'coverageThreshold', 'deployFreeze', 'timezone',
      'sloObjective', 'errorRateThreshold', 'latencyThreshold', 'cpuThreshold', 'memoryThreshold', 'diskFreeThreshold', 'certificateExpiryDays', 'maintenanceWindow',
    ]);
  });

  test('choice values are spelled exactly as published', () => {
    assert.deepEqual(choicesOf('ci'), ['github-actions', 'gitlab-ci', 'jenkins', 'circleci', 'azure-devops']);
    assert.deepEqual(choicesOf('cloud'), ['aws', 'gcp', 'azure']);
    assert.deepEqual(choicesOf('orchestration'), ['kustomize', 'helm', 'none']);
    assert.deepEqual(choicesOf('monitoring'), ['prometheus-grafana', 'datadog', 'newrelic', 'elk', 'cloudwatch', 'google-cloud-monitoring', 'azure-monitor']);
    assert.deepEqual(choicesOf('strategy'), ['rolling', 'blue-green', 'canary']);
    assert.deepEqual(choicesOf('database'), ['postgres', 'mysql', 'mongodb', 'none']);
    assert.deepEqual(choicesOf('cache'), ['redis', 'none']);
  });

  test('every default (on an empty repository) is itself a valid answer, except services which need detection', () => {
    const answers: Record<string, unknown> = {};
    for (const option of options) {
      const value = option.default({ answers, detection: emptyDetection('/nowhere') });
      if (option.kind === 'services') {
        assert.deepEqual(value, []);
        continue;
      }
      assert.doesNotThrow(() => validateValue(option, value, option.name), option.name);
      answers[option.name] = value;
    }
    assert.equal(answers.domain, 'app.example.com');
    assert.equal(answers.registry, 'ghcr.io/app');
  });

  test('every option has a flag in --help with its description', () => {
    const help = helpText();
    for (const option of options) {
      assert.match(help, new RegExp(`--${option.name} `), option.name);
      assert.ok(help.includes(option.description), option.name);
    }
    for (const flag of ['--answers', '--defaults', '--dry-run', '--force', '--json', '--print-schema', '--help']) {
      assert.ok(help.includes(flag), flag);
    }
  });

  test('the README option table is the one generated from the catalog', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const between = readme.match(/<!-- options:start -->\n([\s\S]*?)\n<!-- options:end -->/);
    assert.ok(between, 'README has the options markers');
    assert.equal(between[1], optionsTable(), 'run `npm run readme` to regenerate the table');
  });

  test('questions mark detected values and pre-select them', () => {
    const ci = options.find((option) => option.name === 'ci')!;
    const question = questionFor(ci, { answers: {}, detection: emptyDetection('/'), suggested: 'gitlab-ci', detected: true });
    assert.equal(question.type, 'select');
    assert.equal(question.default, 'gitlab-ci');
    assert.deepEqual(
      question.choices?.filter((choice) => String(choice.name).endsWith('(detected)')).map((choice) => choice.value),
      ['gitlab-ci'],
    );
    const environments = options.find((option) => option.name === 'environments')!;
    const input = questionFor(environments, { answers: {}, detection: emptyDetection('/'), suggested: ['staging', 'production'], detected: false });
    assert.equal(input.default, 'staging,production');
    assert.deepEqual(input.filter?.('dev, prod'), ['dev', 'prod']);
    assert.match(String(input.validate?.('Prod')), /not valid/);
    assert.equal(input.validate?.('dev,prod'), true);
  });
});

describe('answers-file JSON Schema', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  const validate = ajv.compile(answersSchema());
  const api = { name: 'api', path: 'api', kind: 'backend', language: 'node', framework: 'express', port: 3000 };

  test('accepts complete and partial answers', () => {
    for (const answers of [
      {},
      { ci: 'jenkins' },
      {
        $schema: './answers.schema.json',
        name: 'shop',
        services: [api, { ...api, name: 'web', kind: 'frontend', framework: 'react', port: 8080, buildContext: '.' }],
        ci: 'gitlab-ci',
        cloud: 'gcp',
        orchestration: 'kustomize',
        monitoring: 'datadog',
        strategy: 'canary',
        database: 'mysql',
        cache: 'none',
        environments: ['dev', 'production'],
        registry: 'europe-docker.pkg.dev/acme/shop',
        domain: 'shop.acme.io',
        team: 'checkout',
      },
    ]) {
      assert.ok(validate(answers), JSON.stringify(validate.errors));
    }
  });

  test('rejects what the CLI rejects', () => {
    for (const answers of [
      { ci: 'gitlab' },
      { unknown: true },
      { name: 'Bad_Name' },
      { environments: 'staging' },
      { environments: ['a', 'a'] },
      { services: [] },
      { services: [{ ...api, port: 70000 }] },
      { services: [{ ...api, language: 'python' }] },
      { services: [{ ...api, replicas: 2 }] },
      { services: [{ ...api, kind: 'database' }] },
      { domain: 'localhost' },
    ]) {
      assert.equal(validate(answers), false, JSON.stringify(answers));
      const option = options.find((candidate) => candidate.name === Object.keys(answers)[0]);
      if (option) assert.throws(() => validateValue(option, Object.values(answers)[0], option.name), JSON.stringify(answers));
    }
  });
});
