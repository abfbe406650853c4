/**
 * COPY and ADD as BuildKit's dockerfile2llb runs them: sources from the build context (after the ignore
 * file; a literal source must exist, a wildcard may match nothing but the folder before it must exist), from
 * an earlier stage's simulated filesystem, or from an image; a folder source copies its contents; several
 * sources need a folder destination; `--parents` keeps the source path; `--exclude` leaves paths out.
 */
import path from 'node:path';
import type { Instruction } from '../docker/dockerfile-parse.js';
import type { EntryKind } from './context.js';
import type { StageFS, Write } from './filesystem.js';
import { copyArguments, expand, flag, flagValues } from './instructions.js';
import { cleanPath, hasWildcard, PatternMatcher } from './patterns.js';
import { type BuildProblem, problem } from './types.js';

export interface CopyStage {
  /** The stage's name, or its index for an unnamed stage (what --from accepts). */
  name: string;
  /** How messages name it: "build", or #1 for an unnamed stage. */
  label: string;
  index: number;
  fs: StageFS;
  workdir: string;
  vars: ReadonlyMap<string, string>;
}

export interface CopyResult {
  problems: BuildProblem[];
  /** Images copied from (`COPY --from=image`), with the sources taken. */
  images: { image: string; sources: string[] }[];
  /** Copies from a stage defined further down (BuildKit allows them): checked once that stage is simulated. */
  deferred: { index: number; from: string; sources: string[] }[];
}

/** Why a path a copy takes from another stage is missing there. */
export const notInStage = (target: string, stage: string) =>
  `${target} is not in stage ${stage}: no instruction of that stage copies it there, and no RUN of it names that path or writes a folder above it`;

/** A `--from` value that is an image reference rather than a misspelt stage name. */
export const looksLikeImage = (value: string) => /[/:@]/.test(value) || value === 'scratch';

const remote = /^(https?:\/\/|git@|git:\/\/)|\.git(#.*)?$/;
const archive = /\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz|zst|lz4))$/i;

const kindOf = (found: ReturnType<StageFS['lookup']>): EntryKind | undefined => {
  if (!found) return undefined;
  if (found.how === 'context') return found.kind;
  if (found.how === 'dir') return 'dir';
  if (found.how === 'inline') return 'file';
  return undefined;
};

