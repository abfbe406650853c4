/** Reads an answers file (YAML or JSON) into raw key/values; shape errors name the file and key. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { optionNames } from '../catalog/options.js';
import { UsageError } from '../errors.js';

export interface AnswersFile {
  /** How errors refer to the file: its path as the user typed it. */
  label: string;
  values: Record<string, unknown>;
}

export const loadAnswersFile = async (file: string, cwd: string): Promise<AnswersFile> => {
  const label = file;
  let text: string;
  try {
    text = readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError('--answers', `cannot read ${file} (${code ?? 'unreadable'}); pass a YAML or JSON answers file`);
  }
  let values: unknown;
  if (/\.json$/i.test(file)) {
    try {
      values = JSON.parse(text);
    } catch (error) {
      throw new UsageError('--answers', `${file} is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const { parse, YAMLParseError } = await import('yaml');
    try {
      values = parse(text, { uniqueKeys: true, prettyErrors: false });
    } catch (error) {
      const reason = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
      throw new UsageError('--answers', `${file} is not valid YAML: ${reason}`);
    }
  }
  if (values === null || values === undefined) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new UsageError('--answers', `${file} must hold a mapping of answer keys (name, ci, cloud, ...), not a ${Array.isArray(values) ? 'list' : typeof values}`);
  }
  for (const key of Object.keys(values as object)) {
    if (key !== '$schema' && !(optionNames as readonly string[]).includes(key)) {
      throw new UsageError(`${label}: ${key}`, `unknown answer key; known keys are ${optionNames.join(', ')}`);
    }
  }
  const { $schema: _schema, ...answers } = values as Record<string, unknown>;
  return { label, values: answers };
};
