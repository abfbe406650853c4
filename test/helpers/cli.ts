/** Runs the built `phase4` CLI in a child process, as users and scripts do. */
import { spawnSync } from 'node:child_process';
import { cliPath } from './paths.js';
import { minimalEnvironment } from './tools.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export const runCli = (args: string[], cwd: string, options: { input?: string; nodeArgs?: string[]; env?: Record<string, string> } = {}): CliResult => {
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    input: options.input ?? '',
    // PATH and HOME only: NODE_OPTIONS, a git hook's GIT_DIR or anything else the caller exported cannot change a run.
    env: minimalEnvironment({ FORCE_COLOR: '0', NO_COLOR: '1', ...options.env }),
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};
