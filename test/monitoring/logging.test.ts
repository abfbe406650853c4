/**
 * Logging for `monitoring: prometheus-grafana`: Fluent Bit to Loki on Kubernetes (Helm values) and compose.
 * Real validators: yamllint, prettier and secretlint on every file, markdownlint on the runbook sections, the
 * rule files against the Prometheus rule-file JSON Schema (Loki's ruler reads the same shape, with LogQL).
 * Fluent Bit has no binary here: its pipelines are parsed and checked (every filter and output matches the
 * tags its inputs produce; the Loki output reaches the Loki service; labels stay low-cardinality). Loki's own
 * binary is not installed either (Debian's `loki` package is an unrelated genetics program): its configs are
 * checked against the Loki 3.x configuration reference's keys below.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import {
  composeLoggingBlock,
  composeLogTag,
  forwardPort,
  loggingComposeServices,
  loggingDocs,
  loggingFiles,
  loggingPaths,
  lokiPort,
  streamLabels,
} from '../../lib/areas/monitoring/logging.js';
import { monitoringNamespace } from '../../lib/kubernetes/workloads.js';
import { derive } from '../../lib/model/index.js';
import { monitoringOf, type MonitoringFacts } from '../../lib/monitoring/facts.js';
import { renderAll, renderFile, type RenderedFile } from '../../lib/render/render.js';
import { allHelmCharts, imageRef } from '../../lib/versions/index.js';
import { shopAnswers } from '../ci/answers.js';
import { repoRoot } from '../helpers/paths.js';
import { markdownlint } from '../validation/validators/markdownlint.js';
import { prettier } from '../validation/validators/prettier.js';
import { secretlint } from '../validation/validators/secretlint.js';
import { yamllint } from '../validation/validators/yamllint.js';
import { serviceVariants } from '../validation/matrix.js';

const variant = (name: string) => serviceVariants.find((service) => service.name === name)!;

interface Case {
  label: string;
  answers: Answers;
}

const cases: Case[] = [
  { label: 'helm-node-python-go', answers: shopAnswers() },
  { label: 'compose-node-python-go', answers: shopAnswers({ orchestration: 'none' }) },
  {
    label: 'kustomize-three-environments-java-python-workers',
    answers: shopAnswers({
      orchestration: 'kustomize',
      environments: ['dev', 'staging', 'production'],
      services: [variant('web-vue'), variant('api-spring'), variant('jobs-java'), variant('api-django'), variant('jobs-python'), variant('api-nest'), { ...variant('jobs-python'), name: 'jobs-celery', framework: 'celery' }],
    }),
  },
  {
    label: 'compose-java-python-go-production-only',
    answers: shopAnswers({
      orchestration: 'none',
      environments: ['production'],
      services: [variant('api-spring'), variant('api-flask'), variant('api-gin'), variant('jobs-go'), variant('api-fastify'), variant('site')],
    }),
  },
];

interface Rendered {
  facts: MonitoringFacts;
  files: RenderedFile[];
  dir: string;
  runbook: string;
}

const renderCase = ({ answers }: Case): Rendered => {
  const facts = monitoringOf(derive(answers));
  const files = renderAll(loggingFiles(facts));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phase4-logging-'));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.contents);
  }
  // The runbook sections as the lead's runbook includes them: one `##` section per alert under a title.
  const logging = loggingDocs(facts);
  const sections = logging.alerts.map(
    (alert) => renderFile({ path: 'section.md', template: `monitoring/runbooks/${alert.name}.md.ejs`, data: { logging }, ownership: 'sample', area: 'monitoring' }).contents,
  );
  const runbook = path.join(dir, 'docs', 'runbooks', 'alerts.md');
  mkdirSync(path.dirname(runbook), { recursive: true });
  writeFileSync(runbook, `# Alerts\n\n${sections.join('\n')}`);
  return { facts, files, dir, runbook };
};

const rendered = new Map(cases.map((entry) => [entry.label, renderCase(entry)]));

const fileOf = (result: Rendered, filePath: string): string => {
  const file = result.files.find((candidate) => candidate.path === filePath);
  assert.ok(file, `${filePath} planned`);
  return file.contents;
};

/** Fluent Bit's tag match: `*` matches any run of characters (flb_router_match). */
const tagMatches = (pattern: string, tag: string): boolean =>
  new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(tag);

