/**
 * The AWS Terraform, for every answer shape of aws-cases.ts, through the real tools: terraform fmt, validate
 * against the AWS provider (the machine's provider mirror) and the generated `terraform test` of each environment,
 * tflint with every rule, trivy's Terraform checks; then what no tool checks, on the parsed HCL: tags, encryption,
 * backups, nothing of a datastore open to the internet, typed and described variables, module interfaces, and CI
 * roles that trust this repository alone.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { terraformArea } from '../../lib/areas/terraform/index.js';
import { deployLayout } from '../../lib/plan/naming.js';
import { derive } from '../../lib/model/index.js';
import { parseTerraformDir } from '../validation/validators/terraform-schema.js';
import { terraformFmt, terraformTest, terraformValidate, terraformValidateAndTest, tflint, trivyTerraform } from '../validation/validators/terraform.js';
import { awsCases, renderAwsCase } from './aws-cases.js';
import { awsTaggableTypes } from './aws-schema.js';
import { labelledBlocks, moduleInterfaceMismatches, namedBlocks, untaggedResources, undescribedOutputs, untypedOrUndescribedVariables } from './hcl-assertions.js';
import { shopAnswers } from '../ci/answers.js';
import { renderAll } from '../../lib/render/render.js';
import { serviceVariants } from '../validation/matrix.js';
import { evaluateWithRoutes, type EdgeRoute } from './edge-routes.js';

const datastorePorts = new Set([3306, 5432, 6379, 27017]);

/** The body of one service's entry in an environment's ECS services map. */
const ecsServiceBlock = (main: string, name: string): string => {
  const body = main.match(new RegExp(`\\n(\\s+)${name} = \\{\\n([\\s\\S]*?)\\n\\1\\}\\n`))?.[2];
  assert.ok(body, name);
  return body;
};

