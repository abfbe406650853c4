/**
 * The Kustomize style on every case of cases.ts: each overlay, its migrations and deploy/cluster built by the
 * real kustomize, validated by kubeconform (strict, CRDs) and trivy (every severity), and the built objects
 * checked against the model and the Dockerfiles and compose file of the same run.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { derive } from '../../lib/model/derive.js';
import { plan } from '../../lib/plan/plan.js';
import { renderAll } from '../../lib/render/render.js';
import { tempDir } from '../helpers/folders.js';
import { writeRendered } from '../validation/generate.js';
import { kustomizeBuild } from '../validation/validators/kustomize.js';
import { type KubernetesObject, kustomizeOverlays, readObjects } from '../validation/validators/kubernetes.js';
import { assertEnvironment, assertMatchesContainers } from './assertions.js';
import { kubernetesCases } from './cases.js';

const root = tempDir('phase4-kustomize-');
after(() => rmSync(root, { recursive: true, force: true }));

const build = (dir: string): KubernetesObject[] => {
  const result = kustomizeBuild(dir);
  assert.deepEqual(result.problems, [], result.problems.join('\n'));
  return readObjects(result.manifest!);
};

describe('Kustomize manifests', () => {
  for (const { label, answers } of kubernetesCases('kustomize')) {
    test(label, () => {
      const model = derive(answers);
      const files = renderAll(plan(answers, ['docker', 'compose', 'kubernetes']));
      const dir = path.join(root, label);
      writeRendered(dir, files);
      const kustomizations = files.filter((file) => kustomizeOverlays.applies(file.path)).map((file) => path.join(dir, file.path));
      assert.equal(kustomizations.length, 1 + model.project.environments.length * (model.services.some((service) => service.migrations?.separate) ? 2 : 1));
      assert.deepEqual(kustomizeOverlays.check(kustomizations), []);

      const cluster = build(path.join(dir, 'deploy/cluster'));
      for (const environment of model.project.environments) {
        const namespace = cluster.find((object) => object.kind === 'Namespace' && object.metadata.name === environment.namespace);
        assert.equal(namespace?.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted', `${environment.namespace} is restricted`);
      }
      assert.deepEqual(cluster.filter((object) => object.kind === 'ClusterIssuer').map((object) => object.metadata.name).sort(), ['letsencrypt-production', 'letsencrypt-staging']);

      const sizes = new Map<string, number>();
      for (const environment of model.project.environments) {
        const where = `${label}/${environment.name}`;
        const objects = build(path.join(dir, 'deploy/kustomize/overlays', environment.name));
        assert.ok(objects.every((object) => object.metadata.namespace === environment.namespace), `${where}: everything in ${environment.namespace}`);
        assertEnvironment(objects, model, environment, where);
        assertMatchesContainers(objects, model, files, where);
        for (const ingress of objects.filter((object) => object.kind === 'Ingress')) {
          assert.equal(ingress.spec.ingressClassName, answers.ingressClass, `${where}: ingress class`);
          const host = ingress.spec.rules[0].host;
          assert.ok(host === environment.host || host.endsWith(`.${environment.host}`), `${where}: ${host} belongs to ${environment.name}`);
          assert.deepEqual(ingress.spec.tls, [{ hosts: [host], secretName: `${model.project.name}-tls` }]);
        }
        const certificate = objects.find((object) => object.kind === 'Certificate');
        assert.ok(certificate?.spec.dnsNames.includes(environment.host), `${where}: the certificate covers ${environment.host}`);
        for (const secret of objects.filter((object) => object.kind === 'ExternalSecret')) {
          assert.equal(secret.spec.dataFrom[0].extract.key, `${model.project.name}-${environment.name}-${secret.metadata.name}`, `${where}: secret entry of ${environment.name}`);
        }
        assert.equal(objects.filter((object) => object.kind === 'Secret').length, 0, `${where}: no Secret with values`);
        for (const configMap of objects.filter((object) => object.kind === 'ConfigMap')) {
          const service = model.services.find((candidate) => configMap.metadata.name.startsWith(`${candidate.name}-`))!;
          const plain = service.settings.filter((setting) => setting.value.kind === 'plain' && setting.value.default !== undefined);
          const credentialLike = plain.filter((setting) => /TOKEN|EMAIL/.test(setting.name)).map((setting) => setting.name);
          assert.deepEqual(Object.keys(configMap.data).sort(), plain.map((setting) => setting.name).filter((name) => !credentialLike.includes(name)).sort(), `${where}: ${configMap.metadata.name} holds the plain defaults`);
          for (const name of credentialLike) assert.match(files.find((file) => file.path === 'docs/kubernetes.md')!.contents, new RegExp(`\`${name}\``), `${where}: the docs say ${name} stays at its default`);
        }
        assert.equal(objects.some((object) => object.kind === 'PodMonitor'), model.config.monitoring === 'prometheus-grafana', `${where}: PodMonitors with Prometheus only`);
        const minReplicas = objects.find((object) => object.kind === 'HorizontalPodAutoscaler')!.spec.minReplicas;
        sizes.set(environment.name, minReplicas);

        const migrating = model.services.filter((service) => service.migrations?.separate);
        if (migrating.length > 0) {
          const migrations = build(path.join(dir, 'deploy/kustomize/overlays', environment.name, 'migrations'));
          const jobs = migrations.filter((object) => object.kind === 'Job');
          assert.deepEqual(jobs.map((job) => job.metadata.name).sort(), migrating.map((service) => `${service.name}-migrate`).sort());
          for (const job of jobs) {
            const service = migrating.find((candidate) => `${candidate.name}-migrate` === job.metadata.name)!;
            const container = job.spec.template.spec.containers[0];
            assert.deepEqual(container.command, service.migrations!.argv, `${where}: ${job.metadata.name} runs the migration command`);
            const repository = service.migrations!.target === 'migrate' ? service.image.migrateRepository : service.image.repository;
            assert.ok(container.image.startsWith(`${repository}:`), `${where}: ${job.metadata.name} image ${container.image}`);
            assert.equal(job.metadata.namespace, environment.namespace);
          }
        } else {
          assert.ok(!files.some((file) => file.path.includes('/migrations/')), `${label}: no migrations folder without migrations`);
        }
      }
      if (model.project.environments.length > 1) {
        assert.ok(sizes.get(model.project.production.name)! > sizes.get(model.project.environments[0].name)!, `${label}: production scales from more replicas`);
      }
    });
  }

  test('a security regression in the base fails the validators', () => {
    const { answers } = kubernetesCases('kustomize')[2];
    const dir = path.join(root, 'regression');
    writeRendered(dir, renderAll(plan(answers, ['kubernetes'])));
    const rollout = path.join(dir, 'deploy/kustomize/base/api-django/rollout.yaml');
    writeFileSync(rollout, readFileSync(rollout, 'utf8').replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'));
    const overlay = path.join(dir, 'deploy/kustomize/overlays/production/kustomization.yaml');
    assert.match(kustomizeOverlays.check([overlay]).join('\n'), /KSV-0014/);
    writeFileSync(rollout, readFileSync(rollout, 'utf8').replace('readOnlyRootFilesystem: false', 'readOnlyRootFlesystem: true'));
    assert.match(kustomizeOverlays.check([overlay]).join('\n'), /readOnlyRootFlesystem/);
  });

  test('asking for Kustomize when the answers chose Helm is a usage error naming orchestration', () => {
    assert.throws(() => plan(kubernetesCases('helm')[0].answers, ['kubernetes']), /^UsageError: orchestration: is helm; .*--orchestration kustomize/);
    assert.deepEqual(plan(kubernetesCases('helm')[0].answers).filter((file) => file.area === 'kubernetes'), []);
    mkdirSync(root, { recursive: true });
  });
});
