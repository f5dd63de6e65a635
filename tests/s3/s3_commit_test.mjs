// What readers of an S3 lake can trust, on the loopback S3 (which answers listings and multipart
// bookkeeping as S3 does): sparkify etl from S3 to S3 over a generated input of 3,000 nested song
// files and 100k events.
//  - Listing more than 1,000 nested keys goes through the parallel folder walk, with pages
//    inside each folder, and finds every key awscli finds; a server whose delimiter listings
//    return nothing (s3rver's own) still lists everything, with a debug note.
//  - S3 -> S3 equals local -> local (read with DuckDB).
//  - SIGKILL at each phase of a rerun (reading, writing, completing, between two tables'
//    publishes): a reader that globs *.parquet under each table sees
//    exactly the old table or exactly the new one, except inside the completion window (after
//    the first CompleteMultipartUpload); the next run leaves exactly the new lake and no pending
//    multipart uploads or run records.
//  - 10% faults injected into the completions still give an identical lake.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLoopbackS3, aws, awsAvailable, run, ACCESS_KEY, SECRET_KEY, AWS_CLI } from './loopback_s3.mjs';
import {
  Checks, TABLES, expectExit, expectSameRows, loadLake, makeTempDir, openDuck, runSparkify,
  sparkifyBin, describeRun, readReport,
} from '../e2e/lib/harness.mjs';

if (!awsAvailable()) {
  console.log(`SKIP: ${AWS_CLI} (Debian's awscli) is not installed; run scripts/setup.sh`);
  process.exit(77);
}
const tool = process.argv[2];
if (!tool || !fs.existsSync(tool)) {
  console.log(`SKIP: the S3 tool ${tool} is not built`);
  process.exit(77);
}
sparkifyBin();

const checks = new Checks('s3 commit');
const work = makeTempDir('s3-commit');
const s3 = await startLoopbackS3({ buckets: ['in', 'lake'] });
process.on('exit', () => s3.killNow());
const conn = await openDuck();
const creds = ['--endpoint', s3.endpoint, '--aws-access-key-id', ACCESS_KEY, '--aws-secret-access-key', SECRET_KEY];
const cleanEnv = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_ENDPOINT_URL: '' };
const toolCreds = ['--endpoint', s3.endpoint, '--access-key', ACCESS_KEY, '--secret-key', SECRET_KEY];
const etl = (output, extra = [], opts = {}) =>
  runSparkify(['etl', '--input', 's3://in', '--output', output, '--no-progress', ...creds, ...extra],
    { env: { ...cleanEnv, ...(opts.env || {}) }, guardMs: 600_000, onSpawn: opts.onSpawn });

