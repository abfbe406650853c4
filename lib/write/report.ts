/** The end-of-run report: what was written, what was left alone and why, and what to do next. */
import type { Answers } from '../catalog/option.js';
import type { FileStatus, PlannedWrite } from './status.js';

export interface ReportEntry {
  path: string;
  area: string;
  status: FileStatus;
  /**
   * What this run did or would do with it: `ask` is a conflict an interactive --dry-run would ask about;
   * an interactive run asks, and the answer is `overwrite` or `keep`.
   */
  action: 'write' | 'skip' | 'leave' | 'overwrite' | 'ask' | 'keep';
}

/** Decides each file's fate from its status and the run's mode; `ask` is settled by asking the user. */
export const decide = (write: PlannedWrite, mode: { force: boolean; interactive: boolean }): ReportEntry['action'] => {
  switch (write.status) {
    case 'create':
    case 'update':
      return 'write';
    case 'identical':
    case 'keep':
      return 'skip';
    case 'conflict':
      return mode.force ? 'overwrite' : mode.interactive ? 'ask' : 'leave';
  }
};

export interface RunReport {
  dryRun: boolean;
  answers: Answers;
  files: ReportEntry[];
  /** What detection and the stack model want the user to know (a guessed start command, an EOL runtime). */
  notes: string[];
  nextSteps: string[];
}

const verbs: Record<ReportEntry['action'], string> = {
  write: 'write',
  skip: 'unchanged',
  leave: 'CONFLICT, left as is',
  overwrite: 'overwrite',
  ask: 'conflict, would ask',
  keep: 'conflict, kept yours',
};

export const formatReport = (report: RunReport): string => {
  const lines = report.files.map(
    (file) => `  ${(file.status === 'create' ? 'create' : file.status === 'update' ? 'update' : verbs[file.action]).padEnd(22)} ${file.path}`,
  );
  const left = report.files.filter((file) => file.action === 'leave');
  const summary = report.dryRun ? 'phase4 --dry-run: nothing was written. It would:' : 'phase4 wrote:';
  const out = [summary, ...lines];
  if (left.length > 0) {
    out.push(
      '',
      `${left.length} file(s) differ from what phase4 generates and were edited since it last wrote them; they were left as they are.`,
      'Review with --dry-run, then re-run interactively to decide file by file, or with --force to overwrite.',
    );
  }
  if (report.notes.length > 0) out.push('', 'Notes:', ...report.notes.map((note) => `  - ${note}`));
  if (report.nextSteps.length > 0) out.push('', 'Next steps:', ...report.nextSteps.map((step, index) => `  ${index + 1}. ${step}`));
  return out.join('\n');
};
