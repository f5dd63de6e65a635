// Bad input and bad invocations (SPEC §5, §7): --max-bad-records, missing or unreadable input,
// unwritable output, output inside input, usage errors. Each failing run must exit with the
// right code, say why in one line on stderr, and publish nothing (earlier tables stay as they were).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  Checks, TABLES, expectExit, listFiles, makeTempDir, readRejects, readReport, runSparkify, show,
  sparkifyBin, strayLakeEntries, withoutRootPowers,
} from './lib/harness.mjs';

sparkifyBin();
const checks = new Checks('e2e bad input');
const work = makeTempDir('bad');

const song = (id, artist, title, duration) => JSON.stringify({
  num_songs: 1, artist_id: artist, artist_latitude: null, artist_longitude: null, artist_location: 'Here',
  artist_name: `Artist ${artist}`, song_id: id, title, duration, year: 2000,
});
const event = (user, ts, fields = {}) => JSON.stringify({
  artist: null, auth: 'Logged In', firstName: 'F', gender: 'M', itemInSession: 0, lastName: 'L', length: null,
  level: 'free', location: 'X', method: 'PUT', page: 'NextSong', registration: 1.5e12, sessionId: 1, song: null,
  status: 200, ts, userAgent: '"UA"', userId: String(user), ...fields,
});

function writeGood(root, variant = 0) {
  const w = (rel, text) => { fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true }); fs.writeFileSync(path.join(root, rel), text); };
  for (let i = 0; i < 3; i++) w(`song_data/A/s${i}.json`, song(`S${variant}${i}`, `AR${i}`, `Title ${i}`, 100 + i));
  w('log_data/2018/11/a.json', [1, 2, 3, 4, 5].map((u) => event(u + variant, 1541990258796 + u * 1000 + variant)).join('\n'));
}
function writeBad(root) {
  writeGood(root, 10);
  const w = (rel, text) => fs.writeFileSync(path.join(root, rel), text);
  w('song_data/A/bad1.json', '{"song_id": "SX", ');
  w('song_data/A/bad2.json', song(null, 'AR9', 'No id', 1));
  w('log_data/2018/11/b.json', ['{"page":"NextSong",', event(7, undefined), event('abc', 1541990258796)].join('\n'));
}

/** rel path -> sha256 of every file in the five table folders. */
function snapshot(lake) {
  const snap = {};
  for (const t of TABLES) {
    for (const rel of listFiles(path.join(lake, t))) {
      snap[`${t}/${rel}`] = crypto.createHash('sha256').update(fs.readFileSync(path.join(lake, t, rel))).digest('hex');
    }
  }
  return snap;
}

function expectOneLineError(r, mention) {
  const err = r.stderr.trim();
  assert.ok(err.length > 0, 'stderr is empty');
  assert.equal(err.split('\n').length, 1, `stderr has more than one line:\n${r.stderr}`);
  assert.doesNotMatch(err, /terminate called|what\(\)|Aborted|core dumped|Segmentation|stack/i, 'looks like a crash');
  if (mention) assert.ok(err.includes(mention), `stderr does not name ${show(mention)}: ${err}`);
}

function expectNothingPublished(lake, before) {
  if (before) {
    assert.deepStrictEqual(snapshot(lake), before, 'the earlier tables changed');
  } else {
    const published = TABLES.filter((t) => fs.existsSync(path.join(lake, t)));
    assert.deepStrictEqual(published, [], 'tables were published');
  }
}

const good = path.join(work, 'good');
const bad = path.join(work, 'bad');
writeGood(good);
writeBad(bad);
const lake = path.join(work, 'lake');
const first = await runSparkify(['etl', '--input', good, '--output', lake]);
if (!(await checks.check('a good run to start from exits 0', async () => expectExit(first, 0)))) checks.finish();
const before = snapshot(lake);

// --- --max-bad-records -------------------------------------------------------------------------
{
  const report = path.join(work, 'failed.json');
  const r = await runSparkify(['etl', '--input', bad, '--output', lake, '--max-bad-records', '4', '--report', report]);
  await checks.check('5 rejects with --max-bad-records 4: exit code 3', async () => expectExit(r, 3));
  await checks.check('5 rejects with --max-bad-records 4: the earlier tables remain, nothing published', async () => {
    expectNothingPublished(lake, before);
  });
  await checks.check('5 rejects with --max-bad-records 4: no staging left behind', async () => {
    assert.deepStrictEqual(strayLakeEntries(lake), []);
  });
  await checks.check('5 rejects with --max-bad-records 4: report says failed, with the error', async () => {
    const rep = readReport(report);
    assert.equal(rep.status, 'failed');
    assert.ok(typeof rep.error === 'string' && rep.error.trim() !== '', `error: ${show(rep.error)}`);
    assert.deepStrictEqual(rep.rejects, { songs: 2, logs: 3, total: 5 });
  });
}
{
  const out = path.join(work, 'lake-5');
  const report = path.join(work, 'ok5.json');
  const r = await runSparkify(['etl', '--input', bad, '--output', out, '--max-bad-records', '5', '--report', report]);
  await checks.check('5 rejects with --max-bad-records 5: exit 0, rejects written and counted', async () => {
    expectExit(r, 0);
    assert.equal(readRejects(out, 'songs').length, 2, 'songs.jsonl');
    assert.equal(readRejects(out, 'logs').length, 3, 'logs.jsonl');
    const rep = readReport(report);
    assert.equal(rep.status, 'ok');
    assert.deepStrictEqual(rep.rejects, { songs: 2, logs: 3, total: 5 });
  });
  const r0 = await runSparkify(['etl', '--input', good, '--output', path.join(work, 'lake-0'), '--max-bad-records', '0']);
  await checks.check('no rejects with --max-bad-records 0: exit 0', async () => expectExit(r0, 0));
}

