/**
 * Markdown tables laid out the way prettier lays them out (every cell padded to its column's width, the
 * delimiter row as wide as the column), so a repository that runs `prettier --check` accepts generated
 * documents as they are. Templates keep writing plain `| a | b |` rows; rendering aligns them.
 */
import { displayWidth } from './width.js';

type Align = 'none' | 'left' | 'right' | 'center';

/** The cells of a table row, split at pipes that are not escaped; undefined when it is not a row. */
const cellsOf = (line: string): string[] | undefined => {
  if (!line.startsWith('|') || !line.trimEnd().endsWith('|')) return undefined;
  const cells: string[] = [];
  let current = '';
  const body = line.trimEnd().slice(1, -1);
  for (let index = 0; index < body.length; index++) {
    const character = body[index];
    if (character === '\\' && index + 1 < body.length) {
      current += character + body[++index];
    } else if (character === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += character;
    }
  }
  cells.push(current.trim());
  return cells;
};

const alignOf = (cell: string): Align | undefined => {
  const match = /^(:?)-+(:?)$/.exec(cell);
  if (!match) return undefined;
  if (match[1] && match[2]) return 'center';
  return match[1] ? 'left' : match[2] ? 'right' : 'none';
};

const delimiter = (align: Align, width: number): string => {
  switch (align) {
    case 'left':
      return `:${'-'.repeat(width - 1)}`;
    case 'right':
      return `${'-'.repeat(width - 1)}:`;
    case 'center':
      return `:${'-'.repeat(width - 2)}:`;
    default:
      return '-'.repeat(width);
  }
};

const pad = (text: string, align: Align, width: number): string => {
  const space = width - displayWidth(text);
  if (align === 'right') return ' '.repeat(space) + text;
  if (align === 'center') {
    const before = Math.floor(space / 2);
    return ' '.repeat(before) + text + ' '.repeat(space - before);
  }
  return text + ' '.repeat(space);
};

/** One table (header, delimiter, body rows) in prettier's layout, or undefined if it is not a table. */
const alignTable = (rows: string[][]): string[] | undefined => {
  const aligns = rows[1].map(alignOf);
  if (aligns.some((align) => align === undefined) || rows.some((row) => row.length !== aligns.length)) return undefined;
  const widths = aligns.map((_, column) =>
    Math.max(3, ...rows.filter((_, index) => index !== 1).map((row) => displayWidth(row[column]))),
  );
  return rows.map((row, index) =>
    `| ${row.map((cell, column) => (index === 1 ? delimiter(aligns[column]!, widths[column]) : pad(cell, aligns[column]!, widths[column]))).join(' | ')} |`,
  );
};

/** Aligns every table of a Markdown document; fenced code blocks are left as they are. */
export const alignTables = (markdown: string): string => {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length) fence = undefined;
      out.push(line);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      out.push(line);
      continue;
    }
    const header = cellsOf(line);
    const separator = index + 1 < lines.length ? cellsOf(lines[index + 1]) : undefined;
    if (!header || !separator) {
      out.push(line);
      continue;
    }
    const rows = [header, separator];
    let end = index + 2;
    for (let row = end < lines.length ? cellsOf(lines[end]) : undefined; row; row = end < lines.length ? cellsOf(lines[end]) : undefined) {
      rows.push(row);
      end++;
    }
    const aligned = alignTable(rows);
    if (!aligned) {
      out.push(line);
      continue;
    }
    out.push(...aligned);
    index = end - 1;
  }
  return out.join('\n');
};

/**
 * Plain text (a Terraform description, a comment) as Markdown text that renders as written: outside code spans,
 * `<` would open HTML, `_` and `*` emphasis, and `|` would end a table cell.
 */
export const markdownText = (text: string): string =>
  text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/[<_*|]/g, (character) => `\\${character}`)))
    .join('');
