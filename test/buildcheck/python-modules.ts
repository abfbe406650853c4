/**
 * Python imports as the final stage would resolve them: a dotted module as module/path.py or
 * module/path/__init__.py under the working folder or a PYTHONPATH folder (or src/ of a project a RUN
 * installs), and whether a module file defines or imports a name.
 */
import path from 'node:path';
import { isFile, readThrough } from './built-files.js';
import type { SimStage } from './simulate.js';

/** RUNs that install the project itself into the environment (so src/ layouts import). */
const installsProject = /\b(pip[\d.]*|uv pip) install\b[^&;|\n]*\s(-e\s+)?\.(\s|$)|\buv sync\b(?![^&;|\n]*--no-install-project)|\bpoetry install\b(?![^&;|\n]*--no-root)/;

/** The folders Python imports from in the final stage: the working folder, PYTHONPATH, and src/ when installed. */
export const importRoots = (stage: SimStage, cwd: string, extra: string[], allRuns: string[]): string[] => {
  const roots = [cwd, ...extra.map((folder) => path.posix.resolve(cwd, folder))];
  for (const entry of (stage.env.get('PYTHONPATH') ?? '').split(':').filter(Boolean)) roots.push(path.posix.resolve(cwd, entry));
  if (allRuns.some((text) => installsProject.test(text))) roots.push(path.posix.join(cwd, 'src'));
  return roots;
};

/** The module's file in the stage (absolute), if any: a.b -> a/b.py or a/b/__init__.py below a root. */
export const moduleFile = (stage: SimStage, module: string, roots: string[], main = false): string | undefined => {
  const relative = module.split('.').join('/');
  for (const root of roots) {
    const candidates = main ? [`${relative}.py`, `${relative}/__main__.py`] : [`${relative}.py`, `${relative}/__init__.py`];
    for (const candidate of candidates) {
      const target = path.posix.join(root, candidate);
      if (isFile(stage.fs.lookup(target))) return target;
    }
  }
  return undefined;
};

/** Whether a module's text (when known) defines, assigns or imports `name`; true when the text is unknown. */
export const definesName = (stage: SimStage, file: string, name: string): boolean => {
  const text = readThrough(stage.fs, file);
  if (text === undefined) return true;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^\\s*((async\\s+)?def|class)\\s+${escaped}\\b|^\\s*${escaped}\\s*(:[^=\\n]*)?=(?!=)|^\\s*(from\\s+\\S+\\s+)?import\\b[^\\n]*\\b${escaped}\\b|\\bas\\s+${escaped}\\b|^\\s*(\\w+\\s*,\\s*)+${escaped}\\s*(,\\s*\\w+\\s*)*=`,
    'm',
  ).test(text);
};
