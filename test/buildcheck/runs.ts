/**
 * What a RUN plausibly leaves behind, read from its text alone: the paths it writes (output options, `>`,
 * mkdir, cp/mv/ln destinations, virtual environments, the usual output folders of the build tools it runs
 * in its folder) and every path-like word it names. A later lookup accepts a path the RUN names exactly, or
 * one below a folder it writes.
 */
import path from 'node:path';
import { type Command, commandsOf, optionValue, resolvePath } from './shell.js';

export interface RunRecord {
  stage: string;
  line: number;
  text: string;
  cwd: string;
  commands: Command[];
  /** Absolute paths the RUN writes (files or folders). */
  written: string[];
  /** Absolute paths of every path-like word of the text, resolved against each folder the RUN runs in. */
  named: Set<string>;
}

/** Options whose value is a path the command writes. */
const outputOptions = [
  '-o', '--output', '--output-file', '--out', '--out-dir', '--outdir', '--output-dir', '--destination', '--dest',
  '--target', '--prefix', '--root', '-O', '--directory-prefix', '-d', '-t', '--target-directory', '--outfile',
  '--out-file', '--outDir', '--dist-dir', '--output-path',
];

/** Build commands and the folders they write below the folder they run in. */
const buildOutputs: [RegExp, string[]][] = [
  [/^(npm|pnpm|yarn|bun) (run|run-script) |^(pnpm|yarn) [\w:-]*build\b|^(npx |bunx |pnpm exec |yarn )?(tsc|vite build|next build|ng build|nest build|astro build|nuxt build|svelte-kit build)\b/, ['dist', 'build', 'out', '.next', '.output', '.svelte-kit', 'lib']],
  [/^(npm (ci|install|i)|pnpm (install|i|fetch)|yarn( install| workspaces focus)?|bun install)\b/, ['node_modules', '**/node_modules']],
  [/^(\.\/)?mvnw?\b.*\b(package|install|verify)\b/, ['target', '**/target']],
  [/^(\.\/)?gradlew?\b/, ['build', '**/build']],
  [/^cargo (build|install)\b/, ['target']],
  [/^(python3? -m build|uv build|poetry build|pdm build|hatch build)\b/, ['dist']],
  [/^(uv sync|poetry (install|sync)|pdm (install|sync)|pipenv (install|sync))\b/, ['.venv']],
  [/-Djarmode=(layertools|tools)\b.*\bextract\b/, ['dependencies', 'spring-boot-loader', 'snapshot-dependencies', 'application']],
];

const mkdirLike = new Set(['mkdir', 'touch', 'tee']);
const copyLike = new Set(['cp', 'mv', 'ln', 'install', 'rsync']);

/** Paths one command writes, absolute. */
export const writtenBy = (command: Command, env: ReadonlyMap<string, string>): string[] => {
  const [name, ...args] = command.words;
  const at = (target: string) => resolvePath(command.cwd, target);
  const out = command.redirects.slice();
  const operands = args.filter((word) => !word.startsWith('-'));
  if (mkdirLike.has(name)) out.push(...operands.map(at));
  if (copyLike.has(name) && operands.length >= 2) out.push(at(operands[operands.length - 1]));
  if (name === 'pnpm' && operands.includes('deploy') && operands.length >= 2) out.push(at(operands[operands.length - 1]));
  const venv = /^(python[\d.]*|virtualenv|uv)$/.test(name) && command.words.join(' ').match(/(?:-m venv|^virtualenv|^uv venv)\s+(?:--?\S+\s+)*([^\s-]\S*)/);
  if (venv) out.push(at(venv[1]));
  for (const option of outputOptions) {
    const value = optionValue(args, option);
    if (value && !value.startsWith('-')) out.push(at(value));
  }
  const line = command.words.join(' ');
  for (const [pattern, folders] of buildOutputs) {
    if (pattern.test(line)) out.push(...folders.map((folder) => at(folder)));
  }
  const projectVenv = env.get('UV_PROJECT_ENVIRONMENT') ?? env.get('VIRTUAL_ENV');
  if (/^(uv|poetry|pip|pdm)$/.test(name) && projectVenv) out.push(at(projectVenv));
  return out;
};

