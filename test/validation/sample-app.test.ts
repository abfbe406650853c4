/**
 * The README's main job, end to end: the built CLI scaffolds a copy of the bundled sample app with
 * --defaults, and every real validator accepts every file it wrote.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { copyOf, read } from '../helpers/folders.js';
import { sampleApp } from '../helpers/paths.js';
import { validatorsFor } from './validators/index.js';
import { prettier } from './validators/prettier.js';

describe('phase4 --defaults on examples/sample-app', () => {
  const dir = copyOf(sampleApp);
  const result = runCli(['--defaults', '--json'], dir);

  test('succeeds and reports every file it wrote', () => {
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.answers.services.map((service: { name: string }) => service.name), ['api', 'web', 'reports']);
    assert.equal(report.answers.database, 'postgres');
    assert.equal(report.answers.cache, 'redis');
    assert.equal(report.answers.ci, 'github-actions');
    assert.ok(report.files.length > 0, 'no file written');
    assert.ok(report.files.every((file: { action: string }) => file.action === 'write'));
    const manifest = JSON.parse(read(dir, '.phase4/manifest.json'));
    assert.deepEqual(manifest.files.map((file: { path: string }) => file.path), report.files.map((file: { path: string }) => file.path));
  });

  test('scripts users run are executable', () => {
    assert.equal(statSync(path.join(dir, 'scripts', 'dev-secrets.sh')).mode & 0o777, 0o755);
  });

  test('.yo-rc.json and the manifest are as prettier formats them too', () => {
    const check = prettier.check(['.yo-rc.json', '.phase4/manifest.json'].map((file) => path.join(dir, file)));
    assert.deepEqual(check, [], check.join('\n'));
  });

  // The validators of the CI platform and monitoring stack the defaults chose (GitHub Actions, Prometheus and
  // Grafana), and every other format's.
  for (const validator of validatorsFor('github-actions', 'prometheus-grafana')) {
    test(`${validator.name} accepts what it wrote`, () => {
      const manifest = JSON.parse(read(dir, '.phase4/manifest.json'));
      const files = manifest.files.map((file: { path: string }) => file.path).filter(validator.applies);
      assert.ok(files.length > 0, `${validator.name} matched no file the sample app got: it would prove nothing`);
      const problems = validator.check(files.map((file: string) => path.join(dir, file)));
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }
});
