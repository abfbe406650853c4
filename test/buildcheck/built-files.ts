/**
 * Files a build produces that the simulation cannot see but the project's own settings predict: a
 * TypeScript output file whose source exists (tsconfig `outDir` and `rootDir`), and Next.js's standalone
 * `server.js` when next.config.* sets `output: 'standalone'`. Also reads context files through a stage's
 * filesystem.
 */
import path from 'node:path';
import type { Found, StageFS } from './filesystem.js';

/** The text of a file a stage holds from the build context, if that is where it comes from. */
export const readThrough = (fs: StageFS, target: string): string | undefined => {
  const found = fs.lookup(target);
  return found?.how === 'context' && found.kind === 'file' ? fs.context.read(found.source) : undefined;
};

/** A file a stage really holds: anything found but a folder. */
export const isFile = (found: Found | undefined): boolean => found !== undefined && found.how !== 'dir' && !(found.how === 'context' && found.kind === 'dir');

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:"'])\/\/.*$/gm, '$1').replace(/,(\s*[}\]])/g, '$1');

/** Whether `target` is the compiled output of a TypeScript source the stage holds. */
const compiledFromSource = (fs: StageFS, target: string): boolean => {
  for (let folder = path.posix.dirname(target); ; folder = path.posix.dirname(folder)) {
    const text = readThrough(fs, path.posix.join(folder, 'tsconfig.json'));
    if (text !== undefined) {
      try {
        const options = (JSON.parse(withoutComments(text)) as { compilerOptions?: { outDir?: string; rootDir?: string } }).compilerOptions ?? {};
        if (options.outDir) {
          const outDir = path.posix.resolve(folder, options.outDir);
          if (target.startsWith(`${outDir}/`)) {
            // Without rootDir, tsc takes the common folder of its sources: the project folder, or src/ when
            // every source sits there (src/main.ts -> dist/main.js).
            const rootDirs = options.rootDir ? [options.rootDir] : ['.', 'src'];
            for (const rootDir of rootDirs) {
              const stem = path.posix.join(path.posix.resolve(folder, rootDir), target.slice(outDir.length + 1)).replace(/\.(m|c)?js$/, '');
              if (['.ts', '.tsx', '.mts', '.cts', '.js'].some((ext) => isFile(fs.lookup(stem + ext)))) return true;
            }
          }
        }
      } catch {
        // An unreadable tsconfig.json predicts nothing.
      }
    }
    if (folder === '/') return false;
  }
};

/** Whether `target` is server.js of Next.js's standalone output in a project that asks for it. */
const nextStandalone = (fs: StageFS, target: string): boolean => {
  const at = target.indexOf('/.next/standalone/');
  if (at < 0 || path.posix.basename(target) !== 'server.js') return false;
  const project = target.slice(0, at) || '/';
  return ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs'].some((name) =>
    /\boutput\s*:\s*["'`]standalone["'`]/.test(readThrough(fs, path.posix.join(project, name)) ?? ''),
  );
};

/**
 * Whether a stage holds `target` as a start file: a file it has, one a RUN names exactly, or one below a
 * RUN's output folder that tsconfig or Next.js predicts from sources the RUN's stage has.
 */
export const holdsBuiltFile = (fs: StageFS, target: string): boolean => {
  const found = fs.lookup(target);
  if (!found || !isFile(found)) return false;
  if (found.how !== 'run' || found.exact) return true;
  return compiledFromSource(found.fs, found.target) || nextStandalone(found.fs, found.target);
};
