/**
 * The shapes of a Terraform monitoring stack (cloudwatch, google-cloud-monitoring, azure-monitor), each whole
 * app planned, rendered and written to a temp folder once, with each environment's root parsed: the tests of
 * those stacks read these rather than each building its own.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { monitoringOf, type MonitoringFacts } from '../../lib/monitoring/facts.js';
import { derive } from '../../lib/model/index.js';
import { planModel } from '../../lib/plan/plan.js';
import { renderAll } from '../../lib/render/render.js';
import { shopAnswers } from '../ci/answers.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { markdownlint } from '../validation/validators/markdownlint.js';
import { prettier } from '../validation/validators/prettier.js';
import { secretlint } from '../validation/validators/secretlint.js';
import { parseTerraformDir, type ParsedTerraformFile } from '../validation/validators/terraform-schema.js';
import { terraformFmt, tflint, trivyTerraform } from '../validation/validators/terraform.js';

export interface RenderedShape {
  answers: Answers;
  dir: string;
  facts: MonitoringFacts;
  files: Record<string, string>;
  /** Each environment's root, parsed (the notifications module apart). */
  environments: Map<string, ParsedTerraformFile[]>;
}

/** Every file of the whole app for these answers, by path. */
export const renderShape = (overrides: Partial<Answers>): Record<string, string> =>
  Object.fromEntries(renderAll(planModel(derive(shopAnswers(overrides)))).map((file) => [file.path, file.contents]));

/** Each shape written under one temp folder (returned as `root`), its environments' roots under monitoring/<stack>/environments parsed. */
export const renderShapes = async (stack: string, shapes: Record<string, Partial<Answers>>): Promise<{ root: string; rendered: Map<string, RenderedShape> }> => {
  const root = tempDir(`phase4-${stack}-`);
  const rendered = new Map<string, RenderedShape>();
  for (const [name, overrides] of Object.entries(shapes)) {
    const answers = shopAnswers(overrides);
    const files = renderShape(overrides);
    const dir = writeTree(path.join(root, name), files);
    const environments = new Map<string, ParsedTerraformFile[]>();
    for (const environment of answers.environments) environments.set(environment, await parseTerraformDir(path.join(dir, 'monitoring', stack, 'environments', environment)));
    rendered.set(name, { answers, dir, facts: monitoringOf(derive(answers)), files, environments });
  }
  return { root, rendered };
};

/** The paths, in the shape's folder, of its files whose repository path matches. */
export const filesOf = (entry: RenderedShape, pattern: RegExp): string[] =>
  Object.keys(entry.files).filter((file) => pattern.test(file)).map((file) => path.join(entry.dir, file));

/**
 * The validators every Terraform monitoring stack passes, registered in the caller's describe: terraform fmt,
 * tflint (every rule), trivy (HIGH and CRITICAL), secretlint over the monitoring files, markdownlint and prettier
 * over the two docs. `shapes` is read when the tests run (after the caller's `before` rendered them).
 */
export const terraformStackChecks = (stack: string, shapes: () => [string, RenderedShape][], root: () => string): void => {
  const stackDir = (entry: RenderedShape) => path.join(entry.dir, 'monitoring', stack);

  test('terraform fmt -check', () => assert.deepEqual(terraformFmt(root()), []));

  test('tflint (every rule of the terraform ruleset)', () => {
    for (const [name, entry] of shapes()) assert.deepEqual(tflint(stackDir(entry)), [], name);
  });

  test('trivy: no HIGH or CRITICAL finding', () => {
    for (const [name, entry] of shapes()) assert.deepEqual(trivyTerraform(stackDir(entry)), [], name);
  });

  test('secretlint finds nothing', () => {
    for (const [name, entry] of shapes()) assert.deepEqual(secretlint.check(filesOf(entry, /^(monitoring\/|docs\/monitoring\.md|docs\/runbooks\/alerts\.md)/)), [], name);
  });

  test('markdownlint and prettier accept the docs', () => {
    for (const [name, entry] of shapes()) {
      const docs = filesOf(entry, /^docs\/(monitoring|runbooks\/alerts)\.md$/);
      assert.equal(docs.length, 2);
      assert.deepEqual(markdownlint.check(docs), [], name);
      assert.deepEqual(prettier.check(docs), [], name);
    }
  });
};
