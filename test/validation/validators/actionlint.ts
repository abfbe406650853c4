import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireTool, runTool, type ToolResult } from '../../helpers/tools.js';
import { githubWorkflowPath } from './ci-schemas.js';
import { inBatches, type Validator } from './types.js';

interface Finding {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

/**
 * What one `actionlint -format '{{json .}}'` run over `files` says: its findings, or the run itself as a
 * problem when it did not end the way actionlint ends: a JSON list on stdout, with exit status 0 and no
 * finding, or 1 with at least one. Exit status 2 (bad options) and 3 (a file it could not read, no project
 * found) are failures, as are a crash, a signal and anything that is not that JSON.
 */
export const actionlintFindings = (files: string[], result: Pick<ToolResult, 'status' | 'stdout' | 'output'>, cwd = process.cwd()): string[] => {
  const broken = (why: string) => [`actionlint ${why} (exit status ${result.status}) over ${files.join(' ')}:\n${result.output}`];
  let findings: unknown;
  try {
    findings = JSON.parse(result.stdout);
  } catch {
    return broken('printed no JSON');
  }
  if (!Array.isArray(findings)) return broken('printed JSON that is not a list of findings');
  const problems = (findings as Finding[]).map((finding) => `${path.resolve(cwd, finding.filepath)}:${finding.line}:${finding.column} [${finding.kind}] ${finding.message}`);
  if ((result.status === 0 && problems.length === 0) || (result.status === 1 && problems.length > 0)) return problems;
  return [...broken(problems.length > 0 ? 'failed' : 'failed without a finding'), ...problems];
};

/** Files actionlint would not really lint: an empty list proves nothing, and a missing file or a folder is a failure. */
export const unreadableFiles = (name: string, files: string[]): string[] => {
  if (files.length === 0) return [`${name}: no file to check`];
  return files.flatMap((file) => {
    try {
      if (!statSync(file).isFile()) return [`${file}: not a file`];
      accessSync(file, constants.R_OK);
      return [];
    } catch (error) {
      return [`${file}: cannot read it: ${(error as Error).message}`];
    }
  });
};

/**
 * The Go build of actionlint (scripts/setup-validators.sh), with shellcheck on every `run:` block. actionlint
 * disables that integration without a word when it cannot find shellcheck, so the validator resolves
 * shellcheck itself (a missing one throws) and passes its path. An empty configuration file stands in for any
 * `.github/actionlint.yaml` that could ignore findings. Every finding fails, shellcheck's `info` level too.
 */
export const actionlint: Validator = {
  ci: ['github-actions'],
  name: 'actionlint',
  applies: githubWorkflowPath,
  mustReject: {
    path: 'ci.yml',
    contents: 'name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    needs: [lint]\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n',
  },
  check: (files) => {
    const unreadable = unreadableFiles('actionlint', files);
    if (unreadable.length > 0) return unreadable;
    const shellcheck = requireTool('shellcheck');
    const configDir = mkdtempSync(path.join(os.tmpdir(), 'phase4-actionlint-'));
    try {
      const config = path.join(configDir, 'actionlint.yaml');
      writeFileSync(config, '');
      return inBatches(files).flatMap((batch) =>
        actionlintFindings(
          batch,
          runTool('actionlint', ['-no-color', '-format', '{{json .}}', '-config-file', config, '-shellcheck', shellcheck, ...batch], { cwd: configDir }),
          configDir,
        ),
      );
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
  },
};
