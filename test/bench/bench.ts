/**
 * `npm run bench`: median wall time and peak memory of `phase4 --defaults` (a full scaffold into a fresh
 * copy each run) on the bundled sample app and on a generated monorepo of 50 services; what each area adds
 * to a full scaffold of the sample app (its budget is 50 ms); and the time detection takes on a generated
 * repository of 20,000 files (its budget is 1 s). Over a budget, the bench fails.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { areaNames } from '../../lib/areas/index.js';
import { detect } from '../../lib/detect/index.js';
import { bigRepository } from './big-repo.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'bin', 'phase4.js');
const preload = path.join(root, 'test', 'bench', 'report-rss.mjs');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'phase4-bench-'));

/** A monorepo of `count` services: npm workspaces, alternating Express APIs, workers and React apps. */
const monorepo = (count: number): string => {
  const dir = path.join(scratch, `monorepo-${count}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'big', private: true, workspaces: ['services/*'] }));
  writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'big', lockfileVersion: 3, packages: {} }));
  for (let index = 0; index < count; index += 1) {
    const service = path.join(dir, 'services', `svc-${index}`);
    mkdirSync(service, { recursive: true });
    const flavour = index % 3;
    const dependencies = [{ express: '^4.21.0', pg: '^8.13.0' }, { bullmq: '^5.0.0', ioredis: '^5.4.0' }, { react: '^18.3.0' }][flavour];
    writeFileSync(path.join(service, 'package.json'), JSON.stringify({ name: `svc-${index}`, scripts: { start: 'node index.js', build: 'vite build' }, dependencies }));
    writeFileSync(path.join(service, 'index.js'), `app.get('/healthz', ok);\napp.listen(process.env.PORT || ${3000 + index});\n`);
    // A React app has an entry page; without one it would be a component library, not a service.
    if (flavour === 2) writeFileSync(path.join(service, 'index.html'), '<div id="root"></div><script type="module" src="/src/main.jsx"></script>\n');
  }
  return dir;
};

/** Detection alone, in this process, on a generated 20,000-file repository: median of the runs, 1 s budget. */
const benchDetection = () => {
  const dir = path.join(scratch, 'big');
  const { files } = bigRepository(dir);
  const times: number[] = [];
  let found = '';
  for (let run = 0; run < runs; run += 1) {
    const started = process.hrtime.bigint();
    const detection = detect(dir);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    found = detection.services.map((service) => `${service.name}@${service.path}`).join(', ');
  }
  console.log(`${'detection (20k files)'.padEnd(24)} files ${String(files).padStart(5)}  median ${median(times).toFixed(0).padStart(5)} ms   found ${found}`);
  if (median(times) > 1000) {
    console.error('detection took more than its 1 s budget');
    process.exitCode = 1;
  }
};

/** Per area: the median of full scaffolds minus the median of scaffolds without it, each in a fresh process. */
const areaBudgetMs = 50;
const benchAreas = (source: string) => {
  const core = path.join(root, 'test', 'bench', 'scaffold-core.mjs');
  const time = (without: string, orchestration: string) => {
    const target = mkdtempSync(path.join(scratch, 'area-'));
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [core, source, target, without, orchestration], { encoding: 'utf8' });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`scaffold without '${without}' failed:\n${result.stderr}`);
    rmSync(target, { recursive: true, force: true });
    return elapsed;
  };
  for (const area of areaNames) {
    // The Kustomize area writes only when the answers choose it (the defaults choose Helm).
    const orchestration = area === 'kubernetes' ? 'kustomize' : '';
    const full: number[] = [];
    const without: number[] = [];
    // Alternated, so drift in the machine's load falls on both sides alike.
    for (let run = 0; run < runs; run += 1) {
      full.push(time('', orchestration));
      without.push(time(area, orchestration));
    }
    const cost = median(full) - median(without);
    console.log(`${`area ${area}`.padEnd(24)} adds ${cost.toFixed(0).padStart(4)} ms   (median ${median(full).toFixed(0)} ms with it, ${median(without).toFixed(0)} ms without)`);
    if (cost > areaBudgetMs) {
      console.error(`area ${area} adds more than its ${areaBudgetMs} ms budget to a full scaffold`);
      process.exitCode = 1;
    }
  }
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const bench = (label: string, source: string) => {
  const times: number[] = [];
  const memory: number[] = [];
  let files = 0;
  for (let run = 0; run < runs; run += 1) {
    const target = path.join(scratch, `${label}-${run}`);
    cpSync(source, target, { recursive: true });
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--import', preload, cli, '--defaults', '--json', '-C', target], { encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`${label}: phase4 exited ${result.status}\n${result.stderr}`);
    memory.push(Number(result.stderr.match(/PHASE4_BENCH_MAXRSS_KB=(\d+)/)?.[1] ?? NaN) / 1024);
    files = JSON.parse(result.stdout).files.length;
    rmSync(target, { recursive: true, force: true });
  }
  console.log(
    `${label.padEnd(24)} files ${String(files).padStart(4)}   median ${median(times).toFixed(0).padStart(5)} ms   ` +
      `min ${Math.min(...times).toFixed(0).padStart(5)} ms   peak RSS ${median(memory).toFixed(0).padStart(4)} MiB   (${runs} runs)`,
  );
};

try {
  console.log(`phase4 --defaults, full scaffold into a fresh copy, on ${os.cpus().length} cores, Node ${process.version}`);
  const baseline = spawnSync(process.execPath, ['-e', '0']);
  if (baseline.status !== 0) throw new Error('node does not start');
  bench('sample app (3 services)', path.join(root, 'examples', 'sample-app'));
  bench('monorepo (50 services)', monorepo(50));
  benchAreas(path.join(root, 'examples', 'sample-app'));
  benchDetection();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
