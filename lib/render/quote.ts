/** Safe quoting for values that templates put into other languages. Templates reach these as `it.quote`. */

/**
 * A quoted YAML scalar, in the quotes prettier would choose: double quotes (JSON strings are valid YAML),
 * or single quotes when the text holds a double quote and nothing that needs an escape.
 */
export const yaml = (value: string | number | boolean): string => {
  const double = JSON.stringify(String(value));
  if (/\\[^"]/.test(double.slice(1, -1)) || !double.includes('\\"')) return double;
  return `'${String(value).replace(/'/g, "''")}'`;
};

/**
 * A YAML scalar left plain where that reads as the same string (names, labels, hosts), quoted otherwise:
 * words YAML 1.1 readers take for booleans or null, and anything that looks like a number, stay quoted.
 */
export const yamlPlain = (value: string): string =>
  /^[A-Za-z][-A-Za-z0-9_./]*$/.test(value) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(value) ? value : yaml(value);

/** A POSIX shell word in single quotes. */
export const shell = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** Text placed inside a POSIX shell double-quoted string: `"`, `\`, `$` and backquotes escaped. */
export const shellDoubleQuoted = (value: string): string => value.replace(/["\\$`]/g, '\\$&');

/** A POSIX shell word, quoted only when it needs to be (`pnpm@9.15.0` stays as it is). */
export const shellWord = (value: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : shell(value));

/** An HCL string literal; `${` and `%{` would start interpolation. */
export const hcl = (value: string): string =>
  JSON.stringify(value)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');

/** A Groovy single-quoted string. */
export const groovy = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Text inside a Markdown table cell. */
export const markdownCell = (value: string): string => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Inline code in Markdown, with a fence longer than any backtick run inside. */
export const markdownCode = (value: string): string => {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${value} ${fence}` : `${fence}${value}${fence}`;
};
