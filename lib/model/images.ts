/**
 * The images of a project: one per service folder (a web service and its worker share one), each with its
 * family, runtime, package manager, user, build secrets and place in its build context.
 */
import path from 'node:path';
import { satisfies as satisfiesPep440 } from '@renovatebot/pep440';
import semver from 'semver';
import { isStaticFrontend, type Service } from '../catalog/service.js';
import { UsageError } from '../errors.js';
import { buildContextOf, dockerfilePath, dockerignorePath, imageRepository } from '../plan/naming.js';
import type { Config } from '../plan/types.js';
import { toolVersion } from '../versions/index.js';
import { resolveRuntime } from './runtime.js';
import type { BuildSecret, EmbeddedFrontEndModel, ImageFamily, ImageModel, PackageManagerModel, RuntimeUser } from './types.js';
import { joinPath, relativePath } from '../repo-paths.js';

/**
 * The numeric users images run as: `app` in images phase4 creates the user in, distroless's own
 * `nonroot` for Go, nginx-unprivileged's own user for front ends.
 */
export const runtimeUsers = {
  app: { uid: 10001, gid: 10001 },
  distroless: { uid: 65532, gid: 65532 },
  nginx: { uid: 101, gid: 101 },
} as const satisfies Record<string, RuntimeUser>;

/** Build secrets each family's installs read; each is optional, so public dependencies need none. */
export const buildSecrets = {
  npmrc: { id: 'npmrc', target: '/root/.npmrc', source: '$HOME/.npmrc', reads: 'npm, pnpm, Yarn 1 and Bun registry credentials' },
  yarnrc: { id: 'yarnrc', target: '/root/.yarnrc.yml', source: '$HOME/.yarnrc.yml', reads: 'Yarn 2+ registry credentials' },
  pipConf: { id: 'pip_conf', target: '/etc/pip.conf', source: '$HOME/.config/pip/pip.conf', reads: 'pip index URL and credentials' },
  uvToml: { id: 'uv_toml', target: '/etc/uv/uv.toml', source: '$HOME/.config/uv/uv.toml', reads: 'uv index URL and credentials' },
  netrcGo: { id: 'netrc', target: '/root/.netrc', source: '$HOME/.netrc', reads: 'credentials for private Go modules' },
  netrcPython: { id: 'netrc', target: '/root/.netrc', source: '$HOME/.netrc', reads: 'credentials for private package indexes' },
  mavenSettings: { id: 'maven_settings', target: '/root/.m2/settings.xml', source: '$HOME/.m2/settings.xml', reads: 'Maven repository credentials' },
  gradleProperties: {
    id: 'gradle_properties',
    target: '/root/.gradle/gradle.properties',
    source: '$HOME/.gradle/gradle.properties',
    reads: 'Gradle repository credentials',
  },
} as const satisfies Record<string, BuildSecret>;

export const familyOf = (service: Service): ImageFamily => {
  if (service.language === 'static' || isStaticFrontend(service)) return 'nginx';
  if (service.language === 'node') return service.packageManager === 'bun' ? 'bun' : 'node';
  return service.language;
};

const userOf = (family: ImageFamily): RuntimeUser =>
  family === 'go' ? runtimeUsers.distroless : family === 'nginx' ? runtimeUsers.nginx : runtimeUsers.app;

const secretsOf = (service: Service, berry: boolean): BuildSecret[] => {
  switch (service.language) {
    case 'node':
      return [berry ? buildSecrets.yarnrc : buildSecrets.npmrc];
    case 'python':
      return service.packageManager === 'uv' ? [buildSecrets.uvToml, buildSecrets.netrcPython] : [buildSecrets.pipConf, buildSecrets.netrcPython];
    case 'go':
      return [buildSecrets.netrcGo];
    case 'java':
      return [service.packageManager === 'gradle' ? buildSecrets.gradleProperties : buildSecrets.mavenSettings];
    case 'static':
      return [];
  }
};

/** Yarn 2+ is told apart by its `--immutable` install (or a declared version of 2 or more). */
export const isYarnBerry = (service: Service): boolean =>
  service.packageManager === 'yarn' &&
  (/--immutable\b/.test(service.commands.install ?? '') || /^[^0-9]*([2-9]|\d{2,})\./.test(service.packageManagerVersion ?? ''));

/**
 * The version of a tool to install: phase4's pin (the first of `pinned`, newest first, that satisfies
 * what the project declares, or the first when it declares nothing), else the project's own declaration,
 * which is then the pin.
 */
export const toolRequirement = (declared: string | undefined, pinned: string | readonly string[], ecosystem: 'npm' | 'pypi'): string => {
  const pins = typeof pinned === 'string' ? [pinned] : pinned;
  if (declared === undefined) return pins[0];
  if (ecosystem === 'npm') {
    const range = semver.validRange(declared);
    return range ? (pins.find((pin) => semver.satisfies(pin, range)) ?? declared) : pins[0];
  }
  return pep440Requirement(declared, pins[0]);
};

