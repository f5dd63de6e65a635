// One new day into an existing lake: `etl --mode incremental` against a full rebuild over the same
// input (SPEC §9; target: the load under 10% of the rebuild's time). Both run on tmpfs,
// alternated, --reps times each; medians, bytes written and peak RSS are printed as one JSON
// object (and written to bench/results/incremental-<date>[-<label>].json).
//
//   node bench/incremental.mjs [--songs 50000] [--events 2000000] [--days 30] [--reps 3]
//                              [--threads N] [--build build] [--work /dev/shm/sparkify-incremental]
//                              [--label NAME] [--chain K]
//
// The input is generated once (L-tier shape by default: one day ≈ 66k events). The lake of every
// day but the last is built once with a full run; each incremental rep starts from a copy of it
// (the copy is not timed) and loads the last day. With --chain K the lake's load record is a
// chain of K records (a whole one and K - 1 changes; see README, Incremental loads): --chain 10
// times the load that writes a whole record again, as every tenth does.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBinaries, generateOnce, machineName, median, parseOptions, resultFile, sh } from './lib/common.mjs';
import { exitOnHelp } from './lib/usage.mjs';

exitOnHelp(import.meta.url);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = parseOptions({
  songs: 50000, events: 2000000, days: 30, reps: 3, threads: os.availableParallelism?.() ?? os.cpus().length,
  build: path.join(REPO, 'build'), work: '/dev/shm/sparkify-incremental', seed: 42, label: '', chain: 1,
});
const { sparkify, tool } = benchBinaries(args.build);
const listJson = (dir) => readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.json')).sort();

const input = path.join(args.work, 'input');
const wanted = { songs: args.songs, events: args.events, days: args.days, seed: args.seed };
generateOnce(sparkify, input, wanted, args.threads);
// The days the lake's full run takes, as hard links: the same files (size, modification time)
// the full input holds; with --chain K, every day but the last K, and then K - 1 of those days
// loaded one incremental run each, so the lake's load record is a chain of K records.
const days = listJson(path.join(input, 'log_data'));
const chain = Math.max(1, Math.min(Number(args.chain), days.length - 1));
const earlier = path.join(args.work, 'input-earlier');
const linkDays = (ds) => {
  for (const d of ds) {
    mkdirSync(path.dirname(path.join(earlier, 'log_data', d)), { recursive: true });
    sh('ln', [path.join(input, 'log_data', d), path.join(earlier, 'log_data', d)]);
  }
};
rmSync(earlier, { recursive: true, force: true });
mkdirSync(earlier, { recursive: true });
sh('cp', ['-al', path.join(input, 'song_data'), path.join(earlier, 'song_data')]);
linkDays(days.slice(0, days.length - chain));
const base = path.join(args.work, 'lake-base');
rmSync(base, { recursive: true, force: true });
console.error(`building the lake of ${days.length - 1} days (a load record of ${chain} record(s)) ...`);
sh(sparkify, ['etl', '--input', earlier, '--output', base, '--threads', String(args.threads), '--no-progress']);
for (const d of days.slice(days.length - chain, -1)) {
  linkDays([d]);
  sh(sparkify, ['etl', '--mode', 'incremental', '--input', earlier, '--output', base, '--threads', String(args.threads), '--no-progress']);
}

// Every file under `lake`: its inode, modification time and size, by path relative to the lake.
function filesOf(lake) {
  const out = new Map();
  for (const rel of readdirSync(lake, { recursive: true })) {
    const st = statSync(path.join(lake, rel), { bigint: true });
    if (st.isFile()) out.set(rel, { ino: st.ino, mtime: st.mtimeNs, size: Number(st.size) });
  }
  return out;
}

// What a run wrote into `lake`: files that were not there before, or were but have been written
// since (a file linked from the lake's own earlier state is not written), as table data, the
// load record (_sparkify: commits and state) and the rest (_SUCCESS manifests, _rejects).
function written(lake, before) {
  const old = new Map([...before.values()].map((f) => [f.ino, f.mtime]));
  const w = { tables: 0, record: 0, other: 0, files: 0 };
  for (const [rel, f] of filesOf(lake)) {
    if (old.get(f.ino) === f.mtime) continue;
    w.files++;
    if (rel.startsWith('_sparkify')) w.record += f.size;
    else if (rel.endsWith('.parquet')) w.tables += f.size;
    else w.other += f.size;
  }
  return w;
}

function timed(name, argv, rep) {
  const prefix = path.join(args.work, `${name}-${rep}`);
  const report = `${prefix}.json`;
  const r = JSON.parse(sh(tool, ['run', '--stdout', `${prefix}.out`, '--stderr', `${prefix}.err`, '--',
    sparkify, ...argv, '--threads', String(args.threads), '--report', report, '--no-progress']));
  if (r.exit_code !== 0) throw new Error(`${name} exited ${r.exit_code}: ${readFileSync(`${prefix}.err`, 'utf8')}`);
  const rep_ = JSON.parse(readFileSync(report, 'utf8'));
  const bytes = Object.values(rep_.tables).reduce((a, t) => a + t.bytes, 0);
  const files = Object.values(rep_.tables).reduce((a, t) => a + t.files, 0);
  return { wall_s: r.wall_s, cpu_s: r.user_s + r.sys_s, max_rss_kb: r.max_rss_kb, bytes, files, report: rep_ };
}

const runs = { full: [], incremental: [] };
for (let rep = 0; rep < args.reps; rep++) {
  const order = rep % 2 ? ['incremental', 'full'] : ['full', 'incremental'];
  for (const name of order) {
    const lake = path.join(args.work, `lake-${name}`);
    rmSync(lake, { recursive: true, force: true });
    if (name === 'incremental') cpSync(base, lake, { recursive: true });
    const before = name === 'incremental' ? filesOf(lake) : new Map();
    spawnSync('sync');
    const argv = ['etl', '--input', input, '--output', lake, ...(name === 'incremental' ? ['--mode', 'incremental'] : [])];
    const run = timed(name, argv, rep);
    run.written = written(lake, before);
    runs[name].push(run);
  }
}
const summary = (rs) => ({
  median_s: median(rs.map((r) => r.wall_s)), median_cpu_s: median(rs.map((r) => r.cpu_s)),
  peak_rss_mb: Math.max(...rs.map((r) => r.max_rss_kb)) / 1024, bytes_written: rs[0].bytes, files_written: rs[0].files,
  // Everything the run wrote, the load record and manifests included.
  all_bytes_written: rs[0].written.tables + rs[0].written.record + rs[0].written.other,
  record_bytes_written: rs[0].written.record, other_bytes_written: rs[0].written.other,
  all_files_written: rs[0].written.files,
});
const inc = runs.incremental.at(-1).report;
const result = {
  date: new Date().toISOString(), machine: machineName(),
  cores: os.cpus().length, threads: args.threads, input: wanted, reps: args.reps, chain,
  new_day: { file: days.at(-1), events: inc.stages.logs?.records ?? null, songplays: inc.songplays.rows },
  full: summary(runs.full), incremental: summary(runs.incremental),
  incremental_tables: inc.tables, incremental_stages: inc.stages,
};
result.time_ratio = result.incremental.median_s / result.full.median_s;
result.bytes_ratio = result.incremental.bytes_written / result.full.bytes_written;
result.all_bytes_ratio = result.incremental.all_bytes_written / result.full.all_bytes_written;
writeFileSync(resultFile(REPO, 'incremental', args.label, result.date), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
