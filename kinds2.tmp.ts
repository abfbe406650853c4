import { derive } from './lib/model/index.js';
import { renderAll } from './lib/render/render.js';
import { shopAnswers } from './test/ci/answers.js';
import { kubernetesArea } from './lib/areas/kubernetes/index.js';
const files = renderAll(kubernetesArea.plan(derive(shopAnswers({ orchestration: 'kustomize', strategy: 'canary', cloud: process.argv[2] as any })), { otherFiles: [] } as any));
for (const f of files) if (f.path.startsWith('deploy/cluster/')) { if (/access|kustomization/.test(f.path)) console.log('== ' + f.path + '\n' + f.contents); }
