/**
 * A small Dockerfile parser for structural assertions: parser directives, stages, and instructions with
 * their flags, joined across line continuations the way BuildKit joins them (comment and blank lines inside
 * a continued instruction are dropped; the `escape` directive sets the continuation character), with the
 * here-documents of RUN, COPY and ADD (`<<EOF` ... `EOF`).
 */

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation backslashes and newlines removed. */
  args: string;
  /** Leading `--name=value` (or `--name`) flags, in order. */
  flags: { name: string; value: string }[];
  /** The arguments after the flags. */
  body: string;
  /** 1-based line of the keyword. */
  line: number;
  /** Here-documents opened on the instruction's line, in order. */
  heredocs: { name: string; content: string }[];
}

export interface Stage {
  index: number;
  name?: string;
  /** The image or earlier stage the stage starts from. */
  base: string;
  from: Instruction;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  directives: Record<string, string>;
  stages: Stage[];
  instructions: Instruction[];
}

const splitFlags = (args: string): { flags: Instruction['flags']; body: string } => {
  const flags: Instruction['flags'] = [];
  let rest = args.trimStart();
  for (;;) {
    const match = rest.match(/^--([a-z-]+)(?:=(\S*))?\s*/);
    if (!match) break;
    flags.push({ name: match[1], value: match[2] ?? '' });
    rest = rest.slice(match[0].length);
  }
  return { flags, body: rest.trim() };
};

export const parseDockerfile = (text: string): ParsedDockerfile => {
  const lines = text.split('\n');
  const directives: Record<string, string> = {};
  let index = 0;
  for (; index < lines.length; index += 1) {
    const directive = lines[index].match(/^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i);
    if (!directive) break;
    directives[directive[1].toLowerCase()] = directive[2];
  }
  const continuation = directives.escape === '`' ? /`\s*$/ : /\\\s*$/;
  const instructions: Instruction[] = [];
  while (index < lines.length) {
    const line = lines[index];
    if (/^\s*(#|$)/.test(line)) {
      index += 1;
      continue;
    }
    const start = index + 1;
    let joined = '';
    let current = line;
    for (;;) {
      const continued = continuation.test(current);
      joined += continued ? current.replace(continuation, '') : current;
      index += 1;
      if (!continued) break;
      // Comment and blank lines inside a continued instruction are not part of it.
      while (index < lines.length && /^\s*(#|$)/.test(lines[index])) index += 1;
      if (index >= lines.length) break;
      current = lines[index];
    }
    const match = joined.trim().match(/^(\S+)\s*([\s\S]*)$/);
    if (!match) continue;
    const keyword = match[1].toUpperCase();
    const args = match[2];
    const heredocs: Instruction['heredocs'] = [];
    if (['RUN', 'COPY', 'ADD'].includes(keyword)) {
      for (const marker of args.matchAll(/<<(-?)(["']?)([A-Za-z_][\w.-]*)\2/g)) {
        const content: string[] = [];
        while (index < lines.length) {
          const text = marker[1] ? lines[index].replace(/^\t+/, '') : lines[index];
          index += 1;
          if (text === marker[3]) break;
          content.push(text);
        }
        heredocs.push({ name: marker[3], content: content.join('\n') });
      }
    }
    instructions.push({ keyword, args, ...splitFlags(args), line: start, heredocs });
  }
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.body.split(/\s+/);
      stages.push({
        index: stages.length,
        base,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        from: instruction,
        instructions: [],
      });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { directives, stages, instructions };
};

/** The JSON array of an exec-form instruction, or undefined for the shell form. */
export const execArguments = (body: string): string[] | undefined => {
  if (!body.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
};

/** A stage and every stage it builds on, nearest first. */
export const ancestry = (dockerfile: ParsedDockerfile, stage: Stage): Stage[] => {
  const chain = [stage];
  let current = stage;
  for (;;) {
    const parent = dockerfile.stages.find((candidate) => candidate.index < current.index && candidate.name === current.base);
    if (!parent) return chain;
    chain.push(parent);
    current = parent;
  }
};
