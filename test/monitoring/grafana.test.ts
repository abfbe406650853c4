/**
 * Grafana's files on Kubernetes and compose, with each database engine, with and without a cache: the
 * dashboards against Grafana's dashboard JSON schema and the rules every panel must keep (datasource,
 * queries, units, a grid without overlaps), every query parsed by the real promtool and held to the metric
 * contract, the provisioning YAML through yamllint, and the Kubernetes kustomization built by the real kustomize.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse, stringify } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { grafanaFiles } from '../../lib/areas/monitoring/grafana.js';
import { exporterMetrics, knownMetricNames } from '../../lib/areas/monitoring/grafana/metric-names.js';
import { dashboardUid } from '../../lib/areas/monitoring/grafana/model.js';
import { derive } from '../../lib/model/index.js';
import { monitoringOf, type MonitoringFacts } from '../../lib/monitoring/facts.js';
import { recorded, sloWindows } from '../../lib/monitoring/metrics.js';
import { renderAll, type RenderedFile } from '../../lib/render/render.js';
import { shopAnswers } from '../ci/answers.js';
import { tempDir } from '../helpers/folders.js';
import { repoRoot } from '../helpers/paths.js';
import { runTool } from '../helpers/tools.js';
import { writeRendered } from '../validation/generate.js';
import { readObjects } from '../validation/validators/kubernetes.js';
import { kustomizeBuild } from '../validation/validators/kustomize.js';
import { yamllint } from '../validation/validators/yamllint.js';

interface Target {
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults: { unit?: string } };
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  query: string;
}
interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  schemaVersion: number;
  templating: { list: Variable[] };
  panels: Panel[];
}

const cases: { label: string; answers: Answers }[] = [
  { label: 'kubernetes (helm), postgres, redis', answers: shopAnswers() },
  { label: 'kubernetes (kustomize), mysql, no cache', answers: shopAnswers({ orchestration: 'kustomize', database: 'mysql', cache: 'none' }) },
  { label: 'kubernetes (helm), mongodb, redis, production only', answers: shopAnswers({ database: 'mongodb', environments: ['production'] }) },
  { label: 'compose, postgres, no cache', answers: shopAnswers({ orchestration: 'none', cache: 'none' }) },
  { label: 'compose, mysql, redis', answers: shopAnswers({ orchestration: 'none', database: 'mysql' }) },
  { label: 'compose, mongodb, no cache', answers: shopAnswers({ orchestration: 'none', database: 'mongodb', cache: 'none' }) },
  { label: 'compose, no datastores', answers: shopAnswers({ orchestration: 'none', database: 'none', cache: 'none' }) },
  { label: 'kubernetes, no datastores, long project name', answers: shopAnswers({ name: 'acme-enterprise-commerce-platform', database: 'none', cache: 'none' }) },
];

const rendered = cases.map(({ label, answers }) => {
  const facts = monitoringOf(derive(answers));
  return { label, answers, facts, files: renderAll(grafanaFiles(facts)) };
});

const dashboardsOf = (files: RenderedFile[]) =>
  files.filter((file) => file.path.endsWith('.json')).map((file) => ({ path: file.path, dashboard: JSON.parse(file.contents) as Dashboard }));

const queryPanels = (dashboard: Dashboard) => dashboard.panels.filter((panel) => panel.type !== 'row');

/** Every PromQL expression of a dashboard: panel targets, and the selectors inside `label_values()` variables. */
const expressions = (dashboard: Dashboard): string[] => [
  ...queryPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
  ...dashboard.templating.list.filter((variable) => variable.type === 'query').map((variable) => labelValuesSelector(variable.query)),
];

const labelValuesSelector = (query: string): string => {
  const match = /^label_values\((.+), *[a-z_]+\)$/.exec(query);
  assert.ok(match, `not a label_values(selector, label) query: ${query}`);
  return match[1];
};

/** The dashboard JSON schema is draft-04 with no keyword that changed meaning since: Ajv 8 compiles it once `$schema` and `id` are gone. */
let validateDashboard: ValidateFunction | undefined;
const dashboardSchema = (): ValidateFunction => {
  if (!validateDashboard) {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'validation', 'schemas', 'grafana-dashboard-5.x.json'), 'utf8'));
    delete schema.$schema;
    delete schema.id;
    validateDashboard = new Ajv({ strict: false, allErrors: true }).compile(schema);
  }
  return validateDashboard;
};

