/**
 * Answer resolution, lowest to highest precedence:
 *   built-in defaults < detection < stored .yo-rc.json < --answers FILE < flags < interactive prompts.
 * Every raw value is validated where it enters, so an error names its source and field.
 */
import path from 'node:path';
import { isDirectory } from '../detect/repo-files.js';
import type { Detection } from '../detect/types.js';
import { UsageError } from '../errors.js';
import type { AnyOption, Answers, OptionName } from '../catalog/option.js';
import { catalog } from '../catalog/options.js';
import { parseFlagValue, validateValue } from '../catalog/validate-value.js';
import type { AnswersFile } from './answers-file.js';

export type AnswerSource = 'default' | 'detected' | 'stored' | 'answers-file' | 'flag' | 'prompt';

export interface AnswerInputs {
  detection: Detection;
  /** The `generator-phase4` section of `.yo-rc.json`. */
  stored?: Record<string, unknown>;
  answersFile?: AnswersFile;
  /** Raw flag strings by option name (undefined when the flag was not given). */
  flags?: Partial<Record<string, string | string[] | undefined>>;
}

export interface PartialResolution {
  answers: Partial<Answers>;
  sources: Partial<Record<OptionName, AnswerSource>>;
}

const options = catalog as readonly AnyOption[];

const flagValue = (option: AnyOption, raw: string | string[]) => {
  const field = `--${option.name}`;
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return validateValue(option, parseFlagValue(option, value, field), field);
};

/** Everything the user or the repository said, without defaults and without prompting. */
export const resolveProvided = ({ detection, stored = {}, answersFile, flags = {} }: AnswerInputs): PartialResolution => {
  const answers: Record<string, unknown> = {};
  const sources: Record<string, AnswerSource> = {};
  for (const option of options) {
    const flag = flags[option.name];
    const fromFile = answersFile?.values[option.name];
    const fromStore = stored[option.name];
    if (flag !== undefined) {
      answers[option.name] = flagValue(option, flag);
      sources[option.name] = 'flag';
    } else if (fromFile !== undefined) {
      answers[option.name] = validateValue(option, fromFile, `${answersFile!.label}: ${option.name}`);
      sources[option.name] = 'answers-file';
    } else if (fromStore !== undefined) {
      answers[option.name] = validateValue(option, fromStore, `.yo-rc.json: ${option.name}`);
      sources[option.name] = 'stored';
    } else {
      const detected = option.detect?.(detection as never);
      if (detected !== undefined) {
        answers[option.name] = validateValue(option, detected, `${option.name} (detected)`);
        sources[option.name] = 'detected';
      }
    }
  }
  return { answers: answers as Partial<Answers>, sources: sources as PartialResolution['sources'] };
};

/** Names of options that no source answered, in catalog order (only those in `required`, when given). */
export const missingOptions = (resolution: PartialResolution, required?: ReadonlySet<string>): OptionName[] =>
  options
    .map((option) => option.name as OptionName)
    .filter((name) => resolution.answers[name] === undefined && (!required || required.has(name)));

/** The default for one option given the answers resolved before it. */
export const defaultFor = (option: AnyOption, answers: Partial<Answers>, detection: Detection): unknown =>
  option.default({ answers, detection } as never);

/** Services cannot be defaulted: without detected ones the user has to name them. */
export const noServicesError = (root: string) =>
  new UsageError('services', `no services were detected in ${root}; list them in an answers file (--answers) or with --services JSON`);

/**
 * Fills unanswered options with their defaults, in catalog order so defaults can build on earlier answers:
 * every option, or only those not in `keepMissing` (the options a subgenerator requires and did not get).
 */
export const fillDefaults = (resolution: PartialResolution, detection: Detection, keepMissing?: ReadonlySet<string>): PartialResolution => {
  const answers: Record<string, unknown> = { ...resolution.answers };
  const sources: Record<string, AnswerSource | undefined> = { ...resolution.sources };
  for (const option of options) {
    if (answers[option.name] !== undefined || keepMissing?.has(option.name)) continue;
    if (option.kind === 'services' && detection.services.length === 0) throw noServicesError(detection.root);
    answers[option.name] = validateValue(option, defaultFor(option, answers, detection), `${option.name} (default)`);
    sources[option.name] = 'default';
  }
  return { answers: answers as Partial<Answers>, sources: sources as PartialResolution['sources'] };
};

/**
 * Checks that span several answers or the target folder. Runs on the complete answers, before anything
 * is written.
 */
export const checkAnswers = (answers: Answers, root: string): Answers => {
  for (const option of options) {
    const problem = option.check?.(answers[option.name as OptionName] as never, answers);
    if (problem) throw new UsageError(option.name, problem);
  }
  answers.services.forEach((service, index) => {
    if (!isDirectory(path.join(root, service.path))) {
      throw new UsageError(`services[${index}].path`, `folder '${service.path}' does not exist in ${root}; fix the path or remove the service`);
    }
  });
  const production = answers.environments[answers.environments.length - 1];
  if (answers.environments.length > 1 && production !== 'production' && answers.environments.includes('production')) {
    throw new UsageError('environments', "'production' must be the last environment, since promotion runs in list order");
  }
  return answers;
};

export const requireComplete = (resolution: PartialResolution, required?: ReadonlySet<string>): Answers => {
  const missing = missingOptions(resolution, required);
  if (missing.length > 0) {
    throw new UsageError(
      'answers',
      `missing answers for ${missing.join(', ')}; pass them as flags (--${missing[0]} ...), in --answers FILE, or accept the defaults with --defaults`,
    );
  }
  return resolution.answers as Answers;
};
