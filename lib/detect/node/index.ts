/**
 * Node.js (and Bun) services: read from package.json, the workspace root, lockfiles, framework
 * configuration and the sources a service starts from. Every value carries the file (and line) it came from.
 */
import type { Framework, ServiceCommands } from '../../catalog/service.js';
import type { DetectContext, DetectorResult, ServiceDetector } from '../context.js';
import { evidence, type Found } from '../evidence.js';
import { toServiceName } from '../service-name.js';
import type { DetectedService, Evidence } from '../types.js';
import { inFolder } from '../workspaces.js';
import { buildOutputOf, configFile } from './build-output.js';
import { frameworkOf, libraryReason, notServiceByShape, queueLibraries, type FrameworkFound } from './classify.js';
import { compiledStart, followScript, scriptCommands, scriptStart, type StartCommand } from './commands.js';
import { findData } from './data.js';
import { jsonKeyEvidence, linkedFolders, managerFacts, readPackage, runtimeVersionOf, type NodePackage } from './manifest.js';
import { asPort, portInCode, portInCommand, portInEnvFiles } from './port.js';
import { nxBuild } from './nx.js';
import { findHealthPath } from './routes.js';
import { findSettings } from './settings.js';
import { bareSpecifiers, codeOf, packagesImportedBy, ownSources } from './source.js';

const staticFrameworks = new Set<Framework>(['react', 'vue', 'angular', 'svelte']);
const renderingFrameworks = new Set<Framework>(['next', 'nuxt', 'sveltekit']);

const notService = (path: string, why: string): DetectorResult => ({ notService: { path, why } });

/** Orchestration commands of a workspace root: they start the members, not the root. */
const orchestrates = /\b(turbo|nx|lerna|concurrently|run-p|npm-run-all)\b|\bpnpm\b.*(\s-r\b|--recursive|--filter|\s-F\s)|\bnpm\b.*(--workspaces?|\s-w\s)|\byarn\s+(workspace|workspaces)\b|\bbun\b.*--filter/;

