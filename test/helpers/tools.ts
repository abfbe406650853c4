/**
 * Running the real validators. A missing validator is a test failure with the install hint, never a skip:
 * `npm test` installs them all (scripts/setup-validators.sh), so missing means the set-up is broken.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.js';

/** scripts/setup-validators.sh's folder: its binaries under bin/, kubeconform's schemas under k8s-schemas/. */
export const validatorsHome = () => process.env.PHASE4_VALIDATORS_HOME ?? path.join(os.homedir(), '.local', 'share', 'phase4-validators');

/** Where tools live: the project's node_modules/.bin, scripts/setup-validators.sh's folder, then PATH. */
const validatorsBin = () => path.join(validatorsHome(), 'bin');

const searchPath = () =>
  [path.join(repoRoot, 'node_modules', '.bin'), validatorsBin(), ...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/bin'].filter(Boolean);

export const findTool = (name: string): string | undefined => {
  for (const dir of searchPath()) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
};

export const requireTool = (name: string): string => {
  const found = findTool(name);
  if (!found) {
    throw new Error(`validator '${name}' is not installed: run \`npm test\` (it runs scripts/setup-validators.sh) or install it by hand`);
  }
  return found;
};

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

/**
 * The environment every tool and script runs with: PATH and HOME only, plus what a test sets on purpose. The
 * caller's other variables cannot change a result: an exported variable would hide compose's "variable is
 * not set", SHELLCHECK_OPTS could disable checks, NODE_OPTIONS or GOFLAGS would change what runs.
 */
export const minimalEnvironment = (extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  HOME: process.env.HOME ?? os.homedir(),
  ...extra,
});

/** Runs `body` with `name` exported in this process, as a developer's shell would have it, then restores it. */
export const withExported = <T>(name: string, value: string, body: () => T): T => {
  const previous = process.env[name];
  process.env[name] = value;
  try {
    return body();
  } finally {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  }
};

export const runTool = (
  name: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: Record<string, string>; timeout?: number; maxBuffer?: number } = {},
): ToolResult => {
  const result = spawnSync(requireTool(name), args, {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    env: minimalEnvironment(options.env),
    timeout: options.timeout ?? 120_000,
    maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    output: `${result.stdout}\n${result.stderr}`.trim(),
  };
};
