/**
 * The shape of one catalog option. Prompts, CLI flags, `--help`, the answers-file JSON Schema and the
 * TypeScript answer types are all derived from values of these types, so an option is declared once.
 */
import type { Detection } from '../detect/types.js';
import type { Service } from './service.js';

/** What defaults and validation may look at: answers resolved so far and what detection found. */
export interface OptionContext {
  answers: LooseAnswers;
  detection: Detection;
}

/**
 * What callbacks inside the catalog see of the other answers. Loosely typed on purpose: the precise
 * `Answers` type is derived from the catalog itself, so the catalog cannot refer to it.
 */
export type LooseAnswers = { readonly [name: string]: any };

interface OptionBase<Name extends string, Value> {
  name: Name;
  /** One line for `--help`, the README table and the schema. */
  description: string;
  /** The question asked interactively. */
  message: string;
  default(context: OptionContext): Value;
  /** A value found in the repository; it pre-selects the prompt and counts as answered. */
  detect?(detection: Detection): Value | undefined;
  /** Cross-field check on the resolved answers; returns the problem and its fix, or undefined. */
  check?(value: Value, answers: LooseAnswers): string | undefined;
}

export interface ChoiceOption<Name extends string = string, Choice extends string = string>
  extends OptionBase<Name, Choice> {
  kind: 'choice';
  choices: readonly { value: Choice; label: string }[];
}

export interface TextOption<Name extends string = string> extends OptionBase<Name, string> {
  kind: 'text';
  /** A regular expression the whole value must match, and how to explain it. */
  pattern: RegExp;
  patternHint: string;
  maxLength: number;
}

export interface ListOption<Name extends string = string> extends OptionBase<Name, string[]> {
  kind: 'list';
  itemPattern: RegExp;
  itemHint: string;
  minItems: number;
  maxItems: number;
}

export interface ServicesOption<Name extends string = string> extends OptionBase<Name, Service[]> {
  kind: 'services';
}

export type AnyOption = ChoiceOption | TextOption | ListOption | ServicesOption;

/** The value type one option produces. */
export type OptionValue<O> =
  O extends ChoiceOption<string, infer C>
    ? C
    : O extends TextOption
      ? string
      : O extends ListOption
        ? string[]
        : O extends ServicesOption
          ? Service[]
          : never;

import type { catalog } from './options.js';

// Method signatures above keep option types assignable to AnyOption (parameters are bivariant).

/** The resolved answers, typed from the catalog. */
export type Answers = { [O in (typeof catalog)[number] as O['name']]: OptionValue<O> };
export type OptionName = keyof Answers;
