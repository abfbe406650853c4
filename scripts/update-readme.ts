/** Rewrites the README's option table from the catalog (`npm run readme`). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { optionsTable } from '../lib/cli/options-table.js';

const readme = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const text = readFileSync(readme, 'utf8');
const updated = text.replace(/(<!-- options:start -->\n)[\s\S]*?(\n<!-- options:end -->)/, `$1${optionsTable()}$2`);
if (updated === text) console.log('README.md option table is up to date');
else {
  writeFileSync(readme, updated);
  console.log('README.md option table updated');
}
