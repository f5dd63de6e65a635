// Two threads against one (the speed issue's target: --threads 2 at least 1.8× faster than
// --threads 1 on the L tier). The same input, on tmpfs, run with each thread count in turn, the
// order alternating between rounds; medians of the wall time, of each stage's seconds and of the
// rounds' own ratios are printed as one JSON object (and written to
// bench/results/threads-<date>[-<label>].json).
//
//   node bench/threads.mjs [--input DIR] [--songs 50000] [--events 2000000] [--days 30]
//                          [--reps 5] [--threads 2] [--build build] [--work /dev/shm/sparkify-threads]
//                          [--label NAME]
//
// Without --input the L-shaped input is generated once into the work folder (kept for the next run).
// A round runs both thread counts back to back, so both fall in the same phase of a machine whose
// speed swings; the median of the rounds' ratios is the headline.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBinaries, generateOnce, machineName, median, parseOptions, resultFile, sh } from './lib/common.mjs';
import { exitOnHelp } from './lib/usage.mjs';

exitOnHelp(import.meta.url);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = parseOptions({
  input: '', songs: 50000, events: 2000000, days: 30, seed: 42, reps: 5, threads: 2,
  build: path.join(REPO, 'build'), work: '/dev/shm/sparkify-threads', label: '',
});
if (!(args.threads > 1)) throw new Error('--threads must be at least 2 (it is set against 1)');
const { sparkify, tool } = benchBinaries(args.build);

mkdirSync(args.work, { recursive: true });
let input = args.input;
const wanted = { songs: args.songs, events: args.events, days: args.days, seed: args.seed };
if (!input) {
  input = path.join(args.work, 'input');
  generateOnce(sparkify, input, wanted, args.threads);
}

function timed(threads, rep) {
  const prefix = path.join(args.work, `t${threads}-${rep}`);
  const lake = path.join(args.work, 'lake');
  rmSync(lake, { recursive: true, force: true });
  spawnSync('sync');
  const report = `${prefix}.json`;
  const r = JSON.parse(sh(tool, ['run', '--stdout', `${prefix}.out`, '--stderr', `${prefix}.err`, '--',
    sparkify, 'etl', '--input', input, '--output', lake, '--threads', String(threads), '--report', report,
    '--no-progress']));
  if (r.exit_code !== 0) throw new Error(`--threads ${threads} exited ${r.exit_code}: ${readFileSync(`${prefix}.err`, 'utf8')}`);
  const rep_ = JSON.parse(readFileSync(report, 'utf8'));
  const stages = Object.fromEntries(Object.entries(rep_.stages).map(([k, v]) => [k, v.seconds]));
  // What the stages do not cover: listing the input, reading the lake's record, starting and ending.
  stages.outside = rep_.seconds - Object.values(stages).reduce((a, b) => a + b, 0);
  return { wall_s: r.wall_s, cpu_s: r.user_s + r.sys_s, max_rss_kb: r.max_rss_kb, stages };
}

const counts = [1, args.threads];
const runs = { 1: [], [args.threads]: [] };
for (let rep = 0; rep < args.reps; rep++) {
  console.error(`round ${rep + 1}/${args.reps}`);
  for (const t of rep % 2 ? [...counts].reverse() : counts) runs[t].push(timed(t, rep));
}
rmSync(path.join(args.work, 'lake'), { recursive: true, force: true });
const summary = (rs) => {
  const stageNames = Object.keys(rs[0].stages);
  return {
    median_s: median(rs.map((r) => r.wall_s)), median_cpu_s: median(rs.map((r) => r.cpu_s)),
    peak_rss_mb: Math.max(...rs.map((r) => r.max_rss_kb)) / 1024, runs_s: rs.map((r) => r.wall_s),
    stages_median_s: Object.fromEntries(stageNames.map((n) => [n, median(rs.map((r) => r.stages[n]))])),
  };
};
const one = summary(runs[1]);
const many = summary(runs[args.threads]);
const result = {
  date: new Date().toISOString(), machine: machineName(),
  cores: os.cpus().length, input: args.input || wanted, reps: args.reps, threads: args.threads,
  one_thread: one, [`${args.threads}_threads`]: many,
  speedup_of_medians: one.median_s / many.median_s,
  speedup_paired_median: median(runs[1].map((r, i) => r.wall_s / runs[args.threads][i].wall_s)),
  stage_speedups: Object.fromEntries(Object.keys(one.stages_median_s).map((n) =>
    [n, one.stages_median_s[n] / many.stages_median_s[n]])),
};
writeFileSync(resultFile(REPO, 'threads', args.label, result.date), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
console.error(`${args.threads} threads over 1: ${result.speedup_paired_median.toFixed(2)}× (median of ${args.reps} rounds' ratios; ` +
  `medians ${one.median_s.toFixed(3)} / ${many.median_s.toFixed(3)} s); target ≥ 1.8×`);
