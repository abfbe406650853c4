/**
 * `.phase4/manifest.json`: what phase4 generated (path, content hash, area, ownership) and with which
 * version. A file whose disk content still matches its recorded hash has not been edited by the user.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { readJson } from '../detect/repo-files.js';
import { stableJson } from '../render/json.js';
import type { Ownership } from '../plan/types.js';
import { byPath } from '../order.js';

export const manifestPath = '.phase4/manifest.json';

export interface ManifestEntry {
  path: string;
  sha256: string;
  area: string;
  ownership: Ownership;
}

export interface Manifest {
  generator: 'generator-phase4';
  version: string;
  files: ManifestEntry[];
}

export const sha256 = (contents: string | Buffer): string => createHash('sha256').update(contents).digest('hex');

export const readManifest = (root: string): Manifest | undefined => {
  const value = readJson(path.join(root, manifestPath));
  return value && Array.isArray(value.files) ? (value as Manifest) : undefined;
};

/** The next manifest: entries for files written now replace old ones; entries of other files stay. */
export const nextManifest = (previous: Manifest | undefined, written: ManifestEntry[], version: string): Manifest => {
  const entries = new Map((previous?.files ?? []).map((entry) => [entry.path, entry]));
  for (const entry of written) entries.set(entry.path, entry);
  return {
    generator: 'generator-phase4',
    version,
    files: [...entries.values()].sort(byPath),
  };
};

/** The manifest's text, as prettier would format it (it lives in the repository beside the user's files). */
export const serializeManifest = (manifest: Manifest): string => stableJson(manifest);