/** Code that starts an HTTP server: listen(), NestFactory, Bun.serve, `export default { fetch }`, Hono's serve(). */
const serverCode = /\.listen\s*\(|NestFactory\.create|Bun\.serve\s*\(|export\s+default\s*\{[^}]*\bfetch\b|\bserve\s*\(\s*\{[^}]*\bfetch\b|createServer\s*\(/;

/** SvelteKit's adapter: static (built files) or a Node server. */
const svelteKitAdapter = (context: DetectContext, pkg: NodePackage): { adapter: string; file: string } => {
  const file = configFile(context.index, pkg.folder, 'svelte') ?? pkg.file;
  const adapter = (codeOf(context.index, file) ?? '').match(/@sveltejs\/adapter-([\w-]+)/)?.[1] ?? Object.keys(pkg.ownDependencies).find((name) => name.startsWith('@sveltejs/adapter-'))?.slice('@sveltejs/adapter-'.length) ?? 'auto';
  return { adapter, file };
};

/** Whether a static front end has an app entry (an index.html, Angular's workspace file, CRA's public/index.html). */
const hasAppEntry = (context: DetectContext, pkg: NodePackage): boolean =>
  ['index.html', 'public/index.html', 'src/index.html', 'angular.json', 'src/app.html', 'src/main.ts', 'src/main.tsx', 'src/main.js', 'src/main.jsx', 'src/index.tsx', 'src/index.jsx'].some((file) => context.index.has(inFolder(pkg.folder, file))) &&
  Boolean(pkg.scripts.build || pkg.scripts.dev || pkg.scripts.start);

/** The conventional entry files of a back end, for the start command when no script names one. */
const entryCandidates = ['server.js', 'index.js', 'app.js', 'main.js', 'server.mjs', 'index.mjs', 'src/server.js', 'src/index.js', 'src/main.js', 'src/app.js', 'src/index.ts', 'src/server.ts', 'src/main.ts', 'index.ts', 'server.ts'];

const startWithoutScript = (context: DetectContext, pkg: NodePackage, bun: boolean): StartCommand | undefined => {
  const nx = nxBuild(context.index, pkg.folder);
  if (nx?.entry) return { command: `node ${nx.entry}`, evidence: nx.evidence, env: {}, before: [] };
  const main = typeof pkg.manifest.main === 'string' ? pkg.manifest.main.replace(/^\.\//, '') : undefined;
  const text = context.index.read(pkg.file) ?? '';
  if (main && context.index.has(inFolder(pkg.folder, main))) {
    return { command: `${bun ? 'bun run' : 'node'} ${main}`, evidence: evidence(pkg.file, `main: ${main}`, text, text.indexOf('"main"')), env: {}, before: [] };
  }
  for (const candidate of entryCandidates) {
    const file = inFolder(pkg.folder, candidate);
    if (!context.index.has(file) || !serverCode.test(codeOf(context.index, file) ?? '')) continue;
    if (candidate.endsWith('.ts') && !bun) continue;
    return { command: `${bun ? 'bun run' : 'node'} ${candidate}`, evidence: evidence(file, `${candidate} starts the server`), env: {}, before: [] };
  }
  return undefined;
};

interface Shape {
  kind: 'frontend' | 'backend' | 'worker';
  framework: Framework;
  frameworkEvidence: Evidence;
  static: boolean;
}

/** What the package is, or why it is no service. */
const shapeOf = (context: DetectContext, pkg: NodePackage, found: FrameworkFound | undefined, sources: readonly string[], start: StartCommand | undefined): Shape | { why: string } => {
  const index = context.index;
  const startsServer = Boolean(start) || sources.some((file) => serverCode.test(codeOf(index, file) ?? ''));
  if (found && found.dependency in pkg.peerDependencies && !(found.dependency in pkg.dependencies)) return { why: libraryReason(pkg, found) };
  // React Router (framework mode) and Remix serve their own server-rendered build.
  const routerServer = ['@react-router/serve', '@remix-run/serve', '@react-router/node', '@remix-run/node'].find((name) => name in pkg.ownDependencies);
  if (routerServer && (start || pkg.scripts.build) && (!found || staticFrameworks.has(found.framework))) {
    return { kind: 'backend', framework: 'none', frameworkEvidence: jsonKeyEvidence(index, pkg.file, routerServer, `${routerServer}: a server-rendered React Router / Remix app`), static: false };
  }
  if (found && renderingFrameworks.has(found.framework)) {
    const confirmed = configFile(index, pkg.folder, found.framework === 'sveltekit' ? 'svelte' : found.framework) || Object.values(pkg.scripts).some((script) => /\b(next|nuxt|nuxi|vite)\s+(build|start|dev)\b/.test(script));
    if (!confirmed) return { why: libraryReason(pkg, found) };
    if (found.framework === 'sveltekit') {
      const { adapter, file } = svelteKitAdapter(context, pkg);
      if (adapter === 'static') return { kind: 'frontend', framework: 'svelte', frameworkEvidence: evidence(file, 'SvelteKit with adapter-static: built into static files'), static: true };
      if (adapter !== 'node') context.notes.push(`${pkg.folder}: SvelteKit with adapter-${adapter}; a container needs @sveltejs/adapter-node (adapter-auto builds nothing it can run)`);
    }
    return { kind: 'frontend', framework: found.framework, frameworkEvidence: found.evidence, static: false };
  }
  if (found && staticFrameworks.has(found.framework)) {
    if (!hasAppEntry(context, pkg)) return { why: libraryReason(pkg, found) };
    return { kind: 'frontend', framework: found.framework, frameworkEvidence: found.evidence, static: true };
  }
  if (found?.framework === 'nestjs' && !sources.some((file) => /NestFactory\.create\s*[<(]/.test(codeOf(index, file) ?? ''))) {
    const commander = sources.find((file) => /\bCommandFactory\.run|\bCommandService\b[^;]*\.exec\(/.test(codeOf(index, file) ?? ''));
    if (commander) return { why: `command-line tool (NestJS commands, ${commander}), run by hand` };
    const context = sources.find((file) => /NestFactory\.createApplicationContext/.test(codeOf(index, file) ?? ''));
    if (context && start) return { kind: 'worker', framework: 'nestjs', frameworkEvidence: evidence(context, 'a NestJS application context without an HTTP server'), static: false };
  }
  if (found) {
    if (!startsServer) return { why: libraryReason(pkg, found) };
    return { kind: 'backend', framework: found.framework, frameworkEvidence: found.evidence, static: false };
  }
  const imported = new Set(sources.slice(0, 400).flatMap((file) => packagesImportedBy(index, file)));
  const queue = queueLibraries.find((name) => name in pkg.ownDependencies || (pkg.root && name in pkg.root.dependencies && imported.has(name)));
  if (start && sources.some((file) => /createServer\s*\(|\.listen\s*\(\s*(\d|process\.env|port|PORT)/.test(codeOf(index, file) ?? ''))) {
    return { kind: 'backend', framework: 'none', frameworkEvidence: start.evidence, static: false };
  }
  if (start && queue) {
    return { kind: 'worker', framework: 'none', frameworkEvidence: evidence(pkg.file, `no HTTP framework; ${queue} consumer started by ${start.command}`), static: false };
  }
  if (start) return { kind: 'worker', framework: 'none', frameworkEvidence: evidence(start.evidence.file, `no HTTP framework: a long-running process started by ${start.command}`), static: false };
  return { why: libraryReason(pkg, undefined) };
};

const sortedEvidence = (entries: [string, Evidence | undefined][]): Record<string, Evidence> =>
  Object.fromEntries(entries.filter((entry): entry is [string, Evidence] => entry[1] !== undefined));

export const detectNodeService: ServiceDetector = (folder, context) => {
  const pkg = readPackage(context, folder);
  if (!pkg) return undefined;
  const index = context.index;
  const sources = ownSources(context, folder);
  const found = frameworkOf(context, pkg, sources);

  if (pkg.isWorkspaceRoot) {
    const ownApp = found && (configFile(index, folder, found.framework === 'sveltekit' ? 'svelte' : found.framework) || index.has(inFolder(folder, 'nest-cli.json')) || index.has(inFolder(folder, 'angular.json')) || index.has(inFolder(folder, 'index.html')));
    const start = pkg.scripts.start;
    if (!ownApp && !(found && start && !orchestrates.test(start) && sources.length > 0)) return notService(folder, 'workspace root: it only orchestrates its members');
  }
  const byShape = notServiceByShape(context, pkg);
  if (byShape) return notService(folder, byShape);

  const facts = managerFacts(pkg, index);
  let start = scriptStart(pkg, index);
  const shape = shapeOf(context, pkg, found, sources, start);
  if ('why' in shape) return notService(folder, shape.why);

  const notes: string[] = [];
  const label = folder === '.' ? 'the root package' : folder;
  const commands: ServiceCommands = scriptCommands(pkg, facts.manager, facts.berry, Boolean(facts.lockfile));
  // No build script, but the start script's pre-hook compiles (`prestart:prod: tsc`): that hook is the build.
  const preBuild = !pkg.scripts.build && start?.script ? `pre${start.script}` : undefined;
  if (preBuild && /\b(tsc|nest\s+build|tsup|esbuild|swc|webpack|rollup)\b/.test(pkg.scripts[preBuild] ?? '')) commands.build = `${facts.manager} run ${preBuild}`;
  const buildScript = pkg.scripts.build ? (followBuild(pkg) ?? pkg.scripts.build) : preBuild && commands.build ? pkg.scripts[preBuild] : undefined;
  const bunRuntime = facts.manager === 'bun' && (!start || /^bun\b/.test(start.command)) && !staticFrameworksOrRendering(shape.framework);

  // Start command.
  if (!shape.static) {
    if (start) {
      const wrappers = (start.removed ?? []).filter((word) => !/^[A-Z_][A-Z0-9_]*=/.test(word));
      if (wrappers.length > 0) notes.push(`${label}: its start script loads settings through ${wrappers.join(', ')}; the container's environment provides them, so the image runs ${start.command}`);
      if (start.before.length > 0) notes.push(`${label}: its start script also runs ${start.before.join(' && ')} first; the image starts ${start.command} only`);
      start = compiledStart(pkg, index, start, Boolean(buildScript));
    } else if (shape.framework === 'next' || shape.framework === 'nuxt') {
      start = undefined;
    } else {
      start = startWithoutScript(context, pkg, bunRuntime);
    }
    if (!start && shape.framework === 'next') start = { command: 'next start', evidence: shape.frameworkEvidence, env: {}, before: [] };
    if (!start && shape.framework === 'nuxt') start = { command: 'node .output/server/index.mjs', evidence: shape.frameworkEvidence, env: {}, before: [] };
    if (!start && shape.framework === 'sveltekit') start = { command: 'node build', evidence: shape.frameworkEvidence, env: {}, before: [] };
    if (!start) notes.push(`${label}: no production start command found (no start script, main field or server entry)`);
  }

  // Port and health route.
  let port: Found<number> | undefined;
  let healthPath: Found<string> | undefined;
  if (shape.static) {
    port = { value: 8080, evidence: evidence(pkg.file, 'static files served by nginx-unprivileged on 8080') };
    healthPath = { value: '/healthz', evidence: evidence(pkg.file, 'answered by the generated nginx configuration') };
  } else if (shape.kind !== 'worker') {
    const fromCommand = start ? asPort(portInCommand(start.command, start.env)) : undefined;
    port =
      (fromCommand && start ? { value: fromCommand, evidence: start.evidence } : undefined) ??
      portInCode(index, sources, entryOf(folder, sources, start)) ??
      portInEnvFiles(index, [folder, ...(pkg.root ? [pkg.root.folder] : [])]);
    if (!port) {
      port = { value: 3000, evidence: evidence(shape.frameworkEvidence.file, `${shape.framework === 'none' ? 'Node' : shape.framework}'s documented default port 3000`) };
      notes.push(`${label}: no port in its start command, code or .env.example; using ${shape.framework}'s default 3000`);
    }
    healthPath = findHealthPath(context, folder, shape.framework === 'none' ? undefined : shape.framework, sources);
    if (!healthPath) notes.push(`${label}: no health route found; probes check that port ${port.value} accepts connections`);
  }

  // Build output.
  const output = buildOutputOf(index, folder, shape.framework, { ...pkg.ownDependencies }, buildScript);
  if (output?.outside) notes.push(`${label}: the build writes ${output.outside}, outside the service folder (another service serves it)`);

  // Datastores, settings, migrations.
  // Server-rendering front ends share code with the back ends through aliases, not their datastores.
  const members = shape.static ? [] : linkedFolders(context, pkg, sources, (file) => bareSpecifiers(codeOf(index, file) ?? ''), shape.kind !== 'frontend');
  const memberSources = members.flatMap((member) => ownSources(context, member));
  const data = shape.static ? undefined : findData(context, pkg, sources, members, memberSources, shape.kind !== 'frontend');
  notes.push(...(data?.notes ?? []));
  let settings: ReturnType<typeof findSettings> = [];
  if (shape.static) {
    const buildTime = sources.some((file) => /import\.meta\.env\.VITE_|process\.env\.REACT_APP_/.test(codeOf(index, file) ?? ''));
    if (buildTime) notes.push(`${label}: reads build-time variables (import.meta.env.VITE_* / REACT_APP_*), baked in at build time: not run-time settings`);
  } else {
    const configFiles = ['next', 'nuxt', 'prisma', 'drizzle'].map((tool) => configFile(index, folder, tool)).filter((file): file is string => Boolean(file));
    settings = findSettings(index, [...sources, ...configFiles, ...memberSources]);
    for (const setting of data?.settings ?? []) {
      if (!settings.some((known) => known.setting.name === setting.name)) settings.push({ setting: { name: setting.name, secret: true }, evidence: setting.evidence });
    }
    settings.sort((a, b) => (a.setting.name < b.setting.name ? -1 : a.setting.name > b.setting.name ? 1 : 0));
  }

  const runtime = runtimeVersionOf(pkg, index, bunRuntime, facts.version);
  const lockfile = facts.lockfile;
  const buildContext = pkg.workspace && pkg.workspace.root !== folder ? pkg.workspace.root : undefined;
  const uses = data ? [...data.uses.keys()].sort() : [];
  context.notes.push(...notes);

  const service: DetectedService = {
    name: toServiceName(pkg.name ?? (folder === '.' ? (index.root.split('/').pop() ?? 'app') : folder)),
    path: folder,
    kind: shape.kind,
    language: 'node',
    framework: shape.framework,
    packageManager: facts.manager,
    ...(facts.version ? { packageManagerVersion: facts.version.value } : {}),
    ...(runtime ? { runtimeVersion: runtime.value } : {}),
    ...(port ? { port: port.value } : {}),
    ...(healthPath ? { healthPath: healthPath.value } : {}),
    commands: { ...commands, ...(start && !shape.static ? { start: start.command } : {}) },
    ...(buildContext ? { buildContext } : {}),
    ...(lockfile ? { lockfile } : {}),
    ...(pkg.workspace && pkg.name ? { workspacePackage: pkg.name } : {}),
    ...(output?.value ? { buildOutput: output.value } : {}),
    uses,
    ...(settings.length > 0 ? { settings: settings.map((entry) => entry.setting) } : {}),
    ...(data?.migrations ? { migrations: data.migrations.value } : {}),
    evidence: sortedEvidence([
      ['framework', shape.frameworkEvidence],
      ['packageManager', facts.managerEvidence],
      ['packageManagerVersion', facts.version?.evidence],
      ['runtimeVersion', runtime?.evidence],
      ['port', port?.evidence],
      ['healthPath', healthPath?.evidence],
      ['commands.start', start && !shape.static ? start.evidence : undefined],
      ['lockfile', lockfile ? evidence(lockfile, `${facts.manager} lockfile`) : undefined],
      ['buildContext', buildContext && pkg.workspace ? pkg.workspace.evidence : undefined],
      ['buildOutput', output?.value ? output.evidence : undefined],
      ...uses.map((engine): [string, Evidence | undefined] => [`uses.${engine}`, data?.uses.get(engine)]),
      ...settings.map((entry): [string, Evidence] => [`settings.${entry.setting.name}`, entry.evidence]),
      ['migrations', data?.migrations?.evidence],
    ]),
  };
  return { services: [service] };
};

const staticFrameworksOrRendering = (framework: Framework) => staticFrameworks.has(framework);

/** The build script followed through `npm run x` delegation, for reading which tool it runs. */
const followBuild = (pkg: NodePackage): string | undefined => {
  let body = pkg.scripts.build;
  for (let depth = 0; depth < 4 && body; depth += 1) {
    const match = body.match(/^(?:npm|pnpm|yarn|bun)(?:\s+run)?\s+([\w:.-]+)\s*$/);
    if (!match || !(match[1] in pkg.scripts) || match[1] === 'build') break;
    body = pkg.scripts[match[1]];
  }
  return body;
};

/** The source file the start command runs (`node dist/main.js` -> src/main.ts), else a conventional entry. */
const entryOf = (folder: string, sources: readonly string[], start: StartCommand | undefined): string | undefined => {
  const prefix = folder === '.' ? '' : `${folder}/`;
  const bare = (file: string) => file.slice(prefix.length).replace(/\.[cm]?[jt]sx?$/, '');
  const named = start?.command.match(/([\w./-]+\.[cm]?[jt]sx?)(?:\s|$)/)?.[1]?.replace(/^\.\//, '').replace(/\.[cm]?[jt]sx?$/, '');
  if (named) {
    const rest = named.replace(/^(dist|build|out|lib|\.output)\//, '').replace(/^.*?\/(src|apps|server)\//, '$1/');
    const wanted = [named, rest, `src/${rest}`, rest.replace(/^src\//, '')];
    const found = sources.find((file) => wanted.includes(bare(file))) ?? sources.find((file) => wanted.some((one) => one.endsWith(`/${bare(file)}`) || bare(file).endsWith(`/${one}`)));
    if (found) return found;
  }
  for (const candidate of ['src/main', 'src/index', 'src/server', 'src/app', 'server', 'index', 'app', 'main']) {
    const found = sources.find((file) => bare(file) === candidate);
    if (found) return found;
  }
  return undefined;
};

export { followScript };
