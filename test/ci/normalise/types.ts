/**
 * One pipeline file read back into a platform-neutral form, so the same assertions run on every platform's
 * output: which jobs exist, what each waits for, where it deploys, who must approve it, what it runs.
 */
export interface NormalJob {
  /** The canonical job id (Pipeline.jobs): platforms name their jobs, stages or steps after it. */
  id: string;
  /** The jobs it waits for directly: `needs`, `dependsOn`, `requires`, or the stage before it in a sequential pipeline. */
  after: string[];
  /** The deployment environment it runs in, if any. */
  environment?: string;
  /** A person must approve before it runs, in the platform's own way (how, in words, for messages). */
  approval?: string;
  /** Its shell commands, in order (each `run:`, `script:` or `sh` line). */
  commands: string[];
  /** It obtains an OIDC identity token (id-token permission, id_tokens, CIRCLE_OIDC_TOKEN, a federated service connection). */
  oidc: boolean;
  /** It receives the image digests the build jobs wrote (artifacts, workspace, stash). */
  digests: boolean;
}

export interface NormalPipeline {
  jobs: NormalJob[];
}

/** A platform's reader: the pipeline file(s) it writes, by repository-relative path, to the normal form. */
export interface Normaliser {
  /** The files it reads. */
  files: string[];
  /** `production` names the environment behind the approval (platforms whose gate is a setting of it mark its jobs). */
  read: (files: Map<string, string>, production: string) => NormalPipeline;
  /** Platforms without OIDC for some jobs say so here; the test then checks the docs explain the alternative. */
  oidc: boolean;
}
