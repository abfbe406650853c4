import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { runTool, type ToolResult } from '../../helpers/tools.js';
import { unreadableFiles } from './actionlint.js';
import { lineOf, readPipeline } from './ci-yaml.js';
import { scanGroovy, type Token } from './groovy-scan.js';
import { inBatches, type Validator } from './types.js';

/** One shell script found in a pipeline file, with its platform template syntax already replaced. */
export interface ShellBlock {
  file: string;
  /** Where it is: `job build: script`, `jobs.build.steps[2].run`, `sh at line 12`. */
  name: string;
  line: number;
  script: string;
  /** The shell that runs it: shellcheck's `-s`; 'auto' when the script has its own `#!`. */
  shell: 'bash' | 'sh' | 'auto';
  /** The platform runs it with `set -eo pipefail` (GitLab's runner does): a failed `cd` stops it. */
  errexit?: boolean;
}

export interface Extraction {
  blocks: ShellBlock[];
  problems: string[];
}

/** What platform template syntax is replaced with before shellcheck sees it: a plain word. */
export const templateWord = 'PIPELINE_VALUE';

/** Azure Pipelines: `${{ template expressions }}`, `$[ runtime expressions ]` and `$(macro.variables)`. */
export const replaceAzureSyntax = (script: string) =>
  script
    .replace(/\$\{\{[\s\S]*?\}\}/g, templateWord)
    .replace(/\$\[[\s\S]*?\]/g, templateWord)
    .replace(/\$\([A-Za-z_][\w.-]*\)/g, templateWord);

/** CircleCI: `<< pipeline.x >>`, `<< parameters.x >>`, `<< matrix.x >>` (a heredoc `<<EOF` is left alone). */
export const replaceCircleciSyntax = (script: string) => script.replace(/<<\s*(pipeline|parameters|matrix)\.[^>]*>>/g, templateWord);

/** GitLab CI/CD component inputs: `$[[ inputs.x ]]`. */
export const replaceGitlabSyntax = (script: string) => script.replace(/\$\[\[[\s\S]*?\]\]/g, templateWord);

type YamlNode = Node | Pair | null | undefined | unknown;

const resolved = (document: Document.Parsed, node: YamlNode): YamlNode => (isAlias(node) ? node.resolve(document) : node);

const stringOf = (document: Document.Parsed, node: YamlNode): string | undefined => {
  const value = resolved(document, node);
  return isScalar(value) && value.value !== null && typeof value.value !== 'object' ? String(value.value) : undefined;
};

const mapGet = (document: Document.Parsed, node: YamlNode, key: string): YamlNode => {
  const map = resolved(document, node);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => stringOf(document, item.key) === key);
  return pair ? resolved(document, pair.value) : undefined;
};

const blockProblems = (file: string, name: string, line: number, why: string) => `${file}:${line} ${name}: ${why}`;

// ---------------------------------------------------------------- GitLab
const gitlabGlobals = new Set(['stages', 'variables', 'include', 'workflow', 'image', 'services', 'cache', 'spec']);
const gitlabScriptKeys = ['before_script', 'script', 'after_script'];

/** GitLab's script lines: a string, or a list of strings and nested lists; `!reference` items are checked where they are defined. */
const gitlabLines = (document: Document.Parsed, node: YamlNode): string[] | undefined => {
  const value = resolved(document, node);
  const text = stringOf(document, value);
  if (text !== undefined) return [text];
  if (!isSeq(value)) return undefined;
  if (value.tag === '!reference') return [];
  const lines: string[] = [];
  for (const item of value.items) {
    const inner = gitlabLines(document, item);
    if (!inner) return undefined;
    lines.push(...inner);
  }
  return lines;
};

