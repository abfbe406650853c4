/**
 * Workspaces: a root that installs several packages from one lockfile (npm, Yarn, pnpm and Bun workspaces,
 * uv workspaces). A member of one is built from the root (its lockfile is there) and is installed with the
 * workspace-aware, frozen install of its tool.
 */
import { parse as parseYaml } from 'yaml';
import { compareText } from '../order.js';
import { evidence } from './evidence.js';
import { readToml } from './toml.js';
import type { RepoIndex } from './repo-index.js';
import type { Evidence } from './types.js';
import { joinPath } from '../repo-paths.js';

export type WorkspaceTool = 'npm' | 'pnpm' | 'yarn' | 'bun' | 'uv';

export interface Workspace {
  tool: WorkspaceTool;
  /** Folder of the workspace root. */
  root: string;
  /** Member folders (the root itself is not one). */
  members: string[];
  /** The lockfile at the root, repository-relative, when there is one. */
  lockfile?: string;
  evidence: Evidence;
}

/** A workspace glob as a regular expression over folder paths: `*` is one segment, `**` any number. */
export const globToRegExp = (glob: string): RegExp => {
  const cleaned = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  let pattern = '';
  for (let index = 0; index < cleaned.length; index += 1) {
    const char = cleaned[index];
    if (char === '*' && cleaned[index + 1] === '*') {
      pattern += '.*';
      index += 1;
      if (cleaned[index + 1] === '/') index += 1;
    } else if (char === '*') {
      pattern += '[^/]*';
    } else if (char === '?') {
      pattern += '[^/]';
    } else {
      pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${pattern}$`);
};

/** `file` of the folder `folder`, as a repository path. */
export const inFolder = joinPath;

/** The folder of a repository file (`.` for the root). */
export const folderOf = (file: string): string => {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? '.' : file.slice(0, slash);
};

/** Member folders matching the patterns (with `!` exclusions), that hold `manifest`. */
const membersOf = (index: RepoIndex, root: string, patterns: string[], manifest: string, excluded: string[] = []): string[] => {
  const include = patterns.filter((pattern) => !pattern.startsWith('!')).map((pattern) => globToRegExp(pattern));
  const exclude = [...patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1)), ...excluded].map((pattern) =>
    globToRegExp(pattern),
  );
  const prefix = root === '.' ? '' : `${root}/`;
  return index
    .named(manifest)
    .map(folderOf)
    .filter((folder) => folder !== root && (root === '.' || folder.startsWith(prefix)))
    .map((folder) => ({ folder, relative: folder.slice(prefix.length) }))
    .filter(({ relative }) => include.some((pattern) => pattern.test(relative)) && !exclude.some((pattern) => pattern.test(relative)))
    .map(({ folder }) => folder);
};

/** Node lockfiles and their tools, in the order tried when a folder holds several. */
export const nodeLockfiles: [string, WorkspaceTool][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

const nodeWorkspace = (index: RepoIndex, root: string): Workspace | undefined => {
  const manifestFile = inFolder(root, 'package.json');
  const manifest = index.json(manifestFile);
  const declared: unknown = Array.isArray(manifest?.workspaces) ? manifest.workspaces : manifest?.workspaces?.packages;
  const pnpmFile = inFolder(root, 'pnpm-workspace.yaml');
  let pnpmPatterns: unknown;
  if (index.has(pnpmFile)) {
    try {
      pnpmPatterns = parseYaml(index.read(pnpmFile) ?? '')?.packages;
    } catch {
      pnpmPatterns = undefined;
    }
  }
  const patterns = [declared, pnpmPatterns].flatMap((list) => (Array.isArray(list) ? list : [])).map(String);
  if (patterns.length === 0) return undefined;
  const lock = nodeLockfiles.find(([name]) => index.has(inFolder(root, name)));
  const tool: WorkspaceTool = index.has(pnpmFile) ? 'pnpm' : (lock?.[1] ?? 'npm');
  const source = index.has(pnpmFile) && pnpmPatterns ? pnpmFile : manifestFile;
  return {
    tool,
    root,
    members: membersOf(index, root, patterns, 'package.json'),
    ...(lock ? { lockfile: inFolder(root, lock[0]) } : {}),
    evidence: evidence(source, `workspaces: ${patterns.join(', ')}`, index.read(source), index.read(source)?.indexOf(source === pnpmFile ? 'packages' : 'workspaces')),
  };
};

const uvWorkspace = (index: RepoIndex, root: string): Workspace | undefined => {
  const file = inFolder(root, 'pyproject.toml');
  const pyproject = readToml(index, file);
  const workspace = pyproject?.tool?.uv?.workspace;
  if (!workspace || !Array.isArray(workspace.members)) return undefined;
  const lockfile = inFolder(root, 'uv.lock');
  const text = index.read(file) ?? '';
  return {
    tool: 'uv',
    root,
    members: membersOf(index, root, workspace.members.map(String), 'pyproject.toml', Array.isArray(workspace.exclude) ? workspace.exclude.map(String) : []),
    ...(index.has(lockfile) ? { lockfile } : {}),
    evidence: evidence(file, `[tool.uv.workspace] members: ${workspace.members.join(', ')}`, text, text.indexOf('[tool.uv.workspace]')),
  };
};

/** Every workspace root of the repository (a root package.json or pyproject.toml that declares members). */
export const findWorkspaces = (index: RepoIndex): Workspace[] => {
  const roots = new Set([...index.named('package.json'), ...index.named('pnpm-workspace.yaml')].map(folderOf));
  const workspaces: Workspace[] = [];
  for (const root of [...roots].sort(compareText)) {
    const workspace = nodeWorkspace(index, root);
    if (workspace) workspaces.push(workspace);
  }
  for (const file of index.named('pyproject.toml')) {
    const workspace = uvWorkspace(index, folderOf(file));
    if (workspace) workspaces.push(workspace);
  }
  return workspaces;
};

/** The workspace a folder is a member of, of one family of tools. */
export const workspaceOf = (workspaces: readonly Workspace[], folder: string, tools: readonly WorkspaceTool[]): Workspace | undefined =>
  workspaces.find((workspace) => tools.includes(workspace.tool) && workspace.members.includes(folder));
