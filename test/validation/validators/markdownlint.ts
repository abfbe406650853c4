import path from 'node:path';
import { runTool } from '../../helpers/tools.js';
import { repoRoot } from '../../helpers/paths.js';
import { inBatches, type Validator } from './types.js';

const config = path.join(repoRoot, 'test', 'validation', 'markdownlint.jsonc');

export const markdownlint: Validator = {
  name: 'markdownlint',
  applies: (file) => file.endsWith('.md'),
  mustReject: { path: 'broken.md', contents: '# Title\n### Skipped a level\n' },
  check: (files) =>
    inBatches(files).flatMap((batch) => {
      // A leading ':' makes each argument a literal path, not a glob.
      const result = runTool('markdownlint-cli2', ['--config', config, ...batch.map((file) => `:${file}`)]);
      return result.status === 0 ? [] : [result.output];
    }),
};
