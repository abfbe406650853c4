/**
 * The start-target rule: the final stage's ENTRYPOINT + CMD (exec or shell form, through sh -c, tini,
 * dumb-init, env and exec) must start something that stage holds, relative to its WORKDIR: node's script,
 * a Python server's module:attribute, python -m / python file.py / manage.py, celery -A, fastapi run, a
 * pyproject console script, java -jar or a main class, a binary by path, an npm/pnpm/yarn/bun script.
 * Bare commands of the image (nginx, sh) are taken as given.
 */
import path from 'node:path';
import { holdsBuiltFile, isFile, readThrough } from './built-files.js';
import { imageRuntime } from './images.js';
import type { CommandLine } from './instructions.js';
import type { Project } from './project.js';
import { definesName, importRoots, moduleFile } from './python-modules.js';
import { commandsOf, optionValue } from './shell.js';
import type { Simulation, SimStage } from './simulate.js';
import { type BuildProblem, problem } from './types.js';

interface View {
  stage: SimStage;
  project: Project;
  runTexts: string[];
}

const servers = new Set(['uvicorn', 'gunicorn', 'hypercorn', 'daphne', 'granian']);
const wrappers = new Set(['tini', 'dumb-init', 'exec', 'nice', 'catatonit']);
/** Options of node that take a value as the next word. */
const nodeValued = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--env-file', '--title', '--inspect-port']);

const argvOf = (entrypoint: CommandLine | undefined, cmd: CommandLine | undefined, image: string): string[] => {
  const shell = (value: CommandLine) => ('exec' in value ? value.exec : ['/bin/sh', '-c', value.shell]);
  if (entrypoint) return 'shell' in entrypoint ? shell(entrypoint) : [...entrypoint.exec, ...(cmd ? shell(cmd) : [])];
  const imageEntry = /distroless\/nodejs/.test(image) ? ['node'] : /distroless\/java/.test(image) ? ['java', '-jar'] : /distroless\/python/.test(image) ? ['python3'] : [];
  const argv = cmd ? [...imageEntry, ...shell(cmd)] : [];
  // The node image's docker-entrypoint.sh runs `node "$@"` when the first argument is not a command.
  return imageRuntime(image)?.language === 'node' && /\.[cm]?js$/.test(argv[0] ?? '') ? ['node', ...argv] : argv;
};

/** Drops tini --, dumb-init, exec, env A=B, gosu/su-exec USER in front of the command. */
const unwrap = (words: string[]): string[] => {
  let rest = words;
  for (;;) {
    const name = path.posix.basename(rest[0] ?? '');
    if (wrappers.has(name)) rest = rest.slice(rest[1] === '--' ? 2 : 1);
    else if (name === 'env') {
      rest = rest.slice(1);
      while (rest[0] !== undefined && /^-|^[A-Za-z_]\w*=/.test(rest[0])) rest = rest.slice(1);
    }
    else if (name === 'gosu' || name === 'su-exec') rest = rest.slice(2);
    else return rest;
  }
};

/** The first argument that is not an option (nor an option's value). */
const firstOperand = (args: string[], valued: Set<string>): string | undefined => {
  for (let i = 0; i < args.length; i += 1) {
    if (valued.has(args[i])) i += 1;
    else if (!args[i].startsWith('-')) return args[i];
  }
  return undefined;
};

