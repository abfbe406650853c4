/** The CLI's flags, derived from the catalog and the run options, in node:util parseArgs form. */
import { areaNames } from '../areas/index.js';
import type { AnyOption } from '../catalog/option.js';
import { catalog } from '../catalog/options.js';
import { camelCase, runOptions } from '../run-options.js';

export const generatorNames = ['app', ...areaNames];

type Spec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

export const cliOnlyOptions = [
  { name: 'cwd', type: 'string', short: 'C', description: 'Run in this folder instead of the current one' },
  { name: 'print-schema', type: 'boolean', description: 'Print the answers-file JSON Schema and exit' },
  { name: 'version', type: 'boolean', short: 'v', description: 'Print the version and exit' },
  { name: 'help', type: 'boolean', short: 'h', description: 'Show this help and exit' },
] as const;

export const cliOptionSpec: Record<string, Spec> = {
  ...Object.fromEntries((catalog as readonly AnyOption[]).map((option) => [option.name, { type: 'string' }])),
  ...Object.fromEntries(runOptions.map((option) => [option.name, { type: option.type }])),
  ...Object.fromEntries(cliOnlyOptions.map(({ name, type, ...rest }) => [name, { type, ...('short' in rest ? { short: rest.short } : {}) }])),
  interactive: { type: 'boolean' },
};

/** What the generator receives: catalog answers by name, run options in camelCase (Yeoman's convention). */
export const runOptionsFrom = (values: Record<string, unknown>): Record<string, unknown> => {
  const options: Record<string, unknown> = {};
  for (const option of catalog) if (values[option.name] !== undefined) options[option.name] = values[option.name];
  for (const option of runOptions) if (values[option.name] !== undefined) options[camelCase(option.name)] = values[option.name];
  if (values.interactive !== undefined) options.interactive = values.interactive;
  return options;
};
