/** The answers-file JSON Schema (`phase4 --print-schema`), derived from the catalog. */
import type { AnyOption } from './option.js';
import { catalog } from './options.js';
import {
  commandNames,
  datastoreEngines,
  frameworksByLanguage,
  healthPathPattern,
  languages,
  migrationTools,
  packageManagersByLanguage,
  packageNamePattern,
  relativePathPattern,
  requiredServiceFields,
  serviceKinds,
  settingNamePattern,
  urlSchemePattern,
  versionPattern,
} from './service.js';

/** JSON Schema wants the regular expression source, without the JS-only flags. */
const source = (pattern: RegExp) => pattern.source;

const serviceSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...requiredServiceFields],
  properties: {
    name: { type: 'string', pattern: '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$', description: 'Service name (DNS-1123 label)' },
    path: { type: 'string', pattern: source(relativePathPattern), description: 'Folder relative to the repository root' },
    kind: { enum: [...serviceKinds] },
    language: { enum: [...languages] },
    framework: { enum: [...new Set(Object.values(frameworksByLanguage).flat())] },
    packageManager: { enum: [...new Set(Object.values(packageManagersByLanguage).flat())] },
    packageManagerVersion: { type: 'string', pattern: source(versionPattern), description: 'Package manager version the project declares' },
    runtimeVersion: { type: 'string', pattern: source(versionPattern), description: 'Runtime version or range the project declares' },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Port it listens on (not for workers)' },
    healthPath: { type: 'string', pattern: source(healthPathPattern), description: 'HTTP health route; omit when there is none' },
    buildContext: { type: 'string', pattern: source(relativePathPattern), description: 'Folder the image is built from when not path (a workspace root)' },
    lockfile: { type: 'string', pattern: source(relativePathPattern), description: 'Lockfile installs are frozen to, relative to the repository root' },
    workspacePackage: { type: 'string', pattern: source(packageNamePattern), description: 'Package name inside its workspace' },
    buildOutput: { type: 'string', pattern: source(relativePathPattern), description: 'Folder the build writes, relative to path' },
    servedBy: { type: 'string', pattern: '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$', description: 'A static front end built into the image of this service, which serves it' },
    builtInto: { type: 'string', pattern: source(relativePathPattern), description: 'With servedBy: the folder its build writes, relative to the repository root' },
    installable: { type: 'boolean', description: 'Python: the project is a package the image installs (pyproject.toml declares a build system)' },
    uses: { type: 'array', uniqueItems: true, items: { enum: [...datastoreEngines] }, description: 'Datastores it connects to' },
    settings: {
      type: 'array',
      description: 'Settings it reads from its environment',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: source(settingNamePattern) },
          secret: { type: 'boolean' },
          default: { type: 'string' },
          scheme: { type: 'string', pattern: source(urlSchemePattern) },
        },
      },
    },
    migrations: {
      type: 'object',
      additionalProperties: false,
      required: ['tool', 'command'],
      properties: { tool: { enum: [...migrationTools] }, command: { type: 'string', minLength: 1 } },
    },
    commands: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(commandNames.map((name) => [name, { type: 'string', minLength: 1 }])),
    },
  },
  // A port for everything but workers and front ends another service serves.
  if: { anyOf: [{ properties: { kind: { const: 'worker' } } }, { properties: { servedBy: { type: 'string' } }, required: ['servedBy'] }] },
  else: { properties: { port: { type: 'integer' } }, required: ['port'] },
  // A front end served by another service says where its build goes, and the other way round.
  dependencies: { servedBy: ['builtInto'], builtInto: ['servedBy'] },
  // The framework and package manager must belong to the language.
  allOf: languages.map((language) => ({
    if: { properties: { language: { const: language } }, required: ['language'] },
    then: {
      properties: {
        framework: { enum: [...frameworksByLanguage[language]] },
        packageManager: { enum: [...packageManagersByLanguage[language]] },
      },
    },
  })),
};

const optionSchema = (option: AnyOption): Record<string, unknown> => {
  const description = option.description;
  switch (option.kind) {
    case 'choice':
      return { description, enum: option.choices.map((choice) => choice.value) };
    case 'text':
      return { description, type: 'string', pattern: source(option.pattern), maxLength: option.maxLength };
    case 'list':
      return {
        description,
        type: 'array',
        minItems: option.minItems,
        maxItems: option.maxItems,
        uniqueItems: true,
        items: { type: 'string', pattern: source(option.itemPattern) },
      };
    case 'services':
      return { description, type: 'array', minItems: 1, items: serviceSchema };
  }
};

export const answersSchema = () => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/generator-phase4/generator-phase4/answers.schema.json',
  title: 'generator-phase4 answers',
  description: 'Answers for phase4: pass with --answers FILE (YAML or JSON); every key is optional.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    ...Object.fromEntries(catalog.map((option) => [option.name, optionSchema(option)])),
  },
});
