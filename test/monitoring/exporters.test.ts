/**
 * The datastore exporters on Kubernetes (lib/areas/monitoring/exporters.ts): one per datastore in each
 * environment's namespace, built by the real kustomize and checked by kubeconform (strict, with the CRDs) and
 * trivy; then what a reviewer checks: the series they give are the ones the alerts and dashboards select, the
 * network allows only Prometheus in and the datastore's port out, the connection comes from the exporter's own
 * secret manager entry per environment, and nothing secret is in the files.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { alertsFor } from '../../lib/monitoring/alerts.js';
import { monitoringOf } from '../../lib/monitoring/facts.js';
import { secretManagerEntry } from '../../lib/plan/naming.js';
import { imageRef } from '../../lib/versions/index.js';
import { shopAnswers } from '../ci/answers.js';
import { kustomizeBuild } from '../validation/validators/kustomize.js';
import { kustomizeOverlays } from '../validation/validators/kubernetes.js';
import { renderCase } from './cases.js';

const shapes: { label: string; answers: Answers }[] = [
  { label: 'helm-postgres-redis', answers: shopAnswers() },
  { label: 'kustomize-mysql-three-environments', answers: shopAnswers({ orchestration: 'kustomize', database: 'mysql', cache: 'none', environments: ['dev', 'staging', 'production'], cloud: 'gcp' }) },
  { label: 'helm-mongodb-redis-azure', answers: shopAnswers({ database: 'mongodb', cache: 'redis', cloud: 'azure' }) },
];

type K8sObject = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec: any };

for (const shape of shapes) {
  describe(`kubernetes exporters: ${shape.label}`, () => {
    const rendered = renderCase(shape);
    const facts = monitoringOf(rendered.model);
    const overlays = facts.environments.map((environment) => ({ environment, file: path.join(rendered.dir, 'monitoring', 'kubernetes', 'exporters', environment.name, 'kustomization.yaml') }));
    const built = new Map(
      overlays.map(({ environment, file }) => {
        const build = kustomizeBuild(path.dirname(file));
        assert.deepEqual(build.problems, [], `kubectl kustomize ${environment.name}`);
        return [environment.name, parseAllDocuments(readFileSync(build.manifest!, 'utf8')).map((document) => document.toJS() as K8sObject)];
      }),
    );

    test('kubectl kustomize, kubeconform (strict, CRDs) and trivy accept every environment', () => {
      assert.deepEqual(kustomizeOverlays.check(overlays.map(({ file }) => file)), []);
    });

    test('one exporter per datastore in each environment\'s namespace, its connection from its own entry of that environment', () => {
      for (const environment of facts.environments) {
        const objects = built.get(environment.name)!;
        for (const object of objects) assert.equal(object.metadata.namespace, environment.namespace, `${object.kind}/${object.metadata.name}`);
        const deployments = objects.filter((object) => object.kind === 'Deployment');
        assert.deepEqual(deployments.map((object) => object.metadata.name).sort(), facts.datastores.map((store) => store.exporter.job).sort());
        for (const store of facts.datastores) {
          const externalSecret = objects.find((object) => object.kind === 'ExternalSecret' && object.metadata.name === store.exporter.job)!;
          assert.equal(externalSecret.spec.dataFrom[0].extract.key, secretManagerEntry(rendered.model.config, environment.name, store.exporter.job));
          const deployment = deployments.find((object) => object.metadata.name === store.exporter.job)!;
          const container = deployment.spec.template.spec.containers[0];
          assert.equal(container.image, store.exporter.image);
          assert.equal(container.image, imageRef(({ postgres: 'postgres-exporter', mysql: 'mysqld-exporter', mongodb: 'mongodb-exporter', redis: 'redis-exporter' } as const)[store.engine]));
          assert.deepEqual(container.envFrom, [{ secretRef: { name: store.exporter.job } }]);
          assert.equal(container.env, undefined, 'no value set inline: every connection setting comes from the entry');
          assert.equal(container.ports[0].containerPort, store.exporter.port);
          assert.equal(deployment.spec.template.spec.automountServiceAccountToken, false);
          assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        }
      }
    });

    test('Prometheus may scrape the exporter, and the exporter may reach only its datastore\'s port', () => {
      for (const store of facts.datastores) {
        const policy = built.get(facts.production.name)!.find((object) => object.kind === 'NetworkPolicy' && object.metadata.name === store.exporter.job)!;
        assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
        assert.deepEqual(policy.spec.ingress, [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'metrics', protocol: 'TCP' }] }]);
        assert.deepEqual(policy.spec.egress, [{ ports: [{ port: store.port, protocol: 'TCP' }] }]);
      }
    });

    test('the PodMonitor gives the job and namespace the datastore alerts and dashboards select', () => {
      const names = new Set(alertsFor(facts).map((alert) => alert.name));
      assert.ok(names.has('DatastoreDown') && names.has('DatastoreConnectionsNearLimit'), 'the exporters\' alerts apply on Kubernetes');
      const rules = rendered.byPath.get(`monitoring/prometheus/rules/${facts.project}.rules.yaml`)!;
      for (const store of facts.datastores) {
        const monitor = built.get(facts.production.name)!.find((object) => object.kind === 'PodMonitor' && object.metadata.name === store.exporter.job)!;
        assert.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack', 'kube-prometheus-stack selects it');
        assert.equal(monitor.spec.jobLabel, 'app.kubernetes.io/name');
        const deployment = built.get(facts.production.name)!.find((object) => object.kind === 'Deployment' && object.metadata.name === store.exporter.job)!;
        assert.equal(deployment.spec.template.metadata.labels['app.kubernetes.io/name'], store.exporter.job, 'the job label is the exporter\'s name');
        assert.deepEqual(monitor.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
        assert.ok(rules.includes(`job="${store.exporter.job}", namespace=~"${facts.environments.map((environment) => environment.namespace).join('|')}"`), `the rules select ${store.exporter.job} in this project's namespaces`);
      }
    });

    test('the docs say how to create each entry and apply each environment', () => {
      const docs = rendered.byPath.get('docs/monitoring.md')!;
      for (const environment of facts.environments) assert.ok(docs.includes(`kubectl apply -k monitoring/kubernetes/exporters/${environment.name}`));
      for (const store of facts.datastores) for (const environment of facts.environments) assert.ok(docs.includes(secretManagerEntry(rendered.model.config, environment.name, store.exporter.job)));
    });
  });
}

test('beside compose the exporters are compose services: no Kubernetes exporter files', () => {
  const rendered = renderCase({ label: 'compose', answers: shopAnswers({ orchestration: 'none' }) });
  assert.deepEqual(rendered.files.filter((file) => file.path.includes('exporters/')).map((file) => file.path), []);
});

test('without a datastore there is no exporter and no datastore alert on Kubernetes', () => {
  const rendered = renderCase({ label: 'no-datastore', answers: shopAnswers({ database: 'none', cache: 'none' }) });
  assert.deepEqual(rendered.files.filter((file) => file.path.includes('exporters/')).map((file) => file.path), []);
  assert.ok(!alertsFor(monitoringOf(rendered.model)).some((alert) => alert.name === 'DatastoreDown'));
});
