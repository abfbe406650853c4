/**
 * Stack detection: which services the repository holds, how each is built, started and checked, what it
 * reads and what it talks to, each value with the file and line it came from; plus hints for the shared
 * choices (CI, orchestration, cloud, registry). Read-only and deterministic; never throws on odd repos.
 */
import path from 'node:path';
import { fitProjectName } from '../catalog/project-name.js';
import { isStaticFrontend } from '../catalog/service.js';
import { isWithin } from '../repo-paths.js';
import { buildContextOf } from '../plan/naming.js';
import { compareText } from '../order.js';
import type { DetectContext, ServiceDetector } from './context.js';
import { detectGoService } from './go/index.js';
import { detectJavaService } from './java/index.js';
import { detectNodeService } from './node/index.js';
import { detectCloud, detectCi, detectOrchestration, detectRegistry, detectRepository } from './project.js';
import { detectPythonService } from './python/index.js';
import { RepoIndex } from './repo-index.js';
import { toServiceName } from './service-name.js';
import { detectStaticSite } from './static-site.js';
import type { DetectedService, Detection, NotAService } from './types.js';
import { findWorkspaces, folderOf } from './workspaces.js';

/** The files that make a folder a candidate: one language's manifest. */
const manifestNames = ['package.json', 'pyproject.toml', 'requirements.txt', 'Pipfile', 'setup.py', 'go.mod', 'pom.xml', 'build.gradle', 'build.gradle.kts'];

const detectors: ServiceDetector[] = [detectNodeService, detectPythonService, detectGoService, detectJavaService];

const depth = (folder: string) => (folder === '.' ? 0 : folder.split('/').length);
const byDepthThenPath = (a: string, b: string) => depth(a) - depth(b) || compareText(a, b);

const manifestFoldersOf = (index: RepoIndex): string[] => {
  const folders = new Set(manifestNames.flatMap((name) => index.named(name)).map(folderOf));
  // Django-style requirements/ folders (requirements/base.txt) belong to the project one level up.
  for (const file of index.files) {
    if (/(^|\/)requirements\/[^/]+\.txt$/.test(file)) folders.add(folderOf(folderOf(file)));
  }
  return [...folders].sort(byDepthThenPath);
};

/**
 * A name from the path (`apps/api` -> `apps-api`); a second process of one folder keeps its suffix
 * (`apps/api`'s `api-worker` -> `apps-api-worker`).
 */
