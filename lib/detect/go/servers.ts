/**
 * Which main packages of a Go module are services: a main that listens (its own code or a package it
 * compiles in calls http.ListenAndServe, builds an http.Server, runs a gin/echo/fiber app) serves HTTP; a
 * main that does not listen is a worker when it is the module's only program or is named like one
 * (worker, consumer, scheduler), and a tool otherwise (code generators, seeders, admin CLIs, examples).
 */
import type { Framework } from '../../catalog/service.js';
import { evidence } from '../evidence.js';
import type { Evidence } from '../types.js';
import { filesOf, type GoPackage, type GoProgram, type GoSource } from './module.js';
import { closingBracket } from './source.js';

const frameworkImports: [Exclude<Framework, 'net-http' | 'none'>, RegExp][] = [
  ['gin', /^github\.com\/gin-gonic\/gin$/],
  ['echo', /^github\.com\/labstack\/echo(\/v\d+)?$/],
  ['chi', /^github\.com\/go-chi\/chi(\/v\d+)?$/],
  ['fiber', /^github\.com\/gofiber\/fiber(\/v\d+)?$/],
];

const frameworkOf = (source: GoSource): Exclude<Framework, 'net-http' | 'none'> | undefined =>
  frameworkImports.find(([, pattern]) => source.imports.some((imported) => pattern.test(imported.path)))?.[0];

