/**
 * Stack detection: which services the repository holds and what they use, plus hints for the shared
 * choices (CI, orchestration, cloud, registry). Read-only and deterministic; never throws on odd repos.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { detectGoService } from './go.js';
import { detectJavaService } from './java.js';
import { detectNodeService } from './node.js';
import { detectPythonService } from './python.js';
import { exists, isDirectory, listDirectories, listSourceFiles, readJson, readText, toPosix } from './repo-files.js';
import { toServiceName } from './service-name.js';
import { detectStaticSite } from './static-site.js';
import type { Datastore, DetectedService, Detection } from './types.js';

const detectors = [detectNodeService, detectPythonService, detectGoService, detectJavaService, detectStaticSite];

const detectService = (root: string, dir: string): DetectedService | undefined => {
  const relativePath = toPosix(path.relative(root, dir));
  for (const detector of detectors) {
    const service = detector(dir, relativePath, root);
    if (service) return service;
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

/** Without workspaces: the root, its folders, and their folders (apps/web, services/api). */
const conventionalFolders = (root: string): string[] => [
  root,
  ...listDirectories(root).flatMap((child) => {
    const dir = path.join(root, child);
    return [dir, ...listDirectories(dir).map((grandchild) => path.join(dir, grandchild))];
  }),
];

/** Names must be unique: a clash gets its parent folder as a prefix (`apps/api`, `tools/api`). */
const withUniqueNames = (services: DetectedService[]): DetectedService[] => {
  const counts = new Map<string, number>();
  for (const service of services) counts.set(service.name, (counts.get(service.name) ?? 0) + 1);
  return services.map((service) =>
    counts.get(service.name)! > 1
      ? { ...service, name: toServiceName(service.path.replace(/\//g, '-')) }
      : service,
  );
};

export const detectServices = (root: string): DetectedService[] => {
  const workspaces = workspaceFolders(root);
  const folders = workspaces.length > 0 ? [root, ...workspaces] : conventionalFolders(root);
  const services: DetectedService[] = [];
  for (const folder of folders) {
    // A service folder's own subfolders (src/, public/) are not separate services.
    if (services.some((service) => service.path !== '.' && folder.startsWith(path.join(root, service.path) + path.sep))) continue;
    const service = detectService(root, folder);
    if (service) services.push(service);
  }
  // A root manifest that only orchestrates workspaces is not a service when real services were found below it.
  const nested = services.filter((service) => service.path !== '.');
  const result = nested.length > 0 && workspaces.length > 0 ? nested : services;
  return withUniqueNames(result.sort((a, b) => a.path.localeCompare(b.path)));
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
  const match = remote.match(/^(?:https?:\/\/|git@|ssh:\/\/git@)([^/:]+)[/:]([^/]+)\/([^/]+?)(?:\.git)?$/);
  if (!match) return undefined;
  const [, host, owner, repo] = match;
  if (host === 'github.com') return `ghcr.io/${owner.toLowerCase()}`;
  if (host === 'gitlab.com') return `registry.gitlab.com/${owner.toLowerCase()}/${repo.toLowerCase()}`;
  return undefined;
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
