/**
 * One deployable unit of the user's repository. Detection proposes these; the answers file, flags or
 * `.yo-rc.json` may override any field. The stack model (lib/model) derives every shared fact from here.
 */

export const serviceKinds = ['frontend', 'backend', 'worker'] as const;
export const languages = ['node', 'python', 'go', 'java', 'static'] as const;

/** Frameworks by language: the pairing is checked, so `python` + `express` is rejected. */
export const frameworksByLanguage = {
  node: ['react', 'vue', 'angular', 'svelte', 'next', 'nuxt', 'sveltekit', 'express', 'fastify', 'nestjs', 'koa', 'hono', 'none'],
  python: ['fastapi', 'django', 'flask', 'celery', 'none'],
  go: ['net-http', 'gin', 'echo', 'chi', 'fiber', 'none'],
  java: ['spring-boot', 'none'],
  static: ['static'],
} as const;

/** Front ends built into static files that nginx serves. */
export const staticFrontendFrameworks = ['react', 'vue', 'angular', 'svelte', 'static'] as const;
/** Front ends that run a server of their own (server-side rendering): a Node.js process, not nginx. */
export const serverFrontendFrameworks = ['next', 'nuxt', 'sveltekit'] as const;
/** Every framework a `frontend` may use. */
export const frontendFrameworks = [...staticFrontendFrameworks, ...serverFrontendFrameworks] as const;
/** Frameworks that only run workers (no port). */
export const workerFrameworks = ['celery'] as const;

export const packageManagersByLanguage = {
  node: ['npm', 'pnpm', 'yarn', 'bun'],
  python: ['pip', 'poetry', 'uv', 'pdm', 'pipenv'],
  go: ['go'],
  java: ['maven', 'gradle'],
  static: ['none'],
} as const;

/** The datastore engines phase4 runs locally and provisions in the cloud. */
export const datastoreEngines = ['postgres', 'mysql', 'mongodb', 'redis'] as const;

/** Schema-migration tools phase4 knows how to run before the application starts. */
export const migrationTools = [
  'alembic',
  'django',
  'prisma',
  'drizzle',
  'knex',
  'typeorm',
  'sequelize',
  'node-pg-migrate',
  'golang-migrate',
  'goose',
  'flyway',
  'liquibase',
  'other',
] as const;

export type ServiceKind = (typeof serviceKinds)[number];
export type Language = (typeof languages)[number];
export type Framework = (typeof frameworksByLanguage)[Language][number];
export type PackageManager = (typeof packageManagersByLanguage)[Language][number];
export type DatastoreEngine = (typeof datastoreEngines)[number];
export type MigrationTool = (typeof migrationTools)[number];

export interface ServiceCommands {
  install?: string;
  build?: string;
  test?: string;
  lint?: string;
  /**
   * The production start command, run from the service folder, without wrappers that only load env files
   * (`dotenv --`): the container's environment provides the settings. Go and Java services run their
   * binary or jar and need none.
   */
  start?: string;
}

/** A setting the application reads from its environment. */
export interface ServiceSetting {
  /** The environment variable, e.g. SECRET_KEY. */
  name: string;
  /** Passwords, keys, tokens and URLs with credentials: never written into generated files. */
  secret?: boolean;
  /** The value the application uses when the variable is unset (never kept for secrets). */
  default?: string;
  /**
   * For a datastore URL, the scheme the application's driver expects when it is not the engine's plain
   * one: `postgresql+psycopg` (SQLAlchemy with psycopg 3), `postgresql+asyncpg`, `postgres`, `rediss`.
   */
  scheme?: string;
}

export interface ServiceMigrations {
  tool: MigrationTool;
  /** Run from the service folder, with the service's settings, before the new version starts. */
  command: string;
}

