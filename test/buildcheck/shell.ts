/**
 * Just enough POSIX shell to read a RUN: the simple commands it runs, in order, with their words (quotes
 * removed, `$(...)` kept whole), leading VAR=value assignments, output redirections, and the folder each
 * runs in (`cd dir &&`, `pushd`). `sh -c '...'`, `bash -c` and `find ... -exec cmd {} \;` are read inside.
 */
import path from 'node:path';

export interface Command {
  /** The command name first; shell keywords (if, then, do, !, exec, ...) in front are dropped. */
  words: string[];
  /** VAR=value in front of the command. */
  assignments: Record<string, string>;
  /** Targets of `>` and `>>`. */
  redirects: string[];
  /** Absolute folder the command runs in. */
  cwd: string;
}

type Token = { word: string } | { op: string };

const operators = ['&&', '||', ';;', ';', '|', '&', '\n', '(', ')'];

/** The index just past a `$(...)` or backquote substitution that starts at `start`. */
const skipSubstitution = (text: string, start: number): number => {
  if (text[start] === '`') {
    let at = start + 1;
    while (at < text.length && text[at] !== '`') at += text[at] === '\\' ? 2 : 1;
    return at + 1;
  }
  let depth = 1;
  let at = start + 1;
  while (at < text.length) {
    const ch = text[at];
    if (ch === '\\') at += 2;
    else if (ch === "'") at = text.indexOf("'", at + 1) < 0 ? text.length : text.indexOf("'", at + 1) + 1;
    else if (ch === '"') at = skipDoubleQuoted(text, at).end;
    else {
      if (ch === '(') depth += 1;
      if (ch === ')' && (depth -= 1) === 0) return at + 1;
      at += 1;
    }
  }
  return at;
};

/** A double-quoted string from its opening quote: its unquoted value and the index past the closing quote. */
const skipDoubleQuoted = (text: string, start: number): { value: string; end: number } => {
  let value = '';
  let at = start + 1;
  while (at < text.length && text[at] !== '"') {
    if (text[at] === '\\' && '"\\$`\n'.includes(text[at + 1] ?? '')) {
      value += text[at + 1] === '\n' ? '' : text[at + 1];
      at += 2;
    } else if ((text[at] === '$' && text[at + 1] === '(') || text[at] === '`') {
      const end = skipSubstitution(text, text[at] === '$' ? at + 1 : at);
      value += text.slice(at, end);
      at = end;
    } else value += text[at++];
  }
  return { value, end: at + 1 };
};

export const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let word: string | undefined;
  const flush = () => {
    if (word !== undefined) tokens.push({ word });
    word = undefined;
  };
  let at = 0;
  while (at < text.length) {
    const ch = text[at];
    if (ch === '\\') {
      if (text[at + 1] !== '\n') word = (word ?? '') + (text[at + 1] ?? '');
      at += 2;
    } else if (ch === "'") {
      const end = text.indexOf("'", at + 1);
      word = (word ?? '') + text.slice(at + 1, end < 0 ? text.length : end);
      at = end < 0 ? text.length : end + 1;
    } else if (ch === '"') {
      const { value, end } = skipDoubleQuoted(text, at);
      word = (word ?? '') + value;
      at = end;
    } else if ((ch === '$' && text[at + 1] === '(') || ch === '`') {
      const end = skipSubstitution(text, ch === '$' ? at + 1 : at);
      word = (word ?? '') + text.slice(at, end);
      at = end;
    } else if (ch === '#' && word === undefined) {
      while (at < text.length && text[at] !== '\n') at += 1;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      flush();
      at += 1;
    } else if (ch === '>' || ch === '<' || (ch === '&' && text[at + 1] === '>')) {
      // `2>` names a file descriptor, not a word.
      if (word !== undefined && /^\d$/.test(word)) word = undefined;
      flush();
      const match = text.slice(at).match(/^(&>>?|>>?&?\d*-?|>\||<<?<?&?\d*-?)/)!;
      tokens.push({ op: match[0] });
      at += match[0].length;
    } else {
      const op = operators.find((candidate) => text.startsWith(candidate, at));
      if (op) {
        flush();
        tokens.push({ op });
        at += op.length;
      } else {
        word = (word ?? '') + ch;
        at += 1;
      }
    }
  }
  flush();
  return tokens;
};

