/**
 * Pipeline-security checks of an Azure Pipelines file, beyond its schema: no untrusted run data (branch names,
 * pull request fields, commit messages, runtime parameters) expanded into a script by macro or template syntax,
 * every task pinned to a major version, every image pinned to a tag other than `latest`, no secret expanded
 * into script text or printed, no stored cloud key, no job token handed to scripts or kept in the checkout,
 * and no cloud identity reachable from a pull request build.
 */
import { parse } from 'yaml';

type Step = { script?: string; bash?: string; task?: string; checkout?: string; persistCredentials?: boolean | string; inputs?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = { job?: string; deployment?: string; container?: string | { image?: string }; steps?: Step[]; strategy?: { runOnce?: { deploy?: { steps?: Step[] } } }; condition?: string; variables?: unknown };
type Stage = { stage: string; condition?: string; jobs?: Job[]; variables?: unknown };
type Pipeline = { stages?: Stage[]; jobs?: Job[]; steps?: Step[]; variables?: unknown; resources?: { containers?: { container: string; image?: string }[] } };

/** Run data an outsider controls: the branch, the pull request, the commit message and author, who queued it. */
const untrustedMacro = /\$\((Build\.(SourceBranch|SourceBranchName|SourceVersionMessage|SourceVersionAuthor|RequestedFor|RequestedForEmail)|System\.PullRequest\.[A-Za-z.]+)\)/;
/** Template and runtime expressions that put parameters or such variables into the script text itself. */
const untrustedExpression = /(\$\{\{|\$\[)[^}\]]*(parameters\.|Build\.Source|Build\.RequestedFor|System\.PullRequest)[^}\]]*(\}\}|\])/;
/** Variables that hold secrets, by name; the job token. */
const secretName = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|ACCESSKEY|ACCESS_KEY|System\.AccessToken)/i;
/** Long-lived cloud credentials: the pipeline reaches clouds through federated service connections instead. */
const storedCloudKey = /AWS_SECRET_ACCESS_KEY|aws_secret_access_key|AZURE_CLIENT_SECRET|servicePrincipalKey|GOOGLE_CREDENTIALS|credentials_json|--password[ =]\$\(|ARM_CLIENT_SECRET/;

const scriptOf = (step: Step): string | undefined => {
  if (typeof step.script === 'string') return step.script;
  if (typeof step.bash === 'string') return step.bash;
  const inputs = step.inputs ?? {};
  if (/^Bash@/.test(step.task ?? '') && typeof inputs.script === 'string') return inputs.script;
  if (/^(AzureCLI|AWSShellScript)@/.test(step.task ?? '') && typeof inputs.inlineScript === 'string') return inputs.inlineScript;
  return undefined;
};

const federated = (step: Step) => (/^AzureCLI@/.test(step.task ?? '') && step.inputs?.azureSubscription !== undefined) || (/^AWSShellScript@/.test(step.task ?? '') && step.inputs?.awsCredentials !== undefined);

/** `image:tag` or `image@sha256:...`, never untagged and never `latest`. */
const pinnedImage = (image: string) => /@sha256:[0-9a-f]{64}$/.test(image) || (/:[^/:]+$/.test(image) && !/:latest$/.test(image));

const excludesPullRequests = (condition: string | undefined) => condition !== undefined && /ne\(\s*variables\['Build\.Reason'\]\s*,\s*'PullRequest'\s*\)/.test(condition);

export const azurePipelineFindings = (text: string): string[] => {
  const pipeline = parse(text) as Pipeline;
  const findings: string[] = [];
  const stages: Stage[] = pipeline.stages ?? [{ stage: '(pipeline)', jobs: pipeline.jobs ?? [{ job: '(pipeline)', steps: pipeline.steps ?? [] }] }];
  for (const container of pipeline.resources?.containers ?? []) {
    if (!container.image || !pinnedImage(container.image)) findings.push(`resources.containers ${container.container}: image ${container.image} is not pinned to a tag`);
  }
  for (const stage of stages) {
    for (const job of stage.jobs ?? []) {
      const name = job.job ?? job.deployment ?? '?';
      const image = typeof job.container === 'string' ? job.container : job.container?.image;
      // A job container names either a resource (no colon or slash) or an image.
      if (image !== undefined && /[:/]/.test(image) && !pinnedImage(image)) findings.push(`${name}: container image ${image} is not pinned to a tag`);
      if (image !== undefined && !/[:/]/.test(image) && !(pipeline.resources?.containers ?? []).some((candidate) => candidate.container === image)) {
        findings.push(`${name}: container image ${image} is not pinned to a tag`);
      }
      const steps = job.steps ?? job.strategy?.runOnce?.deploy?.steps ?? [];
      for (const step of steps) {
        if (step.task !== undefined && !/^[A-Za-z0-9_.-]+@\d+$/.test(step.task)) findings.push(`${name}: task ${step.task} is not pinned to a major version`);
        if (step.checkout !== undefined && String(step.persistCredentials) === 'true') findings.push(`${name}: the checkout keeps the job token (persistCredentials: true) though nothing pushes`);
        if (federated(step) && !excludesPullRequests(stage.condition) && !excludesPullRequests(job.condition)) {
          findings.push(`${name}: a service connection is reachable from pull request builds (no ne(variables['Build.Reason'], 'PullRequest') condition)`);
        }
        for (const [key, value] of Object.entries(step.env ?? {})) {
          if (/^SYSTEM_ACCESSTOKEN$/i.test(key) || /\$\(System\.AccessToken\)/.test(String(value))) findings.push(`${name}: the job token is handed to a script`);
          if (storedCloudKey.test(key) || storedCloudKey.test(String(value))) findings.push(`${name}: a long-lived cloud key is passed to a step (${key})`);
        }
        const script = scriptOf(step);
        if (script === undefined) continue;
        const macro = untrustedMacro.exec(script);
        if (macro) findings.push(`${name}: untrusted run data expanded inside a script: ${macro[0]} (map it through env: and read $VAR)`);
        const expression = untrustedExpression.exec(script);
        if (expression) findings.push(`${name}: untrusted data expanded inside a script by an expression: ${expression[0]}`);
        for (const match of script.matchAll(/\$\(([A-Za-z_][\w.]*)\)/g)) {
          if (secretName.test(match[1])) findings.push(`${name}: the secret ${match[1]} is expanded into the script text (map it through env:)`);
        }
        for (const line of script.split('\n')) {
          // Piped into a command or written to a file is not printed; to stdout or stderr is.
          const printed = /^\s*(echo|printf|cat)\b/.test(line) && !/\|/.test(line) && !/>\s*[^&\s]/.test(line) && /\$\{?[A-Za-z_]*(PASSWORD|SECRET|TOKEN|PRIVATE_KEY)[A-Za-z_]*\}?/i.test(line);
          if (printed) findings.push(`${name}: a secret is printed to the log: ${line.trim()}`);
        }
        if (/(^|[\s"'])[\w./-]+:latest\b/.test(script)) findings.push(`${name}: an image tagged latest`);
        if (storedCloudKey.test(script)) findings.push(`${name}: a long-lived cloud key in a script`);
      }
    }
  }
  return findings;
};
