/**
 * The lockfile rule: every dependency install in a RUN must find the files it reads, in the folder it runs
 * in, in the stage's filesystem at that point; and an install that may rewrite the lock instead of
 * following it (npm install, pnpm install outside CI, uv sync without --frozen/--locked, ...) is not
 * reproducible.
 */
import path from 'node:path';
import { type Found, mirroredContextFile } from './filesystem.js';
import { writtenBy } from './runs.js';
import { type Command, optionValue, optionValues, resolvePath } from './shell.js';
import type { RunStep } from './simulate.js';
import { type BuildProblem, problem } from './types.js';

/** What an install command reads: one of `anyOf` in `dir`, with an optional check of the file's text. */
interface Need {
  anyOf: string[];
  dir: string;
  check?: (text: string) => string | undefined;
  /** Also accepted in a parent folder (Go finds go.mod upwards). */
  upwards?: boolean;
}

interface Install {
  needs: Need[];
  /** Why the command does not follow a lockfile, if it does not. */
  unfrozen?: string;
  /** Requirement files (pip -r) to read for nested -r lines and hashes. */
  requirements?: { files: string[]; hashes: boolean };
}

const lockfiles: Record<string, string> = {
  'package-lock.json': 'npm', 'npm-shrinkwrap.json': 'npm', 'pnpm-lock.yaml': 'pnpm', 'yarn.lock': 'Yarn', 'bun.lock': 'Bun',
  'bun.lockb': 'Bun', 'uv.lock': 'uv', 'poetry.lock': 'Poetry', 'pdm.lock': 'PDM', 'Pipfile.lock': 'Pipenv',
};

const truthy = (value: string | undefined) => value !== undefined && value !== '' && !/^(0|false|no)$/i.test(value);
const has = (words: string[], ...flags: string[]) => words.some((word) => flags.includes(word) || flags.some((flag) => flag.startsWith('--') && word.startsWith(`${flag}=`) && !word.endsWith('=false')));

/** The subcommand: the first word after the tool that is not an option or an option's value. */
const subcommand = (words: string[], valued: string[]): { name: string; at: number } => {
  for (let i = 1; i < words.length; i += 1) {
    if (valued.includes(words[i])) i += 1;
    else if (!words[i].startsWith('-')) return { name: words[i], at: i };
  }
  return { name: '', at: words.length };
};

const yarnBerry = (text: string) => /^__metadata:/m.test(text);

