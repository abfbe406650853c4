/**
 * The one layout rule of `terraform fmt` that templates cannot keep by hand: the equals signs of consecutive
 * attribute lines in a block line up. Templates write `key = value`; this pads the keys of each run of
 * single-line attributes at the same indentation, as fmt does, so the output passes `terraform fmt -check`.
 */
const attributeLine = /^(\s*)([A-Za-z_][\w.-]*|"[^"]*")\s*=\s*(.*)$/;

export const alignHclAttributes = (text: string): string => {
  const lines = text.split('\n');
  let index = 0;
  while (index < lines.length) {
    const first = lines[index].match(attributeLine);
    // A value that opens lines of its own (`{`, `[`, `(` at the end) is aligned with nothing, as in fmt.
    if (!first || opensLines(lines[index])) {
      index += 1;
      continue;
    }
    // A run: single-line attributes at the same indentation, one directly after the other.
    const run: number[] = [index];
    let next = index;
    while (next + 1 < lines.length) {
      const candidate = lines[next + 1].match(attributeLine);
      if (!candidate || candidate[1] !== first[1] || opensLines(lines[next + 1])) break;
      next += 1;
      run.push(next);
    }
    // A heredoc ends the run at its opening line; its body is text (PromQL, KQL), never attributes.
    const heredoc = run.findIndex((line) => heredocMarker(lines[line]) !== undefined);
    if (heredoc >= 0) run.splice(heredoc + 1);
    const width = Math.max(...run.map((line) => lines[line].match(attributeLine)![2].length));
    for (const line of run) {
      const [, indent, key, value] = lines[line].match(attributeLine)!;
      lines[line] = `${indent}${key.padEnd(width)} = ${value}`;
    }
    index = run[run.length - 1] + 1;
    const marker = heredocMarker(lines[run[run.length - 1]]);
    if (marker !== undefined) {
      while (index < lines.length && lines[index].trim() !== marker) index += 1;
      index += 1;
    }
  }
  return lines.join('\n');
};

const opensLines = (line: string): boolean => /[{[(]\s*$/.test(line) && !/^\s*#/.test(line);

/** The closing marker of a heredoc that this line opens (`<<-EOT`), if it opens one. */
const heredocMarker = (line: string): string | undefined => /<<-?([A-Za-z_]\w*)\s*$/.exec(line)?.[1];
