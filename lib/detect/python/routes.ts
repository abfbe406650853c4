/**
 * Health routes with every prefix applied: FastAPI routers (`APIRouter(prefix=...)`, `include_router(...,
 * prefix=...)`, `mount`), Flask blueprints (`url_prefix` at construction or registration) and Django URL
 * confs (`include()` chains). The walk starts at the app object and follows imports, so a route that is
 * never mounted is not taken.
 */
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { blockAt, calls, closingBracket, endOfString, literalValue, moduleConstants, Modules, readPython, splitTopLevel, stringValue } from './source.js';

export interface HealthRoute {
  path: string;
  evidence: Evidence;
}

/** Health-looking last segments, best first. */
const healthSegments: [RegExp, number][] = [
  [/^_?(health|healthz|healthcheck|health[-_]check|healthy)$/i, 0],
  [/^(livez|liveness|alive|heartbeat|live)$/i, 1],
  [/^ping$/i, 2],
  [/^(readyz|readiness|ready)$/i, 3],
  [/^status$/i, 4],
];

export const healthRank = (route: string): number | undefined => {
  const segments = route.split('/').filter(Boolean);
  const last = segments[segments.length - 1];
  if (last === undefined || /[<{:]/.test(route)) return undefined;
  return healthSegments.find(([pattern]) => pattern.test(last))?.[1];
};

/** Among equally good routes: the shorter, then the newer API version (`/api/v3/status/` over `/api/v1/status/`). */
const isShorterOrNewer = (candidate: string, current: string): boolean =>
  candidate.length < current.length || (candidate.length === current.length && candidate > current);

const joinPaths = (prefix: string, route: string): string => {
  if (route === '') return prefix || '/';
  if (prefix === '') return route.startsWith('/') ? route : `/${route}`;
  return `${prefix.replace(/\/$/, '')}/${route.replace(/^\//, '')}`;
};

/** Resolves names in prefixes: module constants, imported constants and `settings.X` attributes. */
export type NameResolver = (file: string, text: string, name: string) => string | undefined;

export const nameResolver = (index: RepoIndex, modules: Modules, settingDefaults: (attribute: string) => string | undefined): NameResolver => {
  const resolve = (file: string, text: string, name: string, depth = 0): string | undefined => {
    if (depth > 3) return undefined;
    const dotted = name.split('.');
    if (dotted.length === 2) {
      const fromSettings = settingDefaults(dotted[1]);
      if (fromSettings !== undefined) return fromSettings;
    }
    if (dotted.length === 1) {
      const constant = moduleConstants(text).get(name);
      if (constant) return literalValue(constant.expression, (inner) => resolve(file, text, inner, depth + 1));
      const imported = modules.resolve(file, text, name);
      if (imported && imported.file !== file && imported.name) {
        const other = readPython(index, imported.file);
        const value = other && moduleConstants(other).get(imported.name);
        if (other && value) return literalValue(value.expression, (inner) => resolve(imported.file, other, inner, depth + 1));
      }
    }
    return undefined;
  };
  return (file, text, name) => resolve(file, text, name);
};

/** The best health route seen so far during a walk, and the guard against walking a place twice. */
class RouteWalk {
  private rank = Infinity;
  route?: HealthRoute;
  private readonly visited = new Set<string>();

  constructor(private readonly index: RepoIndex) {}

  consider(path: string, rank: number | undefined, where: Evidence) {
    if (rank === undefined) return;
    if (rank < this.rank || (rank === this.rank && isShorterOrNewer(path, this.route!.path))) {
      this.rank = rank;
      this.route = { path, evidence: where };
    }
  }

  /** The file's text the first time (file, name, prefix) is entered within the depth limit. */
  enter(file: string, name: string, prefix: string, depth: number): string | undefined {
    const key = `${file}#${name}#${prefix}`;
    if (this.visited.has(key) || depth > 8) return undefined;
    this.visited.add(key);
    return readPython(this.index, file);
  }
}

interface Framework {
  constructors: string;
  prefixKeyword: string;
  includes: RegExp;
  /** Flask: a registration's url_prefix replaces the blueprint's own; FastAPI: they add up. */
  includeReplacesOwn: boolean;
  routes: RegExp;
}

const fastapi: Framework = {
  constructors: 'APIRouter|FastAPI',
  prefixKeyword: 'prefix',
  includes: /\b([A-Za-z_]\w*)\.(include_router|mount)\(/,
  includeReplacesOwn: false,
  // @router.get("/x"), @app.api_route("/x", methods=[...]), router.add_api_route("/x", ...)
  routes: /(?:@([A-Za-z_]\w*)\.(?:get|head|api_route)|\b([A-Za-z_]\w*)\.add_api_route)\(\s*(?:path\s*=\s*)?([rf]?["'][^"'\n]*["'])/,
};

const flask: Framework = {
  constructors: 'Blueprint|APIBlueprint|Flask',
  prefixKeyword: 'url_prefix',
  includes: /\b([A-Za-z_]\w*)\.(register_blueprint)\(/,
  includeReplacesOwn: true,
  routes: /(?:@([A-Za-z_]\w*)\.(?:route|get)|\b([A-Za-z_]\w*)\.add_url_rule)\(\s*(?:rule\s*=\s*)?([rf]?["'][^"'\n]*["'])/,
};

/** The health route of a FastAPI or Flask app, starting from the variable the app is bound to in its file. */
export const findRouterHealth = (
  index: RepoIndex,
  modules: Modules,
  names: NameResolver,
  kind: 'fastapi' | 'flask',
  start: { file: string; name: string },
): HealthRoute | undefined => {
  const framework = kind === 'fastapi' ? fastapi : flask;
  const best = new RouteWalk(index);

  const ownPrefix = (file: string, text: string, name: string): string => {
    const constructor = new RegExp(`\\b${name}\\s*(?::\\s*[\\w.]+\\s*)?=\\s*(?:[\\w.]+\\.)?(?:${framework.constructors})\\(`);
    const found = calls(text, constructor)[0];
    const prefix = found?.args.keywords[framework.prefixKeyword];
    return prefix === undefined ? '' : (stringValue(prefix, (inner) => names(file, text, inner)) ?? '');
  };

  const walk = (file: string, name: string, prefix: string, depth: number) => {
    const text = best.enter(file, name, prefix, depth);
    if (!text) return;
    const resolveName = (inner: string) => names(file, text, inner);
    for (const match of text.matchAll(new RegExp(framework.routes.source, 'g'))) {
      if ((match[1] ?? match[2]) !== name) continue;
      const route = stringValue(match[3], resolveName);
      if (route === undefined) continue;
      const full = joinPaths(prefix, route);
      best.consider(full, healthRank(full), evidence(file, `route ${route}${prefix ? ` under prefix ${prefix}` : ''}`, text, match.index));
    }
    for (const { match, args } of calls(text, framework.includes)) {
      if (match[1] !== name) continue;
      const isMount = match[2] === 'mount';
      const reference = isMount ? args.positional[1] : args.positional[0];
      if (!reference || !/^[A-Za-z_][\w.]*$/.test(reference)) continue;
      const target = modules.resolve(file, text, reference);
      if (!target || !target.name) continue;
      const targetText = readPython(index, target.file) ?? '';
      const given = isMount ? args.positional[0] : args.keywords[framework.prefixKeyword];
      const includePrefix = given === undefined ? undefined : stringValue(given, resolveName);
      if (given !== undefined && includePrefix === undefined) continue;
      const routerPrefix = ownPrefix(target.file, targetText, target.name);
      const combined =
        framework.includeReplacesOwn && includePrefix !== undefined
          ? joinPaths(prefix, includePrefix)
          : joinPaths(joinPaths(prefix, includePrefix ?? ''), routerPrefix);
      walk(target.file, target.name, combined === '/' ? '' : combined, depth + 1);
    }
  };

  const text = readPython(index, start.file) ?? '';
  const rootPrefix = kind === 'flask' ? '' : ownPrefix(start.file, text, start.name);
  walk(start.file, start.name, rootPrefix, 0);
  return best.route;
};

/** Bracket depth at every offset of a list's text (1 = an element of the list itself). */
const bracketDepths = (text: string): Uint8Array => {
  const depths = new Uint8Array(text.length + 1);
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"' || char === "'") {
      const end = endOfString(text, index);
      depths.fill(depth, index, end);
      index = end - 1;
      continue;
    }
    if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) depth = Math.max(0, depth - 1);
    depths[index + 1] = depth;
  }
  return depths;
};

/** A Django REST framework view whose permission classes require a login: not a probe target. */
const requiresLogin = (index: RepoIndex, modules: Modules, file: string, text: string, view: string): boolean => {
  const reference = view.match(/^([A-Za-z_][\w.]*?)(?:\.as_view\(|$)/)?.[1];
  if (!reference) return false;
  const target = modules.resolve(file, text, reference);
  if (!target?.name) return false;
  const source = readPython(index, target.file) ?? '';
  const definition = source.match(new RegExp(`^(class|def)\\s+${target.name}\\b`, 'm'));
  if (!definition) return false;
  return /permission_classes\s*=\s*[[(]?\s*(?:permissions\.)?(IsAuthenticated|IsAdminUser)\b|@login_required|LoginRequiredMixin|@permission_required/.test(
    blockAt(source, definition.index!) + source.slice(Math.max(0, definition.index! - 200), definition.index!),
  );
};

/** The health route of a Django project: the ROOT_URLCONF's urlpatterns through include() chains. */
export const findDjangoHealth = (index: RepoIndex, modules: Modules, names: NameResolver, urlconf: string): HealthRoute | undefined => {
  const best = new RouteWalk(index);
  const consider = (full: string, rank: number | undefined, where: Evidence) => best.consider(full, rank, where);

  /** The elements of a urlpatterns list (its text with brackets), top level only. */
  const walkElements = (file: string, text: string, listText: string, listOffset: number, prefix: string, depth: number) => {
    if (depth > 8) return;
    const resolveName = (inner: string) => names(file, text, inner);
    const depths = bracketDepths(listText);
    for (const { match, args } of calls(listText, /\b(path|re_path|url)\(/)) {
      // Only elements of this list: calls nested inside an include([...]) are walked with their prefix.
      if (depths[match.index] !== 1) continue;
      let route = stringValue(args.positional[0], resolveName);
      if (route === undefined) continue;
      if (match[1] !== 'path') route = route.replace(/^\^/, '').replace(/\$$/, '');
      if (/[\\()[\]?*+|]/.test(route)) continue;
      const full = joinPaths(prefix, route);
      const where = evidence(file, `${match[1]}("${route}")${prefix ? ` under ${prefix}` : ''}`, text, listOffset + match.index);
      const view = args.positional[1] ?? args.keywords.view ?? '';
      const include = view.match(/^include\(\s*([\s\S]*)\)$/);
      const below = full === '/' ? '' : full;
      if (!include) {
        const rank = healthRank(full);
        if (rank !== undefined && !requiresLogin(index, modules, file, text, view)) consider(full, rank, where);
        continue;
      }
      const included = include[1].trim().replace(/^\(\s*/, '');
      if (included.startsWith('[')) {
        const inlineOpen = listText.indexOf('[', listText.indexOf('include(', args.start));
        walkElements(file, text, listText.slice(inlineOpen, closingBracket(listText, inlineOpen) + 1), listOffset + inlineOpen, below, depth + 1);
        continue;
      }
      const first = splitTopLevel(included, ',')[0];
      const module = stringValue(first);
      if (module !== undefined) {
        // django-health-check answers at the include's own path.
        if (module.startsWith('health_check')) consider(full, 0, where);
        const target = modules.file(module);
        if (target) walkList(target, 'urlpatterns', below, depth + 1);
        continue;
      }
      if (/^[A-Za-z_][\w.]*$/.test(first) && !first.endsWith('.urls')) {
        const target = modules.resolve(file, text, first);
        if (target) walkList(target.file, target.name || 'urlpatterns', below, depth + 1);
      }
    }
  };

  const walkList = (file: string, listName: string, prefix: string, depth: number) => {
    const text = best.enter(file, listName, prefix, depth);
    if (!text) return;
    for (const list of text.matchAll(new RegExp(`^${listName}\\s*(?::[^=\\n]+)?\\+?=\\s*\\[`, 'gm'))) {
      const open = list.index! + list[0].length - 1;
      walkElements(file, text, text.slice(open, closingBracket(text, open) + 1), open, prefix, depth);
    }
  };

  const root = modules.file(urlconf);
  if (root) walkList(root, 'urlpatterns', '', 0);
  return best.route;
};
