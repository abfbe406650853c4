/**
 * TypeScript compilation as tsc and the Nest CLI lay it out: tsconfig (with comments and `extends`),
 * outDir and rootDir, and where a source file lands after the build (`src/main.ts` -> `dist/main.js`, or
 * `dist/src/main.js` when the project compiles files outside src/ too).
 */
import { parse as parseJsonc } from 'jsonc-parser';
import path from 'node:path';
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { globToRegExp, inFolder } from '../workspaces.js';
import { relativePath } from '../../repo-paths.js';

export const readJsonc = (index: RepoIndex, file: string): Record<string, any> | undefined => {
  const text = index.read(file);
  if (text === undefined) return undefined;
  const value = parseJsonc(text, [], { allowTrailingComma: true });
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
};

export interface TsConfig {
  file: string;
  outDir?: { value: string; file: string };
  rootDir?: string;
  include?: string[];
  exclude?: string[];
  /** compilerOptions.paths: alias prefix (`@acme/lib/`) -> repository folder (`libs/lib/src`). */
  paths?: { alias: string; folder: string }[];
}

/** A tsconfig with its `extends` chain (relative files only) merged: the nearer file wins. */
export const readTsConfig = (index: RepoIndex, file: string, depth = 0): TsConfig | undefined => {
  const config = readJsonc(index, file);
  if (!config || depth > 5) return undefined;
  const folder = path.posix.dirname(file);
  const extended = (Array.isArray(config.extends) ? config.extends : [config.extends]).filter(
    (value): value is string => typeof value === 'string' && value.startsWith('.'),
  );
  let base: TsConfig | undefined;
  for (const parent of extended) {
    const parentFile = path.posix.normalize(path.posix.join(folder, parent.endsWith('.json') ? parent : `${parent}.json`));
    base = readTsConfig(index, parentFile, depth + 1) ?? base;
  }
  // Paths in a tsconfig are relative to the file that declares them.
  const relativeTo = (value: string) => path.posix.normalize(path.posix.join(folder, value));
  const options = config.compilerOptions ?? {};
  const baseUrl = typeof options.baseUrl === 'string' ? relativeTo(options.baseUrl) : folder;
  const paths = options.paths && typeof options.paths === 'object'
    ? Object.entries(options.paths as Record<string, unknown>).flatMap(([alias, targets]) => {
        const target = Array.isArray(targets) && typeof targets[0] === 'string' ? targets[0] : undefined;
        if (!target || alias === '*') return [];
        return [{ alias: alias.replace(/\*$/, ''), folder: path.posix.normalize(path.posix.join(baseUrl, target.replace(/\/?\*$/, '').replace(/\/index\.[cm]?[jt]sx?$/, ''))) }];
      })
    : undefined;
  return {
    file,
    paths: paths ?? base?.paths,
    outDir: typeof options.outDir === 'string' ? { value: relativeTo(options.outDir), file } : base?.outDir,
    rootDir: typeof options.rootDir === 'string' ? relativeTo(options.rootDir) : base?.rootDir,
    include: Array.isArray(config.include) ? config.include.map((entry: string) => relativeTo(entry)) : base?.include,
    exclude: Array.isArray(config.exclude) ? config.exclude.map((entry: string) => relativeTo(entry)) : base?.exclude,
  };
};

/** Repository-relative path as seen from `folder` (`apps/api/dist` -> `dist`). */

const matchesPattern = (file: string, pattern: string): boolean => {
  if (file === pattern || file.startsWith(`${pattern}/`)) return true;
  return /[*?]/.test(pattern) && globToRegExp(pattern).test(file);
};

/** Whether tsc compiles `file` under this configuration (include defaults to everything, exclude to node_modules and outDir). */
const compiles = (config: TsConfig, folder: string, file: string): boolean => {
  const include = config.include ?? [folder === '.' ? '**/*' : `${folder}/**/*`];
  const exclude = [...(config.exclude ?? []), ...(config.outDir ? [config.outDir.value] : [])];
  return include.some((pattern) => matchesPattern(file, pattern.replace(/\/\*\*\/\*$/, '').replace(/^\.$/, '') || file)) && !exclude.some((pattern) => matchesPattern(file, pattern));
};

