/**
 * What BuildKit's Dockerfile frontend accepts: the instructions and their flags for the syntax the file
 * pins (`# syntax=docker/dockerfile:1.12`, `1.7-labs`, or none: the builder's built-in frontend), variable
 * expansion (`$VAR`, `${VAR:-default}`, ...), and the arguments of COPY, ADD, ENV, CMD and ENTRYPOINT.
 */
import type { Instruction } from '../docker/dockerfile-parse.js';
import { execArguments } from '../docker/dockerfile-parse.js';

export const knownInstructions = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER',
  'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

export interface Syntax {
  /** The frontend image the file pins, or undefined for the builder's built-in one. */
  image?: string;
  /** [major, minor] of docker/dockerfile, or undefined when it floats (`1`, latest) or is not that image. */
  version?: [number, number];
  labs: boolean;
  /** Whether the frontend is docker/dockerfile (so the flag rules below apply). */
  known: boolean;
}

export const syntaxOf = (directives: Record<string, string>): Syntax => {
  const image = directives.syntax;
  if (!image) return { labs: false, known: true };
  const match = image.match(/^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?(?::([\w.-]+))?(?:@sha256:\w+)?$/);
  if (!match) return { image, labs: false, known: false };
  const tag = match[1] ?? 'latest';
  const version = tag.match(/^(\d+)\.(\d+)/);
  return { image, labs: /labs/.test(tag), known: true, version: version ? [Number(version[1]), Number(version[2])] : undefined };
};

/** Whether the syntax has a feature that arrived in docker/dockerfile `since` (and in labs at `labsSince`). */
const supports = (syntax: Syntax, since: [number, number] | undefined, labsSince?: [number, number]): boolean => {
  const floor = syntax.labs && labsSince ? labsSince : since;
  if (!floor) return false;
  if (!syntax.version) return true;
  const [major, minor] = syntax.version;
  return major > floor[0] || (major === floor[0] && minor >= floor[1]);
};

/** Each instruction's flags, with the docker/dockerfile version that introduced it (and its labs version). */
const flagSupport: Record<string, Record<string, [[number, number] | undefined, [number, number]?]>> = {
  FROM: { platform: [[1, 0]] },
  RUN: { mount: [[1, 2]], network: [[1, 3]], security: [undefined, [1, 1]], device: [undefined, [1, 14]] },
  COPY: { from: [[1, 0]], chown: [[1, 0]], chmod: [[1, 2]], link: [[1, 4]], exclude: [[1, 19], [1, 7]], parents: [undefined, [1, 7]] },
  ADD: {
    chown: [[1, 0]], chmod: [[1, 2]], link: [[1, 4]], 'keep-git-dir': [[1, 1]], checksum: [[1, 6]], unpack: [[1, 17]], exclude: [[1, 19], [1, 7]],
  },
  HEALTHCHECK: { interval: [[1, 0]], timeout: [[1, 0]], 'start-period': [[1, 0]], 'start-interval': [[1, 6]], retries: [[1, 0]] },
};

/** Instructions the frontend refuses without arguments. */
const needArguments = new Set(['ENV', 'LABEL', 'ONBUILD', 'HEALTHCHECK', 'EXPOSE', 'VOLUME', 'ARG', 'SHELL', 'MAINTAINER', 'WORKDIR', 'USER', 'STOPSIGNAL']);

