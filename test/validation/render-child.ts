/**
 * The matrix rendered again in a process of its own, for the determinism test: reads the cases (label and
 * answers) as JSON on stdin and writes each case's files under <argv[2]>/<label>/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MatrixCase } from './matrix.js';
import { renderAnswers, writeRendered } from './generate.js';

const [target] = process.argv.slice(2);
if (!target) throw new Error('usage: render-child.ts TARGET_FOLDER < cases.json');
const cases = JSON.parse(readFileSync(0, 'utf8')) as MatrixCase[];
for (const matrixCase of cases) writeRendered(path.join(target, matrixCase.label), renderAnswers(matrixCase.config));
