import { createPhase4Generator } from '../shared/phase4-generator.js';

/** `phase4 monitoring` / `yo phase4:monitoring`: alert rules, their tests and runbook, Alertmanager, dashboards and log shipping. */
export default createPhase4Generator(['monitoring']);
