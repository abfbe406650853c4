/**
 * Jenkins: a declarative pipeline's stages run in order; parallel children share the stage before them. The
 * leaf stages are named by canonical id; the environment is the one its enclosing stage locks
 * (`lock(resource: '<project>-deploy-<env>')`); the approval is an `input { submitter ... }` on the stage or
 * one above it; digests arrive by `unstash 'digest-...'`. Jenkins has no OIDC issuer: no job has a token.
 */
import { firstString, groovyTree, type Statement, statementName } from '../../validation/validators/groovy-scan.js';
import type { NormalJob, Normaliser } from './types.js';

const jenkinsfile = 'Jenkinsfile';

const flatten = (statements: Statement[]): Statement[] => statements.flatMap((statement) => [statement, ...(statement.block ? flatten(statement.block) : [])]);

const child = (body: Statement[], name: string) => body.find((statement) => statementName(statement) === name && statement.block);

/** The string argument of a named parameter in a statement (`resource: '...'`). */
const namedString = (statement: Statement, name: string): string | undefined => {
  const index = statement.tokens.findIndex((token, at) => token.kind === 'ident' && token.text === name && statement.tokens[at + 1]?.text === ':');
  const value = index >= 0 ? statement.tokens[index + 2] : undefined;
  return value?.kind === 'string' ? value.text : undefined;
};

/** The shell lines of `sh` steps among statements, in order (comments and blank lines left out). */
export const shellLines = (statements: Statement[]): string[] =>
  flatten(statements)
    .filter((statement) => statementName(statement) === 'sh')
    .flatMap((statement) => {
      const script = namedString(statement, 'script') ?? firstString(statement) ?? '';
      return script.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    });

/** The pipeline's `stages { }` block, or a failure that names what is missing. */
export const pipelineStages = (text: string): Statement[] => {
  const tree = groovyTree(text);
  if (tree.errors.length > 0) throw new Error(`Jenkinsfile does not scan: ${tree.errors.join('; ')}`);
  const pipeline = tree.statements.find((statement) => statementName(statement) === 'pipeline' && statement.block);
  const stages = pipeline && child(pipeline.block!, 'stages');
  if (!stages) throw new Error('Jenkinsfile has no pipeline { stages { } }');
  return stages.block!.filter((statement) => statementName(statement) === 'stage' && statement.block);
};

export const jenkins: Normaliser = {
  files: [jenkinsfile],
  oidc: false,
  read: (files) => {
    const jobs: NormalJob[] = [];
    interface Context {
      environment?: string;
      approval?: string;
    }
    /** Visits one stage that starts after `after`; returns the jobs that end it. */
    const visitStage = (stage: Statement, after: string[], context: Context): string[] => {
      const body = stage.block ?? [];
      const name = firstString(stage) ?? '';
      const options = child(body, 'options');
      const lock = options && flatten(options.block!).find((statement) => statementName(statement) === 'lock');
      const resource = lock && (namedString(lock, 'resource') ?? firstString(lock));
      const input = child(body, 'input');
      const submitter = input && flatten(input.block!).find((statement) => statementName(statement) === 'submitter');
      const here: Context = {
        environment: resource?.includes('-deploy-') ? resource.slice(resource.lastIndexOf('-deploy-') + '-deploy-'.length) : context.environment,
        approval: submitter ? `input of stage '${name}' (submitter ${firstString(submitter)})` : context.approval,
      };
      const stages = child(body, 'stages');
      const parallel = child(body, 'parallel');
      const nested = (block: Statement) => block.block!.filter((statement) => statementName(statement) === 'stage' && statement.block);
      if (stages) return nested(stages).reduce((previous, inner) => visitStage(inner, previous, here), after);
      if (parallel) return nested(parallel).flatMap((inner) => visitStage(inner, after, here));
      const steps = child(body, 'steps')?.block ?? [];
      const post = child(body, 'post')?.block ?? [];
      jobs.push({
        id: name,
        after,
        environment: here.environment,
        approval: here.approval,
        commands: [...shellLines(steps), ...shellLines(post)],
        oidc: false,
        digests: flatten(steps).some((statement) => statementName(statement) === 'unstash' && (firstString(statement) ?? '').startsWith('digest')),
      });
      return [name];
    };
    pipelineStages(files.get(jenkinsfile)!).reduce((previous, stage) => visitStage(stage, previous, {}), [] as string[]);
    return { jobs };
  },
};