const clashName = (service: DetectedService): string => {
  const fromPath = toServiceName(service.path.replace(/\//g, '-'));
  const suffix = service.name.match(/-(worker|beat|scheduler|consumer)$/)?.[0] ?? '';
  return toServiceName(`${fromPath}${suffix}`);
};

/** Names must be unique: a clash gets its path as the name (`apps/api` -> `apps-api`); the root keeps its own. */
const withUniqueNames = (services: DetectedService[]): DetectedService[] => {
  const counts = new Map<string, number>();
  for (const service of services) counts.set(service.name, (counts.get(service.name) ?? 0) + 1);
  const renamed = services.map((service) =>
    counts.get(service.name)! > 1 && service.path !== '.' ? { ...service, name: clashName(service) } : service,
  );
  // Two services of one folder (a web service and its worker) keep distinct names by construction.
  return renamed;
};

/**
 * What detection proposes must be a valid answer: a default that spans lines (a multi-line string in code)
 * or is very long is not a value the environment can hold, so it is dropped (the setting stays).
 */
const answerable = (service: DetectedService): DetectedService =>
  service.settings?.some((setting) => setting.default !== undefined && (/[\n\r]/.test(setting.default) || setting.default.length > 500))
    ? {
        ...service,
        settings: service.settings.map(({ default: value, ...setting }) =>
          value === undefined || /[\n\r]/.test(value) || value.length > 500 ? setting : { ...setting, default: value },
        ),
      }
    : service;

/**
 * Front ends whose build lands in another service's sources (`builtInto`) are served by that service: the
 * one deepest in the tree whose folder holds the build, a back end before a worker. Without one (or when
 * that service's build context cannot hold the front end) the front end is no service: it is listed, with
 * the reason, among the folders that are not services.
 */
const withServingServices = (services: DetectedService[], notServices: NotAService[]): DetectedService[] =>
  services.flatMap((service) => {
    if (service.builtInto === undefined) return [service];
    const builtInto = service.builtInto;
    const why = service.evidence.builtInto?.note ?? `front end built into ${builtInto}`;
    const hosts = services
      .filter((host) => host !== service && host.builtInto === undefined && !isStaticFrontend(host) && host.language !== 'static' && isWithin(builtInto, host.path))
      .sort((a, b) => depth(b.path) - depth(a.path) || Number(a.kind === 'worker') - Number(b.kind === 'worker'));
    const host = hosts[0];
    if (!host) {
      notServices.push({ path: service.path, why: `${why}, but no service of this repository holds ${builtInto}` });
      return [];
    }
    if (!isWithin(buildContextOf(service), buildContextOf(host)) || !isWithin(builtInto, buildContextOf(host))) {
      notServices.push({ path: service.path, why: `${why}; ${host.name} serves it, but its build context ${buildContextOf(host)} does not hold ${buildContextOf(service)}: build it there by hand` });
      return [];
    }
    return [{ ...service, servedBy: host.name }];
  });

export const detectServicesIn = (index: RepoIndex): { services: DetectedService[]; notServices: NotAService[]; notes: string[] } => {
  const manifestFolders = manifestFoldersOf(index);
  const context: DetectContext = { index, workspaces: findWorkspaces(index), manifestFolders, notes: [] };
  const services: DetectedService[] = [];
  const notServices: NotAService[] = [];
  for (const folder of manifestFolders) {
    for (const detector of detectors) {
      const result = detector(folder, context);
      if (!result) continue;
      if ('services' in result) services.push(...result.services);
      else notServices.push(result.notService);
    }
  }
  // Static sites: an index.html with no manifest, at the root or one or two folders down, outside every
  // project folder (a Django app's templates/index.html is not a site of its own).
  for (const folder of [...index.folders()].filter((candidate) => depth(candidate) <= 2).sort(byDepthThenPath)) {
    if (manifestFolders.some((manifestFolder) => isWithin(folder, manifestFolder))) continue;
    if (services.some((service) => isWithin(folder, service.path))) continue;
    const site = detectStaticSite(folder, context);
    if (site) services.push(site);
  }
  const unique = withUniqueNames(services.sort((a, b) => compareText(a.path, b.path) || compareText(a.name, b.name))).map(answerable);
  const served = withServingServices(unique, notServices);
  // A folder several detectors pass over (a uv and bun workspace root) is listed once.
  const distinct = notServices.filter((entry, position) => notServices.findIndex((other) => other.path === entry.path) === position);
  return { services: served, notServices: distinct.sort((a, b) => compareText(a.path, b.path)), notes: context.notes };
};

/** The services of the repository at `root` (detection without the project-level hints). */
export const detectServices = (root: string): DetectedService[] => detectServicesIn(RepoIndex.build(path.resolve(root))).services;

const firstDatastore = <T extends string>(services: DetectedService[], order: readonly T[]): T | undefined =>
  order.find((store) => services.some((service) => (service.uses as readonly string[] | undefined)?.includes(store)));

export const detect = (root: string): Detection => {
  const index = RepoIndex.build(path.resolve(root));
  const { services, notServices, notes } = detectServicesIn(index);
  const rootName = index.json('package.json')?.name;
  return {
    root,
    // A long folder or package name is cut to the project name's limit, so that --defaults never stops on it.
    projectName: fitProjectName(toServiceName(typeof rootName === 'string' ? rootName : path.basename(path.resolve(root)))),
    services,
    notServices,
    notes,
    ci: detectCi(index),
    cloud: detectCloud(index),
    orchestration: detectOrchestration(index),
    database: firstDatastore(services, ['postgres', 'mysql', 'mongodb'] as const),
    cache: firstDatastore(services, ['redis'] as const),
    registry: detectRegistry(root),
    repository: detectRepository(root),
  };
};