describe('Terraform for AWS', () => {
  const folders: string[] = [];
  after(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  for (const { label, answers } of awsCases) {
    describe(label, () => {
      const { dir, files } = renderAwsCase(answers);
      folders.push(dir);
      const infra = path.join(dir, 'infra');
      const environments = readdirSync(path.join(infra, 'environments'));
      const texts = new Map<string, string>();
      for (const file of files) {
        const folder = path.dirname(file.path).replace(/^infra\/?/, '');
        texts.set(folder, (texts.get(folder) ?? '') + file.contents);
      }

      it('writes a root stack per environment, the bootstrap stack, and modules with READMEs', () => {
        assert.deepEqual(environments.sort(), [...answers.environments].sort());
        for (const module of readdirSync(path.join(infra, 'modules'))) {
          for (const name of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md']) assert.ok(files.some((file) => file.path === `infra/modules/${module}/${name}`), `${module}/${name}`);
          const readme = files.find((file) => file.path === `infra/modules/${module}/README.md`)!.contents;
          for (const variable of readFileSync(path.join(infra, 'modules', module, 'variables.tf'), 'utf8').matchAll(/^variable "([^"]+)"/gm)) {
            assert.match(readme, new RegExp(`\\| \`${variable[1]}\`\\s+\\|`), `${module}/README.md documents ${variable[1]}`);
          }
        }
      });

      it('is formatted, and passes tflint (every rule) and trivy (HIGH and CRITICAL, listed exceptions aside)', () => {
        assert.deepEqual(terraformFmt(infra), []);
        assert.deepEqual(tflint(infra), []);
        assert.deepEqual(trivyTerraform(infra), []);
      });

      it('validates against the AWS provider, and each environment passes its own terraform test', () => {
        assert.deepEqual(terraformValidate(path.join(infra, 'bootstrap')), []);
        for (const environment of environments) assert.deepEqual(terraformValidateAndTest(path.join(infra, 'environments', environment)), [], environment);
      });

      it('tags every resource that takes tags, types and describes every variable, and matches every module interface', async () => {
        const parsed = await parseTerraformDir(infra);
        assert.deepEqual(untaggedResources(parsed, await awsTaggableTypes(), 'tags'), []);
        assert.deepEqual(untypedOrUndescribedVariables(parsed), []);
        assert.deepEqual(undescribedOutputs(parsed), []);
        assert.deepEqual(moduleInterfaceMismatches(parsed, texts), []);
      });

      it('encrypts storage, databases, caches, secrets, logs and state; keeps backups; opens no datastore to the internet', async () => {
        const resources = labelledBlocks(await parseTerraformDir(infra), 'resource');
        const of = (type: string) => resources.filter((resource) => resource.type === type);
        const buckets = of('aws_s3_bucket').map((bucket) => bucket.name);
        const encrypted = of('aws_s3_bucket_server_side_encryption_configuration').map((config) => String(config.body.bucket).match(/aws_s3_bucket\.([a-z_]+)\.id/)?.[1]);
        assert.deepEqual(buckets.sort(), encrypted.sort(), 'every bucket has its encryption configuration');
        for (const config of of('aws_s3_bucket_server_side_encryption_configuration')) {
          assert.equal(config.body.rule[0].apply_server_side_encryption_by_default[0].sse_algorithm, 'aws:kms', `${config.file} ${config.name}`);
        }
        for (const bucket of buckets) assert.ok(of('aws_s3_bucket_public_access_block').some((block) => String(block.body.bucket).includes(`aws_s3_bucket.${bucket}.id`)), `${bucket} blocks public access`);
        for (const database of of('aws_db_instance')) {
          assert.equal(database.body.storage_encrypted, true);
          assert.equal(database.body.publicly_accessible, false);
        }
        for (const database of of('aws_db_instance').filter((instance) => instance.name === 'this')) {
          assert.equal(database.body.backup_retention_period, '${var.backup_retention_days}');
          assert.equal(database.body.deletion_protection, '${var.deletion_protection}');
        }
        for (const cluster of of('aws_docdb_cluster')) assert.equal(cluster.body.storage_encrypted, true);
        for (const cache of of('aws_elasticache_replication_group')) {
          assert.equal(cache.body.at_rest_encryption_enabled, true);
          assert.equal(cache.body.transit_encryption_enabled, true);
          assert.ok(cache.body.auth_token, 'the cache requires AUTH');
          assert.ok(cache.body.snapshot_retention_limit, 'the cache keeps snapshots');
        }
        for (const type of ['aws_cloudwatch_log_group', 'aws_secretsmanager_secret']) {
          for (const resource of of(type)) assert.ok(resource.body.kms_key_id, `${resource.file}: ${type}.${resource.name} is encrypted with a customer key`);
        }
        for (const rule of of('aws_vpc_security_group_ingress_rule')) {
          const open = rule.body.cidr_ipv4 === '0.0.0.0/0' || rule.body.cidr_ipv6 === '::/0';
          if (!open) continue;
          assert.ok(!datastorePorts.has(Number(rule.body.from_port)), `${rule.file}: ${rule.name} opens a datastore port to the internet`);
          assert.match(rule.file, /modules\/(ecs|edge)\//, 'only the public load balancer takes traffic from the internet');
        }
        // The environments' backup windows: 30 days in production, 7 elsewhere; trivy's and tflint's checks pass them too.
        for (const environment of environments) {
          const main = readFileSync(path.join(infra, 'environments', environment, 'main.tf'), 'utf8');
          const production = environment === answers.environments[answers.environments.length - 1];
          if (answers.database !== 'none') assert.match(main, new RegExp(`backup_retention_days\\s+= ${production ? 30 : 7}\\n`));
          assert.match(main, new RegExp(`production\\s+= ${production}\\n`));
        }
      });

      it("names ECS services and task definition families as the pipeline's deploy script does", () => {
        if (answers.orchestration !== 'none') return;
        const layout = deployLayout(answers);
        for (const environment of environments) {
          const main = readFileSync(path.join(infra, 'environments', environment, 'main.tf'), 'utf8');
          for (const service of answers.services) {
            assert.match(main, new RegExp(`workload\\s+= "${layout.cloudWorkload(service.name)}"`), `${environment} ${service.name}`);
            assert.match(main, new RegExp(`family\\s+= "${layout.taskFamily(service.name, environment)}"`), `${environment} ${service.name}`);
          }
        }
      });

      it('sets API_UPSTREAM=off on every front end, as the load balancer routes /api to the API', () => {
        if (answers.orchestration !== 'none') return;
        for (const environment of environments) {
          const main = readFileSync(path.join(infra, 'environments', environment, 'main.tf'), 'utf8');
          for (const service of answers.services) {
            const block = ecsServiceBlock(main, service.name);
            if (service.kind === 'frontend') assert.match(block, /environment\s+= \{[^}\n]*\bAPI_UPSTREAM = "off"/, `${environment}: ${service.name}`);
            else assert.doesNotMatch(block, /API_UPSTREAM/, `${environment}: ${service.name}`);
          }
        }
      });

      it('lets no ECS service reach another: the front ends call the API through the load balancer', async () => {
        if (answers.orchestration !== 'none') return;
        assert.ok(answers.services.some((service) => service.kind === 'frontend'), 'the shape has a front end calling the API');
        const rules = labelledBlocks(await parseTerraformDir(path.join(infra, 'modules', 'ecs')), 'resource').filter((block) => block.type === 'aws_vpc_security_group_ingress_rule');
        const fromServices = rules.filter((rule) => /aws_security_group\.service\b/.test(String(rule.body.referenced_security_group_id)));
        assert.deepEqual(fromServices.map((rule) => rule.name), []);
      });

      it("serves the Kubernetes hosts through the load balancer and its WAF, which alone reaches the ingress controller's NodePorts", async () => {
        if (answers.orchestration === 'none') return;
        const parsed = await parseTerraformDir(infra);
        const modules = namedBlocks(parsed, 'module');
        for (const environment of environments) {
          const call = (name: string) => modules.find((module) => module.file.includes(`environments/${environment}/`) && module.name === name)?.body;
          assert.deepEqual(call('waf')?.protected_resource_arns, { load_balancer: '${module.edge.load_balancer.arn}' }, `${environment}: the WAF protects the load balancer`);
          assert.equal(call('waf')?.scope, 'REGIONAL');
          assert.deepEqual(call('dns')?.load_balancer, { dns_name: '${module.edge.load_balancer.dns_name}', zone_id: '${module.edge.load_balancer.zone_id}' }, `${environment}: the hosts alias the load balancer`);
          assert.equal(call('edge')?.node_security_group_id, '${module.cluster.cluster_security_group_id}', `${environment}: the rules are on the nodes' security group`);
          assert.equal(call('edge')?.certificate_arn, '${module.dns.certificate_arn}');
          const variables = readFileSync(path.join(infra, 'environments', environment, 'variables.tf'), 'utf8');
          assert.doesNotMatch(variables, /ingress_load_balancer/, 'nothing to copy by hand once the controller runs');
        }
        const edge = labelledBlocks(parsed, 'resource').filter((block) => /(^|\/)modules\/edge\//.test(block.file));
        const of = (type: string) => edge.filter((block) => block.type === type);
        const nodeRules = of('aws_vpc_security_group_ingress_rule').filter((rule) => rule.body.security_group_id === '${var.node_security_group_id}');
        assert.deepEqual(nodeRules.map((rule) => [rule.body.for_each, rule.body.referenced_security_group_id, rule.body.cidr_ipv4, rule.body.cidr_ipv6]), [
          ['${var.node_ports}', '${aws_security_group.load_balancer.id}', undefined, undefined],
        ], 'the nodes admit the load balancer on the NodePorts, and no address range');
        for (const rule of of('aws_vpc_security_group_egress_rule')) {
          assert.equal(rule.body.referenced_security_group_id, '${var.node_security_group_id}', `${rule.name}: the load balancer sends only to the nodes`);
          assert.equal(rule.body.for_each, '${var.node_ports}');
        }
        const publicRules = of('aws_vpc_security_group_ingress_rule').filter((rule) => rule.body.cidr_ipv4 === '0.0.0.0/0');
        assert.deepEqual(publicRules.map((rule) => [rule.body.security_group_id, rule.body.for_each]), [['${aws_security_group.load_balancer.id}', '${toset(["80", "443"])}']]);
        const listeners = Object.fromEntries(of('aws_lb_listener').map((listener) => [listener.name, listener.body]));
        assert.equal(listeners.https.protocol, 'HTTPS');
        assert.match(listeners.https.ssl_policy, /^ELBSecurityPolicy-TLS13-1-2-/, 'TLS 1.2 or newer');
        assert.equal(listeners.http.default_action[0].type, 'redirect', 'plain HTTP redirects');
        assert.equal(listeners.http.default_action[0].redirect[0].protocol, 'HTTPS');
        const [acme] = of('aws_lb_listener_rule');
        assert.equal(of('aws_lb_listener_rule').length, 1);
        assert.equal(acme.body.listener_arn, '${aws_lb_listener.http.arn}');
        assert.deepEqual(acme.body.condition[0].path_pattern[0].values, ['/.well-known/acme-challenge/*'], 'only ACME challenges pass over HTTP');
        const [balancer] = of('aws_lb');
        assert.equal(balancer.body.drop_invalid_header_fields, true);
        const groups = of('aws_lb_target_group');
        assert.deepEqual(groups.map((group) => [group.body.target_type, group.body.for_each, group.body.health_check[0].path, group.body.health_check[0].port]), [
          ['instance', '${var.node_ports}', '/healthz', '${tostring(var.node_ports.http)}'],
        ]);
        assert.equal(of('aws_autoscaling_attachment')[0]?.body.autoscaling_group_name, '${var.node_autoscaling_group_name}', 'the nodes are the targets');
      });

      it('trusts this repository alone in the CI roles, for the branches and environments that deploy', () => {
        const ci = readFileSync(path.join(infra, 'bootstrap', 'ci.tf'), 'utf8');
        const subjects = [...ci.matchAll(/values\s+= \[([^\]]*)\]/g)].flatMap((match) => [...match[1].matchAll(/"([^"]*)"/g)].map((value) => value[1]));
        const repository = answers.repository;
        switch (answers.ci) {
          case 'github-actions':
            assert.ok(subjects.includes(`repo:${repository}:environment:\${each.value}`));
            assert.ok(subjects.includes(`repo:${repository}:ref:refs/tags/v*`));
            for (const subject of subjects.filter((value) => value.startsWith('repo:'))) assert.ok(subject.startsWith(`repo:${repository}:`), subject);
            break;
          case 'gitlab-ci':
            for (const subject of subjects.filter((value) => value.startsWith('project_path:'))) assert.ok(subject.startsWith(`project_path:${repository}:ref_type:`), subject);
            assert.match(ci, /deploy_branches = \{ dev = "dev", staging = "main", production = "main" \}/, 'with three environments the first deploys from its own branch');
            break;
          case 'circleci':
            assert.ok(subjects.includes('org/${var.circleci_organization_id}/project/${var.circleci_project_id}/user/*'));
            break;
          case 'azure-devops':
            assert.ok(subjects.includes(`sc://\${var.azure_devops_organization}/\${var.azure_devops_project}/${answers.name}-\${each.value}`));
            break;
          case 'jenkins':
            assert.match(ci, /identifiers = \[var\.jenkins_deploy_agent_role_arns\[each\.value\]\]/);
            assert.doesNotMatch(ci, /aws_iam_openid_connect_provider/);
            break;
        }
        assert.ok(!subjects.includes('*'), 'no role trusts every subject');
      });
    });
  }

  it("routes /api to the API on every front end's host, each host its own rule ahead of the catch-alls", () => {
    // Two front ends, the second on a host of its own, and the API.
    const answers = shopAnswers({ orchestration: 'none', database: 'none', cache: 'none', services: [serviceVariants[0], serviceVariants[1], serviceVariants[5]] });
    const files = new Map(renderAll(terraformArea.plan(derive(answers), { otherFiles: [] })).map((file) => [file.path, file.contents]));
    const ecs = files.get('infra/modules/ecs/main.tf')!;
    const locals = ecs.slice(ecs.indexOf('  front_end_hosts = '), ecs.indexOf('  ]...)\n', ecs.indexOf('  prefix_routes = ')) + 8);
    for (const environment of answers.environments) {
      const main = files.get(`infra/environments/${environment}/main.tf`)!;
      const routes: Record<string, EdgeRoute & { priority: number }> = {};
      for (const service of answers.services) {
        const route = ecsServiceBlock(main, service.name).match(/route\s+= \{ host = "([^"]+)", path = "([^"]+)", priority = (\d+) \}/);
        if (route) routes[service.name] = { host: route[1], path: route[2], priority: Number(route[3]) };
      }
      assert.deepEqual(Object.keys(routes).sort(), ['api-express', 'web-react', 'web-vue'], environment);
      const publicServices = `  public = { for name, route in var.routes : name => { route = route } }\n${locals}`;
      const prefixRoutes = evaluateWithRoutes('routes', routes, publicServices, 'local.prefix_routes') as Record<string, { service: string; host: string; path: string; priority: number }>;
      // The API's own rule covers its host (the first front end's); the second front end's host gets one more.
      assert.equal(routes['api-express'].host, routes['web-react'].host);
      assert.deepEqual(Object.values(prefixRoutes), [{ service: 'api-express', host: routes['web-vue'].host, path: '/api', priority: 50 }], environment);
      const catchAlls = Object.values(routes).filter((route) => route.path === '/').map((route) => route.priority);
      assert.ok(Object.values(prefixRoutes).every((rule) => catchAlls.every((priority) => rule.priority < priority) && rule.priority !== routes['api-express'].priority));
    }
    assert.match(ecs, /resource "aws_lb_listener_rule" "prefix_on_front_end_host" \{\n\s+for_each\s+= local\.prefix_routes\n/);
  });

  it("the generated test fails when production's database loses its standby", () => {
    const { dir } = renderAwsCase(shopAnswers({ cache: 'none' }));
    folders.push(dir);
    const main = path.join(dir, 'infra', 'environments', 'production', 'main.tf');
    const text = readFileSync(main, 'utf8');
    assert.match(text, /multi_az\s+= local\.production/);
    writeFileSync(main, text.replace(/multi_az(\s+)= local\.production/, 'multi_az$1= false'));
    const problems = terraformTest(path.join(dir, 'infra', 'environments', 'production'));
    assert.ok(problems.some((problem) => /standby in another zone/.test(problem)), problems.join('\n'));
  });

  it('the generated test fails when the ingress controller trusts forwarded addresses from anywhere, or gets a load balancer of its own', () => {
    const { dir } = renderAwsCase(shopAnswers({ cache: 'none', database: 'none', environments: ['production'] }));
    folders.push(dir);
    const outputs = path.join(dir, 'infra', 'environments', 'production', 'outputs.tf');
    const text = readFileSync(outputs, 'utf8');
    assert.match(text, /"proxy-real-ip-cidr"\s+= module\.network\.vpc_cidr\n/);
    assert.match(text, /type\s+= "NodePort"\n/);
    writeFileSync(outputs, text.replace(/("proxy-real-ip-cidr"\s+= )module\.network\.vpc_cidr/, '$1"0.0.0.0/0"').replace(/(type\s+= )"NodePort"/, '$1"LoadBalancer"'));
    const problems = terraformTest(path.join(dir, 'infra', 'environments', 'production'));
    assert.ok(problems.some((problem) => /from the VPC only/.test(problem)), problems.join('\n'));
    assert.ok(problems.some((problem) => /not a load balancer of its own/.test(problem)), problems.join('\n'));
  });

  it('is written for every cloud: no cloud makes the area unavailable', () => {
    for (const cloud of ['aws', 'gcp', 'azure'] as const) assert.equal(terraformArea.unavailable?.(derive(shopAnswers({ cloud })).config), undefined, cloud);
  });
});