/** Grafana's interpolation of the variables, with values a real run could have: multi-value `$service` becomes a regex group. */
const substitute = (expr: string): string =>
  expr.replaceAll('$__rate_interval', '5m').replaceAll('$environment', 'shop-production').replaceAll('$service', '(api-express|api-go)');

const promqlKeywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);

/** The metric names an expression reads: identifiers outside strings, matchers, ranges and label lists that are not function calls. */
const metricNames = (expr: string): string[] => {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const tokens = stripped.match(/\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z_:][A-Za-z0-9_:]*\s*\(?/g) ?? [];
  return tokens.filter((token) => /^[A-Za-z_:]/.test(token) && !token.trimEnd().endsWith('(') && !promqlKeywords.has(token.trim())).map((token) => token.trim());
};

const recordedNames = new Set<string>([recorded.requests, recorded.errors, recorded.durationBuckets, ...sloWindows.flatMap((window) => [recorded.errorRatio(window), recorded.slowRatio(window)])]);
const contractNames = new Set([...recordedNames, ...knownMetricNames()]);

const overlaps = (a: Panel['gridPos'], b: Panel['gridPos']) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

const databaseEngine = (facts: MonitoringFacts) => facts.datastores.find((store) => store.role === 'database');
const cacheEngine = (facts: MonitoringFacts) => facts.datastores.find((store) => store.role === 'cache');

