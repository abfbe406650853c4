/**
 * Live reload with `docker compose watch` (Compose v2.22+): the `develop.watch` rules compose.override.yaml
 * gives each application service, instead of bind mounts.
 *
 * - Services that run their sources as they are (Node.js back ends and workers without a build step, Python
 *   back ends and workers) get `sync+restart`: changed files are copied into the folder where the image holds
 *   the service, then the container restarts. A change to a dependency manifest or lockfile rebuilds the image.
 * - Services that run built artifacts (Go and Java binaries, Node.js services with a build step, front ends
 *   served by nginx) get `rebuild` on their folder: the image is rebuilt and the container recreated.
 *
 * Compose applies the service's .dockerignore to every rule as well; the ignore lists below say the
 * essential exclusions again so they hold whatever the .dockerignore becomes.
 */
import path from 'node:path';
import type { Service } from '../../catalog/service.js';
import { buildContextOf } from '../../plan/naming.js';
import { containerDir } from '../docker/common.js';
import { nodeManagerOf, type NodeManager } from '../docker/node.js';
import { requirementFiles } from '../docker/python.js';

export type WatchAction = 'sync+restart' | 'rebuild';

export interface WatchRule {
  action: WatchAction;
  /** Relative to the compose files (the repository root): `./apps/api`, `./package-lock.json`, `.`. */
  path: string;
  /** Folder in the container that `path` is copied to (sync rules only). */
  target?: string;
  /** Patterns relative to `path` that the rule skips. */
  ignore: string[];
}

export interface LiveReload {
  /** `sync`: sources copied into the running container; `rebuild`: image rebuilt, container recreated. */
  mode: 'sync' | 'rebuild';
  rules: WatchRule[];
  /** Why the service gets this mode, for the comment above `develop:` and the docs. */
  reason: string;
}

/** The lockfile each Node.js package manager installs from (the docker area's Dockerfiles require it). */
const nodeLockfiles: Record<NodeManager, string> = {
  npm: 'package-lock.json',
  pnpm: 'pnpm-lock.yaml',
  yarn: 'yarn.lock',
  'yarn-berry': 'yarn.lock',
};

/** A repository path as compose writes it, relative to the compose files. */
const composePath = (repositoryPath: string): string => {
  const normalized = path.posix.normalize(repositoryPath);
  return normalized === '.' ? '.' : `./${normalized}`;
};

const join = (folder: string, file: string): string => path.posix.normalize(path.posix.join(folder, file));

/** True when `file` lies inside `folder` (both repository paths). */
const isInside = (folder: string, file: string): boolean => {
  const relative = path.posix.relative(folder === '.' ? '' : folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.posix.isAbsolute(relative);
};

/**
 * The files whose change means new dependencies, as repository paths: what the Dockerfile copies before it
 * installs. A workspace package built from the workspace root installs from the root's lockfile.
 */
export const dependencyManifests = (service: Service): string[] => {
  const context = buildContextOf(service);
  switch (service.language) {
    case 'node': {
      const manager = nodeManagerOf(service);
      const own = join(service.path, 'package.json');
      if (context === service.path) return [own, join(context, nodeLockfiles[manager])];
      return [
        own,
        join(context, 'package.json'),
        join(context, nodeLockfiles[manager]),
        ...(manager === 'pnpm' ? [join(context, 'pnpm-workspace.yaml')] : []),
      ];
    }
    case 'python': {
      // The same choice as the Python Dockerfile: poetry and uv install from their lockfile, pip from the
      // requirement files the install command names (requirements.txt by default), else from pyproject.toml.
      if (service.packageManager === 'poetry') return [join(context, 'pyproject.toml'), join(context, 'poetry.lock')];
      if (service.packageManager === 'uv') return [join(context, 'pyproject.toml'), join(context, 'uv.lock')];
      const files = requirementFiles(service);
      if (files.length > 0 || service.commands.install === undefined) {
        return [...new Set((files.length > 0 ? files : ['requirements.txt']).map((file) => join(context, file)))];
      }
      return [join(context, 'pyproject.toml')];
    }
    case 'go':
    case 'java':
    case 'static':
      // Rebuilt on any change in their folder, which holds their module or build files.
      return [];
  }
};

/** True when the container runs the service's sources as they are, so copying a changed file is enough. */
export const runsSources = (service: Service): boolean =>
  service.kind !== 'frontend' && (service.language === 'python' || (service.language === 'node' && !service.commands.build));

/** Installed dependencies and caches: the image installs its own, for Linux. */
const dependencyFolders: Record<Service['language'], string[]> = {
  node: ['**/node_modules'],
  python: ['**/.venv', '**/__pycache__'],
  go: [],
  java: ['**/.gradle'],
  static: ['**/node_modules'],
};

/** What a local build writes into the service folder; the image builds its own. */
const buildOutputs = (service: Service): string[] => {
  switch (service.language) {
    case 'node':
      return service.kind === 'frontend' ? ['dist', 'build'] : ['dist'];
    case 'go':
      return ['bin'];
    case 'java':
      return ['**/target', '**/build'];
    default:
      return [];
  }
};

/** Tests never run in the service's process: a changed test needs no copy and no restart. */
const testFiles: Record<'node' | 'python', string[]> = {
  node: ['test', 'tests', '**/__tests__', '**/*.test.*', '**/*.spec.*'],
  python: ['tests', '**/test_*.py'],
};

/** `a`, `a or b`, `a, b or c`. */
const orList = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

const describeRuntime = (service: Service): string => {
  if (service.kind === 'frontend') return 'a front end is built into static files that nginx serves';
  if (service.language === 'node') return `${service.name} runs the output of its build step (${service.commands.build})`;
  if (service.language === 'go') return 'the image runs a compiled Go binary';
  return 'the image runs a compiled Java application';
};

export const liveReloadOf = (service: Service): LiveReload => {
  const folder = service.path;
  const manifests = dependencyManifests(service);
  const rebuildOn = (files: string[]): WatchRule[] => files.map((file) => ({ action: 'rebuild', path: composePath(file), ignore: [] }));
  if (runsSources(service)) {
    const language = service.language as 'node' | 'python';
    const target = containerDir('/app', service);
    // Manifests inside the synced folder are left to their rebuild rule: one change, one action.
    const inFolder = manifests.filter((file) => isInside(folder, file)).map((file) => path.posix.relative(folder === '.' ? '' : folder, file));
    return {
      mode: 'sync',
      reason:
        `${service.name} runs its sources as they are: a changed file is copied to ${target}, where the image holds ` +
        `${service.path === '.' ? 'the repository root' : service.path}, and the container restarts; a change to ` +
        `${orList(manifests)} rebuilds the image.`,
      rules: [
        {
          action: 'sync+restart',
          path: composePath(folder),
          target,
          ignore: [...dependencyFolders[language], ...inFolder, ...testFiles[language]],
        },
        ...rebuildOn(manifests),
      ],
    };
  }
  // The folder rule already covers the manifests inside it; a workspace root's manifests lie outside.
  const outside = manifests.filter((file) => !isInside(folder, file));
  return {
    mode: 'rebuild',
    reason:
      `${describeRuntime(service)}, so a change in ${folder === '.' ? 'the repository' : composePath(folder)} rebuilds the ` +
      'image and recreates the container.',
    rules: [
      { action: 'rebuild', path: composePath(folder), ignore: [...dependencyFolders[service.language], ...buildOutputs(service)] },
      ...rebuildOn(outside),
    ],
  };
};
