/**
 * The stack model: every fact that more than one area needs, derived once from the answers. Areas read
 * this and never each other: a Dockerfile, a compose file, a manifest and a pipeline of the same run agree
 * on names, ports, health routes, users, settings and migrations because they read the same values here.
 */
import type { DatastoreEngine, Service } from '../catalog/service.js';
import type { Config } from '../plan/types.js';
import type { ConnectionPart, EngineModule } from './engines/index.js';
import type { RuntimeChoice } from './runtime.js';

export interface EnvironmentModel {
  name: string;
  /** Public host: the domain for production, a sub-domain of it for the others. */
  host: string;
  /** Kubernetes namespace (and compose project) of the environment. */
  namespace: string;
  isProduction: boolean;
}

/** A numeric user and group, the same in the image, compose `user:` and Kubernetes securityContext. */
export interface RuntimeUser {
  uid: number;
  gid: number;
}

/** How a running instance is checked. */
export type HealthModel =
  | { kind: 'http'; port: number; path: string; url: string }
  | { kind: 'tcp'; port: number }
  /** Workers: nothing listens; the orchestrator restarts the container when the process exits. */
  | { kind: 'none' };

/** A command that checks health from inside the runtime image, with the tool that image is known to have. */
export interface ProbeCommand {
  argv: string[];
  /** Why this tool exists in the image, for the comment above HEALTHCHECK. */
  note: string;
}

/** Credentials the image build may read (`docker build --secret id=ID,src=FILE`), never stored in a layer. */
export interface BuildSecret {
  id: string;
  target: string;
  source: string;
  reads: string;
}

/** The image family decides the Dockerfile's shape. */
export type ImageFamily = 'node' | 'bun' | 'python' | 'go' | 'java' | 'nginx';

export interface PackageManagerModel {
  /** `yarn-berry` is Yarn 2+ (`--immutable` installs); the answers only say `yarn`. */
  name: Service['packageManager'] | 'yarn-berry';
  /** The version the project pins, or phase4's pinned one when it pins none. */
  version?: string;
  /**
   * What installs that version, as its own registry spells it: `pnpm@9.15.0`, `poetry==2.2.1`, or the
   * project's range (`pnpm@^9`, `uv>=0.5,<0.6`); none for a manager that comes with its runtime (npm, pip, go).
   */
  spec?: string;
  /** True when the project's own pin (package.json `packageManager`) is used through corepack. */
  viaCorepack: boolean;
  /** The lockfile, relative to the build context. */
  lockfile?: string;
}

export interface ImageModel {
  /** The service that owns the image (the first of `services`), and names its Dockerfile. */
  owner: string;
  /** Every service that runs this image: a web service and its worker share one. */
  services: string[];
  /** Full repository without a tag: `<registry>/<project>-<service>`. */
  repository: string;
  /** Repository of the `migrate` target, when a service of the image needs one. */
  migrateRepository: string;
  /** Tags CI pushes: the release version and the commit; never `latest`. */
  tags: { release: string; commit: string };
  family: ImageFamily;
  /** Repository-relative paths. */
  dockerfile: string;
  dockerignore: string;
  context: string;
  /** The service folder inside the build context (`.` when the context is the folder). */
  folderInContext: string;
  /** Where the service folder lands in the image: the working directory of its processes. */
  workdir: string;
  /** The language runtime it is built and run with; none for a static site served as it is. */
  runtime?: RuntimeChoice;
  packageManager: PackageManagerModel;
  /** The workspace member's package name, for workspace-aware installs. */
  workspacePackage?: string;
  user: RuntimeUser;
  buildSecrets: BuildSecret[];
  /** The project's commands; `test` falls back to the toolchain's standard one (Go, Maven, Gradle). */
  commands: {
    build?: string;
    test?: string;
    install?: string;
    /**
     * Code generated from the sources before they build or test, with the package's binaries on PATH
     * (`prisma generate`: an install's postinstall cannot find a schema that is not copied yet).
     */
    generate?: string;
  };
  /** Where the build writes what is served or run, relative to the service folder. */
  buildOutput?: string;
  /** Python: the image installs the project itself (a package), not only its dependencies. */
  installsProject: boolean;
  /**
   * Repository-relative files whose change means new dependencies: what the Dockerfile copies before it
   * installs (live reload rebuilds on them, CI keys its caches on them).
   */
  dependencyFiles: string[];
  /** Static front ends built inside this image (their build lands in its sources); empty for most images. */
  frontEnds: EmbeddedFrontEndModel[];
  /** The service folder's source the image was planned from. */
  source: Service;
}