const pathWords = /[\w.@+~/-]+/g;

const builtins = new Set(['install', 'i', 'ci', 'add', 'remove', 'exec', 'dlx', 'fetch', 'workspaces', 'workspace', 'dedupe', 'prune', 'link', 'pack', 'publish', 'why', 'set', 'config', 'self']);

/** The package.json script a command runs: npm run X / npm start, pnpm [run] X, yarn [run] X, bun run X. */
export const scriptRun = (words: string[]): string | undefined => {
  const [tool, first, second] = words;
  if (!/^(npm|pnpm|yarn|bun)$/.test(tool) || !first) return undefined;
  if (first === 'run' || first === 'run-script') return second;
  if (tool === 'npm' || tool === 'bun') return ['start', 'test'].includes(first) ? first : undefined;
  return first.startsWith('-') || builtins.has(first) ? undefined : first;
};

/** package.json scripts in a folder of the stage, when known. */
export type ScriptsOf = (folder: string) => Record<string, string> | undefined;

/**
 * Records a RUN. The package.json scripts it runs (npm run build, ...) are read as part of it, so an
 * `esbuild --outfile=dist/server.js` in a script counts as written.
 */
export const recordRun = (stage: string, line: number, text: string, cwd: string, env: ReadonlyMap<string, string>, scriptsOf?: ScriptsOf): RunRecord => {
  const commands = commandsOf(text, cwd);
  const texts: [string, Set<string>][] = [[text, new Set([cwd, ...commands.map((command) => command.cwd)])]];
  for (const command of [...commands]) {
    const name = scriptRun(command.words);
    const script = name && scriptsOf?.(command.cwd)?.[name];
    if (!script) continue;
    const inner = commandsOf(script, command.cwd);
    commands.push(...inner);
    texts.push([script, new Set([command.cwd, ...inner.map((nested) => nested.cwd)])]);
  }
  const named = new Set<string>();
  for (const [source, folders] of texts) {
    for (const word of source.match(pathWords) ?? []) {
      if (!/[A-Za-z0-9]/.test(word) || word.startsWith('-')) continue;
      for (const folder of folders) named.add(resolvePath(folder, word));
    }
  }
  return { stage, line, text, cwd, commands, written: commands.flatMap((command) => writtenBy(command, env)), named };
};

export interface Made {
  run: RunRecord;
  /** The path looked up, in the coordinates of the RUN's stage. */
  target: string;
  /** True when the RUN names the path itself; false when it writes a folder above it. */
  exact: boolean;
  /** The written folder the path is below (exact: the path itself). */
  base: string;
}

/** Whether `target` matches a written path, which may hold a `**` folder pattern. */
const below = (target: string, written: string): boolean => {
  if (written.includes('/**/')) {
    const [head, tail] = written.split('/**/');
    return target.startsWith(`${head}/`) && (`/${target.slice(head.length + 1)}/`).includes(`/${tail}/`);
  }
  return target === written || target.startsWith(`${written.replace(/\/$/, '')}/`);
};

/** The RUN (latest first) that plausibly made `target`. */
export const madeBy = (runs: readonly RunRecord[], target: string): Made | undefined => {
  for (const run of [...runs].reverse()) {
    if (run.named.has(target) || run.written.includes(target)) return { run, target, exact: true, base: target };
    const folder = run.written.find((written) => written !== '/' && below(target, written));
    if (folder) return { run, target, exact: false, base: folder.includes('/**/') ? folder.split('/**/')[0] : folder };
  }
  return undefined;
};

export const basename = (target: string) => path.posix.basename(target);
