import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTool } from '../../helpers/tools.js';

/** What helm said about one chart with one values file, and where its rendered manifests are. */
export interface HelmRender {
  /** The values file given with -f, or undefined for the chart's own values.yaml alone. */
  valuesFile: string | undefined;
  /** `helm template`'s output written to a file, for kubeconform (kubeconform.ts) and trivy (trivy-config.ts). */
  manifest: string | undefined;
}

export interface HelmChartCheck {
  /** Empty means helm lint --strict and helm template both accepted every values file. */
  problems: string[];
  renders: HelmRender[];
}

/**
 * helm's environment: its cache, configuration and data folders are fresh (no repository, plugin or registry
 * login of the caller's can change a result), and no kubeconfig (nothing here may reach a cluster).
 */
const helmEnvironment = (home: string) => ({
  HELM_CACHE_HOME: path.join(home, 'cache'),
  HELM_CONFIG_HOME: path.join(home, 'config'),
  HELM_DATA_HOME: path.join(home, 'data'),
  KUBECONFIG: '/dev/null',
});

/**
 * Runs, for each values file (or the chart's defaults alone when `valuesFiles` is empty), the Go build of helm
 * (scripts/setup-validators.sh) offline:
 *   - `helm lint --strict CHART -f VALUES`: template errors, bad YAML, values that violate the chart's
 *     values.schema.json, Chart.yaml problems; --strict fails on warnings too;
 *   - `helm template RELEASE CHART -f VALUES`: the manifests, written to `outDir` (a temp folder by default) as
 *     `<values file name>.rendered.yaml` for the caller to validate with kubeconform and trivy.
 * helm was built stamped with its Kubernetes client version (1.37), which charts see as .Capabilities.KubeVersion.
 * A missing helm throws (runTool). The caller deletes `outDir` (or gets a temp folder that the OS cleans).
 */
export const checkHelmChart = (
  chartDir: string,
  valuesFiles: string[],
  options: { release?: string; namespace?: string; outDir?: string } = {},
): HelmChartCheck => {
  if (!existsSync(path.join(chartDir, 'Chart.yaml'))) return { problems: [`${chartDir}: no Chart.yaml (not a Helm chart)`], renders: [] };
  const missing = valuesFiles.filter((file) => !existsSync(file) || !statSync(file).isFile());
  if (missing.length > 0) return { problems: missing.map((file) => `${file}: no such values file`), renders: [] };
  const release = options.release ?? 'release';
  const namespace = options.namespace ?? 'default';
  const outDir = options.outDir ?? mkdtempSync(path.join(os.tmpdir(), 'phase4-helm-out-'));
  mkdirSync(outDir, { recursive: true });
  const home = mkdtempSync(path.join(os.tmpdir(), 'phase4-helm-home-'));
  try {
    const env = helmEnvironment(home);
    const problems: string[] = [];
    const renders: HelmRender[] = [];
    for (const valuesFile of valuesFiles.length > 0 ? valuesFiles : [undefined]) {
      const values = valuesFile ? ['-f', valuesFile] : [];
      const label = `${chartDir}${valuesFile ? ` -f ${valuesFile}` : ''}`;
      const lint = runTool('helm', ['lint', '--strict', chartDir, ...values], { env });
      if (lint.status !== 0) problems.push(`helm lint --strict ${label} (exit status ${lint.status}):\n${lint.output}`);
      else if (/\[(ERROR|WARNING)\]/.test(lint.output)) problems.push(`helm lint --strict ${label} passed while reporting:\n${lint.output}`);
      const template = runTool('helm', ['template', release, chartDir, '--namespace', namespace, ...values], { env });
      if (template.status !== 0) {
        problems.push(`helm template ${label} (exit status ${template.status}):\n${template.output}`);
        renders.push({ valuesFile, manifest: undefined });
        continue;
      }
      if (template.stderr.trim() !== '') problems.push(`helm template ${label} warned:\n${template.stderr}`);
      if (template.stdout.trim() === '') problems.push(`helm template ${label} rendered nothing`);
      const manifest = path.join(outDir, `${valuesFile ? path.basename(valuesFile).replace(/\.ya?ml$/, '') : 'values'}.rendered.yaml`);
      writeFileSync(manifest, template.stdout);
      renders.push({ valuesFile, manifest });
    }
    return { problems, renders };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
};
