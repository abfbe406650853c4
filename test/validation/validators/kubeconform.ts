import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import { runTool, validatorsHome, type ToolResult } from '../../helpers/tools.js';
import { unreadableFiles } from './actionlint.js';
import { inBatches, type Validator } from './types.js';

/**
 * The schemas scripts/setup-validators.sh generates (test/validation/k8s-schemas): one strict JSON Schema per
 * Kubernetes kind of the pinned k8s.io/kubernetes, and one per served version of the pinned CRDs. Only strict
 * files exist (their names end in `-strict`, which kubeconform's `{{ .StrictSuffix }}` adds under -strict):
 * a run without -strict finds no schema and fails instead of validating loosely.
 */
export const k8sSchemasDir = () => path.join(validatorsHome(), 'k8s-schemas');

/**
 * Schemas phase4 writes itself, for CRDs whose modules the Go module proxy refuses (Google Managed Prometheus's
 * PodMonitoring): same layout as the generated `crds/`, strict only.
 */
export const localCrdSchemasDir = path.join(repoRoot, 'test', 'validation', 'k8s-schemas-local');

/** kubeconform's options: strict, schemas from disk only (never its default URL), every finding per resource. */
export const kubeconformArgs = (schemas = k8sSchemasDir()): string[] => [
  '-strict',
  '-schema-location',
  path.join(schemas, 'kubernetes', '{{ .ResourceKind }}{{ .KindSuffix }}{{ .StrictSuffix }}.json'),
  '-schema-location',
  path.join(schemas, 'crds', '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}{{ .StrictSuffix }}.json'),
  '-schema-location',
  path.join(localCrdSchemasDir, '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}{{ .StrictSuffix }}.json'),
  '-output',
  'json',
  '-verbose',
];

/** Why the generated schemas cannot be used, or undefined: a missing folder would fail every kind as "no schema". */
export const missingSchemas = (schemas = k8sSchemasDir()): string | undefined => {
  const kubernetes = path.join(schemas, 'kubernetes');
  const crds = path.join(schemas, 'crds');
  if (!existsSync(kubernetes) || readdirSync(kubernetes).length === 0 || !existsSync(crds) || readdirSync(crds).length === 0) {
    return `kubeconform's schemas are missing under ${schemas}: run scripts/setup-validators.sh (npm test runs it)`;
  }
  return undefined;
};

interface Resource {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: string;
  msg: string;
  validationErrors?: { path: string; msg: string }[];
}

/**
 * What one `kubeconform -output json -verbose` run says: a problem per resource that is not valid (invalid,
 * an error such as "could not find schema", skipped, which nothing here asks for), or the run itself when it
 * did not end as kubeconform ends: JSON on stdout, exit status 0 with every resource valid or 1 with at least one
 * problem. A file with no resource at all is a problem too: an empty manifest proves nothing.
 */
export const kubeconformFindings = (files: string[], result: Pick<ToolResult, 'status' | 'stdout' | 'output'>): string[] => {
  const broken = (why: string) => [`kubeconform ${why} (exit status ${result.status}) over ${files.join(' ')}:\n${result.output}`];
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    return broken('printed no JSON');
  }
  const resources = (parsed as { resources?: unknown }).resources;
  if (!Array.isArray(resources)) return broken('printed JSON without a list of resources');
  // An empty document (a lone `---`, or only comments as in `helm template` output) has an empty status.
  const documents = (resources as Resource[]).filter((resource) => resource.status !== '');
  const problems = documents
    .filter((resource) => resource.status !== 'statusValid')
    .flatMap((resource) => {
      const where = `${resource.filename}: ${resource.kind || '?'} ${resource.name || '?'} (${resource.version || 'no apiVersion'})`;
      const details = schemaErrors(resource.msg);
      if (details.length === 0) details.push(...(resource.validationErrors ?? []).map((error) => `${error.path || '/'}: ${error.msg}`));
      if (details.length === 0) return [`${where}: ${resource.status.replace(/^status/, '').toLowerCase()}: ${resource.msg}`];
      return details.map((detail) => `${where}: ${detail}`);
    });
  const seen = new Set(documents.map((resource) => path.resolve(resource.filename)));
  for (const file of files) if (!seen.has(path.resolve(file))) problems.push(`${file}: no Kubernetes resource in it`);
  const failed = problems.length > 0;
  if ((result.status === 0 && !failed) || (result.status === 1 && failed)) return problems;
  return [...broken(failed ? 'failed' : 'failed without a finding'), ...problems];
};

/**
 * The leaf errors in kubeconform's message: its `validationErrors` list only the first level ("/spec: validation
 * failed"), while `msg` holds every cause as ` - at '/spec/replicas': got string, want integer`.
 */
export const schemaErrors = (msg: string): string[] => {
  const errors = [...msg.matchAll(/- at '([^']*)': (.*?)(?=\s+- at '|$)/gs)].map((match) => `${match[1] || '/'}: ${match[2].trim()}`);
  const specific = errors.filter((error) => !error.endsWith(': validation failed'));
  return specific.length > 0 ? specific : errors;
};

/** Validates manifest files (several documents each is fine) against the strict schemas; empty means valid. */
export const checkManifests = (files: string[]): string[] => {
  const unreadable = unreadableFiles('kubeconform', files);
  if (unreadable.length > 0) return unreadable;
  const missing = missingSchemas();
  if (missing) return [missing];
  return inBatches(files).flatMap((batch) => kubeconformFindings(batch, runTool('kubeconform', [...kubeconformArgs(), ...batch])));
};

/**
 * Plain manifests phase4 writes under a `k8s/` folder. Not kustomization files (kubectl kustomize reads them,
 * kustomize.ts), not overlay patches (partial objects: validate the overlay's `kubectl kustomize` output
 * instead), not Helm charts (raw templates are not YAML: validate `helm template` output, helm.ts).
 */
export const plainManifestPath = (file: string): boolean =>
  /(^|\/)k8s\/.*\.ya?ml$/.test(file) &&
  !/(^|\/)kustomization\.ya?ml$/.test(file) &&
  !/(^|\/)(overlays|components|charts?)\//.test(file);

export const kubeconform: Validator = {
  name: 'kubeconform',
  applies: plainManifestPath,
  mustReject: {
    path: 'k8s/deployment.yaml',
    contents:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selectr:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n',
  },
  check: checkManifests,
};
