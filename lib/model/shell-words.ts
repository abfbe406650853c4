/**
 * Splitting a command line into exec-form arguments, the way a POSIX shell would for simple commands.
 * Commands that need a shell (pipes, `&&`, redirections, substitutions) are reported as such.
 */

export interface ParsedCommand {
  /** Leading `NAME=value` assignments. */
  assignments: { name: string; value: string }[];
  argv: string[];
  /** True when the command uses shell syntax that exec form cannot express. */
  needsShell: boolean;
}

const shellSyntax = /[|&;<>()`]/;

export const parseCommand = (command: string): ParsedCommand => {
  const words: string[] = [];
  let needsShell = false;
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let index = 0; index < command.length; index += 1) {
    const char = command[index];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && index + 1 < command.length && '"\\$`'.includes(command[index + 1])) current += command[++index];
      else {
        if (char === '`' || (char === '$' && command[index + 1] === '(')) needsShell = true;
        current += char;
      }
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\' && index + 1 < command.length) {
      current += command[++index];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      if (shellSyntax.test(char)) needsShell = true;
      current += char;
      inWord = true;
    }
  }
  if (quote) needsShell = true;
  if (inWord) words.push(current);
  const assignments: ParsedCommand['assignments'] = [];
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
    const word = words.shift()!;
    const at = word.indexOf('=');
    assignments.push({ name: word.slice(0, at), value: word.slice(at + 1) });
  }
  return { assignments, argv: words, needsShell };
};

/** `$PORT`, `${PORT}` and `${PORT:-8000}` replaced by the port (exec form expands no variables). */
export const withPort = (word: string, port: number | undefined): string =>
  port === undefined ? word : word.replace(/\$\{PORT(?::?-[^}]*)?\}|\$PORT\b/g, String(port));

/** Other variables still in a word need a shell to expand them. */
export const hasVariable = (word: string): boolean => /\$\{?[A-Za-z_]/.test(word);