/** Why the frontend would refuse an instruction's keyword, arguments or flags, or undefined. */
export const instructionError = (instruction: Instruction, syntax: Syntax): string | undefined => {
  if (!knownInstructions.has(instruction.keyword)) return `unknown instruction ${instruction.keyword}`;
  if (needArguments.has(instruction.keyword) && instruction.body === '') return `${instruction.keyword} needs an argument`;
  if (instruction.keyword === 'ENV' && /^[^\s=]+$/.test(instruction.body)) return `ENV ${instruction.body} has no value (ENV name=value)`;
  if (!syntax.known) return undefined;
  const allowed = flagSupport[instruction.keyword] ?? {};
  for (const flag of instruction.flags) {
    const support = allowed[flag.name];
    if (!support) return `${instruction.keyword} has no flag --${flag.name}`;
    if (!supports(syntax, support[0], support[1])) {
      return `${instruction.keyword} --${flag.name} needs a newer syntax than ${syntax.image ?? "the builder's built-in frontend"}${support[0] ? '' : ' (it exists only in the labs syntax, e.g. docker/dockerfile:1.7-labs)'}`;
    }
  }
  if (instruction.heredocs.length > 0 && !supports(syntax, [1, 4])) return `here-documents need docker/dockerfile:1.4 or later`;
  return undefined;
};

/** BuildKit's variable expansion of $VAR, ${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:+x}, ${VAR+x}; unset is empty. */
export const expand = (text: string, vars: ReadonlyMap<string, string>, keepUnknown = false): string =>
  text.replace(/\\\$|\$\{([A-Za-z_]\w*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_]\w*)/g, (whole, braced, op, word, bare) => {
    if (whole === '\\$') return keepUnknown ? whole : '$';
    const name = braced ?? bare;
    const set = vars.has(name);
    const value = vars.get(name) ?? '';
    if (!set && keepUnknown && !op) return whole;
    switch (op) {
      case ':-': return value !== '' ? value : word;
      case '-': return set ? value : word;
      case ':+': return value !== '' ? word : '';
      case '+': return set ? word : '';
      default: return value;
    }
  });

/** Words of an ENV or LABEL body, with quotes and backslash escapes removed. */
const words = (text: string): string[] => {
  const out: string[] = [];
  let current: string | undefined;
  for (let at = 0; at < text.length; at += 1) {
    const ch = text[at];
    if (ch === '\\' && at + 1 < text.length) current = (current ?? '') + text[++at];
    else if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, at + 1);
      current = (current ?? '') + text.slice(at + 1, end < 0 ? undefined : end).replace(/\\(.)/g, ch === '"' ? '$1' : '\\$1');
      at = end < 0 ? text.length : end;
    } else if (/\s/.test(ch)) {
      if (current !== undefined) out.push(current);
      current = undefined;
    } else current = (current ?? '') + ch;
  }
  if (current !== undefined) out.push(current);
  return out;
};

/** The name=value pairs of ENV (both `ENV a=b c=d` and the old `ENV a b c`). */
export const envPairs = (body: string): [string, string][] => {
  const first = body.match(/^([^\s=]+)(=|\s+)/);
  if (!first) return [];
  if (first[2] !== '=') return [[first[1], words(body.slice(first[0].length)).join(' ')]];
  return words(body).map((word) => {
    const at = word.indexOf('=');
    return at < 0 ? [word, ''] : [word.slice(0, at), word.slice(at + 1)];
  });
};

/** Sources and destination of COPY/ADD: the JSON form, else whitespace-separated words. */
export const copyArguments = (body: string): { sources: string[]; dest: string } | undefined => {
  const list = execArguments(body) ?? body.split(/\s+/).filter(Boolean);
  if (list.length < 2) return undefined;
  return { sources: list.slice(0, -1), dest: list[list.length - 1] };
};

/** CMD/ENTRYPOINT/SHELL: the exec form's array, or the shell form's text. */
export type CommandLine = { exec: string[] } | { shell: string };
export const commandLine = (body: string): CommandLine => {
  const exec = execArguments(body);
  return exec ? { exec } : { shell: body };
};

/** The flag's value, or undefined when absent (a bare `--link` gives ''). */
export const flag = (instruction: Instruction, name: string): string | undefined =>
  instruction.flags.find((candidate) => candidate.name === name)?.value;

export const flagValues = (instruction: Instruction, name: string): string[] =>
  instruction.flags.filter((candidate) => candidate.name === name).map((candidate) => candidate.value);
