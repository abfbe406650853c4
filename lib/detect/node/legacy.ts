/** A Node.js package: front end (React, Vue, Angular, Svelte) or back end (Express, Fastify, NestJS). */
import path from 'node:path';
import type { Framework, PackageManager, ServiceCommands } from '../../catalog/service.js';
import { exists, readJson, readText } from '../repo-files.js';
import { asPort, findDatastores, findHealthPath, findPortInEnv, readAll, sourceFiles, withoutTests } from '../source-hints.js';
import { toServiceName } from '../service-name.js';
import type { DetectedService } from '../types.js';

/** First match wins: a NestJS app also depends on Express, a Next-less React app on nothing else. */
const frameworkByDependency: [string, Framework][] = [
  ['@nestjs/core', 'nestjs'],
  ['fastify', 'fastify'],
  ['express', 'express'],
  ['@angular/core', 'angular'],
  ['@sveltejs/kit', 'svelte'],
  ['svelte', 'svelte'],
  ['vue', 'vue'],
  ['react', 'react'],
];
const frontendFrameworks = new Set<Framework>(['react', 'vue', 'angular', 'svelte']);
const workerDependencies = ['bullmq', 'bull', 'bee-queue', 'agenda', 'node-cron', 'kafkajs', 'amqplib'];

const packageManagerOf = (dir: string, root: string, manifest: Record<string, any>): PackageManager => {
  const declared = String(manifest.packageManager ?? readJson(path.join(root, 'package.json'))?.packageManager ?? '');
  if (declared.startsWith('pnpm')) return 'pnpm';
  if (declared.startsWith('yarn')) return 'yarn';
  for (const folder of [dir, root]) {
    if (exists(path.join(folder, 'pnpm-lock.yaml'))) return 'pnpm';
    if (exists(path.join(folder, 'yarn.lock'))) return 'yarn';
    if (exists(path.join(folder, 'package-lock.json'))) return 'npm';
  }
  return 'npm';
};

const isYarnBerry = (dir: string, root: string) =>
  [dir, root].some((folder) => exists(path.join(folder, '.yarnrc.yml')));

const lockfiles = { npm: ['package-lock.json', 'npm-shrinkwrap.json'], pnpm: ['pnpm-lock.yaml'], yarn: ['yarn.lock'] };

/** Frozen installs (`npm ci`, `--frozen-lockfile`) fail outright when the repository has no lockfile. */
const hasLockfile = (manager: PackageManager, dir: string, root: string) =>
  (lockfiles[manager as 'npm' | 'pnpm' | 'yarn'] ?? []).some((name) =>
    [dir, root].some((folder) => exists(path.join(folder, name))),
  );

/**
 * A workspace package whose lockfile sits at the repository root must be built from the root: its
 * image installs from that lockfile.
 */
const buildContextOf = (manager: PackageManager, dir: string, root: string): { buildContext?: string } => {
  const names = lockfiles[manager as 'npm' | 'pnpm' | 'yarn'] ?? [];
  const at = (folder: string) => names.some((name) => exists(path.join(folder, name)));
  return path.resolve(dir) !== path.resolve(root) && !at(dir) && at(root) ? { buildContext: '.' } : {};
};

const commandsOf = (
  scripts: Record<string, string>,
  manager: PackageManager,
  berry: boolean,
  locked: boolean,
): ServiceCommands => {
  const frozenInstall = {
    npm: 'npm ci',
    pnpm: 'pnpm install --frozen-lockfile',
    yarn: berry ? 'yarn install --immutable' : 'yarn install --frozen-lockfile',
  }[manager as 'npm' | 'pnpm' | 'yarn'];
  const install = locked ? frozenInstall : `${manager} install`;
  const run = (script: string) => `${manager} run ${script}`;
  const hasRealTest = scripts.test && !/no test specified/.test(scripts.test);
  return {
    install,
    ...(scripts.build ? { build: run('build') } : {}),
    ...(hasRealTest ? { test: `${manager} test` } : {}),
    ...(scripts.lint ? { lint: run('lint') } : {}),
  };
};

