/** Nx projects: the build target of project.json (main file and outputPath, relative to the Nx workspace root). */
import path from 'node:path';
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { inFolder } from '../workspaces.js';
import { relativePath } from '../../repo-paths.js';

export interface NxBuild {
  /** Output folder relative to the service folder (may climb out of it: `../../dist/apps/api`). */
  output: string;
  /** The compiled entry, relative to the service folder, for bundling executors. */
  entry?: string;
  evidence: Evidence;
}

const nxRoot = (index: RepoIndex, folder: string): string => {
  for (let current = folder; ; current = path.posix.dirname(current)) {
    if (index.has(inFolder(current, 'nx.json'))) return current;
    if (current === '.' || current === '') return '.';
  }
};

export const nxBuild = (index: RepoIndex, folder: string): NxBuild | undefined => {
  const file = inFolder(folder, 'project.json');
  const project = index.json(file);
  const build = project?.targets?.build;
  const options = build?.options;
  if (!options || typeof options.outputPath !== 'string') return undefined;
  const output = relativePath(folder, path.posix.normalize(inFolder(nxRoot(index, folder), options.outputPath)));
  const text = index.read(file) ?? '';
  const where = evidence(file, `Nx build target (${build.executor ?? 'no executor'}) outputPath ${options.outputPath}`, text, text.indexOf('"outputPath"'));
  const bundles = /esbuild|webpack|rollup|rspack|vite/.test(String(build.executor));
  const entry = bundles && typeof options.main === 'string' ? `${output}/${path.posix.basename(options.main).replace(/\.[cm]?[jt]sx?$/, '')}.js` : undefined;
  return { output, ...(entry ? { entry } : {}), evidence: where };
};

/** `npx nx <target> <project>` for the build, test and lint targets project.json declares. */
export const nxTargets = (index: RepoIndex, folder: string): Partial<Record<'build' | 'test' | 'lint', string>> => {
  const project = index.json(inFolder(folder, 'project.json'));
  const targets = project?.targets;
  if (!targets || typeof targets !== 'object' || typeof project?.name !== 'string') return {};
  return Object.fromEntries((['build', 'test', 'lint'] as const).filter((target) => target in targets).map((target) => [target, `npx nx ${target} ${project.name}`]));
};
