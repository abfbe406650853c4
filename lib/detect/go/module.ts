/**
 * A Go module as detection sees it: go.mod (module path, go and toolchain lines, requirements) and every
 * package of the module (all non-test .go files outside testdata/, vendor/ and nested modules), with the
 * module-local import graph, so a service's reach can be followed from its main package.
 */
import type { DetectContext } from '../context.js';
import { nestedManifestFolders } from '../context.js';
import { RepoIndex } from '../repo-index.js';
import { folderOf } from '../workspaces.js';
import { blankComments, functionsOf, type GoFunction } from './source.js';

export interface Located {
  value: string;
  file: string;
  offset: number;
  text: string;
}

export interface GoMod {
  file: string;
  text: string;
  modulePath?: string;
  go?: Located;
  toolchain?: Located;
}

export const parseGoMod = (file: string, text: string): GoMod => {
  const line = (pattern: RegExp): Located | undefined => {
    const match = pattern.exec(text);
    return match ? { value: match[1], file, offset: match.index, text } : undefined;
  };
  return {
    file,
    text,
    modulePath: /^module\s+"?([^\s"]+)"?/m.exec(text)?.[1],
    go: line(/^go\s+(\d+(?:\.\d+){0,2}\S*)/m),
    toolchain: line(/^toolchain\s+go(\d+(?:\.\d+){0,2}\S*)/m),
  };
};

export interface GoImport {
  path: string;
  offset: number;
}

export interface GoSource {
  file: string;
  /** Folder of the file (its package), repository-relative. */
  dir: string;
  text: string;
  /** The text with comments blanked: what the readers match against. */
  code: string;
  pkg: string;
  imports: GoImport[];
}

export interface GoPackage {
  dir: string;
  name: string;
  files: GoSource[];
  /** Folders of the module-local packages it imports. */
  localImports: string[];
}

const operatingSystems = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos']);

/** A build constraint evaluated for a Linux image: true, false, or undefined when it hangs on other tags. */
export const buildConstraint = (expression: string): boolean | undefined => {
  const tokens = expression.match(/&&|\|\||!|\(|\)|[\w.]+/g) ?? [];
  let at = 0;
  // Three-valued logic: a tag this reader cannot judge (cgo, netgo, a custom tag) is undefined.
  const chain = (operator: '||' | '&&', operand: () => boolean | undefined) => (): boolean | undefined => {
    let value = operand();
    const dominant = operator === '||';
    while (tokens[at] === operator) {
      at += 1;
      const right = operand();
      value = value === dominant || right === dominant ? dominant : value === !dominant && right === !dominant ? !dominant : undefined;
    }
    return value;
  };
  const and = (): boolean | undefined => chain('&&', not)();
  const or = chain('||', and);
  const not = (): boolean | undefined => {
    if (tokens[at] === '!') {
      at += 1;
      const value = not();
      return value === undefined ? undefined : !value;
    }
    if (tokens[at] === '(') {
      at += 1;
      const value = or();
      at += 1;
      return value;
    }
    const tag = tokens[at++] ?? '';
    if (tag === 'linux' || tag === 'unix') return true;
    if (operatingSystems.has(tag)) return false;
    // ignore and tools: files run with `go run` or kept for `go install`, never built.
    if (tag === 'ignore' || tag === 'tools') return false;
    return undefined;
  };
  return or();
};

const architectures = /^(386|amd64|arm|arm64|loong64|mips|mipsle|mips64|mips64le|ppc64|ppc64le|riscv64|s390x|wasm)$/;

/** Whether a file is left out of a Linux build: its `//go:build` line or its `_windows.go` style name. */
const excludedFromBuild = (file: string, header: string): boolean => {
  const parts = file.slice(file.lastIndexOf('/') + 1, -'.go'.length).split('_').slice(1);
  const last = parts[parts.length - 1];
  const system = last !== undefined && architectures.test(last) ? parts[parts.length - 2] : last;
  if (system !== undefined && operatingSystems.has(system) && system !== 'linux') return true;
  const constraint = /^\/\/go:build\s+(.+)$/m.exec(header)?.[1];
  return constraint !== undefined && buildConstraint(constraint) === false;
};

