/**
 * The Prometheus and Alertmanager validators, offline: the Go builds of promtool (Prometheus v3.16.0, the
 * prom/prometheus image that generated pipelines run, lib/versions/versions.json images.prometheus) and amtool
 * (Alertmanager v0.35.0, images.alertmanager) that scripts/setup-validators.sh installs. Each check returns its
 * problems, one string each; empty means valid. A missing binary, or one at another version than the pins, throws:
 * a test needing it must fail, never skip.
 *
 * Debian's packages put an older promtool (2.42) and amtool (0.25) in /usr/bin: they are never used here (they are
 * on PATH after the validators' folder, and the helpers below only take the validators' folder), because Debian's
 * promtool lacks what Prometheus 3 accepts. Debian's prometheus and prometheus-alertmanager servers are used by the
 * live harness (../live-monitoring.ts) only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from '../../helpers/paths.js';
import { minimalEnvironment, validatorsHome, type ToolResult } from '../../helpers/tools.js';

/** The pinned image tag of `key` in lib/versions/versions.json, without its leading v. */
const pinnedVersion = (key: 'prometheus' | 'alertmanager'): string => {
  const versions = JSON.parse(readFileSync(path.join(repoRoot, 'lib', 'versions', 'versions.json'), 'utf8')) as { images: Record<string, { tag: string }> };
  return versions.images[key].tag.replace(/^v/, '');
};

/** What `--version` must report for each tool: the version of the image the generated pipelines run. */
export const expectedVersions = () => ({ promtool: pinnedVersion('prometheus'), amtool: pinnedVersion('alertmanager') });

const checked = new Map<string, string>();

/**
 * The absolute path of the Go-built tool in the validators' folder, after checking once that it reports the pinned
 * version (`promtool, version 3.16.0 (branch: ...)`). Never a PATH lookup: Debian's older promtool and amtool in
 * /usr/bin would be found there and pass or fail other things.
 */
export const prometheusTool = (name: 'promtool' | 'amtool'): string => {
  const known = checked.get(name);
  if (known) return known;
  const bin = path.join(validatorsHome(), 'bin', name);
  if (!existsSync(bin)) {
    throw new Error(`validator '${name}' is not installed at ${bin}: run \`npm test\` (it runs scripts/setup-validators.sh) or that script by hand`);
  }
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8', env: minimalEnvironment(), timeout: 30_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const reported = /^\S+, version (\S+)/m.exec(output)?.[1];
  const want = expectedVersions()[name];
  if (reported !== want) {
    throw new Error(`${bin} reports version ${reported ?? '(none)'}, not ${want} (lib/versions/versions.json): run scripts/setup-validators.sh\n${output}`);
  }
  checked.set(name, bin);
  return bin;
};

