/**
 * The validation harness: the generator's output over the option matrix, checked by real validators.
 * A validator that is missing fails; one that matches no file fails too, since it would prove nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { AnyOption } from '../../lib/catalog/option.js';
import { catalog } from '../../lib/catalog/options.js';
import { serviceVariants, matrixCases } from './matrix.js';
import { generateMatrix, matrixFiles, renderAnswers } from './generate.js';
import { validators } from './validators/index.js';
import { snapshot, tempDir } from '../helpers/folders.js';
import { minimalEnvironment } from '../helpers/tools.js';

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

  test('generation is deterministic: a fresh render, and one in another process, give the same files and bytes', { timeout: 300_000 }, () => {
    const { root, cases: generated } = generateMatrix();
    assert.deepEqual(generated.map((matrixCase) => matrixCase.label), cases.map((matrixCase) => matrixCase.label));
    // In this process: the same answers, built again (matrixCases, not the cached objects), planned and rendered again.
    const fresh = matrixCases();
    generated.forEach((matrixCase, index) => {
      const again = renderAnswers(fresh[index].config);
      assert.ok(again.length > 0, `${matrixCase.label} rendered no file`);
      assert.deepEqual(again.map((file) => [file.path, file.contents]), matrixCase.files.map((file) => [file.path, file.contents]), matrixCase.label);
    });
    // In a child process, with another time zone and locale: its files on disk against the cached ones, byte for byte.
    const target = tempDir('phase4-matrix-again-');
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'render-child.ts'), target], {
      input: JSON.stringify(generated.map(({ label, config }) => ({ label, config }))),
      encoding: 'utf8',
      env: minimalEnvironment({ TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' }),
      timeout: 240_000,
    });
    assert.equal(child.status, 0, `the child render failed (signal ${child.signal}):\n${child.stderr}`);
    const filesOnly = (dir: string) => Object.fromEntries(Object.entries(snapshot(dir)).filter(([, hash]) => hash !== 'dir'));
    const cached = filesOnly(root);
    assert.equal(Object.keys(cached).length, generated.reduce((sum, matrixCase) => sum + matrixCase.files.length, 0));
    assert.deepEqual(filesOnly(target), cached);
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
