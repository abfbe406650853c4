/**
 * Azure on AKS behind Front Door (lib/areas/terraform/azure.ts, templates/terraform/azure): every host of the
 * application is a Front Door custom domain under the WAF policy, routed to the ingress controller's static public
 * address; only Front Door's back end reaches that address, and NGINX refuses requests of another Front Door
 * profile. Read back from the rendered HCL (@cdktf/hcl2json); the `ingress_controller_values` output is evaluated by
 * the real terraform and its NGINX snippets run on the real nginx. terraform fmt, tflint, trivy and the azurerm
 * schema check of the same modules are in azure.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { azureFiles } from '../../lib/areas/terraform/azure.js';
import { derive } from '../../lib/model/index.js';
import { renderAll } from '../../lib/render/render.js';
import { infrastructureOf } from '../../lib/terraform/infrastructure.js';
import { shopAnswers } from '../ci/answers.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { requireTool, runTool } from '../helpers/tools.js';
import { serviceVariants } from '../validation/matrix.js';
import { labelledBlocks, namedBlocks, type Block } from './hcl-assertions.js';
import { parseTerraformDir, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';

const shapes: { name: string; overrides: Partial<Answers> }[] = [
  { name: 'AKS (kustomize), PostgreSQL and Redis', overrides: { orchestration: 'kustomize' } },
  { name: 'AKS (helm), two front ends (the second on a host of its own), IngressClass web', overrides: { orchestration: 'helm', ingressClass: 'web', database: 'none', cache: 'none', services: [serviceVariants[0], serviceVariants[1], serviceVariants[5]] } },
];

const render = (overrides: Partial<Answers>) => {
  const model = derive(shopAnswers({ cloud: 'azure', region: 'westeurope', registry: 'acme.azurecr.io/shop', ...overrides }));
  const files = renderAll(azureFiles(model));
  const dir = writeTree(tempDir('phase4-azure-edge-'), Object.fromEntries(files.map((file) => [file.path, file.contents])));
  return { model, infra: path.join(dir, 'infra'), paths: files.map((file) => file.path) };
};

const only = (blocks: Block[], type: string, name: string): Record<string, any> => {
  const found = blocks.filter((block) => block.type === type && block.name === name);
  assert.equal(found.length, 1, `${type}.${name}`);
  return found[0].body;
};

const moduleCall = (parsed: ParsedTerraformFile[], environment: string, call: string) => {
  const found = namedBlocks(parsed, 'module').filter(({ file, name }) => file === `environments/${environment}/main.tf` && name === call);
  assert.equal(found.length, 1, `${environment}: module ${call}`);
  return found[0].body;
};

/** The expression of `output "<name>"` in an outputs.tf: from `value = ` to the output's closing brace. */
const outputExpression = (outputs: string, name: string): string => {
  const start = outputs.indexOf(`output "${name}" {`);
  assert.ok(start >= 0, `no output ${name}`);
  const end = outputs.indexOf('\n}\n', start);
  const value = outputs.slice(start, end).match(/\n {2}value\s+= ([\s\S]*)$/);
  assert.ok(value, `output ${name} has no value`);
  return value[1];
};

/** Evaluates the values output with stand-ins for the module outputs it reads, by the real terraform. */
const controllerValues = (outputs: string, stand: { resourceGroup: string; ipName: string; guid: string }): any => {
  const expression = outputExpression(outputs, 'ingress_controller_values')
    .replaceAll('module.network.ingress_ip.resource_group_name', JSON.stringify(stand.resourceGroup))
    .replaceAll('module.network.ingress_ip.name', JSON.stringify(stand.ipName))
    .replaceAll('module.front_door.profile_guid', JSON.stringify(stand.guid));
  assert.doesNotMatch(expression, /\b(module|var|local|data)\./, 'the values read nothing but the stood-in outputs');
  const dir = tempDir('phase4-azure-values-');
  writeFileSync(path.join(dir, 'main.tf'), `locals {\n  values = ${expression}\n}\n`);
  const result = runTool('terraform', ['console'], { cwd: dir, input: 'jsonencode(local.values)\n', env: { TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } });
  assert.equal(result.status, 0, result.output);
  return parse(JSON.parse(JSON.parse(result.stdout.trim())));
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const get = (port: number, headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });

