/**
 * The pinned versions of everything phase4 emits, read from versions.json (the one file Renovate bumps).
 * Templates get references such as `node:22.12.0-bookworm-slim` from here and never spell versions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';

interface VersionsFile {
  images: Record<string, { image: string; tag: string }>;
  tools: Record<string, { package: string; version: string; datasource: string }>;
}

// Read at run time rather than imported, so the file stays plain JSON at one path in sources and builds.
const versions: VersionsFile = JSON.parse(readFileSync(path.join(packageRoot, 'lib', 'versions', 'versions.json'), 'utf8'));

/** `image:tag` of a pinned image; an unknown key is a programming error. */
export const imageRef = (key: string): string => {
  const entry = versions.images[key];
  if (!entry) throw new Error(`internal: no pinned image '${key}' in lib/versions/versions.json`);
  return `${entry.image}:${entry.tag}`;
};

export const toolVersion = (key: string): string => {
  const entry = versions.tools[key];
  if (!entry) throw new Error(`internal: no pinned tool '${key}' in lib/versions/versions.json`);
  return entry.version;
};

export const allImages = () => versions.images;
export const allTools = () => versions.tools;
