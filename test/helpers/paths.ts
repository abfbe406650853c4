import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const sampleApp = path.join(repoRoot, 'examples', 'sample-app');
/** The built CLI: CLI tests run what users run (`npm run build` comes first in the test command). */
export const cliPath = path.join(repoRoot, 'dist', 'bin', 'phase4.js');
