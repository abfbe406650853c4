import { runTool, type ToolResult } from '../../helpers/tools.js';
import { uniqueByContent, type Validator } from './types.js';

interface Finding {
  severity: number | string;
  message: string;
  range: { start: { line: number } };
}

/**
 * What one `dockerfile-utils lint --json` run says about `file`: its findings (warnings too), or the run
 * itself as a problem when it did not end the way the tool ends: a JSON array on stdout, exit status 0, or 1
 * with at least one finding. A crash, a signal, output that is not that JSON, or a failing exit status with
 * no finding to show for it is a failure, never a pass.
 */
export const dockerfileUtilsFindings = (file: string, result: Pick<ToolResult, 'status' | 'stdout' | 'output'>): string[] => {
  const broken = (why: string) => [`${file}: dockerfile-utils ${why} (exit status ${result.status}):\n${result.output}`];
  let findings: unknown;
  try {
    findings = JSON.parse(result.stdout);
  } catch {
    return broken('printed no JSON');
  }
  if (!Array.isArray(findings)) return broken('printed JSON that is not a list of findings');
  const problems = (findings as Finding[]).map((finding) => `${file}:${finding.range.start.line + 1} ${finding.severity}: ${finding.message}`);
  if (result.status === 0 || (result.status === 1 && problems.length > 0)) return problems;
  return [...broken(problems.length > 0 ? 'failed' : 'failed without a finding'), ...problems];
};

/**
 * dockerfile-utils lints one file per run and exits non-zero on errors only: its JSON is read so that
 * warnings fail too. Files with the same bytes are linted once.
 */
export const dockerfileUtils: Validator = {
  name: 'dockerfile-utils',
  applies: (file) => /(^|\/)Dockerfile$/.test(file),
  mustReject: { path: 'Dockerfile', contents: 'FROM node AS base\nCMD ["a"]\nCMD ["b"]\n' },
  check: (files) => uniqueByContent(files).flatMap((file) => dockerfileUtilsFindings(file, runTool('dockerfile-utils', ['lint', '--json', file]))),
};