/**
 * A static front end another service serves: built in a stage of that service's image, its output copied
 * into the sources where the service reads it. It has no image, container or port of its own.
 */
export interface EmbeddedFrontEndModel {
  name: string;
  /** How it builds (runtime, package manager, lockfile, its own build context), as an image of its own would. */
  build: ImageModel;
  /** Its build context, relative to the serving image's build context (`.` when they are the same). */
  contextInHost: string;
  /** The folder its build writes, relative to its own build context (`../server/dist` may leave it). */
  output: string;
  /** The same folder, relative to the serving image's build context: where the serving service reads it. */
  builtInto: string;
}

/** Where one setting's value comes from. */
export type SettingValue =
  /** A part of a datastore connection: phase4 wires it locally and in every environment. */
  | { kind: 'datastore'; engine: DatastoreEngine; part: ConnectionPart | 'jdbc-url'; scheme?: string }
  /** A secret of the application's own (a signing key, an API token): random locally, from the secret manager elsewhere. */
  | { kind: 'secret' }
  /** Plain configuration, with the application's default when it has one. */
  | { kind: 'plain'; default?: string };

export interface SettingModel {
  name: string;
  secret: boolean;
  value: SettingValue;
}

export interface MigrationModel {
  tool: string;
  /** The command as the project writes it, run from the service folder. */
  command: string;
  /** Exec form in the service's image (same image, same working directory). */
  argv: string[];
  /**
   * False when the application migrates itself at start-up (Spring Boot with Flyway or Liquibase, or an
   * application that says so): then no separate job runs before it.
   */
  separate: boolean;
  /**
   * The image that runs it: the runtime image itself, or the Dockerfile's `migrate` stage (built from the
   * same sources) when the tool is not part of the runtime: Node's migration CLIs are usually development
   * dependencies, and Go's migration CLIs are separate programs.
   */
  target: 'runtime' | 'migrate';
  /** Installs the tool where it is a program of its own (Go's goose and golang-migrate): the migrate stage and CI run it. */
  install?: string;
}

export interface ServiceModel {
  name: string;
  path: string;
  kind: Service['kind'];
  language: Service['language'];
  framework: Service['framework'];
  /** The image it runs (shared with the other services of its folder). */
  image: ImageModel;
  /** Port it listens on inside its container; undefined for workers. */
  port?: number;
  health: HealthModel;
  /** The health check command inside the image; undefined for workers. */
  probe?: ProbeCommand;
  /** Exec-form command the container runs (ENTRYPOINT/CMD, compose `command`, Kubernetes `args`). */
  start: string[];
  /** Variables the start command sets for itself (`NODE_OPTIONS=... node server.js`), and the runtime's own. */
  environment: { name: string; value: string }[];
  /** True when `start` follows framework conventions because the project named no start command. */
  startGuessed: boolean;
  user: RuntimeUser;
  /** Folders the process writes to; mounted as tmpfs / emptyDir so the root filesystem stays read-only. */
  writablePaths: string[];
  uses: DatastoreModel[];
  settings: SettingModel[];
  migrations?: MigrationModel;
  /** Front ends served by nginx (static files) rather than a process of their own. */
  servedByNginx: boolean;
  source: Service;
}

export interface DatastoreModel {
  engine: EngineModule;
  /** Host name of the local container (compose service), unique among the services. */
  host: string;
  /** The database applications use, and its user (for engines that have them). */
  database?: string;
  user?: string;
  /** Secret names (file names under secrets/, secret manager keys): the application user's password first. */
  secrets: { name: string; purpose: string }[];
}

export interface StackModel {
  config: Config;
  project: {
    name: string;
    team: string;
    registry: string;
    domain: string;
    environments: EnvironmentModel[];
    production: EnvironmentModel;
  };
  services: ServiceModel[];
  /**
   * The back end that answers /api/ behind the front ends (same-origin routing): the first back end with a
   * port. nginx proxies to it, compose starts it first, Kubernetes lets front ends reach it.
   */
  apiBackend?: ServiceModel;
  images: ImageModel[];
  datastores: DatastoreModel[];
  database?: DatastoreModel;
  cache?: DatastoreModel;
  /** Facts for the report (an end-of-life runtime, a guessed start command), in service order. */
  notes: string[];
}
