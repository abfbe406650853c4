/** The pure planning core: config -> stack model -> the files to write. No I/O, no Yeoman. */
import { areas } from '../areas/index.js';
import { UsageError } from '../errors.js';
import { derive } from '../model/derive.js';
import type { StackModel } from '../model/types.js';
import { byPath } from '../order.js';
import type { Area, Config, PlannedFile } from './types.js';

const chosenAreas = (only: readonly string[] | undefined): readonly Area[] => {
  const unknown = only?.filter((name) => !areas.some((area) => area.name === name)) ?? [];
  if (unknown.length > 0) {
    throw new UsageError('area', `unknown area ${unknown.join(', ')}; known areas are ${areas.map((area) => area.name).join(', ')}`);
  }
  return only ? areas.filter((area) => only.includes(area.name)) : areas;
};

/**
 * Plans the chosen areas (all by default), sorted by path. Only the chosen areas are planned, except that an
 * area describing the others (docs) sees every other area's files, so `phase4 docs` alone documents the same
 * set as a full run.
 */
export const planModel = (model: StackModel, only?: readonly string[]): PlannedFile[] => {
  const chosen = chosenAreas(only);
  const describers = chosen.filter((area) => area.describesOtherFiles);
  const producers = describers.length > 0 ? areas.filter((area) => !area.describesOtherFiles) : chosen;
  const produced = producers.map((area) => ({ area, files: area.plan(model, { otherFiles: [] }) }));
  const everyProduced = produced.flatMap(({ files }) => files);
  const files = [
    ...produced.filter(({ area }) => chosen.includes(area)).flatMap(({ files }) => files),
    ...describers.flatMap((area) => area.plan(model, { otherFiles: everyProduced })),
  ];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`internal: two areas plan ${file.path}`);
    seen.add(file.path);
  }
  return files.sort(byPath);
};

export const plan = (config: Config, only?: readonly string[]): PlannedFile[] => planModel(derive(config), only);

/** The next steps of the chosen areas (all by default), in area order, without repeats. */
export const nextStepsOf = (model: StackModel, only?: readonly string[]): string[] => [
  ...new Set(chosenAreas(only).flatMap((area) => area.nextSteps?.(model) ?? [])),
];

export const nextSteps = (config: Config, only?: readonly string[]): string[] => nextStepsOf(derive(config), only);

/** The options the chosen areas read: what `phase4 <area>` asks for and requires. */
export const optionsRead = (only?: readonly string[]): Set<string> => new Set(chosenAreas(only).flatMap((area) => area.reads));