export const gitlabShellBlocks = (file: string): Extraction => {
  const { document, problems, lineCounter } = readPipeline(file, { gitlab: true });
  if (!document || problems.length > 0) return { blocks: [], problems };
  const blocks: ShellBlock[] = [];
  const root = document.contents;
  if (!isMap(root)) return { blocks, problems: [`${file}: the pipeline is not a mapping`] };
  const add = (owner: string, key: string, node: YamlNode) => {
    const lines = gitlabLines(document, node);
    const line = lineOf(lineCounter, node as Node);
    if (!lines) problems.push(blockProblems(file, `${owner}: ${key}`, line, 'is neither a string nor a list of strings'));
    else if (lines.length > 0) blocks.push({ file, name: `${owner}: ${key}`, line, script: replaceGitlabSyntax(lines.join('\n')), shell: 'bash', errexit: true });
  };
  for (const pair of root.items) {
    const key = stringOf(document, pair.key) ?? '';
    if (gitlabGlobals.has(key)) continue;
    if (key === 'before_script' || key === 'after_script') {
      add('global', key, pair.value); // the deprecated global form
      continue;
    }
    const job = resolved(document, pair.value);
    if (!isMap(job)) continue;
    for (const scriptKey of gitlabScriptKeys) {
      const value = mapGet(document, job, scriptKey);
      if (value !== undefined) add(key === 'default' ? 'default' : `job ${key}`, scriptKey, value);
    }
  }
  return { blocks, problems };
};

// ---------------------------------------------------------------- CircleCI and Azure Pipelines: every `steps` list
const stepLists = new Set(['steps', 'pre-steps', 'post-steps']);

/** Calls `visit` for every item of every steps list in the document, with its path. */
const eachStep = (document: Document.Parsed, visit: (step: YamlNode, where: string) => void) => {
  const seen = new Set<unknown>();
  const walk = (node: YamlNode, where: string) => {
    const value = resolved(document, node);
    if (seen.has(value)) return;
    seen.add(value);
    if (isMap(value)) {
      for (const pair of value.items) {
        const key = stringOf(document, pair.key) ?? '?';
        const child = resolved(document, pair.value);
        const here = where ? `${where}.${key}` : key;
        if (stepLists.has(key) && isSeq(child)) child.items.forEach((step, index) => visit(resolved(document, step), `${here}[${index}]`));
        walk(child, here);
      }
    } else if (isSeq(value)) {
      value.items.forEach((item, index) => walk(item, `${where}[${index}]`));
    }
  };
  walk(document.contents, '');
};

export const circleciShellBlocks = (file: string): Extraction => {
  const { document, problems, lineCounter } = readPipeline(file);
  if (!document || problems.length > 0) return { blocks: [], problems };
  const blocks: ShellBlock[] = [];
  eachStep(document, (step, where) => {
    const run = mapGet(document, step, 'run');
    if (run === undefined) return;
    const command = stringOf(document, run) ?? stringOf(document, mapGet(document, run, 'command'));
    const line = lineOf(lineCounter, run as Node);
    if (command === undefined) problems.push(blockProblems(file, `${where}.run`, line, 'has no command string'));
    else blocks.push({ file, name: `${where}.run`, line, script: replaceCircleciSyntax(command), shell: 'bash' });
  });
  return { blocks, problems };
};

export const azureShellBlocks = (file: string): Extraction => {
  const { document, problems, lineCounter } = readPipeline(file);
  if (!document || problems.length > 0) return { blocks: [], problems };
  const blocks: ShellBlock[] = [];
  eachStep(document, (step, where) => {
    const label = (what: string) => `${where}.${what}${stringOf(document, mapGet(document, step, 'displayName')) ? ` (${stringOf(document, mapGet(document, step, 'displayName'))})` : ''}`;
    const add = (what: string, node: YamlNode) => {
      const script = stringOf(document, node);
      const line = lineOf(lineCounter, node as Node);
      if (script === undefined) problems.push(blockProblems(file, label(what), line, 'is not a string'));
      else blocks.push({ file, name: label(what), line, script: replaceAzureSyntax(script), shell: 'bash' });
    };
    // `script:` runs in bash on Linux and macOS agents (cmd.exe on Windows: the generated pipelines use Linux pools).
    for (const key of ['script', 'bash']) {
      const node = mapGet(document, step, key);
      if (node !== undefined) add(key, node);
    }
    const task = stringOf(document, mapGet(document, step, 'task'));
    const inputs = mapGet(document, step, 'inputs');
    const input = (name: string) => stringOf(document, mapGet(document, inputs, name));
    if (task && /^Bash@\d+$/.test(task)) {
      const targetType = input('targetType') ?? 'filePath';
      const script = mapGet(document, inputs, 'script');
      if (targetType.toLowerCase() === 'inline' || script !== undefined) add(`task ${task} inputs.script`, script);
    }
    // AzureCLI@2 with a bash inline script, and the AWS Toolkit's AWSShellScript@1 (always bash).
    if (task && /^AzureCLI@\d+$/.test(task) && input('scriptType')?.toLowerCase() === 'bash' && mapGet(document, inputs, 'inlineScript') !== undefined) {
      add(`task ${task} inputs.inlineScript`, mapGet(document, inputs, 'inlineScript'));
    }
    if (task && /^AWSShellScript@\d+$/.test(task) && input('scriptType')?.toLowerCase() === 'inline') add(`task ${task} inputs.inlineScript`, mapGet(document, inputs, 'inlineScript'));
  });
  return { blocks, problems };
};

