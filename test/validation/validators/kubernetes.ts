/**
 * The Kubernetes output as the matrix checks it: every Kustomize overlay (and deploy/cluster) built with
 * `kubectl kustomize`, every Helm chart linted and rendered with each of its values files; then every rendered
 * object through kubeconform's strict schemas (CRDs included) and trivy's misconfiguration checks at every
 * severity. trivy's only allowed findings are the exceptions listed, with their reasons, in
 * test/validation/kubernetes-exceptions.yaml.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from '../../helpers/paths.js';
import { runTool } from '../../helpers/tools.js';
import { checkHelmChart } from './helm.js';
import { checkManifests } from './kubeconform.js';
import { kustomizeBuild } from './kustomize.js';
import { trivyConfigArgs, trivyFindings } from './trivy-config.js';
import type { Validator } from './types.js';

/** A rendered object: whatever the tools wrote, read field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubernetesObject = Record<string, any>;

export const readObjects = (file: string): KubernetesObject[] =>
  parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null && typeof object === 'object' && 'kind' in object);

interface TrivyException {
  check: string;
  /** The finding is excepted only for containers running as this user, */
  runAsUser?: number;
  /** or only for objects of this kind. */
  kind?: string;
  reason: string;
}

export const trivyExceptions = (): TrivyException[] =>
  (parseAllDocuments(readFileSync(path.join(repoRoot, 'test', 'validation', 'kubernetes-exceptions.yaml'), 'utf8'))[0].toJS() as { exceptions: TrivyException[] })
    .exceptions;

/** The pod spec of a workload object, whatever its kind. */
const podSpecOf = (object: KubernetesObject): KubernetesObject | undefined =>
  object.kind === 'Pod' ? object.spec : object.kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template?.spec : object.spec?.template?.spec;

const runAsUserOf = (object: KubernetesObject, container: string): number | undefined => {
  const pod = podSpecOf(object);
  const found = (pod?.containers ?? []).find((candidate: KubernetesObject) => candidate.name === container);
  return found?.securityContext?.runAsUser ?? pod?.securityContext?.runAsUser;
};

/**
 * trivy does not know Argo Rollouts: a Rollout's pod template would go unchecked. It is scanned as the
 * Deployment it replaces (same pod template), so every container phase4 writes meets the same checks.
 */
const asScannable = (object: KubernetesObject): KubernetesObject =>
  object.kind === 'Rollout' ? { ...object, apiVersion: 'apps/v1', kind: 'Deployment', spec: { ...object.spec, strategy: { type: 'RollingUpdate' } } } : object;

/** What trivy's KSV-0125 takes for an image's registry: the first part of a name that has several. */
const registryOf = (image: string): string | undefined => (image.includes('/') ? image.split('/')[0] : undefined);

/**
 * trivy over rendered manifests: one run over copies (Rollouts scanned as Deployments), the registries of the
 * project's own images and of the health checks' pinned curl image as KSV-0125's trusted list, and the listed
 * exceptions removed. Empty means no finding.
 */
