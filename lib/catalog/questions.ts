/**
 * Interactive questions derived from the catalog, as plain objects in the shape Yeoman's prompt takes.
 * Detected values are pre-selected and marked "(detected)".
 */
import { UsageError } from '../errors.js';
import type { Detection } from '../detect/types.js';
import type { AnyOption, Answers } from './option.js';
import type { Service } from './service.js';
import { parseFlagValue, validateValue } from './validate-value.js';

export interface Question {
  type: 'select' | 'input' | 'checkbox';
  name: string;
  message: string;
  choices?: { name: string; value: unknown; checked?: boolean }[];
  default?: unknown;
  validate?: (input: unknown) => true | string;
  filter?: (input: unknown) => unknown;
}

const detectedMark = ' (detected)';

const describeService = (service: Service) =>
  `${service.name} (${service.path}: ${service.kind}, ${service.language}/${service.framework}, port ${service.port})`;

const validator = (option: AnyOption, parse: (input: unknown) => unknown) => (input: unknown) => {
  try {
    validateValue(option, parse(input), option.name);
    return true as const;
  } catch (error) {
    if (error instanceof UsageError) return error.problem;
    throw error;
  }
};

export const questionFor = (
  option: AnyOption,
  context: { answers: Partial<Answers>; detection: Detection; suggested: unknown; detected: boolean },
): Question => {
  const { suggested, detected } = context;
  switch (option.kind) {
    case 'choice':
      return {
        type: 'select',
        name: option.name,
        message: option.message,
        choices: option.choices.map((choice) => ({
          name: choice.label + (detected && choice.value === suggested ? detectedMark : ''),
          value: choice.value,
        })),
        default: suggested,
      };
    case 'text':
      return {
        type: 'input',
        name: option.name,
        message: option.message + (detected ? detectedMark : ''),
        default: suggested,
        validate: validator(option, (input) => String(input).trim()),
        filter: (input) => String(input).trim(),
      };
    case 'list': {
      const parse = (input: unknown) => parseFlagValue(option, String(input), option.name);
      return {
        type: 'input',
        name: option.name,
        message: option.message,
        default: (suggested as string[]).join(','),
        validate: validator(option, parse),
        filter: parse,
      };
    }
    case 'services': {
      const services = suggested as Service[];
      return {
        type: 'checkbox',
        name: option.name,
        message: option.message,
        choices: services.map((service) => ({
          name: describeService(service) + (detected ? detectedMark : ''),
          value: service,
          checked: true,
        })),
        validate: (input) => (Array.isArray(input) && input.length > 0 ? true : 'Pick at least one service'),
      };
    }
  }
};
