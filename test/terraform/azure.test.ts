/**
 * The Azure Terraform (lib/areas/terraform/azure.ts) rendered for several answer shapes and checked with the real
 * tools: terraform fmt, tflint (terraform ruleset), trivy (HIGH and CRITICAL, test/validation/terraform-exceptions.yaml)
 * and the azurerm 4.55.0 resource schemas (test/validation/validators/terraform-schema.ts), then read back as HCL
 * for what those tools do not check. `terraform validate` cannot run for azurerm here: the offline provider
 * mirror holds hashicorp/aws only, so references between resources and value types are not checked.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { azureFiles } from '../../lib/areas/terraform/azure.js';
import { derive } from '../../lib/model/index.js';
import { renderAll } from '../../lib/render/render.js';
import { terraformPins } from '../../lib/versions/index.js';
import { shopAnswers } from '../ci/answers.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { serviceVariants } from '../validation/matrix.js';
import { evaluateWithRoutes, localDefinition, routesIn } from './edge-routes.js';
import { terraformFmt, tflint, trivyTerraform } from '../validation/validators/terraform.js';
import { parseTerraformDir, providerSchema, providerSchemaFindings, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';

interface Shape {
  name: string;
  overrides: Partial<Answers>;
  kubernetes: boolean;
  /** Whether the registry is this project's ACR, which the bootstrap then creates. */
  acr: boolean;
}

const shapes: Shape[] = [
  { name: 'AKS (kustomize), PostgreSQL and Redis, two environments, GitHub Actions', overrides: { orchestration: 'kustomize' }, kubernetes: true, acr: true },
  {
    name: 'Container Apps, MySQL and Redis, three environments, GitLab CI',
    overrides: { orchestration: 'none', database: 'mysql', environments: ['dev', 'staging', 'production'], ci: 'gitlab-ci' },
    kubernetes: false,
    acr: true,
  },
  { name: 'AKS (helm), MongoDB on Cosmos DB, Azure DevOps', overrides: { orchestration: 'helm', database: 'mongodb', ci: 'azure-devops' }, kubernetes: true, acr: true },
  { name: 'AKS (kustomize), no database, CircleCI', overrides: { orchestration: 'kustomize', database: 'none', ci: 'circleci' }, kubernetes: true, acr: true },
  { name: 'Container Apps, GHCR registry, no cache, Jenkins', overrides: { orchestration: 'none', registry: 'ghcr.io/acme', cache: 'none', ci: 'jenkins' }, kubernetes: false, acr: false },
  {
    name: 'Container Apps, two front ends (the second on a host of its own), no datastores',
    overrides: { orchestration: 'none', database: 'none', cache: 'none', services: [serviceVariants[0], serviceVariants[1], serviceVariants[5]] },
    kubernetes: false,
    acr: true,
  },
];

/** Every shape is written below one folder (`<root>/<index>/infra`), so that each tool starts once for all. */
const root = tempDir('phase4-azure-');

const render = (shape: Shape, index: number) => {
  const model = derive(shopAnswers({ cloud: 'azure', region: 'westeurope', registry: 'acme.azurecr.io/shop', ...shape.overrides }));
  const files = renderAll(azureFiles(model));
  const dir = writeTree(path.join(root, String(index)), Object.fromEntries(files.map((file) => [file.path, file.contents])));
  return { dir, infra: path.join(dir, 'infra'), paths: files.map((file) => file.path) };
};

const rendered = shapes.map(render);

/** Every block of one kind (`resource`, `data`, `module`, `variable`, `output`) in the parsed files, with its file. */
const blocksOf = (parsed: ParsedTerraformFile[], kind: 'resource' | 'data') =>
  parsed.flatMap(({ file, body }) =>
    Object.entries((body[kind] ?? {}) as Record<string, Record<string, Record<string, unknown>[]>>).flatMap(([type, named]) =>
      Object.entries(named).flatMap(([name, bodies]) => bodies.map((block) => ({ file, type, name, block }))),
    ),
  );

const labelled = (parsed: ParsedTerraformFile[], kind: 'module' | 'variable' | 'output' | 'locals') =>
  parsed.flatMap(({ file, body }) =>
    kind === 'locals'
      ? ((body.locals ?? []) as Record<string, unknown>[]).map((block) => ({ file, name: '', block }))
      : Object.entries((body[kind] ?? {}) as Record<string, Record<string, unknown>[]>).flatMap(([name, bodies]) => bodies.map((block) => ({ file, name, block }))),
  );

/** Ports of the datastores, which nothing on the internet may reach. */
const datastorePorts = new Set(['5432', '3306', '6379', '6380', '10255', '27017']);
const internet = new Set(['*', 'internet', '0.0.0.0/0', '0.0.0.0', 'any', '::/0']);

