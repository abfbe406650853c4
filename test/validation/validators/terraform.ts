/**
 * The Terraform validators, offline: terraform fmt, validate and test (AWS only, from the provider filesystem mirror
 * of the machine image), tflint with its bundled terraform ruleset, and trivy's Terraform checks. Each returns its
 * problems, one string each with file and line where the tool gives them; empty means valid. A missing tool or
 * mirror throws: a test needing it must fail, never skip.
 *
 * What was found out on terraform 1.11.4 with hashicorp/aws 5.100.0:
 * - `mock_provider "aws" {}` needs the provider binary (so `init` from the mirror first): without it `terraform test`
 *   fails with "This configuration requires provider registry.terraform.io/hashicorp/aws, but that provider isn't
 *   available". Terraform reads the resource schemas from it; nothing is sent to AWS and no credentials are needed.
 * - Mocked data sources return empty lists: `data.aws_availability_zones.x.names[0]` fails the plan with "Invalid
 *   index ... is empty list of string". A test file gives values with `override_data { target = ..., values = {...} }`
 *   (a data source in a child module is targeted as `module.net.data.aws_availability_zones.available`), or for every
 *   instance with `mock_data "aws_availability_zones" { defaults = { names = [...] } }` inside the mock_provider
 *   block (both tried).
 * - A run's `assert` can read a child module's outputs (`module.net.vpc_name`), as well as the root's (`output.x`).
 * - `validate` stops at the first kind of error: an undeclared reference hides the unknown-argument errors of the
 *   same configuration (the provider schemas are only checked once references resolve).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../helpers/paths.js';
import { runTool } from '../../helpers/tools.js';
import { trivyFindings } from './trivy-config.js';

/**
 * The machine's default CLI config points at a missing file (a warning on every command): no CLI config at all. No
 * upgrade check either (there is no network to reach it).
 */
