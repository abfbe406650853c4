import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { runTool, type ToolResult } from '../../helpers/tools.js';
import { unreadableFiles } from './actionlint.js';
import type { Validator } from './types.js';

/** What gitlab-ci-local 4.64.0 prints on stderr on a clean run; any other line there fails. */
const quietLines = [/^parsing and downloads finished in \d+(\.\d+)? ?m?s\.?$/, /^json schema validated in \d+(\.\d+)? ?m?s\.?$/];

/** Keywords of a pipeline's top level that are not jobs. */
const globalKeywords = new Set(['stages', 'variables', 'include', 'workflow', 'default', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);

/**
 * The problems of one gitlab-ci-local run: a non-zero exit status, a signal, and any line on stderr beyond
 * its two timing lines (it reports errors and fallbacks, such as missing git data, there).
 */
export const gitlabCiLocalRunProblems = (what: string, result: Pick<ToolResult, 'status' | 'stderr' | 'output'>): string[] => {
  const unexpected = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !quietLines.some((quiet) => quiet.test(line)));
  return result.status === 0 && unexpected.length === 0 ? [] : [`${what} (exit status ${result.status}):\n${result.output}`];
};

/**
 * What `--preview` (the pipeline with includes, extends, defaults and !reference expanded) must show: at least
 * one job, and every job's stage among the declared `stages` (GitLab rejects an undeclared stage;
 * gitlab-ci-local does not check it).
 */
export const previewProblems = (what: string, preview: string): string[] => {
  let pipeline: unknown;
  try {
    pipeline = parse(preview);
  } catch (error) {
    return [`${what}: --preview printed no YAML: ${(error as Error).message}`];
  }
  if (!pipeline || typeof pipeline !== 'object' || Array.isArray(pipeline)) return [`${what}: --preview printed no pipeline:\n${preview}`];
  const entries = Object.entries(pipeline as Record<string, unknown>);
  const stagesValue = (pipeline as { stages?: unknown }).stages;
  const stages = new Set(Array.isArray(stagesValue) ? stagesValue.map(String) : ['.pre', 'build', 'test', 'deploy', '.post']);
  const jobs = entries.filter(([name, job]) => !globalKeywords.has(name) && !name.startsWith('.') && job && typeof job === 'object');
  if (jobs.length === 0) return [`${what}: the pipeline has no job`];
  return jobs.flatMap(([name, job]) => {
    const stage = String((job as { stage?: unknown }).stage ?? 'test');
    return stages.has(stage) ? [] : [`${what}: job '${name}' is in stage '${stage}', which is not in stages: [${[...stages].join(', ')}]`];
  });
};

/** Makes `dir` a git repository with one commit on main and an `origin` remote, as a GitLab checkout is. */
export const makeRepository = (dir: string, home: string): string[] => {
  const git = (...args: string[]) => runTool('git', args, { cwd: dir, env: { HOME: home, GIT_CONFIG_NOSYSTEM: '1' } });
  const steps = [
    ['init', '-q', '-b', 'main'],
    ['config', 'user.name', 'Phase4 Validator'],
    ['config', 'user.email', 'validator@example.com'],
    ['config', 'commit.gpgsign', 'false'],
    ['add', '-A'],
    ['commit', '-q', '--allow-empty', '-m', 'generated'],
    // gitlab-ci-local derives CI_PROJECT_PATH, CI_SERVER_HOST etc. from this remote, and the default branch from origin/HEAD.
    ['remote', 'add', 'origin', 'https://gitlab.example.com/acme/app.git'],
    ['update-ref', 'refs/remotes/origin/main', 'HEAD'],
    ['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main'],
  ];
  for (const step of steps) {
    const result = git(...step);
    if (result.status !== 0) return [`${dir}: git ${step.join(' ')} failed (exit status ${result.status}): ${result.output}`];
  }
  return [];
};

/**
 * gitlab-ci-local 4.64.0 (`--list` and `--preview`) over each generated repository: the folder holding the
 * `.gitlab-ci.yml` is copied whole (local includes and the scripts jobs call are relative to it) into a fresh
 * git repository, where gitlab-ci-local also writes its `.gitlab-ci-local/` state. HOME is an empty folder, so
 * no `~/.gitlab-ci-local/variables.yml` of the machine changes a result.
 */
export const gitlabCiLocal: Validator = {
  ci: ['gitlab-ci'],
  name: 'gitlab-ci-local',
  applies: (file) => file === '.gitlab-ci.yml',
  mustReject: { path: '.gitlab-ci.yml', contents: 'stages: [build, test]\nbuild:\n  stage: build\n  script: [make]\ntest:\n  needs: [compile]\n  script: [make test]\n' },
  check: (files) => {
    const unreadable = unreadableFiles('gitlab-ci-local', files);
    if (unreadable.length > 0) return unreadable;
    const wrongName = files.filter((file) => path.basename(file) !== '.gitlab-ci.yml');
    if (wrongName.length > 0) return wrongName.map((file) => `${file}: gitlab-ci-local reads .gitlab-ci.yml at a repository's root, not this file`);
    return files.flatMap((file) => {
      const source = path.dirname(file);
      const work = mkdtempSync(path.join(os.tmpdir(), 'phase4-gitlab-ci-local-'));
      try {
        const repo = path.join(work, 'repo');
        const home = path.join(work, 'home');
        mkdirSync(home);
        cpSync(source, repo, { recursive: true, filter: (entry) => !/[\\/](\.git|\.gitlab-ci-local|node_modules)$/.test(entry) });
        const setup = makeRepository(repo, home);
        if (setup.length > 0) return setup;
        const run = (flag: string) => runTool('gitlab-ci-local', [flag], { cwd: repo, env: { HOME: home, GIT_CONFIG_NOSYSTEM: '1' }, timeout: 120_000 });
        const list = run('--list');
        const listProblems = gitlabCiLocalRunProblems(`${file}: gitlab-ci-local --list`, list);
        if (listProblems.length > 0) return listProblems;
        const preview = run('--preview');
        const previewRun = gitlabCiLocalRunProblems(`${file}: gitlab-ci-local --preview`, preview);
        return previewRun.length > 0 ? previewRun : previewProblems(file, preview.stdout);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  },
};
