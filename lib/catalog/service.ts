/**
 * One deployable unit of the user's repository. Detection proposes these; the answers file, flags or
 * `.yo-rc.json` may override any field. Every generated artifact derives names, ports and probes from here.
 */

export const serviceKinds = ['frontend', 'backend', 'worker'] as const;
export const languages = ['node', 'python', 'go', 'java', 'static'] as const;

/** Frameworks by language: the pairing is checked, so `python` + `express` is rejected. */
export const frameworksByLanguage = {
  node: ['react', 'vue', 'angular', 'svelte', 'express', 'fastify', 'nestjs', 'none'],
  python: ['fastapi', 'django', 'flask', 'none'],
  go: ['net-http', 'gin', 'echo', 'none'],
  java: ['spring-boot', 'none'],
  static: ['static'],
} as const;

export const frontendFrameworks = ['react', 'vue', 'angular', 'svelte', 'static'] as const;

export const packageManagersByLanguage = {
  node: ['npm', 'pnpm', 'yarn'],
  python: ['pip', 'poetry', 'uv'],
  go: ['go'],
  java: ['maven', 'gradle'],
  static: ['none'],
} as const;

export type ServiceKind = (typeof serviceKinds)[number];
export type Language = (typeof languages)[number];
export type Framework = (typeof frameworksByLanguage)[Language][number];
export type PackageManager = (typeof packageManagersByLanguage)[Language][number];

export interface ServiceCommands {
  install?: string;
  build?: string;
  test?: string;
  lint?: string;
}

export interface Service {
  name: string;
  /** Folder relative to the repository root, `.` for the root itself; always forward slashes. */
  path: string;
  kind: ServiceKind;
  language: Language;
  framework: Framework;
  packageManager: PackageManager;
  port: number;
  healthPath: string;
  commands: ServiceCommands;
  /**
   * Folder the image is built from, when it is not `path`: the workspace root for a workspace package
   * whose lockfile lives there. Always `path` itself or one of its parents.
   */
  buildContext?: string;
}

export const commandNames = ['install', 'build', 'test', 'lint'] as const;
export const serviceFields = [
  'name',
  'path',
  'kind',
  'language',
  'framework',
  'packageManager',
  'port',
  'healthPath',
  'commands',
  'buildContext',
] as const;
export const requiredServiceFields = ['name', 'path', 'kind', 'language', 'port'] as const;

/** DNS-1123 label: what Kubernetes, compose and most clouds accept as a name. */
export const dnsLabel = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const dnsLabelHint = 'lowercase letters, digits and "-", starting with a letter, at most 63 characters';
export const healthPathPattern = /^\/[A-Za-z0-9._~\/-]*$/;