/** The common folder of the files tsc compiles: tsc's rootDir when none is set. */
const computedRootDir = (index: RepoIndex, config: TsConfig, folder: string, sourceRoot: string): string => {
  const files = index
    .filesUnder(folder)
    .filter((file) => /\.(ts|tsx|mts|cts)$/.test(file) && !file.endsWith('.d.ts') && !/(^|\/)node_modules\//.test(file))
    .filter((file) => compiles(config, folder, file));
  const outside = files.some((file) => !file.startsWith(`${sourceRoot}/`));
  return outside ? folder : sourceRoot;
};

export interface NestCli {
  file?: string;
  sourceRoot: string;
  entryFile: string;
  webpack: boolean;
  tsConfigPath: string;
}

export const readNestCli = (index: RepoIndex, folder: string): NestCli => {
  const file = inFolder(folder, 'nest-cli.json');
  const config = readJsonc(index, file);
  const options = config?.compilerOptions ?? {};
  return {
    ...(config ? { file } : {}),
    sourceRoot: typeof config?.sourceRoot === 'string' ? config.sourceRoot : 'src',
    entryFile: typeof config?.entryFile === 'string' ? config.entryFile : 'main',
    webpack: options.webpack === true || options.builder === 'webpack' || options.builder?.type === 'webpack',
    tsConfigPath: typeof options.tsConfigPath === 'string' ? options.tsConfigPath : 'tsconfig.build.json',
  };
};

/** The tsconfig a build uses: tsconfig.build.json when present (Nest's convention), else tsconfig.json. */
export const buildTsConfig = (index: RepoIndex, folder: string, preferred = 'tsconfig.build.json'): TsConfig | undefined =>
  readTsConfig(index, inFolder(folder, preferred)) ?? readTsConfig(index, inFolder(folder, 'tsconfig.json'));

/**
 * Where the build writes `source` (relative to `folder`); without a source, the Nest entry file
 * (nest-cli.json `sourceRoot`/`entryFile`, webpack bundles to `<outDir>/<entryFile>.js`).
 */
export const compiledPath = (index: RepoIndex, folder: string, source: string | undefined): { file: string; evidence: Evidence } | undefined => {
  const nest = readNestCli(index, folder);
  const config = buildTsConfig(index, folder, source ? 'tsconfig.build.json' : nest.tsConfigPath);
  const outDir = config?.outDir?.value ?? inFolder(folder, 'dist');
  const outDirRelative = relativePath(folder, outDir);
  const why = config?.outDir ? `${config.outDir.file} outDir ${outDirRelative}` : 'tsc default outDir dist';
  if (!source && nest.webpack) {
    return { file: `${outDirRelative}/${path.posix.basename(nest.entryFile)}.js`, evidence: evidence(nest.file ?? inFolder(folder, 'package.json'), `nest build with webpack bundles ${nest.entryFile} into ${outDirRelative}`) };
  }
  const sourceFile = source ? inFolder(folder, source) : path.posix.normalize(inFolder(folder, `${nest.sourceRoot}/${nest.entryFile}`));
  const sourceRoot = source ? path.posix.dirname(sourceFile) : inFolder(folder, nest.sourceRoot);
  const rootDir = config?.rootDir ?? (config ? computedRootDir(index, config, folder, sourceRoot) : sourceRoot);
  const relative = path.posix.relative(rootDir, sourceFile).replace(/\.(ts|tsx|mts|cts)$/, '');
  if (relative.startsWith('..')) return undefined;
  const extension = /\.mts$/.test(source ?? '') ? '.mjs' : /\.cts$/.test(source ?? '') ? '.cjs' : '.js';
  const file = `${outDirRelative}/${relative}${extension}`.replace(/^\.\//, '');
  const note = `${why}; ${relativePath(folder, sourceFile)} compiles to ${file}${config?.rootDir ? '' : rootDir === folder ? ' (files outside the source folder make the package folder tsc\'s root)' : ''}`;
  return { file, evidence: evidence(config?.outDir?.file ?? nest.file ?? inFolder(folder, 'package.json'), note) };
};
