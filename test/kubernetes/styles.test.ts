/**
 * The two styles are one design: for every case, each environment's `kubectl kustomize` output and `helm
 * template` output hold the same objects, field for field, once what only one tool adds is set aside (Helm's
 * own labels and config checksums, Kustomize's ConfigMap name hashes, Helm hooks and tests, namespaces).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { derive } from '../../lib/model/derive.js';
import { deployLayout } from '../../lib/plan/naming.js';
import { plan } from '../../lib/plan/plan.js';
import { renderAll } from '../../lib/render/render.js';
import { tempDir } from '../helpers/folders.js';
import { writeRendered } from '../validation/generate.js';
import { checkHelmChart } from '../validation/validators/helm.js';
import { type KubernetesObject, readObjects } from '../validation/validators/kubernetes.js';
import { kustomizeBuild } from '../validation/validators/kustomize.js';
import { canonical } from './assertions.js';
import { kubernetesCases } from './cases.js';

const root = tempDir('phase4-styles-');
after(() => rmSync(root, { recursive: true, force: true }));

const toolLabels = ['app.kubernetes.io/managed-by', 'helm.sh/chart', 'app.kubernetes.io/version'];
const configMapHash = /-[a-z0-9]{10}$/;

/** One object as both styles mean it. */
const normalised = (object: KubernetesObject): KubernetesObject => {
  const copy = structuredClone(object);
  delete copy.metadata.namespace;
  for (const label of toolLabels) delete copy.metadata.labels?.[label];
  if (copy.kind === 'ConfigMap') copy.metadata.name = copy.metadata.name.replace(configMapHash, '');
  const template = copy.spec?.template;
  if (template?.metadata) {
    for (const key of Object.keys(template.metadata.annotations ?? {})) if (key.startsWith('checksum/')) delete template.metadata.annotations[key];
    if (template.metadata.annotations && Object.keys(template.metadata.annotations).length === 0) delete template.metadata.annotations;
    for (const container of template.spec?.containers ?? []) {
      for (const source of container.envFrom ?? []) if (source.configMapRef) source.configMapRef.name = source.configMapRef.name.replace(configMapHash, '');
    }
  }
  return copy;
};

const keyOf = (object: KubernetesObject) => `${object.kind}/${object.metadata.name}`;

const byKey = (objects: KubernetesObject[]) =>
  new Map(
    objects
      .filter((object) => !object.metadata.annotations?.['helm.sh/hook'])
      .map(normalised)
      .map((object) => [keyOf(object), object]),
  );

describe('Kustomize and Helm render the same objects', () => {
  const kustomizeCases = kubernetesCases('kustomize');
  kubernetesCases('helm').forEach(({ label, answers }, index) => {
    test(label, () => {
      const model = derive(answers);
      const helmDir = path.join(root, label, 'helm');
      const kustomizeDir = path.join(root, label, 'kustomize');
      writeRendered(helmDir, renderAll(plan(answers, ['helm'])));
      writeRendered(kustomizeDir, renderAll(plan(kustomizeCases[index].answers, ['kubernetes'])));
      const chart = path.join(helmDir, deployLayout(answers).helmChart);
      for (const environment of model.project.environments) {
        const helm = checkHelmChart(chart, [path.join(chart, `values-${environment.name}.yaml`)], {
          release: model.project.name,
          namespace: environment.namespace,
          outDir: path.join(root, label, 'helm-out', environment.name),
        });
        assert.deepEqual(helm.problems, []);
        const kustomize = kustomizeBuild(path.join(kustomizeDir, deployLayout(answers).kustomizeOverlays, environment.name));
        assert.deepEqual(kustomize.problems, []);
        const fromHelm = byKey(readObjects(helm.renders[0].manifest!));
        const fromKustomize = byKey(readObjects(kustomize.manifest!));
        assert.deepEqual([...fromHelm.keys()].sort(), [...fromKustomize.keys()].sort(), `${label}/${environment.name}: the same objects`);
        for (const [key, object] of fromKustomize) {
          assert.equal(canonical(fromHelm.get(key)), canonical(object), `${label}/${environment.name}: ${key} differs`);
        }
      }
    });
  });
});
