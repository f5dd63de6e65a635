// `sparkify etl` from S3 to S3 on the real Udacity sample, against the loopback S3: the lake it
// publishes (downloaded with awscli, read with DuckDB) must equal the local -> local lake; at a
// 10% fault rate it must be identical again; at a 100% fault rate the run must give up within
// its retry budget with a clear message, a non-zero exit and nothing published.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLoopbackS3, aws, awsAvailable, ACCESS_KEY, SECRET_KEY, AWS_CLI } from './loopback_s3.mjs';
import {
  Checks, TABLES, expectExit, expectSameRows, loadLake, makeTempDir, openDuck, requireSample,
  runSparkify, sparkifyBin, describeRun,
} from '../e2e/lib/harness.mjs';

const sample = requireSample();
if (!awsAvailable()) {
  console.log(`SKIP: ${AWS_CLI} (Debian's awscli) is not installed; run scripts/setup.sh`);
  process.exit(77);
}
sparkifyBin();
const probe = await runSparkify(['etl', '--help']);
if (probe.code !== 0 || !probe.stdout.includes('--endpoint')) {
  console.log('SKIP: this sparkify has no `etl` command with S3 flags yet');
  process.exit(77);
}

const checks = new Checks('etl s3');
const work = makeTempDir('s3');
const s3 = await startLoopbackS3({ buckets: ['udacity-dend', 'lake'] });
process.on('exit', () => s3.killNow());
const conn = await openDuck();

// Credentials reach sparkify through a dl.cfg, as in the Udacity project.
const cfg = path.join(work, 'dl.cfg');
fs.writeFileSync(cfg, `[AWS]\nKEY = ${ACCESS_KEY}\nSECRET = '${SECRET_KEY}'\nENDPOINT = ${s3.endpoint}\n`);
const cleanEnv = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_ENDPOINT_URL: '' };
const etl = (input, output, extra = []) =>
  runSparkify(['etl', '--input', input, '--output', output, '--config', cfg, ...extra], { env: cleanEnv, guardMs: 600_000 });

async function download(prefix, dir) {
  const r = await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', `s3://lake/${prefix}/`, dir]);
  assert.equal(r.code, 0, `aws s3 cp failed: ${r.stderr}`);
  return dir;
}