const checkCommand = (words: string[], cwd: string, view: View): string | undefined => {
  const [command, ...args] = unwrap(words);
  if (!command) return undefined;
  const name = path.posix.basename(command);
  const at = (file: string) => path.posix.resolve(cwd, file);
  const where = `in stage ${view.stage.label} (WORKDIR ${cwd})`;
  if (/^(node|nodejs|bun|deno|tsx|ts-node)$/.test(name)) {
    if (args.some((arg) => /^(-e|--eval|-p|--print)$/.test(arg))) return undefined;
    const script = firstOperand(/^(bun|deno)$/.test(name) ? args.filter((arg) => arg !== 'run') : args, nodeValued);
    if (!script) return undefined;
    if (/^(bun|deno)$/.test(name) && !/[./]/.test(script)) return packageScript(script, cwd, view);
    return nodeEntry(view, at(script)) ? undefined : `${at(script)} is not ${where}, nor built there from a TypeScript source (tsconfig outDir) or by Next.js standalone output`;
  }
  if (/^(npm|pnpm|yarn)$/.test(name)) {
    const sub = args.find((arg) => !arg.startsWith('-'));
    if (sub === 'start' || sub === 'test') return packageScript(sub, cwd, view);
    if (sub === 'run' || sub === 'run-script') return packageScript(args[args.indexOf(sub) + 1] ?? '', cwd, view);
    return name === 'yarn' && sub ? packageScript(sub, cwd, view) : undefined;
  }
  if (servers.has(name)) return pythonServer(name, args, cwd, view);
  if (/^python[\d.]*$/.test(name)) {
    const moduleAt = args.indexOf('-m');
    if (args.includes('-c')) return undefined;
    if (moduleAt >= 0) {
      const module = args[moduleAt + 1] ?? '';
      if (servers.has(module) || module === 'celery' || module === 'fastapi') return checkCommand([module, ...args.slice(moduleAt + 2)], cwd, view);
      const file = moduleFile(view.stage, module, importRoots(view.stage, cwd, [], view.runTexts), true);
      return file || /^(http\.server|pip|venv|flask|django|celery|gunicorn|uvicorn|hypercorn)$/.test(module) ? undefined : `module ${module} (${module.replace(/\./g, '/')}.py or ${module.replace(/\./g, '/')}/__main__.py) is not ${where}`;
    }
    const script = firstOperand(args, new Set(['-W', '-X']));
    return !script || isFile(view.stage.fs.lookup(at(script))) ? undefined : `${at(script)} is not ${where}`;
  }
  if (name === 'celery') {
    const app = optionValue(args, '-A', '--app');
    if (!app) return undefined;
    const module = app.split(':')[0];
    return moduleFile(view.stage, module, importRoots(view.stage, cwd, [], view.runTexts)) ? undefined : `celery's app module ${module} is not ${where}`;
  }
  if (name === 'fastapi' && (args[0] === 'run' || args[0] === 'dev')) {
    const file = firstOperand(args.slice(1), new Set(['--host', '--port', '--app', '--entrypoint', '--workers', '--root-path']));
    const candidates = file ? [file] : ['main.py', 'app.py', 'api.py', 'app/main.py', 'app/app.py', 'app/api.py'];
    return candidates.some((candidate) => isFile(view.stage.fs.lookup(at(candidate)))) ? undefined : `fastapi ${args[0]}: ${candidates.join(' or ')} is not ${where}`;
  }
  if (name === 'java' || name === 'javaw') return javaTarget(args, cwd, view);
  if (view.project.scripts.has(name)) return undefined;
  if (command.includes('/')) {
    return isFile(view.stage.fs.lookup(at(command))) ? undefined : `${at(command)} is not ${where}: no instruction copies it there and no RUN names it or writes a folder above it`;
  }
  return undefined;
};

/** Node's resolution of a main script: the file, with .js/.mjs/.cjs added, or a folder's package.json main or index.js. */
const nodeEntry = (view: View, target: string): boolean => {
  const { fs } = view.stage;
  if (['', '.js', '.mjs', '.cjs', '.json'].some((ext) => holdsBuiltFile(fs, target + ext))) return true;
  const found = fs.lookup(target);
  if (found?.how !== 'dir' && !(found?.how === 'context' && found.kind === 'dir')) return false;
  let main = 'index.js';
  try {
    main = (JSON.parse(readThrough(fs, path.posix.join(target, 'package.json')) ?? '{}') as { main?: string }).main ?? main;
  } catch {
    // An unreadable package.json leaves index.js.
  }
  return [path.posix.resolve(target, main), path.posix.join(target, 'index.js')].some((file) => holdsBuiltFile(fs, file));
};

const packageScript = (script: string, cwd: string, view: View): string | undefined => {
  const manifest = path.posix.join(cwd, 'package.json');
  const text = readThrough(view.stage.fs, manifest);
  if (text === undefined) return isFile(view.stage.fs.lookup(manifest)) ? undefined : `${manifest} (for the "${script}" script) is not in stage ${view.stage.label}`;
  let scripts: Record<string, string>;
  try {
    scripts = (JSON.parse(text) as { scripts?: Record<string, string> }).scripts ?? {};
  } catch {
    return `${manifest} is not valid JSON`;
  }
  // npm start without a start script runs `node server.js`.
  if (!(script in scripts)) return script === 'start' ? checkCommand(['node', 'server.js'], cwd, view) : `${manifest} has no "${script}" script`;
  return checkScript(scripts[script], cwd, view);
};

