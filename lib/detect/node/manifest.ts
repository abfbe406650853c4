/**
 * A Node package as its manifests declare it: its own package.json, the workspace root it belongs to, the
 * package manager and its pinned version, the lockfile, the Node version, scripts and dependencies.
 */
import semver from 'semver';
import type { PackageManager } from '../../catalog/service.js';
import type { DetectContext } from '../context.js';
import { evidence, type Found } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { parseToml } from '../toml.js';
import type { Evidence } from '../types.js';
import { inFolder, nodeLockfiles, workspaceOf, type Workspace } from '../workspaces.js';
import { readTsConfig } from './typescript.js';

export type Manifest = Record<string, any>;

/** A manifest field that should be an object map; hand-edited manifests may hold anything there. */
export const mapOf = (value: unknown): Record<string, any> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : {};

export const scriptsOf = (manifest: Manifest | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(mapOf(manifest?.scripts)).filter(([, value]) => typeof value === 'string')) as Record<string, string>;

export interface NodePackage {
  folder: string;
  file: string;
  manifest: Manifest;
  name?: string;
  scripts: Record<string, string>;
  /** Runtime dependencies of the package itself. */
  dependencies: Record<string, string>;
  /** Dependencies, devDependencies and optional ones of the package itself. */
  ownDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  /** The workspace it is a member of, and that root's manifest. */
  workspace?: Workspace;
  root?: { folder: string; file: string; manifest: Manifest; dependencies: Record<string, string> };
  /** It is itself the root of a workspace with members. */
  isWorkspaceRoot: boolean;
}

const dependenciesOf = (manifest: Manifest | undefined) => ({
  ...mapOf(manifest?.devDependencies),
  ...mapOf(manifest?.optionalDependencies),
  ...mapOf(manifest?.dependencies),
});

export const readPackage = (context: DetectContext, folder: string): NodePackage | undefined => {
  const file = inFolder(folder, 'package.json');
  const manifest = context.index.json(file);
  if (!manifest) return undefined;
  const workspace = workspaceOf(context.workspaces, folder, ['npm', 'pnpm', 'yarn', 'bun']);
  const rootFile = workspace ? inFolder(workspace.root, 'package.json') : undefined;
  const rootManifest = rootFile ? context.index.json(rootFile) : undefined;
  return {
    folder,
    file,
    manifest,
    name: typeof manifest.name === 'string' ? manifest.name : undefined,
    scripts: scriptsOf(manifest),
    dependencies: mapOf(manifest.dependencies),
    ownDependencies: dependenciesOf(manifest),
    peerDependencies: mapOf(manifest.peerDependencies),
    workspace,
    root: workspace && rootFile && rootManifest ? { folder: workspace.root, file: rootFile, manifest: rootManifest, dependencies: dependenciesOf(rootManifest) } : undefined,
    isWorkspaceRoot: context.workspaces.some((candidate) => candidate.root === folder && candidate.members.length > 0 && candidate.tool !== 'uv'),
  };
};

/** The folders a package's settings are looked up in, nearest first: its own, its workspace root, the repository root. */
export const lookupFolders = (pkg: NodePackage): string[] => [...new Set([pkg.folder, ...(pkg.root ? [pkg.root.folder] : []), '.'])];

/** Evidence that points at the line declaring a key in a JSON manifest. */
export const jsonKeyEvidence = (index: RepoIndex, file: string, key: string, note: string): Evidence => {
  const text = index.read(file) ?? '';
  return evidence(file, note, text, text.indexOf(`"${key}"`));
};

/* ------------------------------------------------------------------------------------------------ */
/* Package manager, lockfile and their versions                                                     */

export interface ManagerFacts {
  manager: PackageManager;
  /** Yarn 2+ (berry): `__metadata:` in yarn.lock, a .yarnrc.yml, or `packageManager: yarn@2+`. */
  berry: boolean;
  lockfile?: string;
  /** The folder holding the lockfile (the workspace root for a member). */
  lockFolder?: string;
  version?: Found<string>;
  managerEvidence: Evidence;
}

const lockfileNames = nodeLockfiles as [string, PackageManager][];