const installOf = (command: Command, env: ReadonlyMap<string, string>): Install | undefined => {
  const { words, cwd } = command;
  const all = new Map([...env, ...Object.entries(command.assignments)]);
  const dirOf = (...options: string[]) => resolvePath(cwd, optionValue(words, ...options) ?? '.');
  const tool = words[0].replace(/^.*\//, '');
  if (tool === 'npm') {
    const sub = subcommand(words, ['--prefix', '-w', '--workspace']).name;
    const dir = dirOf('--prefix');
    if (['ci', 'clean-install', 'install-clean', 'ic'].includes(sub)) {
      const workspaces = optionValues(words, '--workspace', '-w').filter((workspace) => !workspace.startsWith('-'));
      return {
        needs: [
          { anyOf: ['package-lock.json', 'npm-shrinkwrap.json'], dir },
          { anyOf: ['package.json'], dir },
          ...workspaces.map((workspace) => ({ anyOf: ['package.json'], dir: resolvePath(dir, workspace) })),
        ],
      };
    }
    if (['install', 'i', 'in', 'add', 'isntall'].includes(sub) && !has(words, '-g', '--global', '--location=global')) {
      return { needs: [], unfrozen: '`npm install` may rewrite package-lock.json instead of installing it exactly; `npm ci` does' };
    }
    return undefined;
  }
  if (tool === 'pnpm') {
    const sub = subcommand(words, ['-C', '--dir', '--filter', '-F']).name || 'install';
    const dir = dirOf('-C', '--dir');
    if (sub === 'fetch') return { needs: [{ anyOf: ['pnpm-lock.yaml'], dir }] };
    if (!['install', 'i'].includes(sub) || has(words, '-g', '--global')) return undefined;
    const frozen = has(words, '--frozen-lockfile') || (truthy(all.get('CI')) && !has(words, '--no-frozen-lockfile'));
    return {
      needs: [{ anyOf: ['pnpm-lock.yaml'], dir }],
      unfrozen: frozen ? undefined : '`pnpm install` without --frozen-lockfile (and without CI set) may rewrite pnpm-lock.yaml',
    };
  }
  if (tool === 'yarn') {
    const { name: sub, at } = subcommand(words, ['--cwd']);
    const dir = dirOf('--cwd');
    if (sub === 'workspaces' && words[at + 1] === 'focus') {
      return { needs: [{ anyOf: ['yarn.lock'], dir, check: (text) => (yarnBerry(text) ? undefined : 'is a Yarn 1 lockfile (no __metadata: block), and `yarn workspaces focus` is Yarn 2+') }] };
    }
    if (sub !== '' && sub !== 'install') return undefined;
    if (has(words, '--immutable')) {
      return { needs: [{ anyOf: ['yarn.lock'], dir, check: (text) => (yarnBerry(text) ? undefined : 'is a Yarn 1 lockfile (no __metadata: block), but --immutable is a Yarn 2+ flag') }] };
    }
    if (has(words, '--frozen-lockfile', '--pure-lockfile')) {
      return { needs: [{ anyOf: ['yarn.lock'], dir, check: (text) => (yarnBerry(text) ? 'is a Yarn 2+ lockfile (it has a __metadata: block), which a Yarn 1 install with --frozen-lockfile cannot read' : undefined) }] };
    }
    const ci = truthy(all.get('CI')) || truthy(all.get('YARN_ENABLE_IMMUTABLE_INSTALLS'));
    return {
      needs: [{ anyOf: ['yarn.lock'], dir }],
      unfrozen: ci ? undefined : '`yarn install` without --frozen-lockfile (Yarn 1) or --immutable (Yarn 2+) may rewrite yarn.lock',
    };
  }
  if (tool === 'bun' || tool === 'bunx') {
    const sub = subcommand(words, ['--cwd']).name;
    const dir = dirOf('--cwd');
    if (sub === 'ci') return { needs: [{ anyOf: ['bun.lock', 'bun.lockb'], dir }] };
    if (!['install', 'i'].includes(sub) || has(words, '-g', '--global')) return undefined;
    return {
      needs: [{ anyOf: ['bun.lock', 'bun.lockb'], dir }],
      unfrozen: has(words, '--frozen-lockfile') ? undefined : '`bun install` without --frozen-lockfile may rewrite the lockfile',
    };
  }
  if (tool === 'uv') {
    const { name: sub, at } = subcommand(words, ['--directory', '--project']);
    const dir = dirOf('--directory', '--project');
    if (sub === 'pip' && ['install', 'sync'].includes(words[at + 1])) return pipInstall(command, words[at + 1] === 'sync');
    if (!['sync', 'export'].includes(sub)) return undefined;
    const frozen = has(words, '--frozen', '--locked') || truthy(all.get('UV_FROZEN')) || truthy(all.get('UV_LOCKED'));
    return {
      needs: [{ anyOf: ['uv.lock'], dir }, { anyOf: ['pyproject.toml'], dir }],
      unfrozen: frozen ? undefined : `\`uv ${sub}\` without --frozen or --locked (or UV_FROZEN/UV_LOCKED) may re-lock instead of using uv.lock`,
    };
  }
  if (tool === 'poetry') {
    const sub = subcommand(words, ['-C', '--directory', '-P', '--project']).name;
    if (!['install', 'export', 'sync'].includes(sub)) return undefined;
    const dir = dirOf('-C', '--directory', '-P', '--project');
    return { needs: [{ anyOf: ['poetry.lock'], dir }, { anyOf: ['pyproject.toml'], dir }] };
  }
  if (tool === 'pdm') {
    const sub = subcommand(words, ['-p', '--project']).name;
    const dir = dirOf('-p', '--project');
    if (['sync', 'export'].includes(sub)) return { needs: [{ anyOf: ['pdm.lock'], dir }] };
    if (sub !== 'install') return undefined;
    const frozen = has(words, '--frozen-lockfile') || truthy(all.get('PDM_FROZEN_LOCKFILE'));
    return { needs: [{ anyOf: ['pdm.lock'], dir }], unfrozen: frozen ? undefined : '`pdm install` without --frozen-lockfile may re-lock' };
  }
  if (tool === 'pipenv') {
    const sub = subcommand(words, []).name;
    const needs = [{ anyOf: ['Pipfile.lock'], dir: cwd }];
    if (['sync', 'requirements'].includes(sub)) return { needs };
    if (sub !== 'install' || words.length > 2 + words.filter((word) => word.startsWith('-')).length) return undefined;
    return { needs, unfrozen: has(words, '--deploy') ? undefined : '`pipenv install` without --deploy may re-lock Pipfile.lock' };
  }
  if (/^pip[\d.]*$/.test(tool) && words[1] === 'install') return pipInstall(command, false);
  if (/^python[\d.]*$/.test(tool) && words[1] === '-m' && words[2] === 'pip' && words[3] === 'install') return pipInstall(command, false);
  if (tool === 'go') {
    const sub = words[1] === 'mod' ? `mod ${words[2]}` : words[1];
    if (sub !== 'mod download' && sub !== 'build') return undefined;
    return { needs: [{ anyOf: ['go.mod'], dir: cwd, upwards: true }] };
  }
  if (tool === 'mvnw' && words[0] !== 'mvnw') {
    const dir = path.posix.dirname(resolvePath(cwd, words[0]));
    return { needs: [{ anyOf: ['mvnw'], dir }, { anyOf: ['.mvn/wrapper/maven-wrapper.properties'], dir }] };
  }
  if (tool === 'mvn') {
    const file = optionValue(words, '-f', '--file');
    const target = file ? resolvePath(cwd, file) : cwd;
    return { needs: file?.endsWith('.xml') ? [{ anyOf: [path.posix.basename(target)], dir: path.posix.dirname(target) }] : [{ anyOf: ['pom.xml'], dir: target }] };
  }
  if (tool === 'gradlew' && words[0] !== 'gradlew') {
    const dir = path.posix.dirname(resolvePath(cwd, words[0]));
    return { needs: ['gradlew', 'gradle/wrapper/gradle-wrapper.properties', 'gradle/wrapper/gradle-wrapper.jar'].map((file) => ({ anyOf: [file], dir })) };
  }
  if (tool === 'gradle') {
    return { needs: [{ anyOf: ['settings.gradle.kts', 'settings.gradle', 'build.gradle.kts', 'build.gradle'], dir: dirOf('-p', '--project-dir') }] };
  }
  return undefined;
};

/** Options of pip install that take a value, so that their values are not taken for packages. */
const pipValued = new Set(['-r', '--requirement', '-c', '--constraint', '-t', '--target', '--prefix', '--root', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--python', '--platform', '--python-version', '--implementation', '--abi', '--src', '--upgrade-strategy', '--cache-dir', '--trusted-host', '--progress-bar', '--log', '--config-settings', '-C']);

const pipInstall = (command: Command, sync: boolean): Install => {
  const files = [...optionValues(command.words, '-r', '--requirement', '-c', '--constraint')];
  const operands = command.words.slice(command.words.indexOf(sync ? 'sync' : 'install') + 1).filter((word, i, all) => !word.startsWith('-') && !pipValued.has(all[i - 1]));
  if (sync) files.push(...operands);
  const hashes = command.words.includes('--require-hashes');
  const needs: Need[] = files.map((file) => ({ anyOf: [path.posix.basename(file)], dir: resolvePath(command.cwd, path.posix.dirname(file)) }));
  // `pip install .` (or a folder) builds that project from its own files.
  for (const folder of sync ? [] : operands.filter((operand) => /^\.{1,2}(\/|$)|^\//.test(operand) && !/\.(whl|tar\.gz|zip)$/.test(operand))) {
    needs.push({ anyOf: ['pyproject.toml', 'setup.py', 'setup.cfg'], dir: resolvePath(command.cwd, folder.replace(/\[.*\]$/, '')) });
  }
  return { needs, requirements: { files, hashes } };
};

/** Requirement lines without a --hash (continuation lines joined). */
const unhashed = (text: string): string[] =>
  text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('-') && !/--hash[= ]/.test(line));

/**
 * A file the stage holds at this RUN, with its text when known ('' when not): a context file, a
 * here-document, an image's file, one a RUN names exactly, or one below a RUN's output folder that the
 * RUN's stage copied from the context at the same place (a manifests stage). Undefined otherwise.
 */
const presentFile = (step: RunStep, target: string): { text: string } | undefined => {
  const found = step.lookup(target);
  const text = found ? textOf(step, found, target) : undefined;
  return text === undefined ? undefined : { text };
};

/** A found file's text when known (a context file, or one mirrored from the context), '' when unknown. */
const textOf = (step: RunStep, found: Found, target: string): string | undefined => {
  const { context } = step.stage.fs;
  if (found.how === 'context') return found.kind === 'file' ? context.read(found.source) : undefined;
  if (found.how === 'run' && !found.exact) {
    const mirrored = mirroredContextFile(found, target);
    return mirrored === undefined ? undefined : context.read(mirrored);
  }
  return found.how === 'dir' ? undefined : '';
};

export const installProblems = (steps: readonly RunStep[]): BuildProblem[] => {
  const problems: BuildProblem[] = [];
  for (const step of steps) {
    const { commands } = step.record;
    for (const [index, command] of commands.entries()) {
      const install = installOf(command, step.env);
      if (!install) continue;
      const shown = command.words.slice(0, 4).join(' ');
      const report = (message: string) => problems.push(problem('lockfile', step.line, `RUN (line ${step.line}): \`${shown}\` ${message}`));
      /** Files written by the commands before this one in the same RUN. */
      const earlier = new Set(commands.slice(0, index).flatMap((before) => writtenBy(before, step.env)));
      const find = (target: string) => (earlier.has(target) ? { text: '' } : presentFile(step, target));
      if (install.unfrozen) report(`is not reproducible: ${install.unfrozen}`);
      for (const need of install.needs) {
        const dirs = need.upwards ? ancestors(need.dir) : [need.dir];
        const hit = dirs.flatMap((dir) => need.anyOf.map((file) => ({ target: path.posix.join(dir, file), file }))).map((candidate) => ({ ...candidate, found: find(candidate.target) })).find((candidate) => candidate.found);
        if (!hit) {
          report(`needs ${need.anyOf.join(' or ')} in ${need.dir}${need.upwards ? ' or a folder above it' : ''}, and stage ${step.stage.label} has none there at this point${otherLocks(step, need)}`);
          continue;
        }
        const complaint = hit.found!.text ? need.check?.(hit.found!.text) : undefined;
        if (complaint) report(`reads ${hit.target}, which ${complaint}`);
        if (hit.file === 'go.mod' && hit.found!.text && /^require\b/m.test(hit.found!.text) && !find(path.posix.join(path.posix.dirname(hit.target), 'go.sum'))) {
          report(`needs go.sum beside ${hit.target} (go.mod requires modules), and the stage has none there`);
        }
      }
      if (install.requirements) problems.push(...requirementProblems(step, command, install.requirements, find));
    }
  }
  return problems;
};

const ancestors = (dir: string): string[] => {
  const out = [dir];
  while (out[out.length - 1] !== '/') out.push(path.posix.dirname(out[out.length - 1]));
  return out;
};

/** " (only bun.lock is there, Bun's lockfile)" when another tool's lockfile stands where this one is missing. */
const otherLocks = (step: RunStep, need: Need): string => {
  const others = Object.keys(lockfiles).filter((file) => !need.anyOf.includes(file) && presentFile(step, path.posix.join(need.dir, file)));
  return others.length === 0 ? '' : `; only ${others.map((file) => `${file} (${lockfiles[file]})`).join(', ')} ${others.length === 1 ? 'is' : 'are'} there`;
};

/** Nested -r/-c lines of context requirement files must exist; --require-hashes needs a hash on every line. */
const requirementProblems = (
  step: RunStep,
  command: Command,
  requirements: NonNullable<Install['requirements']>,
  find: (target: string) => { text?: string } | undefined,
): BuildProblem[] => {
  const problems: BuildProblem[] = [];
  const seen = new Set<string>();
  const visit = (target: string) => {
    if (seen.has(target)) return;
    seen.add(target);
    const text = find(target)?.text;
    if (!text) return;
    for (const match of text.matchAll(/^\s*(?:-r|--requirement|-c|--constraint)[=\s]+(\S+)/gm)) {
      const nested = resolvePath(path.posix.dirname(target), match[1]);
      if (!find(nested)) {
        problems.push(problem('lockfile', step.line, `RUN (line ${step.line}): ${target} includes ${match[1]}, and stage ${step.stage.label} has no ${nested} at this point`));
      } else visit(nested);
    }
    const missing = requirements.hashes ? unhashed(text) : [];
    if (missing.length > 0) {
      problems.push(problem('lockfile', step.line, `RUN (line ${step.line}): pip --require-hashes, but ${target} has requirements without --hash: ${missing.slice(0, 3).join(', ')}`));
    }
  };
  for (const file of requirements.files) visit(resolvePath(command.cwd, file));
  return problems;
};
