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
import type { ServiceModel } from '../../model/index.js';
import { isWithin, relativePath } from '../../repo-paths.js';
import { orList } from './text.js';

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

/** A repository path as compose writes it, relative to the compose files. */
const composePath = (repositoryPath: string): string => {
  const normalized = path.posix.normalize(repositoryPath);
  return normalized === '.' ? '.' : `./${normalized}`;
};

/** True when `file` lies inside `folder`, not being it (both repository paths). */
const isInside = (folder: string, file: string): boolean => file !== folder && isWithin(file, folder);

/** True when the container runs the service's sources as they are, so copying a changed file is enough. */
export const runsSources = (service: ServiceModel): boolean =>
  !service.servedByNginx && (service.language === 'python' || (service.language === 'node' && !service.image.commands.build && service.framework !== 'next'));

/** Installed dependencies and caches: the image installs its own, for Linux. */
const dependencyFolders: Record<Service['language'], string[]> = {
  node: ['**/node_modules'],
  python: ['**/.venv', '**/__pycache__'],
  go: [],
  java: ['**/.gradle'],
  static: ['**/node_modules'],
};

/** What a local build writes into the service folder; the image builds its own. */
const buildOutputs = (service: Pick<Service, 'language' | 'kind'>): string[] => {
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

const describeRuntime = (service: ServiceModel): string => {
  if (service.servedByNginx) return 'a front end is built into static files that nginx serves';
  if (service.language === 'node') return `${service.name} runs the output of its build step (${service.image.commands.build ?? 'next build'})`;
  if (service.language === 'go') return 'the image runs a compiled Go binary';
  return 'the image runs a compiled Java application';
};

export const liveReloadOf = (service: ServiceModel): LiveReload => {
  const folder = service.path;
  // Front ends built into the image: a change to their sources rebuilds it; their output (built inside the
  // image) is never copied in from the host.
  const frontEnds = service.image.frontEnds.map((frontEnd) => ({ folder: frontEnd.build.source.path, builtInto: frontEnd.build.source.builtInto! }));
  const ownFolderFor = (repositoryPath: string) => frontEnds.some((frontEnd) => isWithin(repositoryPath, frontEnd.folder));
  const manifests = service.image.dependencyFiles.filter((file) => !ownFolderFor(file));
  const builtIntoHere = frontEnds.filter((frontEnd) => isInside(folder, frontEnd.builtInto)).map((frontEnd) => relativePath(folder, frontEnd.builtInto));
  // A front end's sources inside the synced folder are built, never run: its own rule rebuilds on them.
  const frontEndsHere = frontEnds.filter((frontEnd) => isInside(folder, frontEnd.folder)).map((frontEnd) => relativePath(folder, frontEnd.folder));
  const frontEndRules = (covered: (frontEndFolder: string) => boolean): WatchRule[] =>
    frontEnds
      .filter((frontEnd) => !covered(frontEnd.folder))
      .map((frontEnd) => ({ action: 'rebuild' as const, path: composePath(frontEnd.folder), ignore: [...dependencyFolders.node, ...buildOutputs({ language: 'node', kind: 'frontend' })] }));
  const rebuildOn = (files: string[]): WatchRule[] => files.map((file) => ({ action: 'rebuild', path: composePath(file), ignore: [] }));
  if (runsSources(service)) {
    const language = service.language as 'node' | 'python';
    const target = service.image.workdir;
    // Manifests inside the synced folder are left to their rebuild rule: one change, one action.
    const inFolder = manifests.filter((file) => isInside(folder, file)).map((file) => relativePath(folder, file));
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
          ignore: [...dependencyFolders[language], ...inFolder, ...testFiles[language], ...builtIntoHere, ...frontEndsHere],
        },
        ...rebuildOn(manifests),
        ...frontEndRules(() => false),
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
      { action: 'rebuild', path: composePath(folder), ignore: [...new Set([...dependencyFolders[service.language], ...buildOutputs(service), ...builtIntoHere, ...(frontEnds.length > 0 ? dependencyFolders.node : [])])] },
      ...rebuildOn(outside),
      ...frontEndRules((frontEndFolder) => isWithin(frontEndFolder, folder)),
    ],
  };
};
