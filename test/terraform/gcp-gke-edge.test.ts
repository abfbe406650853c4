/**
 * On GKE, the application's hosts go through Google's load balancer and Cloud Armor to the ingress controller
 * (lib/areas/terraform/gcp.ts, templates/terraform/gcp). The validators run over these shapes in gcp.test.ts;
 * here the parsed HCL answers what the edge must do, and the real terraform evaluates the module's own
 * expressions (the URL map's backend per host, the controller's Helm values) over a rendered environment's
 * inputs, with the provider's resources replaced by names.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { gcpFiles } from '../../lib/areas/terraform/gcp.js';
import { kubernetesDocs } from '../../lib/kubernetes/docs.js';
import { derive } from '../../lib/model/index.js';
import { renderAll, renderFile } from '../../lib/render/render.js';
import { infrastructureOf } from '../../lib/terraform/infrastructure.js';
import { helmChart } from '../../lib/versions/index.js';
import { shopAnswers } from '../ci/answers.js';
import { serviceVariants } from '../validation/matrix.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { runTool } from '../helpers/tools.js';
import { routesIn } from './edge-routes.js';
import { labelledBlocks, namedBlocks } from './hcl-assertions.js';
import { parseTerraformDir, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';

const gcp = (overrides: Partial<Answers>): Partial<Answers> => ({ cloud: 'gcp', region: 'europe-west1', registry: 'europe-west1-docker.pkg.dev/acme-prod/shop', ...overrides });

const shapes: Record<string, Partial<Answers>> = {
  'gke-helm': gcp({ orchestration: 'helm', database: 'postgres', cache: 'redis', environments: ['staging', 'production'] }),
  // Two front ends on hosts of their own, and an IngressClass of the user's.
  'gke-two-front-ends': gcp({ orchestration: 'kustomize', ingressClass: 'public-nginx', database: 'none', cache: 'none', services: [serviceVariants[0], serviceVariants[1], serviceVariants[5]] }),
  'cloud-run': gcp({ orchestration: 'none', database: 'postgres', cache: 'none' }),
};
const gkeShapes = ['gke-helm', 'gke-two-front-ends'];

interface Rendered {
  files: Record<string, string>;
  parsed: ParsedTerraformFile[];
}
const rendered = new Map<string, Rendered>();

before(async () => {
  const root = tempDir('phase4-gke-edge-');
  await Promise.all(
    Object.entries(shapes).map(async ([name, overrides]) => {
      const files = Object.fromEntries(renderAll(gcpFiles(derive(shopAnswers(overrides)))).map((file) => [file.path, file.contents]));
      rendered.set(name, { files, parsed: await parseTerraformDir(writeTree(path.join(root, name), files)) });
    }),
  );
});

const shape = (name: string) => rendered.get(name)!;
const environmentsOf = (name: string) => infrastructureOf(derive(shopAnswers(shapes[name]))).environments;
const inFile = (parsed: ParsedTerraformFile[], file: string) => parsed.filter((candidate) => candidate.file === file);
const resource = (parsed: ParsedTerraformFile[], file: string, type: string, name: string) => {
  const found = labelledBlocks(inFile(parsed, file), 'resource').find((block) => block.type === type && block.name === name);
  assert.ok(found, `${file}: no ${type}.${name}`);
  return found.body;
};
const moduleCall = (parsed: ParsedTerraformFile[], file: string, name: string) => {
  const found = namedBlocks(inFile(parsed, file), 'module').find((block) => block.name === name);
  assert.ok(found, `${file}: no module ${name}`);
  return found.body;
};
const localsOf = (parsed: ParsedTerraformFile[], file: string): Record<string, string> =>
  Object.assign({}, ...inFile(parsed, file).flatMap(({ body }) => (body.locals ?? []) as Record<string, string>[]));
/** An hcl2json `"${...}"` string back to its expression. */
const expression = (value: string): string => (value.startsWith('${') && value.endsWith('}') ? value.slice(2, -1) : JSON.stringify(value));
const variableDefault = (parsed: ParsedTerraformFile[], file: string, name: string) => namedBlocks(inFile(parsed, file), 'variable').find((block) => block.name === name)?.body.default;

