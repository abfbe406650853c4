/**
 * JavaScript images (Node.js and Bun): how each package manager installs from its lockfile, with BuildKit
 * cache mounts, for a package built from its own folder or from the workspace root that holds the lockfile.
 * Shared by the back-end Dockerfile and the front-end build stage.
 */
import type { ImageModel, PackageManagerModel } from '../../model/index.js';
import * as quote from '../../render/quote.js';
import { toolVersion } from '../../versions/index.js';
import { builtFromParent, cacheMount, secretMount, trackImage } from './common.js';

type Manager = 'npm' | 'pnpm' | 'yarn' | 'yarn-berry' | 'bun';

interface ManagerFacts {
  label: string;
  /** Settings files the install reads, copied when present. */
  settings: string[];
  /** Folders the install reads (Yarn 2+ releases and plugins, patches), copied when present. */
  settingFolders: string[];
  /** The download cache (a cache mount, never a layer). */
  caches: string[];
}

const facts: Record<Manager, ManagerFacts> = {
  npm: { label: 'npm', settings: ['.npmrc'], settingFolders: ['patches'], caches: ['/root/.npm'] },
  pnpm: { label: 'pnpm', settings: ['pnpm-workspace.yaml', '.npmrc', '.pnpmfile.cjs'], settingFolders: ['patches'], caches: ['/root/.local/share/pnpm/store'] },
  yarn: { label: 'Yarn 1', settings: ['.yarnrc', '.npmrc'], settingFolders: ['patches'], caches: ['/usr/local/share/.cache/yarn'] },
  'yarn-berry': {
    label: 'Yarn 2+',
    settings: ['.yarnrc.yml'],
    settingFolders: ['.yarn/releases', '.yarn/plugins', '.yarn/patches'],
    caches: ['/root/.yarn/berry/cache', '/root/.cache/node/corepack'],
  },
  bun: { label: 'Bun', settings: ['bunfig.toml', '.npmrc'], settingFolders: ['patches'], caches: ['/root/.bun/install/cache'] },
};

const managerOf = (packageManager: PackageManagerModel): Manager =>
  packageManager.name === 'pnpm' || packageManager.name === 'yarn' || packageManager.name === 'yarn-berry' || packageManager.name === 'bun'
    ? packageManager.name
    : 'npm';

export const managerLabel = (image: ImageModel): string => facts[managerOf(image.packageManager)].label;

/** Installs the package manager at the version the project pins, or phase4's pin; npm and Bun come with their image. */
const toolchainOf = (manager: Manager, spec: string | undefined) => {
  switch (manager) {
    case 'pnpm':
      return { run: `npm install --global ${quote.shellWord(spec ?? `pnpm@${toolVersion('pnpm')}`)}`, env: [] };
    case 'yarn':
      // The image may ship a Yarn 1 of its own; --force replaces it with the pinned one.
      return { run: `npm install --global --force ${quote.shellWord(spec ?? `yarn@${toolVersion('yarn')}`)}`, env: [] };
    case 'yarn-berry':
      // Corepack runs the Yarn release package.json's "packageManager" names; the global one is for projects that name none.
      return {
        run: `npm install --global --force corepack@${toolVersion('corepack')} && corepack enable yarn && corepack install --global ${quote.shellWord(spec ?? `yarn@${toolVersion('yarn-berry')}`)}`,
        env: [
          ['COREPACK_ENABLE_DOWNLOAD_PROMPT', '0'],
          // Plug'n'Play would need its loader at run time; a node_modules folder needs nothing.
          ['YARN_NODE_LINKER', 'node-modules'],
        ].map(([name, value]) => ({ name, value })),
      };
    default:
      return undefined;
  }
};

interface Installs {
  dev: string;
  prod: string;
  devNote: string;
  prodNote: string;
}

const installsOf = (manager: Manager, image: ImageModel, frozen: boolean): Installs => {
  const folder = image.folderInContext;
  const workspace = builtFromParent(image);
  const none = { devNote: '', prodNote: '' };
  if (!frozen) {
    // No lockfile in the repository: the install resolves versions at build time (see the report).
    const unlocked = {
      npm: { dev: 'npm install', prod: 'npm install --omit=dev' },
      pnpm: { dev: 'pnpm install --no-frozen-lockfile', prod: 'pnpm install --no-frozen-lockfile --prod' },
      yarn: { dev: 'yarn install', prod: 'yarn install --production' },
      'yarn-berry': { dev: 'yarn install', prod: 'yarn workspaces focus --all --production' },
      bun: { dev: 'bun install', prod: 'bun install --production' },
    }[manager];
    return { ...unlocked, devNote: 'The repository has no lockfile, so versions are resolved at build time.', prodNote: '' };
  }
  if (!workspace) {
    return {
      npm: { dev: 'npm ci', prod: 'npm ci --omit=dev', ...none },
      pnpm: { dev: 'pnpm install --frozen-lockfile', prod: 'pnpm install --frozen-lockfile --prod', ...none },
      yarn: { dev: 'yarn install --frozen-lockfile', prod: 'yarn install --frozen-lockfile --production', ...none },
      'yarn-berry': { dev: 'yarn install --immutable', prod: 'yarn workspaces focus --all --production', ...none },
      bun: { dev: 'bun install --frozen-lockfile', prod: 'bun install --frozen-lockfile --production', ...none },
    }[manager];
  }
  const selected = `Only ${folder} and the workspace packages it depends on`;
  const packageName = image.workspacePackage ?? `"$(node -p "require('./${folder}/package.json').name")"`;
  return {
    npm: {
      dev: `npm ci --workspace ${folder} --include-workspace-root`,
      prod: `npm ci --workspace ${folder} --omit=dev`,
      devNote: `${selected}, plus the root's own dependencies (shared build tools).`,
      prodNote: `${selected}.`,
    },
    pnpm: {
      dev: `pnpm install --frozen-lockfile --filter ${quote.shell(`{./${folder}}...`)} --filter .`,
      prod: `pnpm install --frozen-lockfile --prod --filter ${quote.shell(`{./${folder}}...`)}`,
      devNote: `${selected}, plus the root's own dependencies (shared build tools).`,
      prodNote: `${selected}.`,
    },
    yarn: {
      dev: 'yarn install --frozen-lockfile',
      prod: 'yarn install --frozen-lockfile --production',
      devNote: 'Yarn 1 cannot install a single workspace: every workspace gets its dependencies.',
      prodNote: 'Yarn 1 cannot install a single workspace: every workspace gets its production dependencies.',
    },
    'yarn-berry': {
      dev: 'yarn install --immutable',
      prod: `yarn workspaces focus --production ${image.workspacePackage ? quote.shellWord(image.workspacePackage) : packageName}`,
      devNote: 'Every workspace gets its dependencies here; the runtime only those of this package.',
      prodNote: `${folder} only (yarn workspaces focus).`,
    },
    bun: {
      dev: 'bun install --frozen-lockfile',
      prod: 'bun install --frozen-lockfile --production',
      devNote: 'Every workspace gets its dependencies (Bun installs the whole workspace).',
      prodNote: 'Every workspace gets its production dependencies (Bun installs the whole workspace).',
    },
  }[manager];
};