const declaredManager = (pkg: NodePackage, index: RepoIndex): { tool: string; version?: string; file: string } | undefined => {
  for (const file of [pkg.file, pkg.root?.file]) {
    if (!file) continue;
    const value = index.json(file)?.packageManager;
    const match = typeof value === 'string' ? value.match(/^(npm|pnpm|yarn|bun)(?:@([^+\s]+))?/) : undefined;
    if (match) return { tool: match[1], version: match[2], file };
  }
  return undefined;
};

/**
 * Two lockfiles in one folder: the one whose tool the scripts or the README name wins (a stale yarn.lock
 * beside an up-to-date package-lock.json is common), else the first in the usual order.
 */
const pickLockfile = (index: RepoIndex, folder: string, present: [string, PackageManager][], pkg: NodePackage): [string, PackageManager] => {
  if (present.length === 1) return present[0];
  const mentions = (tool: string) => {
    const scripts = Object.values(pkg.scripts).join('\n');
    const readme = index.read(inFolder(folder, 'README.md')) ?? '';
    const pattern = new RegExp(`\\b${tool} (install|ci|run|add|i)\\b`, 'g');
    return (scripts.match(pattern)?.length ?? 0) * 3 + (readme.match(pattern)?.length ?? 0);
  };
  return [...present].sort((a, b) => mentions(b[1]) - mentions(a[1]))[0];
};

export const managerFacts = (pkg: NodePackage, index: RepoIndex): ManagerFacts => {
  const declared = declaredManager(pkg, index);
  const folders = [pkg.folder, ...(pkg.workspace ? [pkg.workspace.root] : [])];
  let lock: { file: string; folder: string; manager: PackageManager } | undefined;
  for (const folder of folders) {
    const present = lockfileNames.filter(([name]) => index.has(inFolder(folder, name)));
    const usable = declared ? present.filter(([, manager]) => manager === declared.tool) : present;
    if (usable.length === 0) continue;
    const [name, manager] = pickLockfile(index, folder, usable, pkg);
    lock = { file: inFolder(folder, name), folder, manager };
    break;
  }
  const manager = (declared?.tool as PackageManager | undefined) ?? lock?.manager ?? (pkg.workspace?.tool as PackageManager | undefined) ?? 'npm';
  const managerEvidence = declared
    ? jsonKeyEvidence(index, declared.file, 'packageManager', `packageManager names ${declared.tool}`)
    : lock
      ? evidence(lock.file, `${lock.file} is ${manager}'s lockfile`)
      : evidence(pkg.file, 'no lockfile and no packageManager field: npm');
  const yarnrc = folders.map((folder) => inFolder(folder, '.yarnrc.yml')).find((file) => index.has(file));
  const berry =
    manager === 'yarn' &&
    (Boolean(yarnrc) ||
      (lock?.manager === 'yarn' && /^__metadata:/m.test(index.read(lock.file) ?? '')) ||
      (declared?.tool === 'yarn' && Number(declared.version?.split('.')[0]) >= 2));
  return {
    manager,
    berry,
    ...(lock ? { lockfile: lock.file, lockFolder: lock.folder } : {}),
    version: managerVersion(pkg, index, manager, declared, yarnrc, lock?.file),
    managerEvidence,
  };
};

const managerVersion = (
  pkg: NodePackage,
  index: RepoIndex,
  manager: PackageManager,
  declared: { tool: string; version?: string; file: string } | undefined,
  yarnrc: string | undefined,
  lockfile: string | undefined,
): Found<string> | undefined => {
  if (declared?.tool === manager && declared.version) {
    return { value: declared.version, evidence: jsonKeyEvidence(index, declared.file, 'packageManager', `packageManager ${manager}@${declared.version}`) };
  }
  for (const file of [pkg.file, pkg.root?.file]) {
    const range = file ? mapOf(index.json(file)?.engines)[manager] : undefined;
    if (typeof range === 'string' && range.trim() !== '' && range.trim() !== '*') {
      return { value: range.trim(), evidence: jsonKeyEvidence(index, file!, 'engines', `engines.${manager} ${range.trim()}`) };
    }
  }
  if (manager === 'yarn' && yarnrc) {
    const text = index.read(yarnrc) ?? '';
    const match = text.match(/^yarnPath:\s*['"]?([^'"\n]*?yarn-(\d+\.\d+\.\d+[^'"\n]*?)\.c?js)/m);
    if (match) return { value: match[2], evidence: evidence(yarnrc, `yarnPath ${match[1]}`, text, match.index) };
  }
  if (manager === 'pnpm' && lockfile?.endsWith('pnpm-lock.yaml')) return pnpmOfLockfile(index, lockfile);
  return undefined;
};

