/**
 * The tool-version rule: a package manager the Dockerfile installs (npm install -g pnpm@X, corepack prepare
 * pnpm@X, pip install uv==X / poetry==X, COPY --from=ghcr.io/astral-sh/uv:X) must satisfy what the project
 * declares (packageManager: same major for pnpm and Yarn, engines.*, [tool.uv] / uv.toml required-version,
 * requires-poetry, requires-plugins and poetry.lock's lock-version); `poetry export` needs the export
 * plugin from Poetry 2.0 on; and pnpm, Yarn 2+, Bun, uv, Poetry, PDM and Pipenv must be installed (or
 * enabled through corepack) in the stage before a RUN uses them.
 */
import path from 'node:path';
import { imageRuntime, splitImage } from './images.js';
import type { Project } from './project.js';
import type { Simulation, SimStage } from './simulate.js';
import { type BuildProblem, problem } from './types.js';
import { satisfiesPep440, satisfiesSemver, sameMajor } from './versions.js';

interface ToolInstall {
  tool: string;
  /** Undefined when the install takes whatever is latest. */
  version?: string;
  line: number;
  stage: SimStage;
  how: string;
}

const npmTools = new Set(['pnpm', 'yarn', 'npm', 'bun']);
const pythonTools = new Set(['uv', 'poetry', 'pdm', 'pipenv']);

