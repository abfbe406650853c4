import { createPhase4Generator } from '../shared/phase4-generator.js';

/** `phase4 kubernetes` / `yo phase4:kubernetes`: Kubernetes manifests with Kustomize (orchestration: kustomize). */
export default createPhase4Generator(['kubernetes']);