// --- runtime errors: exit 1, one line naming the cause, nothing published ------------------------
{
  const missing = path.join(work, 'no-such-folder');
  const report = path.join(work, 'missing.json');
  const r = await runSparkify(['etl', '--input', missing, '--output', lake, '--report', report]);
  await checks.check('missing input folder: exit 1', async () => expectExit(r, 1));
  await checks.check('missing input folder: one line on stderr naming it', async () => expectOneLineError(r, 'no-such-folder'));
  await checks.check('missing input folder: earlier tables untouched', async () => expectNothingPublished(lake, before));
  await checks.check('missing input folder: report says failed, with the error', async () => {
    const rep = readReport(report);
    assert.equal(rep.status, 'failed');
    assert.ok(typeof rep.error === 'string' && rep.error.trim() !== '');
  });
  const fresh = path.join(work, 'fresh-missing');
  const r2 = await runSparkify(['etl', '--songs', missing, '--logs', path.join(good, 'log_data'), '--output', fresh]);
  await checks.check('missing --songs folder: exit 1, one line, nothing published', async () => {
    expectExit(r2, 1);
    expectOneLineError(r2, 'no-such-folder');
    expectNothingPublished(fresh);
  });
}
{
  const input = path.join(work, 'unreadable');
  writeGood(input, 20);
  const locked = path.join(input, 'log_data/2018/11/locked.json');
  fs.writeFileSync(locked, event(99, 1541990258796));
  fs.chmodSync(locked, 0o000);
  const r = await runSparkify(['etl', '--input', input, '--output', lake], { prefix: withoutRootPowers() });
  await checks.check('unreadable log file: exit 1', async () => expectExit(r, 1));
  await checks.check('unreadable log file: one line on stderr naming the file', async () => expectOneLineError(r, 'locked.json'));
  await checks.check('unreadable log file: earlier tables untouched (songs not published either)', async () => {
    expectNothingPublished(lake, before);
  });
  fs.chmodSync(locked, 0o644);
}
{
  const blocker = path.join(work, 'a-file');
  fs.writeFileSync(blocker, 'not a folder');
  const r = await runSparkify(['etl', '--input', good, '--output', path.join(blocker, 'lake')]);
  await checks.check('output under a regular file: exit 1, one line naming it', async () => {
    expectExit(r, 1);
    expectOneLineError(r, 'a-file');
  });
  // --input a file: the sentence names that file, not the song_data folder it was looked in for.
  const r1 = await runSparkify(['etl', '--input', blocker, '--output', path.join(work, 'lake-file-input')]);
  await checks.check('input a regular file: exit 1, one line naming it as a file', async () => {
    expectExit(r1, 1);
    expectOneLineError(r1, `${blocker} is a file, not a folder`);
  });
  // A --spill-dir that cannot be created fails the run before any work (it was found only when
  // spilling started, or never: a run that fits memory ignored it).
  const spillLake = path.join(work, 'lake-bad-spill');
  const r3 = await runSparkify(['etl', '--input', good, '--output', spillLake, '--spill-dir', path.join(blocker, 'spill')]);
  await checks.check('a --spill-dir under a regular file: exit 1, one line naming it, nothing published', async () => {
    expectExit(r3, 1);
    expectOneLineError(r3, '--spill-dir');
    expectNothingPublished(spillLake);
  });
  // A named pipe where a Parquet file is expected: an error at once (opening it waited forever).
  const fifo = path.join(work, 'pipe.parquet');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    const r4 = await runSparkify(['parquet', 'schema', fifo], { guardMs: 20_000 });
    await checks.check('parquet schema on a named pipe: exit 1 at once, one line', async () => {
      assert.ok(!r4.guarded, 'it waited for a writer');
      expectExit(r4, 1);
      expectOneLineError(r4, 'not a regular file');
    });
  }
  const ro = path.join(work, 'read-only');
  fs.mkdirSync(ro);
  fs.chmodSync(ro, 0o555);
  const r2 = await runSparkify(['etl', '--input', good, '--output', path.join(ro, 'lake')], { prefix: withoutRootPowers() });
  await checks.check('output in a read-only folder: exit 1, one line naming it', async () => {
    expectExit(r2, 1);
    expectOneLineError(r2, 'read-only');
    assert.deepStrictEqual(fs.readdirSync(ro), []);
  });
  fs.chmodSync(ro, 0o755);
}
{
  const input = path.join(work, 'nest');
  writeGood(input, 30);
  const listing = listFiles(input);
  for (const [what, target] of [['inside the input', path.join(input, 'lake')],
                                ['inside song_data', path.join(input, 'song_data', 'lake')],
                                ['the input itself', input],
                                // Every local input is inside "/" (the check once missed it).
                                ['the root folder', '/']]) {
    const r = await runSparkify(['etl', '--input', input, '--output', target]);
    await checks.check(`output ${what}: exit 1, one line, input untouched`, async () => {
      expectExit(r, 1);
      expectOneLineError(r);
      assert.deepStrictEqual(listFiles(input), listing);
    });
  }
}

