// Benchmark (not a test): the S3 write stage as the lake commit does it now — every file a
// multipart upload left pending, all completed at commit — against plain PUTs of the same
// objects (the write stage before pending uploads), alternated in one run on the loopback S3.
// The completion time is the part of the commit window that pending uploads add: between the
// first completion and the last, a reader that globs the prefix sees part of the new files.
//
//   node bench/s3/commit_writes.mjs [--objects 2160] [--size 3000] [--rounds 5] [--tool PATH]
//        [--connections 64]
// (2,160 objects of ~3 KB is the songs table of a 3,000-song input.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoopbackS3, run, ACCESS_KEY, SECRET_KEY } from '../../tests/s3/loopback_s3.mjs';
import { exitOnHelp } from '../lib/usage.mjs';

exitOnHelp(import.meta.url);

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = { objects: 2160, size: 3000, rounds: 5, connections: 64,
  tool: path.join(process.env.SPARKIFY_BUILD_DIR ?? path.join(here, '../../build'), 'tests/s3/sparkify_s3_tool') };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i], v = process.argv[++i];
  if (a === '--objects') opts.objects = Number(v);
  else if (a === '--size') opts.size = Number(v);
  else if (a === '--rounds') opts.rounds = Number(v);
  else if (a === '--tool') opts.tool = v;
  else if (a === '--connections') opts.connections = Number(v);
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}
if (!fs.existsSync(opts.tool)) { console.error(`build sparkify_s3_tool first (looked for ${opts.tool})`); process.exit(1); }

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const field = (text, name) => { const m = new RegExp(`(?:^|\\s)${name}=([0-9.]+)`).exec(text); return m ? Number(m[1]) : NaN; };

const s3 = await startLoopbackS3({ buckets: ['bench'] });
process.on('exit', () => s3.killNow());
const creds = ['--endpoint', s3.endpoint, '--access-key', ACCESS_KEY, '--secret-key', SECRET_KEY, '--connections', String(opts.connections)];
const env = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${opts.objects} objects of ${opts.size} B, ${opts.rounds} rounds each, alternated`);

const results = { put: [], pending: [], staged: [], complete: [] };
for (let round = 0; round < opts.rounds; round++) {
  for (const mode of round % 2 ? ['pending', 'put'] : ['put', 'pending']) {
    const prefix = `s3://bench/${mode}-${round}`;
    const r = await run(opts.tool, [...creds, 'put-many', prefix, String(opts.objects), String(opts.size), ...(mode === 'pending' ? ['pending'] : [])], { env });
    if (r.code !== 0) { console.error(r.stderr); process.exit(1); }
    results[mode].push(field(r.stderr, 'seconds'));
    if (mode === 'pending') {
      results.staged.push(field(r.stderr, 'staged_seconds'));
      results.complete.push(field(r.stderr, 'complete_seconds'));
    }
    const rm = await run(opts.tool, [...creds, 'rm-all', prefix], { env });
    if (rm.code !== 0) { console.error(rm.stderr); process.exit(1); }
  }
}
await s3.stop();
const fmt = (xs) => `median ${median(xs).toFixed(2)} s (${xs.map((x) => x.toFixed(2)).join(', ')})`;
console.log(`plain PUTs (visible as written):      ${fmt(results.put)}`);
console.log(`pending uploads, total:               ${fmt(results.pending)}`);
console.log(`  staging (invisible):                ${fmt(results.staged)}`);
console.log(`  completing all (the commit window): ${fmt(results.complete)}`);
console.log(`load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
