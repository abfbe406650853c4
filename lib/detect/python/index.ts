/** Python services (transitional: wraps the earlier detector until the Python detector is rewritten). */
import path from 'node:path';
import type { ServiceDetector } from '../context.js';
import { detectPythonService as legacy } from './legacy.js';

export const detectPythonService: ServiceDetector = (folder, context) => {
  const found = legacy(path.join(context.index.root, folder), folder);
  if (!found) return undefined;
  const workspaceRoot = context.workspaces.some((workspace) => workspace.root === folder && workspace.members.length > 0);
  if (workspaceRoot && found.framework === 'none') return { notService: { path: folder, why: 'workspace root: it only orchestrates its members' } };
  return { services: [{ ...found, evidence: {} }] };
};
