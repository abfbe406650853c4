import { readFileSync } from 'node:fs';
import { type Document, LineCounter, parseAllDocuments, type Tags } from 'yaml';

/** GitLab's `!reference [job, key]`: a sequence with a tag. Without it, yaml reports an unresolved tag. */
const gitlabTags: Tags = [{ tag: '!reference', collection: 'seq', default: false, resolve: (value: unknown) => value } as unknown as Tags[number]];

export interface ParsedPipeline {
  document?: Document.Parsed;
  lineCounter: LineCounter;
  /** Every reason the file cannot be read as one YAML document: each is a finding. */
  problems: string[];
}

/**
 * Reads a pipeline file as exactly one YAML document, the way the CI platforms do. Unreadable, empty, a YAML
 * error or warning (duplicate keys, unresolved tags), several documents: findings, never a silent pass.
 */
export const readPipeline = (file: string, options: { gitlab?: boolean } = {}): ParsedPipeline => {
  const lineCounter = new LineCounter();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { lineCounter, problems: [`${file}: cannot read it: ${(error as Error).message}`] };
  }
  const documents = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: true, customTags: options.gitlab ? gitlabTags : [] });
  if (!Array.isArray(documents)) return { lineCounter, problems: [`${file}: holds no YAML document (empty)`] };
  const problems = documents.flatMap((document) => [...document.errors, ...document.warnings].map((error) => `${file}: YAML ${error.name === 'YAMLWarning' ? 'warning' : 'error'}: ${error.message}`));
  if (documents.length === 0) problems.push(`${file}: holds no YAML document (empty)`);
  else if (documents.length !== 1) problems.push(`${file}: holds ${documents.length} YAML documents; the platform reads one`);
  else if (documents[0].contents === null) problems.push(`${file}: its YAML document is empty`);
  return { document: documents[0], lineCounter, problems };
};

/** The line (1-based) where a node's source starts, or 0 when it has none. */
export const lineOf = (lineCounter: LineCounter, node: { range?: readonly number[] | null } | null | undefined): number =>
  node?.range ? lineCounter.linePos(node.range[0]).line : 0;
