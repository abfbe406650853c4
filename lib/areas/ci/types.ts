/**
 * The pipeline, independent of any CI platform: the jobs, in which stage, after what, in which environment
 * and behind which gate, with the commands each runs. Every platform module expresses this same pipeline in
 * its own idiom, so the five files agree on order, gates and commands (tests parse them back into this form).
 */

/** Stages in the order they run; a job runs only after every job of the stages before it that it needs. */
export const stages = ['lint', 'test', 'security', 'build', 'deploy', 'smoke', 'approve', 'production'] as const;
export type Stage = (typeof stages)[number];

/** A container the test job talks to, with the platform-neutral facts each platform needs to start it. */
export interface ServiceContainer {
  /** Host name the tests reach it by (GitLab alias, GitHub service id, Azure service name). */
  name: string;
  image: string;
  port: number;
  env: { name: string; value: string }[];
  /** Command that succeeds once it accepts connections (GitHub `--health-cmd`, CircleCI `dockerize`-free waits). */
  health: string;
}

export interface Coverage {
  /** The report(s) the job writes, relative to the job's working folder. */
  report: string;
  format: 'cobertura' | 'jacoco' | 'lcov';
}

/** A service's lint or test job: runs in the service's build image, from its folder. */
export interface LanguageJob {
  id: string;
  service: string;
  /** Repository-relative folder the install runs in (the build context: a workspace root or the service). */
  installDir: string;
  /** Repository-relative folder the commands run in (the service folder). */
  workdir: string;
  /** The runtime's build image (the same `node`, `python`, `golang`, `maven` image the Dockerfile builds with). */
  image: string;
  install: string[];
  run: string[];
  /** Files whose content keys the package cache. */
  cacheKeyFiles: string[];
  /** Folders the package manager caches, relative to the job's home (see cacheEnv). */
  cache: { paths: string[]; env: { name: string; value: string }[] };
}

export interface TestJob extends LanguageJob {
  datastores: ServiceContainer[];
  /**
   * The settings the tests read, for a given host of each datastore: GitHub and GitLab reach service
   * containers by name, CircleCI on localhost.
   */
  settings: (hostOf: (container: ServiceContainer) => string) => { name: string; value: string }[];
  coverage?: Coverage;
  /** Why coverage is not measured, when it cannot be (a test command phase4 cannot wrap). */
  coverageNote?: string;
}

/** A check of a file phase4 generated, run in the official image of its tool. */
export interface GeneratedCheck {
  id: string;
  title: string;
  image: string;
  /** Shell command run from the repository root inside that image. */
  command: string;
}

/** A security scan, run in its tool's official image from the repository root. */
export interface SecurityJob extends GeneratedCheck {
  /** Whether it reads the whole history (the secret scan), not only the checked-out commit. */
  history: boolean;
}

export interface ImageJob {
  /** The image's name: its owning service. */
  name: string;
  repository: string;
  migrateRepository?: string;
  dockerfile: string;
  context: string;
}

export interface PipelineEnvironment {
  name: string;
  url: string;
  namespace: string;
  isProduction: boolean;
  /** The branch whose pushes deploy here. */
  branch: string;
  /** The environment deployed (and smoke-tested) just before this one in the same run, if any. */
  after?: string;
}

/** One job of the canonical graph, what tests compare across platforms. */
export interface PipelineJob {
  id: string;
  stage: Stage;
  needs: string[];
  environment?: string;
}

export interface Pipeline {
  project: string;
  trunk: string;
  cloud: 'aws' | 'gcp' | 'azure';
  orchestration: 'kustomize' | 'helm' | 'none';
  strategy: 'rolling' | 'blue-green' | 'canary';
  coverageThreshold: number;
  freeze: { window: string; timezone: string } | undefined;
  lint: LanguageJob[];
  tests: TestJob[];
  checks: GeneratedCheck[];
  security: SecurityJob[];
  images: ImageJob[];
  environments: PipelineEnvironment[];
  /** The branches whose pushes run the pipeline: the trunk, then any environment's own branch. */
  branches: string[];
  production: PipelineEnvironment;
  /** Whether the production deploy takes a backup of a database first. */
  backup: boolean;
  jobs: PipelineJob[];
  /** Tool images the shared scripts run in. */
  tools: Record<string, string>;
}
