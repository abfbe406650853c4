/** Hints for the shared choices, read from the repository: CI platform, orchestration, cloud, registry. */
import { execFileSync } from 'node:child_process';
import type { RepoIndex } from './repo-index.js';
import type { Detection } from './types.js';

export const detectCi = (index: RepoIndex): Detection['ci'] => {
  if (index.filesUnder('.github/workflows').some((file) => /\.ya?ml$/.test(file))) return 'github-actions';
  if (index.has('.gitlab-ci.yml')) return 'gitlab-ci';
  if (index.has('Jenkinsfile')) return 'jenkins';
  if (index.has('.circleci/config.yml')) return 'circleci';
  if (index.has('azure-pipelines.yml')) return 'azure-devops';
  return undefined;
};

export const detectOrchestration = (index: RepoIndex): Detection['orchestration'] => {
  if (index.named('Chart.yaml').length > 0) return 'helm';
  if (index.named('kustomization.yaml').length + index.named('kustomization.yml').length > 0) return 'kustomize';
  return undefined;
};

export const detectCloud = (index: RepoIndex): Detection['cloud'] => {
  const terraform = index.files.filter((file) => file.endsWith('.tf')).map((file) => index.read(file) ?? '').join('\n');
  if (/provider\s+"aws"/.test(terraform)) return 'aws';
  if (/provider\s+"google"/.test(terraform)) return 'gcp';
  if (/provider\s+"azurerm"/.test(terraform)) return 'azure';
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

/** `remote.origin.url` of the repository at root, or undefined. */
const originRemote = (root: string): string | undefined => {
  try {
    return execFileSync('git', ['-C', root, 'config', '--get', 'remote.origin.url'], {
      encoding: 'utf8',
      // The repository at root, whatever the caller exported: a git hook's GIT_DIR names another one.
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))),
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    }).trim();
  } catch {
    return undefined;
  }
};

/** The registry that matches the git remote's host: GitHub -> ghcr.io/owner, GitLab -> its registry. */
export const detectRegistry = (root: string): string | undefined => {
  const remote = originRemote(root);
  const parsed = remote === undefined ? undefined : parseRemote(remote);
  if (!parsed) return undefined;
  const { host, repoPath } = parsed;
  if (host === 'github.com') return `ghcr.io/${repoPath.split('/')[0]}`;
  // GitLab projects may sit in subgroups; the registry path is the whole project path.
  if (host === 'gitlab.com') return `registry.gitlab.com/${repoPath}`;
  return undefined;
};

/** The repository's path on its host (`owner/name`, `group/subgroup/project`), which cloud CI identities trust. */
export const detectRepository = (root: string): string | undefined => {
  const remote = originRemote(root);
  return remote === undefined ? undefined : parseRemote(remote)?.repoPath;
};

/** The cloud region an ECR registry host names (`<account>.dkr.ecr.<region>.amazonaws.com`). */
export const regionOfRegistry = (registry: string | undefined): string | undefined =>
  registry?.split('/')[0].match(/^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/)?.[1] ??
  registry?.split('/')[0].match(/^([a-z]+-[a-z]+\d+)-docker\.pkg\.dev$/)?.[1];
