/**
 * Go services: a module (go.mod) is read whole, every main package in it is classified (servers, workers,
 * tools), and each service gets its framework, port, health route, settings, datastores and migrations from
 * the packages its main compiles in. One server in a module is the module's service (path = the module);
 * several are several services (path = their main package, built from the module root).
 */
import type { DatastoreEngine, ServiceCommands } from '../../catalog/service.js';
import { compareText } from '../../order.js';
import type { DetectContext, ServiceDetector } from '../context.js';
import { nestedManifestFolders } from '../context.js';
import { evidence } from '../evidence.js';
import { RepoIndex } from '../repo-index.js';
import { toServiceName } from '../service-name.js';
import type { DetectedService, Evidence } from '../types.js';
import { SettingsCollector } from '../values.js';
import { findGoDatastores } from './datastores.js';
import { findGoMigrations, toolMigrations } from './migrations.js';
import { GoProgram, type GoSource } from './module.js';
import { findGoPort } from './ports.js';
import { bestHealthRoute, findHealthRoutes } from './routes.js';
import { classifyMains, frameworkOfMain, isToolFolder, startArguments, type GoMain } from './servers.js';
import { readFlags, readGoSettings } from './settings.js';

/** The last element of a module path, skipping a major-version suffix: `github.com/acme/shop/v2` -> `shop`. */
export const moduleName = (modulePath: string): string => {
  const parts = modulePath.split('/');
  return (/^v\d+$/.test(parts.at(-1) ?? '') && parts.length > 1 ? parts.at(-2) : parts.at(-1)) ?? modulePath;
};

const relativeTo = (folder: string, file: string): string => (folder === '.' ? file : file.slice(folder.length + 1));