async function listKeys(prefix) {
  const r = await aws(s3.endpoint, ['s3api', 'list-objects-v2', '--bucket', 'lake', '--prefix', prefix, '--output', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout.toString().trim();
  return text ? (JSON.parse(text).Contents ?? []).map((o) => o.Key) : [];
}

async function pendingUploads(prefix) {
  const r = await aws(s3.endpoint, ['s3api', 'list-multipart-uploads', '--bucket', 'lake', '--prefix', prefix, '--output', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout.toString().trim();
  return text ? (JSON.parse(text).Uploads ?? []) : [];
}

// Manifests are read with our tool (awscli starts too slowly to read five per state).
async function getText(key) {
  const r = await run(tool, [...toolCreds, 'cat', `s3://lake/${key}`], { env: cleanEnv });
  return r.code === 0 ? r.stdout.toString() : null;
}

// table -> {visible: sorted *.parquet names (what a glob reader reads), manifest: sorted names}.
async function lakeState(lake) {
  const keys = await listKeys(`${lake}/`);
  const state = {};
  for (const t of TABLES) {
    const base = `${lake}/${t}/`;
    const visible = keys.filter((k) => k.startsWith(base) && k.endsWith('.parquet')).map((k) => k.slice(base.length)).sort();
    const success = await getText(`${base}_SUCCESS`);
    const manifest = success ? JSON.parse(success).files.slice().sort() : null;
    state[t] = { visible, manifest };
  }
  return state;
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

async function download(prefix, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  const r = await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', `s3://lake/${prefix}/`, dir]);
  assert.equal(r.code, 0, `aws s3 cp failed: ${r.stderr}`);
  return dir;
}

async function expectSameLake(dir, schema) {
  await loadLake(conn, dir, schema);
  for (const t of TABLES) {
    const q = (s) => `${s}.${t === 'time' ? '"time"' : t}`;
    await expectSameRows(conn, q('local'), q(schema), t, { label: `${schema}.${t}` });
  }
}

// The generated input, uploaded with our own batch writer (awscli checks the listing below).
const input = path.join(work, 'input');
const gen = await runSparkify(['generate', '--output', input, '--songs', '3000', '--events', '100000', '--seed', '7']);
if (!(await checks.check('generate 3,000 songs and 100k events', async () => expectExit(gen, 0)))) checks.finish();
const put = await run(tool, [...toolCreds, 'put-tree', input, 's3://in'], { env: cleanEnv });
if (!(await checks.check('the input uploads to the loopback S3', async () => assert.equal(put.code, 0, put.stderr)))) checks.finish();

await checks.check('3,000 nested song files are listed through the parallel folder walk, as awscli lists them', async () => {
  await s3.resetStats();
  const ours = await run(tool, [...toolCreds, 'list', 's3://in/song_data'], { env: cleanEnv });
  assert.equal(ours.code, 0, ours.stderr);
  const stats = await s3.stats();
  const mine = ours.stdout.toString().split('\n').filter(Boolean).map((l) => l.slice(0, l.lastIndexOf('\t'))).sort();
  const r = await aws(s3.endpoint, ['s3api', 'list-objects-v2', '--bucket', 'in', '--prefix', 'song_data/', '--output', 'json']);
  const theirs = JSON.parse(r.stdout.toString()).Contents.map((o) => o.Key.slice('song_data/'.length)).sort();
  assert.equal(theirs.length, 3000);
  assert.ok(theirs.every((k) => k.split('/').length >= 3), 'the song files should be nested folders deep');
  assert.deepEqual(mine, theirs);
  // One plain page, then folder listings level by level: many more requests than 3 pages.
  assert.ok(stats.by_kind.ListObjectsV2 > 20, JSON.stringify(stats.by_kind));
});

await checks.check('folders of more than 1,000 nested keys are paged inside each folder', async () => {
  const tree = path.join(work, 'deep');
  for (const f of ['a', 'b']) {
    const dir = path.join(tree, 'x', 'y', f);
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 1300; i++) fs.writeFileSync(path.join(dir, `k${String(i).padStart(5, '0')}.json`), `{"i":${i}}`);
  }
  const up = await run(tool, [...toolCreds, 'put-tree', tree, 's3://in/deep'], { env: cleanEnv });
  assert.equal(up.code, 0, up.stderr);
  await s3.resetStats();
  const ours = await run(tool, [...toolCreds, 'list', 's3://in/deep'], { env: cleanEnv });
  assert.equal(ours.code, 0, ours.stderr);
  const stats = await s3.stats();
  const lines = ours.stdout.toString().split('\n').filter(Boolean);
  assert.equal(lines.length, 2600);
  assert.equal(new Set(lines).size, 2600);
  // first page + x/ + y/ (one folder each, delimiter) + a/ b/ (delimiter: 2 pages each) + ...
  assert.ok(stats.by_kind.ListObjectsV2 >= 1 + 2 + 4, JSON.stringify(stats.by_kind));
});

await checks.check('a server whose delimiter listings return nothing still lists every file, with a debug note', async () => {
  await s3.setOptions({ s3rver_listings: true });
  const r = await run(sparkifyBin(), ['etl', '--input', 's3://in', '--output', path.join(work, 'weak-lake'), '--no-progress', ...creds],
    { env: { ...cleanEnv, SPARKIFY_DEBUG: '1' } });
  await s3.setOptions({ s3rver_listings: false });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /debug: listing s3:\/\/in\/song_data\/: a listing by folder found none/);
  const report = fs.readdirSync(path.join(work, 'weak-lake', 'songs'), { recursive: true }).filter((f) => String(f).endsWith('.parquet'));
  assert.ok(report.length > 1000, `${report.length} song files`);
});

const localOut = path.join(work, 'local-lake');
const local = await runSparkify(['etl', '--input', input, '--output', localOut, '--no-progress']);
if (!(await checks.check('local -> local etl exits 0', async () => expectExit(local, 0)))) checks.finish();
await loadLake(conn, localOut, 'local');

await checks.check('s3 -> s3 over 3,000 nested song files equals local -> local; nothing pending afterwards', async () => {
  const reportFile = path.join(work, 'first.json');
  const r = await etl('s3://lake/kill', ['--report', reportFile]);
  expectExit(r, 0);
  const report = readReport(reportFile);
  console.log(`  full run ${report.seconds.toFixed(2)} s, write stage ${report.stages.write.seconds.toFixed(2)} s, ` +
    `publish (all tables: completions + _SUCCESS + deletes) ${report.stages.publish.seconds.toFixed(2)} s`);
  await expectSameLake(await download('kill', path.join(work, 'first')), 'first');
  assert.deepEqual(await pendingUploads('kill/'), []);
  assert.deepEqual(await listKeys('kill/_sparkify/runs/'), []);
});

// A rerun of the lake `kill` stopped with SIGKILL at a known point: the loopback S3 holds the
// requests matching `match` after the first `skip` unanswered, so the run stalls there, and it
// is killed once one is held. Each kill lands in the phase it names, on a fast machine or a slow
// one, with no guess at the run's timing.
async function killAt(label, match, skip) {
  await s3.resetStats();
  await s3.hold(match, skip);
  let child;
  let ended = false;
  const running = etl('s3://lake/kill', [], { onSpawn: (c) => { child = c; } });
  running.then(() => { ended = true; });
  while (!ended && (await s3.stats()).held === 0) await new Promise((r) => setTimeout(r, 20));
  if (!ended) child.kill('SIGKILL');
  const killed = await running;
  const stats = await s3.stats();
  await s3.hold();  // drops the held requests
  assert.equal(killed.signal, 'SIGKILL', `the run ended before the kill point "${label}": ${describeRun(killed)}`);
  return stats;
}

await checks.check('SIGKILL at each phase of a rerun: every table reads as the old or the new one outside the completion window; the next run leaves exactly the new lake and nothing pending', async () => {
  const completions = (s) => s.by_kind.CompleteMultipartUpload ?? 0;
  const completion = '^POST [^?]*\\?uploadId=';
  const manifest = '^PUT [^?]*/_SUCCESS$';
  const points = [
    ['reading the song files', '^GET /in/song_data/', 1500],
    ['writing, before any completion', '^POST [^?]*\\?uploads', 500],
    ['the first completion', completion, 1],
    ['halfway through the songs table\'s completions', completion, 1000],
    ['the first table\'s manifest written', manifest, 1],
    ['the second table\'s manifest written', manifest, 2],
  ];
  const outcomes = [];
  for (const [label, match, skip] of points) {
    const before = await lakeState('kill');
    for (const t of TABLES) assert.ok(before[t].manifest && same(before[t].visible, before[t].manifest), `${t} not clean before the kill`);
    const stats = await killAt(label, match, skip);
    const completing = completions(stats) > 0;
    const after = await lakeState('kill');
    const tables = {};
    for (const t of TABLES) {
      const { visible, manifest } = after[t];
      const old = same(visible, before[t].manifest);
      const fresh = manifest && !same(manifest, before[t].manifest) && same(visible, manifest);
      tables[t] = old ? 'old' : fresh ? 'new' : 'mixed';
      if (tables[t] === 'mixed') {
        assert.ok(completing, `kill at "${label}": ${t} reads mixed (${visible.length} files) before any completion started`);
      }
    }
    if (!completing) assert.ok(Object.values(tables).every((v) => v === 'old'), `kill at "${label}": a table changed before any completion`);
    outcomes.push({ label, completions: completions(stats), tables });
    // The next run cleans up and publishes exactly the new lake.
    const next = await etl('s3://lake/kill');
    expectExit(next, 0);
    const clean = await lakeState('kill');
    for (const t of TABLES) {
      assert.ok(clean[t].manifest && same(clean[t].visible, clean[t].manifest), `after the kill at "${label}" and a rerun, ${t} is not exactly its manifest`);
    }
    assert.deepEqual(await pendingUploads('kill/'), [], `pending uploads left after the kill at "${label}" and a rerun`);
    assert.deepEqual(await listKeys('kill/_sparkify/runs/'), [], 'a run record was left behind');
  }
  for (const o of outcomes) console.log(`  kill at ${o.label}: ${o.completions} completions, ${JSON.stringify(o.tables)}`);
  // Between two tables' publishes the lake holds new tables beside old ones: each whole.
  assert.ok(outcomes.some((o) => Object.values(o.tables).includes('new') && Object.values(o.tables).includes('old')),
    'no kill landed between two tables\' publishes');
  await expectSameLake(await download('kill', path.join(work, 'after-kills')), 'after_kills');
});

await checks.check('10% faults injected into the completions still give an identical lake', async () => {
  await s3.setFaults({ rate: 0.1, kinds: ['500', '503', 'drop', 'slow'], slow_ms: 200, match: '^POST .*uploadId=', seed: 5 });
  await s3.resetStats();
  const r = await etl('s3://lake/faulty');
  const stats = await s3.stats();
  await s3.clearFaults();
  expectExit(r, 0);
  const injected = Object.values(stats.faults).reduce((a, b) => a + b, 0);
  assert.ok(injected >= 20, `too few faults injected: ${JSON.stringify(stats)}`);
  await expectSameLake(await download('faulty', path.join(work, 'faulty')), 'faulty');
  assert.deepEqual(await pendingUploads('faulty/'), []);
});

await s3.stop();
checks.finish();
