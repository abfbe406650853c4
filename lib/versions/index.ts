/**
 * The pinned versions of everything phase4 emits, read from versions.json (the one file Renovate bumps).
 * Templates get references such as `node:24.19.0-trixie-slim` from here and never spell versions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';

export interface PinnedImage {
  image: string;
  tag: string;
}

/** One version line of a runtime: the newest release of that line, its image, and when it stops being supported. */
export interface RuntimeTrack extends Partial<PinnedImage> {
  version: string;
  /** End of upstream support (YYYY-MM-DD), when known. */
  eol?: string;
}

export interface JavaTrack extends RuntimeTrack {
  jdk: PinnedImage;
  jre: PinnedImage;
  maven: PinnedImage;
  gradle: PinnedImage;
}

export type RuntimeName = 'node' | 'bun' | 'python' | 'go' | 'java';

interface VersionsFile {
  runtimes: { node: RuntimeTrack[]; bun: RuntimeTrack[]; python: RuntimeTrack[]; go: RuntimeTrack[]; java: JavaTrack[] };
  images: Record<string, PinnedImage>;
  tools: Record<string, { package: string; version: string; datasource: string }>;
}

// Read at run time rather than imported, so the file stays plain JSON at one path in sources and builds.
const versions: VersionsFile = JSON.parse(readFileSync(path.join(packageRoot, 'lib', 'versions', 'versions.json'), 'utf8'));

export const refOf = (pinned: PinnedImage): string => `${pinned.image}:${pinned.tag}`;

/** `image:tag` of a pinned image; an unknown key is a programming error. */
export const imageRef = (key: string): string => {
  const entry = versions.images[key];
  if (!entry) throw new Error(`internal: no pinned image '${key}' in lib/versions/versions.json`);
  return refOf(entry);
};

export const toolVersion = (key: string): string => {
  const entry = versions.tools[key];
  if (!entry) throw new Error(`internal: no pinned tool '${key}' in lib/versions/versions.json`);
  return entry.version;
};

/** The tracks of a runtime, newest first. */
export const runtimeTracks = <R extends RuntimeName>(runtime: R): VersionsFile['runtimes'][R] => versions.runtimes[runtime];

/** Every pinned image reference in the file, runtime tracks included (for tests). */
export const allImageRefs = (): string[] => {
  const refs: string[] = Object.values(versions.images).map(refOf);
  const visit = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.image === 'string' && typeof record.tag === 'string') refs.push(`${record.image}:${record.tag}`);
    for (const child of Object.values(record)) visit(child);
  };
  visit(versions.runtimes);
  return refs;
};

export const allImages = () => versions.images;
export const allTools = () => versions.tools;

/** A GitHub Action pinned by commit, with its release in a comment: `actions/checkout@<sha> # v5.0.0`. */
export const actionRef = (key: string): string => {
  const entry = (versions as unknown as { actions: Record<string, { action: string; version: string; sha: string }> }).actions?.[key];
  if (!entry) throw new Error(`internal: no pinned action '${key}' in lib/versions/versions.json`);
  return `${entry.action}@${entry.sha} # ${entry.version}`;
};

export const allActions = (): Record<string, { action: string; version: string; sha: string }> =>
  (versions as unknown as { actions: Record<string, { action: string; version: string; sha: string }> }).actions ?? {};

/** A CircleCI machine-executor image pinned by its dated tag: `ubuntu-2404:2025.09.1`. */
export const machineImage = (key: string): string => {
  const entry = (versions as unknown as { machineImages?: Record<string, { name: string; version: string }> }).machineImages?.[key];
  if (!entry) throw new Error(`internal: no pinned machine image '${key}' in lib/versions/versions.json`);
  return `${entry.name}:${entry.version}`;
};

/** An Azure Pipelines task at its pinned major version: `AzureCLI@2`. */
export const azureTaskRef = (key: string): string => {
  const entry = (versions as unknown as { azureTasks?: Record<string, { task: string; version: string }> }).azureTasks?.[key];
  if (!entry || typeof entry !== 'object') throw new Error(`internal: no pinned Azure Pipelines task '${key}' in lib/versions/versions.json`);
  return `${entry.task}@${entry.version}`;
};

interface TerraformPins {
  core: { constraint: string };
  providers: Record<string, { source: string; version: string; constraint: string }>;
  managed: Record<string, Record<string, string>>;
}

/** Terraform's version constraint, each provider's source and constraint, and the managed services' versions. */
export const terraformPins = (): TerraformPins => (versions as unknown as { terraform: TerraformPins }).terraform;

/** A Helm chart pinned in versions.json: its name, chart repository and version. */
export interface PinnedChart {
  chart: string;
  repository: string;
  version: string;
}

/** A pinned Helm chart; an unknown key is a programming error. */
export const helmChart = (key: string): PinnedChart => {
  const entry = (versions as unknown as { helmCharts?: Record<string, PinnedChart | string> }).helmCharts?.[key];
  if (!entry || typeof entry !== 'object') throw new Error(`internal: no pinned Helm chart '${key}' in lib/versions/versions.json`);
  return entry;
};

/** Every pinned Helm chart (for tests). */
export const allHelmCharts = (): Record<string, PinnedChart> =>
  Object.fromEntries(
    Object.entries((versions as unknown as { helmCharts?: Record<string, PinnedChart | string> }).helmCharts ?? {}).filter(
      (entry): entry is [string, PinnedChart] => typeof entry[1] === 'object',
    ),
  );
