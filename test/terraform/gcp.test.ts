/**
 * The Google Cloud Terraform (lib/areas/terraform/gcp.ts) over the answer shapes that change it: GKE with
 * PostgreSQL and Redis, Cloud Run with MySQL and three environments, MongoDB (no managed service on Google
 * Cloud), each CI platform once, and a registry that is not Artifact Registry. Each shape is written to a temp
 * folder and must come back clean from terraform fmt, tflint, trivy and the google provider schema (6.50.0);
 * the parsed HCL then answers what a reviewer would check by hand. `terraform validate` cannot run for google
 * here (no provider binary, nothing can be downloaded): the schema check stands in for its argument checks,
 * not for its reference and type checks.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { gcpFiles } from '../../lib/areas/terraform/gcp.js';
import { derive } from '../../lib/model/index.js';
import { renderAll } from '../../lib/render/render.js';
import { shopAnswers } from '../ci/answers.js';
import { serviceVariants } from '../validation/matrix.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { terraformFmt, tflint, trivyTerraform } from '../validation/validators/terraform.js';
import { terraformPins } from '../../lib/versions/index.js';
import { evaluateWithRoutes, localDefinition, routesIn } from './edge-routes.js';
import { parseTerraformDir, providerSchema, providerSchemaFindings, schemaProviderVersion, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';

const gcp = (overrides: Partial<Answers>): Partial<Answers> => ({
  cloud: 'gcp',
  region: 'europe-west1',
  registry: 'europe-west1-docker.pkg.dev/acme-prod/shop',
  ...overrides,
});

const shapes: Record<string, Partial<Answers>> = {
  'gke-postgres-redis': gcp({ orchestration: 'helm', database: 'postgres', cache: 'redis', environments: ['staging', 'production'] }),
  // A worker (a Cloud Run worker pool) and a migration (a Cloud Run job) besides the web services.
  'cloud-run-mysql': gcp({
    orchestration: 'none',
    database: 'mysql',
    environments: ['dev', 'staging', 'production'],
    ci: 'gitlab-ci',
    services: [serviceVariants[0], { ...serviceVariants[5], migrations: { tool: 'prisma', command: 'npx prisma migrate deploy' } }, serviceVariants[8], serviceVariants[10]],
  }),
  mongodb: gcp({ orchestration: 'kustomize', database: 'mongodb', ci: 'circleci' }),
  'azure-devops': gcp({ orchestration: 'none', ci: 'azure-devops' }),
  jenkins: gcp({ orchestration: 'helm', ci: 'jenkins' }),
  'foreign-registry': gcp({ orchestration: 'none', registry: 'ghcr.io/acme' }),
  // Nothing to keep secret (no datastore, no secret setting): no credentials to version either.
  'cloud-run-no-secrets': gcp({ orchestration: 'none', database: 'none', cache: 'none', services: [serviceVariants[0], serviceVariants[5]] }),
  // GKE with two front ends on hosts of their own (both behind the load balancer) and an IngressClass of the user's.
  'gke-two-front-ends': gcp({ orchestration: 'kustomize', ingressClass: 'public-nginx', database: 'none', cache: 'none', services: [serviceVariants[0], serviceVariants[1], serviceVariants[5]] }),
  // A second front end, on a host of its own: it calls the API on its own origin too.
  'cloud-run-two-front-ends': gcp({ orchestration: 'none', database: 'postgres', cache: 'none', services: [serviceVariants[0], serviceVariants[1], serviceVariants[5]] }),
};

interface Rendered {
  dir: string;
  files: Record<string, string>;
  parsed: ParsedTerraformFile[];
}

const rendered = new Map<string, Rendered>();

/** Every shape under one folder (<shape>/infra/...), so that each tool runs once over all of them. */
let root = '';

before(async () => {
  root = tempDir('phase4-gcp-');
  await Promise.all(
    Object.entries(shapes).map(async ([name, overrides]) => {
      const files = Object.fromEntries(renderAll(gcpFiles(derive(shopAnswers(overrides)))).map((file) => [file.path, file.contents]));
      const dir = writeTree(path.join(root, name), files);
      rendered.set(name, { dir, files, parsed: await parseTerraformDir(dir) });
    }),
  );
});

