/**
 * The one layout rule of `terraform fmt` that templates cannot keep by hand: the equals signs of consecutive
 * attribute lines in a block line up. Templates write `key = value`; this pads the keys of each run of
 * single-line attributes at the same indentation, as fmt does, so the output passes `terraform fmt -check`.
 */
const attributeLine = /^(\s*)([A-Za-z_][\w.-]*|"[^"]*")\s*=\s*(.*)$/;

export const alignHclAttributes = (text: string): string => {
  const lines = text.split('\n');
  const body = heredocBodies(lines);
  let index = 0;
  while (index < lines.length) {
    const first = body.has(index) ? null : lines[index].match(attributeLine);
    // A value that opens lines of its own (`{`, `[`, `(` at the end) is aligned with nothing, as in fmt.
    if (!first || opensLines(lines[index])) {
      index += 1;
      continue;
    }
    // A run: single-line attributes at the same indentation, one directly after the other.
    const run: number[] = [index];
    let next = index;
    while (next + 1 < lines.length) {
      const candidate = body.has(next + 1) ? null : lines[next + 1].match(attributeLine);
      if (!candidate || candidate[1] !== first[1] || opensLines(lines[next + 1])) break;
      next += 1;
      run.push(next);
    }
    const width = Math.max(...run.map((line) => lines[line].match(attributeLine)![2].length));
    for (const line of run) {
      const [, indent, key, value] = lines[line].match(attributeLine)!;
      lines[line] = `${indent}${key.padEnd(width)} = ${value}`;
    }
    index = next + 1;
  }
  return lines.join('\n');
};

const opensLines = (line: string): boolean => /[{[(]\s*$/.test(line) && !/^\s*#/.test(line);

/** The lines inside heredocs (`<<-EOT` to `EOT`): text, not attributes, whatever they hold (PromQL has `=` too). */
const heredocBodies = (lines: string[]): Set<number> => {
  const inside = new Set<number>();
  for (let index = 0; index < lines.length; index += 1) {
    const opener = /<<-?([A-Za-z_]\w*)\s*$/.exec(lines[index]);
    if (!opener) continue;
    for (index += 1; index < lines.length && lines[index].trim() !== opener[1]; index += 1) inside.add(index);
  }
  return inside;
};
