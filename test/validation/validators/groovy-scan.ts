/**
 * A small scanner for Jenkinsfiles (Groovy): enough to see the declarative pipeline's blocks and its `sh`
 * steps without being fooled by braces, quotes or keywords inside strings, `'''`/`"""` blocks, GString
 * interpolation (`"${...}"`, whose braces and nested strings are part of the string) and comments.
 * Not supported: slashy strings (`/re/`, `$/.../$`), which declarative pipelines rarely use.
 */

export type Token =
  | { kind: 'ident'; text: string; line: number }
  | { kind: 'punct'; text: string; line: number }
  | { kind: 'newline'; text: '\n'; line: number }
  | {
      kind: 'string';
      /** The string's text with its escapes decoded and every Groovy interpolation replaced by `placeholder`. */
      text: string;
      line: number;
      quote: "'" | '"' | "'''" | '"""';
      /** How many Groovy interpolations (`${...}`, `$name`) it held: only `"` and `"""` strings have them. */
      interpolations: number;
    };

export interface Scan {
  tokens: Token[];
  /** Unterminated strings, comments and interpolations: a scan with errors cannot be trusted. */
  errors: string[];
}

/** What a Groovy interpolation is replaced with in a string's text: a plain word, valid in shell too. */
export const placeholder = 'GROOVY_VALUE';

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', s: ' ', '\\': '\\', "'": "'", '"': '"', $: '$', '\n': '' };

export const scanGroovy = (source: string): Scan => {
  const tokens: Token[] = [];
  const errors: string[] = [];
  let pos = 0;
  let line = 1;

  const advance = (count = 1) => {
    for (let index = 0; index < count; index++) {
      if (source[pos] === '\n') line++;
      pos++;
    }
  };

  /** Skips a `${ ... }` interpolation (pos after `${`), strings and nested braces included. */
  const skipInterpolation = (startLine: number): boolean => {
    let depth = 1;
    while (pos < source.length) {
      const char = source[pos];
      if (char === '{') depth++;
      else if (char === '}') {
        depth--;
        if (depth === 0) {
          advance();
          return true;
        }
      } else if (char === "'" || char === '"') {
        if (!readString()) return false;
        continue;
      }
      advance();
    }
    errors.push(`line ${startLine}: unterminated \${...} interpolation`);
    return false;
  };

  /** Reads a string literal at pos; returns its token (also pushed when at top level by the caller). */
  const readString = (): Extract<Token, { kind: 'string' }> | undefined => {
    const startLine = line;
    const quote = (source.startsWith("'''", pos) ? "'''" : source.startsWith('"""', pos) ? '"""' : source[pos]) as "'" | '"' | "'''" | '"""';
    const interpolating = quote.startsWith('"');
    advance(quote.length);
    let text = '';
    let interpolations = 0;
    while (pos < source.length) {
      if (source.startsWith(quote, pos)) {
        advance(quote.length);
        return { kind: 'string', text, line: startLine, quote, interpolations };
      }
      const char = source[pos];
      if (quote.length === 1 && char === '\n') break;
      if (char === '\\') {
        const next = source[pos + 1];
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(pos + 2, pos + 6))) {
          text += String.fromCharCode(parseInt(source.slice(pos + 2, pos + 6), 16));
          advance(6);
        } else if (next !== undefined && next in escapes) {
          text += escapes[next];
          advance(2);
        } else {
          text += next ?? '';
          advance(2);
        }
        continue;
      }
      if (interpolating && char === '$' && source[pos + 1] === '{') {
        advance(2);
        if (!skipInterpolation(line)) return undefined;
        text += placeholder;
        interpolations++;
        continue;
      }
      if (interpolating && char === '$' && /[A-Za-z_]/.test(source[pos + 1] ?? '')) {
        advance();
        while (/[\w]/.test(source[pos] ?? '') || (source[pos] === '.' && /[A-Za-z_]/.test(source[pos + 1] ?? ''))) advance();
        text += placeholder;
        interpolations++;
        continue;
      }
      text += char;
      advance();
    }
    errors.push(`line ${startLine}: unterminated ${quote} string`);
    return undefined;
  };

  while (pos < source.length) {
    const char = source[pos];
    if (char === '\n') {
      tokens.push({ kind: 'newline', text: '\n', line });
      advance();
    } else if (/\s/.test(char)) {
      advance();
    } else if (source.startsWith('//', pos) || (pos === 0 && source.startsWith('#!'))) {
      while (pos < source.length && source[pos] !== '\n') advance();
    } else if (source.startsWith('/*', pos)) {
      const startLine = line;
      const end = source.indexOf('*/', pos + 2);
      if (end < 0) {
        errors.push(`line ${startLine}: unterminated /* comment`);
        break;
      }
      advance(end + 2 - pos);
    } else if (char === "'" || char === '"') {
      const token = readString();
      if (!token) break;
      tokens.push(token);
    } else if (/[A-Za-z_$]/.test(char)) {
      const start = pos;
      while (pos < source.length && /[\w$]/.test(source[pos])) advance();
      tokens.push({ kind: 'ident', text: source.slice(start, pos), line });
    } else if (char === '\\' && source[pos + 1] === '\n') {
      advance(2); // line continuation
    } else {
      tokens.push({ kind: 'punct', text: char, line });
      advance();
    }
  }
  return { tokens, errors };
};

