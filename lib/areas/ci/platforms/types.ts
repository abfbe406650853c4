import type { StackModel } from '../../../model/index.js';
import type { Config, PlannedFile } from '../../../plan/types.js';
import type { RegistryLogin } from '../registry.js';
import type { Pipeline } from '../types.js';

/**
 * One CI platform: how the neutral pipeline is written in its idiom. A new platform is one module here and
 * one template folder under templates/ci/<name>/.
 */
export interface CiPlatform {
  name: Config['ci'];
  label: string;
  /** The pipeline file(s) it writes, repository-relative (known before planning, for the YAML check). */
  files: string[];
  plan: (pipeline: Pipeline, model: StackModel) => PlannedFile[];
  /** For docs/ci-cd.md: how approvals, secrets and cloud logins work on this platform. */
  docs: {
    approval: string;
    variables: string;
    /** How the pipeline reaches each cloud without long-lived keys, or why it cannot. */
    identity: string;
    branchProtection: string;
    /** How a run sets CI_FORCE_BUILD=1, when the platform has its own way (a run input, a parameter). */
    forceBuild?: string;
    /** How a run gives the reason that overrides the deploy freeze (a run input, a parameter, a variable). */
    freezeOverride: string;
    /** How the build jobs log in to the registry, where the platform differs from GitHub's wording (job token, cloud identity, robot account). */
    registry?: (login: RegistryLogin, project: string) => string | undefined;
    /** What the platform calls a proposed change (`Merge requests`), where it is not `Pull requests`. */
    changeRequests?: string;
    /** What the agents the pipeline runs on must provide, on platforms whose agents are the user's own (Markdown). */
    agents?: (pipeline: Pipeline) => string;
  };
}