const run = (name: 'promtool' | 'amtool', args: string[], cwd?: string): ToolResult => {
  const result = spawnSync(prometheusTool(name), args, { cwd, encoding: 'utf8', env: minimalEnvironment(), timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}`.trim() };
};

const missing = (files: string[]): string[] => files.filter((file) => !existsSync(file)).map((file) => `${file}: no such file`);

/**
 * `promtool check rules --lint-fatal FILE...`: YAML structure, PromQL syntax of every expr, durations, label and
 * annotation templates, duplicate rules (the lint, made fatal). A file with no rule at all is a problem too (an empty
 * rule file proves nothing). Plain Prometheus rule files only: a PrometheusRule object goes through
 * prometheusRuleSpec first.
 */
export const promtoolCheckRules = (files: string[]): string[] => {
  if (files.length === 0) return ['promtoolCheckRules: no files given'];
  const absent = missing(files);
  if (absent.length > 0) return absent;
  const result = run('promtool', ['check', 'rules', '--lint-fatal', ...files]);
  const empty = files.filter((file) => new RegExp(`Checking ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+SUCCESS: 0 rules found`).test(result.output));
  const problems = empty.map((file) => `${file}: no rules (promtool found 0)`);
  if (result.status !== 0) problems.push(`promtool check rules (exit status ${result.status}):\n${result.output}`);
  return problems;
};

/**
 * `promtool test rules FILE` for each unit-test file, run from the file's own folder so that its `rule_files`
 * (relative paths) resolve as they do where the file is generated: every failed assertion (an alert that should
 * fire and does not, or fires with other labels or annotations, a recording rule's wrong value) and any load error.
 */
export const promtoolTestRules = (testFiles: string[]): string[] => {
  if (testFiles.length === 0) return ['promtoolTestRules: no files given'];
  const absent = missing(testFiles);
  if (absent.length > 0) return absent;
  return testFiles.flatMap((file) => {
    const result = run('promtool', ['test', 'rules', path.basename(file)], path.dirname(path.resolve(file)));
    return result.status === 0 ? [] : [`promtool test rules ${file} (exit status ${result.status}):\n${result.output}`];
  });
};

/**
 * `promtool check config --lint-fatal FILE`: prometheus.yml's structure, durations, relabelling, service discovery
 * blocks, and every rule file it lists (globs and paths relative to the file, as Prometheus reads them), which must
 * therefore be present. Not `--syntax-only`: that skips the rule files, which are the point.
 */
export const promtoolCheckConfig = (file: string): string[] => {
  const absent = missing([file]);
  if (absent.length > 0) return absent;
  const result = run('promtool', ['check', 'config', '--lint-fatal', file]);
  return result.status === 0 ? [] : [`promtool check config ${file} (exit status ${result.status}):\n${result.output}`];
};

/**
 * `amtool check-config FILE`: alertmanager.yml's structure, undefined receivers in routes, bad durations and
 * matchers, templates that do not parse. Files it names (api_url_file, templates) need not exist for the check.
 */
export const amtoolCheckConfig = (file: string): string[] => {
  const absent = missing([file]);
  if (absent.length > 0) return absent;
  const result = run('amtool', ['check-config', file]);
  return result.status === 0 ? [] : [`amtool check-config ${file} (exit status ${result.status}):\n${result.output}`];
};

/**
 * The receivers an alert with these labels is routed to by alertmanager.yml (`amtool config routes test`), in the
 * order amtool gives them (one per matching route, `continue: true` giving several). Throws when amtool fails (a
 * config it cannot load): check the config with amtoolCheckConfig first for the problems as a list.
 */
export const amtoolRoutes = (configFile: string, labels: Record<string, string>): string[] => {
  const absent = missing([configFile]);
  if (absent.length > 0) throw new Error(absent[0]);
  const result = run('amtool', ['config', 'routes', 'test', `--config.file=${configFile}`, ...Object.entries(labels).map(([name, value]) => `${name}=${value}`)]);
  if (result.status !== 0) throw new Error(`amtool config routes test --config.file=${configFile} (exit status ${result.status}):\n${result.output}`);
  const line = result.stdout.trim();
  if (line === '') throw new Error(`amtool config routes test --config.file=${configFile} printed no receiver:\n${result.output}`);
  return line.split(',').map((name) => name.trim());
};

/**
 * The rule groups of a PrometheusRule object (`.spec`, i.e. `groups: [...]`) as a Prometheus rule file's YAML, for
 * promtoolCheckRules and for a promtool unit test's rule_files. `yamlText` may hold several documents: the
 * PrometheusRule named `name`, or the only one, is taken. Throws when there is none (or several and no name), or it
 * has no groups.
 */
export const prometheusRuleSpec = (yamlText: string, name?: string): string => {
  const documents = parseAllDocuments(yamlText);
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`prometheusRuleSpec: not YAML: ${document.errors.map((error) => error.message).join('; ')}`);
  }
  const rules = documents
    .map((document) => document.toJS() as { kind?: string; apiVersion?: string; metadata?: { name?: string }; spec?: { groups?: unknown } } | null)
    .filter((object) => object?.kind === 'PrometheusRule' && (name === undefined || object.metadata?.name === name));
  if (rules.length !== 1) {
    throw new Error(`prometheusRuleSpec: ${rules.length} PrometheusRule objects${name === undefined ? '' : ` named ${name}`} in the text, expected 1`);
  }
  const [rule] = rules;
  if (!rule?.apiVersion?.startsWith('monitoring.coreos.com/')) throw new Error(`prometheusRuleSpec: apiVersion ${rule?.apiVersion} is not monitoring.coreos.com/*`);
  if (!Array.isArray(rule.spec?.groups) || rule.spec.groups.length === 0) throw new Error(`prometheusRuleSpec: PrometheusRule ${rule.metadata?.name} has no spec.groups`);
  return stringify(rule.spec, { lineWidth: 0 });
};

/**
 * Whether each PromQL query parses for Prometheus 3.16 (the pinned image), offline: `promtool --experimental promql
 * format QUERY` (the parser alone; experimental only as a command). A problem per query that does not parse, with
 * promtool's message. Functions behind a feature flag (info(), limitk()... need promql-experimental-functions) fail
 * as they would on the image's defaults unless `enableFeatures` names the flags the generated Prometheus sets.
 * Grafana's variables ($__rate_interval, $job) are not PromQL: the caller substitutes them first. The live harness
 * (../live-monitoring.ts) asks Debian's Prometheus 2.42 the same question, for what both must accept.
 */
export const promtoolParseQueries = (queries: string[], options: { enableFeatures?: string[] } = {}): string[] => {
  const features = options.enableFeatures?.length ? [`--enable-feature=${options.enableFeatures.join(',')}`] : [];
  return queries.flatMap((query) => {
    const result = run('promtool', ['--experimental', ...features, 'promql', 'format', query]);
    return result.status === 0 ? [] : [`PromQL does not parse (promtool ${expectedVersions().promtool}): ${query}\n${result.output}`];
  });
};
