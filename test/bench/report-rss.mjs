// Preloaded into the benchmarked process: reports its peak resident memory when it exits.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nPHASE4_BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
