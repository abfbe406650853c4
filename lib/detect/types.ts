import type { Service } from '../catalog/service.js';

export type Datastore = 'postgres' | 'mysql' | 'mongodb' | 'redis';

export interface DetectedService extends Service {
  /** Datastores its client libraries or env files point at. */
  uses: Datastore[];
}

/** What the repository tells us; every field is optional because an empty folder is a valid start. */
export interface Detection {
  root: string;
  projectName?: string;
  services: DetectedService[];
  ci?: 'github-actions' | 'gitlab-ci' | 'jenkins' | 'circleci' | 'azure-devops';
  cloud?: 'aws' | 'gcp' | 'azure';
  orchestration?: 'kustomize' | 'helm';
  database?: 'postgres' | 'mysql' | 'mongodb';
  cache?: 'redis';
  registry?: string;
}

export const emptyDetection = (root: string): Detection => ({ root, services: [] });
