/** The pieces that keep writes inside the repository and all-or-nothing: link resolution and the commit. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { commitFiles } from '../../lib/write/commit.js';
import { checkInsideRepository } from '../../lib/write/target.js';
import { snapshot, tempDir, writeTree } from '../helpers/folders.js';

describe('checkInsideRepository', () => {
  const refused = (root: string, file: string) => assert.throws(() => checkInsideRepository(root, [file]), { name: 'UsageError' }, file);

  test('follows links that stay inside, refuses every way out', () => {
    const root = writeTree(tempDir(), { 'real/keep.md': 'x' });
    const outside = tempDir('phase4-outside-');
    symlinkSync('real', path.join(root, 'inside'));
    symlinkSync(outside, path.join(root, 'out'));
    symlinkSync('../../..', path.join(root, 'real', 'up'));
    symlinkSync(path.join(outside, 'not-yet.md'), path.join(root, 'dangling.md'));
    symlinkSync('out', path.join(root, 'chain'));
    checkInsideRepository(root, ['inside/keep.md', 'inside/new/deep.md', 'new/file.md', 'real/keep.md']);
    refused(root, 'out/file.md');
    refused(root, 'real/up/file.md');
    refused(root, 'dangling.md'); // writing through it would create the file outside
    refused(root, 'chain/file.md');
    assert.throws(() => checkInsideRepository(root, ['out/x.md']), /out\/x\.md: is under the symlink out, which leads outside the repository to /);
  });

  test('a repository reached through a link of its own is fine', () => {
    const root = writeTree(tempDir(), { 'a.md': 'x' });
    const alias = path.join(tempDir(), 'alias');
    symlinkSync(root, alias);
    checkInsideRepository(alias, ['a.md', 'docs/b.md']);
  });
});

describe('commitFiles', () => {
  test('writes every file, through inside links, keeping modes of replaced files and setting requested ones', () => {
    const root = writeTree(tempDir(), { 'real/old.txt': 'old\n', 'private.txt': 'secret\n' });
    chmodSync(path.join(root, 'private.txt'), 0o600);
    symlinkSync('real', path.join(root, 'link'));
    commitFiles([
      { path: path.join(root, 'link', 'old.txt'), contents: Buffer.from('new\n') },
      { path: path.join(root, 'private.txt'), contents: Buffer.from('changed\n') },
      { path: path.join(root, 'a', 'b', 'run.sh'), contents: Buffer.from('#!/bin/sh\n'), mode: 0o100755 },
    ]);
    assert.equal(readFileSync(path.join(root, 'real', 'old.txt'), 'utf8'), 'new\n');
    assert.ok(statSync(path.join(root, 'link')).isDirectory(), 'the link is still a link to the folder');
    assert.equal(statSync(path.join(root, 'private.txt')).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(root, 'a', 'b', 'run.sh')).mode & 0o777, 0o755);
    assert.deepEqual(Object.keys(snapshot(root)).filter((file) => file.includes('.tmp')), []);
  });

  test('leaves identical files alone, timestamps included', () => {
    const root = writeTree(tempDir(), { 'same.txt': 'same\n' });
    const before = statSync(path.join(root, 'same.txt')).mtimeMs;
    commitFiles([{ path: path.join(root, 'same.txt'), contents: Buffer.from('same\n') }]);
    assert.equal(statSync(path.join(root, 'same.txt')).mtimeMs, before);
  });

  test('a failure while staging leaves the folder exactly as it was: no file replaced, no temporary file, no new folder', () => {
    const root = writeTree(tempDir(), { 'a.txt': 'a\n', 'blocker': 'a file where a folder should be\n' });
    const before = snapshot(root);
    assert.throws(() =>
      commitFiles([
        { path: path.join(root, 'a.txt'), contents: Buffer.from('changed\n') },
        { path: path.join(root, 'new', 'deep', 'b.txt'), contents: Buffer.from('b\n') },
        { path: path.join(root, 'blocker', 'c.txt'), contents: Buffer.from('c\n') },
      ]),
    );
    assert.deepEqual(snapshot(root), before);
  });

  test('a folder in the way is refused before anything is replaced', () => {
    const root = writeTree(tempDir(), { 'a.txt': 'a\n' });
    mkdirSync(path.join(root, 'folder.txt'));
    const before = snapshot(root);
    assert.throws(
      () =>
        commitFiles([
          { path: path.join(root, 'a.txt'), contents: Buffer.from('changed\n') },
          { path: path.join(root, 'folder.txt'), contents: Buffer.from('x\n') },
        ]),
      { name: 'UsageError' },
    );
    assert.deepEqual(snapshot(root), before);
  });
});
