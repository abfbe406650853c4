/** A plain static site: an index.html with no package manifest (its files are served as they are). */
import type { DetectContext } from './context.js';
import { evidence } from './evidence.js';
import { toServiceName } from './service-name.js';
import type { DetectedService } from './types.js';
import { inFolder } from './workspaces.js';

/** Folders that hold pages of an application rather than a site of their own. */
const notSites = /(^|\/)(templates|views|public|static|assets|docs|node_modules)$/;

export const detectStaticSite = (folder: string, context: DetectContext): DetectedService | undefined => {
  const page = inFolder(folder, 'index.html');
  if (!context.index.has(page) || notSites.test(folder)) return undefined;
  return {
    name: toServiceName(folder === '.' ? (context.index.root.split('/').pop() ?? 'site') : folder),
    path: folder,
    kind: 'frontend',
    language: 'static',
    framework: 'static',
    packageManager: 'none',
    port: 8080,
    healthPath: '/healthz',
    commands: {},
    uses: [],
    evidence: {
      framework: evidence(page, 'index.html with no package manifest: a site served as it is'),
      port: evidence(page, 'served by nginx-unprivileged on 8080'),
      healthPath: evidence(page, 'answered by the generated nginx configuration'),
    },
  };
};
