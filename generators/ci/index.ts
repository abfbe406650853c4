import { createPhase4Generator } from '../shared/phase4-generator.js';

/** `phase4 ci` / `yo phase4:ci`: the delivery pipeline, its shared scripts and docs/ci-cd.md. */
export default createPhase4Generator(['ci']);
