/** Evidence for detected values: the file and line a value was read from. */
import type { Evidence } from './types.js';

/** 1-based line of a character offset. */
export const lineAt = (text: string, offset: number): number => {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
};

export const evidence = (file: string, note: string, text?: string, offset?: number): Evidence =>
  text !== undefined && offset !== undefined && offset >= 0 ? { file, line: lineAt(text, offset), note } : { file, note };

/** A value together with where it was read. */
export interface Found<T> {
  value: T;
  evidence: Evidence;
}

export const found = <T>(value: T, where: Evidence): Found<T> => ({ value, evidence: where });

/** The first match of `pattern` over `files` (in order), with the evidence of where it matched. */
export const firstMatch = (
  files: readonly string[],
  read: (file: string) => string | undefined,
  pattern: RegExp,
  note: (match: RegExpMatchArray) => string,
): { match: RegExpMatchArray; evidence: Evidence } | undefined => {
  for (const file of files) {
    const text = read(file);
    if (text === undefined) continue;
    const match = pattern.exec(text);
    pattern.lastIndex = 0;
    if (match) return { match, evidence: evidence(file, note(match), text, match.index) };
  }
  return undefined;
};
