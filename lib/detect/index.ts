/**
 * Stack detection: which services the repository holds and what they use, plus hints for the shared
 * choices (CI, orchestration, cloud, registry). Read-only and deterministic; never throws on odd repos.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { detectGoService } from './go.js';
import { detectJavaService } from './java.js';
import { withMakeTargets } from './makefile.js';
import { detectNodeService } from './node.js';
import { detectPythonService } from './python.js';
import { exists, isDirectory, listDirectories, listSourceFiles, readJson, readText, toPosix } from './repo-files.js';
import { toServiceName } from './service-name.js';
import { detectStaticSite } from './static-site.js';
import type { Datastore, DetectedService, Detection } from './types.js';
import { compareText, byPath } from '../order.js';

const detectors = [detectNodeService, detectPythonService, detectGoService, detectJavaService, detectStaticSite];

const detectService = (root: string, dir: string): DetectedService | undefined => {
  const relativePath = toPosix(path.relative(root, dir));
  for (const detector of detectors) {
    const service = detector(dir, relativePath, root);
    if (service) return { ...service, commands: withMakeTargets(service.commands, dir) };
  }
  return undefined;
};

/** Folders named by npm/yarn `workspaces` or `pnpm-workspace.yaml`; supports `dir/*` and exact paths. */
const workspaceFolders = (root: string): string[] => {
  const manifest = readJson(path.join(root, 'package.json'));
  const npmPatterns: unknown = Array.isArray(manifest?.workspaces) ? manifest.workspaces : manifest?.workspaces?.packages;
  let pnpmPatterns: unknown;
  try {
    pnpmPatterns = parseYaml(readText(path.join(root, 'pnpm-workspace.yaml')) ?? '')?.packages;
  } catch {
    pnpmPatterns = undefined;
  }
  const patterns = [npmPatterns, pnpmPatterns].flatMap((list) => (Array.isArray(list) ? list : [])).map(String);
  const folders = new Set<string>();
  for (const pattern of patterns.filter((pattern) => !pattern.startsWith('!'))) {
    const globAt = pattern.search(/[*?]/);
    if (globAt === -1) {
      folders.add(path.join(root, pattern));
      continue;
    }
    const parent = path.join(root, pattern.slice(0, globAt));
    for (const child of listDirectories(parent)) folders.add(path.join(parent, child));
  }
  return [...folders].filter(isDirectory);
};

/** Conventional places: the root, its folders, and their folders (apps/web, services/api). */
const conventionalFolders = (root: string): string[] => [
  root,
  ...listDirectories(root).flatMap((child) => {
    const dir = path.join(root, child);
    return [dir, ...listDirectories(dir).map((grandchild) => path.join(dir, grandchild))];
  }),
];

/**
 * Workspace folders and conventional folders together: workspaces only cover one package manager's
 * packages, so a Python or Go service beside npm workspaces would otherwise be missed. Parents come before
 * their children so that a service's own subfolders can be skipped.
 */
const candidateFolders = (root: string, workspaces: string[]): string[] => {
  const unique = [...new Set([...conventionalFolders(root), ...workspaces].map((folder) => path.resolve(folder)))];
  const depth = (folder: string) => path.relative(root, folder).split(path.sep).filter(Boolean).length;
  return unique.sort((a, b) => depth(a) - depth(b) || compareText(a, b));
};

