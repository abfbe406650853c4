/** Node.js and Bun back ends, workers and server-rendering front ends (Next.js, Nuxt, SvelteKit). */
import type { ImageModel, StackModel } from '../../model/index.js';
import { wrap } from '../../render/text.js';
import { commonData, envPairs, execForm, inFolder, ownerOf } from './common.js';
import { migrateStage } from './migrate.js';
import { buildCommand, managerLabel, planJavaScriptDependencies } from './node.js';

const isStandalone = (image: ImageModel) => image.source.framework === 'next' && /(^|\/)\.next\/standalone$/.test(image.buildOutput ?? '');

const signalNote = (argv: string[], runtime: string): string[] =>
  wrap(
    argv[0] === 'sh'
      ? 'A shell runs the start command (it uses shell syntax): make it `exec` the server so SIGTERM reaches it.'
      : `${runtime} is PID 1, started directly (no package manager, no shell), so SIGTERM reaches the application; it stops cleanly if it handles SIGTERM (stop accepting, finish, exit), else when the stop timeout ends.`,
  );

export const planJavaScriptService = (model: StackModel, image: ImageModel) => {
  const deps = planJavaScriptDependencies(image);
  const owner = ownerOf(model, image);
  const runtime = image.family === 'bun' ? 'Bun' : 'Node.js';
  const what = owner.kind === 'worker' ? 'worker' : owner.kind === 'frontend' ? `${owner.framework} front end` : `${owner.framework} back end`;
  const where = deps.workspace
    ? `${deps.label} workspace package ${image.source.path}, built from ${image.context === '.' ? 'the repository root' : image.context}`
    : `${deps.label}, built from ${image.source.path === '.' ? 'the repository root' : image.source.path}`;
  const standalone = isStandalone(image);
  const writable = owner.writablePaths
    .filter((folder) => folder !== '/tmp')
    .map((folder) => ({ path: folder, why: `${folder} is written at run time (a tmpfs or emptyDir where the root filesystem is read-only).` }));
  return {
    ...commonData(model, image, `${runtime} ${what} (${where})`),
    deps,
    build: buildCommand(image, standalone || owner.kind === 'frontend'),
    generate: image.commands.generate,
    // Prisma writes its client into node_modules/.prisma, which the production install does not have:
    // the runtime takes it from the build (where the hoisting package managers put it).
    generatedClient:
      image.commands.generate && image.packageManager.name !== 'pnpm'
        ? [...new Set(['/app', image.workdir])].map((folder) => `${folder}/node_modules/.prisma`)
        : [],
    test: image.commands.test,
    migrate: migrateStage(model, image, 'build'),
    // In a workspace, Next.js traces from the workspace root, so server.js lands at the member's path inside.
    standalone: standalone
      ? {
          from: deps.packageDir,
          to: image.folderInContext === '.' ? '' : `${image.folderInContext}/`,
          traceRoot: image.folderInContext === '.' ? 'the project' : 'the workspace root',
        }
      : undefined,
    env: envPairs([
      { name: 'NODE_ENV', value: 'production' },
      ...owner.environment,
      ...(standalone ? [] : [{ name: 'PATH', value: `${deps.binPath}:$PATH` }]),
    ]),
    writable,
    signalNote: signalNote(owner.start, runtime === 'Bun' ? 'bun' : 'node'),
    cmd: execForm(owner.start),
    folderFile: (file: string) => inFolder(image, file),
  };
};
