/** Informational flags answer without generating anything, and stay fast. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { answersSchema } from '../../lib/catalog/schema.js';
import { helpText } from '../../lib/cli/help.js';
import { runCli } from '../helpers/cli.js';
import { snapshot, tempDir } from '../helpers/folders.js';
import { repoRoot } from '../helpers/paths.js';

describe('informational flags', { concurrency: 3 }, () => {
  const dir = tempDir();
  const before = snapshot(dir);

  test('--help prints the catalog-derived help', () => {
    const result = runCli(['--help'], dir);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, helpText());
    assert.match(result.stdout, /^Usage: phase4 \[generator\] \[options\]/);
  });

  test('--print-schema prints the answers-file schema as JSON', () => {
    const result = runCli(['--print-schema'], dir);
    assert.equal(result.status, 0);
    assert.deepEqual(JSON.parse(result.stdout), JSON.parse(JSON.stringify(answersSchema())));
  });

  test('--version prints the package version', () => {
    const result = runCli(['--version'], dir);
    assert.equal(result.status, 0);
    assert.equal(result.stdout.trim(), JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
  });

  test('none of them writes anything', () => {
    for (const flag of ['--help', '--print-schema', '--version']) runCli([flag], dir);
    assert.deepEqual(snapshot(dir), before);
  });
});
