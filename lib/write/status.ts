/**
 * What writing each rendered file would do to the repository, decided before anything is written:
 *   create     the file does not exist
 *   identical  the same bytes are already there
 *   update     it differs, but the disk copy is exactly what phase4 wrote last time (not edited by the user)
 *   conflict   it differs and the user (or someone) changed it: never overwritten without consent
 *   keep       a sample file that exists already: it belongs to the user now
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { RenderedFile } from '../render/render.js';
import { type Manifest, sha256 } from './manifest.js';

export type FileStatus = 'create' | 'identical' | 'update' | 'conflict' | 'keep';

export interface PlannedWrite extends RenderedFile {
  status: FileStatus;
}

const readIfFile = (file: string, relative: string): Buffer | undefined => {
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new UsageError(relative, `a file is in the way of one of the folders of ${relative}; move it so phase4 can write there`);
    }
    return undefined;
  }
  if (!stats.isFile()) {
    throw new UsageError(relative, `a ${stats.isDirectory() ? 'folder' : 'non-regular file'} is in the way at ${file}; move it so phase4 can write this file`);
  }
  return readFileSync(file);
};

export const statusOf = (file: RenderedFile, root: string, previous: Manifest | undefined): FileStatus => {
  const onDisk = readIfFile(path.join(root, file.path), file.path);
  if (onDisk === undefined) return 'create';
  if (file.ownership === 'sample') return 'keep';
  if (onDisk.equals(Buffer.from(file.contents))) return 'identical';
  const recorded = previous?.files.find((entry) => entry.path === file.path);
  return recorded && recorded.sha256 === sha256(onDisk) ? 'update' : 'conflict';
};

export const planWrites = (files: RenderedFile[], root: string, previous: Manifest | undefined): PlannedWrite[] =>
  files.map((file) => ({ ...file, status: statusOf(file, root, previous) }));
