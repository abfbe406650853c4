/**
 * The run options beside the catalog's answer flags, shared by the generators and the CLI so both
 * declare the same flags with the same help.
 */
export const runOptions = [
  { name: 'answers', type: 'string', description: 'Read answers from a YAML or JSON file (see --print-schema)' },
  { name: 'defaults', type: 'boolean', description: 'Accept the default (or detected) value of every unanswered option without asking' },
  { name: 'dry-run', type: 'boolean', description: 'Write nothing; list what would be created, updated or left' },
  { name: 'force', type: 'boolean', description: 'Overwrite files that differ from what phase4 generates, even if you edited them' },
  { name: 'json', type: 'boolean', description: 'Print the resolved answers and the file list as JSON on stdout' },
] as const;

export type RunOptionName = (typeof runOptions)[number]['name'];

/** Yeoman's camelCase spelling of a kebab-case flag (`dry-run` -> `dryRun`). */
export const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
