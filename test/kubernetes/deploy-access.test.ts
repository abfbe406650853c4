/**
 * The pipeline's deploy identity inside the cluster: deploy/cluster's Role in each environment's namespace grants
 * write access to exactly the kinds the deploy applies (the overlays built by kustomize, the chart rendered by
 * helm) and what deploy.sh and smoke-test.sh do besides, nothing cluster-wide; the clouds bind it to the deploy
 * identity and to nothing else: EKS by a Kubernetes group on the access entry (no access policy), GKE and AKS by
 * the RoleBinding their environment stacks print, read back here through the real terraform.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import type { Service } from '../../lib/catalog/service.js';
import { areas } from '../../lib/areas/index.js';
import { derive } from '../../lib/model/index.js';
import { deployAccessName, namespaceFor } from '../../lib/plan/naming.js';
import type { PlannedFile } from '../../lib/plan/types.js';
import { renderAll } from '../../lib/render/render.js';
import { shopAnswers } from '../ci/answers.js';
import { tempDir } from '../helpers/folders.js';
import { runTool } from '../helpers/tools.js';
import { labelledBlocks, namedBlocks } from '../terraform/hcl-assertions.js';
import { serviceVariants } from '../validation/matrix.js';
import { kubernetesCases } from './cases.js';
import { checkHelmChart } from '../validation/validators/helm.js';
import { checkRenders } from '../validation/validators/kubernetes.js';
import { kustomizeBuild } from '../validation/validators/kustomize.js';
import { parseTerraformDir } from '../validation/validators/terraform-schema.js';

const variant = (name: string) => serviceVariants.find((service) => service.name === name)!;
const migratingShop: Service[] = [variant('web-react'), { ...variant('api-express'), migrations: { tool: 'prisma', command: 'npx prisma migrate deploy' } }];

const cases: { label: string; answers: Answers }[] = [
  { label: 'EKS, Kustomize, canary, migrations', answers: shopAnswers({ services: migratingShop, orchestration: 'kustomize', strategy: 'canary' }) },
  { label: 'EKS, Helm, rolling, three environments', answers: shopAnswers({ environments: ['dev', 'staging', 'production'] }) },
  {
    label: 'GKE, Helm, blue-green, migrations, MySQL',
    answers: shopAnswers({ services: migratingShop, cloud: 'gcp', strategy: 'blue-green', database: 'mysql', registry: 'europe-west1-docker.pkg.dev/acme/shop', region: 'europe-west1' }),
  },
  // Plain settings (ConfigMaps), a secret, a worker, a second front end, migrations: both styles.
  ...(['kustomize', 'helm'] as const).map((style) => ({
    label: `AKS, ${style}, canary, plain settings and a worker`,
    answers: kubernetesCases(style).find((candidate) => candidate.label === 'canary-prometheus-azure')!.answers,
  })),
  {
    label: 'AKS, Kustomize, rolling, no datastore, Datadog',
    answers: shopAnswers({ cloud: 'azure', orchestration: 'kustomize', database: 'none', cache: 'none', monitoring: 'datadog', registry: 'acmeshop.azurecr.io', region: 'westeurope' }),
  },
];

type KubernetesObject = Record<string, any>;
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** Every area's files, as `phase4` writes them, into a temp folder. */
const renderProject = (answers: Answers): string => {
  const model = derive(answers);
  const planned: PlannedFile[] = [];
  for (const area of areas) planned.push(...area.plan(model, { otherFiles: renderAll(planned) }));
  const dir = tempDir('phase4-deploy-access-');
  for (const file of renderAll(planned)) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.contents);
  }
  return dir;
};

const objectsOf = (file: string): KubernetesObject[] =>
  parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => document.toJS() as KubernetesObject)
    .filter(Boolean);

