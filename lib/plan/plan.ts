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
 * Stops a run that asks only for areas these answers give nothing to do (`phase4 helm` with orchestration
 * kustomize). A longer list (a scaffold without one area) plans the others.
 */
const checkAvailable = (model: StackModel, only: readonly string[] | undefined): void => {
  if (!only) return;
  const reasons = chosenAreas(only).map((area) => area.unavailable?.(model.config));
  const first = reasons[0];
  if (first && reasons.every((reason) => reason !== undefined)) throw new UsageError(first.option, first.fix);
};

/**
 * Plans the chosen areas (all by default), sorted by path. Only the chosen areas are planned, except that an
 * area reading the others' files (ci lints them, docs lists them) sees the files of every area before it,
 * so `phase4 ci` or `phase4 docs` alone sees the same set as a full run.
 */
export const planModel = (model: StackModel, only?: readonly string[]): PlannedFile[] => {
  checkAvailable(model, only);
  const chosen = chosenAreas(only);
  const needsOthers = chosen.some((area) => area.describesOtherFiles);
  const planned: { area: Area; files: PlannedFile[] }[] = [];
  for (const area of needsOthers ? areas : chosen) {
    const otherFiles = area.describesOtherFiles ? planned.flatMap(({ files }) => files) : [];
    planned.push({ area, files: area.plan(model, { otherFiles }) });
  }
  const files = planned.filter(({ area }) => chosen.includes(area)).flatMap(({ files }) => files);
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
