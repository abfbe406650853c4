/**
 * One pipeline on every platform: each platform's files are read back into one normal form, and the same
 * promises are checked on all of them: the canonical job order, the approval before production and nowhere
 * else, the freeze check and backup before the production deploy, blocking security scans, images built once
 * and tagged with the commit, OIDC logins, the coverage threshold, and every deploy using the built digests.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { buildPipeline, ciScripts } from '../../lib/areas/ci/pipeline.js';
import { platforms } from '../../lib/areas/ci/platforms/index.js';
import { derive } from '../../lib/model/derive.js';
import { plan } from '../../lib/plan/plan.js';
import { renderAnswers } from '../validation/generate.js';
import { normalisers } from './normalise/index.js';
import type { NormalJob } from './normalise/types.js';
import { shopAnswers } from './answers.js';

const shapes: Record<string, Partial<Answers>> = {
  'AWS, Helm, rolling, two environments': {},
  'GCP, Cloud Run, canary, three environments': { cloud: 'gcp', orchestration: 'none', strategy: 'canary', environments: ['dev', 'staging', 'production'], registry: 'europe-west1-docker.pkg.dev/acme/shop' },
  'Azure, Kustomize, blue-green, no freeze': { cloud: 'azure', orchestration: 'kustomize', strategy: 'blue-green', deployFreeze: 'none', registry: 'acme.azurecr.io/shop' },
};

const base: Answers = shopAnswers({ coverageThreshold: '72' });

/** Every job a job waits for, directly or through others. */
const ancestorsOf = (jobs: Map<string, NormalJob>, id: string): Set<string> => {
  const seen = new Set<string>();
  const visit = (current: string) => {
    for (const before of jobs.get(current)?.after ?? []) {
      if (seen.has(before)) continue;
      seen.add(before);
      visit(before);
    }
  };
  visit(id);
  return seen;
};

const indexOf = (commands: string[], pattern: RegExp) => commands.findIndex((line) => pattern.test(line));

for (const [ci, normaliser] of Object.entries(normalisers)) {
  for (const [shape, answers] of Object.entries(shapes)) {
    describe(`${ci}: ${shape}`, () => {
      const config = { ...base, ...answers, ci } as Answers;
      const model = derive(config);
      const canonical = buildPipeline(model, plan(config).filter((file) => file.area !== 'ci' && file.area !== 'docs'), platforms[config.ci].files);
      const rendered = new Map(renderAnswers(config).map((file) => [file.path, file.contents]));
      for (const file of normaliser.files) assert.ok(rendered.has(file), `${file} was not generated`);
      const normal = normaliser.read(rendered, canonical.production.name);
      const jobs = new Map(normal.jobs.map((job) => [job.id, job]));
      const job = (id: string) => jobs.get(id) ?? assert.fail(`${ci} has no job ${id}`);

      test('every job of the canonical graph, after every job it needs', () => {
        for (const expected of canonical.jobs) {
          const ancestors = ancestorsOf(jobs, job(expected.id).id);
          for (const need of expected.needs) assert.ok(ancestors.has(need), `${expected.id} must wait for ${need}`);
          // Smoke jobs may read the environment's settings without entering it (a second approval on GitHub).
          if (expected.id.startsWith('deploy-') || job(expected.id).environment !== undefined) assert.equal(job(expected.id).environment, expected.environment, `${expected.id} environment`);
        }
      });

      test('a person approves the production deploy, and nothing before it', () => {
        const production = canonical.production.name;
        assert.ok(job(`deploy-${production}`).approval, `deploy-${production} has no approval gate`);
        const gated = normal.jobs.filter((candidate) => candidate.approval).map((candidate) => candidate.id);
        for (const id of gated) assert.ok(id.endsWith(`-${production}`), `${id} is gated but is not a production job`);
      });

      test('production: freeze check, then backup, then migrations and the deploy; a failed smoke test rolls back', () => {
        const production = canonical.production.name;
        const commands = job(`deploy-${production}`).commands;
        const deploy = indexOf(commands, new RegExp(`${ciScripts.deploy} ${production}$`));
        assert.ok(deploy >= 0, `deploy-${production} runs ${ciScripts.deploy} ${production}`);
        if (canonical.freeze) assert.ok(indexOf(commands, /freeze-check\.sh/) >= 0 && indexOf(commands, /freeze-check\.sh/) < deploy, 'freeze check before the deploy');
        else assert.equal(indexOf(commands, /freeze-check\.sh/), -1);
        if (canonical.backup) {
          const backup = indexOf(commands, /backup\.sh/);
          assert.ok(backup >= 0 && backup < deploy && backup > indexOf(commands, /freeze-check\.sh/), 'backup after the freeze check, before the deploy');
        }
        assert.ok(indexOf(job(`smoke-${production}`).commands, new RegExp(`${ciScripts.deploy} ${production} rollback`)) >= 0, 'rollback on a failed smoke test');
      });

      test('security jobs run the blocking checks; every image is built, scanned, signed, then tagged with the release', () => {
        for (const scan of canonical.security) assert.ok(indexOf(job(scan.id).commands, new RegExp(`${ciScripts.check} ${scan.id}$`)) >= 0, scan.id);
        for (const image of canonical.images) {
          const commands = job(`build-${image.name}`).commands;
          const at = (step: string) => indexOf(commands, new RegExp(`${ciScripts.image} ${step} ${image.name}$`));
          assert.ok(at('build') >= 0 && at('build') < at('scan') && at('scan') < at('sign') && at('sign') < at('release'), `build-${image.name}: ${commands.join(' | ')}`);
          assert.ok(indexOf(job(`image-test-${image.name}`).commands, new RegExp(`${ciScripts.image} test ${image.name}$`)) >= 0);
        }
      });

      test('each measured test job gates on the coverage threshold', () => {
        for (const testJob of canonical.tests.filter((candidate) => candidate.coverage)) {
          assert.ok(indexOf(job(testJob.id).commands, new RegExp(`coverage-gate\\.sh ${canonical.coverageThreshold} `)) >= 0, testJob.id);
        }
      });

      test('every deploy gets the digests the build jobs wrote, and logs in with OIDC where the platform has it', () => {
        for (const env of canonical.environments) {
          assert.ok(job(`deploy-${env.name}`).digests, `deploy-${env.name} gets the digests`);
          if (normaliser.oidc) assert.ok(job(`deploy-${env.name}`).oidc, `deploy-${env.name} OIDC`);
        }
        for (const image of canonical.images) if (normaliser.oidc) assert.ok(job(`build-${image.name}`).oidc, `build-${image.name} OIDC (keyless signing)`);
        if (!normaliser.oidc) assert.match(rendered.get('docs/ci-cd.md')!, /OIDC|OpenID Connect/);
      });

      test('jobs that do not deploy or push ask for no identity token', () => {
        for (const candidate of normal.jobs) if (/^(lint|check|test|audit|scan)-/.test(candidate.id)) assert.equal(candidate.oidc, false, candidate.id);
      });
    });
  }
}
