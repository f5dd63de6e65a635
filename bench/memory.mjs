// The memory benchmark (SPEC §8): peak RSS and wall time of `sparkify etl` at growing event
// counts (50k songs), alternating this build with a baseline binary (the current one) in one run,
// plus one run per tier with a --memory-limit small enough to force spilling, alternated with
// the default-limit run, for the spilled/unspilled throughput ratio. Peak RSS is the kernel's
// (/usr/bin/time %M). Input comes from `sparkify generate` (streaming) and is kept between runs.
//
//   node bench/memory.mjs [--events 2000000,6000000,20000000] [--songs 50000] [--reps 1]
//                         [--baseline /work/main/build/sparkify] [--build build]
//                         [--work /dev/shm/sparkify-membench] [--spill-limit 112MB]
//                         [--threads N] [--keep] [--label NAME]
//
// Results go to bench/results/memory-<date>[-<label>].json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultFile } from './lib/common.mjs';
import { exitOnHelp } from './lib/usage.mjs';

exitOnHelp(import.meta.url);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const a = {
    events: [2_000_000, 6_000_000, 20_000_000], songs: 50_000, reps: 1, baseline: null,
    build: 'build', work: '/dev/shm/sparkify-membench', spillLimit: '112MB', keep: false,
    threads: os.availableParallelism?.() ?? os.cpus().length, label: '',
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    if (k === '--events') a.events = v().split(',').map(Number);
    else if (k === '--songs') a.songs = Number(v());
    else if (k === '--reps') a.reps = Number(v());
    else if (k === '--baseline') a.baseline = v();
    else if (k === '--build') a.build = v();
    else if (k === '--work') a.work = v();
    else if (k === '--spill-limit') a.spillLimit = v();
    else if (k === '--threads') a.threads = Number(v());
    else if (k === '--keep') a.keep = true;
    else if (k === '--label') a.label = v();
    else throw new Error(`unknown flag ${k}`);
  }
  return a;
}

// Runs a command under /usr/bin/time; returns {ok, rssMb, seconds, stdout, stderr}.
function timed(argv) {
  const r = spawnSync('/usr/bin/time', ['-f', 'RSS_KB=%M WALL=%e', ...argv], { encoding: 'utf8' });
  const m = /RSS_KB=(\d+) WALL=([\d.]+)/.exec(r.stderr ?? '');
  return {
    ok: r.status === 0, rssMb: m ? Number(m[1]) / 1024 : NaN, seconds: m ? Number(m[2]) : NaN,
    stdout: r.stdout, stderr: r.stderr,
  };
}

const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((p, q) => p - q);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

const args = parseArgs(process.argv.slice(2));
const bin = path.resolve(REPO, args.build, 'sparkify');
if (!existsSync(bin)) throw new Error(`no sparkify binary at ${bin}`);
const contenders = [{ name: 'this build', bin, extra: [] }];
if (args.baseline) contenders.push({ name: 'baseline', bin: args.baseline, extra: [] });
contenders.push({ name: `this build, --memory-limit ${args.spillLimit}`, bin, spill: true,
  extra: ['--memory-limit', args.spillLimit] });

mkdirSync(args.work, { recursive: true });
const results = [];
for (const events of args.events) {
  const input = path.join(args.work, `in-${args.songs}-${events}`);
  if (!existsSync(path.join(input, '_generate.json'))) {
    rmSync(input, { recursive: true, force: true });
    const g = timed([bin, 'generate', '--output', input, '--songs', String(args.songs),
      '--events', String(events), '--seed', '42']);
    if (!g.ok) throw new Error(`generate failed: ${g.stderr}`);
    console.log(`generated ${events} events: ${g.seconds} s, peak ${g.rssMb.toFixed(0)} MB`);
  }
  const runs = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let rep = 0; rep < args.reps; rep++) {
    for (const c of contenders) {  // alternated, so load drifts hit every contender alike
      const out = path.join(args.work, 'lake');
      const spill = path.join(args.work, 'spill');
      rmSync(out, { recursive: true, force: true });
      mkdirSync(spill, { recursive: true });
      const extra = c.spill ? [...c.extra, '--spill-dir', spill] : c.extra;
      const r = timed([c.bin, 'etl', '--input', input, '--output', out, '--no-progress',
        '--threads', String(args.threads), ...extra]);
      if (!r.ok) throw new Error(`${c.name} failed at ${events} events: ${r.stderr}`);
      const spilled = /spilled (.*) in ([\d,]+) files/.exec(r.stdout);
      runs[c.name].push({ ...r, spilled: spilled ? `${spilled[1]} / ${spilled[2]} files` : '' });
      console.log(`${events} events, ${c.name}: ${r.seconds} s, peak ${r.rssMb.toFixed(0)} MB` +
        `${spilled ? `, spilled ${spilled[1]} in ${spilled[2]} files` : ''}`);
    }
  }
  for (const c of contenders) {
    results.push({
      events, contender: c.name, seconds: median(runs[c.name].map((r) => r.seconds)),
      peak_rss_mb: median(runs[c.name].map((r) => r.rssMb)),
      spilled: runs[c.name].at(-1).spilled, reps: args.reps,
    });
  }
  if (!args.keep) rmSync(input, { recursive: true, force: true });
}

console.log(`\n${'events'.padStart(11)}  ${'contender'.padEnd(36)} ${'seconds'.padStart(8)} ${'peak MB'.padStart(8)}  spilled`);
for (const r of results) {
  console.log(`${String(r.events).padStart(11)}  ${r.contender.padEnd(36)} ${r.seconds.toFixed(2).padStart(8)} ` +
    `${r.peak_rss_mb.toFixed(0).padStart(8)}  ${r.spilled}`);
}
const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load average at the end: ${load} on ${os.cpus().length} cores`);
const file = resultFile(REPO, 'memory', args.label, new Date().toISOString());
writeFileSync(file, JSON.stringify({ machine: { cores: os.cpus().length, load }, args, results }, null, 2));
console.log(`wrote ${file}`);
