/** derive(config): the stack model every area reads, computed once per run. */
import { isStaticFrontend, type Service } from '../catalog/service.js';
import { hostFor, namespaceFor, productionEnvironment } from '../plan/naming.js';
import { andList } from '../render/text.js';
import type { Config } from '../plan/types.js';
import { planDatastores } from './datastores.js';
import { healthOf, probeOf } from './health.js';
import { planImages } from './images.js';
import { migrationsOf } from './migrations.js';
import { wireSettings } from './settings.js';
import { isNextStandalone, startOf } from './start.js';
import type { DatastoreModel, ImageModel, ServiceModel, StackModel } from './types.js';

const today = () => new Date().toISOString().slice(0, 10);

/** The datastores a service connects to: those it declares among the project's, else (back ends and workers) all of them. */
const usedDatastores = (service: Service, available: DatastoreModel[], missing: Map<string, string[]>): DatastoreModel[] => {
  if (service.uses === undefined) return service.kind === 'frontend' ? [] : available;
  for (const engine of service.uses) {
    if (!available.some((datastore) => datastore.engine.engine === engine)) missing.set(engine, [...(missing.get(engine) ?? []), service.name]);
  }
  return available.filter((datastore) => service.uses!.includes(datastore.engine.engine));
};

/** Folders a process writes to, besides /tmp: Next.js caches optimised images beside its build. */
const writablePathsOf = (service: Service, image: ImageModel): string[] => [
  '/tmp',
  ...(isNextStandalone(service) || service.framework === 'next' ? [`${image.workdir}/.next/cache`] : []),
];

/** The JVM sizes its heap from the container's memory limit, and exits (to be restarted) when it runs out. */
export const jvmOptions = '-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError';

/** What the runtime itself is told: its port, and the JVM's memory options. */
const runtimeEnvironment = (service: Service, image: ImageModel): { name: string; value: string }[] => [
  ...(image.family === 'java' ? [{ name: 'JAVA_TOOL_OPTIONS', value: jvmOptions }] : []),
  ...(service.port === undefined || service.kind === 'worker' || image.family === 'nginx'
    ? []
    : [
        { name: 'PORT', value: String(service.port) },
        ...(service.framework === 'spring-boot' ? [{ name: 'SERVER_PORT', value: String(service.port) }] : []),
      ]),
];

export const derive = (config: Config): StackModel => {
  const notes: string[] = [];
  const images = planImages(config);
  const imageOf = (service: Service) => images.find((image) => image.services.includes(service.name))!;
  const { database, cache } = planDatastores(config);
  const datastores = [database, cache].filter((store): store is DatastoreModel => store !== undefined);

  // Datastores services use that the project does not run, by engine: one note each.
  const missing = new Map<string, string[]>();
  for (const service of config.services.filter((candidate) => candidate.servedBy !== undefined)) {
    notes.push(`${service.name}: built into ${service.servedBy}'s image (${service.builtInto}), which serves it; it has no container of its own`);
  }
  const services = config.services.filter((service) => service.servedBy === undefined).map((service): ServiceModel => {
    const image = imageOf(service);
    const health = healthOf(service);
    const start = startOf(service, image);
    const wired = wireSettings(service, usedDatastores(service, datastores, missing), datastores);
    notes.push(...wired.notes);
    if (start.guessed) {
      notes.push(`${service.name}: no start command was found; the image runs \`${start.argv.join(' ')}\` (set services[].commands.start if it differs)`);
    }
    if (health.kind === 'tcp') {
      notes.push(`${service.name}: no health route was found; probes check that port ${health.port} accepts connections (set services[].healthPath to use one${service.framework === 'spring-boot' ? ', or add spring-boot-starter-actuator' : ''})`);
    }
    const migrations = migrationsOf(service);
    if (image.owner === service.name && image.commands.generate && image.packageManager.name === 'pnpm') {
      notes.push(`${service.name}: pnpm keeps Prisma's generated client inside its store, which the production install does not have; set \`output\` in the schema's generator block to a folder of the service so the client ships with its sources`);
    }
    return {
      name: service.name,
      path: service.path,
      kind: service.kind,
      language: service.language,
      framework: service.framework,
      image,
      ...(service.kind !== 'worker' && service.port !== undefined ? { port: service.port } : {}),
      health,
      ...(probeOf(image.family, health) ? { probe: probeOf(image.family, health)! } : {}),
      start: start.argv,
      environment: [...runtimeEnvironment(service, image), ...start.environment],
      startGuessed: start.guessed,
      user: image.user,
      writablePaths: writablePathsOf(service, image),
      uses: wired.uses,
      settings: wired.settings,
      ...(migrations ? { migrations } : {}),
      servedByNginx: isStaticFrontend(service) || service.language === 'static',
      source: service,
    };
  });

  for (const [engine, users] of missing) {
    notes.push(`${andList(users)} ${users.length === 1 ? 'uses' : 'use'} ${engine}, which is not the project's database or cache; set database/cache, or wire it by hand`);
  }
  for (const image of images) {
    const eol = image.runtime?.track.eol;
    if (eol && eol < today()) {
      notes.push(`${image.owner}: ${image.runtime!.runtime} ${image.runtime!.version} reached its end of life on ${eol}; upgrade the project's runtime version`);
    }
  }

  const apiBackend = services.find((service) => service.kind === 'backend' && service.port !== undefined);
  const environments = config.environments.map((name) => ({
    name,
    host: hostFor(config, name),
    namespace: namespaceFor(config, name),
    isProduction: name === productionEnvironment(config),
  }));
  return {
    config,
    project: {
      name: config.name,
      team: config.team,
      registry: config.registry,
      domain: config.domain,
      environments,
      production: environments[environments.length - 1],
    },
    services,
    ...(apiBackend ? { apiBackend } : {}),
    images,
    datastores,
    ...(database ? { database } : {}),
    ...(cache ? { cache } : {}),
    notes,
  };
};
