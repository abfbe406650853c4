/**
 * Node.js images: how each package manager installs from its lockfile, with BuildKit cache mounts, for a
 * package built from its own folder or from the workspace root that holds the lockfile. Shared by the
 * back-end/worker Dockerfile and the front-end build stage.
 */
import type { Service } from '../../catalog/service.js';
import { buildContextOf } from '../../plan/naming.js';
import type { Config } from '../../plan/types.js';
import * as quote from '../../render/quote.js';
import { imageRef, toolVersion } from '../../versions/index.js';
import {
  buildSecrets,
  builtFromParent,
  cacheMount,
  commonData,
  containerDir,
  execForm,
  healthCheck,
  healthUrl,
  runtimeUsers,
  secretMount,
  serviceInContext,
  servesHttp,
  type BuildSecret,
} from './common.js';

export type NodeManager = 'npm' | 'pnpm' | 'yarn' | 'yarn-berry';

/** Yarn 2+ ("berry") is recognised by its `--immutable` install; anything else named yarn is Yarn 1. */
export const nodeManagerOf = (service: Service): NodeManager => {
  if (service.packageManager === 'pnpm') return 'pnpm';
  if (service.packageManager === 'yarn') return /--immutable\b/.test(service.commands.install ?? '') ? 'yarn-berry' : 'yarn';
  return 'npm';
};

interface ManagerFacts {
  lockfile: string;
  /** Settings files the install reads, copied when present. */
  settings: string[];
  /** Folders the install reads (Yarn 2+ releases, plugins and patches), copied when present. */
  settingFolders: string[];
  /** The download cache (a cache mount, never a layer). */
  caches: string[];
  secret: BuildSecret;
  /** Installs the package manager itself at the pinned version; npm comes with the image. */
  setup?: string;
  env: [string, string][];
}

const managers: Record<NodeManager, ManagerFacts> = {
  npm: { lockfile: 'package-lock.json', settings: ['.npmrc'], settingFolders: [], caches: ['/root/.npm'], secret: buildSecrets.npmrc, env: [] },
  pnpm: {
    lockfile: 'pnpm-lock.yaml',
    settings: ['pnpm-workspace.yaml', '.npmrc', '.pnpmfile.cjs'],
    settingFolders: ['patches'],
    caches: ['/root/.local/share/pnpm/store'],
    secret: buildSecrets.npmrc,
    setup: `npm install --global pnpm@${toolVersion('pnpm')}`,
    env: [],
  },
  yarn: {
    lockfile: 'yarn.lock',
    settings: ['.yarnrc', '.npmrc'],
    settingFolders: [],
    caches: ['/usr/local/share/.cache/yarn'],
    secret: buildSecrets.npmrc,
    // The image ships a Yarn 1 too; --force replaces it with the pinned one.
    setup: `npm install --global --force yarn@${toolVersion('yarn')}`,
    env: [],
  },
  'yarn-berry': {
    lockfile: 'yarn.lock',
    settings: ['.yarnrc.yml'],
    settingFolders: ['.yarn/releases', '.yarn/plugins', '.yarn/patches'],
    caches: ['/root/.yarn/berry/cache', '/root/.cache/node/corepack'],
    secret: buildSecrets.yarnrc,
    // Corepack runs the Yarn version that package.json's "packageManager" names.
    setup: `npm install --global --force corepack@${toolVersion('corepack')} && corepack enable yarn`,
    env: [
      ['COREPACK_ENABLE_DOWNLOAD_PROMPT', '0'],
      // Plug'n'Play would need the .pnp.cjs loader at run time; a node_modules folder needs nothing.
      ['YARN_NODE_LINKER', 'node-modules'],
    ],
  },
};

interface Installs {
  dev: string;
  prod: string;
  /** What the development install covers, where that is worth saying. */
  devNote: string;
  prodNote: string;
}

const installs = (manager: NodeManager, service: Service): Installs => {
  const packagePath = serviceInContext(service);
  if (!builtFromParent(service)) {
    const none = { devNote: '', prodNote: '' };
    return {
      npm: { dev: 'npm ci', prod: 'npm ci --omit=dev', ...none },
      pnpm: { dev: 'pnpm install --frozen-lockfile', prod: 'pnpm install --frozen-lockfile --prod', ...none },
      yarn: { dev: 'yarn install --frozen-lockfile', prod: 'yarn install --frozen-lockfile --production', ...none },
      'yarn-berry': { dev: 'yarn install --immutable', prod: 'yarn workspaces focus --all --production', ...none },
    }[manager];
  }
  const selector = quote.shell(`{./${packagePath}}...`);
  const nameOf = `"$(node -p "require('./${packagePath}/package.json').name")"`;
  const selected = `Only ${packagePath} and the workspace packages it depends on`;
  return {
    npm: {
      dev: `npm ci --workspace ${packagePath} --include-workspace-root`,
      prod: `npm ci --workspace ${packagePath} --omit=dev`,
      devNote: `${selected}, plus the root's own dependencies (shared build tools).`,
      prodNote: `${selected}.`,
    },
    pnpm: {
      dev: `pnpm install --frozen-lockfile --filter ${selector} --filter .`,
      prod: `pnpm install --frozen-lockfile --prod --filter ${selector}`,
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
      prod: `yarn workspaces focus --production ${nameOf}`,
      devNote: 'Every workspace gets its dependencies here; the runtime only those of this package.',
      prodNote: `${packagePath} only (yarn workspaces focus).`,
    },
  }[manager];
};

