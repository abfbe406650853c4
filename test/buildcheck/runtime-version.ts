/**
 * The runtime-version rule: every stage whose FROM names an image of a language (node, oven/bun, python,
 * golang, a JDK/JRE, maven, gradle) must satisfy every runtime constraint the project declares for that
 * language. Stages built FROM an earlier stage share its image and are covered by its FROM line.
 */
import { imageRuntime } from './images.js';
import type { Project } from './project.js';
import type { Simulation, SimStage } from './simulate.js';
import { type BuildProblem, problem } from './types.js';
import { compareGo, lowestGo, satisfiesPep440, satisfiesSemver } from './versions.js';

/** Whether any stage built on `root` runs Gradle. */
const runsGradle = (sim: Simulation, root: SimStage): boolean =>
  sim.runs.some((step) => {
    let stage: SimStage | undefined = step.stage;
    while (stage && stage !== root) stage = stage.parent;
    return stage === root && step.record.commands.some((command) => /(^|\/)gradlew?$/.test(command.words[0]));
  });

export const runtimeVersionProblems = (sim: Simulation, project: Project): BuildProblem[] => {
  const problems: BuildProblem[] = [];
  for (const stage of sim.stages) {
    if (stage.parent) continue;
    const runtime = imageRuntime(stage.image);
    if (!runtime) continue;
    const { language } = runtime;
    // A tag that names part of a version floats over the releases below it, and must hold for all of them.
    const version = language !== 'java' && runtime.version.split('.').length < 3 ? `${runtime.version}.x` : runtime.version;
    const at = (message: string) => problems.push(problem('runtime-version', stage.line, `FROM ${stage.image} (line ${stage.line}, stage ${stage.label}): ${message}`));
    if (language === 'node' || language === 'bun') {
      for (const declared of project[language]) {
        const ok = satisfiesSemver(runtime.version, declared.spec);
        if (ok === false) at(`${language === 'node' ? 'Node' : 'Bun'} ${version} does not satisfy ${declared.source}`);
      }
    }
    if (language === 'python') {
      for (const declared of project.python) {
        const ok = satisfiesPep440(runtime.version, declared.spec);
        if (ok === false) at(`Python ${version} does not satisfy ${declared.source}`);
      }
    }
    if (language === 'go') {
      const lowest = lowestGo(runtime.version);
      for (const declared of project.go) {
        if (compareGo(lowest, declared.spec) >= 0) continue;
        at(
          declared.line === 'go'
            ? `Go ${version} is older than ${declared.source}; the go command would download a newer toolchain at build time (or fail with GOTOOLCHAIN=local)`
            : `Go ${version} is older than ${declared.source}; the go command would download that toolchain at build time (or fail with GOTOOLCHAIN=local)`,
        );
      }
    }
    if (language === 'java') {
      const java = Number(runtime.version);
      const gradle = runsGradle(sim, stage);
      for (const declared of project.java) {
        if (java < declared.release) at(`Java ${java} is older than ${declared.source}`);
        else if (declared.exact && gradle && java !== declared.release) {
          at(`Gradle runs here with Java ${java}, but ${declared.source} asks for a Java ${declared.release} toolchain, which Gradle would have to download at build time (or fail)`);
        }
      }
    }
  }
  return problems;
};
