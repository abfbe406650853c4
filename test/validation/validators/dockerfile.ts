import { runTool } from '../../helpers/tools.js';
import { uniqueByContent, type Validator } from './types.js';

/**
 * dockerfile-utils lints one file per run and exits non-zero on errors only: its JSON is read so that
 * warnings fail too. Files with the same bytes are linted once.
 */
export const dockerfileUtils: Validator = {
  name: 'dockerfile-utils',
  applies: (file) => /(^|\/)Dockerfile$/.test(file),
  mustReject: { path: 'Dockerfile', contents: 'FROM node AS base\nCMD ["a"]\nCMD ["b"]\n' },
  check: (files) =>
    uniqueByContent(files).flatMap((file) => {
      const result = runTool('dockerfile-utils', ['lint', '--json', file]);
      const findings = JSON.parse(result.stdout || '[]') as { severity: number | string; message: string; range: { start: { line: number } } }[];
      return findings.map((finding) => `${file}:${finding.range.start.line + 1}: ${finding.message}`);
    }),
};
