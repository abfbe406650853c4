/**
 * What a JVM service's own sources (src/main/java, src/main/kotlin) say: health endpoints of Spring MVC /
 * WebFlux controllers (class-level @RequestMapping prefixes joined to @GetMapping routes), JAX-RS @Path
 * resources and functional routes, and the settings the code reads (@Value placeholders,
 * @ConfigurationProperties classes, System.getenv).
 */
import { blankComments, closingBracket } from '../c-like.js';
import { evidence } from '../evidence.js';
import type { Evidence } from '../types.js';
import { healthRank } from '../values.js';
import { placeholders } from './spring-config.js';

export interface JvmSource {
  file: string;
  text: string;
  code: string;
}

export const jvmSource = (file: string, text: string): JvmSource => ({ file, text, code: blankComments(text) });

export interface JavaHealthRoute {
  path: string;
  rank: number;
  evidence: Evidence;
}

/** The strings of an annotation's path attribute: positional, `value =`, `path =`, arrays in either DSL. */
export const annotationPaths = (args: string | undefined): string[] => {
  if (args === undefined) return [''];
  const named = /\b(?:value|path)\s*=\s*(\{[^}]*\}|\[[^\]]*\]|"(?:[^"\\]|\\.)*"|[\w.]+)/.exec(args);
  const source = named ? named[1] : /^\s*(\{[^}]*\}|\[[^\]]*\]|"(?:[^"\\]|\\.)*")/.exec(args)?.[1];
  if (source === undefined) return /\b(?:value|path)\s*=|^\s*"/.test(args) ? [] : [''];
  return [...source.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]);
};

const joinPaths = (...parts: string[]): string => {
  const cleaned = parts.filter((part) => part !== '' && part !== '/');
  if (cleaned.length === 0) return '/';
  const joined = cleaned.map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
  return `/${joined}${cleaned[cleaned.length - 1].endsWith('/') ? '/' : ''}`;
};

const annotationArgs = (code: string, at: number, nameLength: number): string | undefined => {
  let open = at + nameLength;
  while (code[open] === ' ' || code[open] === '\t') open += 1;
  if (code[open] !== '(') return undefined;
  const close = closingBracket(code, open);
  return close === -1 ? undefined : code.slice(open + 1, close);
};

