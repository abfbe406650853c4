/**
 * Whether git ignores a path, from the .gitignore files of the repository root and every folder above the
 * path (deeper files win, as in git). Detection asks it of build outputs: an output git ignores is built,
 * not committed, so the image must build it.
 */
import ignore, { type Ignore } from 'ignore';
import type { RepoIndex } from './repo-index.js';

const rulesCache = new WeakMap<RepoIndex, Map<string, Ignore | undefined>>();

const rulesOf = (index: RepoIndex, folder: string): Ignore | undefined => {
  let cache = rulesCache.get(index);
  if (!cache) rulesCache.set(index, (cache = new Map()));
  if (!cache.has(folder)) {
    const text = index.read(folder === '.' ? '.gitignore' : `${folder}/.gitignore`);
    cache.set(folder, text === undefined ? undefined : ignore().add(text));
  }
  return cache.get(folder);
};

/** `file` is repository-relative, forward slashes. */
export const gitIgnores = (index: RepoIndex, file: string): boolean => {
  const parts = file.split('/');
  let ignored = false;
  for (let depth = 0; depth < parts.length; depth++) {
    const folder = depth === 0 ? '.' : parts.slice(0, depth).join('/');
    const verdict = rulesOf(index, folder)?.test(parts.slice(depth).join('/'));
    if (verdict?.ignored) ignored = true;
    else if (verdict?.unignored) ignored = false;
  }
  return ignored;
};