// ---------------------------------------------------------------- Jenkinsfile
/** The script of an `sh` step whose arguments start at tokens[index]: `sh '...'`, `sh(script: "...", ...)`. */
const shArgument = (tokens: Token[], index: number): Token | undefined => {
  let position = index;
  const parenthesised = tokens[position]?.kind === 'punct' && tokens[position].text === '(';
  if (parenthesised) position++;
  while (tokens[position]?.kind === 'newline') position++;
  if (tokens[position]?.kind === 'string') return tokens[position];
  // Named arguments: find `script:` before the end of the call (the closing parenthesis, or the end of the line).
  let depth = parenthesised ? 1 : 0;
  for (; position < tokens.length; position++) {
    const token = tokens[position];
    if (token.kind === 'punct' && token.text === '(') depth++;
    if (token.kind === 'punct' && token.text === ')' && --depth <= 0 && parenthesised) return undefined;
    if (token.kind === 'newline' && depth === 0) return undefined;
    if (depth <= 1 && token.kind === 'ident' && token.text === 'script' && tokens[position + 1]?.text === ':') {
      const value = tokens[position + 2];
      return value?.kind === 'string' ? value : undefined;
    }
  }
  return undefined;
};

export const jenkinsShellBlocks = (file: string): Extraction => {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    return { blocks: [], problems: [`${file}: cannot read it: ${(error as Error).message}`] };
  }
  const { tokens, errors } = scanGroovy(source);
  if (errors.length > 0) return { blocks: [], problems: errors.map((error) => `${file}: ${error}`) };
  const blocks: ShellBlock[] = [];
  const problems: string[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== 'ident' || token.text !== 'sh') return;
    const previous = tokens[index - 1];
    if (previous?.kind === 'punct' && previous.text === '.') return; // a method of something else (`x.sh`)
    const next = tokens[index + 1];
    // A call: `sh '...'`, `sh(...)`, `sh script: ...`, `sh cmd`; not a map key (`sh:`), an assignment or a property.
    const startsCall = next && next.kind !== 'newline' && !(next.kind === 'punct' && ['=', '.', ')', ',', ':', '}', ']', '?'].includes(next.text));
    if (!startsCall) return;
    const argument = shArgument(tokens, index + 1);
    if (!argument || argument.kind !== 'string') {
      problems.push(blockProblems(file, 'sh', token.line, 'its script is not a string literal, so it cannot be checked'));
      return;
    }
    const script = argument.text;
    blocks.push({ file, name: `sh (${argument.quote} string)`, line: argument.line, script, shell: script.startsWith('#!') ? 'auto' : 'sh' });
  });
  return { blocks, problems };
};

// ---------------------------------------------------------------- shellcheck over the blocks
interface Comment {
  file: string;
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
}

/**
 * What one `shellcheck -f json1` run over the blocks' files says, reported against each block's pipeline file
 * and name; or the run itself as a problem when it did not end the way shellcheck ends: JSON with a
 * `comments` list, exit status 0 with none or 1 with some.
 */
