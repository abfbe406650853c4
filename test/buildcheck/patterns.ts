/**
 * Path patterns the way BuildKit reads them: a port of github.com/moby/patternmatcher v0.6.0 (ignore-file
 * patterns, `**`, `!` exceptions), its ignorefile.ReadAll, and Go's path.Clean and filepath.Match (the
 * wildcards of COPY sources). Paths are slash-separated and relative to the build context.
 */

/** Go's path.Clean. */
export const cleanPath = (input: string): string => {
  if (input === '') return '.';
  const rooted = input.startsWith('/');
  const out: string[] = [];
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
};

/** ignorefile.ReadAll: comments, BOM, whitespace, cleaning and leading slashes, `!` kept in front. */
export const readIgnoreFile = (text: string): string[] => {
  const patterns: string[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
};

type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

const escapeChars = new Set([...'.+()|{}$']);

export class Pattern {
  readonly exclusion: boolean;
  readonly cleaned: string;
  private type: MatchType = 'exact';
  private regexp?: RegExp;

  constructor(cleaned: string, exclusion: boolean) {
    this.cleaned = cleaned;
    this.exclusion = exclusion;
    this.compile();
  }

  /** Pattern.compile: the pattern as a regexp, or an exact, prefix or suffix comparison. */
  private compile() {
    const chars = [...this.cleaned];
    let source = '^';
    let type: MatchType = 'exact';
    for (let i = 0, at = 0; at < chars.length; i += 1) {
      const ch = chars[at++];
      if (ch === '*') {
        if (chars[at] === '*') {
          at += 1;
          if (chars[at] === '/') at += 1;
          if (at >= chars.length) {
            if (type === 'exact') type = 'prefix';
            else {
              source += '.*';
              type = 'regexp';
            }
          } else {
            source += '(.*/)?';
            type = 'regexp';
          }
          if (i === 0) type = 'suffix';
        } else {
          source += '[^/]*';
          type = 'regexp';
        }
      } else if (ch === '?') {
        source += '[^/]';
        type = 'regexp';
      } else if (escapeChars.has(ch)) {
        source += `\\${ch}`;
      } else if (ch === '\\') {
        if (at < chars.length) {
          source += `\\${chars[at++]}`;
          type = 'regexp';
        } else source += '\\\\';
      } else if (ch === '[' || ch === ']') {
        source += ch;
        type = 'regexp';
      } else {
        source += ch;
      }
    }
    this.type = type;
    if (type === 'regexp') this.regexp = new RegExp(`${source}$`, 'u');
  }

  match(path: string): boolean {
    switch (this.type) {
      case 'exact':
        return path === this.cleaned;
      case 'prefix':
        return path.startsWith(this.cleaned.slice(0, -2));
      case 'suffix': {
        const suffix = this.cleaned.slice(2);
        return path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
      }
      default:
        return this.regexp!.test(path);
    }
  }
}

/** Which patterns matched a folder, handed down to its entries (patternmatcher.MatchInfo). */
export type MatchInfo = boolean[];

export class PatternMatcher {
  readonly patterns: Pattern[] = [];
  readonly exclusions: boolean;

  constructor(patterns: string[]) {
    for (const raw of patterns) {
      let text = raw.trim();
      if (text === '') continue;
      text = cleanPath(text);
      let exclusion = false;
      if (text.startsWith('!')) {
        if (text.length === 1) throw new Error('illegal exclusion pattern: "!"');
        exclusion = true;
        text = text.slice(1);
      }
      this.patterns.push(new Pattern(text, exclusion));
    }
    this.exclusions = this.patterns.some((pattern) => pattern.exclusion);
  }

  private matchesAParent(pattern: Pattern, path: string): boolean {
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
    if (parent === '.') return false;
    const dirs = parent.split('/');
    return dirs.some((_, i) => pattern.match(dirs.slice(0, i + 1).join('/')));
  }

  /** MatchesOrParentMatches: whether the patterns exclude `path`, counting matches of its parent folders. */
  matchesOrParentMatches(path: string): boolean {
    let matched = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      if (pattern.match(path) || this.matchesAParent(pattern, path)) matched = !pattern.exclusion;
    }
    return matched;
  }

  /** MatchesUsingParentResults, as BuildKit's context walk calls it with its parent folder's results. */
  matchesUsingParentResults(path: string, parent: MatchInfo | undefined): { matched: boolean; info: MatchInfo } {
    let matched = false;
    const info: MatchInfo = this.patterns.map(() => false);
    for (const [i, pattern] of this.patterns.entries()) {
      let match = parent ? parent[i] : false;
      if (!match) {
        if (pattern.exclusion !== matched) continue;
        match = pattern.match(path) || (!parent && this.matchesAParent(pattern, path));
      }
      info[i] = match;
      if (match) matched = !pattern.exclusion;
    }
    return { matched, info };
  }
}

/** Go's filepath.Match on slash paths (a COPY source wildcard against a path below its fixed part). */
export const goMatch = (pattern: string, name: string): boolean => {
  let source = '^';
  for (let at = 0; at < pattern.length; at += 1) {
    const ch = pattern[at];
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '\\' && at + 1 < pattern.length) source += `\\${pattern[++at]}`;
    else if (ch === '[') {
      const end = pattern.indexOf(']', at + 2);
      if (end < 0) return false; // filepath.ErrBadPattern
      let body = pattern.slice(at + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body.replace(/[\]\\^]/g, (c) => `\\${c}`)}]`;
      at = end;
    } else source += ch.replace(/[.+()|{}$^\]]/g, (c) => `\\${c}`);
  }
  return new RegExp(`${source}$`, 'u').test(name);
};

/** containsWildcards of BuildKit's copy: an unescaped `*`, `?` or `[`. */
export const hasWildcard = (name: string): boolean => {
  for (let i = 0; i < name.length; i += 1) {
    if (name[i] === '\\') i += 1;
    else if ('*?['.includes(name[i])) return true;
  }
  return false;
};
