/**
 * JSON as prettier prints it with its default options, so the JSON files phase4 writes (`.yo-rc.json`,
 * `.phase4/manifest.json`) pass a repository's `prettier --check` without loading prettier:
 * non-empty objects one key per line (prettier keeps an object expanded when it starts on its own line),
 * arrays on one line when they fit in 80 columns and one item per line otherwise, arrays of numbers
 * filled line by line.
 */
import { displayWidth } from './width.js';

const printWidth = 80;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: Json): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Prettier always breaks an array of two or more objects (or arrays) of the same kind with two or more entries each. */
const breaksAlways = (items: Json[]): boolean =>
  items.length > 1 &&
  items.every(
    (item) =>
      (Array.isArray(item) && item.length > 1 && Array.isArray(items[0])) ||
      (isObject(item) && Object.keys(item).length > 1 && isObject(items[0])),
  );

/** The one-line form of `value`, or undefined when prettier would never print it on one line. */
const flat = (value: Json): string | undefined => {
  if (isObject(value)) return Object.keys(value).length === 0 ? '{}' : undefined;
  if (!Array.isArray(value)) return JSON.stringify(value);
  if (breaksAlways(value)) return undefined;
  const items = value.map(flat);
  return items.every((item) => item !== undefined) ? `[${items.join(', ')}]` : undefined;
};

/**
 * `value` printed at `indent`, starting `column` columns into its line and followed on that line by
 * `trailing` more characters (the comma after it).
 */
const print = (value: Json, indent: string, column: number, trailing: number): string => {
  if (!Array.isArray(value) && !isObject(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    const lines = keys.map((key, index) => {
      const prefix = `${JSON.stringify(key)}: `;
      const last = index === keys.length - 1;
      return `${inner}${prefix}${print(value[key], inner, displayWidth(inner + prefix), last ? 0 : 1)}${last ? '' : ','}`;
    });
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  if (value.length === 0) return '[]';
  const oneLine = flat(value);
  if (oneLine !== undefined && column + displayWidth(oneLine) + trailing <= printWidth) return oneLine;
  if (value.length > 1 && value.every((item) => typeof item === 'number')) {
    // Prettier fills arrays of numbers: as many as fit on each line.
    const lines: string[] = [];
    let line = '';
    value.forEach((item, index) => {
      const text = `${JSON.stringify(item)}${index < value.length - 1 ? ',' : ''}`;
      if (line !== '' && displayWidth(inner + line) + 1 + displayWidth(text) > printWidth) {
        lines.push(line);
        line = text;
      } else {
        line = line === '' ? text : `${line} ${text}`;
      }
    });
    lines.push(line);
    return `[\n${lines.map((text) => inner + text).join('\n')}\n${indent}]`;
  }
  const lines = value.map((item, index) => {
    const last = index === value.length - 1;
    return `${inner}${print(item, inner, displayWidth(inner), last ? 0 : 1)}${last ? '' : ','}`;
  });
  return `[\n${lines.join('\n')}\n${indent}]`;
};

/** `value` serialized as prettier would format it, with a final newline (undefined properties are dropped, as JSON.stringify does). */
export const stableJson = (value: unknown): string => `${print(JSON.parse(JSON.stringify(value)) as Json, '', 0, 0)}\n`;