const portFromScripts = (scripts: Record<string, string>) =>
  asPort(
    Object.values(scripts)
      .join('\n')
      .match(/(?:--port[= ]|PORT=)(\d{2,5})/)?.[1],
  );

/** A manifest field that should be an object map; hand-edited manifests may hold anything there. */
const mapOf = (value: unknown): Record<string, any> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : {};

/**
 * The framework a package is built on. A framework that is only a peer dependency is provided by the
 * host app: the package is a component library (a shared `packages/ui`), not a service.
 */
const frameworkOf = (manifest: Record<string, any>): Framework | undefined => {
  const peers = mapOf(manifest.peerDependencies);
  const runtime = mapOf(manifest.dependencies);
  const dependencies = { ...mapOf(manifest.devDependencies), ...runtime };
  const found = frameworkByDependency.find(([dependency]) => dependency in dependencies || dependency in peers);
  if (!found) return undefined;
  return found[0] in peers && !(found[0] in runtime) ? undefined : found[1];
};

export const detectNodeService = (dir: string, relativePath: string, root: string): Omit<DetectedService, 'evidence'> | undefined => {
  const manifest = readJson(path.join(dir, 'package.json'));
  if (!manifest) return undefined;
  const scripts: Record<string, string> = mapOf(manifest.scripts);
  const framework = frameworkOf(manifest);
  const isWorker = workerDependencies.some((dependency) => dependency in mapOf(manifest.dependencies));
  // A workspace package with no framework, no worker library and no start script is a library, not a service.
  if (!framework && !isWorker && !scripts.start) return undefined;

  const manager = packageManagerOf(dir, root, manifest);
  const name = toServiceName(typeof manifest.name === 'string' ? manifest.name : path.basename(dir));
  // Prisma hides the driver behind its schema's provider.
  const prismaProvider = readText(path.join(dir, 'prisma', 'schema.prisma'))?.match(/provider\s*=\s*"(postgresql|mysql|mongodb)"/)?.[1];
  const manifestText = [...Object.keys(mapOf(manifest.dependencies)), prismaProvider === 'postgresql' ? 'pg' : prismaProvider]
    .filter(Boolean)
    .map((dependency) => `"${dependency}"`)
    .join(' ');
  const commands = commandsOf(scripts, manager, isYarnBerry(dir, root), hasLockfile(manager, dir, root));
  const buildContext = buildContextOf(manager, dir, root);

  if (framework && frontendFrameworks.has(framework)) {
    // Front ends are served by unprivileged nginx on 8080 whatever their dev-server port.
    return {
      name,
      path: relativePath,
      kind: 'frontend',
      language: 'node',
      framework,
      packageManager: manager,
      port: 8080,
      healthPath: '/healthz',
      commands,
      ...buildContext,
      uses: [],
    };
  }

  const files = withoutTests(dir, sourceFiles(dir, ['.ts', '.js', '.mjs', '.cjs']));
  const source = readAll(files);
  const port =
    // `PORT || 3000`, `Number(process.env.PORT) || 3000`, `PORT ?? 3000`; not `REDIS_PORT || 6379`.
    asPort(source.match(/\bPORT\b[^\n|?]{0,8}(?:\|\||\?\?)\s*['"]?(\d{2,5})/)?.[1]) ??
    asPort(source.match(/\.listen\(\s*(?:\{\s*port:\s*)?(\d{2,5})/)?.[1]) ??
    findPortInEnv(dir) ??
    portFromScripts(scripts) ??
    3000;
  return {
    name,
    path: relativePath,
    kind: framework ? 'backend' : 'worker',
    language: 'node',
    framework: framework ?? 'none',
    packageManager: manager,
    port,
    healthPath: findHealthPath(files) ?? '/healthz',
    commands,
    ...buildContext,
    uses: findDatastores(manifestText, [dir]),
  };
};
