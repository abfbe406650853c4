import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTool } from '../../helpers/tools.js';

export interface KustomizeBuild {
  /** Empty means `kubectl kustomize` built the overlay without an error or a warning. */
  problems: string[];
  /** The built manifests written to a file, for kubeconform (kubeconform.ts) and trivy (trivy-config.ts). */
  manifest: string | undefined;
}

/** The kustomize inside the machine's kubectl (`kubectl version --client -o json`), e.g. v5.5.0. */
export const kustomizeVersion = (): string => {
  const result = runTool('kubectl', ['version', '--client', '-o', 'json'], { env: { KUBECONFIG: '/dev/null' } });
  if (result.status !== 0) throw new Error(`kubectl version --client (exit status ${result.status}): ${result.output}`);
  const version = (JSON.parse(result.stdout) as { kustomizeVersion?: string }).kustomizeVersion;
  if (!version) throw new Error(`kubectl version --client names no kustomize version:\n${result.stdout}`);
  return version;
};

/**
 * Builds one kustomization folder (a base or an overlay) with the kustomize built into the machine's kubectl:
 * `KUBECONFIG=/dev/null kubectl kustomize DIR` (no cluster, no network). A missing resource, a patch whose target
 * does not exist, an unknown kustomization field fail; so does any warning on stderr (kustomize warns, and
 * exits 0, for deprecated fields such as `commonLabels` or `patchesStrategicMerge`: phase4 must not emit them).
 * A missing kubectl throws (runTool). The output goes to `outDir` (a temp folder by default) as
 * `<folder name>.kustomized.yaml`.
 */
export const kustomizeBuild = (dir: string, options: { outDir?: string } = {}): KustomizeBuild => {
  if (!['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((name) => existsSync(path.join(dir, name)))) {
    return { problems: [`${dir}: no kustomization.yaml`], manifest: undefined };
  }
  const result = runTool('kubectl', ['kustomize', dir], { env: { KUBECONFIG: '/dev/null' } });
  if (result.status !== 0) return { problems: [`kubectl kustomize ${dir} (exit status ${result.status}):\n${result.output}`], manifest: undefined };
  const problems: string[] = [];
  if (result.stderr.trim() !== '') problems.push(`kubectl kustomize ${dir} warned:\n${result.stderr}`);
  if (result.stdout.trim() === '') problems.push(`kubectl kustomize ${dir} built nothing`);
  const outDir = options.outDir ?? mkdtempSync(path.join(os.tmpdir(), 'phase4-kustomize-out-'));
  mkdirSync(outDir, { recursive: true });
  const manifest = path.join(outDir, `${path.basename(path.resolve(dir))}.kustomized.yaml`);
  writeFileSync(manifest, result.stdout);
  return { problems, manifest };
};
