import { createPhase4Generator } from '../shared/phase4-generator.js';

/** `phase4` / `yo phase4`: every area. */
export default createPhase4Generator(undefined);