describe('Grafana', () => {
  for (const { label, facts, files } of rendered) {
    describe(label, () => {
      const dashboards = dashboardsOf(files);
      const kubernetes = facts.platform === 'kubernetes';

      test('plans the provisioning files of its platform, and a dashboard per concern', () => {
        const expected = [
          'monitoring/grafana/provisioning/datasources/datasources.yaml',
          kubernetes ? 'monitoring/grafana/kustomization.yaml' : 'monitoring/grafana/provisioning/dashboards/dashboards.yaml',
          ...['services', 'resources', ...(databaseEngine(facts) ? ['database'] : []), ...(cacheEngine(facts) ? ['cache'] : []), 'slo'].map(
            (kind) => `monitoring/grafana/dashboards/${facts.project}-${kind}.json`,
          ),
        ];
        assert.deepEqual(files.map((file) => file.path).sort(), expected.sort());
        assert.ok(files.every((file) => file.ownership === 'managed' && file.area === 'monitoring'));
      });

      test('dashboards pass the dashboard JSON schema and carry uid, title, tags, schema version and the three variables', () => {
        const validate = dashboardSchema();
        for (const { path: file, dashboard } of dashboards) {
          assert.ok(validate({ dashboard }), `${file}: ${JSON.stringify(validate.errors, null, 2)}`);
          assert.ok(dashboard.uid.length >= 8 && dashboard.uid.length <= 40, `${file}: uid ${dashboard.uid}`);
          assert.ok(dashboard.title.startsWith(facts.project), file);
          assert.deepEqual(dashboard.tags, [facts.project]);
          assert.ok(dashboard.schemaVersion >= 39, file);
          const variables = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
          assert.deepEqual([...variables.keys()], ['datasource', 'environment', 'service'], file);
          assert.equal(variables.get('datasource')!.type, 'datasource');
          assert.equal(variables.get('datasource')!.query, 'prometheus');
          if (kubernetes) {
            assert.equal(variables.get('environment')!.type, 'custom');
            for (const environment of facts.environments) assert.ok(variables.get('environment')!.query.includes(environment.namespace), file);
          }
        }
        assert.equal(new Set(dashboards.map(({ dashboard }) => dashboard.uid)).size, dashboards.length, 'dashboard uids are unique');
      });

      test('every panel has the datasource variable, a query, a unit and its own place on the grid', () => {
        for (const { path: file, dashboard } of dashboards) {
          const panels = queryPanels(dashboard);
          assert.ok(panels.length > 0, `${file} has panels`);
          assert.equal(new Set(dashboard.panels.map((panel) => panel.id)).size, dashboard.panels.length, `${file}: panel ids are unique`);
          for (const panel of panels) {
            const where = `${file}: ${panel.title}`;
            assert.ok(['timeseries', 'stat'].includes(panel.type), where);
            assert.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, where);
            assert.ok((panel.targets ?? []).length > 0, `${where} has a query`);
            for (const target of panel.targets!) {
              assert.ok(target.expr.trim() !== '', where);
              assert.deepEqual(target.datasource, panel.datasource, where);
            }
            assert.ok(panel.fieldConfig?.defaults.unit, `${where} has a unit`);
          }
          for (const panel of dashboard.panels) assert.ok(panel.gridPos.x >= 0 && panel.gridPos.x + panel.gridPos.w <= 24, `${file}: ${panel.title} fits the grid`);
          dashboard.panels.forEach((panel, index) => {
            for (const other of dashboard.panels.slice(index + 1)) assert.ok(!overlaps(panel.gridPos, other.gridPos), `${file}: ${panel.title} overlaps ${other.title}`);
          });
        }
      });

      test('queries select by environment and service where the series have those labels', () => {
        for (const { path: file, dashboard } of dashboards) {
          const exprs = expressions(dashboard);
          if (kubernetes) assert.ok(exprs.some((expr) => expr.includes('"$environment"')), `${file} filters by environment`);
          const panelExprs = queryPanels(dashboard).flatMap((panel) => panel.targets!.map((target) => target.expr));
          for (const expr of panelExprs.filter((candidate) => metricNames(candidate).some((name) => recordedNames.has(name)))) {
            assert.match(expr, /job=~"\$service"/, `${file}: ${expr}`);
            if (kubernetes) assert.match(expr, /namespace="\$environment"/, `${file}: ${expr}`);
            else assert.doesNotMatch(expr, /namespace=/, `${file}: compose series have no namespace: ${expr}`);
          }
          const service = dashboard.templating.list.find((variable) => variable.name === 'service')!;
          if (service.type === 'query') assert.equal(service.query, `label_values(${recorded.requests}${kubernetes ? '{namespace="$environment"}' : ''}, job)`);
        }
        const services = dashboards.find(({ path: file }) => file.endsWith('-services.json'))!.dashboard;
        const saturation = queryPanels(services).flatMap((panel) => panel.targets!.map((target) => target.expr)).filter((expr) => expr.includes('container'));
        assert.ok(saturation.length > 0 && saturation.every((expr) => expr.includes('$service')), 'saturation panels follow the service variable');
      });

      test('every metric a query reads is a recorded series or one the contract lists', () => {
        for (const { path: file, dashboard } of dashboards) {
          for (const expr of expressions(dashboard)) {
            const names = metricNames(expr);
            assert.ok(names.length > 0, `${file}: no metric in ${expr}`);
            for (const name of names) assert.ok(contractNames.has(name), `${file}: unknown metric ${name} in ${expr}`);
          }
        }
      });

      test('the database and cache dashboards read their own engine, through its exporter job', () => {
        const database = databaseEngine(facts);
        const cache = cacheEngine(facts);
        for (const [kind, store] of [['database', database], ['cache', cache]] as const) {
          const found = dashboards.find(({ path: file }) => file.endsWith(`-${kind}.json`));
          assert.equal(Boolean(found), Boolean(store), `${kind} dashboard exactly when there is a ${kind}`);
          if (!found || !store) continue;
          const engineNames = new Set<string>(exporterMetrics[store.engine]);
          const panelExprs = queryPanels(found.dashboard).flatMap((panel) => panel.targets!.map((target) => target.expr));
          for (const expr of panelExprs) {
            for (const name of metricNames(expr)) assert.ok(engineNames.has(name), `${found.path}: ${name} is not a ${store.engine} exporter metric`);
            assert.ok(expr.includes(`job="${store.exporter.job}"`), `${found.path}: ${expr} selects the exporter's job`);
          }
          assert.ok(found.dashboard.title.includes(store.label));
        }
      });

      test('provisioning YAML parses and passes yamllint', () => {
        const dir = tempDir('phase4-grafana-yaml-');
        writeRendered(dir, files);
        const yamlFiles = files.filter((file) => file.path.endsWith('.yaml'));
        for (const file of yamlFiles) assert.ok(parse(file.contents), file.path);
        assert.deepEqual(yamllint.check(yamlFiles.map((file) => path.join(dir, file.path))), []);
        const datasources = parse(files.find((file) => file.path.endsWith('datasources.yaml'))!.contents) as { datasources: { uid: string; type: string }[] };
        assert.deepEqual(
          datasources.datasources.map((source) => `${source.type}:${source.uid}`),
          kubernetes ? ['loki:loki'] : ['prometheus:prometheus', 'loki:loki'],
        );
        if (!kubernetes) {
          const provider = (parse(files.find((file) => file.path.endsWith('dashboards.yaml'))!.contents) as { providers: Record<string, unknown>[] }).providers[0];
          assert.equal(provider.folder, facts.project);
          assert.equal(provider.allowUiUpdates, false);
          assert.deepEqual(provider.options, { path: '/var/lib/grafana/dashboards' });
        }
      });

      if (kubernetes) {
        test('kubectl kustomize builds one labelled ConfigMap per dashboard, and the data sources', () => {
          const dir = tempDir('phase4-grafana-kustomize-');
          writeRendered(dir, files);
          const build = kustomizeBuild(path.join(dir, 'monitoring', 'grafana'));
          assert.deepEqual(build.problems, []);
          const objects = readObjects(build.manifest!) as unknown as { kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; data: Record<string, string> }[];
          assert.ok(objects.every((object) => object.kind === 'ConfigMap' && object.metadata.namespace === 'monitoring'));
          const dashboardMaps = objects.filter((object) => object.metadata.labels.grafana_dashboard === '1');
          assert.equal(dashboardMaps.length, dashboards.length);
          for (const { path: file, dashboard } of dashboards) {
            const map = dashboardMaps.find((candidate) => path.basename(file) in candidate.data);
            assert.ok(map, `${file} has a ConfigMap`);
            assert.deepEqual(JSON.parse(map.data[path.basename(file)]), dashboard);
          }
          const datasourceMaps = objects.filter((object) => object.metadata.labels.grafana_datasource === '1');
          assert.equal(datasourceMaps.length, 1);
          assert.equal(objects.length, dashboards.length + 1);
        });
      }
    });
  }

  test('every query of every case parses as PromQL (promtool check rules)', () => {
    const exprs = [...new Set(rendered.flatMap(({ files }) => dashboardsOf(files).flatMap(({ dashboard }) => expressions(dashboard))))].map(substitute);
    for (const expr of exprs) assert.doesNotMatch(expr, /\$/, `a variable left in ${expr}`);
    const file = path.join(tempDir('phase4-grafana-promql-'), 'queries.rules.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'grafana-queries', rules: exprs.map((expr, index) => ({ record: `grafana_query_${index}`, expr })) }] }, { lineWidth: 0 }));
    const result = runTool('promtool', ['check', 'rules', file]);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, new RegExp(`${exprs.length} rules found`));
  });

  test('the metric name reader finds typos', () => {
    assert.deepEqual(metricNames('sum by (job) (rate(container_cpu_usage_secnds_total{namespace="a"}[5m])) / scalar(max(machine_cpu_cores))'), ['container_cpu_usage_secnds_total', 'machine_cpu_cores']);
    assert.deepEqual(metricNames('max(a{x="1"}) - on () group_right () b{y="2"} / 1000'), ['a', 'b']);
  });

  test('dashboard uids stay within Grafana\'s 8 to 40 characters and apart for long project names', () => {
    const long = 'a'.repeat(60);
    const uids = [dashboardUid(long, 'resources'), dashboardUid(`${long}b`, 'resources'), dashboardUid('ab', 'slo'), dashboardUid('shop', 'services')];
    for (const uid of uids) assert.ok(uid.length >= 8 && uid.length <= 40, uid);
    assert.notEqual(uids[0], uids[1]);
    assert.equal(uids[3], 'shop-services');
  });

  test('the same answers give the same files', () => {
    const again = renderAll(grafanaFiles(monitoringOf(derive(cases[0].answers))));
    assert.deepEqual(again.map((file) => file.contents), rendered[0].files.map((file) => file.contents));
  });
});
