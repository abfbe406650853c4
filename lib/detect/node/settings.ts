/**
 * Settings a Node service reads from its environment at run time: `process.env.X`, `process.env['X']`,
 * `const { X, Y = 'd' } = process.env`, `Bun.env.X`, @nestjs/config `configService.get('X')`, zod /
 * envalid / t3-env schemas parsed from process.env, with the literal default the code falls back to.
 */
import type { ServiceSetting } from '../../catalog/service.js';
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { argumentsAt, codeIf } from './source.js';

/** Never settings: the port is `port`, the rest the platform or the shell sets. */
const ignored = new Set(['PORT', 'NODE_ENV', 'PATH', 'HOME', 'HOSTNAME', 'PYTHONPATH', 'CI', 'PWD', 'USER', 'SHELL', 'TZ', 'LANG', 'NODE_OPTIONS', 'NEXT_RUNTIME', 'NEXT_PHASE', 'JEST_WORKER_ID', 'VITEST', 'npm_package_version', 'npm_lifecycle_event', 'INIT_CWD', 'TERM']);
const ignoredPattern = /^(npm_|VERCEL|NETLIFY|RAILWAY_|RENDER_|FLY_|K_SERVICE|AWS_LAMBDA_|LAMBDA_|__)/;

const secretName = /(SECRET|PASSWORD|PASSWD|PASSPHRASE|(^|_)PASS($|_)|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|(^|_)KEY($|_)|DSN$|CREDENTIALS?|SALT|COOKIE_SIGN|SIGNING_KEY|ENCRYPTION|FILE_CONTENTS|CERT(IFICATE)?_CONTENTS)/;
const storeUrl = /(DATABASE|_DB_|^DB_|POSTGRES|^PG|MYSQL|MARIADB|MONGO|REDIS|CLICKHOUSE|KAFKA|AMQP|RABBIT|BROKER|ELASTIC|OPENSEARCH|NATS|CACHE|QUEUE|VALKEY).*(URL|URI|DSN|CONNECTION(_STRING)?)$|^(DATABASE|DB|POSTGRES|MYSQL|MONGO|MONGODB|REDIS)_?(URL|URI)$|CONNECTION_STRING$/;
const publicName = /^(NEXT_PUBLIC_|VITE_|PUBLIC_|NUXT_PUBLIC_|REACT_APP_|EXPO_PUBLIC_)/;

/** Passwords, keys, tokens and datastore URLs (they carry credentials); public build-time names never are. */
export const isSecretName = (name: string): boolean => {
  if (publicName.test(name) || /SQLITE/.test(name)) return false;
  if (storeUrl.test(name) || /ACCESS_KEY_ID$/.test(name)) return true;
  if (/_(ID|NAME|REGION|ENDPOINT|HOST|PORT|USER(NAME)?|BUCKET|ALGORITHM|EXPIRES?(_IN)?|TTL|LENGTH|ROUNDS|PATH|FILE|URL|ENABLED|TYPE)$/.test(name)) return false;
  return secretName.test(name);
};

export interface SettingFound {
  setting: ServiceSetting;
  evidence: Evidence;
}