const shape = (name: string): Rendered => rendered.get(name)!;

/** Every block `resource "<type>" "<name>"` of the parsed files, with its file. */
const resources = (parsed: ParsedTerraformFile[]) =>
  parsed.flatMap(({ file, body }) =>
    Object.entries((body.resource ?? {}) as Record<string, Record<string, Record<string, unknown>[]>>).flatMap(([type, byName]) =>
      Object.entries(byName).flatMap(([name, bodies]) => bodies.map((block) => ({ file, type, name, block }))),
    ),
  );

const blocksOf = (parsed: ParsedTerraformFile[], kind: string) =>
  parsed.flatMap(({ file, body }) =>
    Object.entries((body[kind] ?? {}) as Record<string, Record<string, unknown>[]>).flatMap(([name, bodies]) => bodies.map((block) => ({ file, name, block }))),
  );

describe('gcp terraform: the validators, over every shape at once', () => {
  test('terraform fmt -check', () => assert.deepEqual(terraformFmt(root), []));
  test('tflint (every rule of the terraform ruleset)', () => assert.deepEqual(tflint(root), []));
  test('trivy (HIGH and CRITICAL, minus test/validation/terraform-exceptions.yaml)', () => assert.deepEqual(trivyTerraform(root), []));
  test('the google 6.50 schema: resource types, arguments and blocks exist, required ones are given', async () =>
    assert.deepEqual(await providerSchemaFindings(root, 'google'), []));
});

