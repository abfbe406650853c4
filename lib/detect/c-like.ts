/**
 * Comments and brackets of C-like sources (Go, Java, Kotlin, Groovy build scripts): comments blanked with
 * offsets and lines kept, and bracket matching that skips string literals.
 */

/** The text with every comment replaced by spaces (newlines kept), so offsets and lines stay valid. */
export const blankComments = (text: string): string => {
  const parts: string[] = [];
  const next = /["'`]|\/\/|\/\*/g;
  let copied = 0;
  let match: RegExpExecArray | null;
  while ((match = next.exec(text))) {
    const at = match.index;
    let end: number;
    if (match[0] === '//' || match[0] === '/*') {
      const close = match[0] === '//' ? text.indexOf('\n', at) : text.indexOf('*/', at + 2);
      end = close === -1 ? text.length : match[0] === '//' ? close : close + 2;
      parts.push(text.slice(copied, at), text.slice(at, end).replace(/[^\n]/g, ' '));
      copied = end;
    } else if (match[0] === '`') {
      const close = text.indexOf('`', at + 1);
      end = close === -1 ? text.length : close + 1;
    } else {
      end = skipQuoted(text, at);
    }
    next.lastIndex = end;
  }
  parts.push(text.slice(copied));
  return parts.join('');
};

/** Index just past a "..." or '...' literal starting at `start`. */
export const skipQuoted = (text: string, start: number): number => {
  const quote = text[start];
  let index = start + 1;
  while (index < text.length && text[index] !== quote && text[index] !== '\n') index += text[index] === '\\' ? 2 : 1;
  return index + 1;
};

/** Index of the bracket closing the one at `open` (`{`, `(` or `[`), skipping strings; -1 when unbalanced. */
export const closingBracket = (code: string, open: number): number => {
  let depth = 0;
  for (let index = open; index < code.length; index += 1) {
    const char = code[index];
    if (char === '"' || char === "'") {
      index = skipQuoted(code, index) - 1;
    } else if (char === '`') {
      const end = code.indexOf('`', index + 1);
      if (end === -1) return -1;
      index = end;
    } else if (char === '{' || char === '(' || char === '[') {
      depth += 1;
    } else if (char === '}' || char === ')' || char === ']') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
};
