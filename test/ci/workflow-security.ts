/**
 * Pipeline-security checks of a GitHub workflow, beyond actionlint's: no untrusted event data expanded in a
 * shell, no fork code checked out with secrets in reach, every third-party action pinned by commit, and
 * every job with permissions of its own under an empty default.
 */
import { parse } from 'yaml';

type Workflow = { on?: unknown; permissions?: unknown; jobs: Record<string, { permissions?: unknown; steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[] }> };

/** Contexts an outsider controls: titles, bodies, branch names, commit messages, inputs. */
const untrusted = /\$\{\{[^}]*(github\.event\.|github\.head_ref|inputs\.|github\.ref_name)[^}]*\}\}/;

export const workflowFindings = (text: string): string[] => {
  const workflow = parse(text) as Workflow;
  const findings: string[] = [];
  const triggers = typeof workflow.on === 'string' ? [workflow.on] : Array.isArray(workflow.on) ? workflow.on : Object.keys((workflow.on as object) ?? {});
  const privileged = triggers.includes('pull_request_target') || triggers.includes('workflow_run');
  const top = workflow.permissions;
  if (!(top && typeof top === 'object' && Object.keys(top).length === 0)) findings.push('top-level permissions must be {} so that each job asks for its own');
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
    if (job.permissions === undefined) findings.push(`${id}: no permissions of its own`);
    for (const step of job.steps ?? []) {
      if (step.run && untrusted.test(step.run)) findings.push(`${id}: untrusted event data expanded inside a shell: ${untrusted.exec(step.run)![0]}`);
      if (step.uses && !step.uses.startsWith('./') && !/^[^@\s]+@[0-9a-f]{40}$/.test(step.uses.trim())) findings.push(`${id}: ${step.uses} is not pinned by a commit SHA`);
      if (privileged && step.uses?.startsWith('actions/checkout') && /head|pull_request/.test(JSON.stringify(step.with ?? {}))) {
        findings.push(`${id}: checks out a fork's code in a privileged workflow`);
      }
    }
  }
  return findings;
};
