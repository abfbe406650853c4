/**
 * Bad input from the user: an answer, a flag, an answers file or the target folder.
 * The CLI turns it into exit code 2 with nothing written. `field` names what to fix.
 */
export class UsageError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'UsageError';
  }
}

export const isUsageError = (error: unknown): error is UsageError =>
  error instanceof Error && error.name === 'UsageError' && 'field' in error;

/** Exit codes of the CLI contract (DESIGN.md §3). */
export const ExitCode = {
  done: 0,
  unexpected: 1,
  usage: 2,
  conflicts: 3,
} as const;
