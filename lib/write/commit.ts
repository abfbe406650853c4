/**
 * Writes a run's files to disk all together or not at all. Every file is first written next to its
 * destination under a temporary name; only when all of them are there does each replace its
 * destination (a rename, which cannot half-happen). A failure while staging (a permission, a full disk,
 * a folder in the way) removes what was staged, so the repository stays as it was before the run.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { realTarget } from './target.js';

export interface FileToCommit {
  /** Absolute path; symbolic links on the way are followed (the caller checked they stay inside). */
  path: string;
  contents: Buffer;
  /** File mode (permission bits are used) for a new file, or to change an existing one's; an existing file keeps its own otherwise. */
  mode?: number;
}

const statOf = (file: string) => {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
};

export const commitFiles = (files: readonly FileToCommit[]): void => {
  const staged: { temporary: string; target: string }[] = [];
  const createdFolders: string[] = [];
  try {
    for (const [index, file] of files.entries()) {
      const target = realTarget(file.path);
      const existing = statOf(target);
      if (existing && !existing.isFile()) throw new UsageError(file.path, 'a folder (or another non-file) is in the way; move it so phase4 can write this file');
      const mode = (file.mode ?? existing?.mode ?? 0) & 0o7777 || undefined;
      // The same bytes and mode already there: leave the file alone (its timestamps too).
      if (existing && (existing.mode & 0o7777) === (mode ?? existing.mode & 0o7777) && readFileSync(target).equals(file.contents)) continue;
      const folder = path.dirname(target);
      const created = mkdirSync(folder, { recursive: true });
      if (created) createdFolders.push(created);
      const temporary = path.join(folder, `.${path.basename(target)}.phase4-${process.pid}-${index}.tmp`);
      staged.push({ temporary, target });
      writeFileSync(temporary, file.contents, { flag: 'wx' });
      // A new file gets the default mode; a replaced one keeps its own unless phase4 sets one.
      if (mode !== undefined) chmodSync(temporary, mode);
    }
  } catch (error) {
    for (const { temporary } of staged) rmSync(temporary, { force: true });
    for (const folder of createdFolders.reverse()) rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  for (const { temporary, target } of staged) renameSync(temporary, target);
};
