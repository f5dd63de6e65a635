// `mpirun -np 4 sparkify etl` from S3 to S3 through the loopback S3 (SPEC §8: S3 as the store
// every rank shares): the lake equals the one-process local lake, and each rank completes its own
// pending uploads at publish — no multipart upload and no run record is left behind; the same
// for incremental loads (3 ranks, then 2). When S3 refuses every completion, the run fails,
// nothing is published, and every rank aborts the uploads it started.
// Skips (77) without mpirun, awscli or the sample.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startLoopbackS3, aws, awsAvailable, ACCESS_KEY, SECRET_KEY, AWS_CLI } from './loopback_s3.mjs';
import {
  Checks, TABLES, describeRun, expectExit, expectSameRejects, expectSameRows, loadLake, makeTempDir, openDuck,
  readReport, requireSample, runSparkify, sparkifyBin,
} from '../e2e/lib/harness.mjs';

const sample = requireSample();
const which = spawnSync('sh', ['-c', 'command -v mpirun'], { encoding: 'utf8' });
if (which.status !== 0) {
  console.log('SKIP: mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)');
  process.exit(77);
}
if (!awsAvailable()) {
  console.log(`SKIP: ${AWS_CLI} (Debian's awscli) is not installed; run scripts/setup.sh`);
  process.exit(77);
}
sparkifyBin();
const mpirun = which.stdout.trim();
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const prefix = [mpirun, ...(asRoot ? ['--allow-run-as-root'] : []), '--oversubscribe', '--bind-to', 'none',
  '--mca', 'btl', 'self,tcp', '--mca', 'btl_tcp_if_include', 'lo', '-np', '4'];

const checks = new Checks('etl s3 mpi');
const work = makeTempDir('s3mpi');
const s3 = await startLoopbackS3({ buckets: ['udacity-dend', 'growing', 'lake'] });
process.on('exit', () => s3.killNow());
const conn = await openDuck();

const cfg = path.join(work, 'dl.cfg');
fs.writeFileSync(cfg, `[AWS]\nKEY = ${ACCESS_KEY}\nSECRET = '${SECRET_KEY}'\nENDPOINT = ${s3.endpoint}\n`);
const cleanEnv = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_ENDPOINT_URL: '' };

const up = await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', sample, 's3://udacity-dend/']);
if (!(await checks.check('the sample uploads to the loopback S3', async () => assert.equal(up.code, 0, up.stderr)))) checks.finish();

const localOut = path.join(work, 'local-lake');
const local = await runSparkify(['etl', '--input', sample, '--output', localOut, '--no-progress']);
if (!(await checks.check('local -> local etl (one process) exits 0', async () => expectExit(local, 0)))) checks.finish();
await loadLake(conn, localOut, 'local');

const report = path.join(work, 'run.json');
const r = await runSparkify(['etl', '--input', 's3://udacity-dend', '--output', 's3://lake/mpi', '--config', cfg,
  '--threads', '1', '--no-progress', '--report', report], { prefix, env: cleanEnv, guardMs: 300_000 });
await checks.check('mpirun -np 4: s3 -> s3 exits 0 and writes the one-process lake', async () => {
  expectExit(r, 0);
  assert.equal(readReport(report).ranks, 4);
  const dir = path.join(work, 'mpi');
  const cp = await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', 's3://lake/mpi/', dir]);
  assert.equal(cp.code, 0, cp.stderr);
  await loadLake(conn, dir, 'mpi');
  for (const t of TABLES) {
    const q = (s) => `${s}."${t}"`;
    await expectSameRows(conn, q('local'), q('mpi'), t, { label: `mpi.${t}` });
    assert.ok(fs.existsSync(path.join(dir, t, '_SUCCESS')), `${t}/_SUCCESS missing`);
  }
  expectSameRejects(localOut, dir);
  assert.ok(!fs.existsSync(path.join(dir, '_sparkify', 'runs')) ||
    fs.readdirSync(path.join(dir, '_sparkify', 'runs')).length === 0, 'a run record was left');
});

