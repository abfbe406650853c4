/** Checks one service object field by field; each problem names its path (`services[1].port`). */
import { UsageError } from '../errors.js';
import { isWithin } from '../repo-paths.js';
import {
  commandNames,
  datastoreEngines,
  dnsLabel,
  dnsLabelHint,
  frameworksByLanguage,
  frontendFrameworks,
  healthPathPattern,
  languages,
  migrationTools,
  packageManagersByLanguage,
  packageNamePattern,
  relativePathPattern,
  requiredServiceFields,
  serverFrontendFrameworks,
  serviceFields,
  serviceKinds,
  settingFields,
  settingNamePattern,
  staticFrontendFrameworks,
  urlSchemePattern,
  versionPattern,
  workerFrameworks,
  type DatastoreEngine,
  type MigrationTool,
  type Service,
  type ServiceSetting,
} from './service.js';

const oneOf = (values: readonly string[]) => values.join(', ');

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isRelativePath = (value: unknown): value is string =>
  typeof value === 'string' && relativePathPattern.test(value) && !value.split('/').includes('..');

const singleLine = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '' && !/[\n\r]/.test(value);

const includes = (values: readonly string[], value: unknown): boolean => typeof value === 'string' && values.includes(value);

const checkKeys = (raw: Record<string, unknown>, known: readonly string[], field: string, what: string) => {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new UsageError(`${field}.${key}`, `unknown ${what}; known ones are ${oneOf(known)}`);
  }
};

const optionalText = (raw: Record<string, unknown>, key: string, field: string, valid: (value: unknown) => boolean, hint: string) => {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (!valid(value)) throw new UsageError(`${field}.${key}`, `'${String(value)}' ${hint}`);
  return value as string;
};

const validateSettings = (raw: unknown, field: string): ServiceSetting[] => {
  if (!Array.isArray(raw)) throw new UsageError(field, 'must be a list of settings such as {name: SECRET_KEY, secret: true}');
  const seen = new Set<string>();
  return raw.map((item, index) => {
    const at = `${field}[${index}]`;
    if (!isPlainObject(item)) throw new UsageError(at, 'must be an object with name, and optionally secret and default');
    checkKeys(item, settingFields, at, 'setting field');
    if (typeof item.name !== 'string' || !settingNamePattern.test(item.name)) {
      throw new UsageError(`${at}.name`, `'${String(item.name)}' is not an environment variable name; use letters, digits and _`);
    }
    if (seen.has(item.name)) throw new UsageError(`${at}.name`, `'${item.name}' is listed twice`);
    seen.add(item.name);
    if (item.secret !== undefined && typeof item.secret !== 'boolean') throw new UsageError(`${at}.secret`, 'must be true or false');
    if (item.default !== undefined && (typeof item.default !== 'string' || /[\n\r]/.test(item.default))) {
      throw new UsageError(`${at}.default`, 'must be a single-line string');
    }
    if (item.scheme !== undefined && (typeof item.scheme !== 'string' || !urlSchemePattern.test(item.scheme))) {
      throw new UsageError(`${at}.scheme`, `'${String(item.scheme)}' is not a URL scheme such as postgresql+psycopg`);
    }
    if (item.secret && item.default !== undefined) {
      throw new UsageError(`${at}.default`, `a secret keeps no default in generated files; remove the default of ${item.name}`);
    }
    return {
      name: item.name,
      ...(item.secret ? { secret: true } : {}),
      ...(item.default !== undefined ? { default: item.default as string } : {}),
      ...(item.scheme !== undefined ? { scheme: item.scheme as string } : {}),
    };
  });
};

