import path from 'node:path';
import { runTool } from '../../helpers/tools.js';
import { repoRoot } from '../../helpers/paths.js';
import { inBatches, type Validator } from './types.js';

const config = path.join(repoRoot, 'test', 'validation', 'yamllint.yaml');

export const yamllint: Validator = {
  name: 'yamllint',
  // Helm templates are Go templates, not YAML: helm lint checks those.
  applies: (file) => /\.ya?ml$/.test(file) && !/(^|\/)templates\//.test(file),
  mustReject: { path: 'broken.yaml', contents: 'services:\n  api: 1\n  api: 2\n' },
  check: (files) =>
    inBatches(files).flatMap((batch) => {
      const result = runTool('yamllint', ['-c', config, '-s', '-f', 'parsable', ...batch]);
      return result.status === 0 ? [] : [result.output];
    }),
};