/**
 * A name copied only where it exists: a one-character class (`.npmr[c]`) is a pattern, and a COPY pattern
 * that matches nothing copies nothing (BuildKit allows empty wildcards).
 */
export const optional = (file: string): string => `${file.slice(0, -1)}[${file.slice(-1)}]`;

/** `find` arguments that select the install's inputs anywhere in the workspace (the manifests stage). */
const manifestSelection = (manager: Manager, lockfile: string | undefined, extra: string[]): string => {
  const names = ['package.json', ...(lockfile ? [lockfile] : []), ...facts[manager].settings, ...extra].map((name) => `-name ${name}`).join(' -o ');
  const folders = facts[manager].settingFolders.map((folder) => ` -o -path './${folder}/*'`).join('');
  return `\\( ${names}${folders} \\)`;
};

/** Prisma's schema is read by `prisma generate`, which installs often run (a postinstall script). */
const schemaFiles = (image: ImageModel): string[] => (image.source.migrations?.tool === 'prisma' ? ['*.prisma'] : []);

/**
 * Where the install stages sit in the Dockerfile: their names, and the folder of the build context that
 * holds the package (a front end built inside another service's image has its own stages and folder).
 */
export interface StagePlacement {
  /** Prefix of the stage names (`web-` -> web-base, web-deps). */
  prefix: string;
  /** The package's build context, relative to the Dockerfile's (`.` when it is the same). */
  context: string;
  /** Build on the build machine's platform: for output that is the same on every platform (static files). */
  buildPlatform?: boolean;
}

const inPlacedContext = (placement: StagePlacement, source: string): string => (placement.context === '.' ? source : `${placement.context}/${source}`);

export const planJavaScriptDependencies = (image: ImageModel, placement: StagePlacement = { prefix: '', context: '.' }) => {
  const manager = managerOf(image.packageManager);
  const lockfile = image.packageManager.lockfile;
  const install = installsOf(manager, image, lockfile !== undefined);
  const toolchain = toolchainOf(manager, image.packageManager.spec);
  const stages = { base: 'base', toolchain: 'toolchain', manifests: 'manifests', deps: 'deps' };
  for (const key of Object.keys(stages) as (keyof typeof stages)[]) stages[key] = `${placement.prefix}${stages[key]}`;
  return {
    manager,
    label: facts[manager].label,
    image: trackImage(image.runtime!.track),
    buildPlatform: placement.buildPlatform === true,
    workspace: builtFromParent(image),
    packageDir: image.workdir,
    toolchain: toolchain ? { ...toolchain, mount: cacheMount('/root/.npm') } : undefined,
    stages,
    /** The stage the install stages start from: the package manager's, or the bare base. */
    from: toolchain ? stages.toolchain : stages.base,
    /** The package's whole build context, as COPY names it. */
    source: placement.context === '.' ? '.' : `${placement.context}/`,
    manifestSelection: manifestSelection(manager, lockfile, schemaFiles(image)),
    ownCopies: ['package.json', ...(lockfile ? [lockfile] : []), ...facts[manager].settings.map(optional)].map((file) => inPlacedContext(placement, file)).join(' '),
    ownFolderCopies: [
      ...facts[manager].settingFolders.map((folder) => ({ source: inPlacedContext(placement, optional(folder)), target: `./${folder}/` })),
      ...(schemaFiles(image).length > 0 ? [{ source: inPlacedContext(placement, optional('prisma')), target: './prisma/' }] : []),
    ],
    mounts: [...facts[manager].caches.map(cacheMount), ...image.buildSecrets.map(secretMount)],
    install,
    /** Executables of dependencies, so the start command finds `next` or `prisma` the way `npm run` would. */
    binPath: [...new Set([`${image.workdir}/node_modules/.bin`, '/app/node_modules/.bin'])].join(':'),
  };
};

export type JavaScriptDependencies = ReturnType<typeof planJavaScriptDependencies>;

/** The build command the service declares, or `<manager> run build` where a build is required (front ends). */
export const buildCommand = (image: ImageModel, required: boolean): string | undefined => {
  if (image.commands.build) return image.commands.build;
  if (!required) return undefined;
  const manager = managerOf(image.packageManager);
  return `${manager === 'yarn-berry' ? 'yarn' : manager} run build`;
};

