import { createPhase4Generator } from '../shared/phase4-generator.js';

/** `phase4 terraform` / `yo phase4:terraform`: the cloud infrastructure as Terraform (infra/). */
export default createPhase4Generator(['terraform']);