/** Calls that start a listener, each only where the file imports what makes it one. */
const listenCalls: { pattern: RegExp; applies: (source: GoSource) => boolean; what: string }[] = [
  { pattern: /\bhttp\.ListenAndServe(?:TLS)?\s*\(/, applies: () => true, what: 'http.ListenAndServe' },
  { pattern: /\.ListenAndServe(?:TLS)?\s*\(\s*(?:""\s*,\s*"")?\)/, applies: () => true, what: 'an http.Server listens' },
  { pattern: /\.Run\s*\([^()]*(?:\([^()]*\)[^()]*)?\)/, applies: (source) => frameworkOf(source) === 'gin', what: 'gin Run' },
  { pattern: /\.Start(?:TLS|AutoTLS)?\s*\([^()]*(?:\([^()]*\)[^()]*)?\)/, applies: (source) => frameworkOf(source) === 'echo', what: 'echo Start' },
  { pattern: /\.Listen(?:TLS)?\s*\([^()]*(?:\([^()]*\)[^()]*)?\)/, applies: (source) => frameworkOf(source) === 'fiber', what: 'fiber Listen' },
  { pattern: /\bhttp\.Server\s*\{/, applies: () => true, what: 'an http.Server' },
  { pattern: /\bhttp\.Serve(?:TLS)?\s*\(/, applies: () => true, what: 'http.Serve' },
  { pattern: /\bnet\.Listen\s*\(\s*"tcp[46]?"/, applies: () => true, what: 'net.Listen("tcp")' },
];

export interface ListenSite {
  source: GoSource;
  offset: number;
  what: string;
}

/** The strongest listen call in the files: a server built and started beats a bare http.Serve or net.Listen. */
const listenSiteIn = (files: readonly GoSource[]): ListenSite | undefined => {
  let side: ListenSite | undefined;
  for (const call of listenCalls) {
    for (const source of files) {
      if (!call.applies(source)) continue;
      const match = call.pattern.exec(source.code);
      if (!match) continue;
      const line = source.code.slice(source.code.lastIndexOf('\n', match.index) + 1, source.code.indexOf('\n', match.index));
      // The debug/pprof listener beside the API one only counts when there is nothing else.
      if (/debug|pprof|metric/i.test(line)) side ??= { source, offset: match.index, what: call.what };
      else return { source, offset: match.index, what: call.what };
    }
  }
  return side;
};

export type MainRole = 'server' | 'worker' | 'tool';

export interface GoMain {
  pkg: GoPackage;
  /** The packages it compiles in, itself first. */
  reach: GoPackage[];
  files: GoSource[];
  role: MainRole;
  listen?: ListenSite;
  why: string;
}

/** Folder names of programs that are not deployed: generators, seeders, admin and developer tools, examples. */
const toolSegment =
  /^(tools?|tooling|hack|scripts?|examples?|samples?|demos?|docs?|gen|generate|generators?|codegen|[\w-]*gen|seed|seeds|seeder|fixtures?|mocks?|bench(mark)?s?|migrat(e|ions?|or)|admin|cli|ctl|[\w-]+ctl|[\w-]*fmt|lint|debug|dev|playground|plugins?|e2e|loadtest|client)$/i;
/** Folder names of long-running programs without a port. */
const workerSegment = /(^|[-_])(worker|workers|consumer|consumers|scheduler|cron|jobs?|queue|processor|daemon|poller|subscriber|indexer|dispatcher|runner)([-_]|$)/i;

const segmentsBelow = (program: GoProgram, dir: string): string[] =>
  (program.folder === '.' ? dir : dir.slice(program.folder.length + 1)).split('/').filter((part) => part !== '' && part !== '.');

/** Folders that never hold a program to deploy, judged from the module folder's own path too. */
export const isToolFolder = (folder: string): boolean => folder.split('/').some((segment) => toolSegment.test(segment) && !workerSegment.test(segment));

export const classifyMains = (program: GoProgram): GoMain[] => {
  const mains = program.mains().map((pkg): GoMain => {
    const reach = program.reach(pkg.dir);
    const files = filesOf(reach);
    const listen = listenSiteIn(files);
    return { pkg, reach, files, role: 'tool', why: '', ...(listen ? { listen } : {}) };
  });
  for (const main of mains) {
    const segments = segmentsBelow(program, main.pkg.dir);
    const toolNamed = segments.some((segment) => toolSegment.test(segment) && !workerSegment.test(segment));
    const workerNamed = segments.some((segment) => workerSegment.test(segment));
    if (main.listen && !(toolNamed && mains.some((other) => other !== main && other.listen))) {
      main.role = 'server';
      main.why = `${main.listen.what} (${main.listen.source.file})`;
    } else if (workerNamed) {
      main.role = 'worker';
      main.why = 'named like a worker and opens no listener';
    } else if (mains.length === 1 && !toolNamed) {
      main.role = 'worker';
      main.why = "the module's only program opens no listener";
    } else {
      main.role = 'tool';
      main.why = main.listen ? 'a tool beside the servers' : toolNamed ? 'a tool (named like one) that opens no listener' : 'a program beside the services that opens no listener';
    }
  }
  return mains;
};

/** The framework of a service: the one the listening file imports, else the first its packages import. */
export const frameworkOfMain = (main: GoMain): { value: Framework; evidence: Evidence } => {
  const candidates = main.listen ? [main.listen.source, ...main.files] : main.files;
  for (const source of candidates) {
    const framework = frameworkOf(source);
    if (!framework) continue;
    const imported = source.imports.find((item) => frameworkImports.find(([name]) => name === framework)![1].test(item.path))!;
    return { value: framework, evidence: evidence(source.file, `imports ${imported.path}`, source.text, imported.offset) };
  }
  if (main.listen) {
    const { source, offset, what } = main.listen;
    return { value: 'net-http', evidence: evidence(source.file, `${what}: the standard library's net/http`, source.text, offset) };
  }
  const file = main.files[0];
  return { value: 'none', evidence: evidence(file.file, 'no HTTP server in the program') };
};

interface CobraCommand {
  use: string;
  runs: boolean;
  source: GoSource;
  offset: number;
}

const cobraCommands = (files: readonly GoSource[]): CobraCommand[] => {
  const commands: CobraCommand[] = [];
  for (const source of files) {
    if (!source.imports.some((item) => /^github\.com\/spf13\/cobra$/.test(item.path))) continue;
    for (const match of source.code.matchAll(/cobra\.Command\s*\{/g)) {
      const open = match.index! + match[0].length - 1;
      const close = closingBracket(source.code, open);
      const body = source.code.slice(open, close === -1 ? undefined : close);
      const use = /\bUse:\s*"([^"\s]+)/.exec(body);
      // Deprecated and hidden commands are aliases kept for old scripts (shiori's `serve`).
      if (!use || /\bDeprecated:\s*"|\bHidden:\s*true/.test(body)) continue;
      commands.push({ use: use[1], runs: /\bRunE?:/.test(body), source, offset: open + use.index });
    }
  }
  return commands;
};

const serveWords = ['server', 'serve', 'web', 'start', 'run', 'api', 'http', 'daemon'];

/**
 * The arguments the binary needs to serve: a cobra `server`/`serve` subcommand when the root command does
 * nothing by itself (shiori server); none when the root command runs the server (memos, navidrome).
 */
export const startArguments = (main: GoMain, binary: string): { value: string; evidence: Evidence } | undefined => {
  const commands = cobraCommands(main.files);
  const serve = serveWords.map((word) => commands.find((command) => command.use === word && command.runs)).find(Boolean);
  if (!serve) return undefined;
  const root = commands.find((command) => command.use === binary) ?? commands.find((command) => command.source.dir === main.pkg.dir);
  if (root && root !== serve && root.runs) return undefined;
  return { value: serve.use, evidence: evidence(serve.source.file, `cobra subcommand "${serve.use}" starts the server`, serve.source.text, serve.offset) };
};
