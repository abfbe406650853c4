/**
 * Health routes as the application serves them, with every prefix applied: Express routers mounted with
 * `app.use('/api', router)` (across files), Fastify plugins registered with `{ prefix }`, Koa routers'
 * `prefix`, Hono `app.route('/api', sub)` and `basePath`, NestJS controller and method paths under
 * `setGlobalPrefix` (with its exclusions) and URI versioning, and file-based routes (Next.js route
 * handlers and API pages, Nuxt server routes, SvelteKit endpoints, React Router / Remix flat routes).
 */
import path from 'node:path';
import type { Framework } from '../../catalog/service.js';
import type { DetectContext } from '../context.js';
import type { Found } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { argumentsAt, codeIf, codeOf, firstString, importsOf, joinRoute, resolveImport } from './source.js';

/** Health-like path segments, best first. The weak ones (ping, status, up) count only as a whole route. */
const strongWords = ['health', 'healthz', 'healthcheck', 'health-check', 'health_check', 'livez', 'liveness', 'alive', 'readyz', 'readiness', 'heartbeat'];
const weakWords = ['live', 'ready', 'ping', 'status', 'up'];

/** Rank of a route as a health route (lower is better), or undefined when it is none. */
export const healthRank = (route: string, ownPath: string = route): number | undefined => {
  const segments = route.split('/').filter(Boolean);
  if (segments.some((segment) => /^[:*[{]/.test(segment) || segment.includes('$'))) return undefined;
  const strong = segments.findIndex((segment) => strongWords.includes(segment.toLowerCase()));
  const last = segments.length - 1;
  if (strong !== -1) {
    const word = segments[strong].toLowerCase();
    return strongWords.indexOf(word) + (strong === last ? 0 : 20) + segments.length;
  }
  const own = ownPath.split('/').filter(Boolean);
  if (own.length === 1 && weakWords.includes(own[0].toLowerCase())) return 40 + weakWords.indexOf(own[0].toLowerCase()) + segments.length;
  return undefined;
};

interface Candidate {
  route: string;
  rank: number;
  file: string;
  line: number;
  note: string;
}

const best = (candidates: Candidate[]): Found<string> | undefined => {
  const sorted = [...candidates].sort((a, b) => a.rank - b.rank || a.route.length - b.route.length || a.file.localeCompare(b.file));
  const top = sorted[0];
  return top ? { value: top.route, evidence: { file: top.file, line: top.line, note: top.note } } : undefined;
};

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/* ------------------------------------------------------------------------------------------------ */
/* Routers in code: Express, Fastify, Koa, Hono                                                    */

interface Importer {
  file: string;
  local: string;
}

/** For every source file, the files that import it and the local names they bind. */
const importersOf = (index: RepoIndex, folder: string, files: readonly string[]): Map<string, Importer[]> => {
  const importers = new Map<string, Importer[]>();
  for (const file of files) {
    const code = codeOf(index, file) ?? '';
    for (const binding of importsOf(code)) {
      const target = resolveImport(index, folder, file, binding.specifier);
      if (!target) continue;
      const list = importers.get(target) ?? [];
      list.push({ file, local: binding.local });
      importers.set(target, list);
    }
    // app.use('/api', require('./routes')): an inline require is a binding of its own.
    for (const match of code.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const target = resolveImport(index, folder, file, match[1]);
      if (!target) continue;
      const list = importers.get(target) ?? [];
      list.push({ file, local: `require('${match[1]}')` });
      importers.set(target, list);
    }
  }
  return importers;
};

interface Mount {
  /** The router or app that mounts. */
  parent: string;
  prefix: string;
  /** The mount call's arguments, where the mounted name appears. */
  args: string;
  offset: number;
}

/** `x.use('/p', ...)`, `x.use(...)`, `x.route('/p', sub)`, `x.register(plugin, { prefix: '/p' })` in a file. */
const mountsIn = (code: string): Mount[] => {
  const mounts: Mount[] = [];
  for (const match of code.matchAll(/\b([\w$]+)\s*\.\s*(use|route|register|mount)\s*\(/g)) {
    const open = match.index! + match[0].length - 1;
    const args = argumentsAt(code, open);
    const method = match[2];
    let prefix = '';
    if (method === 'register') {
      prefix = args.match(/\bprefix\s*:\s*(['"`])([^'"`$]*)\1/)?.[2] ?? '';
    } else {
      const literal = firstString(args);
      if (literal !== undefined) {
        if (!literal.startsWith('/') && method !== 'route') continue;
        prefix = literal;
      } else if (method === 'route') {
        continue;
      }
    }
    // `.route('/x').get(...)` (Express) defines a route; it mounts nothing.
    if (method === 'route' && !/,/.test(args)) continue;
    mounts.push({ parent: match[1], prefix, args, offset: match.index! });
  }
  return mounts;
};

/** A prefix a router gets where it is created: Koa `new Router({ prefix })`, Hono `.basePath('/x')`. */
const ownPrefix = (code: string, receiver: string): string => {
  const escaped = receiver.replace(/\$/g, '\\$');
  const koa = code.match(new RegExp(`\\b${escaped}\\s*=\\s*new\\s+\\w*Router\\s*\\(\\s*\\{[^}]*?prefix\\s*:\\s*(['"\`])([^'"\`$]*)\\1`));
  if (koa) return koa[2];
  const hono = code.match(new RegExp(`\\b${escaped}\\s*=\\s*new\\s+\\w*Hono\\b[^;]*?\\.basePath\\(\\s*(['"\`])([^'"\`$]*)\\1`));
  if (hono) return hono[2];
  const later = code.match(new RegExp(`\\b${escaped}\\s*\\.\\s*prefix\\(\\s*(['"\`])([^'"\`$]*)\\1`));
  return later ? later[2] : '';
};

const mentions = (args: string, name: string) => new RegExp(`(^|[^\\w$.'"])${name.replace(/[$()'.]/g, '\\$&')}(?![\\w$])`).test(args);

/** Every full prefix under which routes defined on `receiver` in `file` are served. */
const prefixesOf = (index: RepoIndex, importers: Map<string, Importer[]>, file: string, receiver: string, depth = 0, seen = new Set<string>()): string[] => {
  const key = `${file}#${receiver}`;
  if (depth > 6 || seen.has(key)) return [''];
  seen.add(key);
  const code = codeOf(index, file) ?? '';
  const own = ownPrefix(code, receiver);
  const results: string[] = [];
  for (const mount of mountsIn(code)) {
    if (!receiver || mount.parent === receiver || !mentions(mount.args, receiver)) continue;
    for (const outer of prefixesOf(index, importers, file, mount.parent, depth + 1, seen)) results.push(joinRoute(outer, mount.prefix, own));
  }
  for (const importer of importers.get(file) ?? []) {
    const importerCode = codeOf(index, importer.file) ?? '';
    for (const mount of mountsIn(importerCode)) {
      if (!mentions(mount.args, importer.local)) continue;
      for (const outer of prefixesOf(index, importers, importer.file, mount.parent, depth + 1, seen)) results.push(joinRoute(outer, mount.prefix, own));
    }
  }
  return results.length > 0 ? [...new Set(results)] : [own];
};

/**
 * Folders @fastify/autoload registers (`register(AutoLoad, { dir: path.join(__dirname, 'routes'), options:
 * { prefix: '/api' } })`): a plugin file there is served under its folder path, below that prefix.
 */
const autoloadFolders = (index: RepoIndex, files: readonly string[]): { folder: string; prefix: string }[] => {
  const folders: { folder: string; prefix: string }[] = [];
  for (const file of files) {
    const code = codeIf(index, file, 'autoload');
    if (!code) continue;
    for (const call of code.matchAll(/\.register\s*\(\s*[\w$]*[Aa]uto[Ll]oad\b/g)) {
      const args = argumentsAt(code, code.indexOf('(', call.index!));
      const dir = args.match(/\bdir\s*:\s*(?:path\.)?(?:join|resolve)\(\s*__dirname\s*,\s*(['"`])([^'"`$]+)\1/)?.[2];
      if (!dir) continue;
      const prefix = args.match(/\boptions\s*:\s*\{[^}]*\bprefix\s*:\s*(['"`])([^'"`$]*)\1/)?.[2] ?? '';
      folders.push({ folder: path.posix.normalize(path.posix.join(path.posix.dirname(file), dir)), prefix });
    }
  }
  return folders;
};

const routerCandidates = (index: RepoIndex, folder: string, files: readonly string[]): Candidate[] => {
  const candidates: Candidate[] = [];
  let importers: Map<string, Importer[]> | undefined;
  let autoloaded: { folder: string; prefix: string }[] | undefined;
  for (const file of files) {
    const code = codeIf(index, file, /\.(get|all|head|route)\s*\(/) ?? '';
    if (!/\.(get|all|head|route)\s*\(/.test(code)) continue;
    const definitions: { receiver: string; route: string; offset: number }[] = [];
    for (const match of code.matchAll(/(?:\b([\w$]+)|\))\s*\.\s*(get|all|head|route)\s*\(\s*(['"`])([^'"`$]*)\3\s*(,|\))/g)) {
      if (match[2] === 'route' && match[5] === ',') continue;
      definitions.push({ receiver: match[1] ?? '', route: match[4], offset: match.index! });
    }
    for (const match of code.matchAll(/\b([\w$]+)\s*\.\s*route\s*\(\s*\{[^}]*?\burl\s*:\s*(['"`])([^'"`$]*)\2/g)) {
      if (/method\s*:\s*\[?\s*['"](GET|HEAD)/i.test(match[0]) || !/method/.test(match[0])) definitions.push({ receiver: match[1], route: match[3], offset: match.index! });
    }
    for (const definition of definitions) {
      if (!definition.route.startsWith('/') && definition.route !== '') continue;
      if (healthRank(definition.route) === undefined && !/^\/?$/.test(definition.route)) continue;
      importers ??= importersOf(index, folder, files);
      autoloaded ??= autoloadFolders(index, files);
      const loader = autoloaded.find((entry) => file.startsWith(`${entry.folder}/`));
      const prefixes = loader && !importers.has(file) ? [joinRoute(loader.prefix, path.posix.dirname(file).slice(loader.folder.length))] : prefixesOf(index, importers, file, definition.receiver);
      for (const prefix of prefixes) {
        const route = joinRoute(prefix, definition.route) + (definition.route.length > 1 && definition.route.endsWith('/') ? '/' : '');
        const rank = healthRank(route, definition.route);
        if (rank === undefined) continue;
        candidates.push({
          route: route.replace(/\/\/$/, '/'),
          rank,
          file,
          line: lineOf(code, definition.offset),
          note: `${definition.receiver || 'router'}.get('${definition.route}')${prefix && prefix !== '/' ? ` mounted under ${prefix}` : ''}`,
        });
      }
    }
  }
  return candidates;
};

/* ------------------------------------------------------------------------------------------------ */
/* NestJS                                                                                            */

const decoratorPaths = (args: string): string[] => {
  const trimmed = args.trim();
  if (trimmed === '') return [''];
  const literal = firstString(trimmed);
  if (literal !== undefined) return [literal];
  if (trimmed.startsWith('[')) return [...trimmed.matchAll(/(['"`])([^'"`$]*)\1/g)].map((match) => match[2]);
  const path = trimmed.match(/\bpath\s*:\s*(?:\[\s*)?(['"`])([^'"`$]*)\1/);
  if (trimmed.startsWith('{')) return [path ? path[2] : ''];
  return [];
};

interface NestGlobals {
  prefix?: { value: string; file: string; line: number; exclude: string[] };
  defaultVersion?: string;
  versionPrefix: string;
}

const nestGlobals = (index: RepoIndex, files: readonly string[]): NestGlobals => {
  const globals: NestGlobals = { versionPrefix: 'v' };
  for (const file of files) {
    const code = codeIf(index, file, /setGlobalPrefix|enableVersioning/) ?? '';
    const prefixCall = code.match(/\.setGlobalPrefix\s*\(/);
    if (prefixCall && !globals.prefix) {
      const args = argumentsAt(code, prefixCall.index! + prefixCall[0].length - 1);
      const value = firstString(args) ?? args.match(/(?:\?\?|\|\|)\s*(['"`])([^'"`$]*)\1/)?.[2];
      const excludeList = args.match(/\bexclude\s*:\s*\[/);
      const exclude = excludeList
        ? [...argumentsAt(args, excludeList.index! + excludeList[0].length - 1).matchAll(/(?:path\s*:\s*)?(['"`])([^'"`$]*)\1/g)].map((match) => match[2].replace(/^\/+/, ''))
        : [];
      if (value !== undefined) globals.prefix = { value, file, line: lineOf(code, prefixCall.index!), exclude };
    }
    const versioning = code.match(/\.enableVersioning\s*\(/);
    if (versioning) {
      const args = argumentsAt(code, versioning.index! + versioning[0].length - 1);
      if (!/VersioningType\.(HEADER|MEDIA_TYPE|CUSTOM)/.test(args)) {
        globals.defaultVersion = args.match(/defaultVersion\s*:\s*(['"`])([^'"`$]*)\1/)?.[2] ?? globals.defaultVersion;
        const prefix = args.match(/\bprefix\s*:\s*(['"`])([^'"`$]*)\1/)?.[2];
        if (prefix !== undefined) globals.versionPrefix = prefix;
      }
    }
  }
  return globals;
};

/** The `{ ... }` objects at the top level of an array's text (`{ path: 'a', module: A }, { ... }`). */
const topLevelObjects = (text: string): string[] => {
  const objects: string[] = [];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] !== '{') continue;
    const inner = argumentsAt(text, index);
    objects.push(inner);
    index += inner.length + 1;
  }
  return objects;
};

/**
 * Prefixes that `RouterModule.register([{ path: 'admin', module: AdminModule, children: [...] }])` gives
 * the controllers of each module (`@Module({ controllers: [...] }) export class AdminModule`), by controller class.
 */
const routerModulePrefixes = (index: RepoIndex, files: readonly string[]): Map<string, string> => {
  const modulePrefix = new Map<string, string>();
  const walk = (text: string, parent: string) => {
    for (const entry of topLevelObjects(text)) {
      const path = entry.match(/\bpath\s*:\s*(['"`])([^'"`$]*)\1/)?.[2] ?? '';
      const prefix = joinRoute(parent, path);
      const module = entry.match(/\bmodule\s*:\s*([\w$]+)/)?.[1];
      if (module) modulePrefix.set(module, prefix);
      const children = entry.match(/\bchildren\s*:\s*\[/);
      if (children) walk(argumentsAt(entry, children.index! + children[0].length - 1), prefix);
    }
  };
  const controllerPrefix = new Map<string, string>();
  const modules: { code: string }[] = [];
  for (const file of files) {
    const code = codeIf(index, file, /RouterModule|@Module\(/);
    if (!code) continue;
    for (const call of code.matchAll(/RouterModule\.(?:register|forRoutes)\s*\(\s*\[/g)) walk(argumentsAt(code, call.index! + call[0].length - 1), '');
    if (code.includes('@Module(')) modules.push({ code });
  }
  if (modulePrefix.size === 0) return controllerPrefix;
  for (const { code } of modules) {
    for (const declaration of code.matchAll(/@Module\s*\(/g)) {
      const args = argumentsAt(code, declaration.index! + declaration[0].length - 1);
      const name = code.slice(declaration.index! + args.length).match(/export\s+class\s+([\w$]+)/)?.[1];
      const prefix = name ? modulePrefix.get(name) : undefined;
      const controllers = args.match(/\bcontrollers\s*:\s*\[([^\]]*)\]/)?.[1];
      if (prefix === undefined || !controllers) continue;
      for (const controller of controllers.split(',').map((entry) => entry.trim()).filter(Boolean)) controllerPrefix.set(controller, prefix);
    }
  }
  return controllerPrefix;
};

const nestCandidates = (index: RepoIndex, files: readonly string[]): Candidate[] => {
  const globals = nestGlobals(index, files);
  const moduleRoutes = routerModulePrefixes(index, files);
  const candidates: Candidate[] = [];
  for (const file of files) {
    const code = codeIf(index, file, '@Controller(') ?? '';
    if (!code.includes('@Controller(')) continue;
    const controllers = [...code.matchAll(/@Controller\s*\(/g)].map((match) => {
      const args = argumentsAt(code, match.index! + match[0].length - 1);
      const name = code.slice(match.index!).match(/\bclass\s+([\w$]+)/)?.[1];
      const routed = name ? moduleRoutes.get(name) : undefined;
      return { offset: match.index!, paths: decoratorPaths(args), version: args.match(/\bversion\s*:\s*(['"`])([^'"`$]*)\1/)?.[2], neutral: /VERSION_NEUTRAL/.test(args), routed };
    });
    for (const method of code.matchAll(/@(Get|All|Head)\s*\(/g)) {
      const controller = [...controllers].reverse().find((candidate) => candidate.offset < method.index!);
      if (!controller) continue;
      const args = argumentsAt(code, method.index! + method[0].length - 1);
      const methodVersion = code.slice(method.index!, method.index! + 300).match(/@Version\(\s*(['"`])([^'"`$]*)\1/)?.[2];
      for (const controllerPath of controller.paths) {
        for (const methodPath of decoratorPaths(args)) {
          const local = joinRoute(controller.routed ?? '', controllerPath, methodPath);
          const excluded = globals.prefix?.exclude.some((entry) => entry.replace(/\/+$/, '') === local.slice(1)) ?? false;
          const version = controller.neutral ? undefined : (methodVersion ?? controller.version ?? globals.defaultVersion);
          const route = joinRoute(excluded ? '' : (globals.prefix?.value ?? ''), version ? `${globals.versionPrefix}${version}` : '', local);
          const rank = healthRank(route, local);
          if (rank === undefined) continue;
          const parts = [`@Controller('${controllerPath}') @${method[1]}('${methodPath}')`];
          if (controller.routed) parts.push(`RouterModule path '${controller.routed}'`);
          if (globals.prefix && !excluded) parts.push(`global prefix '${globals.prefix.value}' (${globals.prefix.file}:${globals.prefix.line})`);
          if (excluded) parts.push('excluded from the global prefix');
          if (version) parts.push(`URI version ${version}`);
          candidates.push({ route, rank, file, line: lineOf(code, controller.offset), note: parts.join(' + ') });
        }
      }
    }
  }
  return candidates;
};

/* ------------------------------------------------------------------------------------------------ */
/* File-based routes                                                                                 */

/** Route of a file under a routes folder: `(group)` and `@slot` folders vanish, `index` is the folder. */
const fileRoute = (relative: string): string =>
  joinRoute(
    ...relative
      .replace(/\.[cm]?[jt]sx?$/, '')
      .split('/')
      .filter((segment) => !/^\(.*\)$/.test(segment) && !segment.startsWith('@') && segment !== 'index' && segment !== 'route' && segment !== '+server'),
  );

const fileCandidates = (index: RepoIndex, folder: string, framework: Framework | undefined, basePath: string): Candidate[] => {
  const prefix = folder === '.' ? '' : `${folder}/`;
  const candidates: Candidate[] = [];
  const add = (file: string, route: string, note: string) => {
    const full = joinRoute(basePath, route);
    const rank = healthRank(full, route.split('/').filter(Boolean).slice(-1).join('/'));
    if (rank !== undefined) candidates.push({ route: full, rank, file, line: 1, note: basePath ? `${note} under basePath ${basePath}` : note });
  };
  for (const file of index.filesUnder(folder)) {
    const relative = file.slice(prefix.length);
    let match: RegExpMatchArray | null;
    if ((framework === 'next' || !framework) && (match = relative.match(/^(?:src\/)?app\/(.+)\/route\.[cm]?[jt]sx?$/))) {
      add(file, fileRoute(match[1]), `Next.js route handler ${relative}`);
    } else if ((framework === 'next' || !framework) && (match = relative.match(/^(?:src\/)?pages\/(api\/.+)\.[cm]?[jt]sx?$/))) {
      add(file, fileRoute(match[1]), `Next.js API route ${relative}`);
    } else if (framework === 'nuxt' && (match = relative.match(/^(?:src\/)?server\/(api|routes)\/(.+?)(?:\.(?:get|head|all))?\.[cm]?[jt]s$/))) {
      add(file, fileRoute(`${match[1] === 'api' ? 'api/' : ''}${match[2]}`), `Nuxt server route ${relative}`);
    } else if (framework === 'sveltekit' && (match = relative.match(/^src\/routes\/(.+)\/\+server\.[jt]s$/))) {
      add(file, fileRoute(match[1]), `SvelteKit endpoint ${relative}`);
    } else if ((match = relative.match(/^app\/routes\/(.+)\.[cm]?[jt]sx?$/))) {
      // React Router / Remix flat routes: `api.health.ts`, `api+/health.ts`, `healthcheck/route.ts`.
      const route = match[1].replace(/\/route$/, '').replace(/\+\//g, '/').replace(/\./g, '/').replace(/(^|\/)_index$/, '');
      add(file, fileRoute(route.split('/').filter((segment) => !segment.startsWith('_')).join('/')), `route module ${relative}`);
    }
  }
  return candidates;
};

/** Next.js `basePath` when next.config sets it to a literal. */
export const nextBasePath = (index: RepoIndex, folder: string): string => {
  for (const file of index.filesUnder(folder).filter((candidate) => /^next\.config\.[cm]?[jt]s$/.test(path.posix.basename(candidate)) && path.posix.dirname(candidate) === folder)) {
    const match = (codeOf(index, file) ?? '').match(/\bbasePath\s*:\s*(['"`])([^'"`$]*)\1/);
    if (match) return match[2];
  }
  return '';
};

/** The health route of a service, with evidence; undefined when it serves none. */
export const findHealthPath = (context: DetectContext, folder: string, framework: Framework | undefined, sources: readonly string[]): Found<string> | undefined => {
  const index = context.index;
  const candidates: Candidate[] = [];
  if (framework === 'nestjs') candidates.push(...nestCandidates(index, sources));
  if (framework === 'next' || framework === 'nuxt' || framework === 'sveltekit' || !framework || framework === 'hono' || framework === 'express') {
    candidates.push(...fileCandidates(index, folder, framework === 'next' || framework === 'nuxt' || framework === 'sveltekit' ? framework : undefined, framework === 'next' ? nextBasePath(index, folder) : ''));
  }
  if (framework !== 'next' && framework !== 'nuxt' && framework !== 'sveltekit') candidates.push(...routerCandidates(index, folder, sources));
  return best(candidates);
};
