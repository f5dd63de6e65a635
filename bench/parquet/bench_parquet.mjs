// Parquet writer benchmark: encodes a songplays-shaped table with our writer and with DuckDB's
// `COPY ... TO 'x.parquet'`, same rows, alternating rounds in one run, and prints medians:
// rows/s, MB/s (of the values themselves) and the ratio. Also prints the per-file cost of tiny
// files (the ETL's partitioned output). Files go to tmpfs.
//
//   node bench/parquet/bench_parquet.mjs --tool build/bench/parquet/parquet_bench
//        [--rows 1000000] [--reps 5] [--codec snappy|zstd|none] [--dir /dev/shm/sparkify-pq-bench]
//        [--tiny-files 15000]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import { exitOnHelp } from '../lib/usage.mjs';

exitOnHelp(import.meta.url);

const args = { rows: 1000000, reps: 5, codec: 'snappy', dir: '/dev/shm/sparkify-pq-bench', tinyFiles: 15000, tool: null };
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i];
  const v = process.argv[++i];
  if (k === '--rows') args.rows = Number(v);
  else if (k === '--reps') args.reps = Number(v);
  else if (k === '--codec') args.codec = v;
  else if (k === '--dir') args.dir = v;
  else if (k === '--tiny-files') args.tinyFiles = Number(v);
  else if (k === '--tool') args.tool = v;
  else throw new Error(`unknown argument ${k}`);
}
if (!args.tool) throw new Error('--tool PATH/parquet_bench is required');
const { DuckDBInstance } = await import('@duckdb/node-api');

fs.rmSync(args.dir, { recursive: true, force: true });
fs.mkdirSync(args.dir, { recursive: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Our writer, kept alive so the table is built once; one write per request.
const child = spawn(args.tool, ['serve', String(args.rows), args.dir], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value);
const ready = await next();
const ours = async (mode) => {
  child.stdin.write(`write ${args.codec}${mode === 'dictinput' ? ' dictinput' : ''}\n`);
  return next();
};

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(`CREATE TABLE songplays AS SELECT * FROM read_parquet('${args.dir}/input.parquet')`);
const [[threads]] = (await conn.runAndReadAll(`SELECT current_setting('threads')`)).getRows();
const duck = async (nthreads) => {
  await conn.run(`SET threads = ${nthreads}`);
  const file = `${args.dir}/duckdb.parquet`;
  const t0 = process.hrtime.bigint();
  await conn.run(`COPY songplays TO '${file}' (FORMAT parquet, COMPRESSION ${args.codec === 'none' ? 'uncompressed' : args.codec})`);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, bytes: fs.statSync(file).size };
};

const variants = [
  { name: 'sparkify (strings as views, 1 thread)', run: () => ours('views') },
  { name: 'sparkify (DictionaryStrings input, 1 thread)', run: () => ours('dictinput') },
  { name: `DuckDB COPY (threads=${threads})`, run: () => duck(Number(threads)) },
  { name: 'DuckDB COPY (threads=1)', run: () => duck(1) },
];
const results = variants.map(() => []);
for (const v of variants) await v.run();  // warm-up round, not counted
for (let r = 0; r < args.reps; r++) {
  for (let i = 0; i < variants.length; i++) results[i].push(await variants[i].run());
}
child.stdin.write('exit\n');

// DuckDB must read what we wrote (a guard, not a test).
const [[count]] = (await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${args.dir}/ours.parquet')`)).getRows();
if (Number(count) !== ready.rows) throw new Error(`DuckDB reads ${count} rows from our file`);

const mb = ready.logical_bytes / 1e6;
console.log(`Parquet encode, ${ready.rows} songplays-shaped rows (${mb.toFixed(1)} MB of values), ${args.codec}, ` +
  `${args.reps} alternating rounds, medians; ${os.cpus()[0].model}, ${os.cpus().length} cores`);
console.log('variant'.padEnd(46) + 'seconds'.padStart(9) + 'Mrows/s'.padStart(9) + 'MB/s'.padStart(8) + 'file MB'.padStart(9) + '  vs DuckDB(default)');
const duckMedian = median(results[2].map((x) => x.seconds));
variants.forEach((v, i) => {
  const s = median(results[i].map((x) => x.seconds));
  const bytes = results[i][results[i].length - 1].bytes;
  console.log(v.name.padEnd(46) + s.toFixed(3).padStart(9) + (ready.rows / s / 1e6).toFixed(2).padStart(9) +
    (mb / s).toFixed(0).padStart(8) + (bytes / 1e6).toFixed(2).padStart(9) + `  ${(duckMedian / s).toFixed(2)}x`);
});

// Tiny files: the per-file cost.
const tiny = spawnSync(args.tool, ['tiny', String(args.tinyFiles)], { encoding: 'utf8' });
const byShape = {};
for (const line of tiny.stdout.trim().split('\n')) {
  const r = JSON.parse(line);
  (byShape[r.shape] ??= []).push(r);
}
for (const [shape, rs] of Object.entries(byShape)) {
  const us = median(rs.map((r) => r.us_per_file));
  console.log(`tiny files, ${shape}: ${us.toFixed(2)} us/file (median of ${rs.length}), ${args.tinyFiles} files = ` +
    `${(us * args.tinyFiles / 1000).toFixed(1)} ms on one core, ~${rs[0].avg_file_bytes} bytes each`);
}
fs.rmSync(args.dir, { recursive: true, force: true });
