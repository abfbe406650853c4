/**
 * A module's README: what it is for (the leading comment of its main.tf) and its inputs and outputs, read
 * from its own variables.tf and outputs.tf so the tables cannot drift from the code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { templatesRoot } from '../../package-root.js';

export interface ModuleInterface {
  purpose: string;
  inputs: { name: string; type: string; description: string; required: boolean }[];
  outputs: { name: string; description: string; sensitive: boolean }[];
}

/**
 * Top-level blocks of one kind (`variable "name" { ... }`) in a formatted file, each with its top-level
 * attributes (two-space indent; a value that continues on the next lines keeps its first line). One pass over
 * the lines: the READMEs are planned on every run.
 */
const blocks = (source: string, kind: string): { name: string; attributes: Map<string, string> }[] => {
  const found: { name: string; attributes: Map<string, string> }[] = [];
  let current: { name: string; attributes: Map<string, string> } | undefined;
  const opening = `${kind} "`;
  for (const line of source.split('\n')) {
    if (!current) {
      if (line.startsWith(opening) && line.endsWith('" {')) current = { name: line.slice(opening.length, -3), attributes: new Map() };
    } else if (line === '}') {
      found.push(current);
      current = undefined;
    } else if (line.startsWith('  ') && line[2] !== ' ') {
      const equals = line.indexOf(' = ');
      if (equals > 0) current.attributes.set(line.slice(2, equals).trim(), line.slice(equals + 3));
    }
  }
  return found;
};

const unquote = (value: string | undefined): string => (value === undefined ? '' : value.startsWith('"') ? (JSON.parse(value) as string) : value);

/** A type written over several lines (`map(object({`) as its outline on one line: `map(object)`. */
const multiLineType = (type: string): string => {
  if (!/[({]$/.test(type)) return type;
  const outline = type.replace(/\(?\{$/, '').replace(/\($/, '');
  return outline + ')'.repeat((outline.match(/\(/g) ?? []).length - (outline.match(/\)/g) ?? []).length);
};

const cache = new Map<string, ModuleInterface>();

export const moduleInterface = (templateFolder: string): ModuleInterface => {
  const known = cache.get(templateFolder);
  if (known) return known;
  const read = (file: string) => readFileSync(path.join(templatesRoot, templateFolder, file), 'utf8');
  const main = read('main.tf');
  const purpose = main
    .split('\n')
    .filter((line, index, lines) => line.startsWith('#') && lines.slice(0, index).every((before) => before.startsWith('#')))
    .map((line) => line.replace(/^# ?/, ''))
    .join(' ');
  const described: ModuleInterface = {
    purpose,
    inputs: blocks(read('variables.tf'), 'variable').map(({ name, attributes }) => {
      const type = attributes.get('type') ?? 'any';
      return {
        name,
        type: multiLineType(type),
        description: unquote(attributes.get('description')),
        required: !attributes.has('default'),
      };
    }),
    outputs: blocks(read('outputs.tf'), 'output').map(({ name, attributes }) => ({
      name,
      description: unquote(attributes.get('description')),
      sensitive: attributes.get('sensitive') === 'true',
    })),
  };
  cache.set(templateFolder, described);
  return described;
};
