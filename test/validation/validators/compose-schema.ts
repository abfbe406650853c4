import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from '../../helpers/paths.js';
import type { Validator } from './types.js';

let validate: ValidateFunction | undefined;

/** The Compose Specification's JSON Schema (a copy in test/compose/schemas), compiled once. */
const composeSchema = (): ValidateFunction => {
  if (!validate) {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'compose', 'schemas', 'compose-spec.json'), 'utf8'));
    delete schema.$schema; // plain draft-07, which Ajv knows without the meta-schema URL
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return validate;
};

export const composeSpecSchema: Validator = {
  name: 'compose-spec schema',
  applies: (file) => /(^|\/)compose(\.override)?\.yaml$/.test(file),
  mustReject: { path: 'compose.yaml', contents: 'services:\n  api:\n    image: "api:1"\n    replicas_count: 2\n' },
  check: (files) =>
    files.flatMap((file) => {
      const check = composeSchema();
      return check(parse(readFileSync(file, 'utf8'))) ? [] : [`${file}: ${JSON.stringify(check.errors)}`];
    }),
};