const portsOf = (rule: Record<string, unknown>): string[] => [
  ...(typeof rule.destination_port_range === 'string' ? [rule.destination_port_range] : []),
  ...((rule.destination_port_ranges as string[] | undefined) ?? []),
];

const opensDatastoreToInternet = (rule: Record<string, unknown>): boolean => {
  const sources = [rule.source_address_prefix, ...((rule.source_address_prefixes as string[] | undefined) ?? [])].filter((source): source is string => typeof source === 'string');
  const fromInternet = sources.some((source) => internet.has(source.toLowerCase()));
  const ports = portsOf(rule);
  const datastore = ports.some((port) => port === '*' || datastorePorts.has(port) || port.includes('-'));
  return rule.access === 'Allow' && rule.direction === 'Inbound' && fromInternet && datastore;
};

describe('Azure Terraform', () => {
  const pins = terraformPins();

  it('pins the azurerm release whose schema the checks read', () => {
    assert.equal(pins.providers.azurerm.constraint, '~> 4.55');
    assert.equal(providerSchema('azurerm').providerVersion, pins.providers.azurerm.version);
  });

  it(`passes terraform fmt, tflint, trivy and the azurerm schema in every shape (${shapes.map((shape, index) => `${index}: ${shape.name}`).join('; ')})`, async () => {
    assert.deepEqual(terraformFmt(root), []);
    assert.deepEqual(tflint(root), []);
    assert.deepEqual(trivyTerraform(root), []);
    assert.deepEqual(await providerSchemaFindings(root, 'azurerm'), []);
  });

  shapes.forEach((shape, index) => {
    describe(shape.name, () => {
      const { dir, infra, paths } = rendered[index];
      const parsedOnce = parseTerraformDir(infra);

      if (!shape.kubernetes) {
        it("sets API_UPSTREAM=off on every front end, as Front Door routes /api to the API's app on every front end's host", () => {
          const { services } = derive(shopAnswers({ cloud: 'azure', ...shape.overrides })).config;
          const api = services.find((service) => service.kind === 'backend' && service.port !== undefined)!;
          const frontEnds = services.filter((service) => service.kind === 'frontend');
          const frontDoor = readFileSync(path.join(infra, 'modules', 'front-door', 'main.tf'), 'utf8');
          // Each app route takes the custom domains of local.route_hosts.
          assert.match(frontDoor, /cdn_frontdoor_custom_domain_ids = \[for host in local\.route_hosts\[each\.key\] : azurerm_cdn_frontdoor_custom_domain\.host\[host\]\.id\]/);
          const environments = (shape.overrides.environments ?? ['staging', 'production']) as string[];
          for (const environment of environments) {
            const main = readFileSync(path.join(infra, 'environments', environment, 'main.tf'), 'utf8');
            for (const service of services) {
              const block = main.match(new RegExp(`\\n(\\s+)${service.name} = \\{\\n([\\s\\S]*?)\\n\\1\\}\\n`))?.[2];
              assert.ok(block, `${environment}: ${service.name}`);
              if (service.kind === 'frontend') assert.match(block, /environment\s+= \{[^}\n]*\bAPI_UPSTREAM = "off"/, `${environment}: ${service.name}`);
              else assert.doesNotMatch(block, /API_UPSTREAM/, `${environment}: ${service.name}`);
            }
            const routes = routesIn(main, 'app_routes');
            const hosts = evaluateWithRoutes('app_routes', routes, localDefinition(frontDoor, 'route_hosts'), 'local.route_hosts') as Record<string, string[]>;
            const frontEndHosts = frontEnds.map((frontEnd) => routes[frontEnd.name].host);
            assert.equal(new Set(frontEndHosts).size, frontEnds.length, 'each front end on a host of its own');
            assert.deepEqual(Object.keys(hosts).sort(), Object.keys(routes).sort(), environment);
            assert.deepEqual([...hosts[api.name]].sort(), [...frontEndHosts].sort(), environment);
            for (const frontEnd of frontEnds) assert.deepEqual(hosts[frontEnd.name], [routes[frontEnd.name].host], `${environment}: ${frontEnd.name}`);
          }
        });
      }

      it('writes modules, one root stack per environment and the bootstrap', () => {
        const environments = (shape.overrides.environments ?? ['staging', 'production']) as string[];
        for (const environment of environments) {
          for (const name of ['main.tf', 'variables.tf', 'outputs.tf', 'providers.tf', 'versions.tf']) assert.ok(paths.includes(`infra/environments/${environment}/${name}`), `${environment}/${name}`);
        }
        for (const name of ['main.tf', 'ci.tf', 'variables.tf', 'outputs.tf', 'providers.tf', 'versions.tf']) assert.ok(paths.includes(`infra/bootstrap/${name}`), name);
        const modules = new Set(paths.filter((file) => file.startsWith('infra/modules/')).map((file) => file.split('/')[2]));
        assert.equal(modules.has('aks'), shape.kubernetes);
        assert.equal(modules.has('container-apps'), !shape.kubernetes);
        for (const module of modules) assert.ok(paths.includes(`infra/modules/${module}/README.md`), `${module}/README.md`);
      });

      it('pins azurerm ~> 4.55 in every versions.tf, and keeps each environment state under its own key', () => {
        for (const file of paths.filter((candidate) => candidate.endsWith('/versions.tf'))) {
          const text = readFileSync(path.join(dir, file), 'utf8');
          assert.match(text, /azurerm = \{\s+source\s+= "hashicorp\/azurerm"\s+version = "~> 4\.55"/, file);
          if (file.includes('/environments/')) {
            assert.match(text, /backend "azurerm" \{[^}]*use_azuread_auth\s+= true/, file);
            assert.match(text, new RegExp(`key\\s+= "${file.split('/')[2]}\\.tfstate"`), file);
          }
        }
      });

      it('tags every resource that takes tags', async () => {
        const schema = providerSchema('azurerm');
        const untagged = blocksOf(await parsedOnce, 'resource')
          .filter(({ type, block }) => type.startsWith('azurerm_') && 'tags' in (schema.resources[type]?.arguments ?? {}) && !('tags' in block))
          .map(({ file, type, name }) => `${file}: ${type}.${name}`);
        assert.deepEqual(untagged, []);
      });

      it('gives every variable a type and a description', async () => {
        const incomplete = labelled(await parsedOnce, 'variable')
          .filter(({ block }) => !('type' in block) || typeof block.description !== 'string' || block.description === '')
          .map(({ file, name }) => `${file}: variable ${name}`);
        assert.deepEqual(incomplete, []);
      });

      it('refers only to module outputs that exist', async () => {
        const parsed = await parsedOnce;
        const outputs = new Map<string, Set<string>>();
        for (const { file, name } of labelled(parsed, 'output')) {
          const folder = path.dirname(file);
          outputs.set(folder, (outputs.get(folder) ?? new Set()).add(name));
        }
        const missing: string[] = [];
        for (const file of paths.filter((candidate) => candidate.startsWith('infra/environments/') && candidate.endsWith('.tf'))) {
          const folder = path.dirname(file);
          const sources = new Map(
            labelled(parsed.filter((entry) => path.dirname(entry.file) === path.relative('infra', folder)), 'module').map(({ name, block }) => [
              name,
              path.normalize(path.join(path.relative('infra', folder), block.source as string)),
            ]),
          );
          for (const [, module, output] of readFileSync(path.join(dir, file), 'utf8').matchAll(/module\.([a-z_]+)\.([a-z_]+)/g)) {
            const source = sources.get(module);
            if (!source || !outputs.get(source)?.has(output)) missing.push(`${file}: module.${module}.${output}`);
          }
        }
        assert.deepEqual(missing, []);
      });

      it('opens no datastore port to the internet and has no datastore firewall rule', async () => {
        const resources = blocksOf(await parsedOnce, 'resource');
        const rules = [
          ...resources.filter(({ type }) => type === 'azurerm_network_security_rule').map(({ block }) => block),
          ...resources.filter(({ type }) => type === 'azurerm_network_security_group').flatMap(({ block }) => (block.security_rule as Record<string, unknown>[] | undefined) ?? []),
        ];
        assert.ok(rules.length > 0);
        assert.deepEqual(rules.filter(opensDatastoreToInternet), []);
        // No rule is open to the internet; the AKS ingress admits Front Door's back end only, on HTTP and HTTPS,
        // and only where AKS runs (azure-edge.test.ts).
        const open = rules.filter((rule) => rule.access === 'Allow' && typeof rule.source_address_prefix === 'string' && internet.has(rule.source_address_prefix.toLowerCase()));
        assert.deepEqual(open.map(portsOf), []);
        const frontDoor = rules.filter((rule) => rule.access === 'Allow' && rule.source_address_prefix === 'AzureFrontDoor.Backend');
        assert.deepEqual(frontDoor.map(portsOf), [['80', '443']]);
        assert.equal(frontDoor[0].count, '${var.workload == "aks" ? 1 : 0}');
        const calls = labelled(await parsedOnce, 'module').filter(({ name }) => name === 'network');
        assert.ok(calls.length > 0 && calls.every(({ block }) => block.workload === (shape.kubernetes ? 'aks' : 'container-apps')));
        assert.deepEqual(resources.filter(({ type }) => /firewall_rule$/.test(type)).map(({ type, name }) => `${type}.${name}`), []);
      });

      it('keeps backups longer, geo-redundant backups, HA and deletion locks to production', async () => {
        const parsed = await parsedOnce;
        const database = shape.overrides.database ?? 'postgres';
        if (database === 'none') return;
        const environments = (shape.overrides.environments ?? ['staging', 'production']) as string[];
        for (const environment of environments) {
          const root = parsed.filter(({ file }) => file.startsWith(`environments/${environment}/`));
          const production = environment === 'production';
          const locals = Object.assign({}, ...labelled(root, 'locals').map(({ block }) => block)) as Record<string, unknown>;
          assert.equal(locals.production, production, `${environment}: local.production`);
          const call = labelled(root, 'module').find(({ name }) => name === 'database')!.block;
          assert.equal(call.production, '${local.production}', environment);
          if (database !== 'mongodb') assert.equal(call.backup_retention_days, production ? 30 : 7, environment);
        }
        const module = parsed.filter(({ file }) => file.startsWith(database === 'mongodb' ? 'modules/cosmos-mongodb/' : 'modules/database/'));
        const resources = blocksOf(module, 'resource');
        const locks = resources.filter(({ type }) => type === 'azurerm_management_lock');
        assert.ok(locks.length > 0 && locks.every(({ block }) => block.count === '${var.production ? 1 : 0}' && block.lock_level === 'CanNotDelete'));
        if (database === 'mongodb') {
          const account = resources.find(({ type }) => type === 'azurerm_cosmosdb_account')!.block;
          assert.equal(account.public_network_access_enabled, false);
          assert.equal(account.minimal_tls_version, 'Tls12');
          assert.deepEqual(account.backup, [{ type: 'Continuous', tier: '${var.production ? "Continuous30Days" : "Continuous7Days"}' }]);
        } else {
          for (const { block } of resources.filter(({ type }) => /_flexible_server$/.test(type))) {
            assert.equal(block.geo_redundant_backup_enabled, '${var.production}');
            assert.equal(block.backup_retention_days, '${var.backup_retention_days}');
            assert.equal((block.dynamic as Record<string, { for_each: string }[]>).high_availability[0].for_each, '${var.production ? [1] : []}');
          }
        }
      });

      it('lets each CI identity trust only this repository and its deploy branches', () => {
        const ci = readFileSync(path.join(infra, 'bootstrap', 'ci.tf'), 'utf8');
        const subjects = [...ci.matchAll(/subject = ("(?:[^"\\]|\\.)*")/g)].map((match) => JSON.parse(match[1]) as string);
        const ciPlatform = shape.overrides.ci ?? 'github-actions';
        if (ciPlatform === 'jenkins') {
          assert.doesNotMatch(ci, /resource "azurerm_federated_identity_credential"/);
          return;
        }
        assert.ok(subjects.length > 0);
        const environments = (shape.overrides.environments ?? ['staging', 'production']) as string[];
        const branches = environments.length >= 3 ? [environments[0], 'main'] : ['main'];
        for (const subject of subjects) {
          if (ciPlatform === 'github-actions') assert.match(subject, new RegExp(`^repo:acme/shop:(environment:(registry|${environments.join('|')})|ref:refs/heads/(${branches.join('|')}))$`));
          if (ciPlatform === 'gitlab-ci') assert.match(subject, new RegExp(`^project_path:acme/shop:ref_type:branch:ref:(${branches.join('|')})$`));
          if (ciPlatform === 'azure-devops') assert.match(subject, new RegExp(`^sc://\\$\\{var\\.azure_devops_organization\\}/\\$\\{var\\.azure_devops_project\\}/shop-(registry|${environments.join('|')})$`));
          if (ciPlatform === 'circleci') assert.match(subject, /^org\/\$\{var\.circleci_organization_id\}\/project\/\$\{var\.circleci_project_id\}\/user\/\$\{(user|pair\[1\])\}$/);
        }
        // GitHub's image builds push from the environment `registry` (release tags too), the only subject that holds on every ref.
        if (ciPlatform === 'github-actions' && /identity = "registry"/.test(ci)) assert.ok(subjects.includes('repo:acme/shop:environment:registry'), subjects.join(', '));
      });

      it(shape.acr ? 'creates the ACR and lets only the registry identity push to it' : 'creates no registry when the images live elsewhere', async () => {
        const resources = blocksOf(await parsedOnce, 'resource').filter(({ file }) => file.startsWith('bootstrap/'));
        const registries = resources.filter(({ type }) => type === 'azurerm_container_registry');
        assert.equal(registries.length, shape.acr ? 1 : 0);
        const pushes = resources.filter(({ type, block }) => type === 'azurerm_role_assignment' && block.role_definition_name === 'AcrPush');
        assert.deepEqual(
          pushes.map(({ block }) => [block.scope, block.principal_id]),
          shape.acr ? [['${azurerm_container_registry.images.id}', '${azurerm_user_assigned_identity.registry.principal_id}']] : [],
        );
        if (shape.acr) assert.equal(registries[0].block.admin_enabled, false);
      });
    });
  });
});
