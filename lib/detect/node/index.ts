/**
 * Node.js (and Bun) services: read from package.json, the workspace root, lockfiles, framework
 * configuration and the sources a service starts from. Every value carries the file (and line) it came from.
 */
import path from 'node:path';
import type { ServiceCommands } from '../../catalog/service.js';
import type { DetectContext, DetectorResult, ServiceDetector } from '../context.js';
import { evidence, type Found } from '../evidence.js';
import { toServiceName } from '../service-name.js';
import type { DetectedService, Evidence } from '../types.js';
import { gitIgnores } from '../gitignore.js';
import { folderOf, inFolder } from '../workspaces.js';
import { buildOutputOf, configFile, type OutputFound } from './build-output.js';
import { frameworkOf, notServiceByShape, type FrameworkFound } from './classify.js';
import { compiledStart, scriptCommands, scriptStart, type StartCommand } from './commands.js';
import { findData, type DataFound } from './data.js';
import { linkedFolders, managerFacts, readPackage, runtimeVersionOf, type NodePackage } from './manifest.js';
import { asPort, portInCode, portInCommand, portInEnvFiles } from './port.js';
import { nxTargets } from './nx.js';
import { findHealthPath } from './routes.js';
import { findSettings, type SettingFound } from './settings.js';
import { orchestrates, shapeOf, staticFrameworks, type Shape } from './shape.js';
import { entryOf, followBuild, startWithoutScript } from './start.js';
import { bareSpecifiers, codeIf, codeOf, ownSources } from './source.js';

const notService = (path: string, why: string): DetectorResult => ({ notService: { path, why } });

const definedEvidence = (entries: [string, Evidence | undefined][]): Record<string, Evidence> =>
  Object.fromEntries(entries.filter((entry): entry is [string, Evidence] => entry[1] !== undefined));

/** A workspace root is a service only when it is an app itself, not when it starts its members. */
const rootIsApp = (context: DetectContext, pkg: NodePackage, found: FrameworkFound | undefined, sources: readonly string[]): boolean => {
  if (!found) return false;
  const ownConfig = configFile(context.index, pkg.folder, found.framework === 'sveltekit' ? 'svelte' : found.framework);
  const ownFiles = ['nest-cli.json', 'angular.json', 'index.html'].some((file) => context.index.has(inFolder(pkg.folder, file)));
  const start = pkg.scripts.start;
  return Boolean(ownConfig) || ownFiles || Boolean(start && !orchestrates.test(start) && sources.length > 0);
};

/** The production start: the scripts followed and compiled, else the framework's own or a server file. */
const startOf = (context: DetectContext, pkg: NodePackage, shape: Shape, found: StartCommand | undefined, builds: boolean, bun: boolean, notes: string[], label: string): StartCommand | undefined => {
  if (shape.static) return undefined;
  const index = context.index;
  let start = found;
  if (start) {
    const wrappers = (start.removed ?? []).filter((word) => !/^[A-Z_][A-Z0-9_]*=/.test(word));
    if (wrappers.length > 0) notes.push(`${label}: its start script loads settings through ${wrappers.join(', ')}; the container's environment provides them, so the image runs ${start.command}`);
    if (start.before.length > 0) notes.push(`${label}: its start script also runs ${start.before.join(' && ')} first; the image starts ${start.command} only`);
    return compiledStart(pkg, index, start, builds);
  }
  const own: Partial<Record<string, string>> = { next: 'next start', nuxt: 'node .output/server/index.mjs', sveltekit: 'node build' };
  const framework = own[shape.framework];
  start = framework ? { command: framework, evidence: shape.frameworkEvidence, env: {}, before: [] } : startWithoutScript(index, pkg, bun);
  if (!start) notes.push(`${label}: no production start command found (no start script, main field or server entry)`);
  return start;
};

