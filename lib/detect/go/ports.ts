/**
 * The port a Go server listens on, from the most to the least certain source: a literal address in the
 * listen call (`r.Run(":8081")`, `Addr: ":8080"`), the default of the setting or flag that holds the listen
 * address (`os.Getenv("PORT")` with its fallback, `conf:"default:0.0.0.0:3000"`, `env:"HTTP_PORT,default=8080"`,
 * `flag.String("addr", ":8080", ...)`, viper defaults), a config file the binary loads (`HttpPort = 8000` in
 * conf/app.ini), then gin's own default (8080 for `r.Run()`). Debug, metrics and gRPC listeners are skipped.
 */
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { RepoIndex as Index } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { asPort } from '../values.js';
import type { GoSource } from './module.js';
import type { FoundFlag, FoundSetting } from './settings.js';

export interface PortFinding {
  port: number;
  evidence: Evidence;
}

/** Listeners that are not the service's own: debug/pprof, metrics, gRPC, admin. */
const sideListener = /debug|pprof|metric|prometheus|expvar_?debug|grpc|admin|health_?port|profil/i;
/** Names of the setting or flag that holds the main listen address. */
const listenName = /(^|[_.-])(port|addr|address|listen|bind|host)$|^(port|addr|address|listen|bind|http)$|(api|http|web|server|listen)[_.-]?(host|addr|address|port)$/i;

const nameRank = (name: string): number => {
  if (/^(port|http[_.-]?port)$/i.test(name) || /(^|_)HTTP_PORT$|(^|_)PORT$/.test(name)) return 0;
  if (/(api|http|web|server|listen|app)/i.test(name)) return 1;
  return 2;
};

const literalListen = [
  /\bListenAndServe(?:TLS)?\s*\(\s*"([^"]*)"/g,
  /\.(?:Run|Start|Listen)\s*\(\s*"([^"]*)"/g,
  /\bnet\.Listen\s*\(\s*"tcp[46]?"\s*,\s*"([^"]*)"/g,
  /\bAddr\s*:\s*"([^"]*)"/g,
];

/** The port of an address a server binds: `:8080`, `0.0.0.0:3000`, `[::]:80`, `8080`; not a client's `redis:6379`. */
export const listenPort = (address: string): number | undefined => {
  const match = /^(?:(?:0\.0\.0\.0|\[::\]|::|\*)?:)?(\d{1,5})$/.exec(address.trim());
  return match ? asPort(match[1]) : undefined;
};

const lineOf = (code: string, offset: number): string => code.slice(code.lastIndexOf('\n', offset) + 1, code.indexOf('\n', offset) === -1 ? undefined : code.indexOf('\n', offset));