/** The REST resource of a kind, as RBAC names it (`NetworkPolicy` is `networking.k8s.io/networkpolicies`). */
const resourceOf = (object: KubernetesObject): string => {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  const kind = object.kind.toLowerCase();
  const plural = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : kind.endsWith('s') ? `${kind}es` : `${kind}s`;
  return `${group}/${plural}`;
};

/** What one Role lets its subject do: `group/resource` -> verbs. */
const grants = (role: KubernetesObject): Map<string, Set<string>> => {
  const granted = new Map<string, Set<string>>();
  for (const rule of role.rules as Rule[]) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        const key = `${group}/${resource}`;
        granted.set(key, new Set([...(granted.get(key) ?? []), ...rule.verbs]));
      }
    }
  }
  return granted;
};

/** The objects the deploy applies to one environment: the overlay and its migrations, or the chart with its values. */
const deployedObjects = (dir: string, environment: string, outDir: string): KubernetesObject[] => {
  const overlay = path.join(dir, 'deploy/kustomize/overlays', environment);
  if (existsSync(overlay)) {
    return [overlay, path.join(overlay, 'migrations')]
      .filter((folder) => existsSync(folder))
      .flatMap((folder, index) => {
        const build = kustomizeBuild(folder, { outDir: path.join(outDir, `${environment}-${index}`) });
        assert.deepEqual(build.problems, []);
        return objectsOf(build.manifest!);
      });
  }
  const chart = path.join(dir, 'deploy/helm', readdirSync(path.join(dir, 'deploy/helm'))[0]);
  const check = checkHelmChart(chart, [path.join(chart, `values-${environment}.yaml`)], { outDir: path.join(outDir, environment) });
  assert.deepEqual(check.problems, []);
  // Test hooks run only under `helm test`, which the deploy never calls.
  return objectsOf(check.renders[0].manifest!).filter((object) => !String(object.metadata?.annotations?.['helm.sh/hook'] ?? '').includes('test'));
};