export interface Service {
  name: string;
  /** Folder relative to the repository root, `.` for the root itself; always forward slashes. */
  path: string;
  kind: ServiceKind;
  language: Language;
  framework: Framework;
  packageManager: PackageManager;
  /** The package manager version the project declares (`packageManager` field, `required-version`). */
  packageManagerVersion?: string;
  /** The runtime version the project declares, as it declares it (`>=3.10,<4.0`, `22`, `1.24.2`, `21`). */
  runtimeVersion?: string;
  /** The port it listens on; workers listen on none. */
  port?: number;
  /** Its HTTP health route; without one, probes check that the port accepts connections. */
  healthPath?: string;
  commands: ServiceCommands;
  /**
   * Folder the image is built from, when it is not `path`: the workspace root for a workspace package
   * whose lockfile lives there. Always `path` itself or one of its parents.
   */
  buildContext?: string;
  /** The lockfile installs are frozen to, relative to the repository root; absent when there is none. */
  lockfile?: string;
  /** The package's name inside its workspace (pnpm `--filter`, uv `--package`, yarn `workspaces focus`). */
  workspacePackage?: string;
  /** Where the build writes what runs or is served, relative to `path` (Vite `dist`, Angular `dist/x/browser`). */
  buildOutput?: string;
  /**
   * A static front end that another service serves: the name of that service. Its build runs inside that
   * service's image and lands in `builtInto`; it is never deployed on its own (no port, no container).
   */
  servedBy?: string;
  /**
   * With `servedBy`: the folder the build writes, relative to the repository root, where the serving
   * service reads it (a Vite `outDir` in the back end's sources, a Go `//go:embed` folder).
   */
  builtInto?: string;
  /**
   * Python: the project is an installable package (its pyproject.toml declares a build system), so the image
   * installs it: a src/ layout is importable and its console scripts exist only once it is installed.
   */
  installable?: boolean;
  /** Datastores the service connects to. */
  uses?: DatastoreEngine[];
  /** Settings it reads from its environment. */
  settings?: ServiceSetting[];
  /** How its schema migrations run, when it has any. */
  migrations?: ServiceMigrations;
}

export const commandNames = ['install', 'build', 'test', 'lint', 'start'] as const;
export const serviceFields = [
  'name',
  'path',
  'kind',
  'language',
  'framework',
  'packageManager',
  'packageManagerVersion',
  'runtimeVersion',
  'port',
  'healthPath',
  'commands',
  'buildContext',
  'lockfile',
  'workspacePackage',
  'buildOutput',
  'servedBy',
  'builtInto',
  'installable',
  'uses',
  'settings',
  'migrations',
] as const;
export const requiredServiceFields = ['name', 'path', 'kind', 'language'] as const;
export const settingFields = ['name', 'secret', 'default', 'scheme'] as const;
export const urlSchemePattern = /^[a-z][a-z0-9+.-]{0,40}$/;

/** DNS-1123 label: what Kubernetes, compose and most clouds accept as a name. */
export const dnsLabel = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const dnsLabelHint = 'lowercase letters, digits and "-", starting with a letter, at most 63 characters';
export const healthPathPattern = /^\/[A-Za-z0-9._~\/-]*$/;
/** A version or range as projects write them: `22`, `^20.11`, `>=3.10,<4.0`, `~=3.12`, `1.24.2`, `21`. */
export const versionPattern = /^[0-9A-Za-z.*^~<>=!,| x+-]{1,100}$/;
/** A repository-relative path: no absolute paths, no `..`, forward slashes. */
export const relativePathPattern = /^(\.|[A-Za-z0-9_@.+-]+(\/[A-Za-z0-9_@.+-]+)*)$/;
/** An npm, PyPI or Go package name. */
export const packageNamePattern = /^(@[A-Za-z0-9._-]+\/)?[A-Za-z0-9._-]+$/;
export const settingNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const isStaticFrontend = (service: Pick<Service, 'kind' | 'framework'>): boolean =>
  service.kind === 'frontend' && (staticFrontendFrameworks as readonly string[]).includes(service.framework);
