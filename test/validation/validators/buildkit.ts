import { runTool } from '../../helpers/tools.js';
import { inBatches, uniqueByContent, type Validator } from './types.js';

/**
 * BuildKit's own Dockerfile checks (the rules of `docker build --check`), through the small Go program in
 * test/validation/dockerfile-check that scripts/setup-validators.sh builds. Every finding fails.
 */
export const buildkitChecks: Validator = {
  name: 'buildkit dockerfile checks',
  applies: (file) => /(^|\/)Dockerfile$/.test(file),
  mustReject: { path: 'Dockerfile', contents: 'FROM node:22 AS base\nENV A 1\nCMD ["a"]\nCMD ["b"]\n' },
  check: (files) =>
    inBatches(uniqueByContent(files)).flatMap((batch) => {
      const result = runTool('dockerfile-check', batch);
      return result.status === 0 ? [] : [result.output];
    }),
};