/** Tool installs of every RUN and image copy, in Dockerfile order. */
const toolInstalls = (sim: Simulation): ToolInstall[] => {
  const installs: ToolInstall[] = [];
  for (const step of sim.runs) {
    for (const command of step.record.commands) {
      const [name, ...args] = command.words;
      const line = command.words.join(' ');
      const add = (tool: string, version: string | undefined, how: string) => installs.push({ tool, version, line: step.line, stage: step.stage, how });
      const npmGlobal = name === 'npm' && /^(install|i|add)$/.test(args.find((word) => !word.startsWith('-')) ?? '') && args.some((word) => ['-g', '--global', '--location=global'].includes(word));
      const corepack = name === 'corepack' && /^(prepare|install|use)$/.test(args[0] ?? '');
      if (npmGlobal || corepack) {
        for (const word of args) {
          const match = word.match(/^(pnpm|yarn|npm|bun)(?:@(.+))?$/);
          if (match && (match[2] || npmGlobal)) add(match[1], match[2]?.replace(/\+.*$/, ''), line);
        }
      }
      const pip = /^(pip[\d.]*|pipx)$/.test(name) || (/^python[\d.]*$/.test(name) && args[0] === '-m' && args[1] === 'pip') || (name === 'uv' && /^(tool|pip)$/.test(args[0] ?? ''));
      if (pip && args.includes('install')) {
        for (const word of args) {
          const match = word.match(/^(uv|poetry|pdm|pipenv|poetry-plugin-export)(?:\[[^\]]*\])?(?:==([\w.]+))?$/);
          if (match) add(match[1], match[2], line);
        }
      }
      if (name === 'poetry' && args[0] === 'self' && args[1] === 'add' && args.includes('poetry-plugin-export')) add('poetry-plugin-export', undefined, line);
      if (/astral\.sh\/uv\/([\d.]+)\/install/.test(line)) add('uv', line.match(/astral\.sh\/uv\/([\d.]+)\//)![1], line);
      else if (/astral\.sh\/uv\/install/.test(line)) add('uv', undefined, line);
    }
  }
  for (const copy of sim.imageCopies) {
    const { repository, tag } = splitImage(copy.image);
    const tool = repository.match(/astral-sh\/(uv)$/)?.[1] ?? (repository === 'oven/bun' ? 'bun' : undefined);
    if (tool) installs.push({ tool, version: tag.match(/^\d+(\.\d+){0,2}/)?.[0], line: copy.line, stage: copy.stage, how: `COPY --from=${copy.image}` });
  }
  return installs.sort((a, b) => a.line - b.line);
};

/** Whether `stage` is `ancestor` or built on it. */
const builtOn = (stage: SimStage | undefined, ancestor: SimStage): boolean => {
  for (let current = stage; current; current = current.parent) if (current === ancestor) return true;
  return false;
};

export const toolVersionProblems = (sim: Simulation, project: Project): BuildProblem[] => {
  const problems: BuildProblem[] = [];
  const installs = toolInstalls(sim);
  const declared = project.packageManager;
  for (const install of installs) {
    const report = (message: string) => problems.push(problem('tool-version', install.line, `line ${install.line} (\`${install.how}\`): ${message}`));
    if (!install.version) continue;
    if (declared && declared.tool === install.tool && (install.tool === 'pnpm' || install.tool === 'yarn') && !sameMajor(install.version, declared.version)) {
      report(`installs ${install.tool} ${install.version}, but ${declared.source} needs ${install.tool} ${declared.version.split('.')[0]}.x`);
    }
    for (const tool of project.tools.filter((candidate) => candidate.tool === install.tool)) {
      const ok = tool.kind === 'semver' ? satisfiesSemver(install.version, tool.spec) : satisfiesPep440(install.version, tool.spec);
      if (ok === false) report(`installs ${install.tool} ${install.version}, which does not satisfy ${tool.source}`);
    }
  }
  problems.push(...presenceProblems(sim, installs));
  return problems;
};

/** Base names of what COPY/ADD put into a stage and the stages below it (sources and destinations). */
const copiesOf = (stage: SimStage): string[] => {
  const names: string[] = [];
  for (let current: SimStage | undefined = stage; current; current = current.parent) {
    for (const write of current.fs.writes) {
      if (write.kind === 'run' || write.kind === 'mkdir') continue;
      names.push(path.posix.basename(write.dest));
      if ('source' in write) names.push(path.posix.basename(write.source));
    }
  }
  return names;
};

/** Tools a RUN uses that nothing before it in the stage chain installed, and `poetry export` without its plugin. */
const presenceProblems = (sim: Simulation, installs: ToolInstall[]): BuildProblem[] => {
  const problems: BuildProblem[] = [];
  for (const step of sim.runs) {
    const before = installs.filter((install) => install.line < step.line && builtOn(step.stage, install.stage));
    const earlierText = sim.runs.filter((other) => other.line < step.line && builtOn(step.stage, other.stage)).map((other) => other.record.text).join('\n');
    const corepack = /\bcorepack\s+enable\b/.test(earlierText);
    const copied = (tool: string) => copiesOf(step.stage).some((name) => name === tool);
    const image = imageRuntime(step.stage.image)?.language;
    for (const command of step.record.commands) {
      const tool = command.words[0];
      if (!npmTools.has(tool) && !pythonTools.has(tool)) continue;
      const shipped = (image === 'node' && (tool === 'npm' || tool === 'yarn')) || (image === 'bun' && tool === 'bun');
      const enabled = corepack && (tool === 'pnpm' || tool === 'yarn');
      const installed = before.some((install) => install.tool === tool) || new RegExp(`\\b(install|add)\\b[^\\n]*\\b${tool}\\b`).test(earlierText);
      if (!shipped && !enabled && !installed && !copied(tool) && image !== undefined) {
        problems.push(problem('tool-version', step.line, `RUN (line ${step.line}): runs ${tool}, which the ${step.stage.image} image does not ship and no earlier instruction of stage ${step.stage.label} installs`));
      }
      if (tool === 'poetry' && command.words[1] === 'export') {
        const poetry = [...before].reverse().find((install) => install.tool === 'poetry');
        const plugin = before.some((install) => install.tool === 'poetry-plugin-export') || /poetry-plugin-export/.test(step.record.text);
        const major = poetry?.version ? Number(poetry.version.split('.')[0]) : undefined;
        if (!plugin && poetry && (major === undefined || major >= 2)) {
          problems.push(problem('tool-version', step.line, `RUN (line ${step.line}): \`poetry export\` needs the poetry-plugin-export plugin with Poetry ${poetry.version ?? '2 (the latest, unpinned)'} (line ${poetry.line}), and nothing installs it`));
        }
      }
    }
  }
  return problems;
};
