/**
 * Runs a Dockerfile's stages without Docker: each stage's filesystem (from its base stage, COPY/ADD,
 * WORKDIR and RUN), its working folder, variables, ENTRYPOINT and CMD. Reports what BuildKit's frontend
 * would refuse (parse) and sources a copy cannot find (copy-source); records every RUN, with a view of the
 * filesystem as it runs (bind mounts included), for the rules that read commands.
 */
import path from 'node:path';
import { parseDockerfile, type Instruction } from '../docker/dockerfile-parse.js';
import { readThrough } from './built-files.js';
import type { BuildContext } from './context.js';
import { type CopyStage, dispatchCopy, looksLikeImage, notInStage } from './copy.js';
import { type Found, StageFS } from './filesystem.js';
import { type CommandLine, commandLine, envPairs, expand, flagValues, instructionError, type Syntax, syntaxOf } from './instructions.js';
import { cleanPath, hasWildcard } from './patterns.js';
import { type RunRecord, recordRun } from './runs.js';
import { type BuildProblem, problem } from './types.js';

export interface SimStage extends CopyStage {
  line: number;
  /** The stage's base as written (expanded): an image or an earlier stage's name. */
  base: string;
  parent?: SimStage;
  /** The image at the bottom of the stage chain. */
  image: string;
  env: Map<string, string>;
  args: Map<string, string>;
  entrypoint?: { value: CommandLine; line: number };
  cmd?: { value: CommandLine; line: number };
  /** Whether this stage set CMD itself. */
  ownCmd: boolean;
}

export interface RunStep {
  stage: SimStage;
  line: number;
  record: RunRecord;
  env: ReadonlyMap<string, string>;
  /** The filesystem as this RUN sees it (its bind mounts included). */
  lookup: (target: string) => Found | undefined;
}

export interface Simulation {
  syntax: Syntax;
  stages: SimStage[];
  runs: RunStep[];
  imageCopies: { stage: SimStage; line: number; image: string; sources: string[] }[];
  problems: BuildProblem[];
}

/** Working folders that official images set. */
const imageWorkdir = (image: string) => (/^(docker\.io\/)?(library\/)?golang:/.test(image) ? '/go' : /^(docker\.io\/)?(library\/)?gradle:/.test(image) ? '/home/gradle' : '/');

const stageName = /^[a-z][a-z0-9._-]*$/;

export const simulate = (text: string, context: BuildContext): Simulation => {
  const parsed = parseDockerfile(text);
  const syntax = syntaxOf(parsed.directives);
  const sim: Simulation = { syntax, stages: [], runs: [], imageCopies: [], problems: [] };
  const report = (rule: BuildProblem['rule'], line: number, message: string) => sim.problems.push(problem(rule, line, message));
  const metaArgs = new Map<string, string>([['BUILDPLATFORM', 'linux/amd64'], ['TARGETPLATFORM', 'linux/amd64'], ['TARGETOS', 'linux'], ['TARGETARCH', 'amd64']]);
  const byName = new Map<string, SimStage>();
  const laterNames = new Set(parsed.stages.map((stage) => stage.name?.toLowerCase()).filter(Boolean));
  const allStages = new Map(parsed.stages.flatMap((stage) => (stage.name ? [[stage.name.toLowerCase(), stage.index] as const] : [])));
  const deferred: { stage: SimStage; line: number; index: number; from: string; sources: string[] }[] = [];
  let stage: SimStage | undefined;

  for (const instruction of parsed.instructions) {
    const { line, keyword } = instruction;
    const error = instructionError(instruction, syntax);
    if (error) report('parse', line, `line ${line}: ${error}`);
    if (!stage && keyword !== 'FROM') {
      if (keyword === 'ARG') declareArgs(instruction.body, metaArgs, metaArgs);
      else if (!error) report('parse', line, `line ${line}: ${keyword} before the first FROM (only ARG may come first)`);
      continue;
    }
    if (keyword === 'FROM') {
      stage = startStage(instruction, sim, metaArgs, byName, laterNames, context);
      continue;
    }
    if (!stage || error?.startsWith('unknown')) continue;
    const vars = new Map([...stage.args, ...stage.env]);
    stage.vars = vars;
    switch (keyword) {
      case 'COPY':
      case 'ADD': {
        const copied = dispatchCopy(instruction, stage, byName, allStages, parsed.stages.length);
        sim.problems.push(...copied.problems);
        for (const image of copied.images) sim.imageCopies.push({ stage, line, ...image });
        for (const later of copied.deferred) deferred.push({ stage, line, ...later });
        break;
      }
      case 'WORKDIR': {
        stage.workdir = path.posix.resolve(stage.workdir, expand(instruction.body, vars));
        stage.fs.writes.push({ kind: 'mkdir', dest: stage.workdir });
        break;
      }
      case 'ENV':
        for (const [name, value] of envPairs(instruction.body)) stage.env.set(name, expand(value, new Map([...stage.args, ...stage.env])));
        break;
      case 'ARG':
        declareArgs(instruction.body, stage.args, metaArgs);
        break;
      case 'RUN':
        sim.runs.push(runStep(instruction, stage, byName, report));
        break;
      case 'CMD':
        stage.cmd = { value: commandLine(instruction.body), line };
        stage.ownCmd = true;
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = { value: commandLine(instruction.body), line };
        // BuildKit drops the CMD a stage inherited when the stage sets its own ENTRYPOINT.
        if (!stage.ownCmd) stage.cmd = undefined;
        break;
      default:
        break;
    }
  }
  if (parsed.stages.length === 0) report('parse', 0, 'the Dockerfile has no FROM instruction');
  for (const copy of deferred) checkLaterCopy(sim, copy, report);
  return sim;
};