/** Build tags the project's Makefile passes to `go build` (`-tags=$(GO_BUILD_TAGS)` resolved). */
const makefileBuildTags = (context: DetectContext, folder: string): string | undefined => {
  const text = context.index.read(RepoIndex.join(folder, 'Makefile')) ?? context.index.read(RepoIndex.join(folder, 'makefile'));
  if (!text) return undefined;
  const build = /^\t[^\n]*\bgo build\b[^\n]*?-tags[= ]["']?(\$\((\w+)\)|[\w,]+)/m.exec(text);
  if (!build) return undefined;
  if (!build[2]) return build[1];
  return new RegExp(`^${build[2]}\\s*[:?]?=\\s*([\\w,]+)`, 'm').exec(text)?.[1];
};

const lintCommand = (context: DetectContext, folder: string): string =>
  ['.golangci.yml', '.golangci.yaml', '.golangci.toml', '.golangci.json'].some((name) => context.index.has(RepoIndex.join(folder, name))) ? 'golangci-lint run' : 'go vet ./...';

interface Plan {
  main: GoMain;
  name: string;
  path: string;
  /** The binary's name: the main package's folder, or the module's name for a root main. */
  binary: string;
}

const describeService = (plan: Plan, program: GoProgram, context: DetectContext, shared: { tags?: string; lint: string; nested: string[] }): DetectedService => {
  const { main, name, path } = plan;
  const folder = program.folder;
  const evidenceOf: Record<string, Evidence> = {};
  const files: GoSource[] = main.files;
  const serves = main.role === 'server';

  const framework = serves ? frameworkOfMain(main) : { value: 'none' as const, evidence: evidence(main.pkg.files[0].file, `main package without a listener: ${main.why}`) };
  evidenceOf.framework = framework.evidence;

  const runtime = program.mod.toolchain ?? program.mod.go;
  if (runtime) evidenceOf.runtimeVersion = evidence(program.mod.file, program.mod.toolchain ? `toolchain go${runtime.value}` : `go ${runtime.value}`, runtime.text, runtime.offset);

  const flags = readFlags(files);
  const found = readGoSettings(files, flags);

  let port: number | undefined;
  let healthPath: string | undefined;
  if (serves) {
    const portFinding = findGoPort(files, found, flags, context.index, folder);
    if (portFinding) {
      port = portFinding.port;
      evidenceOf.port = portFinding.evidence;
    } else {
      port = 8080;
      const listen = main.listen!;
      evidenceOf.port = evidence(listen.source.file, 'no port in the code or its config: 8080 assumed', listen.source.text, listen.offset);
      context.notes.push(`${name}: no listen port found in the code, its flags or its config files; 8080 assumed (set PORT or the listen flag to match)`);
    }
    const routes = findHealthRoutes(files);
    const best = bestHealthRoute(routes);
    if (best) {
      healthPath = best.path;
      evidenceOf.healthPath = best.evidence;
      const readiness = routes.find((route) => route.readiness && route.path !== best.path);
      if (!best.readiness && readiness) context.notes.push(`${name}: health probe ${best.path} (liveness); ${readiness.path} is its readiness route (${readiness.evidence.file}:${readiness.evidence.line})`);
    }
  }

  const start = startArguments(main, plan.binary);
  if (start) evidenceOf['commands.start'] = start.evidence;

  const stores = findGoDatastores(files);
  const uses = [...stores.uses.keys()].sort(compareText) as DatastoreEngine[];
  for (const engine of uses) evidenceOf[`uses.${engine}`] = stores.uses.get(engine)!;
  if (stores.sqlite) context.notes.push(`${name}: uses SQLite (${stores.sqlite.file}): the app writes a database file, which needs a persistent volume`);
  if (stores.cgo) context.notes.push(`${name}: needs cgo (${stores.cgo.note}, ${stores.cgo.file}): build with CGO_ENABLED=1 and a libc base image; the distroless static image cannot run it`);

  const collector = new SettingsCollector();
  for (const setting of found) {
    collector.add(setting.name, setting.evidence, { ...(setting.default !== undefined ? { default: setting.default } : {}), ...(setting.secret ? { secret: true } : {}) });
  }
  const { settings, evidence: settingsEvidence } = collector.result();
  Object.assign(evidenceOf, settingsEvidence);

  const startCommand = [`./${plan.binary}`, start?.value].filter(Boolean).join(' ');
  const migrations = findGoMigrations(files, context.index, folder, path, shared.nested, uses, found, startCommand);
  if (migrations) {
    evidenceOf.migrations = migrations.evidence;
    if (migrations.atStartup) context.notes.push(`${name}: applies ${migrations.what} at start-up (${migrations.evidence.file}); no separate migration step is needed`);
  }

  const mainFolder = relativeTo(path, main.pkg.dir === path ? '.' : main.pkg.dir);
  const tags = shared.tags ? ` -tags ${shared.tags}` : '';
  const commands: ServiceCommands = {
    install: 'go mod download',
    build: `go build${tags} ${main.pkg.dir === path ? '.' : `./${mainFolder}`}`,
    test: `go test${tags} ./...`,
    lint: shared.lint,
    ...(start ? { start: start.value } : {}),
  };

  const lockfile = RepoIndex.join(folder, 'go.sum');
  const hasLock = context.index.has(lockfile);
  if (hasLock) evidenceOf.lockfile = evidence(lockfile, 'go.sum pins the module downloads');

  return {
    name,
    path,
    kind: serves ? 'backend' : 'worker',
    language: 'go',
    framework: framework.value,
    packageManager: 'go',
    ...(runtime ? { runtimeVersion: runtime.value } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(healthPath !== undefined ? { healthPath } : {}),
    commands,
    ...(path !== folder ? { buildContext: folder } : {}),
    ...(hasLock ? { lockfile } : {}),
    uses,
    ...(settings.length > 0 ? { settings } : {}),
    ...(migrations ? { migrations: migrations.value } : {}),
    evidence: evidenceOf,
  };
};

export const detectGoService: ServiceDetector = (folder, context) => {
  const modFile = RepoIndex.join(folder, 'go.mod');
  const modText = context.index.read(modFile);
  if (modText === undefined) return undefined;
  const program = GoProgram.load(folder, context, modFile, modText);
  const mains = classifyMains(program);
  if (mains.length === 0) return { notService: { path: folder, why: 'Go library module: no main package' } };
  const deployed = mains.filter((main) => main.role !== 'tool');
  if (isToolFolder(folder) && !deployed.some((main) => main.role === 'server')) {
    return { notService: { path: folder, why: `Go ${mains.length > 1 ? 'programs' : 'program'} in a tools/examples folder that ${mains.length > 1 ? 'open' : 'opens'} no listener` } };
  }
  if (deployed.length === 0) {
    return { notService: { path: folder, why: `Go tools only (${mains.map((main) => `${relativeTo(folder, main.pkg.dir) || '.'}: ${main.why}`).join('; ')})` } };
  }
  const rootName = toServiceName(moduleName(program.mod.modulePath ?? (folder === '.' ? 'app' : folder)));
  const single = deployed.length === 1;
  const plans: Plan[] = deployed.map((main) => {
    const atRoot = main.pkg.dir === folder;
    const binary = atRoot ? moduleName(program.mod.modulePath ?? folder) : main.pkg.dir.slice(main.pkg.dir.lastIndexOf('/') + 1);
    return { main, binary, name: single || atRoot ? rootName : toServiceName(binary), path: single ? folder : main.pkg.dir };
  });
  for (const main of mains.filter((candidate) => candidate.role === 'tool')) {
    context.notes.push(`${rootName}: ${main.pkg.dir} is not deployed (${main.why})`);
  }
  if (!single) context.notes.push(`${rootName}: ${plans.length} programs in one module (${plans.map((plan) => plan.path).join(', ')}); each is built from the module root ${folder}`);
  const shared = { tags: makefileBuildTags(context, folder), lint: lintCommand(context, folder), nested: nestedManifestFolders(context, folder) };
  const services = plans.map((plan) => describeService(plan, program, context, shared));
  withToolMigrations(services, plans, mains, context);
  return { services };
};

/**
 * A tool of the module that migrates the database (an admin CLI's `migrate` command) serves the module's
 * main application (the service compiling in most packages) among those using a datastore and migrating
 * nothing themselves.
 */
const withToolMigrations = (services: DetectedService[], plans: Plan[], mains: GoMain[], context: DetectContext) => {
  for (const tool of mains.filter((main) => main.role === 'tool')) {
    const candidates = services
      .map((service, index) => ({ service, plan: plans[index] }))
      .filter(({ service }) => !service.migrations && (service.uses ?? []).length > 0);
    if (candidates.length === 0) return;
    const best = candidates.reduce((a, b) => (b.plan.main.reach.length > a.plan.main.reach.length ? b : a));
    const found = toolMigrations(tool.files, tool.pkg.dir, tool.pkg.files, best.service.path);
    if (!found) continue;
    best.service.migrations = found.value;
    best.service.evidence.migrations = found.evidence;
    context.notes.push(`${best.service.name}: migrations are applied by the tool ${tool.pkg.dir} (${found.value.command}), not by the service at start-up; build that tool into the image or run it as a job`);
  }
};
