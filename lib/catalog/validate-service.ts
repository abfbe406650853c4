/** Checks one service object field by field; each problem names its path (`services[1].port`). */
import { UsageError } from '../errors.js';
import {
  commandNames,
  dnsLabel,
  dnsLabelHint,
  frameworksByLanguage,
  frontendFrameworks,
  healthPathPattern,
  languages,
  packageManagersByLanguage,
  requiredServiceFields,
  serviceFields,
  serviceKinds,
  type Service,
} from './service.js';

const oneOf = (values: readonly string[]) => values.join(', ');

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A repository-relative folder: no absolute paths, no `..`, forward slashes. */
const safeRelativePath = /^(\.|[A-Za-z0-9_@.-]+(\/[A-Za-z0-9_@.-]+)*)$/;

export const validateService = (raw: unknown, field: string): Service => {
  if (!isPlainObject(raw)) throw new UsageError(field, 'must be an object with name, path, kind, language and port');
  for (const key of Object.keys(raw)) {
    if (!(serviceFields as readonly string[]).includes(key)) {
      throw new UsageError(`${field}.${key}`, `unknown service field; known fields are ${oneOf(serviceFields)}`);
    }
  }
  for (const key of requiredServiceFields) {
    if (raw[key] === undefined) throw new UsageError(`${field}.${key}`, 'is required');
  }
  const { name, path, kind, language, port } = raw;
  if (typeof name !== 'string' || !dnsLabel.test(name)) {
    throw new UsageError(`${field}.name`, `'${String(name)}' is not a valid service name; use ${dnsLabelHint}`);
  }
  if (typeof path !== 'string' || !safeRelativePath.test(path) || path.split('/').includes('..')) {
    throw new UsageError(`${field}.path`, `'${String(path)}' must be a folder relative to the repository root, such as services/api or .`);
  }
  if (typeof kind !== 'string' || !(serviceKinds as readonly string[]).includes(kind)) {
    throw new UsageError(`${field}.kind`, `'${String(kind)}' is not one of ${oneOf(serviceKinds)}`);
  }
  if (typeof language !== 'string' || !(languages as readonly string[]).includes(language)) {
    throw new UsageError(`${field}.language`, `'${String(language)}' is not one of ${oneOf(languages)}`);
  }
  const lang = language as Service['language'];
  const frameworks: readonly string[] = frameworksByLanguage[lang];
  const framework = raw.framework ?? (kind === 'frontend' && lang === 'static' ? 'static' : 'none');
  if (typeof framework !== 'string' || !frameworks.includes(framework)) {
    throw new UsageError(`${field}.framework`, `'${String(framework)}' does not fit language ${lang}; use one of ${oneOf(frameworks)}`);
  }
  const isFrontendFramework = (frontendFrameworks as readonly string[]).includes(framework);
  if (kind === 'frontend' && !isFrontendFramework) {
    throw new UsageError(`${field}.framework`, `a frontend needs one of ${oneOf(frontendFrameworks)}, not '${framework}'`);
  }
  if (kind !== 'frontend' && isFrontendFramework) {
    throw new UsageError(`${field}.kind`, `'${framework}' is a front-end framework; set kind to frontend or pick a back-end framework`);
  }
  const managers: readonly string[] = packageManagersByLanguage[lang];
  const packageManager = raw.packageManager ?? managers[0];
  if (typeof packageManager !== 'string' || !managers.includes(packageManager)) {
    throw new UsageError(`${field}.packageManager`, `'${String(packageManager)}' does not fit language ${lang}; use one of ${oneOf(managers)}`);
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`${field}.port`, `'${String(port)}' is not a port; use a whole number from 1 to 65535`);
  }
  const healthPath = raw.healthPath ?? '/healthz';
  if (typeof healthPath !== 'string' || !healthPathPattern.test(healthPath)) {
    throw new UsageError(`${field}.healthPath`, `'${String(healthPath)}' must be a URL path starting with /, such as /healthz`);
  }
  const commands = raw.commands ?? {};
  if (!isPlainObject(commands)) throw new UsageError(`${field}.commands`, `must be an object with any of ${oneOf(commandNames)}`);
  for (const [key, value] of Object.entries(commands)) {
    if (!(commandNames as readonly string[]).includes(key)) {
      throw new UsageError(`${field}.commands.${key}`, `unknown command; known commands are ${oneOf(commandNames)}`);
    }
    if (typeof value !== 'string' || value.trim() === '' || /[\n\r]/.test(value)) {
      throw new UsageError(`${field}.commands.${key}`, 'must be a single-line shell command');
    }
  }
  const buildContext = raw.buildContext;
  if (buildContext !== undefined) {
    const isAncestor = typeof buildContext === 'string' && (buildContext === '.' || buildContext === path || path.startsWith(`${buildContext}/`));
    if (!isAncestor || !safeRelativePath.test(buildContext as string)) {
      throw new UsageError(`${field}.buildContext`, `'${String(buildContext)}' must be the service path '${path}' or a folder above it, such as .`);
    }
  }
  return {
    name,
    path,
    kind: kind as Service['kind'],
    language: lang,
    framework: framework as Service['framework'],
    packageManager: packageManager as Service['packageManager'],
    port,
    healthPath,
    commands: commands as Service['commands'],
    ...(buildContext !== undefined && buildContext !== path ? { buildContext: buildContext as string } : {}),
  };
};