/**
 * The controller ConfigMap's http-snippet and server-snippet on the real nginx, in the places ingress-nginx puts
 * them (the http block; every server block), in front of a location that answers 200.
 */
const nginxWithSnippets = async (httpSnippet: string, serverSnippet: string) => {
  const dir = tempDir('phase4-azure-nginx-');
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process off;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log;`,
      'events {}',
      'http {',
      `  access_log off;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${dir}/${kind};`),
      `  ${httpSnippet}`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      `    ${serverSnippet}`,
      '    location / { return 200 "ok"; }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const nginx = requireTool('nginx');
  const check = runTool('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')]);
  assert.equal(check.status, 0, check.output);
  const child = spawn(nginx, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const stop = () => new Promise<void>((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()).kill() : resolve()));
  for (let attempt = 0; ; attempt += 1) {
    try {
      await get(port, {});
      return { port, stop };
    } catch (error) {
      if (attempt > 50) {
        await stop();
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};

describe('Azure: AKS behind Front Door and its WAF', () => {
  it('adds nothing to Container Apps: the shared modules create the AKS edge only when asked', async () => {
    const { infra } = render({ orchestration: 'none' });
    const parsed = await parseTerraformDir(infra);
    for (const environment of ['staging', 'production']) {
      const frontDoor = moduleCall(parsed, environment, 'front_door');
      assert.equal('ingress_hosts' in frontDoor || 'ingress_address' in frontDoor, false, environment);
      assert.equal(moduleCall(parsed, environment, 'network').workload, 'container-apps');
      assert.equal('zones' in moduleCall(parsed, environment, 'network'), false);
    }
    const conditions: Record<string, string> = {
      'azurerm_resource_group.ingress': '${var.workload == "aks" ? 1 : 0}',
      'azurerm_public_ip.ingress': '${var.workload == "aks" ? 1 : 0}',
      'azurerm_network_security_rule.workload_web_from_front_door': '${var.workload == "aks" ? 1 : 0}',
      'azurerm_cdn_frontdoor_origin_group.ingress': '${length(var.ingress_hosts) > 0 ? 1 : 0}',
      'azurerm_cdn_frontdoor_origin.ingress': '${length(var.ingress_hosts) > 0 ? 1 : 0}',
      'azurerm_cdn_frontdoor_route.ingress': '${length(var.ingress_hosts) > 0 ? 1 : 0}',
      'azurerm_cdn_frontdoor_route.acme_challenge': '${length(var.ingress_hosts) > 0 ? 1 : 0}',
    };
    const resources = labelledBlocks(parsed, 'resource');
    for (const [address, count] of Object.entries(conditions)) {
      const [type, name] = address.split('.');
      assert.equal(only(resources, type, name).count, count, address);
    }
    const ingressHosts = namedBlocks(parsed, 'variable').find(({ file, name }) => file === 'modules/front-door/variables.tf' && name === 'ingress_hosts')!.body;
    assert.deepEqual(ingressHosts.default, []);
  });

  shapes.forEach((shape) => {
    describe(shape.name, () => {
      const { model, infra, paths } = render(shape.overrides);
      const facts = infrastructureOf(model);
      const parsedOnce = parseTerraformDir(infra);

      it('makes every host of each environment a Front Door custom domain routed to the ingress address, with no ingress A records left', async () => {
        const parsed = await parsedOnce;
        assert.equal(paths.some((file) => file.startsWith('infra/modules/dns/')), false);
        for (const environment of facts.environments) {
          const frontDoor = moduleCall(parsed, environment.name, 'front_door');
          assert.deepEqual(frontDoor.ingress_hosts, environment.hosts, environment.name);
          for (const host of environment.hosts) assert.ok((frontDoor.hosts as string[]).includes(host), `${environment.name}: ${host} is a custom domain`);
          assert.equal(frontDoor.ingress_address, '${module.network.ingress_ip.address}');
          assert.equal(moduleCall(parsed, environment.name, 'cluster').ingress_resource_group_id, '${module.network.ingress_ip.resource_group_id}');
          assert.deepEqual(moduleCall(parsed, environment.name, 'network').zones, environment.highAvailability ? ['1', '2', '3'] : null);
          const variables = namedBlocks(parsed, 'variable').filter(({ file }) => file === `environments/${environment.name}/variables.tf`).map(({ name }) => name);
          assert.equal(variables.includes('ingress_ip_address'), false, `${environment.name}: no hand-set ingress address`);
          assert.equal(namedBlocks(parsed, 'module').some(({ file, name }) => file.startsWith(`environments/${environment.name}/`) && name === 'dns'), false);
        }
        // The only A records left are Front Door's aliases at a zone apex.
        for (const record of labelledBlocks(parsed, 'resource').filter((block) => block.type === 'azurerm_dns_a_record')) {
          assert.equal(record.body.records, undefined, `${record.file}: ${record.name}`);
          assert.equal(record.body.target_resource_id, '${azurerm_cdn_frontdoor_endpoint.main.id}');
        }
      });

      it('routes the ingress hosts over HTTPS with the request host, redirects HTTP except ACME challenges, and checks the origin certificate', async () => {
        const resources = labelledBlocks((await parsedOnce).filter(({ file }) => file.startsWith('modules/front-door/')), 'resource');
        const origin = only(resources, 'azurerm_cdn_frontdoor_origin', 'ingress');
        assert.equal(origin.host_name, '${var.ingress_address}');
        assert.equal(origin.certificate_name_check_enabled, true);
        assert.equal(origin.origin_host_header, undefined, 'the request host is forwarded and checked');
        assert.equal(origin.private_link, undefined);
        const domains = '${[for host in var.ingress_hosts : azurerm_cdn_frontdoor_custom_domain.host[host].id]}';
        const route = only(resources, 'azurerm_cdn_frontdoor_route', 'ingress');
        assert.deepEqual(
          [route.cdn_frontdoor_custom_domain_ids, route.patterns_to_match, route.supported_protocols, route.https_redirect_enabled, route.forwarding_protocol, route.link_to_default_domain],
          [domains, ['/*'], ['Http', 'Https'], true, 'HttpsOnly', false],
        );
        const acme = only(resources, 'azurerm_cdn_frontdoor_route', 'acme_challenge');
        assert.deepEqual(
          [acme.cdn_frontdoor_custom_domain_ids, acme.patterns_to_match, acme.supported_protocols, acme.https_redirect_enabled, acme.forwarding_protocol, acme.cdn_frontdoor_origin_group_id],
          [domains, ['/.well-known/acme-challenge/*'], ['Http'], false, 'HttpOnly', '${azurerm_cdn_frontdoor_origin_group.ingress[0].id}'],
        );
        for (const name of ['ingress', 'acme_challenge']) assert.equal(only(resources, 'azurerm_cdn_frontdoor_route', name).count, '${length(var.ingress_hosts) > 0 ? 1 : 0}');
      });

      it('puts every custom domain under the WAF policy in prevention mode, with managed rules, a rate limit and logs', async () => {
        const resources = labelledBlocks((await parsedOnce).filter(({ file }) => file.startsWith('modules/front-door/')), 'resource');
        const policy = only(resources, 'azurerm_cdn_frontdoor_firewall_policy', 'main');
        assert.deepEqual([policy.mode, policy.enabled], ['Prevention', true]);
        assert.ok((policy.managed_rule as any[]).length >= 2 && (policy.managed_rule as any[]).every((rule) => rule.action === 'Block'));
        assert.ok((policy.custom_rule as any[]).some((rule) => rule.type === 'RateLimitRule' && rule.action === 'Block' && rule.match_condition[0].match_variable === 'RemoteAddr'));
        const association = only(resources, 'azurerm_cdn_frontdoor_security_policy', 'main').security_policies[0].firewall[0].association[0];
        assert.equal(association.dynamic.domain[0].for_each, '${azurerm_cdn_frontdoor_custom_domain.host}', 'every custom domain, the ingress hosts included');
        assert.deepEqual(association.patterns_to_match, ['/*']);
        const logs = only(resources, 'azurerm_monitor_diagnostic_setting', 'front_door');
        assert.equal(logs.target_resource_id, '${azurerm_cdn_frontdoor_profile.main.id}');
        assert.deepEqual(logs.enabled_log, [{ category_group: 'allLogs' }]);
      });

      it('admits only Front Door back ends to the nodes, on 80 and 443, and lets the cluster manage only the address\'s resource group', async () => {
        const parsed = await parsedOnce;
        const network = labelledBlocks(parsed.filter(({ file }) => file.startsWith('modules/network/')), 'resource');
        const inbound = [
          ...network.filter(({ type }) => type === 'azurerm_network_security_rule').map(({ body }) => body),
          ...network.filter(({ type }) => type === 'azurerm_network_security_group').flatMap(({ body }) => (body.security_rule as any[] | undefined) ?? []),
        ].filter((rule) => rule.direction === 'Inbound' && rule.access === 'Allow');
        const sources = inbound.flatMap((rule) => [rule.source_address_prefix, ...(rule.source_address_prefixes ?? [])]).filter((source) => typeof source === 'string');
        assert.deepEqual(sources.filter((source) => ['*', 'internet', '0.0.0.0/0', 'any', '::/0'].includes(source.toLowerCase())), []);
        const web = only(network, 'azurerm_network_security_rule', 'workload_web_from_front_door');
        assert.deepEqual([web.source_address_prefix, web.destination_port_ranges, web.protocol], ['AzureFrontDoor.Backend', ['80', '443'], 'Tcp']);
        assert.ok((web.destination_address_prefixes as string[]).includes('${azurerm_public_ip.ingress[0].ip_address}'));
        const address = only(network, 'azurerm_public_ip', 'ingress');
        assert.deepEqual([address.sku, address.allocation_method, address.resource_group_name, address.zones], ['Standard', 'Static', '${azurerm_resource_group.ingress[0].name}', '${var.zones}']);
        const output = namedBlocks(parsed, 'output').find(({ file, name }) => file === 'modules/network/outputs.tf' && name === 'ingress_ip')!.body.value as string;
        for (const field of ['address = azurerm_public_ip.ingress[0].ip_address', 'name = azurerm_public_ip.ingress[0].name', 'resource_group_name = azurerm_resource_group.ingress[0].name', 'resource_group_id = azurerm_resource_group.ingress[0].id']) {
          assert.ok(output.replace(/\s+/g, ' ').includes(field), field);
        }
        const roles = labelledBlocks(parsed.filter(({ file }) => file.startsWith('modules/aks/')), 'resource').filter(({ type }) => type === 'azurerm_role_assignment');
        const ingressRole = only(roles, 'azurerm_role_assignment', 'cluster_ingress_ip');
        assert.deepEqual([ingressRole.scope, ingressRole.role_definition_name, ingressRole.principal_id], ['${var.ingress_resource_group_id}', 'Network Contributor', '${azurerm_user_assigned_identity.cluster.principal_id}']);
      });

      for (const environment of facts.environments) {
        it(`${environment.name}: the ingress controller's Helm values take the static address, admit Front Door only and refuse another profile's requests on the real nginx`, async () => {
          const outputs = readFileSync(path.join(infra, 'environments', environment.name, 'outputs.tf'), 'utf8');
          const guid = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
          const values = controllerValues(outputs, { resourceGroup: 'rg-of-the-address', ipName: 'name-of-the-address', guid });
          const { service, config, ingressClassResource } = values.controller;
          assert.equal(ingressClassResource.name, model.config.ingressClass);
          assert.deepEqual([service.type, service.externalTrafficPolicy], ['LoadBalancer', 'Local']);
          assert.deepEqual(service.annotations, {
            'service.beta.kubernetes.io/azure-load-balancer-resource-group': 'rg-of-the-address',
            'service.beta.kubernetes.io/azure-pip-name': 'name-of-the-address',
            'service.beta.kubernetes.io/azure-allowed-service-tags': 'AzureFrontDoor.Backend',
          });
          assert.equal(service.loadBalancerSourceRanges, undefined, 'the service tag alone opens the load balancer');
          assert.deepEqual([config['use-forwarded-headers'], config['forwarded-for-header']], ['true', 'X-Azure-SocketIP']);
          const { port, stop } = await nginxWithSnippets(config['http-snippet'], config['server-snippet']);
          try {
            assert.equal(await get(port, { 'X-Azure-FDID': guid }), 200);
            assert.equal(await get(port, { 'X-Azure-FDID': '00000000-0000-0000-0000-000000000000' }), 403);
            assert.equal(await get(port, {}), 403);
          } finally {
            await stop();
          }
        });
      }
    });
  });
});
