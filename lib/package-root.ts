/** The package's root folder, found from this module's URL so sources (lib/) and builds (dist/lib/) agree. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const findRoot = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'templates'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('generator-phase4: cannot find the package root (package.json and templates/)');
    dir = parent;
  }
  return dir;
};

export const packageRoot = findRoot();
export const templatesRoot = path.join(packageRoot, 'templates');
export const generatorVersion: string = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version;
