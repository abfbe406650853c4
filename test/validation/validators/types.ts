import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A real validator run by the matrix harness over every generated file it applies to. */
export interface Validator {
  name: string;
  /** Which generated files (repository-relative path) it checks. */
  applies: (relativePath: string) => boolean;
  /** Checks the files (absolute paths) and returns the problems found: empty means valid. */
  check: (files: string[]) => string[];
  /**
   * The CI platforms whose pipeline files are all it checks: a run that chose another platform writes nothing
   * for it (the matrix still covers every platform).
   */
  ci?: readonly string[];
  /** Likewise the monitoring stacks whose files are all it checks. */
  monitoring?: readonly string[];
  /** A broken file it must reject: proof that the validator can fail at all. */
  mustReject: { path: string; contents: string };
}

/** Splits long file lists so command lines stay well under the kernel's argument limit. */
export const inBatches = <T>(items: T[], size = 200): T[][] => {
  const batches: T[][] = [];
  for (let index = 0; index < items.length; index += size) batches.push(items.slice(index, index + size));
  return batches;
};

/** The files whose bytes were not seen before: identical files across matrix cases are checked once. */
export const uniqueByContent = (files: string[]): string[] => {
  const seen = new Set<string>();
  return files.filter((file) => {
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (seen.has(digest)) return false;
    seen.add(digest);
    return true;
  });
};
