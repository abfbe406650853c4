/**
 * CircleCI: jobs are keyed by canonical id; the workflow's `requires` is the order, with the `type: approval`
 * job folded into the job it gates; the serial group names the environment a deploy locks; reusable
 * commands are expanded where a job calls them.
 */
import { parse } from 'yaml';
import type { NormalJob, Normaliser } from './types.js';

type Step = string | Record<string, unknown>;
interface Config {
  commands?: Record<string, { steps: Step[] }>;
  jobs: Record<string, { steps: Step[] }>;
  workflows: Record<string, { jobs: (string | Record<string, { requires?: (string | Record<string, unknown>)[]; type?: string; 'serial-group'?: string }>)[] }>;
}

const config = '.circleci/config.yml';

/** A step's shell lines: `run: cmd` or `run: {command}`. */
const runLines = (step: Step): string[] => {
  if (typeof step !== 'object' || !('run' in step)) return [];
  const run = step.run as string | { command: string };
  const command = typeof run === 'string' ? run : run.command;
  return command.split('\n').filter((line) => line.trim() !== '');
};

/** The job's steps with every reusable command replaced by its own steps. */
export const expandSteps = (steps: Step[], commands: Config['commands'] = {}): Step[] =>
  steps.flatMap((step) => {
    const name = typeof step === 'string' ? step : Object.keys(step)[0];
    const command = commands[name];
    return command ? expandSteps(command.steps, commands) : [step];
  });

export const readCircleci = (text: string): NormalJob[] => {
  const parsed = parse(text, { maxAliasCount: 1000 }) as Config;
  type Invocation = { requires?: (string | Record<string, unknown>)[]; type?: string; 'serial-group'?: string };
  const invocations: [string, Invocation][] = Object.values(parsed.workflows).flatMap((workflow) =>
    workflow.jobs.map((entry): [string, Invocation] => (typeof entry === 'string' ? [entry, {}] : Object.entries(entry)[0])),
  );
  const byName = new Map(invocations);
  const requiresOf = (name: string) => (byName.get(name)?.requires ?? []).map((need) => (typeof need === 'string' ? need : Object.keys(need)[0]));
  return invocations
    .filter(([, settings]) => settings.type !== 'approval')
    .map(([id]) => {
      const steps = expandSteps(parsed.jobs[id].steps, parsed.commands);
      const gates = requiresOf(id).filter((need) => byName.get(need)?.type === 'approval');
      const commands = steps.flatMap(runLines);
      const serialGroup = byName.get(id)?.['serial-group'];
      return {
        id,
        // An approval job waits for what the gated job needs: fold it in.
        after: [...new Set(requiresOf(id).flatMap((need) => (gates.includes(need) ? requiresOf(need) : [need])))],
        environment: serialGroup ? /\/deploy-([^/]+)$/.exec(serialGroup)?.[1] : undefined,
        approval: gates.length > 0 ? `CircleCI approval job ${gates.join(', ')}` : undefined,
        commands,
        oidc: commands.some((line) => /CIRCLE_OIDC_TOKEN|circleci run oidc/.test(line)),
        digests: steps.some((step) => typeof step === 'object' && 'attach_workspace' in step),
      };
    });
};

export const circleci: Normaliser = {
  files: [config],
  oidc: true,
  read: (files) => ({ jobs: readCircleci(files.get(config)!) }),
};