export const shellcheckBlockFindings = (blocks: ShellBlock[], scripts: string[], result: Pick<ToolResult, 'status' | 'stdout' | 'output'>): string[] => {
  const broken = (why: string) => [`shellcheck ${why} (exit status ${result.status}) over blocks of ${[...new Set(blocks.map((block) => block.file))].join(' ')}:\n${result.output}`];
  let report: { comments?: Comment[] };
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return broken('printed no JSON');
  }
  if (!report || !Array.isArray(report.comments)) return broken('printed JSON without a comments list');
  const byScript = new Map(scripts.map((script, index) => [path.resolve(script), blocks[index]]));
  const problems: string[] = [];
  for (const comment of report.comments) {
    const block = byScript.get(path.resolve(comment.file));
    if (!block) return broken(`reported a file it was not given: ${comment.file}`);
    const offset = (block.shell === 'auto' ? 0 : 1) + (block.errexit ? 1 : 0); // the #! and `set` lines the validator added
    problems.push(`${block.file}:${block.line} ${block.name}: line ${comment.line - offset} of the script: SC${comment.code} (${comment.level}): ${comment.message}`);
  }
  if ((result.status === 0 && problems.length === 0) || (result.status === 1 && problems.length > 0)) return problems;
  return [...broken(problems.length > 0 ? 'failed' : 'failed without a finding'), ...problems];
};

const extractorFor = (file: string): ((file: string) => Extraction) | undefined => {
  if (/(^|\/)\.gitlab-ci\.yml$/.test(file)) return gitlabShellBlocks;
  if (/(^|\/)\.circleci\/config\.yml$/.test(file)) return circleciShellBlocks;
  if (/(^|\/)azure-pipelines\.yml$/.test(file)) return azureShellBlocks;
  if (/(^|\/)Jenkinsfile$/.test(file)) return jenkinsShellBlocks;
  return undefined;
};

/** Runs shellcheck (-S warning) over extracted blocks, one run per shell, and reports each finding against its block. */
export const checkShellBlocks = (blocks: ShellBlock[]): string[] => {
  if (blocks.length === 0) return [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phase4-shell-blocks-'));
  try {
    const scripts = blocks.map((block, index) => {
      const script = path.join(dir, `${String(index + 1).padStart(4, '0')}.sh`);
      const shebang = block.shell === 'auto' ? '' : block.shell === 'sh' ? '#!/bin/sh\n' : '#!/usr/bin/env bash\n';
      writeFileSync(script, `${shebang}${block.errexit ? 'set -eo pipefail\n' : ''}${block.script}\n`);
      return script;
    });
    return (['bash', 'sh', 'auto'] as const).flatMap((shell) => {
      const indexes = blocks.flatMap((block, index) => (block.shell === shell ? [index] : []));
      return inBatches(indexes).flatMap((batch) => {
        const args = ['-S', 'warning', '-f', 'json1', ...(shell === 'auto' ? [] : ['-s', shell]), ...batch.map((index) => scripts[index])];
        return shellcheckBlockFindings(
          batch.map((index) => blocks[index]),
          batch.map((index) => scripts[index]),
          runTool('shellcheck', args),
        );
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * The shell inside pipeline files, checked by shellcheck: GitLab `before_script`/`script`/`after_script` (jobs,
 * hidden jobs, `default:`), CircleCI `run:`, Azure Pipelines `script:`/`bash:`/Bash@3, AzureCLI@2 (bash) and
 * AWSShellScript@1 inline scripts, and
 * Jenkinsfile `sh` steps. Platform template syntax is replaced by a plain word first; GitHub `run:` blocks are
 * actionlint's. A pipeline file with no shell block at all is a finding: the validator would prove nothing.
 */
export const ciShellBlocks: Validator = {
  name: 'ci-shell-blocks',
  applies: (file) => extractorFor(file) !== undefined,
  ci: ['gitlab-ci', 'jenkins', 'circleci', 'azure-devops'],
  mustReject: {
    path: '.gitlab-ci.yml',
    contents: 'stages: [build]\n.base:\n  before_script:\n    - cd $CI_PROJECT_DIR/app\nbuild:\n  extends: .base\n  stage: build\n  script:\n    - rm -rf $BUILD_DIR/*\n',
  },
  check: (files) => {
    const unreadable = unreadableFiles('ci-shell-blocks', files);
    if (unreadable.length > 0) return unreadable;
    const blocks: ShellBlock[] = [];
    const problems: string[] = [];
    for (const file of files) {
      const extract = extractorFor(file);
      if (!extract) {
        problems.push(`${file}: ci-shell-blocks does not know this pipeline file`);
        continue;
      }
      const extraction = extract(file);
      problems.push(...extraction.problems);
      if (extraction.problems.length === 0 && extraction.blocks.length === 0) problems.push(`${file}: no shell block found: nothing was checked`);
      blocks.push(...extraction.blocks);
    }
    return [...problems, ...checkShellBlocks(blocks)];
  },
};
