/** Build, test and lint commands from a service's Makefile, for the steps its manifest does not name. */
import path from 'node:path';
import type { ServiceCommands } from '../catalog/service.js';
import { readText } from './repo-files.js';

const steps = ['build', 'test', 'lint'] as const;

/** Targets defined in a Makefile (`name:` at the start of a line, not a variable assignment `name :=`). */
export const makeTargets = (dir: string): Set<string> => {
  const text = readText(path.join(dir, 'Makefile')) ?? readText(path.join(dir, 'makefile')) ?? '';
  return new Set([...text.matchAll(/^([A-Za-z0-9][\w.-]*)\s*:(?!=)/gm)].map((match) => match[1]));
};

/** The commands with `make <step>` filled in where the Makefile has that target and nothing else named one. */
export const withMakeTargets = (commands: ServiceCommands, dir: string): ServiceCommands => {
  const targets = makeTargets(dir);
  const filled: ServiceCommands = { ...commands };
  for (const step of steps) {
    if (filled[step] === undefined && targets.has(step)) filled[step] = `make ${step}`;
  }
  return filled;
};
