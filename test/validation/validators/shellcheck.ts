import { runTool } from '../../helpers/tools.js';
import { inBatches, type Validator } from './types.js';

export const shellcheck: Validator = {
  name: 'shellcheck',
  applies: (file) => file.endsWith('.sh'),
  mustReject: { path: 'broken.sh', contents: '#!/bin/sh\nrm -rf $1/*\n[ $x == 1 ]\n' },
  check: (files) =>
    inBatches(files).flatMap((batch) => {
      const result = runTool('shellcheck', ['-S', 'warning', '-f', 'gcc', ...batch]);
      return result.status === 0 ? [] : [result.output];
    }),
};
