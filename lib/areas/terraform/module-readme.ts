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

/** Top-level blocks of one kind (`variable "name" { ... }`), with their bodies, in a formatted file. */
const blocks = (source: string, kind: string): { name: string; body: string }[] =>
  [...source.matchAll(new RegExp(`^${kind} "([^"]+)" \\{\\n([\\s\\S]*?)^\\}`, 'gm'))].map((match) => ({ name: match[1], body: match[2] }));

const attribute = (body: string, name: string): string | undefined => body.match(new RegExp(`^  ${name}\\s+= (.*)$`, 'm'))?.[1];

const unquote = (value: string | undefined): string => (value === undefined ? '' : value.startsWith('"') ? (JSON.parse(value) as string) : value);

/**
 * A type whose attributes continue on the next lines (`map(object({`) as its outer shape, `map(object)` or
 * `object`; a one-line type as it is.
 */
const readableType = (type: string): string => {
  if (!type.endsWith('(') && !type.endsWith('({')) return type;
  const shape = type.replace(/\(\{?$/, '');
  const unclosed = [...shape].filter((character) => character === '(').length - [...shape].filter((character) => character === ')').length;
  return `${shape}${')'.repeat(unclosed)}`;
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
    inputs: blocks(read('variables.tf'), 'variable').map(({ name, body }) => {
      const type = attribute(body, 'type') ?? 'any';
      return {
        name,
        type: readableType(type),
        description: unquote(attribute(body, 'description')),
        required: attribute(body, 'default') === undefined,
      };
    }),
    outputs: blocks(read('outputs.tf'), 'output').map(({ name, body }) => ({
      name,
      description: unquote(attribute(body, 'description')),
      sensitive: attribute(body, 'sensitive') === 'true',
    })),
  };
  cache.set(templateFolder, described);
  return described;
};
