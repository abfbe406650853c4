/**
 * Scripts as commands: env-loading wrappers stripped, `npm run x` followed to what x runs, development
 * servers told apart from production starts, and `nest start` / `ts-node src/x.ts` resolved to the
 * compiled file the build writes.
 */
import type { PackageManager, ServiceCommands } from '../../catalog/service.js';
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import type { NodePackage } from './manifest.js';
import { inFolder } from '../workspaces.js';
import { compiledPath, readNestCli } from './typescript.js';

export interface Unwrapped {
  command: string;
  /** Variables the stripped wrappers or assignments set (`PORT=4000`, `cross-env NODE_ENV=production`). */
  env: Record<string, string>;
  /** The wrappers removed, for the notes. */
  removed: string[];
}

const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)\s+/;

/**
 * The command without env-loading wrappers (`dotenv -e .env --`, `dotenvx run --`, `env-cmd -f x`,
 * `cross-env A=b`) and leading `VAR=value` assignments: the container's environment provides both.
 */
export const unwrap = (raw: string): Unwrapped => {
  let command = raw.trim();
  const env: Record<string, string> = {};
  const removed: string[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    let match = command.match(assignment);
    if (match) {
      env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
      removed.push(match[0].trim());
      command = command.slice(match[0].length);
      changed = true;
      continue;
    }
    match = command.match(/^(?:npx\s+|pnpm\s+exec\s+|yarn\s+)?(cross-env(?:-shell)?)\s+/);
    if (match) {
      removed.push(match[1]);
      command = command.slice(match[0].length);
      changed = true;
      continue;
    }
    match = command.match(/^(?:npx\s+|pnpm\s+exec\s+)?(?:dotenvx\s+run|dotenv(?:-cli)?)\b(?:\s+(?:-[a-z]+|--[a-z-]+)(?:[= ](?!--)(?:"[^"]*"|'[^']*'|[^\s-]\S*))?)*\s+--\s+/);
    if (match) {
      removed.push(match[0].trim());
      command = command.slice(match[0].length);
      changed = true;
      continue;
    }
    match = command.match(/^(?:npx\s+)?env-cmd\b(?:\s+(?:-[a-z]|--[a-z-]+)(?:[= ](?:"[^"]*"|'[^']*'|[^\s-]\S*))?)*\s+(?:--\s+)?/);
    if (match) {
      removed.push(match[0].trim());
      command = command.slice(match[0].length);
      changed = true;
    }
  }
  return { command: command.trim(), env, removed };
};

/** `npm run x`, `pnpm x`, `yarn x`, `bun run x`, `npm start`: the script a command delegates to. */
export const delegatedScript = (command: string, scripts: Record<string, string>): string | undefined => {
  const match = command.match(/^(?:npm|pnpm|yarn|bun)(?:\s+(?:run|run-script))?\s+([\w:.-]+)\s*$/) ?? command.match(/^(?:npm|pnpm|yarn|bun)\s+(start|test)\s*$/);
  if (!match) return undefined;
  const name = match[1];
  return name in scripts && !['install', 'ci', 'add', 'exec', 'dlx', 'x', 'build'].includes(name) ? name : undefined;
};

/**
 * `npm run with:env -- node x.js` where `with:env` is only a wrapper (`dotenv -e ../../.env --`): the
 * wrapper's body put in front of the rest, so that unwrapping removes both.
 */
const throughWrapperScript = (command: string, scripts: Record<string, string>): string => {
  const call = command.match(/^(?:npm|pnpm|yarn|bun)(?:\s+run)?\s+([\w:.-]+)\s+(?:--\s+)?(.+)$/);
  if (!call || !(call[1] in scripts)) return command;
  const wrapper = `${scripts[call[1]].trim()} `;
  return unwrap(`${wrapper}true`).command === 'true' ? `${wrapper}${call[2]}` : command;
};

/** Splits `a && b; c` into its commands (not inside quotes). */
export const splitChain = (command: string): string[] =>
  command
    .split(/\s*(?:&&|;|\|\|)\s*(?=(?:[^"']|"[^"]*"|'[^']*')*$)/)
    .map((part) => part.trim())
    .filter(Boolean);

/** Development servers and watchers: never a production start. */
export const isDevelopmentCommand = (command: string): boolean =>
  /(^|\s)(nodemon|ts-node-dev|tsnd|node-dev)\b|--watch\b|(^|\s)-w(\s|$)|\btsx\s+watch\b|--hot\b|\b(next|nuxt|nuxi|astro|remix|react-router|vite|svelte-kit)\s+dev\b|^vite(\s|$)|\bvite\s+(preview|serve)\b|\bng\s+serve\b|\breact-scripts\s+start\b|\bnx\s+serve\b|\bwebpack(-dev-server|\s+serve)\b|\bvue-cli-service\s+serve\b|--inspect|\bnest\s+start\b.*--(watch|debug)\b|\bconcurrently\b|\bturbo\s+(run\s+)?dev\b/.test(
    command,
  );

/** A command that starts a long-running process (as opposed to a build, a migration or a check). */
const launches = (command: string): boolean =>
  /^(node|bun|deno|tsx|ts-node|next|nuxt|nuxi|nest|react-router-serve|remix-serve|serve|pm2-runtime|fastify\s+start|npx\s+(next|nuxt|tsx|ts-node)|pnpm\s+exec\s+(next|nuxt)|yarn\s+(next|nuxt))\b/.test(command);

export interface StartCommand {
  command: string;
  evidence: Evidence;
  env: Record<string, string>;
  /** Commands the script chains before the start (`prisma migrate deploy && node dist/main.js`). */
  before: string[];
  /** Env-loading wrappers removed from it (`dotenv --`). */
  removed?: string[];
  script?: string;
}

/**
 * A script followed to the process it starts: `npm run start:prod` -> `node dist/main.js`, without
 * wrappers; the last launching command of a chain; undefined for development servers.
 */
export const followScript = (pkg: NodePackage, index: RepoIndex, name: string, seen = new Set<string>()): StartCommand | undefined => {
  if (seen.has(name) || !(name in pkg.scripts)) return undefined;
  seen.add(name);
  const body = pkg.scripts[name];
  const text = index.read(pkg.file) ?? '';
  const where = evidence(pkg.file, `scripts.${name}: ${body}`, text, text.indexOf(`"${name}"`));
  const parts = splitChain(body).map((part) => unwrap(throughWrapperScript(part, pkg.scripts)));
  const env = Object.assign({}, ...parts.map((part) => part.env));
  for (let position = parts.length - 1; position >= 0; position -= 1) {
    const { command } = parts[position];
    if (isDevelopmentCommand(command)) return undefined;
    const delegated = delegatedScript(command, pkg.scripts);
    if (delegated) {
      const inner = followScript(pkg, index, delegated, seen);
      if (inner) return { ...inner, env: { ...env, ...inner.env }, before: [...parts.slice(0, position).map((part) => part.command), ...inner.before], removed: [...parts[position].removed, ...(inner.removed ?? [])] };
      continue;
    }
    const runAll = command.match(/^(?:run-s|npm-run-all(?:\s+-s)?)\s+(.+)$/);
    if (runAll) {
      const names = runAll[1].split(/\s+/).filter((word) => !word.startsWith('-'));
      const inner = followScript(pkg, index, names[names.length - 1], seen);
      if (inner) return { ...inner, before: [...names.slice(0, -1).map((one) => pkg.scripts[one] ?? one), ...inner.before] };
      continue;
    }
    if (launches(command)) return { command, evidence: where, env, before: parts.slice(0, position).map((part) => part.command), script: name, removed: parts[position].removed };
  }
  return undefined;
};

/** Scripts tried for the production start, in order: an explicit production script wins over a dev `start`. */
const startScripts = ['start:prod', 'start:production', 'prod:start', 'start-prod', 'prod', 'production', 'serve:prod', 'start', 'serve'];

export const scriptStart = (pkg: NodePackage, index: RepoIndex): StartCommand | undefined => {
  for (const name of startScripts) {
    const found = followScript(pkg, index, name);
    if (found) return found;
  }
  return undefined;
};

/** TypeScript run from source (`ts-node src/main.ts`, `node --loader ts-node/esm src/index.ts`, `tsx src/x.ts`). */
const typescriptEntry = (command: string): string | undefined =>
  command.match(/^(?:node|ts-node|tsx|npx\s+(?:ts-node|tsx))\b.*?\s(\.?\/?[\w./-]+\.[cm]?ts)\b/)?.[1];

/**
 * The command, with `nest start` and TypeScript run through a loader turned into `node` on the file the
 * build compiles (when the package builds with tsc or nest build), so the image runs plain JavaScript.
 */
export const compiledStart = (pkg: NodePackage, index: RepoIndex, start: StartCommand, builds: boolean): StartCommand => {
  const command = start.command;
  if (/^(npx\s+)?nest\s+start\b/.test(command)) {
    const compiled = compiledPath(index, pkg.folder, undefined);
    if (compiled) return { ...start, command: `node ${compiled.file}`, evidence: compiled.evidence };
    return start;
  }
  if (/^bun\b/.test(command)) return start;
  // `node dist/main` where tsc really writes dist/src/main.js (files outside src/ move tsc's root up).
  const run = command.match(/^node\s+(?:--\S+\s+)*\.?\/?(\S+)$/)?.[1];
  const nest = readNestCli(index, pkg.folder);
  if (run && nest.file && builds && !nest.webpack && !nest.entryFile.includes('..')) {
    const compiled = compiledPath(index, pkg.folder, undefined);
    const bare = (file: string) => file.replace(/^\.\//, '').replace(/\.[cm]?js$/, '');
    const outDir = compiled ? bare(compiled.file).split('/')[0] : '';
    const layouts = [`${outDir}/${nest.entryFile}`, `${outDir}/${nest.sourceRoot}/${nest.entryFile}`];
    if (compiled && bare(compiled.file) !== bare(run) && layouts.includes(bare(run)) && layouts.includes(bare(compiled.file))) {
      return { ...start, command: command.replace(/\S+$/, compiled.file), evidence: { ...compiled.evidence, note: `${compiled.evidence.note}, not ${run} as ${start.script ?? 'the script'} says` } };
    }
  }
  const source = typescriptEntry(command);
  if (source && builds) {
    const compiled = compiledPath(index, pkg.folder, source.replace(/^\.\//, ''));
    if (compiled) return { ...start, command: `node ${compiled.file}`, evidence: compiled.evidence };
  }
  return start;
};

/* ------------------------------------------------------------------------------------------------ */
/* install, build, test, lint                                                                        */

export const frozenInstall = (manager: PackageManager, berry: boolean, locked: boolean): string => {
  if (!locked) return `${manager} install`;
  if (manager === 'npm') return 'npm ci';
  if (manager === 'yarn') return berry ? 'yarn install --immutable' : 'yarn install --frozen-lockfile';
  return `${manager} install --frozen-lockfile`;
};

const placeholderTest = /no test specified|^\s*echo\s[^&|;]*(&&\s*exit\s+[01])?\s*$|^\s*exit\s+0\s*$|^\s*true\s*$/;

export const scriptCommands = (pkg: NodePackage, manager: PackageManager, berry: boolean, locked: boolean): ServiceCommands => {
  const run = (script: string) => `${manager} run ${script}`;
  const test = pkg.scripts.test && !placeholderTest.test(pkg.scripts.test) ? (manager === 'bun' ? 'bun run test' : `${manager} test`) : undefined;
  return {
    install: frozenInstall(manager, berry, locked),
    ...(pkg.scripts.build ? { build: run('build') } : {}),
    ...(test ? { test } : {}),
    ...(pkg.scripts.lint ? { lint: run('lint') } : {}),
  };
};
