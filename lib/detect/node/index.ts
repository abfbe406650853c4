/** Node services (transitional: wraps the earlier detector until the Node detector is rewritten). */
import path from 'node:path';
import type { ServiceDetector } from '../context.js';
import { detectNodeService as legacy } from './legacy.js';

export const detectNodeService: ServiceDetector = (folder, context) => {
  const found = legacy(path.join(context.index.root, folder), folder, context.index.root);
  if (!found) return undefined;
  const workspaceRoot = context.workspaces.some((workspace) => workspace.root === folder && workspace.members.length > 0);
  if (workspaceRoot && found.framework === 'none') return { notService: { path: folder, why: 'workspace root: it only orchestrates its members' } };
  return { services: [{ ...found, evidence: {} }] };
};
