/**
 * JavaScript and TypeScript sources as detection reads them: comments blanked (offsets and lines kept, so
 * evidence lines stay right), relative imports resolved to repository files, the files a service owns.
 */
import path from 'node:path';
import { nestedManifestFolders, type DetectContext } from '../context.js';
import type { RepoIndex } from '../repo-index.js';
import { inFolder } from '../workspaces.js';

export const scriptExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

/**
 * The text with comments replaced by spaces (newlines kept): a commented-out `app.get('/health')` is not
 * a route. Strings and template literals are kept as they are, so `'http://x'` stays whole.
 */
export const blankComments = (text: string): string =>
  text.replace(tokens, (token) => (token[0] === '/' ? token.replace(/[^\n]/g, ' ') : token));

/** Comments, and the strings and template literals they must not be looked for in. */
const tokens = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\[\s\S]|[^`\\])*`/g;

const codeCache = new WeakMap<RepoIndex, Map<string, string | undefined>>();

/** A source file's text without comments, cached per index. */
export const codeOf = (index: RepoIndex, file: string): string | undefined => {
  let files = codeCache.get(index);
  if (!files) codeCache.set(index, (files = new Map()));
  if (!files.has(file)) {
    const text = index.read(file);
    files.set(file, text === undefined ? undefined : blankComments(text));
  }
  return files.get(file);
};

/** The comment-free code of a file whose raw text passes a cheap test; undefined otherwise (nothing blanked). */
export const codeIf = (index: RepoIndex, file: string, test: RegExp | string): string | undefined => {
  const text = index.read(file);
  if (text === undefined || !(typeof test === 'string' ? text.includes(test) : test.test(text))) return undefined;
  return codeOf(index, file);
};

/** Generated and vendored sources inside a service folder (type declarations, bundles, build caches). */
const notOwnSource = /(^|\/)(\.next|\.nuxt|\.output|\.svelte-kit|\.turbo|\.vercel|\.wrangler|generated|__generated__|gql-gen|public|static|assets|locales?|i18n|migrations?|seeds?|scripts)\//;

/** The service's own script sources: outside nested packages, tests, declarations and generated folders. */
export const ownSources = (context: DetectContext, folder: string): string[] => {
  const prefix = folder === '.' ? '' : `${folder}/`;
  return context.index
    .sourceFiles(folder, scriptExtensions, nestedManifestFolders(context, folder))
    .filter((file) => {
      const relative = file.slice(prefix.length);
      // Tool configuration at the package root (vite.config.ts, jest.config.js) is not the app's code.
      return !file.endsWith('.d.ts') && !notOwnSource.test(relative) && !(!relative.includes('/') && /\.config\.[cm]?[jt]s$/.test(relative));
    });
};

const candidatesFor = (base: string): string[] => {
  const stripped = base.replace(/\.[cm]?js$/, '');
  const bases = stripped === base ? [base] : [base, stripped];
  return bases.flatMap((one) => [one, ...scriptExtensions.map((extension) => `${one}${extension}`), ...scriptExtensions.map((extension) => `${one}/index${extension}`)]);
};

/**
 * The repository file a module specifier names, for relative specifiers (`./routes`, `../app.js` for
 * `app.ts`) and the usual source aliases (`@/x`, `~/x`, `src/x`) of a service rooted at `folder`.
 */
export const resolveImport = (index: RepoIndex, folder: string, from: string, specifier: string): string | undefined => {
  let bases: string[];
  if (specifier.startsWith('.')) bases = [path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier))];
  else if (/^[@~]\//.test(specifier)) bases = [inFolder(folder, `src/${specifier.slice(2)}`), inFolder(folder, specifier.slice(2))];
  else if (/^src\//.test(specifier)) bases = [inFolder(folder, specifier)];
  else return undefined;
  for (const base of bases) {
    const found = candidatesFor(base).find((candidate) => index.has(candidate));
    if (found) return found;
  }
  return undefined;
};

/** Names a file binds for what another module exports: `import x from`, `import { a as b }`, `require()`. */
export interface ImportBinding {
  /** The local name in the importing file. */
  local: string;
  /** The exported name (`default` for a default import, `*` for a namespace or a whole require). */
  imported: string;
  specifier: string;
}

export const importsOf = (code: string): ImportBinding[] => {
  const bindings: ImportBinding[] = [];
  for (const match of code.matchAll(/\bimport\s+(?:type\s+)?([\w$]+)?\s*,?\s*(?:\{([^}]*)\}|\*\s+as\s+([\w$]+))?\s*from\s*['"]([^'"]+)['"]/g)) {
    const [, defaultName, named, namespace, specifier] = match;
    if (defaultName) bindings.push({ local: defaultName, imported: 'default', specifier });
    if (namespace) bindings.push({ local: namespace, imported: '*', specifier });
    for (const part of (named ?? '').split(',')) {
      const pair = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/);
      if (pair[0]) bindings.push({ local: (pair[1] ?? pair[0]).trim(), imported: pair[0].trim(), specifier });
    }
  }
  for (const match of code.matchAll(/\b(?:const|let|var)\s+(?:([\w$]+)|\{([^}]*)\})\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const [, whole, named, specifier] = match;
    if (whole) bindings.push({ local: whole, imported: '*', specifier });
    for (const part of (named ?? '').split(',')) {
      const pair = part.trim().split(/\s*:\s*/);
      if (pair[0]) bindings.push({ local: (pair[1] ?? pair[0]).trim(), imported: pair[0].trim(), specifier });
    }
  }
  return bindings;
};

/** Bare module specifiers a file imports or requires (`express`, `@acme/db/client`). */
export const bareSpecifiers = (code: string): string[] =>
  [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)['"]([^'"./][^'"]*)['"]/g)].map((match) => match[1]);

/** Package names a file imports or requires. */
export const importedPackages = (code: string): string[] => [
  ...new Set(bareSpecifiers(code).map((specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]))),
];

const packagesCache = new WeakMap<RepoIndex, Map<string, string[]>>();

/** The packages a repository file imports, cached per index (several services read the same shared code). */
export const packagesImportedBy = (index: RepoIndex, file: string): string[] => {
  let files = packagesCache.get(index);
  if (!files) packagesCache.set(index, (files = new Map()));
  let found = files.get(file);
  if (!found) files.set(file, (found = importedPackages(codeOf(index, file) ?? '')));
  return found;
};

/** Text between the parenthesis at `open` and its match (strings skipped), without the parentheses. */
export const argumentsAt = (code: string, open: number): string => {
  let depth = 0;
  for (let index = open; index < code.length; index += 1) {
    const char = code[index];
    if (char === '"' || char === "'" || char === '`') {
      index += 1;
      while (index < code.length && code[index] !== char) index += code[index] === '\\' ? 2 : 1;
    } else if (char === '(' || char === '[' || char === '{') depth += 1;
    else if (char === ')' || char === ']' || char === '}') {
      depth -= 1;
      if (depth === 0) return code.slice(open + 1, index);
    }
  }
  return code.slice(open + 1);
};

/** The first string literal of a text (`'api'`, `"api"`, a template without `${}`). */
export const firstString = (text: string): string | undefined => text.match(/^\s*(['"`])([^'"`$]*)\1/)?.[2];

/** Joins route segments the way routers do: one slash between, none doubled, no trailing slash unless asked. */
export const joinRoute = (...parts: string[]): string => {
  const joined = parts
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== '/')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  const last = parts[parts.length - 1] ?? '';
  return `/${joined}${joined !== '' && last.length > 1 && last.endsWith('/') ? '/' : ''}`;
};