describe('gcp terraform: what a reviewer checks', () => {
  test('every resource whose type takes labels has them; GKE clusters and node pools have resource labels', () => {
    const schema = providerSchema('google');
    for (const { parsed } of rendered.values()) {
      for (const { file, type, name, block } of resources(parsed)) {
        const arguments_ = schema.resources[type]?.arguments ?? {};
        if ('labels' in arguments_) assert.ok(block.labels !== undefined, `${file}: ${type}.${name} has no labels`);
        if ('user_labels' in (schema.resources[type]?.blocks.settings?.arguments ?? {})) {
          assert.ok((block.settings as Record<string, unknown>[])[0].user_labels, `${file}: ${type}.${name} has no user_labels`);
        }
        if (type === 'google_container_cluster') assert.ok(block.resource_labels, `${file}: ${name} has no resource_labels`);
        if (type === 'google_container_node_pool') assert.ok((block.node_config as Record<string, unknown>[])[0].resource_labels, `${file}: ${name} has no resource_labels`);
      }
    }
  });

  test('Cloud SQL: backups with PITR (binary log for MySQL) and retention; HA and deletion protection in production only', () => {
    for (const name of ['gke-postgres-redis', 'cloud-run-mysql']) {
      const { parsed, files } = shape(name);
      const instance = resources(parsed).find((resource) => resource.type === 'google_sql_database_instance')!;
      const backup = (instance.block.settings as any)[0].backup_configuration[0];
      assert.equal(backup.enabled, true);
      assert.match(String(backup.point_in_time_recovery_enabled), /local\.postgres \? true : null/);
      assert.match(String(backup.binary_log_enabled), /local\.postgres \? null : true/);
      assert.ok(backup.backup_retention_settings[0].retained_backups, 'retained_backups is set');
      assert.equal((instance.block.settings as any)[0].ip_configuration[0].ssl_mode, 'ENCRYPTED_ONLY');
      assert.equal((instance.block.settings as any)[0].ip_configuration[0].ipv4_enabled, false);
      for (const environment of blocksOf(parsed, 'module').filter((module) => module.name === 'database')) {
        const production = environment.file.includes('/production/');
        const main = files[environment.file];
        assert.match(main, new RegExp(`production = ${production}\\n`), `${environment.file}: local.production`);
        assert.equal(environment.block.high_availability, '${local.production}');
        assert.equal(environment.block.deletion_protection, '${local.production}');
        assert.equal(environment.block.backup_retention_days, production ? 30 : 7);
      }
    }
  });

  test('MongoDB: no Cloud SQL, no half resource, and the alternative is written down', () => {
    const { parsed, files } = shape('mongodb');
    assert.ok(!resources(parsed).some((resource) => resource.type.startsWith('google_sql_')));
    assert.ok(!blocksOf(parsed, 'module').some((module) => module.name === 'database'));
    assert.match(files['infra/environments/production/main.tf'], /MongoDB Atlas/);
  });

  test('no firewall rule opens a datastore port to 0.0.0.0/0', () => {
    for (const { parsed } of rendered.values()) {
      for (const { name, block } of resources(parsed).filter((resource) => resource.type === 'google_compute_firewall')) {
        const open = ((block.source_ranges as string[] | undefined) ?? []).includes('0.0.0.0/0');
        if (open) assert.ok(!block.allow, `${name} allows traffic from anywhere`);
      }
    }
  });

  test('every variable has a type and a description; every output a description', () => {
    for (const { parsed } of rendered.values()) {
      for (const { file, name, block } of blocksOf(parsed, 'variable')) {
        assert.ok(block.type, `${file}: variable ${name} has no type`);
        assert.ok(block.description, `${file}: variable ${name} has no description`);
      }
      for (const { file, name, block } of blocksOf(parsed, 'output')) assert.ok(block.description, `${file}: output ${name} has no description`);
    }
  });

  test('every module output and input a root stack uses exists', () => {
    for (const { parsed } of rendered.values()) {
      const outputs = new Map<string, Set<string>>();
      const inputs = new Map<string, Set<string>>();
      for (const { file, name } of blocksOf(parsed, 'output')) if (file.includes('modules/')) outputs.set(file.split('/')[2], (outputs.get(file.split('/')[2]) ?? new Set()).add(name));
      for (const { file, name } of blocksOf(parsed, 'variable')) if (file.includes('modules/')) inputs.set(file.split('/')[2], (inputs.get(file.split('/')[2]) ?? new Set()).add(name));
      const stacks = parsed.filter((parsed) => parsed.file.includes('environments/'));
      for (const folder of new Set(stacks.map((stack) => path.dirname(stack.file)))) {
        const files = stacks.filter((stack) => path.dirname(stack.file) === folder);
        const modules = Object.assign({}, ...files.map((stack) => stack.body.module ?? {})) as Record<string, Record<string, unknown>[]>;
        const calls = Object.fromEntries(Object.entries(modules).map(([call, [block]]) => [call, String(block.source).replace('../../modules/', '')]));
        for (const [call, module] of Object.entries(calls)) {
          for (const argument of Object.keys(modules[call][0]).filter((key) => !['source', 'depends_on', 'providers'].includes(key))) {
            assert.ok(inputs.get(module)?.has(argument), `${folder}: module ${call} has no input ${argument}`);
          }
        }
        for (const { file, body } of files) {
          for (const match of JSON.stringify(body).matchAll(/module\.([a-z_]+)\.([a-z_]+)/g)) {
            assert.ok(outputs.get(calls[match[1]])?.has(match[2]), `${file}: module.${match[1]}.${match[2]} is not an output of ${calls[match[1]]}`);
          }
        }
      }
    }
  });

  test('every var., local., resource and data source a configuration references is declared in it (what terraform validate would say first)', () => {
    for (const { parsed } of rendered.values()) {
      for (const folder of new Set(parsed.map((file) => path.dirname(file.file)))) {
        const files = parsed.filter((file) => path.dirname(file.file) === folder);
        const declared = new Set<string>();
        for (const { body } of files) {
          for (const name of Object.keys(body.variable ?? {})) declared.add(`var.${name}`);
          for (const locals of (body.locals ?? []) as Record<string, unknown>[]) for (const name of Object.keys(locals)) declared.add(`local.${name}`);
          for (const [type, byName] of Object.entries((body.resource ?? {}) as Record<string, object>)) for (const name of Object.keys(byName)) declared.add(`${type}.${name}`);
          for (const [type, byName] of Object.entries((body.data ?? {}) as Record<string, object>)) for (const name of Object.keys(byName)) declared.add(`data.${type}.${name}`);
          for (const [type, byName] of Object.entries((body.ephemeral ?? {}) as Record<string, object>)) for (const name of Object.keys(byName)) declared.add(`ephemeral.${type}.${name}`);
        }
        const text = JSON.stringify(files.map((file) => file.body));
        // Every JSON string that holds an expression (hcl2json writes them as "${...}").
        const expressions = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]).filter((value) => value.includes('${'));
        const references = expressions.flatMap((expression) => [
          ...expression.matchAll(/(?<![\w.])((?:var|local)\.[a-z_][a-z0-9_]*|(?:data\.|ephemeral\.)?(?:google|random)_[a-z0-9_]+\.[a-z_][a-z0-9_]*)/g),
        ]);
        for (const [reference] of references) assert.ok(declared.has(reference), `${folder}: ${reference} is not declared`);
      }
    }
  });

  test('the Workload Identity provider admits tokens of this repository only, and deploys per environment', () => {
    const conditions: Record<string, RegExp> = {
      'gke-postgres-redis': /^assertion\.repository == "acme\/shop"$/,
      'cloud-run-mysql': /^assertion\.project_path == "acme\/shop"$/,
      mongodb: /^assertion\['oidc\.circleci\.com\/project-id'\] == "\$\{var\.circleci_project_id\}" && assertion\['oidc\.circleci\.com\/vcs-origin'\]\.endsWith\("\/acme\/shop"\)$/,
      'azure-devops': /^assertion\.sub in \["sc:\/\/\$\{var\.azure_devops_organization\}\/\$\{var\.azure_devops_project\}\/shop-registry", "sc:\/\/\$\{var\.azure_devops_organization\}\/\$\{var\.azure_devops_project\}\/shop-staging", "sc:\/\/\$\{var\.azure_devops_organization\}\/\$\{var\.azure_devops_project\}\/shop-production"\]$/,
    };
    for (const [name, condition] of Object.entries(conditions)) {
      const provider = resources(shape(name).parsed).find((resource) => resource.type === 'google_iam_workload_identity_pool_provider')!;
      assert.match(String(provider.block.attribute_condition), condition, name);
    }
    const github = resources(shape('gke-postgres-redis').parsed).find((resource) => resource.type === 'google_service_account_iam_member' && resource.name === 'deploy_ci')!;
    assert.equal(github.block.member, 'principal://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/subject/repo:acme/shop:environment:${each.key}');
    // Jenkins: no federation; the agents' own service accounts may impersonate ours.
    const jenkins = resources(shape('jenkins').parsed);
    assert.ok(!jenkins.some((resource) => resource.type.startsWith('google_iam_workload_identity_pool')));
    assert.equal(jenkins.find((resource) => resource.name === 'deploy_ci')!.block.role, 'roles/iam.serviceAccountTokenCreator');
  });

  test('Artifact Registry repositories only when the registry is Artifact Registry', () => {
    const repositories = (name: string) => resources(shape(name).parsed).filter((resource) => resource.type === 'google_artifact_registry_repository');
    assert.equal(repositories('gke-postgres-redis').length, 1);
    assert.equal(repositories('foreign-registry').length, 0);
    assert.ok(!Object.entries(shape('foreign-registry').files).some(([file, contents]) => file.includes('environments/') && contents.includes('registry_project_id')));
  });

  test('Cloud Run: the pipeline owns the images; public services only through the load balancer; migrations as jobs', () => {
    const { parsed, files } = shape('cloud-run-mysql');
    const cloudRun = resources(parsed);
    const service = cloudRun.find((resource) => resource.type === 'google_cloud_run_v2_service')!;
    assert.match(JSON.stringify(service.block.lifecycle), /template\[0\]\.containers\[0\]\.image/);
    assert.match(String(service.block.ingress), /INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER/);
    const job = cloudRun.find((resource) => resource.type === 'google_cloud_run_v2_job')!;
    assert.match(JSON.stringify(job.block.lifecycle), /template\[0\]\.template\[0\]\.containers\[0\]\.image/);
    const production = files['infra/environments/production/main.tf'];
    assert.match(production, /migration\s+= \{ name = "shop-api-express-migrate", image = "europe-west1-docker\.pkg\.dev\/acme-prod\/shop\/[^"]+", command = \[/);
    // The worker has no port: a worker pool, not a service.
    assert.match(production, /jobs-node = \{\n\s+workload\s+= "shop-jobs-node"\n\s+image/);
    assert.ok(cloudRun.some((resource) => resource.type === 'google_cloud_run_v2_worker_pool'));
    // Each setting is its own secret, read by environment variable.
    assert.match(production, /one_secret_per_setting = true/);
  });

  test("Cloud Run: front ends proxy nothing (API_UPSTREAM=off), as the load balancer routes /api to the API on every front end's host", () => {
    const cloudRunShapes = Object.keys(shapes).filter((name) => shapes[name].orchestration === 'none');
    assert.ok(cloudRunShapes.includes('cloud-run-two-front-ends'));
    for (const name of cloudRunShapes) {
      const { files } = shape(name);
      const { services } = derive(shopAnswers(shapes[name])).config;
      const api = services.find((service) => service.kind === 'backend' && service.port !== undefined)!;
      const frontEnds = services.filter((service) => service.kind === 'frontend');
      const balancer = files['infra/modules/load-balancer/main.tf'];
      const prefixes = balancer.match(/\n\s+prefixes = (.*)\n/)![1];
      const environments = Object.keys(files).filter((file) => /^infra\/environments\/[^/]+\/main\.tf$/.test(file));
      assert.ok(environments.length > 0, name);
      for (const file of environments) {
        const main = files[file];
        for (const service of services) {
          const block = main.match(new RegExp(`\\n(\\s+)${service.name} = \\{\\n([\\s\\S]*?)\\n\\1\\}\\n`))?.[2];
          assert.ok(block, `${name} ${file}: ${service.name}`);
          if (service.kind === 'frontend') assert.match(block, /environment\s+= \{[^}\n]*\bAPI_UPSTREAM = "off"/, `${name} ${file}: ${service.name}`);
          else assert.doesNotMatch(block, /API_UPSTREAM/, `${name} ${file}: ${service.name}`);
        }
        // The URL map's path rules per host, as terraform computes them from the module's own expressions.
        const routes = routesIn(main, 'routes');
        const byHost = evaluateWithRoutes('routes', routes, `  ${localDefinition(balancer, 'service_hosts')}`, `{ for host in local.hosts : host => ${prefixes} }`);
        const frontEndHosts = frontEnds.map((frontEnd) => routes[frontEnd.name].host);
        assert.equal(new Set(frontEndHosts).size, frontEnds.length, `${name}: each front end on a host of its own`);
        assert.deepEqual(byHost, Object.fromEntries(frontEndHosts.map((host) => [host, { [api.name]: '/api' }])), `${name} ${file}`);
      }
    }
  });

  test('versions.tf pins google ~> 6.50 everywhere, and every environment keeps its state under its own prefix', () => {
    // The pin is the release whose schema the checks above read.
    assert.equal(terraformPins().providers.google.version, schemaProviderVersion('google'));
    for (const { files } of rendered.values()) {
      for (const [file, contents] of Object.entries(files).filter(([file]) => file.endsWith('versions.tf'))) {
        assert.match(contents, /source  = "hashicorp\/google"\n\s+version = "~> 6\.50"/, file);
        const environment = file.match(/environments\/([^/]+)\//)?.[1];
        if (environment) assert.match(contents, new RegExp(`backend "gcs" \\{\\n\\s+prefix = "${environment}"`), file);
      }
    }
  });
});
