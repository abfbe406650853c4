/** Temporary copies of fixtures, and byte-exact snapshots of folders to prove nothing was written. */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

export const tempDir = (prefix = 'phase4-test-'): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
};

/** Writes `files` (relative path -> contents) under `dir`, creating folders as needed. */
export const writeTree = (dir: string, files: Record<string, string>): string => {
  for (const [relative, contents] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    writeFileSync(path.join(dir, relative), contents);
  }
  return dir;
};

/** A fresh copy of `source` in a temp folder (node_modules and build output are never copied). */
export const copyOf = (source: string): string => {
  const dir = tempDir();
  cpSync(source, dir, {
    recursive: true,
    filter: (file) => !/[\\/](node_modules|dist|\.phase4-out)([\\/]|$)/.test(path.relative(source, file)) || file === source,
  });
  return dir;
};

/** Every file and folder under `dir` with a content hash: equal snapshots mean byte-for-byte unchanged. */
export const snapshot = (dir: string): Record<string, string> => {
  const entries: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      const relative = path.relative(dir, full);
      const stats = statSync(full);
      if (stats.isDirectory()) {
        entries[`${relative}/`] = 'dir';
        walk(full);
      } else {
        entries[relative] = createHash('sha256').update(readFileSync(full)).digest('hex');
      }
    }
  };
  if (statSync(dir).isDirectory()) walk(dir);
  else entries['.'] = createHash('sha256').update(readFileSync(dir)).digest('hex');
  return entries;
};

export const read = (dir: string, relative: string) => readFileSync(path.join(dir, relative), 'utf8');
