import { isHelmTemplate } from '../../../lib/render/header.js';
import { runTool } from '../../helpers/tools.js';
import { inBatches, type Validator } from './types.js';

/**
 * prettier with its default options, as a repository that runs `prettier --check` in CI would see the
 * files (with no configuration of its own). Any other configuration is applied by phase4 itself.
 */
export const prettier: Validator = {
  name: 'prettier --check (defaults)',
  // Helm templates are Go templates, not YAML: helm lint checks those.
  applies: (file) => /\.(ya?ml|json|md)$/.test(file) && !isHelmTemplate(file),
  mustReject: { path: 'broken.md', contents: '| a | b |\n| --- | --- |\n| long cell | x |\n' },
  check: (files) =>
    inBatches(files).flatMap((batch) => {
      // No configuration, .editorconfig or ignore file of this repository may change the verdict.
      const result = runTool('prettier', ['--check', '--no-config', '--no-editorconfig', '--ignore-path', '/dev/null', ...batch]);
      return result.status === 0 ? [] : [result.output];
    }),
};
