import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTool, type ToolResult } from '../../helpers/tools.js';
import { unreadableFiles } from './actionlint.js';
import { plainManifestPath } from './kubeconform.js';
import type { Validator } from './types.js';

/** Every severity: a LOW finding (a workload in the default namespace) is a finding too. */
export const trivySeverities = 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL';

/**
 * trivy's options: its embedded checks only (--skip-check-update: no checks bundle download, and no version
 * check), a cache folder of the caller's (a fresh one per run: two trivy processes cannot share one), JSON out,
 * exit status 1 on any failed check of any severity.
 */
export const trivyConfigArgs = (cacheDir: string, helmValues: string[] = []): string[] => [
  'config',
  '--quiet',
  '--skip-check-update',
  '--skip-version-check',
  '--cache-dir',
  cacheDir,
  '--exit-code',
  '1',
  '--severity',
  trivySeverities,
  '--format',
  'json',
  ...helmValues.flatMap((file) => ['--helm-values', file]),
];

interface Misconfiguration {
  ID?: string;
  AVDID?: string;
  Title?: string;
  Message?: string;
  Severity?: string;
  Status?: string;
  CauseMetadata?: { StartLine?: number; Resource?: string };
}

interface Result {
  Target?: string;
  Misconfigurations?: Misconfiguration[];
}

/**
 * What one `trivy config --format json` run over `target` says: a problem per failed check (`target` names the
 * files relative to `base`), or the run itself when it did not end as trivy ends: JSON on stdout, exit status 0
 * with no failed check or 1 with at least one. An exception (a check trivy chose to skip) is not a pass: none are
 * configured here, so one would mean something else changed.
 */
export const trivyFindings = (target: string, result: Pick<ToolResult, 'status' | 'stdout' | 'output'>, base = target): string[] => {
  const broken = (why: string) => [`trivy config ${why} (exit status ${result.status}) over ${target}:\n${result.output}`];
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    return broken('printed no JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || !('ArtifactName' in parsed)) return broken('printed JSON that is not a trivy report');
  const results = ((parsed as { Results?: Result[] }).Results ?? []) as Result[];
  const problems = results.flatMap((entry) =>
    (entry.Misconfigurations ?? [])
      .filter((finding) => finding.Status !== 'PASS')
      .map((finding) => {
        const line = finding.CauseMetadata?.StartLine ? `:${finding.CauseMetadata.StartLine}` : '';
        return `${path.join(base, entry.Target ?? '')}${line} [${finding.ID ?? finding.AVDID ?? '?'} ${finding.Severity ?? '?'}] ${finding.Title ?? ''}: ${finding.Message ?? ''}`;
      }),
  );
  const failed = problems.length > 0;
  if ((result.status === 0 && !failed) || (result.status === 1 && failed)) return problems;
  return [...broken(failed ? 'failed' : 'failed without a finding'), ...problems];
};

/**
 * `trivy config` (the Go build of scripts/setup-validators.sh) on a folder, a file or a Helm chart, offline, every
 * severity. For a chart, `helmValues` are passed as --helm-values (trivy renders the chart itself with its
 * embedded Helm). A missing trivy throws (runTool).
 */
export const trivyConfig = (target: string, options: { helmValues?: string[] } = {}): string[] => {
  if (!existsSync(target)) return [`${target}: nothing to scan`];
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'phase4-trivy-cache-'));
  try {
    const result = runTool('trivy', [...trivyConfigArgs(cacheDir, options.helmValues), target], { timeout: 300_000 });
    return trivyFindings(target, result, path.extname(target) === '' ? target : path.dirname(target));
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
};

/**
 * The plain manifests phase4 writes (same files as kubeconform), scanned in one trivy run: they are copied into a
 * temp folder under their own relative names (trivy's start-up, loading its checks, costs seconds per run).
 */
export const trivyKubernetes: Validator = {
  name: 'trivy config',
  applies: plainManifestPath,
  mustReject: {
    path: 'k8s/deployment.yaml',
    contents:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n',
  },
  check: (files) => {
    const unreadable = unreadableFiles('trivy config', files);
    if (unreadable.length > 0) return unreadable;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'phase4-trivy-in-'));
    try {
      // Each file keeps its name, under a folder per input so that equal names from different folders do not clash.
      const copies = new Map<string, string>();
      files.forEach((file, index) => {
        const copy = path.join(dir, String(index), path.basename(file));
        mkdirSync(path.dirname(copy), { recursive: true });
        copyFileSync(file, copy);
        copies.set(copy, file);
      });
      return trivyConfig(dir).map((problem) => {
        for (const [copy, original] of copies) if (problem.startsWith(copy)) return original + problem.slice(copy.length);
        return problem;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
