// The whole-pipeline benchmark: for each tier it runs sparkify and the DuckDB SQL peer on the same
// input, alternately, several times each, next to this machine's I/O floor, and prints one table.
// Results (with the machine described) go to bench/results/<tier>-<date>[-<label>].json.
//
//   node bench/run.mjs [--tiers S,M,L] [--xl] [--reps 3] [--threads N] [--build build]
//                      [--work /dev/shm/sparkify-bench] [--disk DIR] [--no-peer] [--seed 42]
//                      [--keep] [--peer-memory 8GB] [--label NAME]
//
// Tiers: S the real Udacity sample; M 15k songs / 8k events (the Udacity full-data shape);
// L 50k songs / 2M events; XL 200k songs / 20M events (opt-in: --xl or --tiers XL).
// Headline figures have input and output on tmpfs (--work); --disk DIR adds the same runs with
// input and output under DIR, alternated with the tmpfs ones in the same run. Each tier's work
// folder is removed afterwards unless --keep. --peer-memory caps DuckDB's memory (it spills to
// the temp folder beyond it): at XL, on a machine shared with others, cap it.
// Each tier also runs the log-parsing contest (bench/pipeline/parse_bench.cpp): sparkify's
// EventParser against a bare simdjson On-Demand walk over the same log files, one thread,
// alternated; its ratio is the parse target (--no-parse skips it).
import { spawnSync } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultFile } from './lib/common.mjs';
import { exitOnHelp } from './lib/usage.mjs';

exitOnHelp(import.meta.url);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TIERS = {
  S: { sample: true, note: 'real Udacity sample' },
  M: { songs: 15000, events: 8000, note: 'Udacity full-data shape' },
  L: { songs: 50000, events: 2000000, note: '' },
  XL: { songs: 200000, events: 20000000, note: 'opt-in' },
};

// The issues' targets (benchmark figures, not tests): speed-up over the peer, ratio to the
// floor, peak RSS. L's speed-up and floor ratio are the speed issue's (they were 15× and 2.5×).
const TARGETS = {
  M: { speedup: 15, floor_ratio: 2.0, rss_mb: 512 },
  L: { speedup: 25, floor_ratio: 2.0, rss_mb: 1024 },
};

function parseArgs(argv) {
  const a = {
    tiers: ['S', 'M', 'L'], reps: 3, threads: os.availableParallelism?.() ?? os.cpus().length,
    build: 'build', work: '/dev/shm/sparkify-bench', disk: null, peer: true, seed: 42,
    keep: false, peerMemory: null, label: '',
    parse: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    if (k === '--tiers') a.tiers = v().split(',').map((t) => t.trim().toUpperCase());
    else if (k === '--xl') a.tiers.push('XL');
    else if (k === '--reps') a.reps = Number(v());
    else if (k === '--threads') a.threads = Number(v());
    else if (k === '--build') a.build = v();
    else if (k === '--work') a.work = v();
    else if (k === '--disk') a.disk = v();
    else if (k === '--no-peer') a.peer = false;
    else if (k === '--no-parse') a.parse = false;
    else if (k === '--keep') a.keep = true;
    else if (k === '--peer-memory') a.peerMemory = v();
    else if (k === '--seed') a.seed = Number(v());
    else if (k === '--label') a.label = v();
    else throw new Error(`unknown argument ${k}`);
  }
  for (const t of a.tiers) if (!TIERS[t]) throw new Error(`unknown tier ${t} (S, M, L, XL)`);
  if (!(a.reps >= 1)) throw new Error('--reps must be at least 1');
  a.build = path.resolve(REPO, a.build);
  return a;
}