// --- a log line too long to hold ------------------------------------------------------------------
// 400 MiB of one line (concatenated gzip members, one file) between two good events: the line is
// rejected with its length and first 64 KiB, the events around it load, and the run stays under
// a --memory-limit far below the line's size (it once held the line whole, 3x past the limit).
{
  const input = path.join(work, 'long-line');
  writeGood(input, 40);
  const mib = zlib.gzipSync(Buffer.alloc(1 << 20, 'q'));
  const members = [zlib.gzipSync(`${event(41, 1541990259796)}\n{"x":"`)];
  for (let i = 0; i < 400; i++) members.push(mib);
  members.push(zlib.gzipSync(`"}\n${event(42, 1541990260796)}\n`));
  fs.writeFileSync(path.join(input, 'log_data/2018/11/b.json.gz'), Buffer.concat(members));
  const out = path.join(work, 'lake-long-line');
  const report = path.join(work, 'long-line.json');
  const r = await runSparkify(['etl', '--input', input, '--output', out, '--memory-limit', '128MB', '--report', report]);
  await checks.check('a 400 MiB log line: exit 0, rejected with its length, its neighbours loaded', async () => {
    expectExit(r, 0);
    const rejects = readRejects(out, 'logs');
    assert.equal(rejects.length, 1, JSON.stringify(rejects.map((x) => x.reason)));
    const [x] = rejects;
    const length = 400 * (1 << 20) + '{"x":"'.length + '"}'.length;
    assert.equal(x.source, 'log_data/2018/11/b.json.gz');
    assert.equal(x.line, 2);
    assert.equal(x.offset, event(41, 1541990259796).length + 1);
    assert.match(x.reason, new RegExp(`^line too long: ${length} bytes, at most 1048576`));
    assert.equal(x.raw, `{"x":"${'q'.repeat(65536 - 6)}`);
    const rep = readReport(report);
    assert.equal(rep.tables.songplays.rows, 7, 'songplays: 5 of a.json and the 2 around the long line');
    assert.ok(rep.memory.peak < 128 * 1024 * 1024, `peak ${rep.memory.peak} bytes`);
  });
}

// --- usage errors: exit 2 -------------------------------------------------------------------------
const usage = [
  ['no --input or --output', ['etl']],
  ['no --output', ['etl', '--input', good]],
  ['no input', ['etl', '--output', path.join(work, 'u1')]],
  ['unknown option', ['etl', '--input', good, '--output', path.join(work, 'u2'), '--bogus']],
  ['--only with a bad value', ['etl', '--input', good, '--output', path.join(work, 'u3'), '--only', 'artists']],
  ['--compression with a bad value', ['etl', '--input', good, '--output', path.join(work, 'u4'), '--compression', 'lz4']],
  ['--threads not a number', ['etl', '--input', good, '--output', path.join(work, 'u5'), '--threads', 'many']],
  ['--max-bad-records not a number', ['etl', '--input', good, '--output', path.join(work, 'u6'), '--max-bad-records', 'x']],
  ['unknown subcommand', ['frobnicate']],
  ['--memory-limit without a unit', ['etl', '--input', good, '--output', path.join(work, 'u1'), '--memory-limit', '512']],
  ['--max-bad-records below 0', ['etl', '--input', good, '--output', path.join(work, 'u1'), '--max-bad-records', '-5']],
  ['verify --threads 0', ['verify', '--lake', lake, '--threads', '0']],
  ['report --threads -1', ['report', '--lake', lake, '--output', path.join(work, 'u1'), '--threads', '-1']],
  // Checked before the run: the lake is not published and then the report found unwritable.
  ['--report where no file can be written', ['etl', '--input', good, '--output', path.join(work, 'u1'), '--report', '/proc/sparkify-report.json']],
];
for (const [what, args] of usage) {
  const r = await runSparkify(args);
  await checks.check(`usage error (${what}): exit 2, nothing written`, async () => {
    expectExit(r, 2);
    // One line naming the command, as every other error (CLI11's own were two, unprefixed).
    if (args[0] !== 'frobnicate') expectOneLineError(r, `sparkify ${args[0]}: `);
    else expectOneLineError(r, 'sparkify: ');
    for (const u of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) assert.ok(!fs.existsSync(path.join(work, u)), `${u} created`);
  });
}

checks.finish();
