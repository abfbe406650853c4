/**
 * The rendered-object checks of assertions.ts on every Kubernetes case of the validation matrix (every CI
 * platform x cloud x style, strategies in a Latin square, monitoring, datastores and environment sets rotating),
 * in whichever style the case chose. The matrix test itself runs the validators over the same cases.
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
import { matrixCases } from '../validation/matrix.js';
import { checkHelmChart } from '../validation/validators/helm.js';
import { readObjects } from '../validation/validators/kubernetes.js';
import { kustomizeBuild } from '../validation/validators/kustomize.js';
import { assertEnvironment, assertMatchesContainers } from './assertions.js';

const root = tempDir('phase4-k8s-matrix-');
after(() => rmSync(root, { recursive: true, force: true }));

describe('every Kubernetes case of the matrix', () => {
  for (const { label, config } of matrixCases().filter((candidate) => candidate.config.orchestration !== 'none')) {
    test(label, () => {
      const model = derive(config);
      const area = config.orchestration === 'helm' ? 'helm' : 'kubernetes';
      const files = renderAll(plan(config, ['docker', 'compose', area]));
      const dir = path.join(root, label);
      writeRendered(dir, files);
      const layout = deployLayout(config);
      for (const environment of model.project.environments) {
        const where = `${label}/${environment.name}`;
        let manifest: string | undefined;
        if (config.orchestration === 'helm') {
          const chart = path.join(dir, layout.helmChart);
          const check = checkHelmChart(chart, [path.join(chart, `values-${environment.name}.yaml`)], {
            release: model.project.name,
            namespace: environment.namespace,
            outDir: path.join(dir, 'rendered', environment.name),
          });
          assert.deepEqual(check.problems, [], where);
          manifest = check.renders[0].manifest;
        } else {
          const build = kustomizeBuild(path.join(dir, layout.kustomizeOverlays, environment.name));
          assert.deepEqual(build.problems, [], where);
          manifest = build.manifest;
        }
        const objects = readObjects(manifest!);
        assertEnvironment(objects, model, environment, where);
        assertMatchesContainers(objects, model, files, where);
      }
    });
  }
});
