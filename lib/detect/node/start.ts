/**
 * The production start command of a Node service: its scripts followed (commands.ts), else the Nx build's
 * entry, the `main` field or a conventional server file; and the source file the command runs.
 */
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { inFolder } from '../workspaces.js';
import type { StartCommand } from './commands.js';
import type { NodePackage } from './manifest.js';
import { nxBuild } from './nx.js';
import { serverCode } from './shape.js';
import { codeOf } from './source.js';

/** The conventional entry files of a back end, for the start command when no script names one. */
const entryCandidates = ['server.js', 'index.js', 'app.js', 'main.js', 'server.mjs', 'index.mjs', 'src/server.js', 'src/index.js', 'src/main.js', 'src/app.js', 'src/index.ts', 'src/server.ts', 'src/main.ts', 'index.ts', 'server.ts'];

export const startWithoutScript = (index: RepoIndex, pkg: NodePackage, bun: boolean): StartCommand | undefined => {
  const nx = nxBuild(index, pkg.folder);
  if (nx?.entry) return { command: `node ${nx.entry}`, evidence: nx.evidence, env: {}, before: [] };
  const main = typeof pkg.manifest.main === 'string' ? pkg.manifest.main.replace(/^\.\//, '') : undefined;
  const text = index.read(pkg.file) ?? '';
  if (main && index.has(inFolder(pkg.folder, main))) {
    return { command: `${bun ? 'bun run' : 'node'} ${main}`, evidence: evidence(pkg.file, `main: ${main}`, text, text.indexOf('"main"')), env: {}, before: [] };
  }
  for (const candidate of entryCandidates) {
    const file = inFolder(pkg.folder, candidate);
    if (!index.has(file) || !serverCode.test(codeOf(index, file) ?? '')) continue;
    if (candidate.endsWith('.ts') && !bun) continue;
    return { command: `${bun ? 'bun run' : 'node'} ${candidate}`, evidence: evidence(file, `${candidate} starts the server`), env: {}, before: [] };
  }
  return undefined;
};

/** The build script followed through `npm run x` delegation, for reading which tool it runs. */
export const followBuild = (pkg: NodePackage): string | undefined => {
  let body = pkg.scripts.build;
  for (let depth = 0; depth < 4 && body; depth += 1) {
    const match = body.match(/^(?:npm|pnpm|yarn|bun)(?:\s+run)?\s+([\w:.-]+)\s*$/);
    if (!match || !(match[1] in pkg.scripts) || match[1] === 'build') break;
    body = pkg.scripts[match[1]];
  }
  return body;
};

/** The source file the start command runs (`node dist/main.js` -> src/main.ts), else a conventional entry. */
export const entryOf = (folder: string, sources: readonly string[], start: StartCommand | undefined): string | undefined => {
  const prefix = folder === '.' ? '' : `${folder}/`;
  const bare = (file: string) => file.slice(prefix.length).replace(/\.[cm]?[jt]sx?$/, '');
  const named = start?.command.match(/([\w./-]+\.[cm]?[jt]sx?)(?:\s|$)/)?.[1]?.replace(/^\.\//, '').replace(/\.[cm]?[jt]sx?$/, '');
  if (named) {
    const rest = named.replace(/^(dist|build|out|lib|\.output)\//, '').replace(/^.*?\/(src|apps|server)\//, '$1/');
    const wanted = [named, rest, `src/${rest}`, rest.replace(/^src\//, '')];
    const found = sources.find((file) => wanted.includes(bare(file))) ?? sources.find((file) => wanted.some((one) => one.endsWith(`/${bare(file)}`) || bare(file).endsWith(`/${one}`)));
    if (found) return found;
  }
  for (const candidate of ['src/main', 'src/index', 'src/server', 'src/app', 'server', 'index', 'app', 'main']) {
    const found = sources.find((file) => bare(file) === candidate);
    if (found) return found;
  }
  return undefined;
};

