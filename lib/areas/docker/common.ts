/**
 * What every Dockerfile of the docker area shares: paths inside the build context, cache and secret
 * mounts, OCI labels, the health check and the comment that says how to build the image.
 */
import type { BuildSecret, ImageModel, ServiceModel, StackModel } from '../../model/index.js';
import { imageRef, refOf, type PinnedImage } from '../../versions/index.js';
import { relativePath } from '../../repo-paths.js';

export const areaName = 'docker';

/** `--mount=type=secret,...` for one RUN; `required=false` lets builds without the secret proceed. */
export const secretMount = (secret: BuildSecret): string =>
  `--mount=type=secret,id=${secret.id},target=${secret.target},required=false`;

/** `--mount=type=cache,...`: the package manager's download cache survives between builds, not in a layer. */
export const cacheMount = (target: string): string => `--mount=type=cache,target=${target}`;

/** A Dockerfile exec-form argument list (a JSON array), so no shell sits between Docker and the process. */
export const execForm = (args: readonly string[]): string => `[${args.map((arg) => JSON.stringify(arg)).join(', ')}]`;

/** A repository path as the Dockerfile's COPY sees it: relative to the image's build context. */
export const inContext = (image: ImageModel, repositoryPath: string): string =>
  relativePath(image.context, repositoryPath);

/** A path inside the service folder, as the build context sees it. */
export const inFolder = (image: ImageModel, file: string): string => (image.folderInContext === '.' ? file : `${image.folderInContext}/${file}`);

/** True when the image is built from a folder above the service (a workspace root holding the lockfile). */
export const builtFromParent = (image: ImageModel): boolean => image.folderInContext !== '.';

/** The service that owns the image: its port, health check and start command are the image's defaults. */
export const ownerOf = (model: StackModel, image: ImageModel): ServiceModel => model.services.find((service) => service.name === image.owner)!;

export interface HealthCheck {
  port?: number;
  options: string;
  command: string;
  note: string;
}

const startPeriods: Record<ImageModel['family'], string> = { node: '20s', bun: '10s', python: '20s', go: '10s', java: '60s', nginx: '5s' };

export const healthCheckOf = (service: ServiceModel): HealthCheck | undefined =>
  service.probe
    ? {
        port: service.port,
        options: `--interval=30s --timeout=5s --start-period=${startPeriods[service.image.family]} --retries=3`,
        command: execForm(service.probe.argv),
        note: service.probe.note,
      }
    : undefined;

/** The header comment every Dockerfile starts with: what it builds and the commands CI runs. */
const introduction = (image: ImageModel, summary: string) => {
  const standardName = `${image.context === '.' ? '' : `${image.context}/`}Dockerfile`;
  const fileFlag = image.dockerfile === standardName ? '' : ` -f ${image.dockerfile}`;
  return {
    summary: `${image.owner}: ${summary}`,
    build: `docker build${fileFlag} -t ${image.repository} ${image.context}`,
    test: `docker build${fileFlag} --target test ${image.context}`,
    servicesSharing: image.services.length > 1 ? image.services.join(', ') : undefined,
  };
};

/** The build ARGs CI passes and the OCI labels they fill. */
const ociLabels = (image: ImageModel) => ({
  args: ['VERSION', 'REVISION', 'CREATED', 'SOURCE'],
  labels: [
    ['org.opencontainers.image.title', image.owner],
    ['org.opencontainers.image.source', '${SOURCE}'],
    ['org.opencontainers.image.version', '${VERSION}'],
    ['org.opencontainers.image.revision', '${REVISION}'],
    ['org.opencontainers.image.created', '${CREATED}'],
  ].map(([key, value]) => `${key}=${JSON.stringify(value)}`),
});

/** `ENV` lines: `NAME=value` with values quoted when they hold spaces or quotes. */
export const envPairs = (pairs: { name: string; value: string }[]): string[] =>
  pairs.map(({ name, value }) => `${name}=${/^[A-Za-z0-9_./:@%+,-]*$/.test(value) && value !== '' ? value : JSON.stringify(value)}`);

/** Data every Dockerfile template reads. */
export const commonData = (model: StackModel, image: ImageModel, summary: string) => {
  const owner = ownerOf(model, image);
  return {
    syntax: `# syntax=${imageRef('dockerfile-syntax')}`,
    intro: introduction(image, summary),
    secrets: image.buildSecrets,
    service: { name: owner.name, kind: owner.kind },
    healthCheck: healthCheckOf(owner),
    labels: ociLabels(image),
    user: image.user,
    workdir: image.workdir,
    cmd: execForm(owner.start),
  };
};

/** The image of one runtime track, `image:tag`. */
export const trackImage = (pinned: Partial<PinnedImage>): string => refOf(pinned as PinnedImage);
