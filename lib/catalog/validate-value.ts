/** Turns a raw value from any source (flag, answers file, .yo-rc.json, prompt) into a typed answer or a UsageError. */
import { UsageError } from '../errors.js';
import { isWithin } from '../repo-paths.js';
import { buildContextOf } from '../plan/naming.js';
import type { AnyOption } from './option.js';
import { validateService } from './validate-service.js';
import { isStaticFrontend, type Service } from './service.js';

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
      if (raw.length > option.maxLength) {
        throw new UsageError(field, `${describe(raw)} has ${raw.length} characters, more than ${option.maxLength}; use ${option.patternHint}`);
      }
      if (!option.pattern.test(raw)) {
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
      services.forEach((service, index) => checkServedBy(service, services, `${field}[${index}]`));
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

/**
 * A front end built into another service's image: that service exists, runs a process of its own, and its
 * build context holds both the front end's sources and the folder the build writes.
 */
const checkServedBy = (service: Service, services: readonly Service[], field: string): void => {
  if (service.servedBy === undefined) return;
  const host = services.find((candidate) => candidate.name === service.servedBy);
  if (!host) {
    throw new UsageError(`${field}.servedBy`, `'${service.servedBy}' is not a service; name one of ${services.filter((other) => other !== service).map((other) => other.name).join(', ')}`);
  }
  if (host.servedBy !== undefined || isStaticFrontend(host) || host.language === 'static') {
    throw new UsageError(`${field}.servedBy`, `'${host.name}' serves no files of its own (it is a static front end); name the back end that serves ${service.name}`);
  }
  const hostContext = buildContextOf(host);
  if (!isWithin(buildContextOf(service), hostContext)) {
    throw new UsageError(`${field}.servedBy`, `${service.name} is built in ${host.name}'s image, whose build context ${hostContext} does not hold ${buildContextOf(service)}; set ${host.name}'s buildContext to a folder holding both`);
  }
  if (!isWithin(service.builtInto!, hostContext)) {
    throw new UsageError(`${field}.builtInto`, `'${service.builtInto}' lies outside ${host.name}'s build context ${hostContext}; the build must land in the sources of the service that serves it`);
  }
};
