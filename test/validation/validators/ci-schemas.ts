import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { repoRoot } from '../../helpers/paths.js';
import { readPipeline } from './ci-yaml.js';
import type { Validator } from './types.js';

// ajv-formats is CommonJS with `exports.default`: under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const schemasDir = path.join(repoRoot, 'test', 'validation', 'schemas');
const compiled = new Map<string, ValidateFunction>();

/**
 * Azure Pipelines tasks and inputs the upstream schema (generated from one organisation's installed tasks)
 * does not know, each read from the task's own task.json: PublishCodeCoverageResults@2's inputs (the built-in
 * task's current major), AzureCLI@2's `allowNoSubscriptions`, AWSShellScript@1 of the AWS Toolkit for Azure
 * DevOps extension, and the `target` every task step may have. They join the schema in memory, with the same shape as its own task entries.
 */
const azureTaskSupplement = (schema: { definitions: { task: { anyOf: Record<string, unknown>[]; properties: Record<string, { anyOf?: unknown[]; $ref?: string }> } } }) => {
  const string = { type: 'string' };
  const boolean = { type: 'boolean' };
  const entry = (task: string, inputs: Record<string, unknown>, required: string[]) => ({
    properties: {
      task: { pattern: `^${task}$`, description: task, ignoreCase: 'value' },
      inputs: { properties: inputs, additionalProperties: false, required },
    },
    required: ['task'],
  });
  const anyOf = schema.definitions.task.anyOf;
  // A task step's `target` (run it on the host rather than in the job's container) is in the YAML reference, not the schema.
  schema.definitions.task.properties.target = { $ref: '#/definitions/stepTarget' };
  schema.definitions.task.properties.task.anyOf?.push({ description: 'AWS Shell Script (AWS Toolkit for Azure DevOps)', ignoreCase: 'value', enum: ['AWSShellScript@1'] });
  for (const candidate of anyOf) {
    const properties = candidate.properties as { task?: { pattern?: string }; inputs?: { properties?: Record<string, unknown> } } | undefined;
    if (properties?.task?.pattern === '^AzureCLI@2$' && properties.inputs?.properties) properties.inputs.properties.allowNoSubscriptions = boolean;
  }
  anyOf.push(
    entry('PublishCodeCoverageResults@2', { summaryFileLocation: string, pathToSources: string, failIfCoverageEmpty: boolean }, ['summaryFileLocation']),
    entry(
      'AWSShellScript@1',
      { awsCredentials: string, regionName: string, arguments: string, scriptType: { enum: ['filePath', 'inline'] }, filePath: string, inlineScript: string, disableAutoCwd: boolean, workingDirectory: string, failOnStandardError: boolean },
      ['scriptType'],
    ),
  );
  return schema;
};

const supplements: Record<string, (schema: never) => unknown> = { 'azure-pipelines.json': azureTaskSupplement };

/**
 * Azure Pipelines reads every YAML scalar as a string and converts it where a number or a boolean is wanted
 * (`timeoutInMinutes: 30`, `fetchDepth: 0`, `addSpnToEnvironment: true`); its schema types most of them as
 * strings and some task inputs as booleans. Ajv's type coercion reads the document the same way.
 */
const coerced = new Set(['azure-pipelines.json']);

/** One schema of test/validation/schemas, compiled once per process (the Azure one takes 2-3 s). */
export const ciSchema = (file: string): ValidateFunction => {
  let validate = compiled.get(file);
  if (!validate) {
    const parsed = JSON.parse(readFileSync(path.join(schemasDir, file), 'utf8'));
    const schema = supplements[file] ? supplements[file](parsed as never) : parsed;
    // strict: false for the non-standard keywords of these schemas; unicodeRegExp: false for a `\:` in Azure's.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, ...(coerced.has(file) ? { coerceTypes: true } : {}) });
    addFormats(ajv);
    validate = ajv.compile(schema);
    compiled.set(file, validate);
  }
  return validate;
};

/** At most this many schema errors per file: anyOf-heavy schemas report dozens for one mistake. */
const shownErrors = 12;

export const describeSchemaErrors = (file: string, errors: ErrorObject[]): string[] => {
  const lines = errors.slice(0, shownErrors).map((error) => {
    const params = Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : '';
    return `${file}: ${error.instancePath || '/'} ${error.message ?? error.keyword}${params}`;
  });
  if (errors.length > shownErrors) lines.push(`${file}: ... and ${errors.length - shownErrors} more schema errors`);
  return lines;
};

const schemaValidator = (name: string, schemaFile: string, ci: Validator['ci'], applies: Validator['applies'], mustReject: Validator['mustReject'], gitlab = false): Validator => ({
  name,
  ci,
  applies,
  mustReject,
  check: (files) => {
    if (files.length === 0) return [`${name}: no file to check`];
    return files.flatMap((file) => {
      const { document, problems } = readPipeline(file, { gitlab });
      if (problems.length > 0 || !document) return problems;
      const validate = ciSchema(schemaFile);
      return validate(document.toJS({ maxAliasCount: 1000 })) ? [] : describeSchemaErrors(file, validate.errors ?? []);
    });
  },
});

export const githubWorkflowPath = (file: string) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(file);

export const githubWorkflowSchema = schemaValidator('github-workflow schema', 'github-workflow.json', ['github-actions'], githubWorkflowPath, {
  path: 'ci.yml',
  contents: 'name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    stepz:\n      - run: make\n',
});

export const gitlabCiSchema = schemaValidator(
  'gitlab-ci schema',
  'gitlab-ci.json',
  ['gitlab-ci'],
  (file) => file === '.gitlab-ci.yml',
  { path: '.gitlab-ci.yml', contents: 'build:\n  stage: build\n  script: [make]\n  when: sometimes\n' },
  true,
);

export const circleciConfigSchema = schemaValidator('circleci-config schema', 'circleci-config.json', ['circleci'], (file) => file === '.circleci/config.yml', {
  path: 'config.yml',
  contents: 'version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:2024.01\n    steps:\n      - checkout\n      - run:\n          comand: make\nworkflows:\n  main:\n    jobs: [build]\n',
});

export const azurePipelinesSchema = schemaValidator('azure-pipelines schema', 'azure-pipelines.json', ['azure-devops'], (file) => file === 'azure-pipelines.yml', {
  path: 'azure-pipelines.yml',
  contents: 'trigger: [main]\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - scrip: make\n',
});