/** A copy from a stage defined further down: no cycle, and the literal sources exist in its final filesystem. */
const checkLaterCopy = (
  sim: Simulation,
  copy: { stage: SimStage; line: number; index: number; from: string; sources: string[] },
  report: (rule: BuildProblem['rule'], line: number, message: string) => void,
) => {
  const source = sim.stages[copy.index];
  for (let current: SimStage | undefined = source; current; current = current.parent) {
    if (current === copy.stage) return report('parse', copy.line, `COPY --from=${copy.from} (line ${copy.line}): that stage is built on this one (a circular dependency)`);
  }
  for (const path of copy.sources.filter((path) => !hasWildcard(path))) {
    const absolute = cleanPath(`/${path}`);
    if (!source.fs.lookup(absolute)) report('copy-source', copy.line, `COPY (line ${copy.line}): ${notInStage(absolute, source.label)}`);
  }
};

/** ARG a[=x] b: declares each, with its default, else the global value of the same name. */
const declareArgs = (body: string, into: Map<string, string>, globals: ReadonlyMap<string, string>) => {
  for (const word of body.split(/\s+/).filter(Boolean)) {
    const at = word.indexOf('=');
    const name = at < 0 ? word : word.slice(0, at);
    if (at >= 0) into.set(name, expand(word.slice(at + 1).replace(/^(["'])(.*)\1$/, '$2'), new Map([...globals, ...into])));
    else if (globals.has(name)) into.set(name, globals.get(name)!);
  }
};

const startStage = (
  instruction: Instruction,
  sim: Simulation,
  metaArgs: ReadonlyMap<string, string>,
  byName: Map<string, SimStage>,
  laterNames: Set<string | undefined>,
  context: BuildContext,
): SimStage => {
  const { line } = instruction;
  const [rawBase = '', as, rawName, ...extra] = instruction.body.split(/\s+/);
  const base = expand(rawBase, metaArgs);
  const index = sim.stages.length;
  const name = rawName?.toLowerCase();
  if (!rawBase || (as !== undefined && (as.toLowerCase() !== 'as' || !name || extra.length > 0))) {
    sim.problems.push(problem('parse', line, `FROM (line ${line}) must read FROM <image> [AS <name>], not "FROM ${instruction.body}"`));
  } else if (name && !stageName.test(name)) {
    sim.problems.push(problem('parse', line, `FROM (line ${line}): "${rawName}" is not a valid stage name`));
  } else if (name && byName.has(name)) {
    sim.problems.push(problem('parse', line, `FROM (line ${line}): the stage name "${name}" is used twice`));
  }
  const parent = byName.get(base.toLowerCase());
  if (!parent && laterNames.has(base.toLowerCase())) {
    sim.problems.push(problem('parse', line, `FROM ${base} (line ${line}) names a stage that is not defined before this one`));
  }
  const image = parent ? parent.image : base;
  const stageLabel = name ?? String(index);
  const fs = new StageFS(stageLabel, context, image, parent ? { fs: parent.fs, upto: parent.fs.writes.length } : undefined);
  const stage: SimStage = {
    name: stageLabel,
    label: name ? `"${name}"` : `#${index}`,
    index,
    line,
    base,
    parent,
    image,
    fs,
    workdir: parent ? parent.workdir : imageWorkdir(image),
    env: new Map(parent?.env),
    args: new Map(),
    vars: new Map(),
    entrypoint: parent?.entrypoint,
    cmd: parent?.cmd,
    ownCmd: false,
  };
  sim.stages.push(stage);
  byName.set(stageLabel, stage);
  return stage;
};

/** `--mount=type=bind,source=x,target=y,from=stage` as key=value pairs. */
const mountOptions = (value: string): Record<string, string> =>
  Object.fromEntries(value.split(',').map((pair) => {
    const at = pair.indexOf('=');
    return at < 0 ? [pair, 'true'] : [pair.slice(0, at), pair.slice(at + 1)];
  }));

const runStep = (
  instruction: Instruction,
  stage: SimStage,
  byName: ReadonlyMap<string, SimStage>,
  report: (rule: BuildProblem['rule'], line: number, message: string) => void,
): RunStep => {
  const { line } = instruction;
  const overlay = new StageFS(stage.name, stage.fs.context, stage.image, { fs: stage.fs, upto: stage.fs.writes.length });
  for (const mount of flagValues(instruction, 'mount').map(mountOptions)) {
    if ((mount.type ?? 'bind') !== 'bind') continue;
    const source = mount.source ?? mount.src ?? '.';
    const target = path.posix.resolve(stage.workdir, mount.target ?? mount.dst ?? mount.destination ?? '.');
    const other = mount.from ? byName.get(mount.from.toLowerCase()) : undefined;
    if (mount.from && (!other || other.index >= stage.index)) {
      if (other || !looksLikeImage(mount.from)) report('parse', line, `RUN --mount (line ${line}): from=${mount.from} names no earlier stage and is not an image reference`);
      continue;
    }
    if (other) {
      if (!other.fs.lookup(cleanPath(`/${source}`))) report('copy-source', line, `RUN --mount (line ${line}): ${source} is not in stage "${mount.from}"`);
      overlay.writes.push({ kind: 'stage', dest: target, from: other.fs, source: cleanPath(`/${source}`), entry: 'dir' });
    } else {
      const kind = stage.fs.context.entry(source);
      if (!kind) report('copy-source', line, `RUN --mount (line ${line}): bind source "${source}" ${stage.fs.context.whyMissing(source)}`);
      else overlay.writes.push({ kind: 'context', dest: target, source: cleanPath(source), entry: kind });
    }
  }
  const vars = new Map([...stage.args, ...stage.env]);
  const exec = commandLine(instruction.body);
  const script = 'exec' in exec ? exec.exec.join(' ') : [instruction.body, ...instruction.heredocs.map((doc) => doc.content)].join('\n');
  const scriptsOf = (folder: string) => {
    try {
      return (JSON.parse(readThrough(overlay, path.posix.join(folder, 'package.json')) ?? '{}') as { scripts?: Record<string, string> }).scripts;
    } catch {
      return undefined;
    }
  };
  const record = recordRun(stage.name, line, expand(script, vars, true), stage.workdir, vars, scriptsOf);
  stage.fs.writes.push({ kind: 'run', run: record });
  return { stage, line, record, env: vars, lookup: (target) => overlay.lookup(target) };
};
