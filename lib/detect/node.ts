/** A Node.js package: front end (React, Vue, Angular, Svelte) or back end (Express, Fastify, NestJS). */
import path from 'node:path';
import type { Framework, PackageManager, ServiceCommands } from '../catalog/service.js';
import { exists, readJson, readText } from './repo-files.js';
import { asPort, findDatastores, findHealthPath, findPortInEnv, readAll, sourceFiles } from './source-hints.js';
import { toServiceName } from './service-name.js';
import type { DetectedService } from './types.js';

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

const commandsOf = (
  scripts: Record<string, string>,
  manager: PackageManager,
  berry: boolean,
): ServiceCommands => {
  const install = {
    npm: 'npm ci',
    pnpm: 'pnpm install --frozen-lockfile',
    yarn: berry ? 'yarn install --immutable' : 'yarn install --frozen-lockfile',
  }[manager as 'npm' | 'pnpm' | 'yarn'];
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

export const detectNodeService = (dir: string, relativePath: string, root: string): DetectedService | undefined => {
  const manifest = readJson(path.join(dir, 'package.json'));
  if (!manifest) return undefined;
  const dependencies: Record<string, string> = { ...manifest.devDependencies, ...manifest.dependencies };
  const scripts: Record<string, string> = manifest.scripts ?? {};
  const framework = frameworkByDependency.find(([dependency]) => dependency in dependencies)?.[1];
  const isWorker = workerDependencies.some((dependency) => dependency in (manifest.dependencies ?? {}));
  // A workspace package with no framework, no worker library and no start script is a library, not a service.
  if (!framework && !isWorker && !scripts.start) return undefined;

  const manager = packageManagerOf(dir, root, manifest);
  const name = toServiceName(manifest.name ?? path.basename(dir));
  // Prisma hides the driver behind its schema's provider.
  const prismaProvider = readText(path.join(dir, 'prisma', 'schema.prisma'))?.match(/provider\s*=\s*"(postgresql|mysql|mongodb)"/)?.[1];
  const manifestText = [...Object.keys(manifest.dependencies ?? {}), prismaProvider === 'postgresql' ? 'pg' : prismaProvider]
    .filter(Boolean)
    .map((dependency) => `"${dependency}"`)
    .join(' ');
  const commands = commandsOf(scripts, manager, isYarnBerry(dir, root));

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
      uses: [],
    };
  }

  const files = sourceFiles(dir, ['.ts', '.js', '.mjs', '.cjs']).filter((file) => !file.includes(`${path.sep}test`));
  const source = readAll(files);
  const port =
    asPort(source.match(/PORT\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})/)?.[1]) ??
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
    uses: findDatastores(manifestText, [dir]),
  };
};
