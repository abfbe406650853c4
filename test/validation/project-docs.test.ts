/** The project's own documents pass the same Markdown rules as the generated ones. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { markdownlint } from './validators/markdownlint.js';

test('README.md and the sample app README pass markdownlint', () => {
  const files = ['README.md', 'examples/sample-app/README.md'].map((file) => path.join(repoRoot, file));
  assert.deepEqual(markdownlint.check(files), []);
});
