/** Small, forgiving file readers for detection: a missing or unreadable file is simply "not found". */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { compareText } from '../order.js';

export const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

export const readJson = (file: string): Record<string, any> | undefined => {
  const text = readText(file);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

export const exists = (file: string): boolean => existsSync(file);

export const isDirectory = (file: string): boolean => {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
};

/** Folders never searched for services or source hints. */
const ignoredFolders = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'target',
  'out',
  'coverage',
  'vendor',
  '.venv',
  'venv',
  '__pycache__',
  '.next',
  '.nuxt',
  '.gradle',
  '.idea',
  '.phase4',
  'tmp',
  // Test inputs, not the repository's services: Go's toolchain ignores testdata/ for the same reason.
  'testdata',
  'fixtures',
  '__fixtures__',
]);

export const listDirectories = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !ignoredFolders.has(entry.name) && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
};

/**
 * Source files under `dir` with one of `extensions`, depth-limited and capped so detection stays fast on
 * large repositories. Sorted, so detection is deterministic.
 */
export const listSourceFiles = (dir: string, extensions: string[], maxDepth = 4, maxFiles = 200): string[] => {
  const found: string[] = [];
  const walk = (current: string, depth: number) => {
    if (depth > maxDepth || found.length >= maxFiles) return;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name));
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= maxFiles) return;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!ignoredFolders.has(entry.name) && !entry.name.startsWith('.')) walk(full, depth + 1);
      } else if (extensions.some((extension) => entry.name.endsWith(extension)) && !/\.(test|spec)\./.test(entry.name)) {
        found.push(full);
      }
    }
  };
  walk(dir, 0);
  return found;
};

/** The first capture of `pattern` in any of the files, in file order. */
export const findInFiles = (files: string[], pattern: RegExp): string | undefined => {
  for (const file of files) {
    const match = readText(file)?.match(pattern);
    if (match) return match[1];
  }
  return undefined;
};

/** KEY=value pairs of a dotenv file (no interpolation; quotes stripped). */
export const readEnvFile = (file: string): Record<string, string> => {
  const values: Record<string, string> = {};
  for (const line of (readText(file) ?? '').split(/\r?\n/)) {
    const match = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (match) values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
};

export const toPosix = (relative: string): string => relative.split(path.sep).join('/') || '.';
