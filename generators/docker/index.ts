import { createPhase4Generator } from '../shared/phase4-generator.js';

/** `phase4 docker` / `yo phase4:docker`: a Dockerfile and ignore file per service, nginx for front ends. */
export default createPhase4Generator(['docker']);
