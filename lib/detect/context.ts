/** What every language detector receives, and what it returns. */
import type { RepoIndex } from './repo-index.js';
import type { DetectedService, NotAService } from './types.js';
import type { Workspace } from './workspaces.js';

export interface DetectContext {
  index: RepoIndex;
  workspaces: readonly Workspace[];
  /**
   * Every folder holding a manifest of any language. A service's source scan skips those nested inside its
   * own folder: they are services (or libraries) of their own.
   */
  manifestFolders: readonly string[];
  /** Facts worth telling the user, collected across detectors (shown in the report and `phase4 detect`). */
  notes: string[];
}

/**
 * A language detector looks at one folder. It returns the services found there (one folder may hold a web
 * service and its worker), a reason why the folder is not a service, or undefined when the folder holds
 * nothing of its language.
 */
export type DetectorResult = { services: DetectedService[] } | { notService: NotAService } | undefined;

export type ServiceDetector = (folder: string, context: DetectContext) => DetectorResult;

/** Folders below `folder` that hold manifests of their own (other services or libraries). */
export const nestedManifestFolders = (context: DetectContext, folder: string): string[] =>
  context.manifestFolders.filter((other) => other !== folder && (folder === '.' || other.startsWith(`${folder}/`)));
