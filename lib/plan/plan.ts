/** The pure planning core: config -> the files to write. No I/O, no Yeoman. */
import { areas } from '../areas/index.js';
import { UsageError } from '../errors.js';
import type { Config, PlannedFile } from './types.js';
import { byPath } from '../order.js';

/**
 * Plans the chosen areas (all by default), sorted by path. Areas that describe other files (docs) always
 * see the files of every area, so `phase4 docs` alone documents the same set as a full run.
 */
export const plan = (config: Config, only?: readonly string[]): PlannedFile[] => {
  const unknown = only?.filter((name) => !areas.some((area) => area.name === name)) ?? [];
  if (unknown.length > 0) {
    throw new UsageError('area', `unknown area ${unknown.join(', ')}; known areas are ${areas.map((area) => area.name).join(', ')}`);
  }
  const producers = areas.filter((area) => !area.describesOtherFiles);
  const produced = producers.flatMap((area) => area.plan(config, { otherFiles: [] }));
  const described = areas
    .filter((area) => area.describesOtherFiles)
    .flatMap((area) => area.plan(config, { otherFiles: produced }));
  const files = [...produced, ...described].filter((file) => !only || only.includes(file.area));
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`internal: two areas plan ${file.path}`);
    seen.add(file.path);
  }
  return files.sort(byPath);
};

/** The next steps of the chosen areas (all by default), in area order, without repeats. */
export const nextSteps = (config: Config, only?: readonly string[]): string[] => [
  ...new Set(areas.filter((area) => !only || only.includes(area.name)).flatMap((area) => area.nextSteps?.(config) ?? [])),
];