const terraformEnvironment = { TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

const terraform = (args: string[], cwd: string) => runTool('terraform', args, { cwd, env: terraformEnvironment, timeout: 300_000 });

let mirrorFound: string | undefined;

/**
 * The provider filesystem mirror of the machine image (hashicorp/aws 5.100.0 only, laid out
 * `registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/`), a folder named tf-plugins found within three levels of
 * / (not every kind of machine has it, nor at the same place). Providers cannot be downloaded here, so a check that
 * needs a provider schema throws without it.
 */
export const providerMirror = (): string => {
  if (mirrorFound) return mirrorFound;
  // find's exit status is non-zero for any unreadable folder: only its output matters.
  const found = spawnSync('find', ['/', '-maxdepth', '3', '-type', 'd', '-name', 'tf-plugins'], { encoding: 'utf8', timeout: 60_000 })
    .stdout.split('\n')
    .filter((dir) => dir && existsSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws')))
    .sort()[0];
  if (!found) {
    throw new Error(
      'no Terraform provider mirror holding hashicorp/aws (`find / -maxdepth 3 -type d -name tf-plugins` found none with ' +
        'registry.terraform.io/hashicorp/aws in it): `terraform validate` and `terraform test` need the AWS provider, and it cannot be downloaded here',
    );
  }
  mirrorFound = found;
  return found;
};

/** `terraform fmt -check -recursive -diff`: every file that is not formatted, with the diff. */
export const terraformFmt = (dir: string): string[] => {
  const result = terraform(['fmt', '-check', '-recursive', '-diff', '-no-color'], dir);
  if (result.status === 0) return [];
  // Exit status 3 lists the unformatted files (then their diffs); anything else is a parse error or a crash.
  return [`terraform fmt -check (exit status ${result.status}) in ${dir}:\n${result.output}`];
};

/** Local module sources (`source = "../modules/net"`) in one folder's .tf and .tftest.hcl files. */
const localModuleSources = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.tf') || name.endsWith('.tftest.hcl'))
    .flatMap((name) => [...readFileSync(path.join(dir, name), 'utf8').matchAll(/^\s*source\s*=\s*"(\.\.?\/[^"]*)"/gm)])
    .map((match) => path.resolve(dir, match[1]));

/** The folder holding `rootDir` and every local module it calls, directly or through other modules and tests. */
const treeOf = (rootDir: string): string => {
  const folders = new Set<string>();
  const visit = (dir: string) => {
    if (folders.has(dir) || !existsSync(dir) || !statSync(dir).isDirectory()) return;
    folders.add(dir);
    localModuleSources(dir).forEach(visit);
    const tests = path.join(dir, 'tests');
    if (existsSync(tests)) localModuleSources(tests).forEach(visit);
  };
  visit(path.resolve(rootDir));
  return [...folders].reduce((common, dir) => {
    while (common !== path.dirname(common) && path.relative(common, dir).startsWith('..')) common = path.dirname(common);
    return common;
  });
};

interface Diagnostic {
  severity?: string;
  summary?: string;
  detail?: string;
  range?: { filename?: string; start?: { line?: number } };
}

/** A diagnostic as one problem line, its file named as in the caller's folder. */
type Describe = (diagnostic: Diagnostic) => string;

/**
 * Runs `body` in an initialised copy of `rootDir`: the folder holding it and the local modules it calls is copied
 * (without .terraform folders and state), so the caller's folder never gets a .terraform folder or a lock file, and
 * `terraform init` installs the AWS provider from the mirror (a lock file already there is copied and honoured: one
 * that locks another AWS version than the mirror's fails init, which is worth knowing). `describe` names a diagnostic's file as the original.
 */
const inInitialisedCopy = (rootDir: string, body: (copyRoot: string, describe: Describe) => string[]): string[] => {
  const mirror = providerMirror();
  const tree = treeOf(rootDir);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'phase4-terraform-'));
  try {
    cpSync(tree, workDir, { recursive: true, filter: (file) => !/(^|[\\/])(\.terraform|terraform\.tfstate[^\\/]*)$/.test(path.relative(tree, file)) });
    const copyRoot = path.join(workDir, path.relative(tree, path.resolve(rootDir)));
    const describe = (diagnostic: Diagnostic): string => {
      const file = diagnostic.range?.filename ? path.join(tree, path.relative(workDir, path.resolve(copyRoot, diagnostic.range.filename))) : rootDir;
      const line = diagnostic.range?.start?.line ? `:${diagnostic.range.start.line}` : '';
      return `${file}${line}: ${diagnostic.severity ?? 'error'}: ${diagnostic.summary ?? ''}${diagnostic.detail ? `: ${diagnostic.detail}` : ''}`;
    };
    const init = terraform(['init', '-backend=false', '-input=false', '-no-color', `-plugin-dir=${mirror}`], copyRoot);
    if (init.status !== 0) return [`terraform init -plugin-dir=${mirror} failed (exit status ${init.status}) for ${rootDir}:\n${init.output}`];
    return body(copyRoot, describe);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
};

const validateIn = (rootDir: string, copyRoot: string, describe: Describe): string[] => {
  const result = terraform(['validate', '-json', '-no-color'], copyRoot);
  let report: { valid?: boolean; diagnostics?: Diagnostic[] };
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return [`terraform validate printed no JSON (exit status ${result.status}) for ${rootDir}:\n${result.output}`];
  }
  const problems = (report.diagnostics ?? []).map(describe);
  if (report.valid === false && problems.length === 0) return [`terraform validate: invalid without a diagnostic for ${rootDir}:\n${result.output}`];
  return problems;
};

interface TestMessage {
  type?: string;
  diagnostic?: Diagnostic;
  test_run?: { path: string; run: string; status?: string };
  test_summary?: { status: string; passed: number };
}

const testIn = (rootDir: string, copyRoot: string, describe: Describe): string[] => {
  const result = terraform(['test', '-json', '-no-color'], copyRoot);
  const messages = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as TestMessage);
  const problems = messages.flatMap((message) => {
    if (message.type === 'diagnostic' && message.diagnostic) return [describe(message.diagnostic)];
    if (message.type === 'test_run' && message.test_run && ['fail', 'error'].includes(message.test_run.status ?? ''))
      return [`${path.join(rootDir, message.test_run.path)}: run "${message.test_run.run}" ${message.test_run.status}ed`];
    return [];
  });
  const summary = messages.find((message) => message.type === 'test_summary')?.test_summary;
  if (!summary) return [...problems, `terraform test gave no summary (exit status ${result.status}) for ${rootDir}:\n${result.output}`];
  if (summary.passed === 0 && problems.length === 0) return [`${rootDir}: no run passed (no tests/*.tftest.hcl?)`];
  if ((summary.status === 'pass') !== (result.status === 0) || (summary.status !== 'pass' && problems.length === 0))
    return [...problems, `terraform test ended ${summary.status} with exit status ${result.status} for ${rootDir}:\n${result.output}`];
  return problems;
};

