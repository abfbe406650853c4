/** Go images: module downloads cached, a static binary cross-compiled on the build platform, distroless runtime. */
import type { ImageModel, StackModel } from '../../model/index.js';
import { parseCommand } from '../../model/shell-words.js';
import { imageRef } from '../../versions/index.js';
import { cacheMount, commonData, envPairs, ownerOf, secretMount, trackImage } from './common.js';
import { migrateStage } from './migrate.js';
import { planGoProbe } from './probe.js';

/** The package `go build` names in the service's build command (`go build -o bin/api ./cmd/api`), if one. */
export const mainPackageOf = (build: string | undefined): string | undefined => {
  if (!build) return undefined;
  const argv = parseCommand(build).argv;
  if (argv[0] !== 'go' || argv[1] !== 'build') return undefined;
  const packages = argv.slice(2).filter((word, index, all) => !word.startsWith('-') && !['-o', '-tags', '-ldflags', '-gcflags'].includes(all[index - 1] ?? ''));
  return packages.length === 1 && /^\.\/?/.test(packages[0]) && !packages[0].includes('...') ? packages[0] : undefined;
};

export const planGoService = (model: StackModel, image: ImageModel) => {
  const owner = ownerOf(model, image);
  const probe = model.services.some((service) => image.services.includes(service.name) && service.probe) ? planGoProbe(image) : undefined;
  const what = owner.kind === 'worker' ? 'worker' : owner.framework;
  const moduleCache = cacheMount('/go/pkg/mod');
  const buildCache = cacheMount('/root/.cache/go-build');
  return {
    dockerfile: {
      ...commonData(model, image, `Go ${owner.kind} (${what}), a static binary on distroless`),
      image: trackImage(image.runtime!.track),
      goVersion: image.runtime!.version,
      runtimeImage: imageRef('distroless-static'),
      moduleCache,
      buildCache,
      secretMount: image.buildSecrets.map(secretMount).join(' \\\n    '),
      // The package the build command names, else the service's own folder when the module root (the build
      // context) holds several programs; else the module's only main package, found at build time.
      mainPackage: mainPackageOf(image.commands.build) ?? (image.folderInContext === '.' ? undefined : `./${image.folderInContext}`),
      test: image.commands.test,
      probeFolder: probe?.folderInContext,
      migrate: migrateStage(model, image, 'build'),
      env: envPairs(owner.environment),
    },
    probeFiles: probe?.files ?? [],
  };
};
