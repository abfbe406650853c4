/**
 * Health routes of a Go server, with every prefix applied: gin/echo/fiber groups (`v1 := r.Group("/api/v1")`,
 * chained or passed to a function that registers the routes), chi `r.Route("/v1", func(r chi.Router) {...})`
 * blocks and `r.Mount("/api", sub)` (a router built in a function whose result is mounted), gorilla
 * `PathPrefix(...).Subrouter()`, Go 1.22 method patterns (`"GET /system/liveness"`), chi's Heartbeat
 * middleware, and handlers registered with a version group argument (`app.HandlerFunc(http.MethodGet,
 * "v1", "/liveness", ...)`).
 */
import { evidence } from '../evidence.js';
import type { Evidence } from '../types.js';
import { healthRank } from '../values.js';
import type { GoSource } from './module.js';
import { callArguments, closingBracket, enclosingFunction, functionsOf, stringConstants, stringValue, type GoFunction } from './source.js';

export interface HealthRoute {
  path: string;
  /** 1: liveness-style (/health, /healthz, /livez), 2: ping/heartbeat, 3: readiness, 4: status. */
  rank: number;
  readiness: boolean;
  evidence: Evidence;
}

/** Methods that register a route with its path as an argument. */
const registering = /^(GET|Get|HEAD|Head|Any|Handle|HandleFunc|HandlerFunc\w*|Handler|Match|Add|Method|MethodFunc|Path|Static|Heartbeat)$/;
const routerConstructors = /^(?:chi\.NewRouter|chi\.NewMux|http\.NewServeMux|echo\.New|gin\.New|gin\.Default|fiber\.New|mux\.NewRouter|httprouter\.New)\s*\(/;

const join = (...parts: string[]): string => {
  const joined = parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  const trailing = parts.length > 0 && parts[parts.length - 1].endsWith('/') && parts[parts.length - 1] !== '/' ? '/' : '';
  return `/${joined}${joined ? trailing : ''}`;
};

class Resolver {
  private readonly functions = new Map<string, GoFunction[]>();
  private readonly constants = new Map<string, Map<string, string>>();

  constructor(private readonly files: readonly GoSource[]) {}

  functionsIn(source: GoSource): GoFunction[] {
    let list = this.functions.get(source.file);
    if (!list) this.functions.set(source.file, (list = functionsOf(source.code)));
    return list;
  }

  constantsIn(source: GoSource): Map<string, string> {
    let map = this.constants.get(source.file);
    if (!map) this.constants.set(source.file, (map = stringConstants(source.code)));
    return map;
  }

  /** The path prefix of router expression `receiver` as it stands at `offset` of `source`. */
  prefixOf(receiver: string, source: GoSource, offset: number, depth = 0): string {
    if (depth > 6) return '';
    const code = source.code;
    // Inside chi's r.Route("/v1", func(r chi.Router) { ... }) the closure's router carries the prefix.
    const block = this.routeBlockAround(source, offset, receiver);
    if (block) return join(this.prefixOf(block.receiver, source, block.offset, depth + 1), block.path);
    const fn = enclosingFunction(this.functionsIn(source), offset);
    const scopeStart = fn ? fn.start : 0;
    if (/^\w+$/.test(receiver)) {
      const assignment = this.lastAssignment(code, receiver, scopeStart, offset);
      if (assignment) return this.prefixOfExpression(assignment.rhs, source, assignment.offset, receiver, fn, depth);
      if (fn && fn.params.includes(receiver) && fn.receiver !== receiver) return this.prefixFromCallers(fn, source, fn.params.indexOf(receiver), depth);
      return '';
    }
    const field = /^\w+\.(\w+)$/.exec(receiver);
    if (field) {
      for (const other of this.files.filter((candidate) => candidate.dir === source.dir)) {
        const set = new RegExp(`\\.${field[1]}\\s*=\\s*([^\\n]+)|\\b${field[1]}:\\s*([^\\n,]+)`).exec(other.code);
        if (set) return this.prefixOfExpression((set[1] ?? set[2]).trim(), other, set.index, undefined, undefined, depth);
      }
    }
    return '';
  }

  private prefixOfExpression(rhs: string, source: GoSource, offset: number, variable: string | undefined, fn: GoFunction | undefined, depth: number): string {
    const group = /^([\w.]+?)((?:\s*\.\s*(?:Group|PathPrefix)\s*\(\s*"[^"]*"[^)]*\)(?:\s*\.\s*Subrouter\s*\(\s*\))?)+)/.exec(rhs);
    if (group) {
      const parts = [...group[2].matchAll(/(?:Group|PathPrefix)\s*\(\s*"([^"]*)"/g)].map((match) => match[1]);
      return join(this.prefixOf(group[1], source, offset, depth + 1), ...parts);
    }
    if (routerConstructors.test(rhs) && variable) return this.mountedPrefix(variable, source, offset, fn, depth);
    return '';
  }

  /**
   * How a call of `fn` (declared in `declaring`) is written in `caller`: `.Name(` for a method, `Name(` in
   * its own package, `pkg.Name(` elsewhere; chi.NewRouter( is never a call of the package's own NewRouter.
   */
  private callOf(fn: GoFunction, declaring: GoSource, caller: GoSource): string {
    if (fn.receiver) return `[\\w.]+\\.${fn.name}`;
    return caller.dir === declaring.dir ? `(?<![\\w.])${fn.name}` : `\\b${declaring.pkg}\\.${fn.name}`;
  }

  /** Where a router built with chi.NewRouter() (or similar) is mounted: by its variable or by its function. */
  private mountedPrefix(variable: string, source: GoSource, offset: number, fn: GoFunction | undefined, depth: number): string {
    const mount = new RegExp(`([\\w.]+)\\.(?:Mount|Route)\\s*\\(\\s*"([^"]*)"\\s*,\\s*${variable}\\b|([\\w.]+)\\.Handle\\s*\\(\\s*"[^"]*"\\s*,\\s*http\\.StripPrefix\\s*\\(\\s*"([^"]*)"\\s*,\\s*${variable}\\b`);
    const local = mount.exec(source.code.slice(offset, fn ? fn.end : undefined));
    if (local) return join(this.prefixOf(local[1] ?? local[3], source, offset + local.index, depth + 1), local[2] ?? local[4]);
    if (!fn || !new RegExp(`\\breturn\\s+${variable}\\b`).test(source.code.slice(offset, fn.end))) return '';
    // The function returns the router: follow its callers (r.Mount("/api", apiRouter()) or v := apiRouter()).
    for (const other of this.files) {
      const call = this.callOf(fn, source, other);
      const direct = new RegExp(`([\\w.]+)\\.(?:Mount|Route)\\s*\\(\\s*"([^"]*)"\\s*,\\s*${call}\\s*\\(|([\\w.]+)\\.Handle\\s*\\(\\s*"[^"]*"\\s*,\\s*http\\.StripPrefix\\s*\\(\\s*"([^"]*)"\\s*,\\s*${call}\\s*\\(`).exec(other.code);
      if (direct) return join(this.prefixOf(direct[1] ?? direct[3], other, direct.index, depth + 1), direct[2] ?? direct[4]);
      const assigned = new RegExp(`\\b(\\w+)\\s*:?=\\s*${call}\\s*\\(`).exec(other.code);
      if (assigned && !(other === source && assigned.index >= fn.start && assigned.index <= fn.end)) {
        const callerFn = enclosingFunction(this.functionsIn(other), assigned.index);
        const prefix = this.mountedPrefix(assigned[1], other, assigned.index, callerFn, depth + 1);
        if (prefix !== '') return prefix;
      }
    }
    return '';
  }

  /** A router passed in as parameter `index` of `fn`: the prefix its callers give it. */
  private prefixFromCallers(fn: GoFunction, declaring: GoSource, index: number, depth: number): string {
    for (const other of this.files) {
      for (const match of other.code.matchAll(new RegExp(`${this.callOf(fn, declaring, other)}\\s*\\(`, 'g'))) {
        if (/\bfunc\s*(\([^)]*\)\s*)?$/.test(other.code.slice(Math.max(0, match.index! - 60), match.index!))) continue;
        const args = callArguments(other.code, match.index! + match[0].length - 1);
        const arg = args[index];
        if (!arg) continue;
        const grouped = /^([\w.]+?)\s*\.\s*Group\s*\(\s*"([^"]*)"/.exec(arg.text);
        if (grouped) return join(this.prefixOf(grouped[1], other, arg.offset, depth + 1), grouped[2]);
        if (/^[\w.]+$/.test(arg.text)) {
          const prefix = this.prefixOf(arg.text, other, arg.offset, depth + 1);
          if (prefix !== '/' && prefix !== '') return prefix;
        }
      }
    }
    return '';
  }

  private lastAssignment(code: string, variable: string, from: number, to: number): { rhs: string; offset: number } | undefined {
    const pattern = new RegExp(`(?:^|[^\\w.])${variable}\\s*(?:,\\s*\\w+\\s*)?:?=\\s*([^\\n]+)`, 'g');
    let last: { rhs: string; offset: number } | undefined;
    for (const match of code.slice(from, to).matchAll(pattern)) {
      if (match[1].startsWith('=')) continue;
      last = { rhs: match[1].trim(), offset: from + match.index! };
    }
    return last;
  }

  private routeBlockAround(source: GoSource, offset: number, receiver: string): { receiver: string; path: string; offset: number } | undefined {
    let best: { receiver: string; path: string; offset: number; start: number } | undefined;
    for (const match of source.code.matchAll(/([\w.]+)\.(?:Route|Group)\s*\(\s*"([^"]*)"\s*,\s*func\s*\(\s*(\w+)/g)) {
      if (match[3] !== receiver) continue;
      const open = source.code.indexOf('{', match.index! + match[0].length);
      const close = open === -1 ? -1 : closingBracket(source.code, open);
      if (open < offset && offset < close && (!best || match.index! > best.start)) best = { receiver: match[1], path: match[2], offset: match.index!, start: match.index! };
    }
    return best;
  }
}

/** Every health-like route the files register, with its full path. */
export const findHealthRoutes = (files: readonly GoSource[]): HealthRoute[] => {
  const resolver = new Resolver(files);
  const routes: HealthRoute[] = [];
  for (const source of files) {
    for (const literal of source.code.matchAll(/"(?:(?:GET|HEAD|ANY)\s+)?(\/[A-Za-z0-9_.\/{}:-]*)"/g)) {
      const path = literal[1];
      const rank = healthRank(path);
      if (rank === undefined) continue;
      // The call the literal is an argument of: the nearest unclosed "(" before it on the statement.
      let depth = 0;
      let open = -1;
      for (let index = literal.index! - 1; index >= Math.max(0, literal.index! - 300); index -= 1) {
        const char = source.code[index];
        if (char === ')') depth += 1;
        else if (char === '(') {
          if (depth === 0) {
            open = index;
            break;
          }
          depth -= 1;
        } else if (char === ';' || char === '{' || char === '}') break;
      }
      if (open === -1) continue;
      const callee = /([\w.]+)\s*$/.exec(source.code.slice(Math.max(0, open - 120), open))?.[1];
      if (!callee) continue;
      const method = callee.slice(callee.lastIndexOf('.') + 1);
      if (!registering.test(method)) continue;
      let full = path;
      if (method !== 'Heartbeat' && callee.includes('.')) {
        const receiver = callee.slice(0, callee.lastIndexOf('.'));
        // A version group passed as an argument before the path: app.HandlerFunc(http.MethodGet, version, "/liveness", h).
        const args = callArguments(source.code, open);
        const position = args.findIndex((arg) => arg.offset === literal.index);
        const groups = args
          .slice(0, Math.max(0, position))
          .filter((arg) => !/^http\.Method\w+$/.test(arg.text) && !/^"[A-Z]+"$/.test(arg.text))
          .map((arg) => stringValue(arg.text) ?? resolver.constantsIn(source).get(arg.text))
          .filter((value): value is string => value !== undefined);
        full = join(resolver.prefixOf(receiver, source, open), ...groups, path);
      }
      routes.push({
        path: full,
        rank,
        readiness: rank === 3 || rank === 7,
        evidence: evidence(source.file, `${callee}("${literal[0].slice(1, -1)}")${full !== path ? ` under ${full.slice(0, full.length - path.replace(/\/$/, '').length) || '/'}` : ''}`, source.text, literal.index),
      });
    }
  }
  return routes;
};

/** The route a load balancer should probe: liveness-style first, then ping, readiness, status. */
export const bestHealthRoute = (routes: readonly HealthRoute[]): HealthRoute | undefined =>
  routes.reduce<HealthRoute | undefined>((best, route) => (!best || route.rank < best.rank ? route : best), undefined);