const checkScript = (script: string, cwd: string, view: View): string | undefined => {
  for (const command of commandsOf(script, cwd)) {
    const message = checkCommand(command.words, command.cwd, view);
    if (message) return message;
  }
  return undefined;
};

const pythonServer = (name: string, args: string[], cwd: string, view: View): string | undefined => {
  const spec =
    args.find((arg) => /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(.*\))?$/.test(arg)) ??
    (['gunicorn', 'daphne', 'hypercorn'].includes(name) ? args.filter((arg, i) => /^[A-Za-z_][\w.]*$/.test(arg) && !args[i - 1]?.startsWith('-')).at(-1) : undefined);
  if (!spec) return undefined;
  const [module, attribute = 'application'] = spec.split(':');
  const base = optionValue(args, '--chdir', '--app-dir') ?? '.';
  const extra = (optionValue(args, '--pythonpath') ?? '').split(',').filter(Boolean);
  const roots = importRoots(view.stage, path.posix.resolve(cwd, base), extra, view.runTexts);
  const file = moduleFile(view.stage, module, roots);
  const shown = module.replace(/\./g, '/');
  if (!file) return `${name} ${spec}: neither ${shown}.py nor ${shown}/__init__.py is in stage ${view.stage.label} under ${roots.join(', ')}`;
  const attr = attribute.replace(/\(.*$/, '').split('.')[0];
  return definesName(view.stage, file, attr) ? undefined : `${name} ${spec}: ${file} neither defines nor imports "${attr}"`;
};

const javaTarget = (args: string[], cwd: string, view: View): string | undefined => {
  const jar = optionValue(args, '-jar');
  if (jar) return isFile(view.stage.fs.lookup(path.posix.resolve(cwd, jar))) ? undefined : `${path.posix.resolve(cwd, jar)} is not in stage ${view.stage.label}`;
  const valued = new Set(['-cp', '-classpath', '--class-path', '-p', '--module-path', '--add-opens', '--add-exports', '--add-modules']);
  const main = firstOperand(args, valued);
  if (!main || args.includes('-m') || args.includes('--module')) return undefined;
  const classpath = (optionValue(args, '-cp', '-classpath', '--class-path') ?? view.stage.env.get('CLASSPATH') ?? '.').split(':');
  const classFile = `${main.replace(/\./g, '/')}.class`;
  const found = classpath.some((entry) =>
    entry.endsWith('*') || entry.endsWith('.jar') ? view.stage.fs.lookup(path.posix.resolve(cwd, entry.replace(/\/?\*$/, '') || '.')) !== undefined : isFile(view.stage.fs.lookup(path.posix.resolve(cwd, entry, classFile))),
  );
  return found ? undefined : `main class ${main} (${classFile}) is not on the class path ${classpath.join(':')} in stage ${view.stage.label} (WORKDIR ${cwd})`;
};

export const startTargetProblems = (sim: Simulation, project: Project): BuildProblem[] => {
  const stage = sim.stages.at(-1);
  if (!stage) return [];
  const argv = argvOf(stage.entrypoint?.value, stage.cmd?.value, stage.image);
  if (argv.length === 0) return [];
  const line = stage.cmd?.line ?? stage.entrypoint!.line;
  for (const part of [stage.entrypoint, stage.cmd]) {
    if (part && 'shell' in part.value && part.value.shell.startsWith('[')) {
      return [problem('start-target', part.line, `line ${part.line}: ${part.value.shell} is not a JSON array (exec form needs double quotes), so it runs as a shell command named "${part.value.shell.split(/\s/)[0]}"`)];
    }
  }
  const view: View = { stage, project, runTexts: sim.runs.map((step) => step.record.text) };
  const shellScript = /^(\/bin\/|\/usr\/bin\/)?(sh|bash|ash|dash)$/.test(argv[0]) && /^-\w*c\w*$/.test(argv[1] ?? '') ? argv[2] : undefined;
  const commands = shellScript !== undefined ? commandsOf(shellScript, stage.workdir) : [{ words: argv, cwd: stage.workdir }];
  const problems: BuildProblem[] = [];
  for (const command of commands) {
    const message = checkCommand(command.words, command.cwd, view);
    if (message) problems.push(problem('start-target', line, `${stage.cmd ? 'CMD' : 'ENTRYPOINT'} (line ${line}) \`${argv.join(' ')}\`: ${message}`));
  }
  return problems;
};
