import { createPhase4Generator } from '../shared/phase4-generator.js';

/** `phase4 helm` / `yo phase4:helm`: the application's Helm chart (orchestration: helm). */
export default createPhase4Generator(['helm']);
