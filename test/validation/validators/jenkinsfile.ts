import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTool, type ToolResult } from '../../helpers/tools.js';
import { unreadableFiles } from './actionlint.js';
import { firstString, groovyTree, type Statement, statementName } from './groovy-scan.js';
import { uniqueByContent, type Validator } from './types.js';

const isJenkinsfile = (file: string) => /(^|\/)Jenkinsfile$/.test(file);

interface LintFinding {
  line?: number | string;
  rule: string;
  severity: string;
  msg: string;
}

/**
 * What one `npm-groovy-lint --output json` run over `copies` (the temp copy of each Jenkinsfile, in the
 * order of `files`) says, mapped back to the original files: its errors, or the run itself as a problem when
 * it did not end the way the tool ends (JSON on stdout that lints every copy; exit status 0 without an error,
 * 1 with at least one). Warnings and infos (CodeNarc style rules) are not failures: `--failon error`.
 */
export const groovyLintFindings = (files: string[], copies: string[], result: Pick<ToolResult, 'status' | 'stdout' | 'output'>): string[] => {
  const broken = (why: string) => [`npm-groovy-lint ${why} (exit status ${result.status}) over ${files.join(' ')}:\n${result.output}`];
  let report: { summary?: { totalFilesLinted?: unknown }; files?: Record<string, { errors?: LintFinding[] }> };
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return broken('printed no JSON');
  }
  if (!report || typeof report !== 'object' || !report.files || typeof report.files !== 'object' || !report.summary) {
    return broken('printed JSON that is not its report');
  }
  if (report.summary.totalFilesLinted !== copies.length) return broken(`linted ${String(report.summary.totalFilesLinted)} files, not ${copies.length}`);
  const original = new Map(copies.map((copy, index) => [path.resolve(copy), files[index]]));
  const problems: string[] = [];
  for (const [linted, { errors = [] }] of Object.entries(report.files)) {
    const file = original.get(path.resolve(linted));
    if (!file) return broken(`reported a file it was not given: ${linted}`);
    for (const finding of errors) {
      if (finding.severity === 'error') problems.push(`${file}:${finding.line ?? 0} ${finding.rule}: ${finding.msg.trim()}`);
    }
  }
  if ((result.status === 0 && problems.length === 0) || (result.status === 1 && problems.length > 0)) return problems;
  return [...broken(problems.length > 0 ? 'failed' : 'failed without an error'), ...problems];
};

/**
 * npm-groovy-lint 16.2.0 (CodeNarc and Groovy's parser) over every Jenkinsfile in one run: a JVM start costs
 * ~9 s. Each file is copied into its own numbered folder of one temp folder, which is linted once; findings
 * are mapped back. `--noserver` leaves no CodeNarc server running.
 */
