/**
 * The one layout rule of `terraform fmt` that templates cannot keep by hand: the equals signs of consecutive
 * attribute lines in a block line up. Templates write `key = value`; this pads the keys of each run of
 * single-line attributes at the same indentation, as fmt does, so the output passes `terraform fmt -check`.
 */
const attributeLine = /^(\s*)([A-Za-z_][\w.-]*|"[^"]*")\s*=\s*(.*)$/;

/** The line's indent, key and value when it is a single-line attribute (a cheap test first: most lines are not). */
const attributeOf = (line: string): RegExpMatchArray | null => (line.includes('=') && !opensLines(line) ? line.match(attributeLine) : null);

export const alignHclAttributes = (text: string): string => {
  const lines = text.split('\n');
  const body = heredocBodies(lines);
  // Each line parsed once; a value that opens lines of its own (`{`, `[`, `(` at the end) is aligned with nothing, as in fmt.
  const attributes = lines.map((line, index) => (body.has(index) ? null : attributeOf(line)));
  let index = 0;
  while (index < lines.length) {
    const first = attributes[index];
    if (!first) {
      index += 1;
      continue;
    }
    // A run: single-line attributes at the same indentation, one directly after the other.
    let next = index;
    while (next + 1 < lines.length && attributes[next + 1]?.[1] === first[1]) next += 1;
    let width = 0;
    for (let line = index; line <= next; line += 1) width = Math.max(width, attributes[line]![2].length);
    for (let line = index; line <= next; line += 1) {
      const [, indent, key, value] = attributes[line]!;
      lines[line] = `${indent}${key.padEnd(width)} = ${value}`;
    }
    index = next + 1;
  }
  return lines.join('\n');
};

/** Whether the line ends by opening a block, list or call (a comment line never does). */
const opensLines = (line: string): boolean => {
  const trimmed = line.trimEnd();
  const last = trimmed[trimmed.length - 1];
  return (last === '{' || last === '[' || last === '(') && !/^\s*#/.test(line);
};

/** The lines inside heredocs (`<<-EOT` to `EOT`): text, not attributes, whatever they hold (PromQL has `=` too). */
const heredocBodies = (lines: string[]): Set<number> => {
  const inside = new Set<number>();
  for (let index = 0; index < lines.length; index += 1) {
    const opener = lines[index].includes('<<') ? /<<-?([A-Za-z_]\w*)\s*$/.exec(lines[index]) : null;
    if (!opener) continue;
    for (index += 1; index < lines.length && lines[index].trim() !== opener[1]; index += 1) inside.add(index);
  }
  return inside;
};