/**
 * `terraform validate -json` against the real AWS provider schema: unknown arguments and resource types, undeclared
 * references, wrong types. Warnings count too: a deprecated argument is a problem in what phase4 writes.
 */
export const terraformValidate = (rootDir: string): string[] =>
  inInitialisedCopy(rootDir, (copyRoot, describe) => validateIn(rootDir, copyRoot, describe));

/**
 * `terraform test` (every tests/*.tftest.hcl of the root) after the same init: each failed or errored run, each
 * diagnostic (a failed assertion names its condition's file and line), and a root without tests. The tests are meant
 * to use `mock_provider "aws" {}` (see the top of this file): a run that would call AWS fails here, for want of
 * credentials and network.
 */
export const terraformTest = (rootDir: string): string[] => inInitialisedCopy(rootDir, (copyRoot, describe) => testIn(rootDir, copyRoot, describe));

/** Both, sharing one copy and one init (~5 s saved); the tests run only when the configuration is valid. */
export const terraformValidateAndTest = (rootDir: string): string[] =>
  inInitialisedCopy(rootDir, (copyRoot, describe) => {
    const invalid = validateIn(rootDir, copyRoot, describe);
    return invalid.length > 0 ? invalid : testIn(rootDir, copyRoot, describe);
  });

/** Our tflint configuration: the bundled terraform ruleset with every rule (preset "all"). */
export const tflintConfig = path.join(repoRoot, 'test', 'validation', 'tflint.hcl');

interface TflintIssue {
  rule?: { name?: string; severity?: string };
  message?: string;
  range?: { filename?: string; start?: { line?: number } };
}

/**
 * `tflint --recursive` over `dir` (every module folder below it) with test/validation/tflint.hcl, which needs no
 * `tflint --init` (the terraform ruleset is built in; cloud rulesets would need a download). Every issue, at any
 * severity, is a problem.
 */
export const tflint = (dir: string): string[] => {
  // An empty plugin folder: a developer's ~/.tflint.d plugins must not change what runs.
  const pluginDir = mkdtempSync(path.join(os.tmpdir(), 'phase4-tflint-plugins-'));
  try {
    const result = runTool('tflint', ['--chdir', dir, '--recursive', '--config', tflintConfig, '--format', 'json', '--no-color'], {
      env: { TFLINT_PLUGIN_DIR: pluginDir },
    });
    let report: { issues?: TflintIssue[]; errors?: { message?: string; summary?: string }[] };
    try {
      report = JSON.parse(result.stdout);
    } catch {
      return [`tflint printed no JSON (exit status ${result.status}) in ${dir}:\n${result.output}`];
    }
    const problems = [
      ...(report.issues ?? []).map((issue) => {
        const line = issue.range?.start?.line ? `:${issue.range.start.line}` : '';
        return `${path.join(dir, issue.range?.filename ?? '')}${line}: ${issue.rule?.name ?? '?'} (${issue.rule?.severity ?? '?'}): ${issue.message ?? ''}`;
      }),
      ...(report.errors ?? []).map((error) => `tflint error in ${dir}: ${error.message ?? error.summary ?? JSON.stringify(error)}`),
    ];
    // 0: clean; 2: issues found (or errors, listed above). Any other status, or 2 with nothing listed, is the run itself.
    if ((result.status === 0 && problems.length === 0) || (result.status === 2 && problems.length > 0)) return problems;
    return [...problems, `tflint ended with exit status ${result.status} in ${dir}:\n${result.output}`];
  } finally {
    rmSync(pluginDir, { recursive: true, force: true });
  }
};