/** Evaluates an output's value in a configuration of its own, with `reference` replaced by `value` (no provider). */
const evaluateOutput = (outputs: string, name: string, reference: string, value: string): unknown => {
  const block = outputs.slice(outputs.indexOf(`output "${name}" {`));
  const expression = block.slice(block.indexOf('value = ') + 'value = '.length, block.indexOf('\n  })\n') + 5).split(reference).join(JSON.stringify(value));
  const dir = tempDir('phase4-output-');
  writeFileSync(path.join(dir, 'main.tf'), `locals {\n  value = ${expression}\n}\n`);
  const result = runTool('terraform', ['console'], { cwd: dir, input: 'jsonencode(local.value)\n', env: { TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(result.status, 0, result.output);
  return parse(JSON.parse(JSON.parse(result.stdout.trim())) as string);
};

describe('the deploy identity inside the cluster', () => {
  const folders: string[] = [];
  after(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  for (const { label, answers } of cases) {
    describe(label, () => {
      const dir = renderProject(answers);
      folders.push(dir);
      const model = derive(answers);
      const name = deployAccessName(model.config);
      const environments = answers.environments as string[];
      const namespaces = environments.map((environment) => namespaceFor(model.config, environment));
      const access = objectsOf(path.join(dir, 'deploy/cluster/deploy-access.yaml'));
      const roles = access.filter((object) => object.kind === 'Role');
      const deployScript = readFileSync(path.join(dir, 'scripts/ci/deploy.sh'), 'utf8');
      const smokeTest = readFileSync(path.join(dir, 'scripts/smoke-test.sh'), 'utf8');

      it('has one Role per environment, in its namespace, and nothing cluster-wide', () => {
        assert.deepEqual(roles.map((role) => role.metadata.namespace), namespaces);
        assert.ok(roles.every((role) => role.metadata.name === name));
        assert.deepEqual([...new Set(access.map((object) => object.kind))].filter((kind) => !['Role', 'RoleBinding'].includes(kind)), []);
        assert.match(readFileSync(path.join(dir, 'deploy/cluster/kustomization.yaml'), 'utf8'), /^ {2}- deploy-access\.yaml$/m);
      });

      it('writes exactly the kinds the deploy applies, and reads only what following it needs', () => {
        const outDir = tempDir('phase4-deploy-access-renders-');
        folders.push(outDir);
        const helm = answers.orchestration === 'helm';
        const smokeRunsPods = /kubectl --namespace "\$namespace" run /.test(smokeTest);
        for (const [index, environment] of environments.entries()) {
          const granted = grants(roles[index]);
          const applied = new Set(deployedObjects(dir, environment, outDir).map(resourceOf));
          const writable = [...granted].filter(([resource, verbs]) => !resource.includes('/', resource.indexOf('/') + 1) && verbs.has('create'));
          const expected = new Set([...applied, ...(helm ? ['/secrets'] : []), ...(smokeRunsPods ? ['/pods'] : [])]);
          // The chart's PrometheusRule slot (monitoring.prometheusRules) renders only when values give rules.
          if (helm && answers.monitoring === 'prometheus-grafana') expected.add('monitoring.coreos.com/prometheusrules');
          assert.deepEqual(writable.map(([resource]) => resource).sort(), [...expected].sort(), environment);
          for (const [resource, verbs] of writable) {
            if (verbs.has('create')) assert.ok(verbs.has('delete'), `${resource}: what the deploy creates, it may remove`);
          }
          const can = (resource: string, verb: string) => granted.get(resource)?.has(verb) ?? false;
          // Never: Secrets outside Helm's own release records, exec, impersonation, RBAC, anything by wildcard.
          assert.equal(can('/secrets', 'get'), helm);
          for (const [resource, verbs] of granted) {
            assert.ok(!resource.startsWith('rbac.authorization.k8s.io/') && !resource.includes('*') && !verbs.has('*') && !verbs.has('impersonate') && !verbs.has('escalate') && !verbs.has('bind'), resource);
          }
          assert.ok(!granted.has('/pods/exec'));
          // What deploy.sh and smoke-test.sh run.
          assert.equal(can('/pods/portforward', 'create'), /port-forward/.test(smokeTest));
          assert.equal(can('/pods/attach', 'create'), smokeRunsPods);
          if (/rollout status "deployment\//.test(deployScript)) assert.ok(can('apps/deployments', 'watch') && can('apps/replicasets', 'list'));
          if (/--subresource status/.test(deployScript)) assert.ok(can('argoproj.io/rollouts/status', 'patch'));
          if (/logs "job\//.test(deployScript)) assert.ok(can('batch/jobs', 'delete') && can('/pods/log', 'get'));
        }
      });

      it('passes kustomize, kubeconform and trivy', () => {
        const outDir = tempDir('phase4-deploy-access-cluster-');
        folders.push(outDir);
        const build = kustomizeBuild(path.join(dir, 'deploy/cluster'), { outDir });
        assert.deepEqual(build.problems, []);
        assert.deepEqual(checkRenders([build.manifest!]), []);
      });

      it("passes the pipeline's own IaC scan (HIGH and CRITICAL) through the allow-list it generates, and fails without it", () => {
        const scanned = tempDir('phase4-deploy-access-scan-');
        const cache = tempDir('phase4-deploy-access-cache-');
        folders.push(scanned, cache);
        mkdirSync(path.join(scanned, 'deploy/cluster'), { recursive: true });
        for (const file of ['.trivyignore.yaml', 'deploy/cluster/deploy-access.yaml']) copyFileSync(path.join(dir, file), path.join(scanned, file));
        // The pipeline's own command (lib/areas/ci/pipeline.ts): --severity HIGH,CRITICAL --ignorefile .trivyignore.yaml.
        const scan = (ignore: string[]) =>
          runTool('trivy', ['config', '--quiet', '--skip-check-update', '--skip-version-check', '--cache-dir', cache, '--exit-code', '1', '--severity', 'HIGH,CRITICAL', ...ignore, scanned], { timeout: 300_000 });
        const allowed = scan(['--ignorefile', path.join(scanned, '.trivyignore.yaml')]);
        assert.equal(allowed.status, 0, allowed.output);
        assert.equal(scan([]).status, 1, 'KSV-0056 is what the allow-list accepts');
        assert.match(readFileSync(path.join(dir, '.trivyignore.yaml'), 'utf8'), /- id: AVD-KSV-0056\n {4}paths:\n {6}- "deploy\/cluster\/deploy-access\.yaml"\n/);
      });

      if (answers.cloud === 'aws') {
        it('maps the deploy role to a Kubernetes group bound in each namespace, with no EKS access policy', async () => {
          const bindings = access.filter((object) => object.kind === 'RoleBinding');
          assert.deepEqual(bindings.map((binding) => binding.metadata.namespace), namespaces);
          for (const binding of bindings) {
            assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name });
            assert.deepEqual(binding.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name }]);
          }
          const parsed = await parseTerraformDir(path.join(dir, 'infra'));
          const entries = labelledBlocks(parsed, 'resource').filter((block) => block.type === 'aws_eks_access_entry' && block.name === 'deploy');
          assert.equal(entries.length, 1);
          assert.deepEqual(entries[0].body.kubernetes_groups, ['${var.deploy_kubernetes_group}']);
          assert.deepEqual(
            labelledBlocks(parsed, 'resource').filter((block) => block.type === 'aws_eks_access_policy_association' && block.name !== 'admin'),
            [],
          );
          const clusters = namedBlocks(parsed, 'module').filter((block) => block.name === 'cluster');
          assert.equal(clusters.length, environments.length);
          for (const cluster of clusters) assert.equal(cluster.body.deploy_kubernetes_group, name);
        });
      } else {
        it('prints, from each environment stack, the RoleBinding of its deploy identity in its namespace alone', async () => {
          assert.deepEqual(access.filter((object) => object.kind === 'RoleBinding'), []);
          const reference = answers.cloud === 'gcp' ? 'var.deploy_service_account' : 'data.azurerm_user_assigned_identity.deploy.principal_id';
          for (const environment of environments) {
            const outputs = readFileSync(path.join(dir, 'infra/environments', environment, 'outputs.tf'), 'utf8');
            const identity = `identity-of-${environment}`;
            const binding = evaluateOutput(outputs, 'deploy_role_binding', reference, identity) as KubernetesObject;
            assert.deepEqual(binding, {
              apiVersion: 'rbac.authorization.k8s.io/v1',
              kind: 'RoleBinding',
              metadata: { name, namespace: namespaceFor(model.config, environment), labels: { 'app.kubernetes.io/part-of': model.config.name } },
              roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
              subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: identity }],
            });
          }
          const parsed = await parseTerraformDir(path.join(dir, 'infra'));
          const resources = labelledBlocks(parsed, 'resource');
          if (answers.cloud === 'azure') {
            // Azure RBAC: only the kubeconfig (Cluster User); no namespace-wide Azure role that reads Secrets.
            const deployRoles = resources.filter((block) => block.type === 'azurerm_role_assignment' && /deploy_principal_id/.test(JSON.stringify(block.body)) && /kubernetes_cluster/.test(JSON.stringify(block.body)));
            assert.deepEqual(deployRoles.map((block) => block.body.role_definition_name), ['Azure Kubernetes Service Cluster User Role']);
          } else {
            // IAM: the deploy service account may find the cluster, nothing inside it.
            const clusterRoles = resources.filter((block) => block.type === 'google_project_iam_member' && /^roles\/container\./.test(block.body.role));
            assert.deepEqual(clusterRoles.map((block) => block.body.role), ['roles/container.clusterViewer']);
          }
        });
      }
    });
  }
});
