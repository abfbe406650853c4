import path from 'node:path';
import { runTool } from '../../helpers/tools.js';
import { repoRoot } from '../../helpers/paths.js';
import { inBatches, type Validator } from './types.js';

const config = path.join(repoRoot, 'test', 'validation', 'secretlintrc.json');

export const secretlint: Validator = {
  name: 'secretlint',
  applies: () => true,
  // A private key header and body, assembled at run time so this repository holds no key-shaped text.
  mustReject: {
    path: 'id_rsa',
    contents: ['-----BEGIN', 'RSA PRIVATE KEY-----\n'].join(' ') + 'MIIEowIBAAKCAQEA7bq98Fr8XoQkZ0MAlE'.repeat(8) + '\n' + ['-----END', 'RSA PRIVATE KEY-----\n'].join(' '),
  },
  check: (files) =>
    inBatches(files).flatMap((batch) => {
      const result = runTool('secretlint', ['--secretlintrc', config, '--no-glob', '--no-color', ...batch], { cwd: repoRoot });
      return result.status === 0 ? [] : [result.output];
    }),
};
