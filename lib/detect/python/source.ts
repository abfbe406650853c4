/**
 * Just enough of Python to read a project: comments blanked out (offsets kept, so lines stay right), string
 * literals, call arguments, module-level constants, imports and module paths. No evaluation beyond literals,
 * string concatenation, f-strings over known names and integer arithmetic.
 */
import type { RepoIndex } from '../repo-index.js';
import { inFolder } from '../workspaces.js';

const cleaned = new WeakMap<RepoIndex, Map<string, string | undefined>>();

/** Python source with comments replaced by spaces (string contents kept), cached per index. */
export const readPython = (index: RepoIndex, file: string): string | undefined => {
  let files = cleaned.get(index);
  if (!files) cleaned.set(index, (files = new Map()));
  if (!files.has(file)) {
    const text = index.read(file);
    files.set(file, text === undefined ? undefined : blankComments(text));
  }
  return files.get(file);
};

/** Comments become spaces; strings (single, double, triple-quoted) are skipped over untouched. */
export const blankComments = (text: string): string => {
  if (!text.includes('#')) return text;
  const parts: string[] = [];
  let from = 0;
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === '#') {
      let end = text.indexOf('\n', index);
      if (end === -1) end = text.length;
      parts.push(text.slice(from, index), ' '.repeat(end - index));
      from = index = end;
    } else if (char === '"' || char === "'") {
      index = endOfString(text, index);
    } else {
      index += 1;
    }
  }
  parts.push(text.slice(from));
  return parts.join('');
};

/** Index just past the string literal that starts at `start` (its opening quote). */
export const endOfString = (text: string, start: number): number => {
  const quote = text[start];
  const triple = text.startsWith(quote.repeat(3), start);
  const closing = triple ? quote.repeat(3) : quote;
  let index = start + closing.length;
  while (index < text.length) {
    if (text[index] === '\\') index += 2;
    else if (text.startsWith(closing, index)) return index + closing.length;
    else if (!triple && text[index] === '\n') return index;
    else index += 1;
  }
  return index;
};

/** The index of the bracket closing the one at `open`, skipping strings and nested brackets. */
export const closingBracket = (text: string, open: number): number => {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"' || char === "'") {
      index = endOfString(text, index) - 1;
    } else if (char === '(' || char === '[' || char === '{') {
      depth += 1;
    } else if (char === ')' || char === ']' || char === '}') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return text.length;
};

export interface CallArguments {
  positional: string[];
  keywords: Record<string, string>;
  /** Offset of the opening parenthesis. */
  start: number;
  end: number;
}

/** Splits the arguments of the call whose `(` is at `open`, at top-level commas. */
export const callArguments = (text: string, open: number): CallArguments => {
  const end = closingBracket(text, open);
  const parts = splitTopLevel(text.slice(open + 1, end), ',');
  const positional: string[] = [];
  const keywords: Record<string, string> = {};
  for (const raw of parts.filter(Boolean)) {
    const keyword = raw.match(/^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/);
    if (keyword) keywords[keyword[1]] = keyword[2].trim();
    else positional.push(raw);
  }
  return { positional, keywords, start: open, end };
};

/** Every `pattern` match (the pattern must end at a call's `(`), with its arguments. */
export const calls = (text: string, pattern: RegExp): { match: RegExpExecArray; args: CallArguments }[] => {
  const found: { match: RegExpExecArray; args: CallArguments }[] = [];
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (let match = global.exec(text); match; match = global.exec(text)) {
    const open = match.index + match[0].length - 1;
    if (text[open] !== '(') continue;
    found.push({ match, args: callArguments(text, open) });
  }
  return found;
};