export const trivyOnRenders = (manifests: string[]): string[] => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phase4-trivy-k8s-'));
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'phase4-trivy-cache-'));
  try {
    const objects = new Map<string, KubernetesObject[]>();
    const originals = new Map<string, string>();
    const registries = new Set<string>();
    manifests.forEach((manifest, index) => {
      const scannable = readObjects(manifest).map(asScannable);
      const copy = path.join(dir, `${index}-${path.basename(manifest)}`);
      writeFileSync(copy, scannable.map((object) => stringify(object)).join('---\n'));
      objects.set(path.basename(copy), scannable);
      originals.set(copy, manifest);
      for (const object of scannable) for (const container of podSpecOf(object)?.containers ?? []) {
          const registry = registryOf(container.image);
          if (registry) registries.add(registry);
        }
    });
    const dataDir = path.join(cacheDir, 'data');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'trusted-registries.json'), JSON.stringify({ ksv0125: { trusted_registries: [...registries].sort() } }));
    const result = runTool('trivy', [...trivyConfigArgs(cacheDir), '--config-data', dataDir, dir], { timeout: 300_000 });
    const findings = trivyFindings(dir, result);
    const exceptions = trivyExceptions();
    const kept = findings.filter((finding) => {
      const about = finding.match(/\[(KSV-\d+) \w+\] .*?: (\w+) '[^']+' in '[^']+' namespace/);
      if (about && exceptions.some((exception) => exception.check === about[1] && exception.kind === about[2])) return false;
      const match = finding.match(/^(.*?)(?::\d+)? \[(KSV-\d+) \w+\] .*?Container '([^']+)' of (\w+) '([^']+)'/);
      if (!match) return true;
      const [, file, check, container, kind, name] = match;
      const object = objects.get(path.basename(file))?.find((candidate) => candidate.kind === kind && candidate.metadata?.name === name);
      const user = object ? runAsUserOf(object, container) : undefined;
      return !exceptions.some((exception) => exception.check === check && exception.runAsUser !== undefined && exception.runAsUser === user);
    });
    // Findings name the rendered manifest they are in, not the scanned copy.
    return kept.map((finding) => {
      for (const [copy, original] of originals) if (finding.startsWith(copy)) return `${original}${finding.slice(copy.length)}`;
      return finding;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
};

/**
 * kubeconform and trivy over rendered manifests; `sources` names what each manifest was rendered from, so a
 * finding points at the overlay or values file rather than a temp file.
 */
export const checkRenders = (manifests: string[], sources = new Map<string, string>()): string[] => {
  if (manifests.length === 0) return [];
  return [...checkManifests(manifests), ...trivyOnRenders(manifests)].map((problem) => {
    for (const [manifest, source] of sources) if (problem.includes(manifest)) return problem.split(manifest).join(`(${source})`);
    return problem;
  });
};

const kustomizationPath = (file: string): boolean =>
  /(^|\/)deploy\/cluster\/kustomization\.yaml$/.test(file) ||
  /(^|\/)deploy\/kustomize\/overlays\/[^/]+\/(migrations\/)?kustomization\.yaml$/.test(file) ||
  /^monitoring\/kustomization\.yaml$/.test(file) ||
  // The exporters (and Google Managed Prometheus's PodMonitorings) per environment; their base is not applied alone.
  /^monitoring\/kubernetes\/(exporters|google-cloud-monitoring)\/(?!base\/)[^/]+\/kustomization\.yaml$/.test(file);

/** What rendering one input gave: its problems, and each rendered manifest with what it was rendered from. */
interface Rendered {
  problems: string[];
  renders: { manifest: string; source: string }[];
}

/** Renders every input into its own folder of a temp folder, then checks every render in one go. */
const renderAndCheck = (files: string[], prefix: string, render: (file: string, outDir: string) => Rendered): string[] => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    const rendered = files.map((file, index) => render(file, path.join(outDir, String(index))));
    const renders = rendered.flatMap((result) => result.renders);
    const sources = new Map(renders.map((result) => [result.manifest, result.source]));
    return [...rendered.flatMap((result) => result.problems), ...checkRenders([...sources.keys()], sources)];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
};

export const kustomizeOverlays: Validator = {
  name: 'kubectl kustomize + kubeconform + trivy',
  applies: kustomizationPath,
  mustReject: {
    path: 'kustomization.yaml',
    contents: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\n',
  },
  check: (files) =>
    renderAndCheck(files, 'phase4-kustomize-', (file, outDir) => {
      const build = kustomizeBuild(path.dirname(file), { outDir });
      return { problems: build.problems, renders: build.manifest ? [{ manifest: build.manifest, source: `kubectl kustomize ${path.dirname(file)}` }] : [] };
    }),
};

/** Every values file of a chart: values.yaml is the base of each, so each `values-<env>.yaml` is checked on top of it. */
export const environmentValues = (chartDir: string): string[] =>
  readdirSync(chartDir)
    .filter((name) => /^values-.+\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(chartDir, name));

export const helmCharts: Validator = {
  name: 'helm lint/template + kubeconform + trivy',
  applies: (file) => /(^|\/)deploy\/helm\/[^/]+\/Chart\.yaml$/.test(file),
  mustReject: {
    path: 'Chart.yaml',
    contents: 'apiVersion: v2\nname: broken\nversion: not-a-version\n',
  },
  check: (files) =>
    renderAndCheck(files, 'phase4-helm-', (file, outDir) => {
      const chartDir = path.dirname(file);
      const chart = path.basename(chartDir);
      const values = environmentValues(chartDir);
      const problems = values.length === 0 ? [`${chartDir}: no values-<environment>.yaml`] : [];
      const renders: Rendered['renders'] = [];
      for (const valuesFile of values) {
        const environment = path.basename(valuesFile).replace(/^values-|\.ya?ml$/g, '');
        const check = checkHelmChart(chartDir, [valuesFile], { release: chart, namespace: `${chart}-${environment}`, outDir: path.join(outDir, environment) });
        problems.push(...check.problems);
        for (const render of check.renders) if (render.manifest) renders.push({ manifest: render.manifest, source: `helm template ${chartDir} -f ${valuesFile}` });
      }
      return { problems, renders };
    }),
};
