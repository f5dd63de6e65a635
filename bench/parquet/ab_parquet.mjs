// Before/after benchmark of the Parquet library: two parquet_bench builds (A = before, B = after)
// run alternately (ABBA) in one process tree, so machine load hits both alike. Per round: each writes the
// same songplays-shaped table (1 thread), then each reads the file A wrote (every column). Prints
// medians and the B/A ratio, with the load average at start and end.
//
//   node bench/parquet/ab_parquet.mjs --a OLD/parquet_bench --b NEW/parquet_bench
//        [--rows 1000000] [--reps 7] [--codec snappy|zstd|none] [--dir /dev/shm/sparkify-pq-ab]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { exitOnHelp } from '../lib/usage.mjs';

exitOnHelp(import.meta.url);

const args = { rows: 1000000, reps: 7, codec: 'snappy', dir: '/dev/shm/sparkify-pq-ab', a: null, b: null };
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i];
  const v = process.argv[++i];
  if (k === '--rows') args.rows = Number(v);
  else if (k === '--reps') args.reps = Number(v);
  else if (k === '--codec') args.codec = v;
  else if (k === '--dir') args.dir = v;
  else if (k === '--a') args.a = v;
  else if (k === '--b') args.b = v;
  else throw new Error(`unknown argument ${k}`);
}
if (!args.a || !args.b) throw new Error('--a OLD/parquet_bench and --b NEW/parquet_bench are required');
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

function server(tool, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn(tool, ['serve', String(args.rows), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value);
  return {
    child,
    ready: next(),
    write: async () => { child.stdin.write(`write ${args.codec}\n`); return next(); },
    file: path.join(dir, 'ours.parquet'),
  };
}
const read = (tool, file) => {
  const r = spawnSync(tool, ['read', file, '3'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} read failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

fs.rmSync(args.dir, { recursive: true, force: true });
const load0 = os.loadavg()[0];
const A = server(args.a, path.join(args.dir, 'a'));
const B = server(args.b, path.join(args.dir, 'b'));
const ready = await A.ready;
await B.ready;
await A.write();  // warm-up, and the file both read
await B.write();
const res = { aw: [], bw: [], ar: [], br: [] };
// ABBA order: the second of a pair runs on warmer caches, so each build goes second half the time.
for (let r = 0; r < args.reps; r++) {
  const steps = [
    async () => res.aw.push((await A.write()).seconds), async () => res.bw.push((await B.write()).seconds),
    async () => res.ar.push(read(args.a, A.file).best_seconds), async () => res.br.push(read(args.b, A.file).best_seconds),
  ];
  const order = r % 2 === 0 ? [0, 1, 2, 3] : [1, 0, 3, 2];
  for (const i of order) await steps[i]();
}
A.child.stdin.write('exit\n');
B.child.stdin.write('exit\n');
const load1 = os.loadavg()[0];

const rows = ready.rows;
console.log(`${rows} songplays-shaped rows, ${args.codec}, ${args.reps} alternating rounds, medians; ` +
            `load average ${load0.toFixed(1)} -> ${load1.toFixed(1)} on ${os.cpus().length} cores`);
for (const [label, a, b] of [['write (1 thread)', res.aw, res.bw], ['read every column', res.ar, res.br]]) {
  const ma = median(a), mb = median(b);
  console.log(`${label.padEnd(20)} A ${ma.toFixed(3)} s (${(rows / ma / 1e6).toFixed(2)} Mrows/s)   ` +
              `B ${mb.toFixed(3)} s (${(rows / mb / 1e6).toFixed(2)} Mrows/s)   B/A time ${(mb / ma).toFixed(3)}`);
}
fs.rmSync(args.dir, { recursive: true, force: true });
