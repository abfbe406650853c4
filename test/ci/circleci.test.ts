/**
 * The CircleCI pipeline's own promises, checked on the generated config: the approval job before production,
 * one deploy per environment (serial groups), which pipelines run which jobs (the expression filters,
 * evaluated), OIDC logins, coverage kept as artifacts, package caches keyed on the lock files, and the
 * pipeline-security checks, which must fail on planted cases.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { imageRef, machineImage } from '../../lib/versions/index.js';
import { renderAnswers } from '../validation/generate.js';
import { circleciFindings } from './circleci-security.js';
import { expandSteps } from './normalise/circleci.js';
import { shopAnswers } from './answers.js';

const base: Answers = shopAnswers({ ci: 'circleci' });

type Step = string | Record<string, unknown>;
interface Invocation {
  requires?: string[];
  context?: string;
  filters?: string;
  type?: string;
  'serial-group'?: string;
}
interface Config {
  parameters: Record<string, { type: string; default: string; description: string }>;
  executors: Record<string, { docker?: { image: string }[]; machine?: { image: string } }>;
  commands: Record<string, { steps: Step[] }>;
  jobs: Record<string, { executor?: string; docker?: { image: string; environment?: Record<string, string> }[]; environment?: Record<string, string>; steps: Step[] }>;
  workflows: { pipeline: { jobs: Record<string, Invocation>[] } };
}

const render = (answers: Partial<Answers> = {}) => {
  const files = new Map(renderAnswers({ ...base, ...answers }).map((file) => [file.path, file.contents]));
  const text = files.get('.circleci/config.yml') ?? assert.fail('.circleci/config.yml was not generated');
  const config = parse(text, { maxAliasCount: 1000 }) as Config;
  const invocations = new Map(config.workflows.pipeline.jobs.map((entry) => Object.entries(entry)[0]));
  return { text, config, invocations, files };
};

const runLines = (steps: Step[]) =>
  steps.flatMap((step) => {
    if (typeof step !== 'object' || !('run' in step)) return [];
    const run = step.run as string | { command: string };
    return (typeof run === 'string' ? run : run.command).split('\n');
  });

/**
 * A small evaluator of the expression filters this config uses (`and`, `or`, `not`, parentheses, `==`, `!=`,
 * `matches /re/`, string literals and pipeline values), with CircleCI's short-circuit and truthiness.
 */