export interface TerraformTrivyException {
  check: string;
  /**
   * Only for this resource address (`aws_s3_bucket.logs`, or a module call such as `module.network`, which is how
   * trivy names a finding inside a called module); for every resource when absent.
   */
  resource?: string;
  reason: string;
}

/** test/validation/terraform-exceptions.yaml: the only trivy findings generated Terraform may have, with reasons. */
export const terraformTrivyExceptions = (): TerraformTrivyException[] =>
  (parseAllDocuments(readFileSync(path.join(repoRoot, 'test', 'validation', 'terraform-exceptions.yaml'), 'utf8'))[0].toJS() as { exceptions: TerraformTrivyException[] | null })
    .exceptions ?? [];

interface TrivyTerraformFinding {
  ID?: string;
  Status?: string;
  /** Resource: the address, or the module call for a finding inside a module; Occurrences: the path down to it. */
  CauseMetadata?: { Resource?: string; Occurrences?: { Resource?: string }[] };
}

const isExcepted = (finding: TrivyTerraformFinding, exceptions: TerraformTrivyException[]): boolean =>
  exceptions.some(
    (exception) =>
      exception.check === finding.ID &&
      (exception.resource === undefined ||
        exception.resource === finding.CauseMetadata?.Resource ||
        (finding.CauseMetadata?.Occurrences ?? []).some((occurrence) => occurrence.Resource === exception.resource)),
  );

/**
 * `trivy config` over a folder of Terraform, offline (its embedded checks: no checks bundle download, no version
 * check; trivy reads the HCL itself and follows local module calls, no provider or init needed), HIGH and CRITICAL
 * findings, minus the exceptions (test/validation/terraform-exceptions.yaml unless given). The exceptions come off
 * trivy's JSON before it is read as any other trivy run is, so a run whose only findings are excepted passes.
 */
export const trivyTerraform = (dir: string, exceptions = terraformTrivyExceptions()): string[] => {
  if (!existsSync(dir)) return [`${dir}: nothing to scan`];
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'phase4-trivy-cache-'));
  try {
    const args = ['config', '--quiet', '--skip-check-update', '--skip-version-check', '--cache-dir', cacheDir, '--exit-code', '1'];
    const result = runTool('trivy', [...args, '--severity', 'HIGH,CRITICAL', '--format', 'json', dir], { timeout: 300_000 });
    if (exceptions.length === 0 || result.status !== 1) return trivyFindings(dir, result);
    let report: { Results?: { Misconfigurations?: TrivyTerraformFinding[] }[] };
    try {
      report = JSON.parse(result.stdout);
    } catch {
      return trivyFindings(dir, result);
    }
    for (const entry of report.Results ?? []) entry.Misconfigurations = entry.Misconfigurations?.filter((finding) => finding.Status === 'PASS' || !isExcepted(finding, exceptions));
    const failed = (report.Results ?? []).some((entry) => (entry.Misconfigurations ?? []).some((finding) => finding.Status !== 'PASS'));
    return trivyFindings(dir, { ...result, status: failed ? 1 : 0, stdout: JSON.stringify(report) });
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
};