const pep440Requirement = (declared: string, pinned: string): string => {
  const specifier = /^\d/.test(declared) ? `==${declared}` : declared;
  try {
    return satisfiesPep440(pinned, specifier) ? pinned : declared;
  } catch {
    return declared;
  }
};

/** `tool@version` for npm, `tool==version` (or the project's specifier, `tool>=1.8,<2`) for PyPI. */
const specOf = (tool: string, version: string, ecosystem: 'npm' | 'pypi'): string =>
  ecosystem === 'npm' ? `${tool}@${version}` : `${tool}${/^[0-9]/.test(version) ? `==${version}` : version}`;

const withSpec = (tool: string, version: string, ecosystem: 'npm' | 'pypi', model: Omit<PackageManagerModel, 'version' | 'spec'>): PackageManagerModel => ({
  ...model,
  version,
  spec: specOf(tool, version, ecosystem),
});

const packageManagerOf = (service: Service, context: string): PackageManagerModel => {
  const lockfile = service.lockfile === undefined ? undefined : relativePath(context, service.lockfile);
  const declared = service.packageManagerVersion;
  const base = { viaCorepack: false, ...(lockfile !== undefined ? { lockfile } : {}) };
  switch (service.packageManager) {
    case 'pnpm':
      // Older majors are pinned too, for lockfiles only they read (see detection: lockfileVersion 6.0 is pnpm 8's).
      return withSpec('pnpm', toolRequirement(declared, [toolVersion('pnpm'), toolVersion('pnpm-8'), toolVersion('pnpm-7')], 'npm'), 'npm', { name: 'pnpm', ...base });
    case 'yarn':
      if (isYarnBerry(service)) {
        // Corepack runs the Yarn release the project pins (packageManager), else the pinned Yarn 4.
        return withSpec('yarn', toolRequirement(declared, toolVersion('yarn-berry'), 'npm'), 'npm', { name: 'yarn-berry', ...base, viaCorepack: true });
      }
      return withSpec('yarn', toolRequirement(declared, toolVersion('yarn'), 'npm'), 'npm', { name: 'yarn', ...base });
    case 'poetry':
    case 'uv':
    case 'pdm':
    case 'pipenv':
      return withSpec(service.packageManager, toolRequirement(declared, toolVersion(service.packageManager), 'pypi'), 'pypi', { name: service.packageManager, ...base });
    default:
      return { name: service.packageManager, ...(declared !== undefined ? { version: declared } : {}), ...base };
  }
};

/** Services that share a folder share an image; they must agree on how it is built. */
const checkShared = (owner: Service, other: Service, index: number) => {
  for (const field of ['language', 'packageManager', 'buildContext', 'runtimeVersion'] as const) {
    if (owner[field] !== other[field]) {
      throw new UsageError(
        `services[${index}].${field}`,
        `${other.name} shares the folder ${other.path} (and so the image) with ${owner.name}, but its ${field} differs; make them equal`,
      );
    }
  }
};

const inRepository = (folder: string, file: string) => path.posix.normalize(joinPath(folder, file));

/** The files an install reads, as repository paths (see ImageModel.dependencyFiles). */
const dependencyFilesOf = (service: Service, context: string): string[] => {
  const own = (file: string) => inRepository(service.path, file);
  const atContext = (file: string) => inRepository(context, file);
  const lockfile = service.lockfile ? [service.lockfile] : [];
  switch (service.language) {
    case 'node': {
      const workspace = context !== service.path;
      const pnpmWorkspace = workspace && service.packageManager === 'pnpm' ? [atContext('pnpm-workspace.yaml')] : [];
      return [...new Set([own('package.json'), ...(workspace ? [atContext('package.json')] : []), ...lockfile, ...pnpmWorkspace])];
    }
    case 'python': {
      switch (service.packageManager) {
        case 'uv':
          return [...new Set([atContext('pyproject.toml'), own('pyproject.toml'), ...(lockfile.length > 0 ? lockfile : [atContext('uv.lock')])])];
        case 'poetry':
          return [own('pyproject.toml'), ...(lockfile.length > 0 ? lockfile : [own('poetry.lock')])];
        case 'pdm':
          return [own('pyproject.toml'), ...(lockfile.length > 0 ? lockfile : [own('pdm.lock')])];
        case 'pipenv':
          return [own('Pipfile'), ...(lockfile.length > 0 ? lockfile : [own('Pipfile.lock')])];
        default: {
          const named = [...(service.commands.install ?? '').matchAll(/(?:^|\s)(?:-r|--requirement)[=\s]+(\S+)/g)].map((match) => own(match[1]));
          if (named.length > 0 || service.commands.install === undefined) return named.length > 0 ? [...new Set(named)] : [own('requirements.txt')];
          return [own('pyproject.toml')];
        }
      }
    }
    case 'go':
      return [own('go.mod')];
    case 'java':
      // Maven and Gradle read several build files; the folder as a whole is what changes.
      return [];
    case 'static':
      return [];
  }
};

