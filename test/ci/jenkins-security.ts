/**
 * Pipeline-security checks of a declarative Jenkinsfile, beyond what npm-groovy-lint and the structure check
 * see: no Groovy interpolation inside a shell step (branch names, titles, parameters and secrets must reach
 * scripts as environment variables, not as pasted text), every container image pinned to a version, no
 * long-lived cloud keys, credentials and privileged agents out of reach of pull requests, `agent none` at the
 * top so that untrusted code never lands on a deploy agent, and every approval restricted to its submitters.
 */
import { firstString, groovyTree, scanGroovy, type Statement, statementName, type Token } from '../validation/validators/groovy-scan.js';

const shellSteps = new Set(['sh', 'bat', 'powershell', 'pwsh']);

const flatten = (statements: Statement[]): Statement[] => statements.flatMap((statement) => [statement, ...(statement.block ? flatten(statement.block) : [])]);

const child = (body: Statement[], name: string) => body.find((statement) => statementName(statement) === name && statement.block);

const tokensOf = (statements: Statement[]): Token[] => flatten(statements).flatMap((statement) => statement.tokens);

/** Long-lived cloud keys: what the agents' own identities replace. */
const cloudKeys: [RegExp, string][] = [
  [/\bAWS_(SECRET_)?ACCESS_KEY(_ID)?\b|AmazonWebServicesCredentialsBinding|\baws \( credentialsId/, 'long-lived AWS access keys'],
  [/GOOGLE_APPLICATION_CREDENTIALS|activate-service-account|--key-file/, 'a Google Cloud service-account key'],
  [/AZURE_CLIENT_SECRET|azureServicePrincipal|az login[^\n]*(--password|\s-p\s)/, 'an Azure client secret'],
];

/** An image reference pinned to a version: a tag other than `latest`, or a digest. */
const pinned = (reference: string) => /@sha256:[0-9a-f]{64}$/.test(reference) || (/:[\w][\w.-]*$/.test(reference.slice(reference.lastIndexOf('/') + 1)) && !/:latest$/.test(reference));

/** The stage guards itself against change requests: `when { not { changeRequest() } }`. */
const excludesChangeRequests = (stage: Statement) => {
  const when = child(stage.block ?? [], 'when');
  return !!when && flatten(when.block!).some((statement) => statementName(statement) === 'not' && flatten(statement.block ?? []).some((inner) => statementName(inner) === 'changeRequest'));
};

export const jenkinsfileFindings = (text: string, untrustedLabel = 'docker'): string[] => {
  const { tokens, errors } = scanGroovy(text);
  if (errors.length > 0) return errors;
  const findings: string[] = [];

  tokens.forEach((token, index) => {
    if (token.kind !== 'ident') return;
    const previous = tokens[index - 1];
    // A shell step's arguments, up to the end of the call: no interpolated string among them.
    if (shellSteps.has(token.text) && !(previous?.kind === 'punct' && previous.text === '.')) {
      let depth = 0;
      for (let at = index + 1; at < tokens.length; at++) {
        const next = tokens[at];
        if (next.kind === 'punct' && next.text === '(') depth++;
        else if (next.kind === 'punct' && next.text === ')' && --depth <= 0) break;
        else if ((next.kind === 'newline' || (next.kind === 'punct' && ['{', '}'].includes(next.text))) && depth === 0) break;
        else if (next.kind === 'string' && next.interpolations > 0) {
          findings.push(`line ${next.line}: Groovy interpolates into the script of a ${token.text} step (pass the value as an environment variable and quote it in the shell): ${next.text.split('\n')[0]}`);
        }
      }
    }
    // `image 'x'` in a docker agent, `docker.image('x')` in a script.
    if (token.text === 'image') {
      const argument = tokens[index + 1]?.text === '(' ? tokens[index + 2] : tokens[index + 1];
      if (argument?.kind !== 'string') return;
      if (argument.interpolations > 0) findings.push(`line ${argument.line}: the image '${argument.text}' is computed at run time, so nothing pins it`);
      else if (!pinned(argument.text)) findings.push(`line ${argument.line}: the image '${argument.text}' is not pinned to a version`);
    }
  });

  const code = tokens.map((token) => token.text).join(' ');
  for (const [pattern, what] of cloudKeys) if (pattern.test(code)) findings.push(`${what}: the agents' own cloud identity must be used instead (docs/ci-cd.md)`);

  const tree = groovyTree(text);
  const pipeline = tree.statements.find((statement) => statementName(statement) === 'pipeline' && statement.block)?.block ?? [];
  const agent = pipeline.find((statement) => statementName(statement) === 'agent');
  if (!agent || agent.block || agent.tokens[1]?.text !== 'none') {
    findings.push('the top-level agent is not `none`: every stage would run where pull requests run, or pull requests where deploys run');
  }
  const environment = child(pipeline, 'environment');
  if (environment && tokensOf(environment.block!).some((token) => token.kind === 'ident' && token.text === 'credentials')) {
    findings.push('credentials() in the top-level environment: every stage, pull requests included, would hold the secret');
  }

  const visit = (stage: Statement, guarded: boolean) => {
    const body = stage.block ?? [];
    const name = firstString(stage) ?? '?';
    const safe = guarded || excludesChangeRequests(stage);
    const agentBlock = child(body, 'agent');
    const label = agentBlock && flatten(agentBlock.block!).find((statement) => statementName(statement) === 'label');
    const labelText = label && firstString(label);
    if (!safe && labelText !== undefined && labelText !== untrustedLabel) {
      findings.push(`stage '${name}' runs on the '${labelText}' agents for pull requests too: add when { not { changeRequest() } } (with beforeAgent true)`);
    }
    const credentialTokens = [...(child(body, 'environment') ? tokensOf([child(body, 'environment')!]) : []), ...tokensOf(child(body, 'steps') ? [child(body, 'steps')!] : [])];
    if (!safe && credentialTokens.some((token) => token.kind === 'ident' && (token.text === 'withCredentials' || token.text === 'credentials'))) {
      findings.push(`stage '${name}' binds credentials for pull requests too: add when { not { changeRequest() } }`);
    }
    const input = child(body, 'input');
    if (input && !flatten(input.block!).some((statement) => statementName(statement) === 'submitter')) {
      findings.push(`stage '${name}': its input names no submitter, so anyone who can see the build may approve it`);
    }
    for (const kind of ['stages', 'parallel']) {
      const nested = child(body, kind);
      for (const inner of nested?.block ?? []) if (statementName(inner) === 'stage' && inner.block) visit(inner, safe);
    }
    const steps = child(body, 'steps');
    for (const statement of flatten(steps?.block ?? [])) {
      if (statementName(statement) === 'input' && !statement.tokens.some((token) => token.kind === 'ident' && token.text === 'submitter')) {
        findings.push(`line ${statement.line}: an input step names no submitter, so anyone who can see the build may approve it`);
      }
    }
  };
  for (const stage of child(pipeline, 'stages')?.block ?? []) if (statementName(stage) === 'stage' && stage.block) visit(stage, false);
  return findings;
};