const keywords = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'exec', 'time', 'command', 'esac']);

/** An absolute, normalised path without a trailing slash. */
const resolve = (cwd: string, target: string) => path.posix.resolve(cwd, target);

/** Redirections followed by a file that is written. */
const writesTarget = (op: string) => /^(&?>>?|>\|)$/.test(op);

/** The simple commands of a shell script, in order, starting in folder `cwd`. */
export const commandsOf = (script: string, cwd: string): Command[] => {
  const commands: Command[] = [];
  let current = cwd;
  let pending: { words: string[]; redirects: string[] } = { words: [], redirects: [] };
  let redirect: 'write' | 'other' | undefined;
  const finish = () => {
    const { redirects } = pending;
    const words = [...pending.words];
    pending = { words: [], redirects: [] };
    const assignments: Record<string, string> = {};
    while (words.length > 0 && (keywords.has(words[0]) || /^[A-Za-z_]\w*=/.test(words[0]))) {
      const assignment = words.shift()!.match(/^([A-Za-z_]\w*)=([\s\S]*)$/);
      if (assignment) assignments[assignment[1]] = assignment[2];
    }
    if (words.length === 0) return;
    if (words[0] === 'for' || words[0] === 'case') return;
    commands.push({ words, assignments, redirects, cwd: current });
    if ((words[0] === 'cd' || words[0] === 'pushd') && words[1] && !words[1].startsWith('-')) current = resolve(current, words[1]);
    const nested = nestedScript(words);
    if (nested) commands.push(...commandsOf(nested, current));
    const exec = words.indexOf('-exec');
    if (words[0] === 'find' && exec > 0) {
      const end = words.findIndex((word, i) => i > exec && (word === ';' || word === '+'));
      const inner = words.slice(exec + 1, end < 0 ? undefined : end);
      if (inner.length > 0) commands.push({ words: inner, assignments: {}, redirects: [], cwd: current });
    }
  };
  for (const token of tokenize(script)) {
    if ('op' in token) {
      if (/[<>]/.test(token.op)) redirect = writesTarget(token.op) ? 'write' : /^<<?$|^>>?$/.test(token.op) ? 'other' : undefined;
      else finish();
      continue;
    }
    if (redirect) {
      if (redirect === 'write') pending.redirects.push(resolve(current, token.word));
      redirect = undefined;
      continue;
    }
    pending.words.push(token.word);
  }
  finish();
  return commands;
};

/** The script of `sh -c SCRIPT` / `bash -c SCRIPT`. */
const nestedScript = (words: string[]): string | undefined => {
  if (!/^(\/bin\/|\/usr\/bin\/)?(sh|bash|ash|dash)$/.test(words[0])) return undefined;
  const flag = words.findIndex((word) => /^-[a-z]*c[a-z]*$/.test(word));
  return flag > 0 ? words[flag + 1] : undefined;
};

/** The value of an option given as `--name value`, `--name=value` or `-n value`. */
export const optionValue = (words: string[], ...names: string[]): string | undefined => {
  for (const [i, word] of words.entries()) {
    for (const name of names) {
      if (word === name) return words[i + 1];
      if (name.startsWith('--') && word.startsWith(`${name}=`)) return word.slice(name.length + 1);
    }
  }
  return undefined;
};

/** Every value of a repeatable option. */
export const optionValues = (words: string[], ...names: string[]): string[] => {
  const values: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const value = optionValue([words[i], words[i + 1] ?? ''], ...names);
    if (value !== undefined) {
      values.push(value);
      if (names.includes(words[i])) i += 1;
    }
  }
  return values;
};

export const resolvePath = resolve;