/** A literal default as a string; an empty string is no default (`process.env.X || ''` only avoids undefined). */
const literal = (text: string | undefined): string | undefined => {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const quoted = trimmed.match(/^(['"`])([^'"`$]*)\1$/);
  if (quoted) return quoted[2] === '' ? undefined : quoted[2];
  if (/^-?\d+(\.\d+)?$/.test(trimmed) || /^(true|false)$/.test(trimmed)) return trimmed;
  return undefined;
};

/** The literal after `|| ` / `?? ` following an env read (`process.env.X || 'x'`, `Number(process.env.X ?? 10)`). */
const fallbackAfter = (code: string, end: number): string | undefined => {
  const rest = code.slice(end, end + 120);
  const match = rest.match(/^(?:\s+as\s+[^)\n;]*)?\s*\)?\s*(?:\|\||\?\?)\s*(['"`][^'"`$\n]*['"`]|-?\d+(?:\.\d+)?|true|false)(?=\s*[),;}\]\n:]|\s*$)/);
  return literal(match?.[1]);
};

const name = '([A-Z_][A-Z0-9_]*)';

const readers: { pattern: RegExp; note: (match: RegExpMatchArray) => string }[] = [
  { pattern: new RegExp(`\\b(?:process\\.env|Bun\\.env|import\\.meta\\.env|Deno\\.env)\\??\\.${name}\\b`, 'g'), note: (match) => match[0] },
  { pattern: new RegExp(`\\b(?:process\\.env|Bun\\.env|import\\.meta\\.env)\\??\\.?\\[\\s*['"\`]${name}['"\`]\\s*\\]`, 'g'), note: (match) => match[0] },
  { pattern: new RegExp(`\\bDeno\\.env\\.get\\(\\s*['"\`]${name}['"\`]`, 'g'), note: (match) => match[0] },
  { pattern: new RegExp(`\\b(?:config|configService|configs|env|ConfigService)\\s*\\.\\s*(?:get|getOrThrow)\\s*(?:<[^>()]*>)?\\(\\s*['"\`]${name}['"\`]`, 'g'), note: (match) => match[0] },
];

/** Object keys of a schema object literal: `X: z.string().default('a')`, `X: str({ default: 'a' })`. */
const schemaKeys = (body: string): { name: string; offset: number; default?: string }[] => {
  const keys: { name: string; offset: number; default?: string }[] = [];
  for (const match of body.matchAll(/(?:^|[,{\s])([A-Z][A-Z0-9_]+)\s*:\s*([^\n]*)/g)) {
    const rest = match[2];
    const fallback = rest.match(/\.default\(\s*(['"`][^'"`$]*['"`]|-?\d+(?:\.\d+)?|true|false)\s*\)/)?.[1] ?? rest.match(/\bdefault\s*:\s*(['"`][^'"`$]*['"`]|-?\d+(?:\.\d+)?|true|false)/)?.[1];
    keys.push({ name: match[1], offset: match.index! + match[0].indexOf(match[1]), default: literal(fallback) });
  }
  return keys;
};

/**
 * Helpers that read a variable named by their argument (`const secret = (name) => process.env[name]`,
 * `function requireEnv(key) { ... process.env[key] ... }`): their names, so `secret('DB_PASSWORD')` counts.
 */
const envHelpers = (index: RepoIndex, files: readonly string[]): Set<string> => {
  const helpers = new Set<string>();
  const definitions: { name: string; parameter: string; body: string }[] = [];
  for (const file of files) {
    const code = codeIf(index, file, /process\??\.env\??\.?\[|Env\(|env\(/);
    if (!code) continue;
    for (const match of code.matchAll(/(?:function\s+([\w$]+)\s*(?:<[^>]*>)?\(\s*([\w$]+)|(?:const|let)\s+([\w$]+)\s*=\s*(?:async\s*)?(?:<[^>]*>\s*)?\(\s*([\w$]+)[^)]*\)\s*(?::[^=]+)?=>)/g)) {
      const body = code.slice(match.index! + match[0].length, match.index! + match[0].length + 600);
      definitions.push({ name: match[1] ?? match[3], parameter: match[2] ?? match[4], body });
    }
  }
  // A helper reads process.env[param], or hands its parameter to another helper (`requireEnv` calling `env`).
  for (let changed = true; changed; ) {
    changed = false;
    for (const { name, parameter, body } of definitions) {
      if (helpers.has(name)) continue;
      const direct = new RegExp(`process\\??\\.env\\??\\.?\\[\\s*(?:${parameter}\\b|\`[^\`]*\\$\\{\\s*${parameter}\\b)`).test(body);
      const through = [...helpers].some((helper) => new RegExp(`\\b${helper.replace(/\$/g, '\\$')}\\s*(?:<[^<>()]*>)?\\(\\s*${parameter}\\b`).test(body));
      if (direct || through) {
        helpers.add(name);
        changed = true;
      }
    }
  }
  return helpers;
};

export const findSettings = (index: RepoIndex, files: readonly string[]): SettingFound[] => {
  const found = new Map<string, SettingFound>();
  const record = (key: string, file: string, code: string, offset: number, note: string, fallback?: string) => {
    if (ignored.has(key) || ignoredPattern.test(key)) return;
    const existing = found.get(key);
    if (existing) {
      if (existing.setting.default === undefined && fallback !== undefined && !existing.setting.secret) existing.setting.default = fallback;
      return;
    }
    const secret = isSecretName(key);
    found.set(key, {
      setting: { name: key, ...(secret ? { secret: true } : {}), ...(!secret && fallback !== undefined ? { default: fallback } : {}) },
      evidence: evidence(file, note, code, offset),
    });
  };
  const helpers = envHelpers(index, files);
  const helperCall = helpers.size > 0 ? new RegExp(`\\b(?:${[...helpers].map((helper) => helper.replace(/\$/g, '\\$')).join('|')})\\s*(?:<[^<>()]*>)?\\(\\s*['"\`]${name}['"\`](?:\\s*,\\s*(['"\`][^'"\`$]*['"\`]|-?\\d+(?:\\.\\d+)?))?`, 'g') : undefined;
  for (const file of files) {
    const code = codeIf(index, file, helperCall ? /env|config|\(\s*['"`][A-Z_]/i : /env|config/i);
    if (!code) continue;
    if (helperCall) {
      for (const match of code.matchAll(helperCall)) record(match[1], file, code, match.index!, match[0], literal(match[2]) ?? fallbackAfter(code, code.indexOf(')', match.index!) + 1));
    }
    if (!/env|config/i.test(code)) continue;
    for (const reader of readers) {
      for (const match of code.matchAll(reader.pattern)) {
        const direct = reader.pattern.source.includes('get|getOrThrow') ? code.slice(match.index! + match[0].length).match(/^\s*,\s*(['"`][^'"`$]*['"`]|-?\d+(?:\.\d+)?)\s*\)/)?.[1] : undefined;
        record(match[1], file, code, match.index!, reader.note(match), literal(direct) ?? fallbackAfter(code, match.index! + match[0].length));
      }
    }
    // const { A, B = 'x', C: c } = process.env
    for (const match of code.matchAll(/(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(?:process\.env|Bun\.env|import\.meta\.env)\b/g)) {
      for (const part of match[1].split(',')) {
        const entry = part.trim().match(/^([A-Z_][A-Z0-9_]*)\s*(?::\s*[\w$]+\s*)?(?:=\s*(.+))?$/);
        if (entry) record(entry[1], file, code, match.index!, `destructured from process.env`, literal(entry[2]));
      }
    }
    // Maps from variables to configuration keys: `AFFiNE.ENV_MAP = { DATABASE_URL: 'database.url' }`, `const envVars = {...}`.
    for (const map of code.matchAll(/\b([\w$.]+)\s*(?::\s*[\w<>, ]+)?[:=]\s*\{/g)) {
      const last = map[1].split('.').pop() ?? '';
      if (!/(^|_)ENV(_|$)|^env($|[A-Z_])|[a-z]Env($|[A-Z])/.test(last)) continue;
      const body = argumentsAt(code, map.index! + map[0].length - 1);
      const keys = schemaKeys(body);
      if (keys.length < 2 || keys.some((key) => key.default !== undefined) || /^\s*[a-z][\w$]*\s*:/m.test(body)) continue;
      for (const key of keys) record(key.name, file, code, map.index! + map[0].length + key.offset, `env map key ${key.name}`);
    }
    // Schemas parsed from the environment: zod (`schema.parse(process.env)`), envalid `cleanEnv(process.env, {...})`, t3-env `createEnv({ server: {...} })`.
    const schemaCalls = [...code.matchAll(/\b(?:cleanEnv|createEnv|z\.object|Joi\.object|object)\s*\(/g)];
    if (schemaCalls.length > 0 && /process\.env|import\.meta\.env|Bun\.env|runtimeEnv|cleanEnv|createEnv|validationSchema/.test(code)) {
      for (const call of schemaCalls) {
        const args = argumentsAt(code, call.index! + call[0].length - 1);
        for (const key of schemaKeys(args)) {
          if (/^(server|client|shared|runtimeEnv|experimental__runtimeEnv)$/i.test(key.name)) continue;
          record(key.name, file, code, call.index! + call[0].length + key.offset, `env schema key ${key.name}`, key.default);
        }
      }
    }
  }
  return [...found.values()].sort((a, b) => (a.setting.name < b.setting.name ? -1 : a.setting.name > b.setting.name ? 1 : 0));
};
