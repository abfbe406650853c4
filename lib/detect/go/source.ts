/**
 * Just enough Go lexing for detection: comments blanked out (offsets and lines kept), string literals read,
 * blocks matched, call arguments split, the enclosing function found. No type checking: the readers built on
 * this follow names within a file and across call sites, which is what route prefixes and settings need.
 */
import { blankComments, closingBracket, skipQuoted } from '../c-like.js';

export { blankComments, closingBracket };

/** The value of a Go string literal ("interpreted" or `raw`), or undefined when `literal` is not one. */
export const stringValue = (literal: string): string | undefined => {
  const trimmed = literal.trim();
  if (/^`[^`]*`$/.test(trimmed)) return trimmed.slice(1, -1);
  if (!/^"(?:[^"\\\n]|\\.)*"$/.test(trimmed)) return undefined;
  try {
    return JSON.parse(trimmed) as string;
  } catch {
    return trimmed.slice(1, -1);
  }
};

/** A literal default as text: strings unquoted, numbers and booleans as written. */
export const literalValue = (expression: string): string | undefined => {
  const trimmed = expression.trim();
  const text = stringValue(trimmed);
  if (text !== undefined) return text;
  if (/^-?\d+(\.\d+)?$|^(true|false)$/.test(trimmed)) return trimmed;
  return undefined;
};

/** The arguments of the call whose `(` is at `open`, split at top-level commas, with their offsets. */
export const callArguments = (code: string, open: number): { text: string; offset: number }[] => {
  const close = closingBracket(code, open);
  if (close === -1) return [];
  const args: { text: string; offset: number }[] = [];
  let start = open + 1;
  let depth = 0;
  for (let index = open + 1; index < close; index += 1) {
    const char = code[index];
    if (char === '"' || char === "'") index = skipQuoted(code, index) - 1;
    else if (char === '`') index = code.indexOf('`', index + 1);
    else if (char === '{' || char === '(' || char === '[') depth += 1;
    else if (char === '}' || char === ')' || char === ']') depth -= 1;
    else if (char === ',' && depth === 0) {
      args.push({ text: code.slice(start, index), offset: start });
      start = index + 1;
    }
  }
  const last = code.slice(start, close);
  if (last.trim() !== '') args.push({ text: last, offset: start });
  return args.map((arg) => {
    const lead = arg.text.length - arg.text.trimStart().length;
    return { text: arg.text.trim(), offset: arg.offset + lead };
  });
};

export interface GoFunction {
  name: string;
  /** Offset of `func`. */
  start: number;
  /** Offset of the body's closing brace. */
  end: number;
  /** Parameter names in order. */
  params: string[];
  /** The receiver's name for a method. */
  receiver?: string;
}

const parameterNames = (list: string): string[] => {
  const names: string[] = [];
  for (const part of list.split(',')) {
    const words = part.trim().split(/\s+/);
    if (words[0] && /^[A-Za-z_]\w*$/.test(words[0])) names.push(words[0]);
  }
  return names;
};

/** Top-level functions and methods of a file (comments already blanked). */
export const functionsOf = (code: string): GoFunction[] => {
  const functions: GoFunction[] = [];
  const header = /^func\s*(?:\(\s*(\w+)?[^)]*\)\s*)?(\w+)\s*(?:\[[^\]]*\])?\s*\(/gm;
  for (const match of code.matchAll(header)) {
    const paramsOpen = match.index! + match[0].length - 1;
    const paramsClose = closingBracket(code, paramsOpen);
    if (paramsClose === -1) continue;
    const bodyOpen = code.indexOf('{', paramsClose);
    const end = bodyOpen === -1 ? -1 : closingBracket(code, bodyOpen);
    if (end === -1) continue;
    functions.push({
      name: match[2],
      start: match.index!,
      end,
      params: parameterNames(code.slice(paramsOpen + 1, paramsClose)),
      ...(match[1] ? { receiver: match[1] } : {}),
    });
  }
  return functions;
};

/** The top-level function holding `offset`. */
export const enclosingFunction = (functions: readonly GoFunction[], offset: number): GoFunction | undefined =>
  functions.find((fn) => fn.start <= offset && offset <= fn.end);

/** `const name = "value"` (alone or in a const block) in a file: the string constants it declares. */
export const stringConstants = (code: string): Map<string, string> => {
  const constants = new Map<string, string>();
  for (const match of code.matchAll(/\b(\w+)\s*(?:string\s*)?=\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`)/g)) {
    const before = code.slice(Math.max(0, match.index! - 200), match.index!);
    // Only constants: `const x = "..."` or a name inside a `const (` block.
    if (!/\bconst\s*$/.test(before) && !/\bconst\s*\([^)]*$/.test(before)) continue;
    const value = stringValue(match[2]);
    if (value !== undefined && !constants.has(match[1])) constants.set(match[1], value);
  }
  return constants;
};
