/** A plain static site: an index.html with no package manifest (built assets are served as they are). */
import path from 'node:path';
import { exists } from './repo-files.js';
import { toServiceName } from './service-name.js';
import type { DetectedService } from './types.js';

export const detectStaticSite = (dir: string, relativePath: string): DetectedService | undefined => {
  if (!exists(path.join(dir, 'index.html')) || exists(path.join(dir, 'package.json'))) return undefined;
  return {
    name: toServiceName(path.basename(dir)),
    path: relativePath,
    kind: 'frontend',
    language: 'static',
    framework: 'static',
    packageManager: 'none',
    port: 8080,
    healthPath: '/healthz',
    commands: {},
    uses: [],
  };
};
