import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runTool } from '../../helpers/tools.js';
import type { Validator } from './types.js';

/**
 * dockerfile-utils lints one file per run and exits non-zero on errors only: its JSON is read so that
 * warnings fail too. Files with the same bytes are linted once.
 */
export const dockerfileUtils: Validator = {
  name: 'dockerfile-utils',
  applies: (file) => /(^|\/)Dockerfile$/.test(file),
  mustReject: { path: 'Dockerfile', contents: 'FROM node AS base\nCMD ["a"]\nCMD ["b"]\n' },
  check: (files) => {
    const seen = new Set<string>();
    return files.flatMap((file) => {
      const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
      if (seen.has(digest)) return [];
      seen.add(digest);
      const result = runTool('dockerfile-utils', ['lint', '--json', file]);
      const findings = JSON.parse(result.stdout || '[]') as { severity: number | string; message: string; range: { start: { line: number } } }[];
      return findings.map((finding) => `${file}:${finding.range.start.line + 1}: ${finding.message}`);
    });
  },
};
