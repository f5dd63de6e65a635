// Two MPI ranks against one process on one machine (SPEC §8): `mpirun -np 2 sparkify etl
// --threads 1` and `sparkify etl --threads 1` on the same input, on tmpfs, alternated, --reps
// times each. Prints one JSON object: medians, the speed-up, each rank's peak RSS and the bytes
// each rank sent and received (from --report), against the one process's peak RSS; it is also
// written to bench/results/mpi-<date>[-<label>].json.
//
//   node bench/mpi.mjs --input DIR [--ranks 2] [--reps 3] [--build build] [--work /dev/shm/sparkify-mpi]
//                      [--mca 'pml ob1'] [--label NAME]
//
// Make the input with `sparkify generate` (the L tier: --songs 50000 --events 2000000).
// --mca: Open MPI settings, as `name value` pairs split on spaces (or '' for none). By default
// `pml ob1`: at start Open MPI otherwise probes for a high-speed fabric (libfabric, PSM), which
// took 0.2 s of every run here; a machine without one ends up with ob1 anyway. Besides the wall
// times, the JSON gives the time sparkify itself reports (launch and MPI start excluded).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBinaries, machineName, median, parseOptions, resultFile } from './lib/common.mjs';
import { exitOnHelp } from './lib/usage.mjs';

exitOnHelp(import.meta.url);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = parseOptions({ input: '', ranks: 2, reps: 3, build: path.join(REPO, 'build'), work: '/dev/shm/sparkify-mpi', mca: 'pml ob1', label: '' });
if (!args.input) throw new Error('--input DIR is required (make one with sparkify generate)');
const { sparkify, tool } = benchBinaries(args.build);
const mpirun = spawnSync('sh', ['-c', 'command -v mpirun'], { encoding: 'utf8' }).stdout.trim();
if (!mpirun || !existsSync(mpirun)) throw new Error('mpirun missing');
mkdirSync(args.work, { recursive: true });

const mcaWords = args.mca.split(/\s+/).filter(Boolean);
if (mcaWords.length % 2) throw new Error(`--mca takes name value pairs, got '${args.mca}'`);
const mcaArgs = mcaWords.flatMap((w, i) => (i % 2 ? [] : ['--mca', w, mcaWords[i + 1]]));
function run(name, rep) {
  const lake = path.join(args.work, `lake-${name}`);
  const report = path.join(args.work, `${name}-${rep}.json`);
  rmSync(lake, { recursive: true, force: true });
  spawnSync('sync');
  const etl = [sparkify, 'etl', '--input', args.input, '--output', lake, '--threads', '1', '--no-progress', '--report', report];
  const cmd = name === 'ranks'
    ? [mpirun, '--allow-run-as-root', '--oversubscribe', '-q', ...mcaArgs, '-np', String(args.ranks), ...etl]
    : etl;
  const prefix = path.join(args.work, `${name}-${rep}`);
  const r = spawnSync(tool, ['run', '--stdout', `${prefix}.out`, '--stderr', `${prefix}.err`, '--', ...cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
  const t = JSON.parse(r.stdout);
  if (t.exit_code !== 0) throw new Error(`${name} exited ${t.exit_code}: ${readFileSync(`${prefix}.err`, 'utf8')}`);
  return { wall_s: t.wall_s, max_rss_kb: t.max_rss_kb, report: JSON.parse(readFileSync(report, 'utf8')) };
}

const runs = { one: [], ranks: [] };
for (let rep = 0; rep < args.reps; rep++) {
  for (const name of rep % 2 ? ['ranks', 'one'] : ['one', 'ranks']) runs[name].push(run(name, rep));
}
const last = runs.ranks.at(-1).report;
const inputBytes = last.input.bytes;
const result = {
  date: new Date().toISOString(),
  machine: machineName(),
  cores: os.cpus().length, ranks: args.ranks, reps: args.reps, input_bytes: inputBytes,
  mca: args.mca,
  one_process: {
    median_s: median(runs.one.map((r) => r.wall_s)),
    median_reported_s: median(runs.one.map((r) => r.report.seconds)),
    peak_rss_mb: Math.max(...runs.one.map((r) => r.report.memory.peak)) / 2 ** 20,
  },
  mpi: {
    median_s: median(runs.ranks.map((r) => r.wall_s)),
    median_reported_s: median(runs.ranks.map((r) => r.report.seconds)),
    per_rank: last.per_rank.map((k) => ({
      rank: k.rank, files: k.files, input_bytes: k.bytes, peak_rss_mb: k.peak_memory / 2 ** 20,
      bytes_sent: k.bytes_sent, bytes_received: k.bytes_received,
      sent_of_input: k.bytes ? k.bytes_sent / k.bytes : null,
      stage_s: k.stages,
      // Time inside collectives (before the report): mostly waiting for the slower rank.
      collective_s: k.collective_seconds,
    })),
  },
};
result.speedup = result.one_process.median_s / result.mpi.median_s;
result.speedup_reported = result.one_process.median_reported_s / result.mpi.median_reported_s;
writeFileSync(resultFile(REPO, 'mpi', args.label, result.date), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
