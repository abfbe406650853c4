/** The target folder must exist, be a folder and be writable before anything else happens. */
import { accessSync, constants, statSync } from 'node:fs';
import { UsageError } from '../errors.js';

export const checkTargetFolder = (root: string): void => {
  let stats;
  try {
    stats = statSync(root);
  } catch {
    throw new UsageError('target folder', `${root} does not exist; create it or pass an existing folder`);
  }
  if (!stats.isDirectory()) throw new UsageError('target folder', `${root} is not a folder; run phase4 inside your repository`);
  try {
    accessSync(root, constants.W_OK);
  } catch {
    throw new UsageError('target folder', `${root} is not writable; fix its permissions or run phase4 in a folder you own`);
  }
};