/** How the package manager is named in comments. */
export const managerLabel: Record<NodeManager, string> = { npm: 'npm', pnpm: 'pnpm', yarn: 'Yarn 1', 'yarn-berry': 'Yarn 2+' };

/** `find` arguments that select the install's inputs anywhere in the workspace (the manifests stage). */
const manifestSelection = (facts: ManagerFacts): string => {
  const names = ['package.json', facts.lockfile, ...facts.settings].map((name) => `-name ${name}`).join(' -o ');
  const folders = facts.settingFolders.map((folder) => ` -o -path './${folder}/*'`).join('');
  return `\\( ${names}${folders} \\)`;
};

/**
 * COPY sources for a package built from its own folder: the manifest and lockfile, and settings files
 * that may be absent. A one-character class (`.npmr[c]`) is a pattern, and a pattern matching nothing
 * copies nothing instead of failing the build.
 */
const optional = (file: string) => `${file.slice(0, -1)}[${file.slice(-1)}]`;

export const planNodeDependencies = (service: Service) => {
  const manager = nodeManagerOf(service);
  const facts = managers[manager];
  const install = installs(manager, service);
  const mounts = [...facts.caches.map(cacheMount), secretMount(facts.secret)];
  return {
    manager,
    image: imageRef('node'),
    workspace: builtFromParent(service),
    packagePath: serviceInContext(service),
    packageDir: containerDir('/app', service),
    toolchain: facts.setup
      ? { run: facts.setup, mount: cacheMount('/root/.npm'), env: facts.env.map(([key, value]) => `${key}=${value}`) }
      : undefined,
    /** The stage the install stages start from: the package manager's, or the bare base for npm. */
    from: facts.setup ? 'toolchain' : 'base',
    secret: facts.secret,
    manifestSelection: manifestSelection(facts),
    ownCopies: ['package.json', facts.lockfile, ...facts.settings.map(optional)].join(' '),
    ownFolderCopies: facts.settingFolders.map((folder) => ({ source: optional(folder), target: `./${folder}/` })),
    mounts,
    install,
  };
};

export type NodeDependencies = ReturnType<typeof planNodeDependencies>;

/** The build command the service declares, or `<manager> run build` where a build is required (front ends). */
export const nodeBuildCommand = (service: Service, required: boolean): string | undefined => {
  if (service.commands.build) return service.commands.build;
  if (!required) return undefined;
  return `${service.packageManager === 'pnpm' ? 'pnpm' : service.packageManager === 'yarn' ? 'yarn' : 'npm'} run build`;
};

/** A Node.js back end or worker: the image runs `node` itself on the file `npm start` would run. */
export const planNodeService = (config: Config, service: Service) => {
  const dependencies = planNodeDependencies(service);
  const framework = service.kind === 'worker' ? 'worker' : service.framework;
  const where = builtFromParent(service)
    ? `${managerLabel[dependencies.manager]} workspace package ${service.path}, built from ${buildContextOf(service) === '.' ? 'the repository root' : buildContextOf(service)}`
    : `${managerLabel[dependencies.manager]}, built from ${service.path === '.' ? 'the repository root' : service.path}`;
  return {
    ...commonData(config, service, `Node.js ${service.kind} (${framework}; ${where})`),
    deps: dependencies,
    secrets: [dependencies.secret],
    build: nodeBuildCommand(service, false),
    test: service.commands.test,
    user: runtimeUsers.app,
    env: [
      ['NODE_ENV', 'production'],
      ...(servesHttp(service) ? [['PORT', String(service.port)]] : []),
    ].map(([key, value]) => `${key}=${value}`),
    healthCheck: servesHttp(service)
      ? healthCheck(
          ['node', '-e', `fetch('${healthUrl(service)}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
          'node is in the image: its built-in fetch() probes the health path, no curl needed.',
        )
      : undefined,
    entrypoint: '.entrypoint.js',
    cmd: execForm(['node', '.entrypoint.js']),
  };
};
