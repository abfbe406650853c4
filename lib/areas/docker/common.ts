/**
 * What every Dockerfile of the docker area shares: paths inside the build context, the runtime users, the
 * build secrets, OCI labels and the comment that says how to build the image. Pure functions, no I/O.
 */
import path from 'node:path';
import type { Service } from '../../catalog/service.js';
import { buildContextOf, dockerfilePath, imageRepository } from '../../plan/naming.js';
import type { Config } from '../../plan/types.js';
import { imageRef } from '../../versions/index.js';

export const areaName = 'docker';

/**
 * The numeric users the runtime stages run as. Kubernetes `runAsUser`/`runAsGroup` and compose `user:`
 * must use the same numbers: `app` for images phase4 creates the user in, `distroless` for Go
 * (distroless's own nonroot user), `nginx` for front ends (nginx-unprivileged's own user).
 */
export const runtimeUsers = {
  app: { uid: 10001, gid: 10001 },
  distroless: { uid: 65532, gid: 65532 },
  nginx: { uid: 101, gid: 101 },
} as const;

export type RuntimeUser = (typeof runtimeUsers)[keyof typeof runtimeUsers];

/**
 * Build secrets the Dockerfiles accept (`docker build --secret id=ID,src=FILE`). Each is mounted only for
 * the RUN that needs it, at the path the tool reads, and is optional: public dependencies need none.
 */
export const buildSecrets = {
  npmrc: { id: 'npmrc', target: '/root/.npmrc', source: '$HOME/.npmrc', reads: 'npm, pnpm and Yarn 1 registry credentials' },
  yarnrc: { id: 'yarnrc', target: '/root/.yarnrc.yml', source: '$HOME/.yarnrc.yml', reads: 'Yarn 2+ registry credentials' },
  pipConf: { id: 'pip_conf', target: '/etc/pip.conf', source: '$HOME/.config/pip/pip.conf', reads: 'pip index URL and credentials' },
  netrc: { id: 'netrc', target: '/root/.netrc', source: '$HOME/.netrc', reads: 'credentials for private Go modules' },
  mavenSettings: { id: 'maven_settings', target: '/root/.m2/settings.xml', source: '$HOME/.m2/settings.xml', reads: 'Maven repository credentials' },
  gradleProperties: {
    id: 'gradle_properties',
    target: '/root/.gradle/gradle.properties',
    source: '$HOME/.gradle/gradle.properties',
    reads: 'Gradle repository credentials',
  },
} as const;

export type BuildSecret = (typeof buildSecrets)[keyof typeof buildSecrets];

/** `--mount=type=secret,...` for one RUN; `required=false` lets builds without the secret proceed. */
export const secretMount = (secret: BuildSecret): string =>
  `--mount=type=secret,id=${secret.id},target=${secret.target},required=false`;

/** `--mount=type=cache,...`: the package manager's download cache survives between builds, not in a layer. */
export const cacheMount = (target: string): string => `--mount=type=cache,target=${target}`;

/** A Dockerfile exec-form argument list (a JSON array), so no shell sits between Docker and the process. */
export const execForm = (args: readonly string[]): string => `[${args.map((arg) => JSON.stringify(arg)).join(', ')}]`;

/** A repository path as the Dockerfile's COPY sees it: relative to the service's build context. */
export const inContext = (service: Service, repositoryPath: string): string =>
  path.posix.relative(buildContextOf(service), repositoryPath) || '.';

/** The service folder inside its build context (`.` when the context is the service folder itself). */
export const serviceInContext = (service: Service): string => inContext(service, service.path);

/** True when the image is built from a folder above the service (a workspace root holding the lockfile). */
export const builtFromParent = (service: Service): boolean => buildContextOf(service) !== service.path;

/** Where the build context lands inside build stages, and where the service folder is below it. */
export const containerDir = (root: string, service: Service): string => {
  const relative = serviceInContext(service);
  return relative === '.' ? root : `${root}/${relative}`;
};

export const healthUrl = (service: Service): string => `http://127.0.0.1:${service.port}${service.healthPath}`;

/** Workers serve no HTTP port: no EXPOSE, no HTTP health check. */
export const servesHttp = (service: Service): boolean => service.kind !== 'worker';

export interface HealthCheck {
  /** `--interval=... --timeout=...` */
  options: string;
  command: string;
  /** Why this command exists in the runtime image. */
  note: string;
}

export const healthCheck = (command: readonly string[], note: string, startPeriod = '20s'): HealthCheck => ({
  options: `--interval=30s --timeout=5s --start-period=${startPeriod} --retries=3`,
  command: execForm(command),
  note,
});

/** The header comment every Dockerfile starts with: what it builds and the commands CI runs. */
export const introduction = (config: Config, service: Service, summary: string) => {
  const context = buildContextOf(service);
  const dockerfile = dockerfilePath(service);
  const fileFlag = dockerfile === `${context === '.' ? '' : `${context}/`}Dockerfile` ? '' : ` -f ${dockerfile}`;
  const image = imageRepository(config, service);
  return {
    summary: `${service.name}: ${summary}`,
    build: `docker build${fileFlag} -t ${image} ${context}`,
    test: `docker build${fileFlag} --target test ${context}`,
  };
};

/** The build ARGs CI passes and the OCI labels they fill (see the CI area). */
export const ociLabels = (service: Service) => ({
  args: ['VERSION', 'REVISION', 'CREATED', 'SOURCE'],
  labels: [
    ['org.opencontainers.image.title', service.name],
    ['org.opencontainers.image.source', '${SOURCE}'],
    ['org.opencontainers.image.version', '${VERSION}'],
    ['org.opencontainers.image.revision', '${REVISION}'],
    ['org.opencontainers.image.created', '${CREATED}'],
  ].map(([key, value]) => `${key}=${JSON.stringify(value)}`),
});

/** The `# syntax=` parser directive: the pinned BuildKit Dockerfile frontend (cache and secret mounts). */
export const syntaxDirective = (): string => `# syntax=${imageRef('dockerfile-syntax')}`;

/** Data every Dockerfile template reads. */
export const commonData = (config: Config, service: Service, summary: string) => ({
  syntax: syntaxDirective(),
  intro: introduction(config, service, summary),
  service: { name: service.name, kind: service.kind, port: service.port, healthPath: service.healthPath },
  servesHttp: servesHttp(service),
  labels: ociLabels(service),
});