await checks.check('no multipart upload of any rank is left pending', async () => {
  const l = await aws(s3.endpoint, ['s3api', 'list-multipart-uploads', '--bucket', 'lake', '--output', 'json']);
  assert.equal(l.code, 0, l.stderr);
  const text = l.stdout.toString().trim();
  const uploads = text ? (JSON.parse(text).Uploads ?? []) : [];
  assert.deepEqual(uploads.map((u) => u.Key), [], describeRun(r));
});

// Incremental loads under mpirun on S3: the song files and 20 log days with 3 ranks, then the
// other days with 2; every rank completes its own uploads before the commit. The lake must be
// the one-process full lake.
const np = (n) => [...prefix.slice(0, -1), String(n)];
const days = fs.readdirSync(path.join(sample, 'log_data', '2018', '11')).sort();
const firstDays = path.join(work, 'first-days');
fs.cpSync(path.join(sample, 'song_data'), path.join(firstDays, 'song_data'), { recursive: true });
for (const d of days.slice(0, 20)) {
  fs.cpSync(path.join(sample, 'log_data', '2018', '11', d), path.join(firstDays, 'log_data', '2018', '11', d));
}
const incremental = [];
for (const [ranks, from] of [[3, firstDays], [2, sample]]) {
  const put = await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', from, 's3://growing/']);
  assert.equal(put.code, 0, put.stderr);
  incremental.push(await runSparkify(['etl', '--mode', 'incremental', '--input', 's3://growing', '--output',
    's3://lake/inc', '--config', cfg, '--threads', '1', '--no-progress'], { prefix: np(ranks), env: cleanEnv, guardMs: 300_000 }));
}
await checks.check('incremental -np 3 then -np 2 on S3: the one-process full lake, no upload left', async () => {
  for (const run of incremental) expectExit(run, 0);
  const dir = path.join(work, 'inc');
  const cp = await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', 's3://lake/inc/', dir]);
  assert.equal(cp.code, 0, cp.stderr);
  await loadLake(conn, dir, 'inc');
  for (const t of TABLES) await expectSameRows(conn, `local."${t}"`, `inc."${t}"`, t, { label: `inc.${t}` });
  const l = await aws(s3.endpoint, ['s3api', 'list-multipart-uploads', '--bucket', 'lake', '--output', 'json']);
  const text = l.stdout.toString().trim();
  assert.deepEqual((text ? (JSON.parse(text).Uploads ?? []) : []).map((u) => u.Key), []);
});

// Every CompleteMultipartUpload answered 500 (retried, then given up): the first table's
// completion fails on every rank at once.
await s3.setFaults({ rate: 1, kinds: ['500'], match: '^POST [^?]*\\?uploadId=' });
const failed = await runSparkify(['etl', '--input', 's3://udacity-dend', '--output', 's3://lake/refused',
  '--config', cfg, '--threads', '1', '--no-progress'], { prefix, env: cleanEnv, guardMs: 300_000 });
await s3.clearFaults();
await checks.check('completions refused: exit 1 with one sentence, no table object visible, no upload left', async () => {
  expectExit(failed, 1);
  const lines = failed.stderr.trim().split('\n').filter((l) => l.startsWith('sparkify'));
  assert.equal(lines.length, 1, describeRun(failed));
  assert.match(lines[0], /publishing songs/, describeRun(failed));
  const ls = await aws(s3.endpoint, ['s3', 'ls', '--recursive', 's3://lake/refused/']);
  const keys = ls.stdout.toString().split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).pop());
  assert.deepEqual(keys.filter((k) => TABLES.some((t) => k.startsWith(`refused/${t}/`))), [],
    'table objects visible');
  const l = await aws(s3.endpoint, ['s3api', 'list-multipart-uploads', '--bucket', 'lake', '--output', 'json']);
  assert.equal(l.code, 0, l.stderr);
  const text = l.stdout.toString().trim();
  const uploads = text ? (JSON.parse(text).Uploads ?? []) : [];
  assert.deepEqual(uploads.map((u) => u.Key), [], describeRun(failed));
});

checks.finish();
