import type { DatastoreEngine, Service } from '../catalog/service.js';

export type Datastore = DatastoreEngine;

/** Where a detected value came from: a file of the repository and, where it is one line, that line. */
export interface Evidence {
  /** Repository-relative path, forward slashes. */
  file: string;
  /** 1-based line. */
  line?: number;
  /** What was read there, in a few words. */
  note: string;
}

/**
 * A service as detection proposes it, with the evidence for its fields, keyed by field path:
 * `port`, `healthPath`, `runtimeVersion`, `commands.start`, `settings.SECRET_KEY`, `uses.postgres`, ...
 */
export interface DetectedService extends Service {
  evidence: Record<string, Evidence>;
}

/** A folder detection looked at and decided is not a service, with the reason (shown by `phase4 detect`). */
export interface NotAService {
  path: string;
  why: string;
}

/** What the repository tells us; every field is optional because an empty folder is a valid start. */
export interface Detection {
  root: string;
  projectName?: string;
  services: DetectedService[];
  notServices: NotAService[];
  /** Facts the user should know: an EOL runtime, an app without a health route, a start command not found. */
  notes: string[];
  ci?: 'github-actions' | 'gitlab-ci' | 'jenkins' | 'circleci' | 'azure-devops';
  cloud?: 'aws' | 'gcp' | 'azure';
  orchestration?: 'kustomize' | 'helm';
  database?: 'postgres' | 'mysql' | 'mongodb';
  cache?: 'redis';
  registry?: string;
  /** The git remote's repository path (`owner/name`). */
  repository?: string;
}

export const emptyDetection = (root: string): Detection => ({ root, services: [], notServices: [], notes: [] });
