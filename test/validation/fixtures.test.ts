/**
 * Detection, generation and validation together on realistic repositories: the built CLI scaffolds each
 * fixture with --defaults, and every real validator accepts every file it wrote.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { copyOf, read } from '../helpers/folders.js';
import { fixturesDir } from '../helpers/paths.js';
import { validators } from './validators/index.js';

const fixtures = [
  'go-service',
  'gradle-kotlin',
  'monorepo-pnpm',
  'python-celery-worker',
  'python-flask-pip',
  'python-poetry-django',
  'spring-boot',
  'static-site',
];

describe('phase4 --defaults on each fixture', { concurrency: 2 }, () => {
  for (const fixture of fixtures) {
    test(fixture, () => {
      const dir = copyOf(path.join(fixturesDir, fixture));
      const result = runCli(['--defaults'], dir);
      assert.equal(result.status, 0, result.stderr);
      const written: string[] = JSON.parse(read(dir, '.phase4/manifest.json')).files.map((file: { path: string }) => file.path);
      assert.ok(written.some((file) => /(^|\/)Dockerfile$/.test(file)), `no Dockerfile for ${fixture}: ${written.join(', ')}`);
      // Every fixture gets a Dockerfile, compose files, docs and the secrets script: each validator has work.
      for (const validator of validators) {
        const files = written.filter(validator.applies).map((file) => path.join(dir, file));
        assert.ok(files.length > 0, `${validator.name} matched no file written for ${fixture}: ${written.join(', ')}`);
        assert.deepEqual(validator.check(files), [], `${validator.name} on ${fixture}`);
      }
    });
  }
});