export const dispatchCopy = (
  instruction: Instruction,
  stage: CopyStage,
  stages: ReadonlyMap<string, CopyStage>,
  /** Every stage of the file by name (lower case), with its index. */
  allStages: ReadonlyMap<string, number>,
  stageCount: number,
): CopyResult => {
  const result: CopyResult = { problems: [], images: [], deferred: [] };
  const { line, keyword } = instruction;
  const report = (message: string) => result.problems.push(problem('copy-source', line, `${keyword} (line ${line}): ${message}`));
  const args = copyArguments(expand(instruction.body, stage.vars));
  if (!args) {
    result.problems.push(problem('parse', line, `${keyword} (line ${line}) needs at least one source and a destination`));
    return result;
  }
  const { fs } = stage;
  const destAbs = path.posix.resolve(stage.workdir, args.dest);
  const known = fs.lookup(destAbs);
  const destIsDir = /(^|\/)\.{0,2}$/.test(args.dest) || kindOf(known) === 'dir';
  const writes: Write[] = [];
  const into = (source: string, kind: EntryKind | undefined) =>
    kind === 'dir' || !destIsDir ? destAbs : path.posix.join(destAbs, path.posix.basename(source));
  const heredoc = (source: string) => /^<<-?["']?\w/.test(source);
  const sources = args.sources.filter((source) => !heredoc(source));
  for (const source of args.sources.filter(heredoc)) writes.push({ kind: 'inline', dest: into(source.replace(/^<<-?["']?|["']$/g, ''), 'file') });
  if (args.sources.length > 1 && !destIsDir) {
    report(`${args.sources.length} sources need a folder destination ending in "/", not "${args.dest}"`);
  }
  const from = flag(instruction, 'from');
  if (from === undefined) {
    const exclude = flagValues(instruction, 'exclude');
    const matcher = exclude.length > 0 ? new PatternMatcher(exclude) : undefined;
    const parents = ['', 'true'].includes(flag(instruction, 'parents') ?? 'false');
    for (const source of sources) {
      if (keyword === 'ADD' && remote.test(source)) {
        writes.push({ kind: 'image', dest: into(source, 'file'), image: source, entry: 'dir' });
        continue;
      }
      writes.push(...contextSource(source, { stage, destAbs, destIsDir, parents, matcher, keyword, report }));
    }
  } else {
    const index = /^\d+$/.test(from) ? Number(from) : allStages.get(from.toLowerCase());
    const named = [...stages.values()].find((other) => other.index === index);
    const refuse = (why: string) => result.problems.push(problem('parse', line, `${keyword} --from=${from} (line ${line}) ${why}`));
    if (from.includes('$')) refuse('uses a variable, which BuildKit does not expand in --from');
    else if (named && named.index < stage.index) {
      for (const source of sources) writes.push(...stageSource(source, named, { destAbs, destIsDir, from, report, into }));
    } else if (index === stage.index) refuse('names its own stage (a circular dependency)');
    else if (index !== undefined && index < stageCount) {
      result.deferred.push({ index, from, sources });
      for (const source of sources) writes.push({ kind: 'image', dest: into(source, source.endsWith('/') ? 'dir' : 'file'), image: `stage ${from}`, entry: 'dir' });
    } else if (index !== undefined || !looksLikeImage(from)) {
      refuse(index !== undefined ? `names stage index ${index}, and the file has ${stageCount} stages` : 'names no stage and is not an image reference');
    } else {
      result.images.push({ image: from, sources });
      for (const source of sources) writes.push({ kind: 'image', dest: into(source, source.endsWith('/') ? 'dir' : 'file'), image: from, entry: 'dir' });
    }
  }
  fs.writes.push(...writes);
  return result;
};

interface ContextCopy {
  stage: CopyStage;
  destAbs: string;
  destIsDir: boolean;
  parents: boolean;
  matcher?: PatternMatcher;
  keyword: string;
  report: (message: string) => void;
}

const contextSource = (source: string, copy: ContextCopy): Write[] => {
  const { context } = copy.stage.fs;
  const [pivot, pattern] = copy.parents && source.includes('/./') ? source.split('/./', 2) : ['', source];
  const full = pivot ? `${pivot}/${pattern}` : pattern;
  const matches = context.resolve(full);
  if (matches === 'no-folder') {
    const fixed = cleanPath(full).split('/').filter((part) => !hasWildcard(part));
    copy.report(`the folder before the wildcard in "${source}" (${fixed.join('/') || '.'}) is not in the build context, so the copy fails`);
    return [];
  }
  if (!hasWildcard(full) && context.entry(matches[0]) === undefined) {
    copy.report(`"${source}" ${context.whyMissing(matches[0])}`);
    return [];
  }
  const base = pivot ? cleanPath(pivot) : '.';
  return matches.map((match): Write => {
    const entry = context.entry(match)!;
    let dest = entry === 'dir' || !copy.destIsDir ? copy.destAbs : path.posix.join(copy.destAbs, path.posix.basename(match));
    if (copy.parents) dest = path.posix.join(copy.destAbs, base === '.' ? match : path.posix.relative(base, match));
    if (copy.keyword === 'ADD' && entry === 'file' && archive.test(match)) {
      return { kind: 'image', dest: copy.destAbs, image: `the archive ${match}, unpacked`, entry: 'dir' };
    }
    return { kind: 'context', dest, source: match, entry, exclude: copy.matcher };
  });
};

interface StageCopy {
  destAbs: string;
  destIsDir: boolean;
  from: string;
  report: (message: string) => void;
  into: (source: string, kind: EntryKind | undefined) => string;
}

const stageSource = (source: string, other: CopyStage, copy: StageCopy): Write[] => {
  const absolute = cleanPath(`/${source}`);
  const parts = absolute.split('/');
  const wildcard = parts.findIndex(hasWildcard);
  const fixed = wildcard < 0 ? absolute : parts.slice(0, wildcard).join('/') || '/';
  const found = other.fs.lookup(fixed);
  if (!found) {
    copy.report(notInStage(fixed, `"${copy.from}"`));
    return [];
  }
  if (wildcard >= 0) return [{ kind: 'stage', dest: copy.destAbs, from: other.fs, source: fixed, entry: 'dir' }];
  const kind = kindOf(found);
  if (kind) return [{ kind: 'stage', dest: copy.into(absolute, kind), from: other.fs, source: absolute, entry: kind }];
  // A RUN's output or an image's file: a file or a folder, so both readings stay possible.
  const writes: Write[] = [{ kind: 'stage', dest: copy.destAbs, from: other.fs, source: absolute, entry: 'dir' }];
  if (copy.destIsDir) writes.push({ kind: 'stage', dest: copy.into(absolute, 'file'), from: other.fs, source: absolute, entry: 'file' });
  return writes;
};
