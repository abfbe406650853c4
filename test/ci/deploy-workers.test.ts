/**
 * The deploy script on the container platforms (orchestration none) moves a worker to the new digest with the
 * services, and rolls it back with them: the generated scripts/ci/deploy.sh runs as the pipeline runs it, with
 * aws, gcloud and az replaced by fakes that record every call and answer the few queries the script reads
 * (revision lists, the current revision, task definitions). The smoke test is a fake too, which records what it
 * was asked to check. The project has a front end, an API and a worker (a Cloud Run worker pool, an ECS service,
 * a Container App without ingress).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { renderAnswers, writeRendered } from '../validation/generate.js';
import { serviceVariants } from '../validation/matrix.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { minimalEnvironment, requireTool } from '../helpers/tools.js';
import { shopAnswers } from './answers.js';

const services = [serviceVariants[0], serviceVariants[5], serviceVariants[8]];
assert.equal(services[2].kind, 'worker');

const clouds = {
  aws: {},
  gcp: { region: 'europe-west1', registry: 'europe-west1-docker.pkg.dev/acme-prod/shop' },
  azure: { region: 'westeurope', registry: 'acme.azurecr.io/shop' },
} satisfies Record<string, Partial<Answers>>;

/**
 * Fakes of the cloud CLIs: each call is one line of calls.log ("<tool> <args>"); the queries get answers in the
 * shapes the script reads. Revisions are "<name>--old" (the one before) and "<name>--new" (the latest).
 */
const fakes = {
  gcloud: `#!/bin/sh
echo "gcloud $*" >> "$CALLS"
case "$*" in
  "run services describe "*) echo "$4--old" ;;
  "run revisions list "*) printf '%s--new\\n%s--old\\n' "$5" "$5" ;;
  "run worker-pools revisions list "*) printf '%s--new\\n%s--old\\n' "$6" "$6" ;;
esac
`,
  az: `#!/bin/sh
echo "az $*" >> "$CALLS"
case "$*" in
  "containerapp ingress traffic show "*) echo "$6--old" ;;
  *"revision list "*"[-2].name"*) echo "$5--old" ;;
  *"revision list "*"[-1].name"*) echo "$5--new" ;;
  *"revision list "*"properties.active"*) printf '%s--old\\n%s--%s\\n' "$5" "$5" "r$(printf '%s' "$CI_COMMIT" | cut -c1-12)" ;;
esac
`,
  aws: `#!/bin/sh
echo "aws $*" >> "$CALLS"
case "$*" in
  "ecs describe-task-definition "*) echo '{"family": "f", "revision": 1, "containerDefinitions": [{"name": "c", "image": "old"}]}' ;;
  "ecs register-task-definition "*)
    file="\${4#file://}"
    echo "registered $(jq -r '.containerDefinitions[0].image' "$file")" >> "$CALLS"
    echo "arn:aws:ecs:eu-west-1:123456789012:task-definition/new:2" ;;
  "ecs list-task-definitions "*) echo "arn:aws:ecs:eu-west-1:123456789012:task-definition/$4:1" ;;
esac
`,
};

const digests = { 'web-react': 'sha256:1111', 'api-express': 'sha256:2222', 'jobs-node': 'sha256:3333' };

const run = (cloud: keyof typeof clouds, strategy: Answers['strategy'], action: 'deploy' | 'rollback') => {
  requireTool('jq');
  const answers = shopAnswers({ cloud, orchestration: 'none', strategy, services, database: 'none', cache: 'none', ...clouds[cloud] });
  const dir = tempDir('phase4-deploy-');
  writeRendered(dir, renderAnswers(answers));
  writeTree(dir, {
    ...Object.fromEntries(Object.entries(digests).map(([image, digest]) => [`build/ci/digests/${image}`, digest])),
    ...Object.fromEntries(Object.entries(fakes).map(([tool, script]) => [`bin/${tool}`, script])),
    // The smoke test records what it checks and passes.
    'scripts/smoke-test.sh': 'echo "smoke $* preview=${SMOKE_PREVIEW:-0}" >> "$CALLS"\n',
  });
  for (const tool of Object.keys(fakes)) chmodSync(path.join(dir, 'bin', tool), 0o755);
  const calls = path.join(dir, 'calls.log');
  writeTree(dir, { 'calls.log': '' });
  const result = spawnSync('sh', ['scripts/ci/deploy.sh', 'staging', action], {
    cwd: dir,
    encoding: 'utf8',
    env: minimalEnvironment({
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      CALLS: calls,
      CI_COMMIT: '0123456789abcdef0123',
      CLOUD_REGION: 'europe-west1',
      GCP_PROJECT: 'acme-staging',
      AZURE_RESOURCE_GROUP: 'shop-staging',
      ECS_CLUSTER: 'shop-staging',
    }),
  });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  return readFileSync(calls, 'utf8').trim().split('\n');
};