interface FluentBitConfig {
  service: Record<string, unknown>;
  parsers?: { name: string; format: string }[];
  pipeline: {
    inputs: Record<string, string | number | boolean>[];
    filters: Record<string, string | number | boolean>[];
    outputs: Record<string, string | number | boolean>[];
  };
}

const fluentBitConfigOf = (result: Rendered): FluentBitConfig => {
  if (result.facts.platform === 'compose') return parse(fileOf(result, loggingPaths.composeFluentBit));
  const values = parse(fileOf(result, loggingPaths.kubernetesFluentBitValues));
  return parse(values.config.extraFiles['fluent-bit.yaml']);
};

/** The tags the inputs produce for this project's services (a sample per service and environment). */
const producedTags = (result: Rendered, config: FluentBitConfig): string[] => {
  const { facts } = result;
  if (facts.platform === 'compose') return facts.services.map((service) => composeLoggingBlock(service.name).options.tag);
  const [tail] = config.pipeline.inputs;
  return facts.environments.flatMap((environment) =>
    facts.services.map((service) => {
      const file = `/var/log/containers/${service.name}-7d4b9c-x2x9p_${environment.namespace}_${service.name}-0123456789abcdef.log`;
      // tail's `tag: kube.*` expands the star to the file's path with slashes turned into dots.
      return String(tail.tag).replace('*', file.replace(/\//g, '.').replace(/^\./, ''));
    }),
  );
};

/**
 * Properties Fluent Bit 5.1 knows, per section and plugin (from its plugins' configuration maps and the
 * properties every input and output takes): a misspelt key would only be found at start-up.
 */
const fluentBitKeys: Record<string, string[]> = {
  service: ['flush', 'log_level', 'http_server', 'http_listen', 'http_port', 'health_check', 'daemon', 'parsers_file'],
  input: ['name', 'tag', 'listen', 'host', 'port', 'mem_buf_limit', 'storage.type'],
  'input:tail': ['path', 'exclude_path', 'refresh_interval', 'skip_long_lines', 'db', 'db.locking', 'db.sync', 'multiline.parser', 'read_from_head', 'buffer_chunk_size', 'buffer_max_size'],
  'input:forward': ['tag_prefix', 'buffer_chunk_size', 'buffer_max_size', 'unix_path'],
  filter: ['name', 'match', 'match_regex', 'alias'],
  'filter:kubernetes': ['merge_log', 'merge_log_key', 'keep_log', 'kube_tag_prefix', 'kube_url', 'labels', 'annotations', 'k8s-logging.parser', 'k8s-logging.exclude', 'use_kubelet', 'buffer_size'],
  'filter:parser': ['key_name', 'parser', 'preserve_key', 'reserve_data', 'unescape_key'],
  'filter:modify': ['set', 'add', 'remove', 'rename', 'hard_rename', 'copy', 'hard_copy', 'condition'],
  output: ['name', 'match', 'match_regex', 'host', 'port', 'retry_limit', 'tls', 'tls.verify', 'workers'],
  'output:loki': ['uri', 'tenant_id', 'labels', 'label_keys', 'remove_keys', 'structured_metadata', 'structured_metadata_map_keys', 'line_format', 'auto_kubernetes_labels', 'drop_single_key', 'compress', 'http_user', 'http_passwd', 'bearer_token', 'header'],
};

/** `key=value, key=$accessor` of the loki output's labels. */
const lokiLabels = (text: string): Record<string, string> =>
  Object.fromEntries(
    text.split(',').map((entry) => {
      const [key, ...rest] = entry.trim().split('=');
      return [key, rest.join('=')];
    }),
  );

const ruleFilesOf = (result: Rendered): unknown[] => {
  if (result.facts.platform === 'compose') return [parse(fileOf(result, loggingPaths.composeRules))];
  const configMap = parse(fileOf(result, loggingPaths.kubernetesRules));
  assert.equal(configMap.kind, 'ConfigMap');
  assert.equal(configMap.metadata.namespace, monitoringNamespace);
  assert.equal(configMap.metadata.labels.loki_rule, '', 'the loki chart sidecar picks ConfigMaps labelled loki_rule');
  return Object.values(configMap.data as Record<string, string>).map((text) => parse(text));
};

const ajv = new Ajv({ strict: false, allErrors: true });
const validateRules = ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'test', 'validation', 'schemas', 'prometheus.rules.json'), 'utf8')));