type Pipeline = { branch?: string; tag?: string; event: 'push' | 'pull_request' | 'api' };
const evaluate = (expression: string, pipeline: Pipeline): boolean => {
  const tokens = expression.match(/\(|\)|==|!=|"[^"]*"|\/(?:\\.|[^/])+\/|[A-Za-z_.-]+/g) ?? [];
  let at = 0;
  const values: Record<string, string> = { 'pipeline.git.branch': pipeline.branch ?? '', 'pipeline.git.tag': pipeline.tag ?? '', 'pipeline.event.name': pipeline.event };
  const primary = (): unknown => {
    const token = tokens[at++];
    if (token === '(') {
      const value = or();
      assert.equal(tokens[at++], ')', expression);
      return value;
    }
    if (token === 'not') return !truthy(primary());
    if (token.startsWith('"')) return token.slice(1, -1);
    assert.ok(token in values, `unknown value ${token} in ${expression}`);
    return values[token];
  };
  const truthy = (value: unknown) => value !== '' && value !== false && value !== undefined;
  const comparison = (): unknown => {
    const left = primary();
    const operator = tokens[at];
    if (operator === '==' || operator === '!=') {
      at++;
      const right = primary();
      return operator === '==' ? left === right : left !== right;
    }
    if (operator === 'matches') {
      at++;
      const pattern = tokens[at++];
      assert.equal(typeof left, 'string', `matches needs a string: ${expression}`);
      return new RegExp(`^(?:${pattern.slice(1, -1)})$`).test(left as string);
    }
    return left;
  };
  const and = (): unknown => {
    let value = comparison();
    while (tokens[at] === 'and') {
      at++;
      const right = comparison();
      value = truthy(value) ? right : value;
    }
    return value;
  };
  const or = (): unknown => {
    let value = and();
    while (tokens[at] === 'or') {
      at++;
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  };
  const result = or();
  assert.equal(at, tokens.length, `unparsed rest of ${expression}`);
  return truthy(result);
};

/** The jobs of the workflow that run for a pipeline: filtered in, and not left without all they require. */
const runs = (invocations: Map<string, Invocation>, pipeline: Pipeline): Set<string> => {
  const running = new Set<string>();
  for (const [name, invocation] of invocations) {
    if (invocation.filters !== undefined && !evaluate(invocation.filters, pipeline)) continue;
    if (invocation.filters === undefined && !pipeline.branch) continue; // CircleCI runs no job on a tag unless its filter admits it
    const requires = invocation.requires ?? [];
    if (requires.length > 0 && requires.every((need) => !running.has(need))) continue;
    running.add(name);
  }
  return running;
};

describe('the CircleCI pipeline', () => {
  const { text, config, invocations } = render();

  test('production waits for an approval job that waits for every build and the staging smoke test', () => {
    const hold = invocations.get('hold-production')!;
    assert.equal(hold.type, 'approval');
    assert.deepEqual([...hold.requires!].sort(), [...invocations.keys()].filter((name) => name.startsWith('build-')).concat('smoke-staging').sort());
    assert.deepEqual(invocations.get('deploy-production')!.requires, ['hold-production']);
    assert.equal([...invocations.values()].filter((invocation) => invocation.type === 'approval').length, 1);
    assert.equal(config.jobs['hold-production'], undefined, 'an approval job is no job of the config');
  });

  test('each environment has its own context; only builds and deploys hold one', () => {
    for (const [name, invocation] of invocations) {
      const environment = /^(deploy|smoke)-(.+)$/.exec(name)?.[2];
      if (environment) assert.equal(invocation.context, `shop-${environment}`, name);
      else if (name.startsWith('build-')) assert.equal(invocation.context, 'shop-registry', name);
      else assert.equal(invocation.context, undefined, name);
    }
  });

  test('one deploy per environment at a time: a serial group per environment, across the organization', () => {
    assert.equal(invocations.get('deploy-staging')!['serial-group'], '<< pipeline.project.slug >>/deploy-staging');
    assert.equal(invocations.get('deploy-production')!['serial-group'], '<< pipeline.project.slug >>/deploy-production');
    for (const [name, invocation] of invocations) if (!name.startsWith('deploy-')) assert.equal(invocation['serial-group'], undefined, name);
  });

  test('pull requests and feature branches run the gates only; main deploys; v* tags build but deploy nothing', () => {
    const gates = [...invocations.keys()].filter((name) => /^(lint|check|test|image-test|audit|scan)-/.test(name));
    const feature = runs(invocations, { branch: 'feature/x', event: 'push' });
    assert.deepEqual([...feature].sort(), [...gates].sort());
    assert.deepEqual([...runs(invocations, { branch: 'main', event: 'pull_request' })].sort(), [...gates].sort(), 'a pull request from a branch named main');
    assert.deepEqual([...runs(invocations, { branch: 'pull/12', event: 'pull_request' })].sort(), [...gates].sort(), 'a fork');
    const main = runs(invocations, { branch: 'main', event: 'push' });
    for (const name of invocations.keys()) assert.ok(main.has(name), `main runs ${name}`);
    const manual = runs(invocations, { branch: 'main', event: 'api' });
    assert.ok(manual.has('deploy-production'), 'a pipeline started by hand (the freeze override) reaches production');
    const tag = runs(invocations, { tag: 'v1.2.3', event: 'push' });
    assert.ok(gates.every((name) => tag.has(name)) && [...tag].some((name) => name.startsWith('build-')), 'a release tag runs the gates and builds');
    assert.ok(![...tag].some((name) => /^(deploy|smoke|hold)-/.test(name)), 'a release tag deploys nothing');
    assert.ok(!runs(invocations, { tag: 'nightly', event: 'push' }).size, 'other tags run nothing');
  });

  test('three environments: the first deploys from its own branch, main promotes the rest', () => {
    const three = render({ environments: ['dev', 'staging', 'production'] }).invocations;
    const dev = runs(three, { branch: 'dev', event: 'push' });
    assert.ok(dev.has('deploy-dev') && dev.has('smoke-dev') && !dev.has('deploy-staging'));
    const main = runs(three, { branch: 'main', event: 'push' });
    assert.ok(!main.has('deploy-dev') && main.has('deploy-staging') && main.has('deploy-production'));
    assert.ok(three.get('hold-production')!.requires!.includes('smoke-staging'));
  });

  test('lint and test jobs run in the build image; datastores are secondary containers on localhost', () => {
    const job = config.jobs['test-api-express'];
    assert.match(job.docker![0].image, /^node:\d/);
    assert.deepEqual(job.docker!.slice(1).map((container) => container.image), [imageRef('postgres'), imageRef('redis')]);
    assert.equal(job.environment!.DATABASE_URL, 'postgresql://app@localhost:5432/shop');
    assert.equal(job.environment!.REDIS_URL, 'redis://localhost:6379/0');
    assert.ok(['wait_for postgres 5432', 'wait_for redis 6379'].every((call) => runLines(job.steps).some((line) => line.trim() === call)), 'waits for both ports');
  });

  test('package caches are keyed on the lock files, restored before the install and saved after it', () => {
    const job = config.jobs['lint-api-express'];
    const names = job.steps.map((step) => (typeof step === 'string' ? step : Object.keys(step)[0]));
    assert.ok(names.indexOf('restore_cache') < names.indexOf('run') && names.indexOf('save_cache') > names.indexOf('run'));
    const restore = job.steps.find((step) => typeof step === 'object' && 'restore_cache' in step) as { restore_cache: { keys: string[] } };
    const save = job.steps.find((step) => typeof step === 'object' && 'save_cache' in step) as { save_cache: { key: string; paths: string[] } };
    assert.match(restore.restore_cache.keys[0], /^lint-api-express-v1-\{\{ arch \}\}-\{\{ checksum "services\/api-express\/package(-lock)?\.json" \}\}/);
    assert.equal(save.save_cache.key, restore.restore_cache.keys[0]);
    assert.deepEqual(save.save_cache.paths, ['/tmp/ci-cache/.cache/npm']);
    assert.equal(job.environment!.npm_config_cache, '/tmp/ci-cache/.cache/npm');
  });

  test('coverage: the report is kept as an artifact, then gated; no JUnit report means no store_test_results', () => {
    for (const [name, job] of Object.entries(config.jobs).filter(([id]) => id.startsWith('test-'))) {
      const names = job.steps.map((step) => (typeof step === 'string' ? step : Object.keys(step)[0]));
      const gate = job.steps.findIndex((step) => typeof step === 'object' && 'run' in step && /coverage-gate\.sh 80 /.test(JSON.stringify(step)));
      assert.ok(gate > 0 && names.indexOf('store_artifacts') >= 0 && names.indexOf('store_artifacts') < gate, name);
    }
    assert.doesNotMatch(text, /store_test_results/);
  });

  test('checks and scans run their case of check.sh in the tool image; the secret scan gets the whole history', () => {
    assert.equal(config.jobs['audit-dependencies'].docker![0].image, imageRef('trivy'));
    assert.deepEqual(runLines(config.jobs['audit-dependencies'].steps), ['sh scripts/ci/check.sh audit-dependencies']);
    assert.deepEqual(config.jobs['scan-secrets'].steps[0], { checkout: { method: 'full' } });
    assert.equal(config.jobs['check-shell'].docker![0].image, imageRef('shellcheck'));
  });

  test('images are built on a pinned machine with a pinned BuildKit; digests reach every deploy through the workspace', () => {
    assert.equal(config.executors['docker-builder'].machine!.image, machineImage('circleci-ubuntu'));
    assert.match(machineImage('circleci-ubuntu'), /^ubuntu-2404:\d{4}\.\d{2}\.\d+$/);
    assert.match(JSON.stringify(config.commands.buildkit), new RegExp(`image=${imageRef('buildkit')}`));
    for (const [name, job] of Object.entries(config.jobs)) {
      if (name.startsWith('build-')) assert.deepEqual(job.steps.at(-1), { persist_to_workspace: { root: '.', paths: [`build/ci/digests/${name.slice('build-'.length)}*`] } });
      if (name.startsWith('deploy-')) assert.ok(job.steps.some((step) => typeof step === 'object' && 'attach_workspace' in step), name);
    }
  });

  test('clouds and registries are reached with OIDC; signing is keyless with a sigstore-audience token', () => {
    const steps = (name: string) => runLines(expandSteps(config.jobs[name].steps, config.commands)).join('\n');
    assert.match(steps('deploy-production'), /AWS_WEB_IDENTITY_TOKEN_FILE/);
    assert.match(steps('deploy-production'), /CIRCLE_OIDC_TOKEN_V2/);
    assert.match(steps('build-api-express'), /ecr get-login-password --region eu-west-1/);
    assert.match(steps('build-api-express'), /SIGSTORE_ID_TOKEN="\$\(circleci run oidc get --claims '\{"aud": "sigstore"\}'\)"/);
    assert.doesNotMatch(text, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|credentials_json|client-secret/);
    const gcp = render({ cloud: 'gcp', registry: 'europe-west1-docker.pkg.dev/acme/shop' });
    assert.match(JSON.stringify(gcp.config.commands['cloud-login']), /create-cred-config/);
    assert.match(JSON.stringify(gcp.config.commands['registry-login']), /sts\.googleapis\.com/);
    const azure = render({ cloud: 'azure', registry: 'acme.azurecr.io/shop' });
    assert.match(JSON.stringify(azure.config.commands['cloud-login']), /az login --service-principal .*--federated-token/);
    assert.match(JSON.stringify(azure.config.commands['registry-login']), /api:\/\/AzureADTokenExchange/);
    const ghcr = render({ registry: 'ghcr.io/acme' });
    assert.match(JSON.stringify(ghcr.config.commands['registry-login']), /REGISTRY_PASSWORD/);
  });

  test('the shared scripts read CI_* from CircleCI variables in the shell; the freeze override is a pipeline parameter, never in a shell', () => {
    const setup = runLines(config.commands['pipeline-variables'].steps).join('\n');
    assert.match(setup, /CI_COMMIT="\$CIRCLE_SHA1"/);
    assert.match(setup, /CI_REF_NAME="\$CIRCLE_TAG"/);
    assert.match(setup, /CI_ACTOR="\$\{CIRCLE_USERNAME:-unknown\}"/);
    assert.deepEqual(config.parameters.freeze_override_reason, { type: 'string', default: '', description: config.parameters.freeze_override_reason.description });
    assert.equal(config.jobs['deploy-production'].environment!.FREEZE_OVERRIDE_REASON, '<< pipeline.parameters.freeze_override_reason >>');
    assert.equal(config.jobs['deploy-staging'].environment, undefined);
  });

  test('passes the pipeline-security checks, on every cloud and registry', () => {
    assert.deepEqual(circleciFindings(text), []);
    for (const answers of [
      { cloud: 'gcp', orchestration: 'none', registry: 'europe-west1-docker.pkg.dev/acme/shop', environments: ['dev', 'staging', 'production'] },
      { cloud: 'azure', orchestration: 'kustomize', registry: 'acme.azurecr.io/shop', environments: ['qa', 'prod'] },
      { registry: 'ghcr.io/acme', environments: ['production'] },
    ] as Partial<Answers>[]) {
      assert.deepEqual(circleciFindings(render(answers).text), [], JSON.stringify(answers));
    }
  });
});

describe('CircleCI pipeline-security checks fail on planted cases', () => {
  const clean = `version: 2.1
orbs:
  node: circleci/node@7.1.0
executors:
  vm:
    machine:
      image: ubuntu-2404:2025.09.1
jobs:
  lint:
    docker:
      - image: node:24.19.0-trixie-slim
    steps:
      - checkout
      - run: echo "on $CIRCLE_BRANCH"
  deploy-production:
    executor: vm
    steps:
      - run: printf '%s' "$CIRCLE_OIDC_TOKEN_V2" >token
workflows:
  pipeline:
    jobs:
      - lint
      - hold-production:
          type: approval
          requires: [lint]
          filters: pipeline.git.branch == "main" and pipeline.event.name != "pull_request"
      - deploy-production:
          requires: [hold-production]
          context: shop-production
          filters: pipeline.git.branch == "main" and pipeline.event.name != "pull_request"
`;
  test('a clean config passes', () => assert.deepEqual(circleciFindings(clean), []));
  const planted: Record<string, string> = {
    'a branch name in a shell': clean.replace('echo "on $CIRCLE_BRANCH"', 'echo "on << pipeline.git.branch >>"'),
    'a pipeline parameter in a shell': clean.replace('echo "on $CIRCLE_BRANCH"', 'echo "<< pipeline.parameters.reason >>"'),
    'an orb on volatile': clean.replace('circleci/node@7.1.0', 'circleci/node@volatile'),
    'an orb on a major': clean.replace('circleci/node@7.1.0', 'circleci/node@7'),
    'an image on latest': clean.replace('node:24.19.0-trixie-slim', 'node:latest'),
    'an image without a tag': clean.replace('node:24.19.0-trixie-slim', 'node'),
    'a machine image on current': clean.replace('ubuntu-2404:2025.09.1', 'ubuntu-2404:current'),
    'AWS keys in the config': clean.replace('    steps:\n      - checkout', '    environment:\n      AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n    steps:\n      - checkout'),
    'a context on a job that neither pushes nor deploys': clean.replace('      - lint\n', '      - lint:\n          context: shop-production\n'),
    'a deploy context reachable from pull requests': clean.replace(/(context: shop-production\n\s+filters: )[^\n]+/, '$1pipeline.git.branch or pipeline.git.tag'),
    'production without the approval job': clean.replace('requires: [hold-production]', 'requires: [lint]'),
    'an identity token in a lint job': clean.replace('echo "on $CIRCLE_BRANCH"', 'echo "$CIRCLE_OIDC_TOKEN"'),
  };
  for (const [what, text] of Object.entries(planted)) {
    test(what, () => {
      assert.notEqual(text, clean, 'the plant changed nothing');
      assert.notDeepEqual(circleciFindings(text), []);
    });
  }
});