const importsOf = (code: string): GoImport[] => {
  const imports: GoImport[] = [];
  const literal = /(?:^|\n)\s*(?:[\w.]+\s+)?"([^"\n]+)"/g;
  for (const block of code.matchAll(/^import\s*\(([\s\S]*?)\)/gm)) {
    const start = block.index! + block[0].indexOf('(') + 1;
    for (const item of block[1].matchAll(literal)) imports.push({ path: item[1], offset: start + item.index! + item[0].indexOf('"') });
  }
  for (const single of code.matchAll(/^import\s+(?:[\w.]+\s+)?"([^"\n]+)"/gm)) {
    imports.push({ path: single[1], offset: single.index! + single[0].indexOf('"') });
  }
  return imports;
};

/** Offset just past the import declarations of a file. */
const importsEnd = (text: string): number => {
  const last = [...text.matchAll(/^import\s*(\([\s\S]*?\n\)|[^\n]*)/gm)].pop();
  return last ? last.index! + last[0].length : Math.min(text.length, 4096);
};

export class GoProgram {
  readonly packages = new Map<string, GoPackage>();
  private readonly functionCache = new Map<string, GoFunction[]>();

  constructor(
    readonly folder: string,
    readonly mod: GoMod,
    sources: GoSource[],
  ) {
    for (const source of sources) {
      let pkg = this.packages.get(source.dir);
      if (!pkg) this.packages.set(source.dir, (pkg = { dir: source.dir, name: source.pkg, files: [], localImports: [] }));
      // A folder's package is the one its non-main files agree on; main wins when any file declares it.
      if (source.pkg === 'main') pkg.name = 'main';
      pkg.files.push(source);
    }
    for (const pkg of this.packages.values()) {
      const local = new Set<string>();
      for (const source of pkg.files) for (const imported of source.imports) {
        const dir = this.localFolder(imported.path);
        if (dir !== undefined && dir !== pkg.dir && this.packages.has(dir)) local.add(dir);
      }
      pkg.localImports = [...local];
    }
  }

  static load(folder: string, context: DetectContext, modFile: string, modText: string): GoProgram {
    const nestedModules = nestedManifestFolders(context, folder).filter((other) => context.index.has(RepoIndex.join(other, 'go.mod')));
    const sources: GoSource[] = [];
    for (const file of context.index.sourceFiles(folder, ['.go'], nestedModules)) {
      const text = context.index.read(file);
      if (text === undefined) continue;
      // Generated code (protobuf, wire, mocks) only lends its imports: reading it whole costs time and tells nothing.
      const generated = /^\/\/ Code generated .* DO NOT EDIT\.?$/m.exec(text.slice(0, 4096));
      const code = blankComments(generated ? text.slice(0, importsEnd(text)) : text);
      const pkg = /^package\s+(\w+)/m.exec(code);
      if (!pkg) continue;
      if (excludedFromBuild(file, text.slice(0, pkg.index))) continue;
      sources.push({ file, dir: folderOf(file), text, code, pkg: pkg[1], imports: importsOf(code) });
    }
    return new GoProgram(folder, parseGoMod(modFile, modText), sources);
  }

  /** The repository folder of a module-local import path, or undefined for other modules. */
  localFolder(importPath: string): string | undefined {
    const modulePath = this.mod.modulePath;
    if (!modulePath) return undefined;
    if (importPath === modulePath) return this.folder;
    if (!importPath.startsWith(`${modulePath}/`)) return undefined;
    return RepoIndex.join(this.folder, importPath.slice(modulePath.length + 1));
  }

  mains(): GoPackage[] {
    return [...this.packages.values()].filter((pkg) => pkg.name === 'main').sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  }

  /** The packages a main package compiles in, breadth-first from it (itself first). */
  reach(start: string): GoPackage[] {
    const seen = new Set<string>([start]);
    const order: GoPackage[] = [];
    const queue = [start];
    while (queue.length > 0) {
      const pkg = this.packages.get(queue.shift()!);
      if (!pkg) continue;
      order.push(pkg);
      for (const next of pkg.localImports) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    return order;
  }

  functions(source: GoSource): GoFunction[] {
    let list = this.functionCache.get(source.file);
    if (!list) this.functionCache.set(source.file, (list = functionsOf(source.code)));
    return list;
  }
}

/** Files of several packages, in order. */
export const filesOf = (packages: readonly GoPackage[]): GoSource[] => packages.flatMap((pkg) => pkg.files);