/** LogQL's stream selectors in an expression, as label -> matcher text. */
const selectorsOf = (expr: string): string[][] =>
  [...expr.matchAll(/\{([^{}]*)\}/g)]
    .filter((match) => !match[1].includes('$labels'))
    .map((match) => match[1].split(/,\s*/).map((matcher) => matcher.trim().split(/=~|!=|!~|=/)[0]).filter(Boolean));

/** Top-level keys of Loki 3.x's configuration file (the configuration reference's blocks). */
const lokiTopLevelKeys = new Set([
  'target', 'auth_enabled', 'ballast_bytes', 'server', 'ui', 'distributor', 'querier', 'query_scheduler', 'frontend', 'query_range', 'ruler',
  'ingester_client', 'ingester', 'index_gateway', 'bloom_build', 'bloom_gateway', 'storage_config', 'chunk_store_config', 'schema_config',
  'compactor', 'compactor_grpc_client', 'limits_config', 'frontend_worker', 'table_manager', 'memberlist', 'runtime_config', 'operational_config',
  'tracing', 'analytics', 'common', 'pattern_ingester', 'block_builder', 'block_scheduler', 'kafka_config', 'dataobj', 'ingest_limits',
  'ingest_limits_frontend', 'ingest_limits_frontend_client', 'profiling_config', 'tenant_limits',
]);