/**
 * Without a declared pnpm, the lockfile's format says which major wrote it, and a newer pnpm would rewrite
 * it rather than install from it frozen: 5.4 is pnpm 7's, 6.x pnpm 8's (9.0 is read by every current pnpm).
 */
const pnpmOfLockfile = (index: RepoIndex, lockfile: string): Found<string> | undefined => {
  const text = index.read(lockfile) ?? '';
  const match = text.match(/^lockfileVersion:\s*['"]?(\d+)\.(\d+)/m);
  if (!match) return undefined;
  const major = match[1] === '6' ? '8' : match[1] === '5' && match[2] === '4' ? '7' : undefined;
  return major ? { value: major, evidence: evidence(lockfile, `lockfileVersion ${match[1]}.${match[2]}: written by pnpm ${major}`, text, match.index) } : undefined;
};

/* ------------------------------------------------------------------------------------------------ */
/* Node (or Bun) version                                                                            */

const versionFiles: { name: string; read: (text: string) => { value: string; offset: number } | undefined }[] = [
  {
    // pnpm downloads and runs exactly this Node, whatever the image has.
    name: '.npmrc',
    read: (text) => {
      const match = text.match(/^\s*use-node-version\s*=\s*v?([^\s#]+)/m);
      return match ? { value: match[1], offset: match.index ?? 0 } : undefined;
    },
  },
  {
    name: '.nvmrc',
    read: (text) => {
      const match = text.match(/^\s*v?([^\s#]+)/m);
      return match && !/^(node|stable|system)$/.test(match[1]) ? { value: match[1], offset: match.index ?? 0 } : undefined;
    },
  },
  {
    name: '.node-version',
    read: (text) => {
      const match = text.match(/^\s*v?([^\s#]+)/m);
      return match ? { value: match[1], offset: match.index ?? 0 } : undefined;
    },
  },
  {
    name: '.tool-versions',
    read: (text) => {
      const match = text.match(/^(?:nodejs|node)\s+v?(\S+)/m);
      return match ? { value: match[1], offset: match.index ?? 0 } : undefined;
    },
  },
  {
    name: 'mise.toml',
    read: (text) => {
      const node = parseToml(text)?.tools?.node;
      const value = typeof node === 'string' ? node : Array.isArray(node) && typeof node[0] === 'string' ? node[0] : typeof node?.version === 'string' ? node.version : undefined;
      return value ? { value, offset: Math.max(0, text.search(/^\s*node\s*=/m)) } : undefined;
    },
  },
];

/** Whether a pinned version (`20`, `20.17.0`, `lts/iron`) may satisfy an engines range; unreadable ones do. */
const pinSatisfies = (pin: string, range: string): boolean => {
  const version = semver.coerce(pin);
  if (!version || !semver.validRange(range)) return true;
  return /^\d+$/.test(pin) ? semver.intersects(`${pin}.x`, range) : semver.satisfies(version, range);
};

const cleanVersion = (value: string) => value.trim().replace(/^v(?=\d)/, '');

/**
 * The Node version the project declares, as declared: .npmrc `use-node-version` (pnpm), .nvmrc, .node-version, .tool-versions, mise.toml,
 * `volta.node`, `engines.node`; in the package folder, then its workspace root, then the repository root.
 * Bun services: `engines.bun`, .bun-version, else the Bun that `packageManager` pins.
 */
export const runtimeVersionOf = (pkg: NodePackage, index: RepoIndex, bunRuntime: boolean, managerVersionFound?: Found<string>): Found<string> | undefined => {
  let innerRange: Found<string> | undefined;
  for (const folder of lookupFolders(pkg)) {
    const file = inFolder(folder, 'package.json');
    const manifest = index.json(file);
    if (bunRuntime) {
      const bun = mapOf(manifest?.engines).bun;
      if (typeof bun === 'string' && bun.trim()) return { value: cleanVersion(bun), evidence: jsonKeyEvidence(index, file, 'engines', `engines.bun ${bun}`) };
      const bunFile = inFolder(folder, '.bun-version');
      const text = index.read(bunFile)?.trim();
      if (text) return { value: cleanVersion(text), evidence: evidence(bunFile, `.bun-version ${text}`, text, 0) };
      continue;
    }
    // Within one folder the exact pin the team runs (.nvmrc and friends, Volta) comes before the engines
    // range, unless it contradicts the range (a stale .nvmrc): then the range the install enforces wins.
    let pin: Found<string> | undefined;
    for (const reader of versionFiles) {
      const versionFile = inFolder(folder, reader.name);
      const text = index.read(versionFile);
      const found = text === undefined ? undefined : reader.read(text);
      if (found) {
        pin = { value: cleanVersion(found.value), evidence: evidence(versionFile, `${reader.name}: ${found.value}`, text, found.offset) };
        break;
      }
    }
    const volta = mapOf(manifest?.volta).node;
    if (!pin && typeof volta === 'string' && volta.trim()) pin = { value: cleanVersion(volta), evidence: jsonKeyEvidence(index, file, 'volta', `volta.node ${volta}`) };
    const engines = mapOf(manifest?.engines).node;
    const range = typeof engines === 'string' && engines.trim() ? { value: engines.trim(), evidence: jsonKeyEvidence(index, file, 'engines', `engines.node ${engines.trim()}`) } : undefined;
    if (innerRange) {
      // The package's own range came first; a pin out here counts only if it satisfies it.
      if (pin) return pinSatisfies(pin.value, innerRange.value) && (!range || pinSatisfies(pin.value, range.value)) ? pin : innerRange;
      continue;
    }
    if (pin && range && !pinSatisfies(pin.value, range.value)) return { value: range.value, evidence: { ...range.evidence, note: `${range.evidence.note} (${pin.evidence.file} pins ${pin.value}, outside it)` } };
    if (pin) return pin;
    // A package's engines range alone: a pin further out (the repository's .nvmrc) that satisfies it is the
    // version the team runs, so the search goes on.
    innerRange = range;
  }
  if (innerRange) return innerRange;
  if (bunRuntime && managerVersionFound) return managerVersionFound;
  return undefined;
};

/* ------------------------------------------------------------------------------------------------ */
/* Workspace packages a member depends on                                                           */

/** Workspace members (folders) that `pkg` declares as dependencies, followed transitively. */
export const workspaceDependencies = (context: DetectContext, pkg: NodePackage): string[] => {
  if (!pkg.workspace) return [];
  const byName = new Map<string, string>();
  for (const member of pkg.workspace.members) {
    const name = context.index.json(inFolder(member, 'package.json'))?.name;
    if (typeof name === 'string') byName.set(name, member);
  }
  const seen = new Set<string>();
  const queue = [pkg.folder];
  while (queue.length > 0) {
    const folder = queue.shift()!;
    const manifest = context.index.json(inFolder(folder, 'package.json'));
    for (const name of Object.keys(mapOf(manifest?.dependencies))) {
      const member = byName.get(name);
      if (member && member !== pkg.folder && !seen.has(member)) {
        seen.add(member);
        queue.push(member);
      }
    }
  }
  return [...seen].sort();
};



/**
 * Folders outside the package whose code it compiles in: the workspace packages it depends on, and the
 * folders its tsconfig `paths` aliases name that its sources import (`@acme/db/x` -> libs/db/src).
 */
export const linkedFolders = (context: DetectContext, pkg: NodePackage, sources: readonly string[], imports: (file: string) => string[], withAliases: boolean): string[] => {
  const linked = new Set(workspaceDependencies(context, pkg));
  const config = readTsConfig(context.index, inFolder(pkg.folder, 'tsconfig.json'));
  const aliases = (config?.paths ?? []).filter((entry) => entry.folder !== pkg.folder && !entry.folder.startsWith(`${pkg.folder}/`) && !entry.folder.startsWith('..') && context.index.isFolder(entry.folder));
  if (withAliases && aliases.length > 0) {
    const specifiers = new Set(sources.flatMap(imports));
    for (const alias of aliases) {
      if ([...specifiers].some((specifier) => specifier === alias.alias.replace(/\/$/, '') || specifier.startsWith(alias.alias))) linked.add(alias.folder);
    }
  }
  return [...linked].sort();
};
