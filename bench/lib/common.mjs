// What the whole-run bench scripts (incremental, mpi, threads) share: their `--name value`
// options, running a command, medians, the binaries they time, and the generated input they keep
// between runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `--name value` pairs over `defaults` (a number default makes the value a number). */
export function parseOptions(defaults, argv = process.argv.slice(2)) {
  const args = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (!(k in args)) throw new Error(`unknown option --${k}`);
    args[k] = typeof args[k] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  return args;
}

/** Runs a command to its end; its stdout, or an Error with its output when it fails. */
export function sh(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The sparkify binary and the timing tool of a build folder; an Error when one is missing. */
export function benchBinaries(build) {
  const sparkify = path.join(build, 'sparkify');
  const tool = path.join(build, 'bench/pipeline/sparkify_bench_tool');
  for (const b of [sparkify, tool]) if (!existsSync(b)) throw new Error(`${b} missing: build first`);
  return { sparkify, tool };
}

/**
 * Where a bench script saves its result: bench/results/<kind>-<date>[-<label>].json (the folder is
 * made). The date alone names one file a day, so a second run the same day replaces the first
 * unless it is given a label (`--label`: letters, digits, '.', '_' and '-').
 */
export function resultFile(repo, kind, label, date) {
  if (label && !/^[A-Za-z0-9._-]+$/.test(label)) {
    throw new Error(`--label ${label}: use letters, digits, '.', '_' and '-' only`);
  }
  const dir = path.join(repo, 'bench/results');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${kind}-${date.slice(0, 10)}${label ? `-${label}` : ''}.json`);
}

/** The machine's CPU model, as /proc/cpuinfo names it. */
export const machineName = () => (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1];

/**
 * Generates `wanted` ({songs, events, days, seed}) into `input` with `sparkify generate`, unless
 * the folder already holds that input (its _generate.json remembers what it was made from).
 */
export function generateOnce(sparkify, input, wanted, threads) {
  const manifest = path.join(input, '_generate.json');
  if (existsSync(manifest) && JSON.stringify(JSON.parse(readFileSync(manifest, 'utf8')).bench) === JSON.stringify(wanted)) {
    return;
  }
  rmSync(input, { recursive: true, force: true });
  console.error(`generating ${wanted.songs} songs / ${wanted.events} events over ${wanted.days} days in ${input} ...`);
  sh(sparkify, ['generate', '--output', input, '--songs', String(wanted.songs), '--events', String(wanted.events),
    '--days', String(wanted.days), '--seed', String(wanted.seed), '--threads', String(threads)]);
  const m = JSON.parse(readFileSync(manifest, 'utf8'));
  writeFileSync(manifest, JSON.stringify({ ...m, bench: wanted }));
}