/** A statement of a block: its tokens up to a newline or `;` (outside parentheses), or up to the `{` of its block. */
export interface Statement {
  tokens: Token[];
  line: number;
  /** The `{ ... }` block that follows the statement's head (`stage('x') {`), if any. */
  block?: Statement[];
}

export interface Tree {
  statements: Statement[];
  errors: string[];
}

/** Groups the tokens into statements and nested blocks, following `{`/`}` (strings are single tokens). */
export const groovyTree = (source: string): Tree => {
  const { tokens, errors } = scanGroovy(source);
  const root: Statement[] = [];
  const stack: { statements: Statement[]; line: number }[] = [{ statements: root, line: 0 }];
  let current: Token[] = [];
  let parens = 0;
  const flush = () => {
    if (current.length > 0) stack[stack.length - 1].statements.push({ tokens: current, line: current[0].line });
    current = [];
  };
  for (const token of tokens) {
    const top = stack[stack.length - 1];
    if (token.kind === 'newline' || (token.kind === 'punct' && token.text === ';')) {
      if (parens === 0 || token.kind === 'punct') flush();
      continue;
    }
    if (token.kind === 'punct' && token.text === '{') {
      // A head on the line before its brace (`stage('x')\n{`) is still the block's head.
      let head = current;
      if (head.length === 0 && top.statements.length > 0 && !top.statements[top.statements.length - 1].block) head = top.statements.pop()!.tokens;
      const statement: Statement = { tokens: head, line: head[0]?.line ?? token.line, block: [] };
      top.statements.push(statement);
      stack.push({ statements: statement.block!, line: token.line });
      current = [];
      parens = 0;
      continue;
    }
    if (token.kind === 'punct' && token.text === '}') {
      flush();
      if (stack.length === 1) {
        errors.push(`line ${token.line}: '}' closes no block`);
        continue;
      }
      stack.pop();
      continue;
    }
    if (token.kind === 'punct' && token.text === '(') parens++;
    if (token.kind === 'punct' && token.text === ')') parens = Math.max(0, parens - 1);
    current.push(token);
  }
  flush();
  for (const open of stack.slice(1)) errors.push(`line ${open.line}: '{' is never closed`);
  return { statements: root, errors };
};

/** The first identifier of a statement (`stage` in `stage('x') {`), or ''. */
export const statementName = (statement: Statement): string => (statement.tokens[0]?.kind === 'ident' ? statement.tokens[0].text : '');

/** The first string argument of a statement (`'Build'` in `stage('Build')`), or undefined. */
export const firstString = (statement: Statement): string | undefined => {
  const token = statement.tokens.find((candidate) => candidate.kind === 'string');
  return token?.text;
};