const workdirOf = (folderInContext: string): string => (folderInContext === '.' ? '/app' : `/app/${folderInContext}`);

/**
 * One image per service folder, in service order; the owner is the folder's first non-worker service. A
 * front end another service serves has no image: it is built inside that service's (`frontEnds`).
 */
export const planImages = (config: Config): ImageModel[] => {
  const images = folderImages(config);
  const hosted = images.filter((image) => image.source.servedBy !== undefined);
  return images
    .filter((image) => image.source.servedBy === undefined)
    .map((image) => {
      const frontEnds = hosted
        .filter((frontEnd) => image.services.includes(frontEnd.source.servedBy!))
        .map(
          (frontEnd): EmbeddedFrontEndModel => ({
            name: frontEnd.owner,
            build: frontEnd,
            contextInHost: relativePath(image.context, frontEnd.context),
            output: relativePath(frontEnd.context, frontEnd.source.builtInto!),
            builtInto: relativePath(image.context, frontEnd.source.builtInto!),
          }),
        );
      if (frontEnds.length === 0) return image;
      const dependencyFiles = [...new Set([...image.dependencyFiles, ...frontEnds.flatMap((frontEnd) => frontEnd.build.dependencyFiles)])];
      return { ...image, frontEnds, dependencyFiles };
    });
};

/**
 * `./mvnw` or `./gradlew` (`../mvnw` from a module folder) when the detected commands use the wrapper: the
 * project pins its tool version, and the wrapper sits at the root of the build context.
 */
export const usesBuildWrapper = (service: Service): boolean =>
  Object.values(service.commands).some((command) => /^(?:\.\.?\/)+(mvnw|gradlew)\b/.test(command ?? ''));

/**
 * The test command when the project names none, for toolchains that have a standard one: the Dockerfile's
 * test target and the pipeline's test job run the same command.
 */
const defaultTestOf = (service: Service, family: ImageFamily): string | undefined => {
  if (family === 'go') return 'go test ./...';
  if (family !== 'java') return undefined;
  const wrapper = usesBuildWrapper(service);
  return service.packageManager === 'gradle' ? `${wrapper ? './gradlew' : 'gradle'} --no-daemon test` : `${wrapper ? './mvnw' : 'mvn'} -B verify`;
};

const folderImages = (config: Config): ImageModel[] => {
  const byFolder = new Map<string, { service: Service; index: number }[]>();
  config.services.forEach((service, index) => {
    // A front end built into another image shares no image with the services of its folder (a Go module
    // at the root that embeds the root package's build).
    const key = service.servedBy === undefined ? service.path : `${service.path}\0${service.name}`;
    const list = byFolder.get(key) ?? [];
    list.push({ service, index });
    byFolder.set(key, list);
  });
  return [...byFolder.values()].map((members) => {
    const owner = (members.find(({ service }) => service.kind !== 'worker') ?? members[0]).service;
    for (const member of members) if (member.service !== owner) checkShared(owner, member.service, member.index);
    const ownerIndex = config.services.indexOf(owner);
    const family = familyOf(owner);
    const context = buildContextOf(owner);
    const folderInContext = relativePath(context, owner.path);
    const packageManager = packageManagerOf(owner, context);
    const test = owner.commands.test ?? defaultTestOf(owner, family);
    const generate = members.some(({ service }) => service.migrations?.tool === 'prisma') ? 'prisma generate' : undefined;
    return {
      owner: owner.name,
      services: members.map(({ service }) => service.name),
      repository: imageRepository(config, owner),
      migrateRepository: `${imageRepository(config, owner)}-migrate`,
      tags: { release: '<version>', commit: 'sha-<commit>' },
      family,
      dockerfile: dockerfilePath(owner),
      dockerignore: dockerignorePath(owner),
      context,
      folderInContext,
      workdir: workdirOf(folderInContext),
      ...(owner.language === 'static' ? {} : { runtime: resolveRuntime(owner, `services[${ownerIndex}].runtimeVersion`) }),
      packageManager,
      ...(owner.workspacePackage !== undefined ? { workspacePackage: owner.workspacePackage } : {}),
      user: userOf(family),
      buildSecrets: secretsOf(owner, packageManager.name === 'yarn-berry'),
      commands: {
        ...(owner.commands.build !== undefined ? { build: owner.commands.build } : {}),
        ...(test !== undefined ? { test } : {}),
        ...(owner.commands.install !== undefined ? { install: owner.commands.install } : {}),
        ...(generate !== undefined ? { generate } : {}),
      },
      ...(owner.buildOutput !== undefined ? { buildOutput: owner.buildOutput } : {}),
      dependencyFiles: dependencyFilesOf(owner, context),
      installsProject: owner.language === 'python' && owner.installable === true,
      frontEnds: [],
      source: owner,
    };
  });
};
