/** TOML files (pyproject.toml, uv.toml, mise.toml) as plain objects; a broken file reads as missing. */
import { parse } from 'smol-toml';
import type { RepoIndex } from './repo-index.js';

export const parseToml = (text: string | undefined): Record<string, any> | undefined => {
  if (text === undefined) return undefined;
  try {
    return parse(text) as Record<string, any>;
  } catch {
    return undefined;
  }
};

const cache = new WeakMap<RepoIndex, Map<string, Record<string, any> | undefined>>();

export const readToml = (index: RepoIndex, file: string): Record<string, any> | undefined => {
  let files = cache.get(index);
  if (!files) cache.set(index, (files = new Map()));
  if (!files.has(file)) files.set(file, parseToml(index.read(file)));
  return files.get(file);
};