async function keysUnder(prefix) {
  const r = await aws(s3.endpoint, ['s3api', 'list-objects-v2', '--bucket', 'lake', '--prefix', `${prefix}/`, '--output', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout.toString().trim();
  return text ? (JSON.parse(text).Contents ?? []).map((o) => o.Key.slice(prefix.length + 1)) : [];
}

async function expectSameLake(dir, schema) {
  await loadLake(conn, dir, schema);
  for (const t of TABLES) {
    const q = (s) => `${s}.${t === 'time' ? '"time"' : t}`;
    await expectSameRows(conn, q('local'), q(schema), t, { label: `${schema}.${t}` });
  }
  for (const t of TABLES) assert.ok(fs.existsSync(path.join(dir, t, '_SUCCESS')), `${schema}: ${t}/_SUCCESS missing`);
}

const up = await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', sample, 's3://udacity-dend/']);
if (!(await checks.check('the sample uploads to the loopback S3 with awscli', async () => assert.equal(up.code, 0, up.stderr)))) checks.finish();

const localOut = path.join(work, 'local-lake');
const local = await runSparkify(['etl', '--input', sample, '--output', localOut]);
if (!(await checks.check('local -> local etl exits 0', async () => expectExit(local, 0)))) checks.finish();
await loadLake(conn, localOut, 'local');

await checks.check('s3 -> s3 gives the same lake as local -> local', async () => {
  const r = await etl('s3://udacity-dend', 's3a://lake/clean');
  expectExit(r, 0);
  await expectSameLake(await download('clean', path.join(work, 'clean')), 'clean');
});

await checks.check('a rerun over the same S3 output replaces each table whole', async () => {
  const before = await keysUnder('clean');
  const r = await etl('s3://udacity-dend', 's3://lake/clean');
  expectExit(r, 0);
  const after = await keysUnder('clean');
  const parquet = (keys) => keys.filter((k) => k.endsWith('.parquet'));
  assert.equal(parquet(after).length, parquet(before).length, 'the old files were not removed');
  assert.equal(parquet(after).filter((k) => before.includes(k)).length, 0, 'new files must have new names');
  fs.rmSync(path.join(work, 'clean2'), { recursive: true, force: true });
  await expectSameLake(await download('clean', path.join(work, 'clean2')), 'clean2');
});

await checks.check('incremental loads on S3 (songs and 10 days, then 10 loads of a day each, the last writing a whole record, then the rest; a kill after the time uploads completed, then again) equal local -> local', async () => {
  const days = fs.readdirSync(path.join(sample, 'log_data'), { recursive: true })
    .filter((f) => f.endsWith('.json')).sort();
  const upload = async (from, to) => {
    const r = await aws(s3.endpoint, ['s3', 'cp', '--only-show-errors', ...(fs.statSync(from).isDirectory() ? ['--recursive'] : []), from, to]);
    assert.equal(r.code, 0, r.stderr);
  };
  await upload(path.join(sample, 'song_data'), 's3://udacity-dend/daily/song_data/');
  for (const d of days.slice(0, 10)) await upload(path.join(sample, 'log_data', d), `s3://udacity-dend/daily/log_data/${d}`);
  expectExit(await etl('s3://udacity-dend/daily', 's3://lake/daily', ['--mode', 'incremental']), 0);
  // Records 2-10 are changes on record 1; record 11 is whole again, and 1-10 go.
  for (const d of days.slice(10, 20)) {
    await upload(path.join(sample, 'log_data', d), `s3://udacity-dend/daily/log_data/${d}`);
    expectExit(await etl('s3://udacity-dend/daily', 's3://lake/daily', ['--mode', 'incremental']), 0);
  }
  const records = async () => (await keysUnder('daily')).filter((k) => k.startsWith('_sparkify/commits/')).map((k) => Number(path.basename(k, '.json')));
  assert.deepEqual(await records(), [11]);
  for (const d of days.slice(20)) await upload(path.join(sample, 'log_data', d), `s3://udacity-dend/daily/log_data/${d}`);
  const killed = await runSparkify(['etl', '--input', 's3://udacity-dend/daily', '--output', 's3://lake/daily', '--config', cfg,
    '--mode', 'incremental'], { env: { ...cleanEnv, SPARKIFY_TEST_KILL_AT: 'completed-time' } });
  assert.equal(killed.signal, 'SIGKILL', describeRun(killed));
  expectExit(await etl('s3://udacity-dend/daily', 's3://lake/daily', ['--mode', 'incremental']), 0);
  const again = await etl('s3://udacity-dend/daily', 's3://lake/daily', ['--mode', 'incremental']);
  expectExit(again, 0);
  assert.match(again.stdout, /nothing new/);
  await expectSameLake(await download('daily', path.join(work, 'daily')), 'daily');
  assert.deepEqual((await keysUnder('daily')).filter((k) => k.startsWith('_sparkify/runs/')), []);
  assert.deepEqual(await records(), [11, 12]);
});

await checks.check('at 10% faults (500, 503 SlowDown, drops, truncations, slow replies) the lake is identical', async () => {
  await s3.setFaults({ rate: 0.1, kinds: ['500', '503', 'drop', 'truncate', 'slow'], slow_ms: 300, seed: 11 });
  await s3.resetStats();
  const r = await etl('s3://udacity-dend', 's3://lake/faulty');
  const stats = await s3.stats();
  await s3.clearFaults();
  expectExit(r, 0);
  assert.ok(Object.values(stats.faults).reduce((a, b) => a + b, 0) >= 10, `too few faults injected: ${JSON.stringify(stats)}`);
  await expectSameLake(await download('faulty', path.join(work, 'faulty')), 'faulty');
});

await checks.check('at 100% faults the run gives up within its budget: clear message, non-zero exit, nothing published', async () => {
  await s3.setFaults({ rate: 1, kinds: ['503', '500', 'drop'] });
  const fresh = await etl('s3://udacity-dend', 's3://lake/doomed');
  // Over a published lake: the previous tables must survive untouched.
  const over = await etl('s3://udacity-dend', 's3://lake/clean');
  await s3.clearFaults();
  for (const r of [fresh, over]) {
    assert.notEqual(r.code, 0, describeRun(r));
    assert.equal(r.signal, null, describeRun(r));
    // Ended by the retry budget (10 attempts by default), not by the test's guard (signal).
    assert.match(r.stderr, /gave up after 10 attempts/, describeRun(r));
    assert.equal(r.stderr.trim().split('\n').length, 1, `more than one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, new RegExp(SECRET_KEY), 'the secret leaked into a message');
    assert.doesNotMatch(r.stderr, /terminate called|Aborted|core dumped/, describeRun(r));
  }
  assert.deepEqual((await keysUnder('doomed')).filter((k) => k.endsWith('_SUCCESS') || k.endsWith('.parquet')), []);
  fs.rmSync(path.join(work, 'after-doom'), { recursive: true, force: true });
  await expectSameLake(await download('clean', path.join(work, 'after-doom')), 'after_doom');
});

await s3.stop();
checks.finish();
