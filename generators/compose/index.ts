import { createPhase4Generator } from '../shared/phase4-generator.js';

/** `phase4 compose` / `yo phase4:compose`: the local stack with Docker Compose. */
export default createPhase4Generator(['compose']);
