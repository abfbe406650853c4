/**
 * Scaffolds a copy of a repository with the built generator (`phase4 --defaults`) and runs checkBuild over
 * every Dockerfile the generated compose.yaml builds, with its build context. A report, not a test: it
 * prints what it finds and exits 0.
 *
 *   npm run build && node --import tsx test/buildcheck/scaffold-report.ts [repository folder]   (default: examples/sample-app)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { checkBuild } from './index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const source = path.resolve(process.argv[2] ?? path.join(root, 'examples/sample-app'));
const repo = mkdtempSync(path.join(os.tmpdir(), 'phase4-buildcheck-'));
try {
  cpSync(source, repo, { recursive: true, filter: (file) => !/[\\/](node_modules|dist)([\\/]|$)/.test(path.relative(source, file)) });
  execFileSync(process.execPath, [path.join(root, 'dist/bin/phase4.js'), '--defaults', '-C', repo], { stdio: 'ignore' });
  const compose = existsSync(path.join(repo, 'compose.yaml')) ? (parse(readFileSync(path.join(repo, 'compose.yaml'), 'utf8')) as { services?: Record<string, { build?: { context?: string; dockerfile?: string } }> }) : {};
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    if (!service.build) continue;
    const context = path.posix.normalize(service.build.context ?? '.');
    const dockerfile = path.posix.join(context, service.build.dockerfile ?? 'Dockerfile');
    const started = performance.now();
    const problems = checkBuild({ repo, dockerfile, context });
    console.log(`${name}: ${dockerfile} (context ${context}) ${problems.length === 0 ? 'passes' : `${problems.length} problem(s)`} in ${(performance.now() - started).toFixed(1)} ms`);
    for (const found of problems) console.log(`  [${found.rule}] ${found.message}`);
  }
} finally {
  if (process.env.KEEP) console.log(`kept ${repo}`);
  else rmSync(repo, { recursive: true, force: true });
}
