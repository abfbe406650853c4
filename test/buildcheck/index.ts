/**
 * checkBuild: a static, strict proof that a Dockerfile could build against the repository it sits in,
 * without a Docker engine. See README.md beside this file for what each rule covers.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BuildContext } from './context.js';
import { installProblems } from './installs.js';
import { readProject } from './project.js';
import { runtimeVersionProblems } from './runtime-version.js';
import { simulate } from './simulate.js';
import { startTargetProblems } from './start-target.js';
import { toolVersionProblems } from './tool-version.js';
import { type BuildProblem, type CheckInput, problem } from './types.js';

export type { BuildProblem, CheckInput, Rule } from './types.js';

export const checkBuild = (input: CheckInput): BuildProblem[] => {
  const file = path.join(input.repo, input.dockerfile);
  if (!existsSync(file)) return [problem('parse', 0, `the Dockerfile ${input.dockerfile} does not exist`)];
  const contextRoot = path.join(input.repo, input.context);
  if (!existsSync(contextRoot) || !statSync(contextRoot).isDirectory()) {
    return [problem('copy-source', 0, `the build context ${input.context} is not a folder of the repository`)];
  }
  const context = new BuildContext(input.repo, input.context, input.dockerfile);
  const sim = simulate(readFileSync(file, 'utf8'), context);
  const project = readProject(input.repo, input.dockerfile, input.context);
  return [
    ...sim.problems,
    ...installProblems(sim.runs),
    ...runtimeVersionProblems(sim, project),
    ...toolVersionProblems(sim, project),
    ...startTargetProblems(sim, project),
  ].sort((a, b) => a.line - b.line);
};
