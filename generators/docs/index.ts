import { createPhase4Generator } from '../shared/phase4-generator.js';

/** `phase4 docs` / `yo phase4:docs`: the stack overview only. */
export default createPhase4Generator(['docs']);