export const groovyLint: Validator = {
  name: 'npm-groovy-lint',
  applies: isJenkinsfile,
  ci: ['jenkins'],
  mustReject: { path: 'Jenkinsfile', contents: "pipeline {\n  agent any\n  stages {\n    stage('Build') {\n      steps {\n        sh 'make'\n      }\n  }\n}\n" },
  check: (all) => {
    const unreadable = unreadableFiles('npm-groovy-lint', all);
    if (unreadable.length > 0) return unreadable;
    // Identical files (matrix cases that differ elsewhere) are linted once.
    const files = uniqueByContent(all);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'phase4-groovy-lint-'));
    try {
      const copies = files.map((file, index) => {
        const copy = path.join(dir, String(index + 1), 'Jenkinsfile');
        mkdirSync(path.dirname(copy));
        copyFileSync(file, copy);
        return copy;
      });
      const result = runTool('npm-groovy-lint', ['--noserver', '--failon', 'error', '--output', 'json', dir], { cwd: dir, timeout: 600_000 });
      return groovyLintFindings(files, copies, result);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The sections and directives that a declarative `pipeline { }` and a `stage { }` may hold. */
const pipelineDirectives = new Set(['agent', 'environment', 'options', 'parameters', 'triggers', 'tools', 'libraries', 'stages', 'post']);
const stageDirectives = new Set(['agent', 'environment', 'input', 'options', 'when', 'tools', 'steps', 'stages', 'parallel', 'matrix', 'post', 'failFast']);
/** Steps that change something outside Jenkins: in a production stage, the approval must come before them. */
const actingSteps = new Set(['sh', 'bat', 'powershell', 'pwsh', 'build', 'kubernetesDeploy', 'withKubeConfig']);
const isProduction = (name: string) => /\bprod(uction)?\b/i.test(name);

/** Every statement of a block and of its nested blocks, in source order. */
const flatten = (statements: Statement[]): Statement[] => statements.flatMap((statement) => [statement, ...(statement.block ? flatten(statement.block) : [])]);

const hasSubmitter = (statement: Statement) =>
  [...statement.tokens, ...flatten(statement.block ?? []).flatMap((inner) => inner.tokens)].some((token) => token.kind === 'ident' && token.text === 'submitter');

/**
 * Whether a stage asks a named approver before it acts: an `input { ... submitter ... }` directive (Jenkins
 * runs it before the stage's steps), or an `input` step with a `submitter` before its first acting step.
 */
const approvedBeforeActing = (stage: Statement): boolean => {
  const body = stage.block ?? [];
  const directive = body.find((statement) => statementName(statement) === 'input' && statement.block);
  if (directive) return hasSubmitter(directive);
  const steps = body.find((statement) => statementName(statement) === 'steps' && statement.block);
  if (!steps) return false;
  for (const statement of flatten(steps.block!)) {
    const name = statementName(statement);
    if (name === 'input') return hasSubmitter(statement);
    if (actingSteps.has(name)) return false;
  }
  return false;
};

const stageLabel = (file: string, stage: Statement) => `${file}:${stage.line} stage('${firstString(stage) ?? '?'}')`;

/** The structural problems of one declarative Jenkinsfile's text. */
export const jenkinsfileStructureProblems = (file: string, source: string): string[] => {
  const tree = groovyTree(source);
  if (tree.errors.length > 0) return tree.errors.map((error) => `${file}: ${error}`);
  const pipelines = tree.statements.filter((statement) => statementName(statement) === 'pipeline' && statement.tokens.length === 1 && statement.block);
  if (pipelines.length !== 1) return [`${file}: ${pipelines.length} top-level 'pipeline {' blocks; a declarative Jenkinsfile has one`];
  const pipeline = pipelines[0].block!;
  const problems: string[] = [];
  for (const statement of pipeline) {
    const name = statementName(statement);
    if (!pipelineDirectives.has(name)) problems.push(`${file}:${statement.line} '${name || statement.tokens[0]?.text}' is not a section or directive of pipeline { }`);
  }
  if (!pipeline.some((statement) => statementName(statement) === 'agent')) problems.push(`${file}: pipeline { } has no agent directive`);
  const stagesBlocks = pipeline.filter((statement) => statementName(statement) === 'stages' && statement.block);
  if (stagesBlocks.length !== 1) problems.push(`${file}: pipeline { } has ${stagesBlocks.length} stages { } sections, not one`);

  /** `stages { }` or `parallel { }`: stage blocks only, at least one. */
  const checkStages = (stages: Statement, production: boolean, approvedAbove: boolean, where: string) => {
    const list = stages.block ?? [];
    const stageList = list.filter((statement) => statementName(statement) === 'stage' && statement.block);
    if (stageList.length === 0) problems.push(`${where} holds no stage(...) { }`);
    for (const statement of list) {
      if (statementName(statement) !== 'stage' || !statement.block) {
        problems.push(`${file}:${statement.line} only stage('...') { } blocks belong in ${statementName(stages)} { }`);
      }
    }
    for (const stage of stageList) checkStage(stage, production, approvedAbove);
  };

  /** A stage under a production stage is production too; an approval on a stage covers the stages under it. */
  const checkStage = (stage: Statement, productionAbove: boolean, approvedAbove: boolean) => {
    const label = stageLabel(file, stage);
    const name = firstString(stage);
    if (name === undefined || name.trim() === '') problems.push(`${label} has no name`);
    const body = stage.block ?? [];
    for (const statement of body) {
      const directive = statementName(statement);
      if (!stageDirectives.has(directive)) problems.push(`${file}:${statement.line} '${directive || statement.tokens[0]?.text}' is not a section or directive of stage { }`);
    }
    const kinds = body.filter((statement) => ['steps', 'stages', 'parallel', 'matrix'].includes(statementName(statement)) && statement.block);
    if (kinds.length !== 1) {
      problems.push(`${label} has ${kinds.length === 0 ? 'none' : kinds.map(statementName).join(' and ')} of steps, stages, parallel and matrix: it needs exactly one`);
    }
    const production = productionAbove || isProduction(name ?? '');
    const approved = approvedAbove || approvedBeforeActing(stage);
    for (const kind of kinds) {
      const what = statementName(kind);
      if (what === 'steps') {
        if (production && !approved) problems.push(`${label} deploys to production without an input step or input { } directive with a submitter before it acts`);
      } else if (what === 'matrix') {
        const inner = (kind.block ?? []).find((statement) => statementName(statement) === 'stages' && statement.block);
        if (inner) checkStages(inner, production, approved, `${label} matrix`);
        else problems.push(`${label} matrix { } has no stages { }`);
      } else {
        checkStages(kind, production, approved, `${label} ${what}`);
      }
    }
  };

  for (const stages of stagesBlocks) checkStages(stages, false, false, `${file}:${stages.line} stages { }`);
  return problems;
};

/**
 * The declarative structure that npm-groovy-lint does not check (`agnet any` passes it): one top-level
 * `pipeline {` with an agent, known sections and directives only, `stages { }` with at least one stage, each
 * stage with exactly one of steps/stages/parallel/matrix, and every production stage gated by an `input` with
 * a `submitter` before it acts. It reads the file with a brace- and quote-aware scanner (groovy-scan.ts).
 */
export const jenkinsfileStructure: Validator = {
  name: 'jenkinsfile-structure',
  applies: isJenkinsfile,
  ci: ['jenkins'],
  mustReject: {
    path: 'Jenkinsfile',
    contents: "pipeline {\n  agnet any\n  stages {\n    stage('Deploy production') {\n      steps {\n        sh './deploy.sh production'\n      }\n    }\n  }\n}\n",
  },
  check: (files) => {
    const unreadable = unreadableFiles('jenkinsfile-structure', files);
    if (unreadable.length > 0) return unreadable;
    return files.flatMap((file) => jenkinsfileStructureProblems(file, readFileSync(file, 'utf8')));
  },
};