function findBinary(build, candidates) {
  for (const c of candidates) {
    const p = path.join(build, c);
    if (existsSync(p)) return p;
  }
  throw new Error(`none of ${candidates.join(', ')} in ${build}; build it first ` +
                  '(cmake --build <dir> --target sparkify sparkify_bench_tool)');
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function describeMachine(build) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const cache = existsSync(path.join(build, 'CMakeCache.txt'))
    ? readFileSync(path.join(build, 'CMakeCache.txt'), 'utf8') : '';
  const cacheVar = (name) => (cache.match(new RegExp(`^${name}:[A-Z]+=(.*)$`, 'm')) ?? [])[1];
  const compilerPath = cacheVar('CMAKE_CXX_COMPILER');
  let compiler = compilerPath ?? 'unknown';
  if (compilerPath) {
    const r = spawnSync(compilerPath, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) compiler = r.stdout.split('\n')[0];
  }
  const git = (args) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout?.trim();
  const duckdbPkg = path.join(REPO, 'node_modules/@duckdb/node-api/package.json');
  return {
    cpu_model: (cpuinfo.match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? os.cpus()[0]?.model,
    cores: os.cpus().length,
    memory_gb: Number((Number((meminfo.match(/^MemTotal:\s*(\d+)/m) ?? [])[1]) / 1048576).toFixed(1)),
    kernel: `${os.type()} ${os.release()}`,
    compiler,
    build_type: cacheVar('CMAKE_BUILD_TYPE') ?? 'unknown',
    node: process.version,
    duckdb_node_api: existsSync(duckdbPkg) ? JSON.parse(readFileSync(duckdbPkg, 'utf8')).version : null,
    git_commit: git(['rev-parse', '--short', 'HEAD']),
    git_dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
  };
}

// Generates (or reuses) a tier's input under `dir`.
function prepareInput(tier, dir, args, sparkify) {
  const spec = TIERS[tier];
  if (spec.sample) {
    const sample = path.resolve(REPO, '../shared/data/udacity-sample');
    if (!existsSync(sample)) throw new Error(`tier S needs the real sample at ${sample}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const sub of ['song_data', 'log_data']) cpSync(path.join(sample, sub), path.join(dir, sub), { recursive: true });
    return;
  }
  const manifest = path.join(dir, '_generate.json');
  if (existsSync(manifest)) {
    const o = JSON.parse(readFileSync(manifest, 'utf8')).options;
    if (o.songs === spec.songs && o.events === spec.events && o.seed === args.seed &&
        o.bad_fraction === 0) return;  // the generator is deterministic: same flags, same bytes
  }
  rmSync(dir, { recursive: true, force: true });
  console.error(`  generating ${tier} input in ${dir} ...`);
  sh(sparkify, ['generate', '--output', dir, '--songs', String(spec.songs), '--events',
                String(spec.events), '--seed', String(args.seed), '--threads', String(args.threads)]);
}

function readdirSyncSafe(d) {
  return existsSync(d) ? readdirSync(d, { withFileTypes: true }) : [];
}

// Files and bytes the ETL reads (SPEC §2 discovery: .json, no '.'/'_' names).
function inputSize(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSyncSafe(d)) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        files++;
        bytes += statSync(p).size;
      }
    }
  };
  walk(path.join(dir, 'song_data'));
  walk(path.join(dir, 'log_data'));
  return { files, bytes };
}

// Runs one command under the bench tool; returns {wall_s, user_s, sys_s, max_rss_kb}.
function timed(tool, cmd, args, logPrefix) {
  const out = sh(tool, ['run', '--stdout', `${logPrefix}.out`, '--stderr', `${logPrefix}.err`,
                        '--', cmd, ...args]);
  const r = JSON.parse(out);
  if (r.exit_code !== 0) {
    const err = existsSync(`${logPrefix}.err`) ? readFileSync(`${logPrefix}.err`, 'utf8') : '';
    throw new Error(`${path.basename(cmd)} exited with ${r.exit_code}: ${err.slice(0, 2000)}`);
  }
  return r;
}

function clean(dir) {
  rmSync(dir, { recursive: true, force: true });
  spawnSync('sync');
}

function runSparkify(ctx, medium, rep) {
  const out = path.join(medium.root, 'lake-sparkify');
  const report = path.join(medium.root, `run-${rep}.json`);
  clean(out);
  const r = timed(ctx.tool, ctx.sparkify,
    ['etl', '--input', medium.input, '--output', out, '--threads', String(ctx.args.threads),
     '--report', report, '--no-progress'],
    path.join(medium.root, `sparkify-${rep}`));
  r.report = JSON.parse(readFileSync(report, 'utf8'));
  return r;
}

function runPeer(ctx, medium, rep) {
  const out = path.join(medium.root, 'lake-peer');
  clean(out);
  const prefix = path.join(medium.root, `peer-${rep}`);
  const r = timed(ctx.tool, process.execPath,
    [path.join(REPO, 'bench/peer/duckdb_peer.mjs'), '--input', medium.input, '--output', out,
     '--threads', String(ctx.args.threads),
     ...(ctx.args.peerMemory ? ['--memory-limit', ctx.args.peerMemory] : [])], prefix);
  r.peer = JSON.parse(readFileSync(`${prefix}.out`, 'utf8').trim().split('\n').pop());
  return r;
}

function floor(ctx, medium) {
  const lake = path.join(medium.root, 'lake-sparkify');
  const runs = [];
  for (let i = 0; i < 3; i++) {
    spawnSync('sync');
    runs.push(JSON.parse(sh(ctx.tool, ['floor', '--input', medium.input, '--lake', lake,
      '--scratch', path.join(medium.root, 'floor-scratch'), '--threads', String(ctx.args.threads)])));
  }
  const pick = (k) => median(runs.map((r) => r[k]));
  return { ...runs[0], list_s: pick('list_s'), read_s: pick('read_s'), create_s: pick('create_s'),
           total_s: pick('total_s'), cpu_s: pick('cpu_s'), runs: runs.length };
}

// The log-parsing contest on one thread (sparkify's EventParser vs a bare simdjson walk),
// alternated inside the tool; null when the tier has no logs to speak of.
const PARSE_TARGET = 0.6;  // EventParser at least 0.6× the bare walk's speed
function parseContest(ctx, input) {
  const logs = path.join(input, 'log_data');
  if (!existsSync(logs)) return null;
  console.error(`  parse contest on ${logs}`);
  return JSON.parse(sh(ctx.parseBench, ['--logs', logs, '--reps', String(Math.max(ctx.args.reps, 3))]));
}

function summarize(runs) {
  if (runs.length === 0) return null;
  return {
    runs: runs.length,
    median_wall_s: median(runs.map((r) => r.wall_s)),
    min_wall_s: Math.min(...runs.map((r) => r.wall_s)),
    max_wall_s: Math.max(...runs.map((r) => r.wall_s)),
    median_user_s: median(runs.map((r) => r.user_s)),
    median_sys_s: median(runs.map((r) => r.sys_s)),
    median_cpu_s: median(runs.map((r) => r.user_s + r.sys_s)),
    peak_rss_mb: Math.max(...runs.map((r) => r.max_rss_kb)) / 1024,
    walls_s: runs.map((r) => Number(r.wall_s.toFixed(4))),
  };
}

function stageMedians(runs) {
  const names = Object.keys(runs[0]?.report?.stages ?? {});
  return Object.fromEntries(names.map((n) => [n, median(runs.map((r) => r.report.stages[n].seconds))]));
}

function tableRows(report) {
  return Object.fromEntries(Object.entries(report.tables ?? {}).map(([t, v]) => [t, v.rows]));
}

async function benchTier(ctx, tier) {
  const { args } = ctx;
  console.error(`tier ${tier}: preparing`);
  // The machine may be shared: keep the load next to the figures, and say when it is high.
  const loadBefore = os.loadavg()[0];
  if (loadBefore > os.cpus().length / 2) {
    console.error(`  note: load average ${loadBefore.toFixed(2)} on ${os.cpus().length} cores; ` +
                  'figures will be noisy');
  }
  const media = [{ name: 'tmpfs', root: path.join(args.work, tier) }];
  if (args.disk) media.push({ name: 'disk', root: path.join(args.disk, tier) });
  for (const m of media) {
    m.input = path.join(m.root, 'input');
    mkdirSync(m.root, { recursive: true });
  }
  prepareInput(tier, media[0].input, args, ctx.sparkify);
  if (media[1]) {
    // The same bytes on disk: copy rather than regenerate.
    rmSync(media[1].input, { recursive: true, force: true });
    cpSync(media[0].input, media[1].input, { recursive: true });
  }
  const size = inputSize(media[0].input);

  // Warm-up (untimed): checks both engines work and agree on row counts, and gives the floor the
  // lake's shape.
  for (const m of media) {
    m.warm = runSparkify(ctx, m, 'warmup');
    m.sparkify = [];
    m.peer = [];
    if (args.peer) {
      try {
        const p = runPeer(ctx, m, 'warmup');
        m.rows_sparkify = tableRows(m.warm.report);
        m.rows_peer = p.peer.rows;
        m.rows_agree = JSON.stringify(m.rows_sparkify) === JSON.stringify(m.rows_peer);
        if (!m.rows_agree) {
          console.error(`  warning: row counts differ on ${m.name}: sparkify ` +
                        `${JSON.stringify(m.rows_sparkify)} peer ${JSON.stringify(m.rows_peer)}`);
        }
      } catch (e) {
        // At XL the peer can run out of memory; keep sparkify's figures and say why.
        m.peer_error = e.message.split('\n')[0];
        console.error(`  peer failed: ${m.peer_error}`);
      }
    }
    console.error(`tier ${tier} (${m.name}): floor`);
    m.floor = floor(ctx, m);
  }

  for (let rep = 0; rep < args.reps; rep++) {
    for (const m of media) {
      console.error(`tier ${tier} (${m.name}): run ${rep + 1}/${args.reps}`);
      m.sparkify.push(runSparkify(ctx, m, rep));
      if (args.peer && !m.peer_error) {
        try {
          m.peer.push(runPeer(ctx, m, rep));
        } catch (e) {
          m.peer_error = e.message.split('\n')[0];
          console.error(`  peer failed: ${m.peer_error}`);
        }
      }
    }
  }

  const result = {
    tier, note: TIERS[tier].note, date: new Date().toISOString(), threads: args.threads,
    reps: args.reps, seed: TIERS[tier].sample ? null : args.seed,
    input: { songs: TIERS[tier].songs ?? null, events: TIERS[tier].events ?? null, ...size },
    machine: ctx.machine,
    load_average: { before: loadBefore, after: os.loadavg()[0] },
    media: {},
  };
  for (const m of media) {
    const s = summarize(m.sparkify);
    const p = summarize(m.peer);
    const mb = size.bytes / 1e6;
    result.media[m.name] = {
      input_dir: m.input,
      floor: m.floor,
      sparkify: { ...s, stages_median_s: stageMedians(m.sparkify), rows: tableRows(m.warm.report),
                  input_mb_per_s: mb / s.median_wall_s, files_per_s: size.files / s.median_wall_s },
      peer: p && { ...p, transform_median_s: median(m.peer.map((r) => r.peer.transform_s)),
                   write_median_s: median(m.peer.map((r) => r.peer.write_s)), rows: m.rows_peer,
                   input_mb_per_s: mb / p.median_wall_s, files_per_s: size.files / p.median_wall_s },
      rows_agree: m.rows_agree ?? null,
      peer_error: m.peer_error ?? null,
      speedup: p ? p.median_wall_s / s.median_wall_s : null,
      floor_ratio: s.median_wall_s / m.floor.total_s,
      cpu_speedup: p ? p.median_cpu_s / s.median_cpu_s : null,
      cpu_floor_ratio: s.median_cpu_s / m.floor.cpu_s,
    };
  }
  if (args.parse && ctx.parseBench) result.parse = parseContest(ctx, media[0].input);
  // Inputs take memory on tmpfs (XL: ~10 GB) and regenerate in seconds: keep them only if asked.
  for (const m of media) {
    clean(path.join(m.root, 'lake-sparkify'));
    clean(path.join(m.root, 'lake-peer'));
    if (!args.keep) rmSync(m.root, { recursive: true, force: true });
  }
  const file = resultFile(REPO, tier, args.label, result.date);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.error(`tier ${tier}: results in ${path.relative(REPO, file)}`);
  return result;
}

function fmt(x, digits = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return x.toFixed(digits);
}

function printParse(results) {
  for (const r of results) {
    const p = r.parse;
    if (!p) continue;
    console.log(`${r.tier} log parsing, 1 thread, ${p.files} files, ${fmt(p.bytes / 1e6, 1)} MB, ` +
                `kernel ${p.kernel}, median of ${p.reps}: bare simdjson walk ` +
                `${fmt(p.walk.gb_per_s, 3)} GB/s (CPU ${fmt(p.walk.cpu_gb_per_s, 3)}), sparkify ` +
                `${fmt(p.sparkify.gb_per_s, 3)} GB/s (CPU ${fmt(p.sparkify.cpu_gb_per_s, 3)}); ratio ` +
                `${fmt(p.ratio, 2)} (CPU ${fmt(p.cpu_ratio, 2)}; median of the ${p.reps} pairs' own ` +
                `ratios ${fmt(p.pair_ratio, 2)}), target ≥ ${PARSE_TARGET} ` +
                `${p.ratio >= PARSE_TARGET ? 'met' : 'MISSED'}`);
  }
}

function printTable(results) {
  const head = ['tier', 'medium', 'engine', 'median s', 'CPU s', 'peak RSS MB', 'input MB/s',
                'files/s', 'speed-up', '× floor', 'floor s'];
  const rows = [];
  for (const r of results) {
    for (const [medium, m] of Object.entries(r.media)) {
      rows.push([r.tier, medium, 'sparkify', fmt(m.sparkify.median_wall_s, 3),
                 fmt(m.sparkify.median_cpu_s, 3), fmt(m.sparkify.peak_rss_mb, 0), fmt(m.sparkify.input_mb_per_s, 1),
                 fmt(m.sparkify.files_per_s, 0), fmt(m.speedup, 1) + (m.speedup ? '×' : ''),
                 fmt(m.floor_ratio, 2), fmt(m.floor.total_s, 3)]);
      if (m.peer) {
        rows.push([r.tier, medium, 'duckdb-sql', fmt(m.peer.median_wall_s, 3),
                   fmt(m.peer.median_cpu_s, 3), fmt(m.peer.peak_rss_mb, 0), fmt(m.peer.input_mb_per_s, 1),
                   fmt(m.peer.files_per_s, 0), '1.0×', fmt(m.peer.median_wall_s / m.floor.total_s, 2),
                   '']);
      }
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const out = [line(head), `|${widths.map((w, i) => (i < 3 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`];
  for (const row of rows) out.push(line(row));
  console.log(out.join('\n'));

  console.log('');
  for (const r of results) {
    for (const [medium, m] of Object.entries(r.media)) {
      const st = Object.entries(m.sparkify.stages_median_s).map(([k, v]) => `${k} ${fmt(v, 3)}`).join(', ');
      const f = m.floor;
      console.log(`${r.tier}/${medium}: ${r.input.files} files, ${fmt(r.input.bytes / 1e6, 1)} MB; ` +
                  `sparkify stages (median s): ${st}; floor: list ${fmt(f.list_s, 3)} + read ` +
                  `${fmt(f.read_s, 3)} + create ${f.lake_dirs} folders/${f.lake_files} files ` +
                  `${fmt(f.create_s, 3)} s (CPU ${fmt(f.cpu_s, 3)} s); CPU-time speed-up ` +
                  `${m.cpu_speedup ? `${fmt(m.cpu_speedup, 1)}×` : '— (no peer)'}, CPU × floor ${fmt(m.cpu_floor_ratio, 2)}; ` +
                  `load ${fmt(r.load_average.before)}→` +
                  `${fmt(r.load_average.after)}` + (m.rows_agree === false ? '; ROW COUNTS DIFFER' : '') +
                  (m.peer_error ? `; peer failed: ${m.peer_error}` : ''));
      const t = TARGETS[r.tier];
      if (t && medium === 'tmpfs') {
        const ok = (c) => (c ? 'met' : 'MISSED');
        console.log(`  targets: speed-up ≥ ${t.speedup}× ${ok(m.speedup >= t.speedup)}, ` +
                    `≤ ${t.floor_ratio}× floor ${ok(m.floor_ratio <= t.floor_ratio)}, ` +
                    `RSS < ${t.rss_mb} MB ${ok(m.sparkify.peak_rss_mb < t.rss_mb)}`);
      }
    }
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ctx = {
    args,
    sparkify: findBinary(args.build, ['sparkify', 'src/cli/sparkify']),
    tool: findBinary(args.build, ['bench/pipeline/sparkify_bench_tool']),
    parseBench: existsSync(path.join(args.build, 'bench/pipeline/sparkify_parse_bench'))
      ? path.join(args.build, 'bench/pipeline/sparkify_parse_bench') : null,
    machine: describeMachine(args.build),
  };
  console.error(`sparkify bench: ${ctx.sparkify}, ${args.threads} threads, ${args.reps} runs each, ` +
                `tiers ${args.tiers.join(',')}, work ${args.work}${args.disk ? `, disk ${args.disk}` : ''}`);
  const results = [];
  for (const tier of args.tiers) results.push(await benchTier(ctx, tier));
  for (const root of [args.work, args.disk]) {
    try {
      if (root && !args.keep) rmdirSync(root);  // only when empty
    } catch { /* someone else's files, or kept ones */ }
  }
  printTable(results);
  printParse(results);
  console.log(`\n${ctx.machine.cpu_model}, ${ctx.machine.cores} cores, ${ctx.machine.memory_gb} GB, ` +
              `${ctx.machine.kernel}, ${ctx.machine.compiler}, DuckDB node-api ${ctx.machine.duckdb_node_api}`);
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
