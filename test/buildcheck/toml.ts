/**
 * A small TOML reader for the project files the checks read (pyproject.toml, uv.toml, mise.toml, uv.lock,
 * poetry.lock): tables, arrays of tables, dotted and quoted keys, strings (basic, literal, multi-line),
 * numbers, booleans, arrays and inline tables. Dates and times are kept as text. Malformed input gives {}.
 */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

class Reader {
  at = 0;
  constructor(readonly text: string) {}

  fail(): never {
    throw new Error(`bad TOML at ${this.at}`);
  }

  /** Skips spaces, and with `lines` also newlines and comments. */
  skip(lines: boolean) {
    for (;;) {
      const ch = this.text[this.at];
      if (ch === ' ' || ch === '\t' || (lines && (ch === '\n' || ch === '\r'))) this.at += 1;
      else if (ch === '#' && lines) while (this.at < this.text.length && this.text[this.at] !== '\n') this.at += 1;
      else return;
    }
  }

  string(): string {
    const { text } = this;
    const quote = text[this.at];
    const triple = text.startsWith(quote.repeat(3), this.at);
    this.at += triple ? 3 : 1;
    if (triple && text[this.at] === '\n') this.at += 1;
    let out = '';
    for (;;) {
      if (this.at >= text.length) this.fail();
      if (triple ? text.startsWith(quote.repeat(3), this.at) : text[this.at] === quote) {
        this.at += triple ? 3 : 1;
        return out;
      }
      const ch = text[this.at++];
      if (ch === '\\' && quote === '"') {
        const next = text[this.at++];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' };
        if (next in simple) out += simple[next];
        else if (next === 'u' || next === 'U') {
          const length = next === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(text.slice(this.at, this.at + length), 16));
          this.at += length;
        } else if (triple && /\s/.test(next)) {
          while (/\s/.test(text[this.at] ?? '')) this.at += 1;
        } else this.fail();
      } else out += ch;
    }
  }

  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skip(false);
      const ch = this.text[this.at];
      if (ch === '"' || ch === "'") parts.push(this.string());
      else {
        const match = this.text.slice(this.at).match(/^[A-Za-z0-9_-]+/);
        if (!match) this.fail();
        parts.push(match[0]);
        this.at += match[0].length;
      }
      this.skip(false);
      if (this.text[this.at] !== '.') return parts;
      this.at += 1;
    }
  }

  value(): TomlValue {
    const { text } = this;
    const ch = text[this.at];
    if (ch === '"' || ch === "'") return this.string();
    if (ch === '[') {
      this.at += 1;
      const list: TomlValue[] = [];
      for (;;) {
        this.skip(true);
        if (text[this.at] === ']') {
          this.at += 1;
          return list;
        }
        list.push(this.value());
        this.skip(true);
        if (text[this.at] === ',') this.at += 1;
      }
    }
    if (ch === '{') {
      this.at += 1;
      const table: TomlTable = {};
      for (;;) {
        this.skip(false);
        if (text[this.at] === '}') {
          this.at += 1;
          return table;
        }
        this.pair(table);
        this.skip(false);
        if (text[this.at] === ',') this.at += 1;
      }
    }
    const match = text.slice(this.at).match(/^[^\s,\]}#]+(?: \d\d:[^\s,\]}#]+)?/);
    if (!match) this.fail();
    this.at += match[0].length;
    const word = match[0];
    if (word === 'true' || word === 'false') return word === 'true';
    const number = Number(word.replace(/_/g, ''));
    return /^[+-]?(\d|0x|0o|0b|inf|nan)/.test(word) && !Number.isNaN(number) && !/^\d{4}-/.test(word) ? number : word;
  }

  pair(table: TomlTable) {
    const key = this.key();
    if (this.text[this.at] !== '=') this.fail();
    this.at += 1;
    this.skip(false);
    const target = descend(table, key.slice(0, -1));
    target[key[key.length - 1]] = this.value();
  }
}

const descend = (table: TomlTable, keys: string[]): TomlTable => {
  let current = table;
  for (const key of keys) {
    let next = current[key];
    if (Array.isArray(next)) next = next[next.length - 1];
    if (typeof next !== 'object' || next === null) {
      next = {};
      current[key] = next;
    }
    current = next as TomlTable;
  }
  return current;
};

export const parseToml = (text: string): TomlTable => {
  const root: TomlTable = {};
  const reader = new Reader(text);
  let table = root;
  try {
    for (;;) {
      reader.skip(true);
      if (reader.at >= text.length) return root;
      if (text[reader.at] === '[') {
        const array = text[reader.at + 1] === '[';
        reader.at += array ? 2 : 1;
        const key = reader.key();
        reader.at += array ? 2 : 1;
        if (array) {
          const parent = descend(root, key.slice(0, -1));
          const name = key[key.length - 1];
          const list = (Array.isArray(parent[name]) ? parent[name] : (parent[name] = [])) as TomlValue[];
          table = {};
          list.push(table);
        } else table = descend(root, key);
      } else reader.pair(table);
    }
  } catch {
    return {};
  }
};

/** The value at a dotted path of tables, e.g. get(doc, 'tool', 'poetry', 'dependencies', 'python'). */
export const tomlGet = (table: TomlTable, ...keys: string[]): TomlValue | undefined => {
  let current: TomlValue | undefined = table;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
};
