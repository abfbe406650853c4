/** Example env files (.env.example and its cousins): keys, values and the line each is on. */
import type { RepoIndex } from '../repo-index.js';
import { inFolder } from '../workspaces.js';

export const envFileNames = ['.env.example', '.env.sample', '.env.template', '.env.dist', '.env.defaults', 'example.env', '.env.local.example', '.env.development.example', '.env'];

export interface EnvEntry {
  key: string;
  value: string;
  file: string;
  line: number;
}

export const readEnvEntries = (index: RepoIndex, file: string): EnvEntry[] => {
  const text = index.read(file);
  if (text === undefined) return [];
  const entries: EnvEntry[] = [];
  text.split(/\r?\n/).forEach((line, position) => {
    const match = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (match) entries.push({ key: match[1], value: match[2].replace(/\s+#.*$/, '').replace(/^(['"])(.*)\1$/, '$2'), file, line: position + 1 });
  });
  return entries;
};

/** Entries of every example env file in the folders, nearest folder first. */
export const envEntries = (index: RepoIndex, folders: readonly string[]): EnvEntry[] =>
  folders.flatMap((folder) => envFileNames.map((name) => inFolder(folder, name)).flatMap((file) => readEnvEntries(index, file)));
