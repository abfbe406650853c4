/**
 * The port a Node service listens on: flags and assignments in its start command, the env default in its
 * code (`process.env.PORT || 3000`, `Number(process.env.PORT) || 4000`, `configService.get('PORT') ||
 * 3170`, `{ PORT = 3000 } = process.env`, zod/envalid defaults, `.listen(3000)`, Bun/Hono
 * `export default { port }`), then .env.example, then the framework's documented default.
 */
import type { Framework } from '../../catalog/service.js';
import { evidence, type Found } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { envEntries } from './env-files.js';
import { codeIf } from './source.js';

export const asPort = (value: string | undefined): number | undefined => {
  const port = Number(value);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
};

/** `-p 3003`, `--port 3003`, `--port=3003`, `PORT=3003` in a command or the env its wrappers set. */
export const portInCommand = (command: string, env: Record<string, string>): string | undefined =>
  env.PORT ?? command.match(/(?:^|\s)(?:-p|--port)(?:=|\s+)(\d{2,5})\b/)?.[1] ?? command.match(/\bPORT=(\d{2,5})\b/)?.[1];

const portName = '(?:APP_|SERVER_|HTTP_|API_|WEB_)?PORT';

/** Patterns whose first group is the port, most specific first. */
const codePatterns: RegExp[] = [
  // process.env.PORT || 3000, Number(process.env.PORT) || 4000, configService.get('PORT') ?? 3170, parseInt(process.env.PORT ?? '3000', 10)
  new RegExp(`\\b${portName}\\b['"\`]?[^\\n;:{}]{0,40}?(?:\\|\\||\\?\\?)\\s*\\(?\\s*['"\`]?(\\d{2,5})\\b`),
  // process.env.PORT ? Number(process.env.PORT) : 3000
  new RegExp(`\\b${portName}\\b['"\`\\]]?\\s*\\?(?!\\?)[^:;\\n]{0,80}:\\s*['"\`]?(\\d{2,5})\\b`),
  // configService.get('PORT', 3000)
  new RegExp(`\\.get(?:OrThrow)?\\s*(?:<[^>]*>)?\\(\\s*['"\`]${portName}['"\`]\\s*,\\s*['"\`]?(\\d{2,5})`),
  // const { PORT = 3000 } = process.env
  new RegExp(`\\{[^}]*\\b${portName}\\s*=\\s*['"\`]?(\\d{2,5})[^}]*\\}\\s*=\\s*(?:process\\.env|Bun\\.env|env)\\b`),
  // zod: PORT: z.coerce.number().default(3000); envalid: PORT: port({ default: 3000 }); joi: PORT: Joi.number().default(3000)
  new RegExp(`\\b${portName}\\s*:\\s*[^\\n]{0,80}?\\bdefault[:(]\\s*\\(?\\s*['"\`]?(\\d{2,5})\\b`),
];

