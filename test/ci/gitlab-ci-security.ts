/**
 * Pipeline-security checks of a .gitlab-ci.yml, beyond its schema: no untrusted data (commit messages, merge
 * request titles, branch names, component inputs) in a script, every image and service pinned to a version,
 * no long-lived cloud keys or personal tokens, identity tokens only on jobs that push or deploy and never
 * reachable from merge request pipelines, deploys only from protected branches, production behind a
 * blocking manual job. Also a small evaluator of GitLab's `rules:if` expressions, for the rules tests.
 */
import { gitlabJobs, parseGitlab } from './normalise/gitlab-ci.js';

type Hash = Record<string, unknown>;
const isHash = (value: unknown): value is Hash => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Predefined variables an outsider controls: a shell that expands them runs what they wrote. */
const untrustedVariables =
  /\$\{?(CI_COMMIT_MESSAGE|CI_COMMIT_TITLE|CI_COMMIT_DESCRIPTION|CI_COMMIT_TAG_MESSAGE|CI_COMMIT_AUTHOR|CI_COMMIT_REF_NAME|CI_COMMIT_REF_SLUG|CI_COMMIT_BRANCH|CI_COMMIT_TAG|CI_MERGE_REQUEST_TITLE|CI_MERGE_REQUEST_DESCRIPTION|CI_MERGE_REQUEST_SOURCE_BRANCH_NAME|CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME)\b/;

/** Variables that hold long-lived cloud keys, or tokens broader than the job's own. */
const longLivedKeys = /\b(AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|GOOGLE_APPLICATION_CREDENTIALS|GCP_SERVICE_ACCOUNT_KEY|GOOGLE_CREDENTIALS|AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|AZURE_CREDENTIALS)\b/;
const broadTokens = /\b(GITLAB_TOKEN|PRIVATE_TOKEN|PRIVATE-TOKEN|CI_DEPLOY_PASSWORD|GL_TOKEN|PERSONAL_ACCESS_TOKEN)\b/;

/** Jobs that neither push nor deploy: they need no identity token and no registry credentials. */
const gateJob = /^(lint|check|test|image-test|audit|scan)-/;

const imageName = (image: unknown): string | undefined => (typeof image === 'string' ? image : isHash(image) ? String(image.name) : undefined);

const pinned = (image: string) => /@sha256:[0-9a-f]{64}$/.test(image) || (/^[^\s:@]+(:\d+)?\/?[^\s:@]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(image) && !/:latest$/.test(image));

const scriptLines = (job: Hash) =>
  ['before_script', 'script', 'after_script'].flatMap((key) => [job[key] ?? []].flat(10).flatMap((line) => String(line).split('\n')));

/** Each rule's `if` that lets the job run (a rule with `when: never` excludes, it does not admit). */
const admittingRules = (job: Hash): (string | undefined)[] | undefined =>
  Array.isArray(job.rules) ? job.rules.filter((rule) => isHash(rule) && rule.when !== 'never').map((rule) => (isHash(rule) && typeof rule.if === 'string' ? rule.if : undefined)) : undefined;

/** Whether every way the job can run excludes merge request pipelines (no `CI_COMMIT_BRANCH` there). */
const neverInMergeRequests = (job: Hash) => {
  const rules = admittingRules(job);
  return rules !== undefined && rules.length > 0 && rules.every((condition) => condition !== undefined && /\$CI_COMMIT_BRANCH ==|\$CI_PIPELINE_SOURCE != "merge_request_event"/.test(condition));
};

const onlyProtected = (job: Hash) => {
  const rules = admittingRules(job);
  return rules !== undefined && rules.length > 0 && rules.every((condition) => condition !== undefined && /\$CI_COMMIT_REF_PROTECTED == "true"/.test(condition));
};

export const gitlabFindings = (text: string, production = 'production'): string[] => {
  const findings: string[] = [];
  const pipeline = parseGitlab(text);
  const jobs = gitlabJobs(text);
  const defaults = isHash(pipeline.default) ? pipeline.default : {};
  for (const image of [defaults.image, pipeline.image, ...[defaults.services ?? []].flat(), ...[pipeline.services ?? []].flat()]) {
    const name = imageName(image);
    if (name && !pinned(name)) findings.push(`default: ${name} is not pinned to a version`);
  }
  for (const [id, job] of jobs) {
    for (const image of [job.image, ...[job.services ?? []].flat()]) {
      const name = imageName(image);
      if (name !== undefined && !pinned(name)) findings.push(`${id}: ${name} is not pinned to a version`);
    }
    for (const line of scriptLines(job)) {
      if (untrustedVariables.test(line)) findings.push(`${id}: untrusted data expanded inside a shell: ${untrustedVariables.exec(line)![0]}`);
      if (/\$\[\[/.test(line)) findings.push(`${id}: an input interpolated into a script by template: ${line.trim()}`);
      if (broadTokens.test(line)) findings.push(`${id}: ${broadTokens.exec(line)![0]} is broader than the job token or an OIDC identity`);
      if (/\bCI_(JOB_TOKEN|REGISTRY_PASSWORD)\b/.test(line) && gateJob.test(id)) findings.push(`${id}: uses the job token though it pushes nothing`);
    }
    const everything = JSON.stringify({ variables: job.variables, scripts: scriptLines(job) });
    if (longLivedKeys.test(everything)) findings.push(`${id}: long-lived cloud credentials (${longLivedKeys.exec(everything)![0]}) instead of an OIDC identity`);
    const tokens = isHash(job.id_tokens) ? Object.keys(job.id_tokens) : [];
    if (tokens.length > 0 && gateJob.test(id)) findings.push(`${id}: asks for id tokens (${tokens.join(', ')}) though it neither pushes nor deploys`);
    if (tokens.length > 0 && !neverInMergeRequests(job)) findings.push(`${id}: its id tokens are reachable from merge request pipelines`);
    const environment = isHash(job.environment) ? job.environment : typeof job.environment === 'string' ? { name: job.environment } : undefined;
    const deploys = environment !== undefined && (environment.action === undefined || environment.action === 'start');
    if (deploys || /^build-/.test(id)) {
      if (!onlyProtected(job)) findings.push(`${id}: may run on an unprotected ref (its rules must require $CI_COMMIT_REF_PROTECTED == "true")`);
      if (!neverInMergeRequests(job)) findings.push(`${id}: may run in a merge request pipeline`);
    }
    if (deploys && environment!.name === production) {
      const rule = (admittingRules(job) ?? []).length > 0 ? (job.rules as Hash[]).find((candidate) => candidate.when !== 'never') : job;
      if (!(rule?.when === 'manual' && rule.allow_failure === false)) findings.push(`${id}: production must be a blocking manual job (when: manual, allow_failure: false)`);
      if (!job.resource_group) findings.push(`${id}: no resource_group: two deploys could run at once`);
    }
  }
  return findings;
};

// ---------------------------------------------------------------- rules:if

/** Evaluates one `rules:if` / `workflow:rules:if` expression against a set of variables, as GitLab does. */
export const evaluateIf = (expression: string, variables: Record<string, string | undefined>): boolean => {
  const tokens = expression.match(/\(|\)|&&|\|\||==|!=|=~|!~|"[^"]*"|'[^']*'|\/(?:\\.|[^/])*\/[a-z]*|\$\{?\w+\}?|null/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const value = (token: string): string | RegExp | undefined => {
    if (token.startsWith('$')) {
      const found = variables[token.replace(/^\$\{?|\}$/g, '')];
      return found === '' ? undefined : found;
    }
    if (token === 'null') return undefined;
    if (token.startsWith('/')) {
      const end = token.lastIndexOf('/');
      return new RegExp(token.slice(1, end), token.slice(end + 1));
    }
    return token.slice(1, -1);
  };
  const primary = (): boolean => {
    const token = tokens[position++];
    if (token === '(') {
      const result = or();
      position++; // ')'
      return result;
    }
    const left = value(token);
    const operator = peek();
    if (!['==', '!=', '=~', '!~'].includes(operator ?? '')) return left !== undefined;
    position++;
    const right = value(tokens[position++]);
    if (operator === '==') return left === right;
    if (operator === '!=') return left !== right;
    const matches = right instanceof RegExp && left !== undefined && typeof left === 'string' && right.test(left);
    return operator === '=~' ? matches : !matches;
  };
  const and = (): boolean => {
    let result = primary();
    while (peek() === '&&') {
      position++;
      result = primary() && result;
    }
    return result;
  };
  const or = (): boolean => {
    let result = and();
    while (peek() === '||') {
      position++;
      result = and() || result;
    }
    return result;
  };
  return or();
};

/** The first rule that matches decides: `when` of that rule (default on_success), or undefined when none matches. */
export const ruleOutcome = (rules: unknown, variables: Record<string, string | undefined>): string | undefined => {
  if (!Array.isArray(rules)) return 'on_success';
  for (const rule of rules) {
    if (!isHash(rule)) continue;
    if (rule.if === undefined || evaluateIf(String(rule.if), variables)) return String(rule.when ?? 'on_success');
  }
  return undefined;
};
