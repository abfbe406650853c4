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

/** The keys JSON.stringify keeps: it drops undefined and function properties (and writes them as null in arrays). */
const keysOf = (value: { [key: string]: Json }): string[] => Object.keys(value).filter((key) => value[key] !== undefined && typeof value[key] !== 'function');

const scalar = (value: Json): string => JSON.stringify(value) ?? 'null';

/** Prettier always breaks an array of two or more objects (or arrays) of the same kind with two or more entries each. */
const breaksAlways = (items: Json[]): boolean =>
  items.length > 1 &&
  items.every(
    (item) =>
      (Array.isArray(item) && item.length > 1 && Array.isArray(items[0])) ||
      (isObject(item) && keysOf(item).length > 1 && isObject(items[0])),
  );

/**
 * The one-line forms already measured (an array's is asked again at each level of a nested layout), and which
 * objects hold no array.
 */
interface Caches {
  flat: WeakMap<object, string | undefined>;
  arrayFree: WeakMap<object, boolean>;
}

/** The one-line form of `value`, or undefined when prettier would never print it on one line. */
const flat = (value: Json, cache: Caches): string | undefined => {
  if (isObject(value)) return keysOf(value).length === 0 ? '{}' : undefined;
  if (!Array.isArray(value)) return scalar(value);
  if (cache.flat.has(value)) return cache.flat.get(value);
  let form: string | undefined;
  if (!breaksAlways(value)) {
    const items = value.map((item) => flat(item, cache));
    form = items.every((item) => item !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  cache.flat.set(value, form);
  return form;
};

/**
 * Whether `value` holds no non-empty array at any depth: then prettier's layout is JSON.stringify's with two-space
 * indents (objects expanded, `{}` and `[]` kept short), which the native printer writes far faster.
 */
const arrayFree = (value: { [key: string]: Json }, cache: WeakMap<object, boolean>): boolean => {
  let free = cache.get(value);
  if (free === undefined) {
    free = Object.values(value).every((item) => (Array.isArray(item) ? item.length === 0 : !isObject(item) || arrayFree(item, cache)));
    cache.set(value, free);
  }
  return free;
};

/**
 * Appends `value` printed at `indent` to `out`, starting `column` columns into its line and followed on that
 * line by `trailing` more characters (the comma after it). Indents are spaces: their width is their length.
 */
const print = (value: Json, indent: string, column: number, trailing: number, cache: Caches, out: string[]): void => {
  if (!Array.isArray(value) && !isObject(value)) {
    out.push(scalar(value));
    return;
  }
  const inner = `${indent}  `;
  if (isObject(value)) {
    if (arrayFree(value, cache.arrayFree)) {
      out.push(JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`));
      return;
    }
    const keys = keysOf(value);
    if (keys.length === 0) {
      out.push('{}');
      return;
    }
    out.push('{');
    keys.forEach((key, index) => {
      const prefix = `${JSON.stringify(key)}: `;
      const last = index === keys.length - 1;
      out.push(`\n${inner}${prefix}`);
      // The column matters to arrays alone (whether they fit on the line): measured only for them.
      const item = value[key];
      print(item, inner, Array.isArray(item) ? inner.length + displayWidth(prefix) : 0, last ? 0 : 1, cache, out);
      if (!last) out.push(',');
    });
    out.push(`\n${indent}}`);
    return;
  }
  if (value.length === 0) {
    out.push('[]');
    return;
  }
  const oneLine = flat(value, cache);
  if (oneLine !== undefined && column + displayWidth(oneLine) + trailing <= printWidth) {
    out.push(oneLine);
    return;
  }
  if (value.length > 1 && value.every((item) => typeof item === 'number')) {
    // Prettier fills arrays of numbers: as many as fit on each line.
    const lines: string[] = [];
    let line = '';
    value.forEach((item, index) => {
      const text = `${scalar(item)}${index < value.length - 1 ? ',' : ''}`;
      if (line !== '' && inner.length + line.length + 1 + text.length > printWidth) {
        lines.push(line);
        line = text;
      } else {
        line = line === '' ? text : `${line} ${text}`;
      }
    });
    lines.push(line);
    out.push(`[\n${lines.map((text) => inner + text).join('\n')}\n${indent}]`);
    return;
  }
  out.push('[');
  value.forEach((item, index) => {
    const last = index === value.length - 1;
    out.push(`\n${inner}`);
    print(item, inner, inner.length, last ? 0 : 1, cache, out);
    if (!last) out.push(',');
  });
  out.push(`\n${indent}]`);
};

/** `value` serialized as prettier would format it, with a final newline (undefined properties are dropped, as JSON.stringify does). */
export const stableJson = (value: unknown): string => {
  const out: string[] = [];
  print(value as Json, '', 0, 0, { flat: new WeakMap(), arrayFree: new WeakMap() }, out);
  return `${out.join('')}\n`;
};
