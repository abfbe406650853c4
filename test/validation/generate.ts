/**
 * Generates the matrix once per test process into a temp folder, through the same pure core the
 * generators use (plan -> render), after the same validation the CLI applies to answers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnyOption } from '../../lib/catalog/option.js';
import { catalog } from '../../lib/catalog/options.js';
import { validateValue } from '../../lib/catalog/validate-value.js';
import { checkAnswers } from '../../lib/config/resolve.js';
import { plan } from '../../lib/plan/plan.js';
import { type RenderedFile, renderAll } from '../../lib/render/render.js';
import { type MatrixCase, matrixCases } from './matrix.js';

export interface GeneratedCase extends MatrixCase {
  dir: string;
  files: RenderedFile[];
}

let generated: { root: string; cases: GeneratedCase[] } | undefined;

/** Plans and renders one case's answers: the pure core of every generator run. */
export const renderAnswers = (config: MatrixCase['config']): RenderedFile[] => renderAll(plan(config));

/** Writes rendered files under `dir`, at their repository paths. */
export const writeRendered = (dir: string, files: RenderedFile[]): void => {
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.contents);
  }
};

export const generateMatrix = () => {
  if (generated) return generated;
  const root = mkdtempSync(path.join(os.tmpdir(), 'phase4-matrix-'));
  // Removed when the process exits: every test file that uses the matrix shares this one generation.
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  const cases = matrixCases().map((matrixCase) => {
    const dir = path.join(root, matrixCase.label);
    for (const service of matrixCase.config.services) mkdirSync(path.join(dir, service.path), { recursive: true });
    for (const option of catalog as readonly AnyOption[]) {
      validateValue(option, matrixCase.config[option.name as keyof typeof matrixCase.config], `${matrixCase.label}: ${option.name}`);
    }
    checkAnswers(matrixCase.config, dir);
    const files = renderAnswers(matrixCase.config);
    writeRendered(dir, files);
    return { ...matrixCase, dir, files };
  });
  generated = { root, cases };
  return generated;
};

/** Absolute paths of every generated file, across all cases, that `applies` accepts. */
export const matrixFiles = (applies: (relativePath: string) => boolean): string[] =>
  generateMatrix().cases.flatMap((matrixCase) =>
    matrixCase.files.filter((file) => applies(file.path)).map((file) => path.join(matrixCase.dir, file.path)),
  );