describe('logging (prometheus-grafana): files per platform', () => {
  test('Kubernetes plans the two charts\' values and the rules ConfigMap; compose the two configs and the rule file', () => {
    for (const [label, result] of rendered) {
      const expected =
        result.facts.platform === 'kubernetes'
          ? [loggingPaths.kubernetesFluentBitValues, loggingPaths.kubernetesLokiValues, loggingPaths.kubernetesRules]
          : [loggingPaths.composeFluentBit, loggingPaths.composeLoki, loggingPaths.composeRules];
      assert.deepEqual(result.files.map((file) => file.path), expected, label);
      for (const file of result.files) {
        assert.equal(file.ownership, 'managed', file.path);
        assert.equal(file.area, 'monitoring', file.path);
        assert.match(file.contents, /^# Generated by generator-phase4 \(monitoring\)/, file.path);
      }
    }
  });

  test('the same answers give byte-identical files', () => {
    for (const entry of cases) {
      const again = renderAll(loggingFiles(monitoringOf(derive(entry.answers))));
      assert.deepEqual(again.map((file) => file.contents), rendered.get(entry.label)!.files.map((file) => file.contents), entry.label);
    }
  });
});

describe('logging: real validators', () => {
  const yamlFiles = [...rendered.values()].flatMap((result) => result.files.map((file) => path.join(result.dir, file.path)));
  const runbooks = [...rendered.values()].map((result) => result.runbook);

  test('yamllint accepts every YAML file', () => {
    assert.deepEqual(yamllint.check(yamlFiles), []);
  });

  test('prettier (defaults) leaves every file and the runbook sections as they are', () => {
    assert.deepEqual(prettier.check([...yamlFiles, ...runbooks]), []);
  });

  test('markdownlint accepts the runbook sections', () => {
    assert.deepEqual(markdownlint.check(runbooks), []);
  });

  test('secretlint finds nothing', () => {
    assert.deepEqual(secretlint.check([...yamlFiles, ...runbooks]), []);
  });

  test('the rule files match the Prometheus rule-file schema, LogQL as expressions', () => {
    for (const [label, result] of rendered) {
      for (const rules of ruleFilesOf(result)) {
        assert.ok(validateRules(rules), `${label}: ${JSON.stringify(validateRules.errors)}`);
      }
    }
  });
});

describe('logging: the Fluent Bit pipeline', () => {
  test('every filter and output matches the tags the inputs produce, and every tag reaches Loki', () => {
    for (const [label, result] of rendered) {
      const config = fluentBitConfigOf(result);
      const tags = producedTags(result, config);
      assert.ok(tags.length > 0, label);
      for (const step of [...config.pipeline.filters, ...config.pipeline.outputs]) {
        assert.ok(tags.some((tag) => tagMatches(String(step.match), tag)), `${label}: ${step.name} matches ${step.match}, which no input produces`);
      }
      for (const tag of tags) {
        assert.ok(config.pipeline.outputs.some((output) => output.name === 'loki' && tagMatches(String(output.match), tag)), `${label}: ${tag} reaches no Loki output`);
      }
      // Every parser a filter names is defined (compose) or built in.
      for (const filter of config.pipeline.filters.filter((step) => step.name === 'parser')) {
        assert.ok(config.parsers?.some((parser) => parser.name === filter.parser), `${label}: parser ${filter.parser} is defined`);
      }
    }
  });

  test('every section and plugin property is one Fluent Bit knows', () => {
    for (const [label, result] of rendered) {
      const config = fluentBitConfigOf(result);
      assert.deepEqual(Object.keys(config).filter((key) => !['service', 'parsers', 'pipeline'].includes(key)), [], label);
      for (const key of Object.keys(config.service)) assert.ok(fluentBitKeys.service.includes(key), `${label}: service.${key}`);
      const sections = [['input', config.pipeline.inputs], ['filter', config.pipeline.filters], ['output', config.pipeline.outputs]] as const;
      for (const [kind, entries] of sections) {
        for (const entry of entries) {
          const known = [...fluentBitKeys[kind], ...(fluentBitKeys[`${kind}:${entry.name}`] ?? [])];
          assert.ok(fluentBitKeys[`${kind}:${entry.name}`], `${label}: ${kind} plugin ${entry.name} is one this test knows`);
          for (const key of Object.keys(entry)) assert.ok(known.includes(key), `${label}: ${kind} ${entry.name}: ${key}`);
        }
      }
    }
  });

  test('the Loki output reaches the Loki service on its port', () => {
    for (const [label, result] of rendered) {
      const [output] = fluentBitConfigOf(result).pipeline.outputs;
      assert.equal(output.name, 'loki');
      assert.equal(output.port, lokiPort, label);
      if (result.facts.platform === 'compose') {
        const loki = loggingComposeServices(result.facts).find((service) => service.name === 'loki')!;
        assert.equal(output.host, loki.name, label);
        assert.ok(loki.ports.includes(`127.0.0.1:${lokiPort}:${lokiPort}`), label);
      } else {
        // The loki chart's Service is named after the release (`loki`, as the install command names it).
        assert.equal(output.host, `loki.${monitoringNamespace}.svc`, label);
        assert.ok(loggingDocs(result.facts).charts!.commands.some((command) => command.startsWith('helm upgrade --install loki ') && command.includes(`--namespace ${monitoringNamespace}`)), label);
      }
    }
  });

  test('stream labels are the low-cardinality ones only; per-line details go to structured metadata', () => {
    for (const [label, result] of rendered) {
      const [output] = fluentBitConfigOf(result).pipeline.outputs;
      const labels = lokiLabels(String(output.labels));
      assert.deepEqual(Object.keys(labels).sort(), [...streamLabels(result.facts)].sort(), label);
      for (const value of Object.values(labels)) assert.doesNotMatch(value, /request|trace|span|user|pod|id'?\]?$/i, `${label}: ${value}`);
      assert.equal(labels.service.startsWith('$'), true, label);
      assert.equal(output.line_format, 'json', label);
      assert.ok(String(output.structured_metadata).length > 0, label);
    }
  });

  test('Kubernetes: tails the project\'s namespaces only, merges JSON lines, and runs hardened', () => {
    for (const [label, result] of rendered) {
      if (result.facts.platform !== 'kubernetes') continue;
      const values = parse(fileOf(result, loggingPaths.kubernetesFluentBitValues));
      const config = fluentBitConfigOf(result);
      const tails = config.pipeline.inputs;
      const [tail] = tails;
      assert.ok(tails.every((input) => input.name === 'tail'));
      assert.deepEqual(
        tails.map((input) => String(input.path)),
        result.facts.environments.map((environment) => `/var/log/containers/*_${environment.namespace}_*.log`),
        label,
      );
      assert.equal(new Set(tails.map((input) => String(input.db))).size, tails.length, 'each input keeps its own positions');
      const kubernetes = config.pipeline.filters.find((filter) => filter.name === 'kubernetes')!;
      assert.equal(kubernetes.merge_log, true);
      assert.equal(kubernetes.labels, true, 'pod labels are needed for the service label');
      assert.ok(producedTags(result, config).every((tag) => tag.startsWith(String(kubernetes.kube_tag_prefix))), label);
      // The YAML config is the file the container runs: an extra file of the chart's ConfigMap, mounted at /fluent-bit/etc/conf.
      assert.ok(values.args.includes('--config=/fluent-bit/etc/conf/fluent-bit.yaml'), label);
      assert.equal(values.config.outputs, '', 'the classic config is left empty');
      assert.equal(values.kind, 'DaemonSet');
      assert.equal(`${values.image.repository.replace(/^docker\.io\//, '')}:${values.image.tag}`, imageRef('fluent-bit'));
      assert.deepEqual(values.securityContext.capabilities.drop, ['ALL']);
      assert.equal(values.securityContext.readOnlyRootFilesystem, true);
      assert.equal(values.securityContext.allowPrivilegeEscalation, false);
      assert.equal(values.securityContext.privileged, false);
      assert.ok(values.resources.requests && values.resources.limits, label);
      const mounts = values.daemonSetVolumeMounts as { name: string; mountPath: string; readOnly?: boolean }[];
      for (const mount of mounts) assert.equal(mount.readOnly === true, mount.mountPath.startsWith('/var/log'), `${label}: ${mount.mountPath}`);
      assert.ok(String(tail.db).startsWith(mounts.find((mount) => !mount.readOnly)!.mountPath), 'the positions database is on the writable host folder');
    }
  });

  test("Kubernetes: Fluent Bit's ServiceMonitor carries the label kube-prometheus-stack's Prometheus selects", () => {
    for (const [label, result] of rendered) {
      if (result.facts.platform !== 'kubernetes') continue;
      const values = parse(fileOf(result, loggingPaths.kubernetesFluentBitValues));
      assert.equal(values.serviceMonitor.enabled, true, label);
      // The fluent-bit chart labels its ServiceMonitor with its own labels plus serviceMonitor.selector, and
      // kube-prometheus-stack (serviceMonitorSelectorNilUsesHelmValues) selects only `release: <its release>`:
      // without this label the ServiceMonitor is created and never scraped, silently.
      assert.deepEqual(values.serviceMonitor.selector, { release: 'kube-prometheus-stack' }, label);
    }
  });

  test('compose: forward input on the port the logging driver and the published port name', () => {
    for (const [label, result] of rendered) {
      if (result.facts.platform !== 'compose') continue;
      const config = fluentBitConfigOf(result);
      const [forward] = config.pipeline.inputs;
      assert.equal(forward.name, 'forward');
      assert.equal(forward.port, forwardPort);
      const fluentBit = loggingComposeServices(result.facts).find((service) => service.name === 'fluent-bit')!;
      assert.deepEqual(fluentBit.ports, [`127.0.0.1:${forwardPort}:${forwardPort}`]);
      for (const service of result.facts.services) {
        const block = composeLoggingBlock(service.name);
        assert.equal(block.options['fluentd-address'], `127.0.0.1:${forwardPort}`);
        // The service label comes from the tag: one modify filter per service sets it.
        const modify = config.pipeline.filters.find((filter) => filter.name === 'modify' && filter.match === composeLogTag(service.name));
        assert.equal(modify?.set, `service ${service.name}`, `${label}: ${service.name}`);
      }
      // The environment label is the variable the compose service passes.
      assert.match(String(config.pipeline.outputs[0].labels), /environment=\$\{MONITORING_ENVIRONMENT\}/);
      assert.ok(Object.keys(fluentBit.environment).includes('MONITORING_ENVIRONMENT'));
    }
  });
});

describe('logging: Loki', () => {
  const checkLokiConfig = (label: string, config: Record<string, unknown>) => {
    for (const key of Object.keys(config)) assert.ok(lokiTopLevelKeys.has(key), `${label}: unknown Loki config block ${key}`);
  };

  test('compose: one process on the filesystem, the non-production retention, the ruler reading the mounted rules', () => {
    for (const [label, result] of rendered) {
      if (result.facts.platform !== 'compose') continue;
      const config = parse(fileOf(result, loggingPaths.composeLoki));
      checkLokiConfig(label, config);
      const retentionDays = (result.facts.environments.find((environment) => !environment.isProduction) ?? result.facts.production).logRetentionDays;
      assert.equal(config.limits_config.retention_period, `${retentionDays * 24}h`, label);
      assert.equal(config.compactor.retention_enabled, true);
      assert.equal(config.compactor.delete_request_store, 'filesystem', 'retention needs a delete request store');
      assert.equal(config.schema_config.configs[0].store, 'tsdb');
      assert.equal(config.schema_config.configs[0].schema, 'v13');
      assert.equal(config.server.http_listen_port, lokiPort);
      assert.equal(config.auth_enabled, false);
      const loki = loggingComposeServices(result.facts).find((service) => service.name === 'loki')!;
      // The rules folder is mounted as the single tenant's (fake) folder under the ruler's local directory.
      const rulesMount = loki.volumes.find((volume) => volume.startsWith(`./${path.dirname(loggingPaths.composeRules)}:`))!;
      assert.equal(rulesMount.split(':')[1], `${config.ruler.storage.local.directory}/fake`);
      const configMount = loki.volumes.find((volume) => volume.startsWith(`./${loggingPaths.composeLoki}:`))!;
      assert.ok(loki.command.includes(`-config.file=${configMount.split(':')[1]}`), label);
      assert.equal(loki.image, imageRef('loki'));
      assert.deepEqual(loki.healthcheck?.test, ['CMD', '/usr/bin/loki', '-health']);
    }
  });

  test('Kubernetes: monolithic on a PVC, production keeps its logs longer by a stream selector, no placeholder buckets', () => {
    for (const [label, result] of rendered) {
      if (result.facts.platform !== 'kubernetes') continue;
      const text = fileOf(result, loggingPaths.kubernetesLokiValues);
      // The comments say how to switch to object storage; the values name no bucket.
      assert.doesNotMatch(text.replace(/^\s*#.*$/gm, ''), /FIXME|CHANGEME|bucket|<[a-z-]+>/i, label);
      const values = parse(text);
      assert.equal(values.deploymentMode, 'Monolithic');
      assert.equal(values.loki.storage.type, 'filesystem');
      assert.equal(values.singleBinary.persistence.enabled, true);
      assert.equal(`${values.loki.image.repository}:${values.loki.image.tag}`, imageRef('loki'));
      const { retention_period: period, retention_stream: streams } = values.loki.limits_config;
      const hours = (text: string) => Number(text.replace(/h$/, ''));
      for (const environment of result.facts.environments) {
        const stream = streams.find((candidate: { selector: string }) => candidate.selector === `{namespace="${environment.namespace}"}`);
        assert.ok(stream, `${label}: ${environment.name}`);
        assert.equal(hours(stream.period), environment.logRetentionDays * 24, `${label}: ${environment.name}`);
      }
      assert.equal(hours(period), Math.min(...result.facts.environments.map((environment) => environment.logRetentionDays)) * 24);
      assert.equal(values.loki.compactor.retention_enabled, true);
      // The rules sidecar writes into the single tenant's folder under the ruler's local directory.
      assert.equal(values.sidecar.rules.folder, `${values.loki.rulerConfig.storage.local.directory}/fake`);
      assert.equal(values.loki.auth_enabled, false);
      checkLokiConfig(label, {
        ...values.loki.structuredConfig,
        limits_config: values.loki.limits_config,
        compactor: values.loki.compactor,
        ruler: values.loki.rulerConfig,
        analytics: values.loki.analytics,
      });
    }
  });
});

describe('logging: the log-based alerts', () => {
  test('error rate and crash alerts with severity, team and a runbook link to their own section', () => {
    for (const [label, result] of rendered) {
      for (const file of ruleFilesOf(result) as { groups: { rules: { alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] }[]) {
        const rules = file.groups.flatMap((group) => group.rules);
        assert.deepEqual(rules.map((rule) => rule.alert), ['LogErrorsHigh', 'LogCrashDetected'], label);
        for (const rule of rules) {
          assert.ok(['warning', 'critical'].includes(rule.labels.severity), rule.alert);
          assert.equal(rule.labels.team, result.facts.team);
          assert.ok(rule.annotations.summary && rule.annotations.description, rule.alert);
          assert.equal(rule.annotations.runbook_url, `${result.facts.runbook.url}#${rule.alert.toLowerCase()}`);
          // Selectors name stream labels only, and every one of them is a label Fluent Bit sets.
          for (const names of selectorsOf(rule.expr)) {
            for (const name of names) assert.ok(streamLabels(result.facts).includes(name), `${label}: ${rule.alert} selects on ${name}`);
          }
          // Brackets balance (LogQL reads the newlines as spaces).
          for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']]) {
            const withoutRegexps = rule.expr.replace(/`[^`]*`|"[^"]*"/g, '""');
            assert.equal(withoutRegexps.split(open).length, withoutRegexps.split(close).length, `${rule.alert}: ${open}${close}`);
          }
          for (const service of result.facts.services) assert.ok(rule.expr.includes(service.name), `${rule.alert} covers ${service.name}`);
        }
      }
      // The runbook has the section each link points to.
      const runbook = readFileSync(result.runbook, 'utf8');
      for (const alert of loggingDocs(result.facts).alerts) assert.match(runbook, new RegExp(`^## ${alert.name}$`, 'm'));
    }
  });
});

describe('logging: compose services and docs data', () => {
  test('compose services: pinned images, loopback ports, read-only and unprivileged, volumes naming planned files', () => {
    for (const [label, result] of rendered) {
      if (result.facts.platform !== 'compose') continue;
      const planned = new Set(result.files.map((file) => file.path));
      for (const service of loggingComposeServices(result.facts)) {
        assert.ok([imageRef('loki'), imageRef('fluent-bit')].includes(service.image), service.name);
        for (const port of service.ports) assert.match(port, /^127\.0\.0\.1:\d+:\d+$/, `${label}: ${service.name}`);
        assert.equal(service.readOnly, true);
        assert.deepEqual(service.capDrop, ['ALL']);
        assert.ok(service.user && !service.user.startsWith('0'), `${service.name} runs as a non-root user`);
        for (const volume of service.volumes.filter((entry) => entry.startsWith('./'))) {
          const source = volume.slice(2).split(':')[0];
          assert.ok(planned.has(source) || [...planned].some((file) => file.startsWith(`${source}/`)), `${label}: ${volume}`);
        }
        for (const volume of service.volumes.filter((entry) => !entry.startsWith('./') && !entry.startsWith('/'))) {
          assert.ok(service.namedVolumes.includes(volume.split(':')[0]), volume);
        }
      }
    }
  });

  test('docs: a JSON logging library and snippet for every service, by language and framework', () => {
    const expectations: Record<string, RegExp> = {
      'api-express': /pino-http/,
      'api-fastify': /Fastify/,
      'api-nest': /nestjs-pino/,
      'api-fastapi': /python-json-logger/,
      'api-django': /"\(\)": "pythonjsonlogger\.json\.JsonFormatter"/,
      'api-flask': /JsonFormatter/,
      'jobs-python': /configure_logging\(\)/,
      'jobs-celery': /@setup_logging\.connect/,
      'api-go': /slog\.NewJSONHandler/,
      'api-gin': /slog\.NewJSONHandler/,
      'jobs-go': /slog/,
      'api-spring': /logging\.structured\.format\.console=logstash/,
      'jobs-java': /LogstashEncoder/,
    };
    for (const [label, result] of rendered) {
      const docs = loggingDocs(result.facts);
      assert.deepEqual(docs.guides.map((guide) => guide.service), result.facts.services.map((service) => service.name), label);
      for (const guide of docs.guides) {
        const expected = expectations[guide.service];
        if (expected) assert.match(`${guide.library}\n${guide.snippet}`, expected, `${label}: ${guide.service}`);
        if (guide.snippet) assert.ok(guide.snippet.includes(guide.service), `${guide.service}: the snippet names the service`);
      }
      assert.deepEqual(docs.fields.map((field) => field.name), ['timestamp', 'level', 'message', 'service', 'trace_id / span_id']);
      if (result.facts.platform === 'kubernetes') {
        const charts = allHelmCharts();
        for (const command of docs.charts!.commands.filter((entry) => entry.startsWith('helm upgrade'))) {
          assert.ok(Object.values(charts).some((chart) => command.includes(`/${chart.chart} --version ${chart.version} `)), command);
        }
      } else {
        assert.deepEqual(docs.composeLogging!.map((entry) => entry.service), result.facts.services.map((service) => service.name));
      }
    }
  });

  test("Renovate's helm manager finds every pinned chart", () => {
    const renovate = JSON.parse(readFileSync(path.join(repoRoot, 'renovate.json'), 'utf8'));
    const manager = renovate.customManagers.find((candidate: { datasourceTemplate?: string }) => candidate.datasourceTemplate === 'helm');
    const versions = readFileSync(path.join(repoRoot, 'lib', 'versions', 'versions.json'), 'utf8');
    const found = [...versions.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map((match) => `${match.groups!.registryUrl} ${match.groups!.depName}@${match.groups!.currentValue}`);
    assert.deepEqual(found.sort(), Object.values(allHelmCharts()).map((chart) => `${chart.repository} ${chart.chart}@${chart.version}`).sort());
  });
});

test('every rendered YAML file is a single document without parse errors', () => {
  for (const result of rendered.values()) {
    for (const file of result.files) {
      const documents = parseAllDocuments(file.contents);
      assert.equal(Array.isArray(documents) ? documents.length : 1, 1, file.path);
      for (const document of Array.isArray(documents) ? documents : [documents]) assert.deepEqual(document.errors, [], file.path);
    }
  }
});
