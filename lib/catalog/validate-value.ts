/** Turns a raw value from any source (flag, answers file, .yo-rc.json, prompt) into a typed answer or a UsageError. */
import { UsageError } from '../errors.js';
import type { AnyOption } from './option.js';
import { validateService } from './validate-service.js';

const describe = (value: unknown) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

export const validateValue = (option: AnyOption, raw: unknown, field: string): unknown => {
  switch (option.kind) {
    case 'choice': {
      const values = option.choices.map((choice) => choice.value);
      if (typeof raw !== 'string' || !values.includes(raw)) {
        throw new UsageError(field, `${describe(raw)} is not one of ${values.join(', ')}`);
      }
      return raw;
    }
    case 'text': {
      if (typeof raw !== 'string') throw new UsageError(field, `must be a string: ${option.patternHint}`);
      if (raw.length > option.maxLength || !option.pattern.test(raw)) {
        throw new UsageError(field, `${describe(raw)} is not valid; use ${option.patternHint}`);
      }
      return raw;
    }
    case 'list': {
      if (!Array.isArray(raw)) throw new UsageError(field, 'must be a list');
      if (raw.length < option.minItems || raw.length > option.maxItems) {
        throw new UsageError(field, `needs ${option.minItems} to ${option.maxItems} entries, got ${raw.length}`);
      }
      raw.forEach((item, index) => {
        if (typeof item !== 'string' || !option.itemPattern.test(item)) {
          throw new UsageError(`${field}[${index}]`, `${describe(item)} is not valid; use ${option.itemHint}`);
        }
      });
      const duplicate = raw.find((item, index) => raw.indexOf(item) !== index);
      if (duplicate !== undefined) throw new UsageError(field, `'${duplicate}' is listed twice; each entry must be unique`);
      return raw;
    }
    case 'services': {
      if (!Array.isArray(raw)) throw new UsageError(field, 'must be a list of service objects');
      if (raw.length === 0) throw new UsageError(field, 'needs at least one service');
      const services = raw.map((item, index) => validateService(item, `${field}[${index}]`));
      const names = services.map((service) => service.name);
      const duplicate = names.find((name, index) => names.indexOf(name) !== index);
      if (duplicate !== undefined) throw new UsageError(field, `service name '${duplicate}' is used twice; names must be unique`);
      return services;
    }
  }
};

/** Parses the string a CLI flag delivers into the raw value its option expects. */
export const parseFlagValue = (option: AnyOption, value: string, field: string): unknown => {
  if (option.kind === 'list') return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (option.kind === 'services') {
    try {
      return JSON.parse(value);
    } catch {
      throw new UsageError(field, 'must be a JSON list of service objects, e.g. \'[{"name":"api","path":"api","kind":"backend","language":"node","port":3000}]\'');
    }
  }
  return value;
};
