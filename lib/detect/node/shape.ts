/**
 * What a Node package is: a static or server-rendering front end, a back end, a worker, or no service at
 * all (and why), judged from its framework, its files and whether anything starts a server.
 */
import type { Framework } from '../../catalog/service.js';
import type { DetectContext } from '../context.js';
import { evidence } from '../evidence.js';
import type { Evidence } from '../types.js';
import { inFolder } from '../workspaces.js';
import { configFile } from './build-output.js';
import { libraryReason, queueLibraries, type FrameworkFound } from './classify.js';
import type { StartCommand } from './commands.js';
import { jsonKeyEvidence, type NodePackage } from './manifest.js';
import { codeIf, codeOf, packagesImportedBy } from './source.js';

export const staticFrameworks = new Set<Framework>(['react', 'vue', 'angular', 'svelte']);
const renderingFrameworks = new Set<Framework>(['next', 'nuxt', 'sveltekit']);

/** Orchestration commands of a workspace root: they start the members, not the root. */
export const orchestrates = /\b(turbo|nx|lerna|concurrently|run-p|npm-run-all)\b|\bpnpm\b.*(\s-r\b|--recursive|--filter|\s-F\s)|\bnpm\b.*(--workspaces?|\s-w\s)|\byarn\s+(workspace|workspaces)\b|\bbun\b.*--filter/;

/** Code that starts an HTTP server: listen(), NestFactory, Bun.serve, `export default { fetch }`, Hono's serve(). */
export const serverCode = /\.listen\s*\(|NestFactory\.create|Bun\.serve\s*\(|export\s+default\s*\{[^}]*\bfetch\b|\bserve\s*\(\s*\{[^}]*\bfetch\b|createServer\s*\(/;

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

/**
 * Another back end of the workspace that runs this Next.js app inside its own server (`next({ dir:
 * '../web' })` in a NestJS or Express app): the app is no service of its own.
 */
const embeddingServer = (context: DetectContext, pkg: NodePackage): { folder: string; file: string } | undefined => {
  if (!pkg.workspace) return undefined;
  const base = pkg.folder.split('/').pop() ?? '';
  for (const member of pkg.workspace.members) {
    if (member === pkg.folder) continue;
    const manifest = context.index.json(inFolder(member, 'package.json'));
    const dependencies = { ...manifest?.dependencies, ...manifest?.devDependencies };
    if (!('next' in dependencies) || !['@nestjs/core', 'express', 'fastify', 'koa', 'hono'].some((name) => name in dependencies)) continue;
    const sources = context.index.sourceFiles(member, ['.ts', '.js', '.mjs', '.cjs']);
    const starts = sources.some((file) => /import\s+\w+\s+from\s+['"]next['"]|require\(\s*['"]next['"]\s*\)/.test(codeIf(context.index, file, "'next'") ?? codeIf(context.index, file, '"next"') ?? ''));
    if (!starts) continue;
    // The Next app's folder handed to next() as its `dir` (directly or as the default of a setting).
    const pointer = sources.find((file) => new RegExp(`\\bdir\\s*:[^,\\n]*['"\`](?:\\.\\./)+(?:[\\w.-]+/)*${base.replace(/[.]/g, '\\.')}/?['"\`]`).test(codeIf(context.index, file, base) ?? ''));
    if (pointer) return { folder: member, file: pointer };
  }
  return undefined;
};

export interface Shape {
  kind: 'frontend' | 'backend' | 'worker';
  framework: Framework;
  frameworkEvidence: Evidence;
  static: boolean;
}

/** What the package is, or why it is no service. */
export const shapeOf = (context: DetectContext, pkg: NodePackage, found: FrameworkFound | undefined, sources: readonly string[], start: StartCommand | undefined): Shape | { why: string } => {
  const index = context.index;
  const startsServer = Boolean(start) || sources.some((file) => serverCode.test(codeIf(index, file, serverCode) ?? ''));
  if (found && found.dependency in pkg.peerDependencies && !(found.dependency in pkg.dependencies)) return { why: libraryReason(pkg, found) };
  // React Router (framework mode) and Remix serve their own server-rendered build.
  const routerServer = ['@react-router/serve', '@remix-run/serve', '@react-router/node', '@remix-run/node'].find((name) => name in pkg.ownDependencies);
  if (routerServer && (start || pkg.scripts.build) && (!found || staticFrameworks.has(found.framework))) {
    return { kind: 'backend', framework: 'none', frameworkEvidence: jsonKeyEvidence(index, pkg.file, routerServer, `${routerServer}: a server-rendered React Router / Remix app`), static: false };
  }
  if (found && renderingFrameworks.has(found.framework)) {
    const confirmed = configFile(index, pkg.folder, found.framework === 'sveltekit' ? 'svelte' : found.framework) || Object.values(pkg.scripts).some((script) => /\b(next|nuxt|nuxi|vite)\s+(build|start|dev)\b/.test(script));
    if (!confirmed) return { why: libraryReason(pkg, found) };
    const host = found.framework === 'next' ? embeddingServer(context, pkg) : undefined;
    if (host) return { why: `served by ${host.folder}, which starts Next.js in its own process (${host.file})` };
    // Static exports: Next `output: 'export'`, `nuxt generate` are files for nginx, not a server.
    const nextConfig = found.framework === 'next' ? configFile(index, pkg.folder, 'next') : undefined;
    const exported = nextConfig ? (codeOf(index, nextConfig) ?? '').match(/\boutput\s*:\s*(['"`])export\1/) : null;
    if (nextConfig && exported) return { kind: 'frontend', framework: 'react', frameworkEvidence: evidence(nextConfig, "Next.js with output: 'export': built into static files", codeOf(index, nextConfig), exported.index), static: true };
    const generate = found.framework === 'nuxt' ? Object.entries(pkg.scripts).find(([name, script]) => name === 'build' && /\bnux[ti]\s+generate\b/.test(script)) : undefined;
    if (generate) return { kind: 'frontend', framework: 'vue', frameworkEvidence: jsonKeyEvidence(index, pkg.file, 'build', `build runs ${generate[1]}: pre-rendered static files`), static: true };
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