/** Names must be unique: a clash gets its path as the name (`apps/api` -> `apps-api`); the root keeps its own. */
const withUniqueNames = (services: DetectedService[]): DetectedService[] => {
  const counts = new Map<string, number>();
  for (const service of services) counts.set(service.name, (counts.get(service.name) ?? 0) + 1);
  return services.map((service) =>
    counts.get(service.name)! > 1 && service.path !== '.'
      ? { ...service, name: toServiceName(service.path.replace(/\//g, '-')) }
      : service,
  );
};

const isInside = (folder: string, parent: string) => folder.startsWith(parent + path.sep);

export const detectServices = (root: string): DetectedService[] => {
  const base = path.resolve(root);
  const workspaces = workspaceFolders(base);
  const services: DetectedService[] = [];
  for (const folder of candidateFolders(base, workspaces)) {
    const holders = services.filter((service) => isInside(folder, path.join(base, service.path)));
    // A service folder's own subfolders (src/, public/) are not separate services; below a root service
    // only folders with their own manifest are (a Go API at the root with a React app in web/).
    if (holders.some((service) => service.path !== '.')) continue;
    const service = detectService(base, folder);
    if (!service || (holders.length > 0 && service.language === 'static')) continue;
    services.push(service);
  }
  // A root manifest that only orchestrates workspaces is not a service when real services were found below it.
  const nested = services.filter((service) => service.path !== '.');
  const rootOrchestrates =
    workspaces.length > 0 && services.some((service) => service.path === '.' && service.language === 'node');
  const result = nested.length > 0 && rootOrchestrates ? nested : services;
  return withUniqueNames(result.sort(byPath));
};

const detectCi = (root: string): Detection['ci'] => {
  if (isDirectory(path.join(root, '.github', 'workflows'))) return 'github-actions';
  if (exists(path.join(root, '.gitlab-ci.yml'))) return 'gitlab-ci';
  if (exists(path.join(root, 'Jenkinsfile'))) return 'jenkins';
  if (exists(path.join(root, '.circleci', 'config.yml'))) return 'circleci';
  if (exists(path.join(root, 'azure-pipelines.yml'))) return 'azure-devops';
  return undefined;
};

const detectOrchestration = (root: string): Detection['orchestration'] => {
  const files = listSourceFiles(root, ['Chart.yaml', 'kustomization.yaml', 'kustomization.yml'], 4, 50);
  if (files.some((file) => file.endsWith('Chart.yaml'))) return 'helm';
  if (files.length > 0) return 'kustomize';
  return undefined;
};

const detectCloud = (root: string): Detection['cloud'] => {
  const terraform = listSourceFiles(root, ['.tf'], 4, 100).map((file) => readText(file) ?? '').join('\n');
  if (/provider\s+"aws"/.test(terraform)) return 'aws';
  if (/provider\s+"google"/.test(terraform)) return 'gcp';
  if (/provider\s+"azurerm"/.test(terraform)) return 'azure';
  return undefined;
};

/** The registry that matches the git remote's host: GitHub -> ghcr.io/owner, GitLab -> its registry. */
const detectRegistry = (root: string): string | undefined => {
  let remote: string;
  try {
    remote = execFileSync('git', ['-C', root, 'config', '--get', 'remote.origin.url'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    }).trim();
  } catch {
    return undefined;
  }
  const parsed = parseRemote(remote);
  if (!parsed) return undefined;
  const { host, repoPath } = parsed;
  if (host === 'github.com') return `ghcr.io/${repoPath.split('/')[0]}`;
  // GitLab projects may sit in subgroups; the registry path is the whole project path.
  if (host === 'gitlab.com') return `registry.gitlab.com/${repoPath}`;
  return undefined;
};

/**
 * Host and lowercased `owner/.../repo` of a remote: `git@host:o/r.git`, `https://host/o/r`, `ssh://git@host:22/o/r`.
 * Credentials in an https remote (`https://token@host/...`) are skipped, never returned.
 */
const parseRemote = (remote: string): { host: string; repoPath: string } | undefined => {
  const match = remote.match(/^(?:[a-z][a-z+]*:\/\/)?(?:[^@/]+@)?([^/:@]+)(?::\d+)?[:/]([^:]+?)(?:\.git)?\/?$/i);
  if (!match) return undefined;
  const [, host, repoPath] = match;
  if (repoPath.split('/').filter(Boolean).length < 2) return undefined;
  return { host: host.toLowerCase(), repoPath: repoPath.toLowerCase() };
};

const firstDatastore = <T extends Datastore>(services: DetectedService[], order: readonly T[]): T | undefined =>
  order.find((store) => services.some((service) => service.uses.includes(store)));

export const detect = (root: string): Detection => {
  const services = detectServices(root);
  const rootName = readJson(path.join(root, 'package.json'))?.name;
  return {
    root,
    projectName: toServiceName(typeof rootName === 'string' ? rootName : path.basename(path.resolve(root))),
    services,
    ci: detectCi(root),
    cloud: detectCloud(root),
    orchestration: detectOrchestration(root),
    database: firstDatastore(services, ['postgres', 'mysql', 'mongodb'] as const),
    cache: firstDatastore(services, ['redis'] as const),
    registry: detectRegistry(root),
  };
};
