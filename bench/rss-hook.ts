/**
 * Preloaded (`node -r`) into every benchmarked process: at exit it writes the process's peak
 * resident memory and CPU time to the file named by COLOSSUS_BENCH_USAGE, so each synth is
 * measured as the separate process a user runs.
 */
import * as fs from 'fs';

const file = process.env.COLOSSUS_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000) }),
    );
  });
}