/** Port and health route: nginx's for static front ends, else read from the command, the code, the env files. */
const portAndHealthOf = (context: DetectContext, pkg: NodePackage, shape: Shape, start: StartCommand | undefined, sources: readonly string[], notes: string[], label: string) => {
  const index = context.index;
  if (shape.static) {
    return {
      port: { value: 8080, evidence: evidence(pkg.file, 'static files served by nginx-unprivileged on 8080') },
      healthPath: { value: '/healthz', evidence: evidence(pkg.file, 'answered by the generated nginx configuration') },
    };
  }
  if (shape.kind === 'worker') return {};
  const fromCommand = start ? asPort(portInCommand(start.command, start.env)) : undefined;
  let port: Found<number> | undefined =
    (fromCommand && start ? { value: fromCommand, evidence: start.evidence } : undefined) ??
    portInCode(index, sources, entryOf(pkg.folder, sources, start)) ??
    portInEnvFiles(index, [pkg.folder, ...(pkg.root ? [pkg.root.folder] : [])]);
  if (!port) {
    const framework = shape.framework === 'none' ? 'Node' : shape.framework;
    port = { value: 3000, evidence: evidence(shape.frameworkEvidence.file, `${framework}'s documented default port 3000`) };
    notes.push(`${label}: no port in its start command, code or .env.example; using ${framework}'s default 3000`);
  }
  const healthPath = findHealthPath(context, pkg.folder, shape.framework === 'none' ? undefined : shape.framework, sources);
  return { port, healthPath };
};

/** Settings the service reads at run time: its code, its config files, the packages it compiles in, its ORM's env URLs. */
const settingsOf = (context: DetectContext, pkg: NodePackage, shape: Shape, sources: readonly string[], linkedSources: readonly string[], data: DataFound | undefined, notes: string[], label: string): SettingFound[] => {
  const index = context.index;
  if (shape.static) {
    if (sources.some((file) => codeIf(index, file, /import\.meta\.env\.VITE_|process\.env\.REACT_APP_/))) {
      notes.push(`${label}: reads build-time variables (import.meta.env.VITE_* / REACT_APP_*), baked in at build time: not run-time settings`);
    }
    return [];
  }
  const configFiles = ['next', 'nuxt', 'prisma', 'drizzle'].map((tool) => configFile(index, pkg.folder, tool)).filter((file): file is string => Boolean(file));
  const settings = findSettings(index, [...sources, ...configFiles, ...linkedSources]);
  for (const setting of data?.settings ?? []) {
    if (!settings.some((known) => known.setting.name === setting.name)) settings.push({ setting: { name: setting.name, secret: true }, evidence: setting.evidence });
  }
  return settings.sort((a, b) => (a.setting.name < b.setting.name ? -1 : a.setting.name > b.setting.name ? 1 : 0));
};

/** A static front end whose build another service serves, and where that build goes. */
interface ServedElsewhere {
  /** The folder the build writes, repository-relative, in the serving service's sources. */
  builtInto: string;
  /** The script that writes it, when it is not `build` (`release`: `vite build --outDir ../server/dist`). */
  script?: string;
  evidence: Evidence;
  why: string;
}

