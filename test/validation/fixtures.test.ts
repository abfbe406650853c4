/**
 * Detection, generation and validation together on realistic repositories: the built CLI scaffolds each
 * fixture of the detection corpus with --defaults, every real validator accepts every file it wrote, and
 * every image its compose.yaml builds could build (test/buildcheck: sources in the build context after the
 * ignore files, lockfile installs, runtime and tool versions, start targets).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { composeBuildProblems } from '../buildcheck/compose-builds.js';
import { runCli } from '../helpers/cli.js';
import { copyOf, read } from '../helpers/folders.js';
import { fixturesDir, repoRoot } from '../helpers/paths.js';
import { validatorsFor } from './validators/index.js';

const fixtures = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'empty')
  .map((entry) => entry.name)
  .sort();

describe('phase4 --defaults on each fixture', { concurrency: 2 }, () => {
  test('the corpus is there', () => assert.ok(fixtures.length >= 12, fixtures.join(', ')));

  for (const fixture of fixtures) {
    const truth = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'detect', 'truth', `${fixture}.json`), 'utf8'));
    test(fixture, () => {
      const dir = copyOf(path.join(fixturesDir, fixture));
      const result = runCli(['--defaults'], dir);
      if (truth.services.length === 0) {
        // A repository without a service (only CI, charts, infrastructure): a clear error, nothing written.
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, /services: no services were detected/);
        return;
      }
      // Exit status 3: files left in conflict. Only a file the repository already had (its own .env.example)
      // may be; phase4 leaves it as it is.
      const conflicts = [...(result.stdout + result.stderr).matchAll(/CONFLICT, left as is\s+(\S+)/g)].map((match) => match[1]!);
      assert.equal(result.status, conflicts.length > 0 ? 3 : 0, result.stdout + result.stderr);
      for (const conflict of conflicts) assert.ok(existsSync(path.join(fixturesDir, fixture, conflict)), `${conflict} conflicts but the fixture has none`);
      const written: string[] = JSON.parse(read(dir, '.phase4/manifest.json')).files.map((file: { path: string }) => file.path);
      assert.ok(written.some((file) => /(^|\/)Dockerfile$/.test(file)), `no Dockerfile for ${fixture}: ${written.join(', ')}`);
      // Every fixture gets a Dockerfile, compose files, docs and the secrets script: each validator has work.
      const { ci, monitoring } = JSON.parse(read(dir, '.yo-rc.json'))['generator-phase4'] as { ci: string; monitoring: string };
      for (const validator of validatorsFor(ci, monitoring)) {
        const files = written.filter(validator.applies).map((file) => path.join(dir, file));
        assert.ok(files.length > 0, `${validator.name} matched no file written for ${fixture}: ${written.join(', ')}`);
        assert.deepEqual(validator.check(files), [], `${validator.name} on ${fixture}`);
      }
      const builds = composeBuildProblems(dir);
      assert.ok(builds.checked.length > 0, `${fixture}: compose.yaml builds no image`);
      assert.deepEqual(builds.problems, [], `${fixture}: an image could not build`);
    });
  }
});
