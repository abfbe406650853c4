/**
 * The repository's own prettier configuration, applied to the files phase4 writes so the repository's
 * `prettier --check` accepts them. Prettier is loaded only when the repository has a configuration:
 * without one, phase4's output already matches prettier's defaults and runs stay fast.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isHelmTemplate } from './header.js';

/** The configuration files prettier 3 looks for, besides a `prettier` key in package.json / package.yaml. */
const configFiles = [
  '.prettierrc',
  '.prettierrc.json',
  '.prettierrc.yaml',
  '.prettierrc.yml',
  '.prettierrc.json5',
  '.prettierrc.js',
  '.prettierrc.ts',
  '.prettierrc.mjs',
  '.prettierrc.mts',
  '.prettierrc.cjs',
  '.prettierrc.cts',
  '.prettierrc.toml',
  'prettier.config.js',
  'prettier.config.ts',
  'prettier.config.mjs',
  'prettier.config.mts',
  'prettier.config.cjs',
  'prettier.config.cts',
];

const hasPrettierKey = (folder: string): boolean => {
  try {
    const json = path.join(folder, 'package.json');
    if (existsSync(json) && (JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>)?.prettier !== undefined) return true;
    const yaml = path.join(folder, 'package.yaml');
    return existsSync(yaml) && (parseYaml(readFileSync(yaml, 'utf8')) as Record<string, unknown>)?.prettier !== undefined;
  } catch {
    return false; // prettier itself skips a package file it cannot read
  }
};

/**
 * The folders whose configuration applies to the repository's files: the target folder and, when it
 * sits inside a git work tree, the folders above it up to the work tree's root.
 */
const configFolders = (root: string): string[] => {
  const folders: string[] = [];
  for (let folder = root; ; ) {
    folders.push(folder);
    if (existsSync(path.join(folder, '.git'))) return folders;
    const parent = path.dirname(folder);
    if (parent === folder) return [root];
    folder = parent;
  }
};

export const hasPrettierConfig = (root: string): boolean =>
  configFolders(root).some((folder) => configFiles.some((name) => existsSync(path.join(folder, name))) || hasPrettierKey(folder));

/** Formats one file's text (repository-relative path) as the repository's prettier would. */
export type Formatter = (relativePath: string, contents: string) => Promise<string>;

/**
 * The repository's formatter, or undefined when it has no prettier configuration. Files prettier has no
 * parser for, files its `.prettierignore` lists, and Helm chart templates come back unchanged.
 */
export const repositoryFormatter = async (root: string): Promise<Formatter | undefined> => {
  if (!hasPrettierConfig(root)) return undefined;
  const prettier = await import('prettier');
  const ignorePath = path.join(root, '.prettierignore');
  return async (relativePath, contents) => {
    // A chart's templates are Go templates: prettier's YAML parser rejects them (or would mangle `{{ }}`).
    if (isHelmTemplate(relativePath)) return contents;
    const file = path.join(root, relativePath);
    const info = await prettier.getFileInfo(file, { ignorePath, resolveConfig: true });
    if (info.ignored || info.inferredParser === null) return contents;
    // As the prettier CLI does: the nearest configuration, with .editorconfig settings under it.
    const options = await prettier.resolveConfig(file, { editorconfig: true });
    return prettier.format(contents, { ...options, filepath: file });
  };
};
