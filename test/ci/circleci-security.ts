/**
 * Pipeline-security checks of a CircleCI config, beyond its schema: no untrusted pipeline value expanded by
 * `<< >>` inside a shell, every orb and image pinned, no long-lived cloud keys, and secrets (contexts) and
 * identity tokens only in the jobs that push or deploy, never in a job a pull request can run.
 */
import { parse } from 'yaml';

type Step = string | Record<string, unknown>;
interface Invocation {
  requires?: (string | Record<string, unknown>)[];
  context?: string | string[];
  filters?: unknown;
  type?: string;
}
interface Config {
  orbs?: Record<string, unknown>;
  executors?: Record<string, Record<string, unknown>>;
  commands?: Record<string, { steps?: Step[] }>;
  jobs?: Record<string, Record<string, unknown> & { steps?: Step[] }>;
  workflows?: Record<string, { jobs?: (string | Record<string, Invocation>)[] }>;
}

/** Values anyone who can open a pull request or push a branch controls: names, messages, titles, parameters. */
const untrusted = /<<\s*(pipeline\.(git\.(branch|tag)|event\.|trigger_parameters\.|parameters\.|schedule\.name)|parameters\.)[^>]*>>/;

/** Long-lived cloud credentials, by name or by shape. */
const cloudKeys = /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws_access_key_id|aws_secret_access_key|\bAKIA[0-9A-Z]{16}\b|GOOGLE_CREDENTIALS|GCLOUD_SERVICE_KEY|credentials_json|AZURE_CLIENT_SECRET|client-secret|--password[= ]/;

/** Jobs that push images or deploy: the only ones that may hold a context or ask for an OIDC token. */
const privileged = /^(build|deploy|smoke)-/;

/** A tag that names one release, or a digest: no `latest`, `current`, `edge` or floating majors. */
const pinnedImage = (image: string) => /@sha256:[0-9a-f]{64}$/.test(image) || /:(?!latest$|current$|edge$|stable$|lts$)[^:/@\s]*\d[^:/@\s]*$/.test(image);

const runCommand = (step: Step): string | undefined => {
  if (typeof step !== 'object' || !('run' in step)) return undefined;
  const run = step.run as string | { command?: string };
  return typeof run === 'string' ? run : run.command;
};

const contextsOf = (invocation: Invocation): string[] => (invocation.context === undefined ? [] : [invocation.context].flat());

/** A filter that keeps the job off pull requests and off every branch but named ones. */
const excludesPullRequests = (filters: unknown) =>
  typeof filters === 'string' && /pipeline\.event\.name != "pull_request"/.test(filters) && /pipeline\.git\.branch == "/.test(filters) && !/pipeline\.git\.branch(?! ==)/.test(filters.replace(/pipeline\.git\.branch == "[^"]*"/g, ''));

export const circleciFindings = (text: string): string[] => {
  const config = parse(text, { maxAliasCount: 1000 }) as Config;
  const findings: string[] = [];
  if (cloudKeys.test(text)) findings.push(`long-lived cloud credentials in the config: ${cloudKeys.exec(text)![0]}`);

  for (const [name, reference] of Object.entries(config.orbs ?? {})) {
    if (typeof reference !== 'string' || !/@\d+\.\d+\.\d+$/.test(reference)) findings.push(`orb ${name}: ${JSON.stringify(reference)} is not pinned to an exact version`);
  }

  const executorsAndJobs = { ...(config.executors ?? {}), ...(config.jobs ?? {}) };
  for (const [name, definition] of Object.entries(executorsAndJobs)) {
    for (const container of (definition.docker as { image?: string }[] | undefined) ?? []) {
      if (!container.image || !pinnedImage(container.image)) findings.push(`${name}: image ${container.image} is not pinned to a release`);
    }
    const machine = definition.machine as { image?: string } | boolean | undefined;
    if (machine !== undefined && (typeof machine !== 'object' || !machine.image || !/:\d{4}\.\d{2}\.\d+$/.test(machine.image))) {
      findings.push(`${name}: machine image ${JSON.stringify(typeof machine === 'object' ? machine.image : machine)} is not pinned to a dated release`);
    }
  }

  const stepLists: [string, Step[]][] = [
    ...Object.entries(config.commands ?? {}).map(([name, command]) => [`command ${name}`, command.steps ?? []] as [string, Step[]]),
    ...Object.entries(config.jobs ?? {}).map(([name, job]) => [`job ${name}`, job.steps ?? []] as [string, Step[]]),
  ];
  for (const [owner, steps] of stepLists) {
    for (const step of steps) {
      const command = runCommand(step);
      if (command && untrusted.test(command)) findings.push(`${owner}: untrusted pipeline value expanded inside a shell: ${untrusted.exec(command)![0]}`);
    }
  }

  // The identity token: only in jobs that push or deploy, directly or through the commands they call.
  const commandUsesToken = (name: string, seen = new Set<string>()): boolean => {
    if (seen.has(name)) return false;
    seen.add(name);
    return (config.commands?.[name]?.steps ?? []).some((step) => usesToken(step, seen));
  };
  const usesToken = (step: Step, seen = new Set<string>()): boolean => {
    const command = runCommand(step);
    if (command) return /CIRCLE_OIDC_TOKEN|circleci run oidc/.test(command);
    const name = typeof step === 'string' ? step : Object.keys(step)[0];
    return config.commands?.[name] !== undefined && commandUsesToken(name, seen);
  };
  for (const [name, job] of Object.entries(config.jobs ?? {})) {
    if (!privileged.test(name) && (job.steps ?? []).some((step) => usesToken(step))) findings.push(`${name}: asks for an OIDC token but neither pushes nor deploys`);
  }

  for (const [workflow, { jobs = [] }] of Object.entries(config.workflows ?? {})) {
    const invocations = jobs.map((entry) => (typeof entry === 'string' ? ([entry, {}] as [string, Invocation]) : (Object.entries(entry)[0] as [string, Invocation])));
    const approvals = new Set(invocations.filter(([, invocation]) => invocation.type === 'approval').map(([name]) => name));
    for (const [name, invocation] of invocations) {
      const contexts = contextsOf(invocation);
      if (contexts.length === 0) continue;
      if (!privileged.test(name)) findings.push(`${workflow}/${name}: holds the context ${contexts.join(', ')} but neither pushes nor deploys`);
      else if (!excludesPullRequests(invocation.filters)) findings.push(`${workflow}/${name}: holds the context ${contexts.join(', ')} without a filter that keeps it to its branches and off pull requests`);
      if (contexts.some((context) => /prod/.test(context)) && name.startsWith('deploy-') && !(invocation.requires ?? []).some((need) => approvals.has(typeof need === 'string' ? need : Object.keys(need)[0]))) {
        findings.push(`${workflow}/${name}: deploys with ${contexts.join(', ')} without waiting for an approval job`);
      }
    }
  }
  return findings;
};
