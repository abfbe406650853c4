export type Rule = 'copy-source' | 'lockfile' | 'runtime-version' | 'tool-version' | 'start-target' | 'parse';

export interface BuildProblem {
  rule: Rule;
  /** 1-based Dockerfile line of the instruction at fault (0: the file as a whole). */
  line: number;
  message: string;
}

export interface CheckInput {
  /** Absolute repository root. */
  repo: string;
  /** Dockerfile path, relative to the repository root. */
  dockerfile: string;
  /** Build context folder, relative to the repository root. */
  context: string;
}

export const problem = (rule: Rule, line: number, message: string): BuildProblem => ({ rule, line, message });
