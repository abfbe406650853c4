/**
 * The build context as BuildKit transfers it: the files of the context folder less what the ignore file
 * excludes. The ignore file is `<Dockerfile>.dockerignore` beside the Dockerfile when it exists, else
 * `<context>/.dockerignore` (BuildKit's dockerui). Entries are computed on demand, as fsutil's filtered walk
 * would see them, so a large context costs only the paths a Dockerfile asks about.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cleanPath, goMatch, hasWildcard, type MatchInfo, PatternMatcher, readIgnoreFile } from './patterns.js';

export type EntryKind = 'file' | 'dir';

/** A pattern's text without a trailing `/**` or `/*` (fsutil's patternWithoutTrailingGlob). */
const withoutTrailingGlob = (pattern: string) => pattern.replace(/\/\*\*$/, '').replace(/\/\*$/, '');

export class BuildContext {
  readonly root: string;
  readonly repo: string;
  /** Repo-relative path of the ignore file in force, if any. */
  readonly ignoreFile?: string;
  private readonly matcher?: PatternMatcher;
  private readonly onlyPrefixExceptions: boolean;
  private readonly kinds = new Map<string, EntryKind | undefined>();

  constructor(repo: string, context: string, dockerfile: string) {
    this.repo = repo;
    this.root = path.join(repo, context);
    const candidates = [`${dockerfile}.dockerignore`, path.join(context, '.dockerignore')];
    this.ignoreFile = candidates.find((file) => existsSync(path.join(repo, file)));
    if (this.ignoreFile) {
      this.matcher = new PatternMatcher(readIgnoreFile(readFileSync(path.join(repo, this.ignoreFile), 'utf8')));
    }
    this.onlyPrefixExceptions = !(this.matcher?.patterns ?? []).some(
      (pattern) => pattern.exclusion && /[*[\]?^\\]/.test(withoutTrailingGlob(pattern.cleaned)),
    );
  }

  private diskKind(relative: string): EntryKind | undefined {
    try {
      const stats = statSync(path.join(this.root, relative));
      return stats.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  }

  /** Whether fsutil's walk skips a matched folder whole: no exception pattern could reach inside it. */
  private skipsWhole(dir: string): boolean {
    if (!this.onlyPrefixExceptions) return false;
    if (!this.matcher!.exclusions) return true;
    return !this.matcher!.patterns.some(
      (pattern) => pattern.exclusion && `${withoutTrailingGlob(pattern.cleaned)}/`.startsWith(`${dir}/`),
    );
  }

  /** 'file' or 'dir' when `relative` is in the transferred context, else undefined. */
  entry(relative: string): EntryKind | undefined {
    const clean = cleanPath(relative.replace(/^\/+/, ''));
    if (clean === '.') return 'dir';
    if (clean.startsWith('..')) return undefined;
    if (this.kinds.has(clean)) return this.kinds.get(clean);
    const kind = this.compute(clean);
    this.kinds.set(clean, kind);
    return kind;
  }

  private compute(clean: string): EntryKind | undefined {
    const disk = this.diskKind(clean);
    if (!disk || !this.matcher) return disk;
    const parts = clean.split('/');
    let info: MatchInfo | undefined;
    for (let i = 0; i < parts.length; i += 1) {
      const prefix = parts.slice(0, i + 1).join('/');
      const result = this.matcher.matchesUsingParentResults(prefix, info);
      info = result.info;
      const last = i === parts.length - 1;
      if (result.matched && !last && this.skipsWhole(prefix)) return undefined;
      if (last && result.matched) {
        // An excluded folder is still sent when an exception brings back something below it.
        return disk === 'dir' && !this.skipsWhole(clean) && this.holdsIncluded(clean) ? 'dir' : undefined;
      }
    }
    return disk;
  }

  /** Names in a context folder on disk (transferred or not). */
  private names(relative: string): string[] {
    try {
      return readdirSync(path.join(this.root, relative)).sort();
    } catch {
      return [];
    }
  }

  /** Whether anything below an excluded folder is brought back by an exception (stops at the first). */
  private holdsIncluded(dir: string): boolean {
    return this.names(dir).some((name) => this.entry(`${dir}/${name}`) !== undefined);
  }

  /** Why a missing source is missing: absent from the context folder, or excluded by which pattern. */
  whyMissing(relative: string): string {
    const clean = cleanPath(relative);
    const folder = path.relative(this.repo, this.root) || '.';
    if (clean.startsWith('..')) return `is outside the build context (${folder})`;
    if (!this.diskKind(clean)) return `does not exist in the build context (${folder}/${clean})`;
    const parts = clean.split('/');
    const excluding = this.matcher!.patterns.filter(
      (pattern) => !pattern.exclusion && parts.some((_, i) => pattern.match(parts.slice(0, i + 1).join('/'))),
    ).at(-1);
    return `is excluded from the build context by ${this.ignoreFile} (pattern "${excluding?.cleaned ?? '?'}")`;
  }

  /** Whether a context file is transferred, and its text. */
  read(relative: string): string | undefined {
    return this.entry(relative) === 'file' ? readFileSync(path.join(this.root, cleanPath(relative)), 'utf8') : undefined;
  }

  /**
   * The context paths a COPY source names (BuildKit's ResolveWildcards): a literal source as itself (it may
   * not exist), a wildcard source as its matches below the fixed folder before the first wildcard, or
   * 'no-folder' when that folder itself is missing (the copy then fails).
   */
  resolve(source: string): string[] | 'no-folder' {
    const clean = cleanPath(`/${source}`).slice(1) || '.';
    const parts = clean === '.' ? [] : clean.split('/');
    const first = parts.findIndex(hasWildcard);
    if (first < 0) return [clean];
    const fixed = parts.slice(0, first).join('/') || '.';
    const rest = parts.slice(first).join('/');
    if (this.entry(fixed) !== 'dir') return 'no-folder';
    const matches: string[] = [];
    const segments = rest.split('/');
    const walk = (dir: string, below: string) => {
      for (const name of this.names(dir)) {
        const relative = below ? `${below}/${name}` : name;
        const full = dir === '.' ? name : `${dir}/${name}`;
        const depth = relative.split('/').length;
        if (goMatch(rest, relative)) {
          if (this.entry(full)) matches.push(full);
        } else if (depth < segments.length && goMatch(segments.slice(0, depth).join('/'), relative) && this.entry(full) === 'dir') {
          walk(full, relative);
        }
      }
    };
    walk(fixed, '');
    return matches;
  }
}