/** `terraform console` over a configuration of its own (no provider): the JSON value of `query`, which may span lines. */
const evaluate = (configuration: string, query: string): unknown => {
  const dir = tempDir('phase4-gke-edge-eval-');
  writeFileSync(path.join(dir, 'main.tf'), `${configuration}\n\nlocals {\n  query = ${query}\n}\n`);
  const result = runTool('terraform', ['console'], { cwd: dir, input: 'jsonencode(local.query)\n', env: { TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  return JSON.parse(JSON.parse(result.stdout.trim()));
};

const environmentFiles = (name: string) => environmentsOf(name).map((environment) => ({ environment, main: `infra/environments/${environment.name}/main.tf`, outputs: `infra/environments/${environment.name}/outputs.tf` }));
const balancer = 'infra/modules/load-balancer/main.tf';
const cluster = 'infra/modules/gke/main.tf';

/**
 * Per host of a rendered environment, the URL map's default backend and path prefixes, from the load balancer
 * module's own locals evaluated over the environment's arguments (backend services replaced by names).
 */
const urlMapAnswers = (name: string, main: string): unknown => {
  const { parsed, files } = shape(name);
  const named = (text: string) =>
    expression(text)
      .replaceAll('one(google_compute_backend_service.ingress[*].id)', '"ingress-controller"')
      .replaceAll('google_compute_backend_service.service[service].id', '"service-${service}"');
  const call = moduleCall(parsed, main, 'load_balancer');
  const routes = call.routes ? routesIn(files[main], 'routes') : {};
  const configuration = [
    `variable "routes" {\n  type    = map(object({ host = string, path = string }))\n  default = ${JSON.stringify(routes).replaceAll('":', '" =')}\n}`,
    `variable "kubernetes_ingress" {\n  type    = object({ hosts = list(string) })\n  default = ${call.kubernetes_ingress ? `{ hosts = ${JSON.stringify(call.kubernetes_ingress.hosts)} }` : 'null'}\n}`,
    `variable "assets_host" {\n  type    = string\n  default = ${JSON.stringify(call.assets_host)}\n}`,
    'variable "assets_backend_bucket_id" {\n  type    = string\n  default = "assets-bucket"\n}',
    `locals {\n${Object.entries(localsOf(parsed, balancer)).map(([local, value]) => `  ${local} = ${named(value)}`).join('\n')}\n}`,
  ].join('\n\n');
  return evaluate(configuration, '{ for host, matcher in local.matchers : host => { fallback = matcher.fallback, prefixes = matcher.prefixes } }');
};

describe('gcp on GKE: every public host through the load balancer and Cloud Armor', () => {
  test('the load balancer serves every host of every environment through the ingress controller, and DNS points each at it', () => {
    for (const name of gkeShapes) {
      const { parsed, files } = shape(name);
      for (const { environment, main } of environmentFiles(name)) {
        assert.ok(environment.hosts.length > (name === 'gke-two-front-ends' ? 1 : 0), `${name}: hosts`);
        const call = moduleCall(parsed, main, 'load_balancer');
        assert.deepEqual(call.kubernetes_ingress.hosts, environment.hosts, `${name} ${main}: the edge's hosts`);
        assert.equal(call.kubernetes_ingress.network_endpoint_groups, '${[for group in data.google_compute_network_endpoint_group.ingress : group.self_link]}');
        const records = String(moduleCall(parsed, main, 'dns').records);
        const recordHosts = JSON.parse(records.match(/for host in (\[[^\]]*\])/)![1]) as string[];
        assert.deepEqual(recordHosts.sort(), [...environment.hosts, `assets.${environment.host}`].sort(), `${name} ${main}: DNS records`);
        assert.match(records, /: host => module\.load_balancer\.address \}\}$/);
        // The address to hand-copy is gone.
        assert.doesNotMatch(files[main], /ingress_address/);
        assert.doesNotMatch(files[`infra/environments/${environment.name}/variables.tf`], /ingress_address/);
      }
    }
  });

  test("the URL map's answer for each host, as terraform computes it: the ingress controller for the application's hosts, the bucket for the assets", () => {
    for (const name of gkeShapes) {
      for (const { environment, main } of environmentFiles(name)) {
        assert.deepEqual(
          urlMapAnswers(name, main),
          Object.fromEntries([...environment.hosts.map((host) => [host, { fallback: 'ingress-controller', prefixes: {} }]), [`assets.${environment.host}`, { fallback: 'assets-bucket', prefixes: {} }]]),
          `${name} ${main}`,
        );
      }
    }
  });

  test("Cloud Armor guards the ingress controller's backend service, which logs every request and checks the controller's health", () => {
    const { parsed } = shape('gke-helm');
    const policy = resource(parsed, balancer, 'google_compute_security_policy', 'edge');
    assert.equal(policy.count, '${length(var.routes) > 0 || var.kubernetes_ingress != null ? 1 : 0}');
    // Blocking mode: every preconfigured rule set denies, and the rate limit answers 429.
    assert.equal(policy.dynamic.rule[0].content[0].action, 'deny(403)');
    assert.ok(policy.rule.some((rule: Record<string, any>) => rule.action === 'throttle' && rule.rate_limit_options[0].exceed_action === 'deny(429)'));
    const backend = resource(parsed, balancer, 'google_compute_backend_service', 'ingress');
    assert.equal(backend.count, '${var.kubernetes_ingress == null ? 0 : 1}');
    assert.equal(backend.security_policy, '${google_compute_security_policy.edge[0].id}');
    assert.equal(backend.load_balancing_scheme, 'EXTERNAL_MANAGED');
    assert.equal(backend.protocol, 'HTTP');
    assert.deepEqual(backend.log_config, [{ enable: true, sample_rate: 1 }]);
    assert.deepEqual(backend.health_checks, ['${google_compute_health_check.ingress[0].id}']);
    assert.ok(backend.custom_response_headers.some((header: string) => /^Strict-Transport-Security: max-age=\d{8,}/.test(header)), 'HSTS');
    const group = backend.dynamic.backend[0];
    assert.equal(group.for_each, '${toset(var.kubernetes_ingress.network_endpoint_groups)}');
    assert.equal(group.content[0].balancing_mode, 'RATE');
    assert.ok(group.content[0].max_rate_per_endpoint);
    const health = resource(parsed, balancer, 'google_compute_health_check', 'ingress');
    assert.deepEqual(health.http_health_check, [{ port_specification: 'USE_SERVING_PORT', request_path: '/healthz' }]);
    // TLS 1.2 or later on the one HTTPS proxy every host shares; plain HTTP only redirects.
    assert.equal(resource(parsed, balancer, 'google_compute_ssl_policy', 'edge').min_tls_version, 'TLS_1_2');
    assert.equal(resource(parsed, balancer, 'google_compute_url_map', 'http').default_url_redirect[0].https_redirect, true);
  });

  test("only Google's load balancer ranges reach the ingress controller's port, on the nodes of this cluster", () => {
    const { parsed } = shape('gke-helm');
    const rule = resource(parsed, cluster, 'google_compute_firewall', 'edge_to_ingress');
    assert.equal(rule.direction, 'INGRESS');
    assert.equal(rule.source_ranges, '${var.edge_source_ranges}');
    assert.deepEqual(variableDefault(parsed, 'infra/modules/gke/variables.tf', 'edge_source_ranges'), ['35.191.0.0/16', '130.211.0.0/22']);
    assert.deepEqual(rule.allow, [{ protocol: 'tcp', ports: ['${tostring(var.ingress_controller_port)}'] }]);
    assert.equal(variableDefault(parsed, 'infra/modules/gke/variables.tf', 'ingress_controller_port'), 80);
    assert.deepEqual(rule.target_service_accounts, ['${google_service_account.nodes.email}']);
    assert.ok(!rule.source_tags && !rule.deny);
    // Nothing opens the nodes to the internet.
    for (const { file, body } of labelledBlocks(parsed, 'resource').filter((block) => block.type === 'google_compute_firewall')) {
      if (String(body.source_ranges).includes('0.0.0.0/0')) assert.ok(body.deny && !body.allow, `${file}: allows 0.0.0.0/0`);
    }
  });

  test("the first apply needs no controller: its network endpoint groups are read only once ingress_negs_ready, under the name the controller's values give them", () => {
    for (const name of gkeShapes) {
      const { parsed } = shape(name);
      for (const { environment, main } of environmentFiles(name)) {
        assert.equal(variableDefault(parsed, `infra/environments/${environment.name}/variables.tf`, 'ingress_negs_ready'), false);
        const groups = labelledBlocks(inFile(parsed, main), 'data').find((block) => block.type === 'google_compute_network_endpoint_group' && block.name === 'ingress');
        assert.ok(groups, main);
        assert.equal(groups.body.for_each, '${var.ingress_negs_ready ? module.cluster.node_zones : toset([])}');
        assert.equal(groups.body.zone, '${each.key}');
        assert.equal(groups.body.name, '${local.ingress_network_endpoint_group}');
      }
    }
  });

  test("ingress_controller_values, as terraform renders it: a ClusterIP Service in the NEGs Terraform reads, trusting only the load balancer's forwarded headers", () => {
    for (const name of gkeShapes) {
      const { parsed } = shape(name);
      const answers = derive(shopAnswers(shapes[name])).config;
      for (const { environment, main, outputs } of environmentFiles(name)) {
        const locals = localsOf(parsed, main);
        const output = namedBlocks(inFile(parsed, outputs), 'output').find((block) => block.name === 'ingress_controller_values');
        assert.ok(output, outputs);
        const value = expression(output.body.value)
          .replaceAll('module.cluster.edge_source_ranges', JSON.stringify(variableDefault(parsed, 'infra/modules/gke/variables.tf', 'edge_source_ranges')))
          .replaceAll('module.load_balancer.address', '"203.0.113.7"');
        const configuration = `locals {\n  name = ${expression(locals.name)}\n  ingress_network_endpoint_group = ${expression(locals.ingress_network_endpoint_group)}\n}\n`;
        const evaluated = evaluate(configuration, `{ values = ${value}, group = local.ingress_network_endpoint_group }`) as { values: string; group: string };
        assert.equal(evaluated.group, `shop-${environment.name}-ingress`, `${name} ${main}`);
        const values = parseYaml(evaluated.values) as { controller: Record<string, any> };
        const service = values.controller.service;
        assert.equal(service.type, 'ClusterIP', 'no load balancer or node port of its own');
        assert.equal(service.enableHttps, false);
        assert.deepEqual(JSON.parse(service.annotations['cloud.google.com/neg']), { exposed_ports: { 80: { name: evaluated.group } } });
        assert.equal(values.controller.ingressClassResource.name, answers.ingressClass);
        assert.equal(values.controller.ingressClass, answers.ingressClass);
        assert.equal(values.controller.config['use-forwarded-headers'], 'true');
        assert.deepEqual(values.controller.config['proxy-real-ip-cidr'].split(','), ['35.191.0.0/16', '130.211.0.0/22', '203.0.113.7/32']);
      }
    }
  });

  test('the docs say how to install the controller between the two applies, with the pinned chart', () => {
    const chart = helmChart('ingress-nginx');
    const docs = shape('gke-helm').files['docs/infrastructure.md'];
    assert.ok(
      docs.includes(`terraform output -raw ingress_controller_values | helm upgrade --install ingress-nginx ${chart.chart} --repo ${chart.repository} --version ${chart.version} --namespace ingress-nginx --create-namespace --values -`),
    );
    assert.match(docs, /echo 'ingress_negs_ready = true' >> terraform\.tfvars\n\s+terraform apply -var project_id=PROJECT/);
    assert.doesNotMatch(docs, /ingress_address/);
    const model = derive(shopAnswers(shapes['gke-helm']));
    const addOns = renderFile(kubernetesDocs(model, 'helm', 'helm')).contents;
    assert.match(addOns, new RegExp(`terraform output -raw ingress_controller_values.*\\|\\s*chart ${chart.version.replaceAll('.', '\\.')}\\s*\\|`));
    assert.match(addOns, /behind Google's load balancer and Cloud Armor/);
    // Every cloud installs the controller with its stack's values, behind its own edge.
    for (const [cloud, edge] of [['aws', /behind the Application Load Balancer and WAF/], ['azure', /behind Front Door and its WAF/]] as const) {
      const other = renderFile(kubernetesDocs(derive(shopAnswers({ cloud, orchestration: 'helm' })), 'helm', 'helm')).contents;
      assert.match(other, new RegExp(`terraform output -raw ingress_controller_values.*\\|\\s*chart ${chart.version.replaceAll('.', '\\.')}\\s*\\|`), cloud);
      assert.match(other, edge, cloud);
    }
  });

  test('Cloud Run: no ingress backend, no NEG data source, no controller values; each host answered by its service as before', () => {
    const { parsed, files } = shape('cloud-run');
    for (const { environment, main, outputs } of environmentFiles('cloud-run')) {
      const routes = routesIn(files[main], 'routes');
      const frontEnd = Object.entries(routes).find(([, route]) => route.path === '/')!;
      const api = Object.entries(routes).find(([, route]) => route.path === '/api')!;
      assert.deepEqual(urlMapAnswers('cloud-run', main), {
        [frontEnd[1].host]: { fallback: `service-${frontEnd[0]}`, prefixes: { [api[0]]: '/api' } },
        ...(api[1].host === frontEnd[1].host ? {} : { [api[1].host]: { fallback: 'assets-bucket', prefixes: { [api[0]]: '/api' } } }),
        [`assets.${environment.host}`]: { fallback: 'assets-bucket', prefixes: {} },
      });
      assert.equal(moduleCall(parsed, main, 'load_balancer').kubernetes_ingress, undefined);
      assert.ok(!labelledBlocks(inFile(parsed, main), 'data').some((block) => block.type === 'google_compute_network_endpoint_group'));
      assert.doesNotMatch(files[outputs], /ingress_controller_values/);
    }
  });
});
