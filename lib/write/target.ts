/**
 * The target folder must exist, be a folder and be writable before anything else happens, and nothing
 * phase4 writes may land outside it.
 */
import { accessSync, constants, lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

export const checkTargetFolder = (root: string): void => {
  let stats;
  try {
    stats = statSync(root);
  } catch {
    throw new UsageError('target folder', `${root} does not exist; create it or pass an existing folder`);
  }
  if (!stats.isDirectory()) throw new UsageError('target folder', `${root} is not a folder; run phase4 inside your repository`);
  try {
    accessSync(root, constants.W_OK);
  } catch {
    throw new UsageError('target folder', `${root} is not writable; fix its permissions or run phase4 in a folder you own`);
  }
};

/**
 * Where writing `file` would really land: symbolic links are followed, in the file itself and in every
 * folder above it, including links whose target does not exist yet (writing through one creates it).
 */
export const realTarget = (file: string, hops = 0): string => {
  if (hops > 40) throw new UsageError(file, 'is reached through too many symbolic links (a loop?); fix the links');
  const parent = path.dirname(file);
  let stats;
  try {
    stats = lstatSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    return parent === file ? file : path.join(realTarget(parent, hops), path.basename(file));
  }
  if (stats.isSymbolicLink()) {
    const realParent = parent === file ? parent : realTarget(parent, hops);
    return realTarget(path.resolve(realParent, readlinkSync(file)), hops + 1);
  }
  return realpathSync(file);
};

const isInside = (folder: string, file: string): boolean => {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
};

/**
 * Refuses any planned path (repository-relative) that a symbolic link would send outside the repository,
 * naming the path and the link; links that stay inside are followed.
 */
export const checkInsideRepository = (root: string, relativePaths: readonly string[]): void => {
  const realRoot = realpathSync(root);
  for (const relative of relativePaths) {
    const target = realTarget(path.join(root, relative));
    if (!isInside(realRoot, target)) {
      // Name the first link on the way out: the path itself, or the folder above it that is the link.
      const parts = relative.split('/');
      const link = parts
        .map((_, index) => parts.slice(0, index + 1).join('/'))
        .find((prefix) => isSymbolicLink(path.join(root, prefix)) && !isInside(realRoot, realTarget(path.join(root, prefix))));
      const where =
        link === undefined || link === relative
          ? `is a symlink that leads outside the repository to ${target}`
          : `is under the symlink ${link}, which leads outside the repository to ${realTarget(path.join(root, link))}`;
      throw new UsageError(relative, `${where}; replace the link with a real folder or file inside the repository (or remove it) so phase4 writes only there`);
    }
  }
};

const isSymbolicLink = (file: string): boolean => {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
};
