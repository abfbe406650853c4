/**
 * Assertions over parsed Terraform (test/validation/validators/terraform-schema.ts parseTerraformDir) that hold for
 * every cloud: each returns its problems, one string each; empty means the property holds.
 */
import type { ParsedTerraformFile } from '../validation/validators/terraform-schema.js';

export interface Block {
  file: string;
  type: string;
  name: string;
  body: Record<string, any>;
}

/** Every block of one kind with two labels (`resource`, `data`), one entry per occurrence. */
export const labelledBlocks = (files: ParsedTerraformFile[], kind: 'resource' | 'data'): Block[] =>
  files.flatMap(({ file, body }) =>
    Object.entries((body[kind] ?? {}) as Record<string, Record<string, Record<string, any>[]>>).flatMap(([type, byName]) =>
      Object.entries(byName).flatMap(([name, occurrences]) => occurrences.map((block) => ({ file, type, name, body: block }))),
    ),
  );

/** Blocks with one label (`variable`, `output`, `module`), by folder. */
export const namedBlocks = (files: ParsedTerraformFile[], kind: 'variable' | 'output' | 'module') =>
  files.flatMap(({ file, body }) =>
    Object.entries((body[kind] ?? {}) as Record<string, Record<string, any>[]>).flatMap(([name, occurrences]) =>
      occurrences.map((block) => ({ file, folder: file.split('/').slice(0, -1).join('/'), name, body: block })),
    ),
  );

/** Every variable says what it is for and what it takes. */
export const untypedOrUndescribedVariables = (files: ParsedTerraformFile[]): string[] =>
  namedBlocks(files, 'variable').flatMap(({ file, name, body }) => [
    ...(body.type === undefined ? [`${file}: variable "${name}" has no type`] : []),
    ...(typeof body.description !== 'string' || body.description.length < 10 ? [`${file}: variable "${name}" has no description`] : []),
  ]);

/** Every output says what it is. */
export const undescribedOutputs = (files: ParsedTerraformFile[]): string[] =>
  namedBlocks(files, 'output').flatMap(({ file, name, body }) =>
    typeof body.description === 'string' && body.description.length >= 10 ? [] : [`${file}: output "${name}" has no description`],
  );

const resolveFolder = (folder: string, source: string): string => {
  const parts = folder.split('/').filter(Boolean);
  for (const part of source.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
};

/**
 * Every `module.<call>.<output>` a root stack reads names an output its module declares, and every argument it
 * passes is a variable of that module (a required variable the call leaves out is reported too).
 */
export const moduleInterfaceMismatches = (files: ParsedTerraformFile[], texts: Map<string, string>): string[] => {
  const outputs = new Map<string, Set<string>>();
  const variables = new Map<string, Map<string, boolean>>();
  for (const { folder, name } of namedBlocks(files, 'output')) outputs.set(folder, (outputs.get(folder) ?? new Set()).add(name));
  for (const { folder, name, body } of namedBlocks(files, 'variable')) {
    const known = variables.get(folder) ?? new Map<string, boolean>();
    variables.set(folder, known.set(name, body.default === undefined && !('default' in body)));
  }
  const problems: string[] = [];
  for (const { file, folder, name: call, body } of namedBlocks(files, 'module')) {
    const moduleFolder = resolveFolder(folder, body.source as string);
    const declared = variables.get(moduleFolder);
    if (!declared) {
      problems.push(`${file}: module "${call}" calls ${moduleFolder}, which has no variables.tf`);
      continue;
    }
    const passed = Object.keys(body).filter((key) => !['source', 'providers', 'depends_on', 'count', 'for_each', 'version'].includes(key));
    for (const argument of passed) if (!declared.has(argument)) problems.push(`${file}: module "${call}" passes ${argument}, not a variable of ${moduleFolder}`);
    for (const [variable, required] of declared) if (required && !passed.includes(variable)) problems.push(`${file}: module "${call}" leaves out required ${variable}`);
    const readBack = [...(texts.get(folder) ?? '').matchAll(new RegExp(`module\\.${call}\\.([a-z0-9_]+)`, 'g'))].map((match) => match[1]);
    for (const output of new Set(readBack)) if (!outputs.get(moduleFolder)?.has(output)) problems.push(`${folder}: reads module.${call}.${output}, not an output of ${moduleFolder}`);
  }
  return problems;
};

/** Resources of a type that takes tags or labels but sets none. */
export const untaggedResources = (files: ParsedTerraformFile[], taggable: Set<string>, attribute: 'tags' | 'labels'): string[] =>
  labelledBlocks(files, 'resource')
    .filter((block) => taggable.has(block.type) && block.body[attribute] === undefined)
    .map((block) => `${block.file}: ${block.type}.${block.name} has no ${attribute}`);