export const validateService = (raw: unknown, field: string): Service => {
  if (!isPlainObject(raw)) throw new UsageError(field, 'must be an object with name, path, kind, language and port');
  checkKeys(raw, serviceFields, field, 'service field');
  for (const key of requiredServiceFields) {
    if (raw[key] === undefined) throw new UsageError(`${field}.${key}`, 'is required');
  }
  const { name, path, kind, language, port } = raw;
  if (typeof name !== 'string' || !dnsLabel.test(name)) {
    throw new UsageError(`${field}.name`, `'${String(name)}' is not a valid service name; use ${dnsLabelHint}`);
  }
  if (!isRelativePath(path)) {
    throw new UsageError(`${field}.path`, `'${String(path)}' must be a folder relative to the repository root, such as services/api or .`);
  }
  if (!includes(serviceKinds, kind)) throw new UsageError(`${field}.kind`, `'${String(kind)}' is not one of ${oneOf(serviceKinds)}`);
  if (!includes(languages, language)) throw new UsageError(`${field}.language`, `'${String(language)}' is not one of ${oneOf(languages)}`);
  const lang = language as Service['language'];
  const frameworks: readonly string[] = frameworksByLanguage[lang];
  const framework = raw.framework ?? (kind === 'frontend' && lang === 'static' ? 'static' : 'none');
  if (!includes(frameworks, framework)) {
    throw new UsageError(`${field}.framework`, `'${String(framework)}' does not fit language ${lang}; use one of ${oneOf(frameworks)}`);
  }
  const isFrontendFramework = includes(frontendFrameworks, framework);
  if (kind === 'frontend' && !isFrontendFramework) {
    throw new UsageError(`${field}.framework`, `a frontend needs one of ${oneOf(frontendFrameworks)}, not '${framework}'`);
  }
  if (kind !== 'frontend' && isFrontendFramework && !includes(serverFrontendFrameworks, framework)) {
    throw new UsageError(`${field}.kind`, `'${framework}' is a front-end framework; set kind to frontend or pick a back-end framework`);
  }
  if (kind !== 'worker' && includes(workerFrameworks, framework)) {
    throw new UsageError(`${field}.kind`, `'${framework}' runs workers; set kind to worker`);
  }
  const managers: readonly string[] = packageManagersByLanguage[lang];
  const packageManager = raw.packageManager ?? managers[0];
  if (!includes(managers, packageManager)) {
    throw new UsageError(`${field}.packageManager`, `'${String(packageManager)}' does not fit language ${lang}; use one of ${oneOf(managers)}`);
  }
  const servedBy = optionalText(raw, 'servedBy', field, (value) => typeof value === 'string' && dnsLabel.test(value), `must name the service that serves it (${dnsLabelHint})`);
  const builtInto = optionalText(raw, 'builtInto', field, isRelativePath, "must be a folder relative to the repository root, inside the serving service's sources");
  if ((servedBy === undefined) !== (builtInto === undefined)) {
    throw new UsageError(`${field}.${servedBy === undefined ? 'servedBy' : 'builtInto'}`, 'is required with ' + (servedBy === undefined ? 'builtInto' : 'servedBy') + ': a front end served by another service says which one, and where its build goes');
  }
  if (servedBy !== undefined) {
    if (kind !== 'frontend' || lang !== 'node' || !includes(staticFrontendFrameworks, framework)) {
      throw new UsageError(`${field}.servedBy`, `only a static front end built with Node.js (${oneOf(staticFrontendFrameworks.filter((name) => name !== 'static'))}) can be built into another service's image; remove servedBy`);
    }
    if (servedBy === name) throw new UsageError(`${field}.servedBy`, `names the front end itself; name the service that serves its files`);
    if (port !== undefined) throw new UsageError(`${field}.port`, `a front end served by ${servedBy} listens on no port of its own; remove port`);
  }
  if (kind !== 'worker' && servedBy === undefined && port === undefined) {
    throw new UsageError(`${field}.port`, `is required for a ${kind}; give the port it listens on`);
  }
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new UsageError(`${field}.port`, `'${String(port)}' is not a port; use a whole number from 1 to 65535`);
  }
  const healthPath = optionalText(raw, 'healthPath', field, (value) => typeof value === 'string' && healthPathPattern.test(value), 'must be a URL path starting with /, such as /healthz');
  const commands = raw.commands ?? {};
  if (!isPlainObject(commands)) throw new UsageError(`${field}.commands`, `must be an object with any of ${oneOf(commandNames)}`);
  checkKeys(commands, commandNames, `${field}.commands`, 'command');
  for (const [key, value] of Object.entries(commands)) {
    if (!singleLine(value)) throw new UsageError(`${field}.commands.${key}`, 'must be a single-line shell command');
  }
  const buildContext = optionalText(raw, 'buildContext', field, isRelativePath, 'must be a folder relative to the repository root');
  if (buildContext !== undefined && !isWithin(path, buildContext)) {
    throw new UsageError(`${field}.buildContext`, `'${buildContext}' must be the service path '${path}' or a folder above it, such as .`);
  }
  const lockfile = optionalText(raw, 'lockfile', field, isRelativePath, 'must be a file path relative to the repository root, such as pnpm-lock.yaml');
  const context = buildContext ?? path;
  if (lockfile !== undefined && context !== '.' && !lockfile.startsWith(`${context}/`)) {
    throw new UsageError(`${field}.lockfile`, `'${lockfile}' lies outside the build context '${context}'; set buildContext to the folder that holds it`);
  }
  const versionHint = 'is not a version or range such as 22, ^20.11, >=3.10,<4.0 or 1.24.2';
  const runtimeVersion = optionalText(raw, 'runtimeVersion', field, (value) => typeof value === 'string' && versionPattern.test(value), versionHint);
  const packageManagerVersion = optionalText(raw, 'packageManagerVersion', field, (value) => typeof value === 'string' && versionPattern.test(value), versionHint);
  const workspacePackage = optionalText(raw, 'workspacePackage', field, (value) => typeof value === 'string' && packageNamePattern.test(value), 'is not a package name');
  const buildOutput = optionalText(raw, 'buildOutput', field, isRelativePath, 'must be a folder relative to the service folder, such as dist');
  if (raw.installable !== undefined && typeof raw.installable !== 'boolean') {
    throw new UsageError(`${field}.installable`, 'must be true or false');
  }
  let uses: Service['uses'];
  if (raw.uses !== undefined) {
    if (!Array.isArray(raw.uses) || raw.uses.some((engine) => !includes(datastoreEngines, engine))) {
      throw new UsageError(`${field}.uses`, `must be a list of ${oneOf(datastoreEngines)}`);
    }
    uses = [...new Set(raw.uses as DatastoreEngine[])].sort();
  }
  const settings = raw.settings === undefined ? undefined : validateSettings(raw.settings, `${field}.settings`);
  let migrations: Service['migrations'];
  if (raw.migrations !== undefined) {
    const value = raw.migrations;
    if (!isPlainObject(value)) throw new UsageError(`${field}.migrations`, 'must be an object with tool and command');
    checkKeys(value, ['tool', 'command'], `${field}.migrations`, 'migrations field');
    if (!includes(migrationTools, value.tool)) {
      throw new UsageError(`${field}.migrations.tool`, `'${String(value.tool)}' is not one of ${oneOf(migrationTools)}`);
    }
    if (!singleLine(value.command)) throw new UsageError(`${field}.migrations.command`, 'must be a single-line shell command');
    migrations = { tool: value.tool as MigrationTool, command: value.command };
  }
  return {
    name,
    path,
    kind: kind as Service['kind'],
    language: lang,
    framework: framework as Service['framework'],
    packageManager: packageManager as Service['packageManager'],
    ...(packageManagerVersion !== undefined ? { packageManagerVersion } : {}),
    ...(runtimeVersion !== undefined ? { runtimeVersion } : {}),
    ...(port !== undefined && kind !== 'worker' ? { port: port as number } : {}),
    ...(healthPath !== undefined && kind !== 'worker' && servedBy === undefined ? { healthPath } : {}),
    commands: commands as Service['commands'],
    ...(buildContext !== undefined && buildContext !== path ? { buildContext } : {}),
    ...(lockfile !== undefined ? { lockfile } : {}),
    ...(workspacePackage !== undefined ? { workspacePackage } : {}),
    ...(buildOutput !== undefined ? { buildOutput } : {}),
    ...(servedBy !== undefined ? { servedBy, builtInto: builtInto! } : {}),
    ...(raw.installable === true ? { installable: true } : {}),
    ...(uses !== undefined ? { uses } : {}),
    ...(settings !== undefined ? { settings } : {}),
    ...(migrations !== undefined ? { migrations } : {}),
  };
};