/** Config files the program opens by a literal relative path: `ini.Load("conf/app.ini")`. */
const configFileReferences = (files: readonly GoSource[]): { file: string; source: GoSource; offset: number }[] => {
  const found: { file: string; source: GoSource; offset: number }[] = [];
  for (const source of files) {
    for (const match of source.code.matchAll(/"([\w./-]+\.(?:ini|ya?ml|toml|conf|env))"/g)) found.push({ file: match[1].replace(/^\.\//, ''), source, offset: match.index! });
    // viper.SetConfigName("config") with AddConfigPath(".") / ("./configs"): config.yaml, config.toml, ...
    const name = /\bSetConfigName\s*\(\s*"([\w.-]+)"\s*\)/.exec(source.code);
    if (!name) continue;
    const folders = [...source.code.matchAll(/\bAddConfigPath\s*\(\s*"([\w./-]+)"\s*\)/g)].map((match) => match[1].replace(/^\.\/?/, '')).filter((folder) => !folder.startsWith('/') && !folder.startsWith('$'));
    for (const folder of folders.length > 0 ? folders : ['']) {
      for (const extension of ['yaml', 'yml', 'toml', 'json', 'ini']) found.push({ file: `${folder ? `${folder}/` : ''}${name[1]}.${extension}`, source, offset: name.index });
    }
  }
  return found;
};

/** The section a config line belongs to: the ini `[section]` or the YAML/TOML parent key above it. */
const sectionOf = (text: string, offset: number): string => {
  const before = text.slice(0, offset).split('\n');
  const indent = (/^[ \t]*/.exec(text.slice(offset))?.[0] ?? '').length;
  for (let index = before.length - 2; index >= 0; index -= 1) {
    const line = before[index];
    const ini = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (ini) return ini[1];
    const parent = /^([ \t]*)"?([\w.-]+)"?\s*:\s*\{?\s*$/.exec(line);
    if (parent && parent[1].length < indent) return parent[2];
  }
  return '';
};

const otherListener = /db|database|redis|mysql|postgres|mongo|smtp|mail|cache|metric|debug|grpc|prometheus|admin/i;

const portInConfig = (text: string): { port: number; offset: number } | undefined => {
  const pattern = /^[ \t]*"?((?:http|server|web|api|listen)?[_-]?(?:port|addr|address|listen))"?[ \t]*[=:][ \t]*"?([\w.\[\]:-]*?)"?,?[ \t]*$/gim;
  for (const match of text.matchAll(pattern)) {
    if (sideListener.test(match[1]) || otherListener.test(match[1]) || otherListener.test(sectionOf(text, match.index!))) continue;
    const port = asPort(match[2]) ?? listenPort(match[2]);
    if (port) return { port, offset: match.index! };
  }
  return undefined;
};

export const findGoPort = (
  files: readonly GoSource[],
  settings: readonly FoundSetting[],
  flags: readonly FoundFlag[],
  index: RepoIndex,
  moduleFolder: string,
): PortFinding | undefined => {
  for (const source of files) {
    for (const pattern of literalListen) {
      for (const match of source.code.matchAll(pattern)) {
        if (sideListener.test(lineOf(source.code, match.index!))) continue;
        const port = listenPort(match[1]);
        if (port) return { port, evidence: evidence(source.file, `listens on "${match[1]}"`, source.text, match.index) };
      }
    }
  }
  const defaults = [
    ...settings.map((setting) => ({ name: setting.name, field: setting.field, value: setting.default, evidence: setting.evidence, kind: `${setting.name} defaults to` })),
    ...flags.map((flag) => ({ name: flag.name, field: undefined, value: flag.default, evidence: flag.evidence, kind: `flag --${flag.name} defaults to` })),
  ]
    .filter((candidate) => candidate.value !== undefined && (listenName.test(candidate.name) || listenName.test(candidate.field ?? '')))
    // Judged on the field when there is one: the prefix is the program's name (METRICS_EXPVAR_HOST).
    .filter((candidate) => !sideListener.test(candidate.field ?? candidate.name))
    .map((candidate) => ({ ...candidate, port: asPort(candidate.value) ?? listenPort(candidate.value!) }))
    .filter((candidate) => candidate.port !== undefined);
  defaults.sort((a, b) => nameRank(a.name) - nameRank(b.name));
  const best = defaults[0];
  if (best) return { port: best.port!, evidence: { ...best.evidence, note: `${best.kind} ${best.value}` } };
  // Constants the listen address is built from: const DefaultPort = 3200, defaultAddr = ":8080".
  for (const source of files) {
    for (const match of source.code.matchAll(/\b((?:default|Default|DEFAULT)?_?(?:HTTP|Http|http|API|Api|api|Server|SERVER|server|Listen|LISTEN|listen|Web|WEB|web|App|APP|app)?_?(?:Port|PORT|port|Addr|ADDR|addr|Address|ADDRESS|address))\s*(?:int|string|uint16)?\s*=\s*("[^"\n]*"|\d{2,5})\s*$/gm)) {
      const before = source.code.slice(Math.max(0, match.index! - 300), match.index!);
      if (!/\b(const|var)\s*(\([^)]*)?$/.test(before)) continue;
      const port = listenPort(match[2].replace(/^"|"$/g, ''));
      if (port) return { port, evidence: evidence(source.file, `${match[1]} = ${match[2]}`, source.text, match.index) };
    }
  }
  for (const reference of configFileReferences(files)) {
    for (const candidate of [Index.join(moduleFolder, reference.file), Index.join(reference.source.dir, reference.file)]) {
      const text = index.read(candidate);
      const found = text === undefined ? undefined : portInConfig(text);
      if (found) return { port: found.port, evidence: evidence(candidate, `port ${found.port} in the config file the program loads (${reference.source.file})`, text, found.offset) };
    }
  }
  for (const source of files) {
    const run = /\.Run\s*\(\s*\)/.exec(source.code);
    if (run && source.imports.some((item) => item.path === 'github.com/gin-gonic/gin')) {
      return { port: 8080, evidence: evidence(source.file, "gin's Run() without an address listens on $PORT or 8080", source.text, run.index) };
    }
  }
  return undefined;
};