const stringLiteral = /^([rRbBuUfF]{0,2})("""|'''|"|')([\s\S]*)\2$/;

/** The value of a plain (or f-) string literal without placeholders, or of adjacent literals. */
export const stringValue = (expression: string | undefined, names?: (name: string) => string | undefined): string | undefined => {
  if (expression === undefined) return undefined;
  const trimmed = expression.trim().replace(/^\(([\s\S]*)\)$/, '$1').trim();
  // Concatenation: "a" + NAME + f"{x}"
  const pieces = splitTopLevel(trimmed, '+');
  if (pieces.length > 1) {
    const values = pieces.map((piece) => stringValue(piece, names));
    return values.every((value) => value !== undefined) ? values.join('') : undefined;
  }
  const literal = trimmed.match(stringLiteral);
  if (!literal) return names && /^[A-Za-z_][\w.]*$/.test(trimmed) ? names(trimmed) : undefined;
  const [, prefix, , body] = literal;
  const raw = /r/i.test(prefix);
  let value = raw ? body : body.replace(/\\(["'\\])/g, '$1').replace(/\\n/g, '\n');
  if (/f/i.test(prefix)) {
    let failed = false;
    value = value.replace(/\{([^{}]+)\}/g, (_all, name: string) => {
      const resolved = names?.(name.trim());
      if (resolved === undefined) failed = true;
      return resolved ?? '';
    });
    if (failed) return undefined;
  }
  return value;
};

/** Splits at a top-level operator character (outside strings and brackets). */
export const splitTopLevel = (text: string, separator: string): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"' || char === "'") index = endOfString(text, index) - 1;
    else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) depth -= 1;
    else if (char === separator && depth === 0) {
      parts.push(text.slice(from, index));
      from = index + 1;
    }
  }
  parts.push(text.slice(from));
  return parts.map((part) => part.trim());
};

/**
 * A literal default as the environment would carry it: strings as they are, numbers (and integer products
 * such as `60 * 24 * 8`), booleans as `true`/`false`, lists of literals as JSON. Undefined for anything else.
 */
export const literalValue = (expression: string | undefined, names?: (name: string) => string | undefined): string | undefined => {
  if (expression === undefined) return undefined;
  const trimmed = expression.trim();
  if (trimmed === 'True' || trimmed === 'False') return trimmed.toLowerCase();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return trimmed;
  if (/^\d+(\s*[*+]\s*\d+)+$/.test(trimmed)) {
    return String(
      splitTopLevel(trimmed, '+')
        .map((term) => term.split('*').reduce((product, factor) => product * Number(factor.trim()), 1))
        .reduce((sum, term) => sum + term, 0),
    );
  }
  if (/^\[[\s\S]*\]$/.test(trimmed)) {
    const items = splitTopLevel(trimmed.slice(1, -1), ',').filter(Boolean);
    const values = items.map((item) => stringValue(item));
    return values.every((value) => value !== undefined) ? JSON.stringify(values) : undefined;
  }
  return stringValue(trimmed, names);
};

const constantsCache = new Map<string, Map<string, { expression: string; offset: number }>>();

/** Module-level `NAME = <literal>` assignments of a file (the first one wins). */
export const moduleConstants = (text: string): Map<string, { expression: string; offset: number }> => {
  const cached = constantsCache.get(text);
  if (cached) return cached;
  if (constantsCache.size > 500) constantsCache.clear();
  const constants = new Map<string, { expression: string; offset: number }>();
  constantsCache.set(text, constants);
  for (const match of text.matchAll(/^([A-Za-z_]\w*)\s*(?::\s*[^=\n]+)?=(?!=)[ \t]*(.+)$/gm)) {
    if (!constants.has(match[1])) constants.set(match[1], { expression: match[2].trim(), offset: match.index! });
  }
  return constants;
};

/** The body of the `def name(` or `class Name` block starting at `offset` (up to the next line as indented). */
export const blockAt = (text: string, offset: number): string => {
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  const indent = text.slice(lineStart).match(/^[ \t]*/)![0].length;
  const lines = text.slice(lineStart).split('\n');
  const body = [lines[0]];
  for (const line of lines.slice(1)) {
    if (line.trim() !== '' && line.match(/^[ \t]*/)![0].length <= indent && !/^[ \t]*[)\]}]/.test(line)) break;
    body.push(line);
  }
  return body.join('\n');
};

/** What a file's names refer to: `import a.b as c`, `from x import y as z`, `from . import m`. */
export interface ImportedName {
  module: string;
  /** The attribute imported from `module`, when it is `from module import attribute`. */
  attribute?: string;
}

export const importsOf = (text: string, moduleName: string, isPackage: boolean): Map<string, ImportedName> => {
  const names = new Map<string, ImportedName>();
  const absolute = (module: string): string => {
    const dots = module.match(/^\.*/)![0].length;
    if (dots === 0) return module;
    const parts = moduleName.split('.');
    const base = parts.slice(0, parts.length - dots + (isPackage ? 1 : 0));
    const rest = module.slice(dots);
    return [...base, ...(rest ? [rest] : [])].join('.');
  };
  for (const match of text.matchAll(/^[ \t]*from\s+([.\w]+)\s+import\s+(\([^)]*\)|[^\n]+)/gm)) {
    const module = absolute(match[1]);
    for (const item of match[2].replace(/[()\\]/g, ' ').split(',')) {
      const parts = item.trim().split(/\s+as\s+/);
      if (!parts[0] || parts[0] === '*') continue;
      names.set((parts[1] ?? parts[0]).trim(), { module, attribute: parts[0].trim() });
    }
  }
  for (const match of text.matchAll(/^[ \t]*import\s+([^\n]+)/gm)) {
    for (const item of match[1].split(',')) {
      const parts = item.trim().split(/\s+as\s+/);
      if (!parts[0]) continue;
      if (parts[1]) names.set(parts[1].trim(), { module: parts[0].trim() });
      else names.set(parts[0].trim().split('.')[0], { module: parts[0].trim().split('.')[0] });
    }
  }
  return names;
};

/** Python modules of a service: dotted names resolved against its source roots (the folder and `src/`). */
export class Modules {
  constructor(
    private readonly index: RepoIndex,
    /** Folders that hold top-level packages, repository-relative. */
    readonly roots: readonly string[],
  ) {}

  /** The file of a dotted module (`app.api.main` -> `backend/app/api/main.py` or its `__init__.py`). */
  file(module: string): string | undefined {
    const relative = module.split('.').join('/');
    for (const root of this.roots) {
      for (const candidate of [`${relative}.py`, `${relative}/__init__.py`]) {
        const file = inFolder(root, candidate);
        if (this.index.has(file)) return file;
      }
    }
    return undefined;
  }

  /** The dotted module name of a file under one of the roots. */
  moduleOf(file: string): { module: string; isPackage: boolean } | undefined {
    // The innermost root names the module: src/pkg/app.py is pkg.app, not src.pkg.app.
    for (const root of [...this.roots].sort((a, b) => b.length - a.length)) {
      const prefix = root === '.' ? '' : `${root}/`;
      if (!file.startsWith(prefix) || !file.endsWith('.py')) continue;
      const parts = file.slice(prefix.length, -3).split('/');
      const isPackage = parts[parts.length - 1] === '__init__';
      if (isPackage) parts.pop();
      if (parts.every((part) => /^[A-Za-z_]\w*$/.test(part))) return { module: parts.join('.'), isPackage };
    }
    return undefined;
  }

  private readonly importCache = new Map<string, Map<string, ImportedName>>();

  imports(file: string, text: string): Map<string, ImportedName> {
    const cached = this.importCache.get(file);
    if (cached) return cached;
    const own = this.moduleOf(file);
    const names = importsOf(text, own?.module ?? '', own?.isPackage ?? false);
    this.importCache.set(file, names);
    return names;
  }

  /**
   * Where a dotted reference used in `file` points: a module file and the attribute inside it, e.g.
   * `login.router` -> (routes/login.py, router), `api_router` -> (api/main.py, api_router).
   */
  resolve(file: string, text: string, reference: string): { file: string; name: string } | undefined {
    const [head, ...rest] = reference.split('.');
    const imported = this.imports(file, text).get(head);
    if (!imported) return rest.length === 0 ? { file, name: head } : undefined;
    let module = imported.attribute ? `${imported.module}.${imported.attribute}` : imported.module;
    let remaining = rest;
    if (imported.attribute && !this.file(module)) {
      // `from module import name`: the name lives in module (rest, if any, are attributes of it).
      const target = this.file(imported.module);
      return target && remaining.length === 0 ? { file: target, name: imported.attribute } : undefined;
    }
    // A module: walk into submodules as far as files exist, the last part is the attribute.
    while (remaining.length > 1 && this.file(`${module}.${remaining[0]}`)) {
      module = `${module}.${remaining[0]}`;
      remaining = remaining.slice(1);
    }
    const target = this.file(module);
    if (!target) return undefined;
    return remaining.length === 1 ? { file: target, name: remaining[0] } : remaining.length === 0 ? { file: target, name: '' } : undefined;
  }
}
