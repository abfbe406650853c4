/** One generator per area plus app: the folders yo finds, the CLI's list and the bundled run path agree. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { generatorClasses } from '../../bin/run-generator.js';
import { areaNames } from '../../lib/areas/index.js';
import { generatorNames } from '../../lib/cli/args.js';
import { repoRoot } from '../helpers/paths.js';

test('generators/, the CLI and the run path list the same generators: app and one per area', () => {
  const folders = readdirSync(path.join(repoRoot, 'generators'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
    .map((entry) => entry.name)
    .sort();
  const expected = ['app', ...areaNames].sort();
  assert.deepEqual(folders, expected);
  assert.deepEqual([...generatorNames].sort(), expected);
  assert.deepEqual(Object.keys(generatorClasses).sort(), expected);
});