/** Health routes of controllers and resources, with class prefixes and the servlet context path applied. */
export const findJavaHealthRoutes = (sources: readonly JvmSource[], contextPath: string): JavaHealthRoute[] => {
  const routes: JavaHealthRoute[] = [];
  for (const source of sources) {
    const { code } = source;
    const classes = [...code.matchAll(/\b(?:class|object|interface)\s+(\w+)[^{;]*\{/g)];
    let regionStart = 0;
    for (const declaration of classes) {
      const open = declaration.index! + declaration[0].length - 1;
      const close = closingBracket(code, open);
      if (close === -1) continue;
      if (declaration.index! < regionStart) continue;
      const header = code.slice(regionStart, declaration.index);
      const mapping = [...header.matchAll(/@(RequestMapping|Path)\b/g)].pop();
      const prefixes = mapping ? annotationPaths(annotationArgs(header, mapping.index!, mapping[0].length)) : [''];
      const body = code.slice(open, close);
      for (const method of body.matchAll(/@(GetMapping|RequestMapping|Path)\b/g)) {
        const args = annotationArgs(body, method.index!, method[0].length);
        if (method[1] === 'RequestMapping' && args && /\bmethod\s*=/.test(args) && !/RequestMethod\.GET|\bGET\b/.test(args)) continue;
        if (method[1] === 'Path' && !/@GET\b/.test(body.slice(Math.max(0, method.index! - 200), method.index! + 200))) continue;
        for (const prefix of prefixes) {
          for (const path of annotationPaths(args)) {
            const full = joinPaths(contextPath, prefix, path);
            // Ranked without the context path: /orders/actuator-like prefixes are the deployment's, not a sub-feature.
            const rank = healthRank(joinPaths(prefix, path));
            if (rank === undefined) continue;
            routes.push({ path: full, rank, evidence: evidence(source.file, `@${method[1]}("${path}")${prefix ? ` under @${mapping![1]}("${prefix}")` : ''}`, source.text, open + method.index!) });
          }
        }
      }
      regionStart = close + 1;
    }
    // Functional routes: route().GET("/health", ...) and Kotlin router { GET("/health") { ... } }.
    for (const match of code.matchAll(/\bGET\s*\(\s*"(\/[^"]*)"/g)) {
      const full = joinPaths(contextPath, match[1]);
      const rank = healthRank(match[1]);
      if (rank !== undefined) routes.push({ path: full, rank, evidence: evidence(source.file, `functional route GET("${match[1]}")`, source.text, match.index) });
    }
  }
  return routes;
};

export interface CodeSetting {
  /** A property key (jwt.secret) or an environment variable (JWT_SECRET) as the code names it. */
  property: string;
  default?: string;
  evidence: Evidence;
  /** True when the code reads the environment directly (System.getenv): the name is the variable itself. */
  env?: boolean;
}

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Settings the code reads: @Value placeholders, @ConfigurationProperties fields, System.getenv. */
export const findCodeSettings = (sources: readonly JvmSource[]): CodeSetting[] => {
  const found: CodeSetting[] = [];
  for (const source of sources) {
    const { code, text, file } = source;
    for (const match of code.matchAll(/@Value\s*\(\s*(?:value\s*=\s*)?"((?:[^"\\]|\\.)*)"/g)) {
      const value = match[1].replace(/\\\$/g, '$');
      for (const placeholder of placeholders(value)) {
        found.push({ property: placeholder.name, ...(placeholder.default !== undefined ? { default: placeholder.default } : {}), evidence: evidence(file, `@Value("${value}")`, text, match.index) });
      }
    }
    for (const match of code.matchAll(/\bSystem\.getenv\s*\(\s*"([A-Za-z_][\w]*)"\s*\)/g)) {
      const fallback = /^\s*(?:\?:|,)\s*"([^"]*)"/.exec(code.slice(match.index! + match[0].length))?.[1];
      found.push({ property: match[1], env: true, ...(fallback !== undefined ? { default: fallback } : {}), evidence: evidence(file, `System.getenv("${match[1]}")`, text, match.index) });
    }
    for (const match of code.matchAll(/@ConfigurationProperties\s*\(\s*(?:(?:prefix|value)\s*=\s*)?"([^"]+)"\s*\)/g)) {
      const prefix = match[1];
      // A Java class or record, or a Kotlin (data) class whose body is optional.
      const declaration = /\b(?:class|record)\s+\w+\s*(\([^)]*\))?[^{;\n]*(\{)?/.exec(code.slice(match.index!));
      if (!declaration) continue;
      const open = declaration[2] ? match.index! + declaration.index + declaration[0].length - 1 : -1;
      const close = open === -1 ? -1 : closingBracket(code, open);
      const fields: { name: string; offset: number; value?: string }[] = [];
      if (declaration[1]) {
        const start = match.index! + declaration.index + declaration[0].indexOf(declaration[1]);
        for (const parameter of declaration[1].matchAll(/(?:va[lr]\s+)?(\w+)\s*:\s*[\w.<>?, ]+?(?:=\s*("[^"]*"|[\d.]+|true|false))?\s*[,)]|[\w.<>?]+\s+(\w+)\s*[,)]/g)) {
          const name = parameter[1] ?? parameter[3];
          if (name) fields.push({ name, offset: start + parameter.index!, ...(parameter[2] ? { value: parameter[2].replace(/^"|"$/g, '') } : {}) });
        }
      }
      const body = open === -1 ? '' : code.slice(open, close === -1 ? undefined : close);
      let depth = 0;
      for (const line of body.split('\n')) {
        if (depth === 1) {
          const field = /^\s*(?:private|protected|public)?\s*(?:final\s+)?(?:[\w.<>?,\[\] ]+)\s+(\w+)\s*(?:=\s*("[^"]*"|[\d.]+[LlFfDd]?|true|false)[^;]*)?;/.exec(line) ?? /^\s*(?:private\s+|lateinit\s+)?va[lr]\s+(\w+)\s*:\s*[^=\n]+?(?:=\s*("[^"]*"|[\d.]+|true|false))?\s*$/.exec(line);
          if (field && !/\b(static|class|return)\b/.test(line)) {
            const offset = open + body.indexOf(line);
            fields.push({ name: field[1], offset, ...(field[2] ? { value: field[2].replace(/^"|"$/g, '').replace(/[LlFfDd]$/, '') } : {}) });
          }
        }
        depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
      }
      for (const field of fields) {
        found.push({ property: `${prefix}.${kebab(field.name)}`, ...(field.value !== undefined ? { default: field.value } : {}), evidence: evidence(file, `@ConfigurationProperties("${prefix}") ${field.name}`, text, field.offset) });
      }
    }
  }
  return found;
};
