/**
 * The validation harness: the generator's output over the option matrix, checked by real validators.
 * A validator that is missing fails; one that matches no file fails too, since it would prove nothing.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { AnyOption } from '../../lib/catalog/option.js';
import { catalog } from '../../lib/catalog/options.js';
import { serviceVariants, matrixCases } from './matrix.js';
import { generateMatrix, matrixFiles } from './generate.js';
import { validators } from './validators/index.js';
import { tempDir } from '../helpers/folders.js';

describe('the option matrix', () => {
  const cases = matrixCases();

  test('covers every ci x cloud x orchestration triple, hence every pair', () => {
    const triples = new Set(cases.map(({ config }) => `${config.ci}/${config.cloud}/${config.orchestration}`));
    assert.equal(triples.size, 5 * 3 * 3);
  });

  test('uses every choice of every option at least once', () => {
    for (const option of catalog as readonly AnyOption[]) {
      if (option.kind !== 'choice') continue;
      const used = new Set(cases.map(({ config }) => config[option.name as 'ci']));
      assert.deepEqual([...used].sort(), option.choices.map((choice) => choice.value).sort(), option.name);
    }
  });

  test('uses every service variant', () => {
    const used = new Set(cases.flatMap(({ config }) => config.services.map((service) => service.name)));
    assert.deepEqual([...used].sort(), serviceVariants.map((service) => service.name).sort());
  });

  test('generation is deterministic', () => {
    const { cases: generated } = generateMatrix();
    assert.ok(generated.length === cases.length);
  });
});

describe('real validators over every generated file', { concurrency: 2 }, () => {
  for (const validator of validators) {
    test(validator.name, () => {
      const files = matrixFiles(validator.applies);
      assert.ok(files.length > 0, `${validator.name} matched no generated file: the matrix would prove nothing`);
      const problems = validator.check(files);
      assert.deepEqual(problems, [], `${validator.name} found problems:\n${problems.join('\n')}`);
    });

    test(`${validator.name} rejects a broken file`, () => {
      const file = path.join(tempDir(), validator.mustReject.path);
      writeFileSync(file, validator.mustReject.contents);
      assert.notDeepEqual(validator.check([file]), [], `${validator.name} accepted ${validator.mustReject.path}`);
    });
  }
});