/** The index of the first call matching `pattern`, which must exist. */
const at = (log: string[], pattern: RegExp): number => {
  const index = log.findIndex((line) => pattern.test(line));
  assert.ok(index >= 0, `no call matches ${pattern}:\n${log.join('\n')}`);
  return index;
};

describe('deploy.sh updates and rolls back workers on Cloud Run', () => {
  for (const strategy of ['rolling', 'blue-green'] as const) {
    test(`${strategy}: the worker pool gets the new digest and every instance, after the services`, () => {
      const log = run('gcp', strategy, 'deploy');
      const worker = at(log, /^gcloud run worker-pools deploy shop-jobs-node --project acme-staging --region europe-west1 --image europe-west1-docker\.pkg\.dev\/acme-prod\/shop\/shop-jobs-node@sha256:3333$/);
      const split = at(log, /^gcloud run worker-pools update-instance-split shop-jobs-node --project acme-staging --region europe-west1 --to-latest$/);
      assert.ok(split > worker);
      for (const service of ['shop-web-react', 'shop-api-express']) {
        assert.ok(at(log, new RegExp(`^gcloud run services update-traffic ${service} .* --to-latest$`)) < worker, service);
      }
      assert.ok(!log.some((line) => /smoke .*jobs-node/.test(line)), 'a worker has no health route to smoke-test');
    });
  }

  test('rollback: the worker pool goes back to its previous revision, like the services', () => {
    const log = run('gcp', 'rolling', 'rollback');
    at(log, /^gcloud run worker-pools revisions list --worker-pool shop-jobs-node /);
    at(log, /^gcloud run worker-pools update-instance-split shop-jobs-node --project acme-staging --region europe-west1 --to-revisions shop-jobs-node--old=100$/);
    at(log, /^gcloud run services update-traffic shop-api-express .* --to-revisions shop-api-express--old=100$/);
  });
});

describe('deploy.sh updates and rolls back workers on Azure Container Apps', () => {
  for (const strategy of ['rolling', 'blue-green'] as const) {
    test(`${strategy}: the worker's new revision replaces the others; no traffic or smoke test for it`, () => {
      const log = run('azure', strategy, 'deploy');
      const update = at(log, /^az containerapp update --name shop-jobs-node --resource-group shop-staging --image acme\.azurecr\.io\/shop\/shop-jobs-node@sha256:3333 --revision-suffix r0123456789ab$/);
      const deactivate = at(log, /^az containerapp revision deactivate --name shop-jobs-node --resource-group shop-staging --revision shop-jobs-node--old$/);
      assert.ok(deactivate > update);
      assert.ok(!log.some((line) => /revision deactivate .*--revision shop-jobs-node--r0123456789ab/.test(line)), 'the new revision stays active');
      assert.ok(!log.some((line) => /ingress .*--name shop-jobs-node/.test(line)), 'a worker has no ingress');
      assert.ok(!log.some((line) => /smoke .*jobs-node/.test(line)));
      // The services' traffic ends on their new revision.
      at(log, strategy === 'rolling' ? /^az containerapp ingress traffic set --name shop-api-express .*--revision-weight latest=100$/ : /^az containerapp ingress traffic set --name shop-api-express .*--revision-weight shop-api-express--r0123456789ab=100$/);
    });
  }

  test('rollback: the previous revision of the worker runs again and the latest stops', () => {
    const log = run('azure', 'rolling', 'rollback');
    const activate = at(log, /^az containerapp revision activate --name shop-jobs-node --resource-group shop-staging --revision shop-jobs-node--old$/);
    const deactivate = at(log, /^az containerapp revision deactivate --name shop-jobs-node --resource-group shop-staging --revision shop-jobs-node--new$/);
    assert.ok(activate < deactivate, 'the previous revision runs before the latest stops');
    assert.ok(!log.some((line) => /ingress .*--name shop-jobs-node/.test(line)));
    at(log, /^az containerapp ingress traffic set --name shop-api-express .*--revision-weight shop-api-express--old=100$/);
  });
});

describe('deploy.sh updates and rolls back workers on ECS', () => {
  test('the worker service gets a task definition revision with the new digest, and is waited for', () => {
    const log = run('aws', 'rolling', 'deploy');
    const registered = at(log, /^registered 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/acme\/shop-jobs-node@sha256:3333$/);
    assert.ok(at(log, /^aws ecs describe-task-definition --task-definition shop-staging-jobs-node /) < registered);
    assert.ok(at(log, /^aws ecs update-service --cluster shop-staging --service shop-jobs-node --task-definition arn:aws:ecs:[^ ]+:task-definition\/new:2$/) > registered);
    at(log, /^aws ecs wait services-stable --cluster shop-staging --services .*\bshop-jobs-node\b/);
  });

  test("rollback: the worker service goes back to its family's previous revision", () => {
    const log = run('aws', 'rolling', 'rollback');
    at(log, /^aws ecs update-service --cluster shop-staging --service shop-jobs-node --task-definition arn:aws:ecs:[^ ]+:task-definition\/shop-staging-jobs-node:1$/);
  });
});
