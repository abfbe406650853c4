// One scaffold through the built core in a fresh process, as the CLI does it without Yeoman: detect, default
// answers (with another orchestration when named), plan every area (or every area but the one named), render,
// write. bench.ts times it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { areaNames } from '../../dist/lib/areas/index.js';
import { checkAnswers, fillDefaults, requireComplete, resolveProvided } from '../../dist/lib/config/resolve.js';
import { detect } from '../../dist/lib/detect/index.js';
import { plan } from '../../dist/lib/plan/plan.js';
import { renderAll } from '../../dist/lib/render/render.js';

const [source, target, without = '', orchestration = ''] = process.argv.slice(2);
const detection = detect(source);
const provided = resolveProvided({ detection, ...(orchestration ? { flags: { orchestration } } : {}) });
const answers = checkAnswers(requireComplete(fillDefaults(provided, detection)), source);
const files = renderAll(plan(answers, areaNames.filter((name) => name !== without)));
for (const file of files) {
  mkdirSync(path.dirname(path.join(target, file.path)), { recursive: true });
  writeFileSync(path.join(target, file.path), file.contents);
}
process.stdout.write(`${files.length}\n`);