/** `.listen(3000)`, `.listen({ port: 3000 })`, `serve({ fetch, port: 3000 })`, `export default { port: 3000, fetch }`. */
const literalPatterns: RegExp[] = [
  /\.listen\(\s*(\d{2,5})\b/,
  /\.listen\(\s*\{[^}]*?\bport\s*:\s*(\d{2,5})\b/,
  /\b(?:Bun\.)?serve\(\s*\{[^}]*?\bport\s*:\s*(\d{2,5})\b/,
  /export\s+default\s*\{[^}]*?\bport\s*:\s*(\d{2,5})\b/,
];

/** A cheap test that lets a file skip a pattern's (slower) regular expression. */
const mayMatch = (pattern: RegExp, code: string): boolean =>
  pattern.source.includes('PORT') ? code.includes('PORT') : pattern.source.includes('listen') ? code.includes('.listen(') : /port/i.test(code);

const firstIn = (index: RepoIndex, files: readonly string[], patterns: RegExp[], note: string): Found<number> | undefined => {
  for (const pattern of patterns) {
    for (const file of files) {
      const code = codeIf(index, file, /port|listen/i);
      if (!code || !mayMatch(pattern, code)) continue;
      const match = pattern.exec(code);
      const port = asPort(match?.[1]);
      if (match && port) return { value: port, evidence: evidence(file, `${note}: ${match[0].replace(/\s+/g, ' ').slice(0, 80)}`, code, match.index) };
    }
  }
  return undefined;
};

/**
 * `const port = process.env.ORCHESTRATOR_PORT || 3002; app.listen(port)`: the variable the listen call
 * is given, assigned a literal or an env read with a literal fallback.
 */
const listenVariable = (index: RepoIndex, files: readonly string[]): Found<number> | undefined => {
  for (const file of files) {
    const code = codeIf(index, file, '.listen(');
    if (!code) continue;
    for (const listen of code.matchAll(/\.listen\(\s*(?:\{[^}]*?\bport\s*:\s*)?([A-Za-z_$][\w$]*)\b/g)) {
      const name = listen[1].replace(/\$/g, '\\$');
      const assigned = new RegExp(`\\b(?:const|let|var)\\s+${name}\\s*(?::\\s*\\w+\\s*)?=\\s*([^;\\n]*)`).exec(code);
      if (!assigned) continue;
      const value = assigned[1].match(/^['"`]?(\d{2,5})\b/)?.[1] ?? assigned[1].match(/(?:\|\||\?\?)\s*\(?\s*['"`]?(\d{2,5})\b/)?.[1];
      const port = asPort(value);
      if (port) return { value: port, evidence: evidence(file, `${listen[1]} = ${assigned[1].trim().slice(0, 60)}, passed to listen()`, code, assigned.index) };
    }
  }
  return undefined;
};

/**
 * `app.listen(config.server.port)`: the config object's literal, `server.port = 3010` or
 * `server: { port: 3010 }`, read in the files that look like configuration.
 */
const listenMember = (index: RepoIndex, files: readonly string[]): Found<number> | undefined => {
  for (const file of files) {
    const code = codeIf(index, file, '.listen(');
    const member = code?.match(/\.listen\(\s*(?:[\w$]+\.)*?([\w$]+)\.port\b/i);
    if (!member) continue;
    const owner = member[1].replace(/\$/g, '\\$');
    const patterns = [new RegExp(`\\b${owner}\\.port\\s*=\\s*(\\d{2,5})\\b`), new RegExp(`\\b${owner}\\s*[:=]\\s*\\{[^}]*?\\bport\\s*:\\s*(\\d{2,5})\\b`)];
    const configFiles = files.filter((candidate) => /config/i.test(candidate));
    const found = firstIn(index, configFiles, patterns, `${member[1]}.port, which listen() is given`);
    if (found) return found;
  }
  return undefined;
};

/** The entry file first (every reading), then the other sources pattern by pattern. */
export const portInCode = (index: RepoIndex, files: readonly string[], entry?: string): Found<number> | undefined => {
  const first = entry ? [entry] : [];
  const rest = files.filter((file) => file !== entry);
  return (
    listenVariable(index, first) ??
    firstIn(index, first, codePatterns, 'default when PORT is unset') ??
    firstIn(index, first, literalPatterns, 'listens on') ??
    firstIn(index, rest, codePatterns, 'default when PORT is unset') ??
    listenVariable(index, rest) ??
    listenMember(index, [...first, ...rest]) ??
    firstIn(index, rest, literalPatterns, 'listens on')
  );
};

export const portInEnvFiles = (index: RepoIndex, folders: readonly string[]): Found<number> | undefined => {
  const entry = envEntries(index, folders).find((candidate) => candidate.key === 'PORT' && asPort(candidate.value));
  return entry ? { value: Number(entry.value), evidence: { file: entry.file, line: entry.line, note: `PORT=${entry.value}` } } : undefined;
};