/** The folders `//go:embed` directives name (`all:build` -> build, `dist/*` -> dist, `dist/index.html` -> dist). */
const embeddedFolders = (text: string): { folder: string; offset: number }[] =>
  [...text.matchAll(/^[ \t]*\/\/go:embed\s+([^\n]+)/gm)].flatMap((match) =>
    match[1]
      .trim()
      .split(/\s+/)
      .map((pattern) => {
        const parts = pattern.replace(/^["`]|["`]$/g, '').replace(/^all:/, '').split('/');
        // The folder part: up to the first glob, without a file name at the end.
        const glob = parts.findIndex((part) => /[*?[]/.test(part));
        const plain = glob === -1 ? parts : parts.slice(0, glob);
        if (plain.length > 1 && plain[plain.length - 1].includes('.')) plain.pop();
        return { folder: plain.join('/'), offset: match.index };
      })
      .filter(({ folder }) => folder !== '' && folder !== '.'),
  );

/**
 * A static front end that another service serves: a Go file beside it embeds its build into the binary
 * (`//go:embed all:build`), or the build lands in another service's folder (Vite `outDir:
 * '../backend/app/frontend'`, a `release` script with `--outDir=../server/dist`, `mv build/*
 * ../src/main/resources/static`). It is built as part of that service, not deployed alone.
 */
const servedElsewhere = (context: DetectContext, pkg: NodePackage, output: OutputFound | undefined): ServedElsewhere | undefined => {
  const index = context.index;
  for (const file of index.filesUnder(pkg.folder).filter((candidate) => candidate.endsWith('.go') && folderOf(candidate) === pkg.folder)) {
    const text = index.read(file) ?? '';
    const embeds = embeddedFolders(text);
    if (embeds.length === 0) continue;
    const why = `front end embedded into the Go binary (${file}), served by it`;
    const built = embeds.find(({ folder }) => output?.value !== undefined && (folder === output.value || output.value.startsWith(`${folder}/`)));
    // The Go file embeds something else than the build (its templates): not how the front end is served.
    if (!built && output?.value !== undefined) continue;
    const chosen = built ?? embeds[0];
    return { builtInto: inFolder(pkg.folder, chosen.folder), evidence: evidence(file, `//go:embed ${chosen.folder}`, text, chosen.offset), why };
  }
  if (output?.outside) return { builtInto: output.outside, evidence: output.evidence, why: `front end built into ${output.outside}, served by the service there` };
  // The build script first, then the others (a `release` script beside a plain `build`).
  const scripts = Object.entries(pkg.scripts).sort(([a], [b]) => Number(b === 'build') - Number(a === 'build'));
  for (const [name, script] of scripts) {
    const match = script.match(/\b(?:mv|cp\s+-[rR]\w*|cpx|copyfiles)\s+\S+\s+((?:\.\.\/)+[^\s;&|]+)|\bvite\s+build\b[^&|;]*--outDir[= ]((?:\.\.\/)+[^\s;&|]+)/);
    const moved = match?.[1] ?? match?.[2];
    if (!moved) continue;
    const builtInto = path.posix.normalize(inFolder(pkg.folder, moved.replace(/\/[^/]*\*.*$/, ''))).replace(/\/+$/, '');
    const manifest = index.read(pkg.file);
    return {
      builtInto,
      ...(name === 'build' ? {} : { script: name }),
      evidence: evidence(pkg.file, `scripts.${name}`, manifest, manifest?.indexOf(`"${name}"`)),
      why: `front end built into ${builtInto}, served by the service there`,
    };
  }
  return undefined;
};

/** An Nx project names itself in project.json (its root package.json often holds the workspace's `@x/source`). */
const nameOf = (context: DetectContext, pkg: NodePackage): string => {
  const project = context.index.json(inFolder(pkg.folder, 'project.json'))?.name;
  const folderName = pkg.folder === '.' ? (context.index.root.split('/').pop() ?? 'app') : pkg.folder;
  return toServiceName(typeof project === 'string' && project.trim() ? project : (pkg.name ?? folderName));
};

export const detectNodeService: ServiceDetector = (folder, context) => {
  const pkg = readPackage(context, folder);
  if (!pkg) return undefined;
  const index = context.index;
  const sources = ownSources(context, folder);
  const found = frameworkOf(context, pkg, sources);
  if (pkg.isWorkspaceRoot && !rootIsApp(context, pkg, found, sources)) return notService(folder, 'workspace root: it only orchestrates its members');
  const byShape = notServiceByShape(context, pkg);
  if (byShape) return notService(folder, byShape);

  const facts = managerFacts(pkg, index);
  const scripted = scriptStart(pkg, index);
  const shape = shapeOf(context, pkg, found, sources, scripted);
  if ('why' in shape) return notService(folder, shape.why);

  const notes: string[] = [];
  const label = folder === '.' ? 'the root package' : folder;
  // Nx targets fill the steps no script names.
  const commands: ServiceCommands = { ...nxTargets(index, folder), ...scriptCommands(pkg, facts.manager, facts.berry, Boolean(facts.lockfile)) };
  // No build script, but the start script's pre-hook compiles (`prestart:prod: tsc`): that hook is the build.
  const preBuild = !pkg.scripts.build && scripted?.script ? `pre${scripted.script}` : undefined;
  if (preBuild && /\b(tsc|nest\s+build|tsup|esbuild|swc|webpack|rollup)\b/.test(pkg.scripts[preBuild] ?? '')) commands.build = `${facts.manager} run ${preBuild}`;
  const buildScript = pkg.scripts.build ? (followBuild(pkg) ?? pkg.scripts.build) : preBuild && commands.build ? pkg.scripts[preBuild] : undefined;
  const bunRuntime = facts.manager === 'bun' && (!scripted || /^bun\b/.test(scripted.command)) && !staticFrameworks.has(shape.framework);

  const buildContext = pkg.workspace && pkg.workspace.root !== folder ? pkg.workspace.root : undefined;
  const output = buildOutputOf(index, folder, shape.framework, { ...pkg.ownDependencies }, buildScript);
  const elsewhere = shape.static ? servedElsewhere(context, pkg, output) : undefined;
  if (elsewhere) {
    // A build git ignores is made by the build; one committed is served as it is, with nothing to build.
    const entry = `${elsewhere.builtInto}/index.html`;
    if (index.read(entry) !== undefined && !gitIgnores(index, entry)) {
      return notService(folder, `${elsewhere.why}; its build (${elsewhere.builtInto}) is committed, so there is nothing to build`);
    }
    if (elsewhere.script) commands.build = `${facts.manager} run ${elsewhere.script}`;
  }
  // Served by another service: no process, port or health route of its own.
  const start = elsewhere ? undefined : startOf(context, pkg, shape, scripted, Boolean(buildScript), bunRuntime, notes, label);
  const { port, healthPath } = elsewhere ? { port: undefined, healthPath: undefined } : portAndHealthOf(context, pkg, shape, start, sources, notes, label);
  if (output?.outside && !elsewhere) notes.push(`${label}: the build writes ${output.outside}, outside the service folder`);
  if (shape.framework === 'next' && output?.value?.endsWith('/standalone') && start?.command.startsWith('next start')) {
    // In a workspace Next traces from the workspace root, so the server sits at the member's path inside.
    const server = buildContext ? `${output.value}/${path.posix.relative(buildContext, folder)}/server.js` : `${output.value}/server.js`;
    notes.push(`${label}: output 'standalone': the image can run node ${server} (with .next/static and public copied beside it) instead of ${start.command}`);
  }

  // Packages it compiles in (workspace dependencies; tsconfig path aliases for back ends: server-rendering
  // front ends share code with the back ends that way, not their datastores).
  const linked = shape.static ? [] : linkedFolders(context, pkg, sources, (file) => bareSpecifiers(codeOf(index, file) ?? ''), shape.kind !== 'frontend');
  const linkedSources = linked.flatMap((member) => ownSources(context, member));
  const data = shape.static ? undefined : findData(context, pkg, sources, linked, linkedSources, shape.kind !== 'frontend');
  notes.push(...(data?.notes ?? []));
  const settings = settingsOf(context, pkg, shape, sources, linkedSources, data, notes, label);

  const runtime = runtimeVersionOf(pkg, index, bunRuntime, facts.version);
  const uses = data ? [...data.uses.keys()].sort() : [];
  context.notes.push(...notes);

  const service: DetectedService = {
    name: nameOf(context, pkg),
    path: folder,
    kind: shape.kind,
    language: 'node',
    framework: shape.framework,
    packageManager: facts.manager,
    ...(facts.version ? { packageManagerVersion: facts.version.value } : {}),
    ...(runtime ? { runtimeVersion: runtime.value } : {}),
    ...(port ? { port: port.value } : {}),
    ...(healthPath ? { healthPath: healthPath.value } : {}),
    commands: { ...commands, ...(start ? { start: start.command } : {}) },
    ...(buildContext ? { buildContext } : {}),
    ...(facts.lockfile ? { lockfile: facts.lockfile } : {}),
    ...(pkg.workspace && pkg.name ? { workspacePackage: pkg.name } : {}),
    ...(output?.value && !elsewhere ? { buildOutput: output.value } : {}),
    // The orchestrator names the service that serves it (the one whose folder holds builtInto), or drops it.
    ...(elsewhere ? { builtInto: elsewhere.builtInto } : {}),
    uses,
    ...(settings.length > 0 ? { settings: settings.map((entry) => entry.setting) } : {}),
    ...(data?.migrations ? { migrations: data.migrations.value } : {}),
    evidence: definedEvidence([
      ['framework', shape.frameworkEvidence],
      ['packageManager', facts.managerEvidence],
      ['packageManagerVersion', facts.version?.evidence],
      ['runtimeVersion', runtime?.evidence],
      ['port', port?.evidence],
      ['healthPath', healthPath?.evidence],
      ['commands.start', start?.evidence],
      ['lockfile', facts.lockfile ? evidence(facts.lockfile, `${facts.manager} lockfile`) : undefined],
      ['buildContext', buildContext && pkg.workspace ? pkg.workspace.evidence : undefined],
      ['buildOutput', output?.value && !elsewhere ? output.evidence : undefined],
      ['builtInto', elsewhere ? { ...elsewhere.evidence, note: `${elsewhere.evidence.note}: ${elsewhere.why}` } : undefined],
      ...uses.map((engine): [string, Evidence | undefined] => [`uses.${engine}`, data?.uses.get(engine)]),
      ...settings.map((entry): [string, Evidence] => [`settings.${entry.setting.name}`, entry.evidence]),
      ['migrations', data?.migrations?.evidence],
    ]),
  };
  return { services: [service] };
};
