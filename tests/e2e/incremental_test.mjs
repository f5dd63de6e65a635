// Incremental loads (SPEC §9): log days loaded one run at a time (song files with the first) give
// exactly the lake of one full run — every row of every table, every songplay_id, the same
// rejects — on the real sample and on generated input with bad records; the same load twice
// changes nothing; a changed ingested file, a lake without a load record and a record whose
// state lost its ingested files give one sentence each; an older record listing the ingested
// files inline still loads; a load SIGKILLed at every named point of its commit, then run again,
// equals an uninterrupted one, and a reader that globs the folders never sees a songplay without
// its time row. The load record is a chain: a whole record every tenth load, changes between;
// the load that writes a whole one, killed at its points and run again, equals an uninterrupted
// one, and a chain missing a record gives one sentence (a full run rebuilds).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  Checks, TABLES, describeRun, expectExit, expectSameRows, listFiles, loadLake, makeTempDir,
  openDuck, queryRows, queryValue, readReport, requireSample, runSparkify, sparkifyBin, strayLakeEntries,
} from './lib/harness.mjs';

const sample = requireSample();
sparkifyBin();
const checks = new Checks('e2e incremental');
const conn = await openDuck();
const work = makeTempDir('incremental');
let schemas = 0;

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** sha256 of every file of the lake's tables and rejects (what "changes nothing" means). */
function snapshot(lake) {
  const snap = {};
  for (const dir of [...TABLES, '_rejects']) {
    for (const rel of listFiles(path.join(lake, dir))) {
      snap[`${dir}/${rel}`] = crypto.createHash('sha256').update(fs.readFileSync(path.join(lake, dir, rel))).digest('hex');
    }
  }
  return snap;
}

async function expectSameLake(expected, actual, label) {
  const a = `l${schemas++}`;
  const b = `l${schemas++}`;
  await loadLake(conn, expected, a);
  await loadLake(conn, actual, b);
  for (const t of TABLES) await expectSameRows(conn, `${a}."${t}"`, `${b}."${t}"`, t, { label: `${label}: ${t}` });
  for (const kind of ['songs', 'logs']) {
    const read = (lake) => {
      const f = path.join(lake, '_rejects', `${kind}.jsonl`);
      return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
    };
    assert.equal(read(actual), read(expected), `${label}: _rejects/${kind}.jsonl differs from the full run's`);
  }
  assert.deepStrictEqual(strayLakeEntries(actual), [], `${label}: stray entries`);
}

/** Loads `days` (log files relative to log_data) one run at a time; songs come with the first. */
async function loadDaily(source, days, lake, label, { env = {} } = {}) {
  const input = path.join(work, `${label}-input`);
  for (const f of listFiles(path.join(source, 'song_data'))) copy(path.join(source, 'song_data', f), path.join(input, 'song_data', f));
  fs.mkdirSync(path.join(input, 'log_data'), { recursive: true });
  const reports = [];
  for (const [i, day] of days.entries()) {
    copy(path.join(source, 'log_data', day), path.join(input, 'log_data', day));
    const reportFile = path.join(work, `${label}-${i}.json`);
    const r = await runSparkify(['etl', '--mode', 'incremental', '--input', input, '--output', lake,
      '--report', reportFile, '--no-progress'], { env });
    expectExit(r, 0);
    reports.push(readReport(reportFile));
  }
  return { input, reports };
}

// --- the real sample, one day per run ------------------------------------------------------------
const full = path.join(work, 'full');
const fullRun = await runSparkify(['etl', '--input', sample, '--output', full, '--no-progress']);
if (!(await checks.check('full run of the sample: exits 0', async () => expectExit(fullRun, 0)))) checks.finish();
const days = listFiles(path.join(sample, 'log_data'));
const daily = path.join(work, 'daily');
let dailyInput = null;
await checks.check(`the sample's ${days.length} log days loaded one incremental run each (songs with the first) equal one full run`, async () => {
  const { input, reports } = await loadDaily(sample, days, daily, 'daily');
  dailyInput = input;
  await expectSameLake(full, daily, 'daily');
  const last = reports.at(-1);
  assert.equal(last.load.mode, 'incremental');
  assert.equal(last.load.files_taken, 1);
  assert.equal(last.load.files_skipped, listFiles(path.join(sample, 'song_data')).length + days.length - 1);
  assert.ok(last.tables.songplays.rows > 0 && last.tables.songplays.written === 'appended');
  assert.equal(last.tables.songs, undefined, 'songs were rewritten although no song file was new');
  // Ids continue after the lake's largest.
  const ids = Number(await queryValue(conn, `SELECT max(songplay_id) FROM read_parquet('${daily}/songplays/**/*.parquet')`));
  const rows = Number(await queryValue(conn, `SELECT count(*) FROM read_parquet('${daily}/songplays/**/*.parquet')`));
  assert.equal(ids, rows);
  // The load record: a whole record every tenth load, changes between (each names its base).
  const commitsDir = path.join(daily, '_sparkify', 'commits');
  const records = listFiles(commitsDir).map((c) => JSON.parse(fs.readFileSync(path.join(commitsDir, c), 'utf8')));
  assert.equal(records.at(-1).version, days.length);
  assert.ok(records.length >= 1 && records.length <= 10, `${records.length} records kept`);
  assert.ok(records[0].tables !== undefined && records[0].base === undefined, 'the chain does not start with a whole record');
  for (const [i, r] of records.slice(1).entries()) {
    assert.equal(r.tables, undefined, `record ${r.version} lists every file`);
    assert.equal(r.base, records[i].version);
  }
});

await checks.check('the same incremental run again changes nothing and says so', async () => {
  assert.ok(dailyInput, 'the daily load failed');
  const before = snapshot(daily);
  const reportFile = path.join(work, 'again.json');
  const r = await runSparkify(['etl', '--mode', 'incremental', '--input', dailyInput, '--output', daily, '--report', reportFile, '--no-progress']);
  expectExit(r, 0);
  assert.match(r.stdout, /nothing new/);
  const report = readReport(reportFile);
  assert.equal(report.load.nothing_new, true);
  assert.equal(report.load.files_taken, 0);
  assert.deepStrictEqual(snapshot(daily), before);
});

await checks.check('a new file repeating events the lake has (a re-sent day under another name): time gains no duplicate rows; equal to one full run', async () => {
  assert.ok(dailyInput, 'the daily load failed');
  const resent = path.join(dailyInput, 'log_data', '2018', '11', 'zz-resent-events.json');
  fs.copyFileSync(path.join(sample, 'log_data', days[5]), resent);
  try {
    const r = await runSparkify(['etl', '--mode', 'incremental', '--input', dailyInput, '--output', daily, '--no-progress']);
    expectExit(r, 0);
    const again = path.join(work, 'full-resent');
    expectExit(await runSparkify(['etl', '--input', dailyInput, '--output', again, '--no-progress']), 0);
    await expectSameLake(again, daily, 're-sent day');
  } finally {
    fs.rmSync(resent);
  }
});

await checks.check('a changed ingested file: one sentence suggesting --mode full, exit 1, lake unchanged', async () => {
  assert.ok(dailyInput, 'the daily load failed');
  const before = snapshot(daily);
  const changed = path.join(dailyInput, 'log_data', days[3]);
  fs.appendFileSync(changed, '\n');
  try {
    const r = await runSparkify(['etl', '--mode', 'incremental', '--input', dailyInput, '--output', daily, '--no-progress']);
    expectExit(r, 1);
    assert.match(r.stderr, /has changed since \(\d+ bytes then, \d+ now\).*--mode full/);
    assert.equal(r.stderr.trim().split('\n').length, 1, describeRun(r));
    assert.deepStrictEqual(snapshot(daily), before);
    // The same bytes written again: the size is as loaded, the modification time is not.
    fs.writeFileSync(changed, fs.readFileSync(path.join(sample, 'log_data', days[3])));
    fs.utimesSync(changed, new Date(), new Date(Date.now() + 5000));
    const same = await runSparkify(['etl', '--mode', 'incremental', '--input', dailyInput, '--output', daily, '--no-progress']);
    expectExit(same, 1);
    assert.match(same.stderr, /has changed since \(the same \d+ bytes, but its modification time or ETag changed: \d+ then, \d+ now\)/);
    assert.deepStrictEqual(snapshot(daily), before);
  } finally {
    fs.writeFileSync(changed, fs.readFileSync(path.join(sample, 'log_data', days[3])));
  }
});

await checks.check('a lake without a load record: one sentence, exit 1; an empty folder starts a new lake', async () => {
  const lake = path.join(work, 'no-record');
  fs.cpSync(full, lake, { recursive: true });
  fs.rmSync(path.join(lake, '_sparkify'), { recursive: true, force: true });
  const r = await runSparkify(['etl', '--mode', 'incremental', '--input', sample, '--output', lake, '--no-progress']);
  expectExit(r, 1);
  assert.match(r.stderr, /no load record.*--mode full/);
  const fresh = path.join(work, 'fresh');
  const r2 = await runSparkify(['etl', '--mode', 'incremental', '--input', sample, '--output', fresh, '--no-progress']);
  expectExit(r2, 0);
  await expectSameLake(full, fresh, 'first incremental load into an empty folder');
});

await checks.check('a lake whose full run stopped between its tables, or written by --only: the sentence says so; a full run clears it', async () => {
  const lake = path.join(work, 'half-published');
  fs.cpSync(full, lake, { recursive: true });
  const killed = await runSparkify(['etl', '--input', sample, '--output', lake, '--no-progress'],
    { env: { SPARKIFY_TEST_KILL_AT: 'published-artists' } });
  assert.equal(killed.signal, 'SIGKILL', describeRun(killed));
  const load = ['etl', '--mode', 'incremental', '--input', sample, '--output', lake, '--no-progress'];
  let r = await runSparkify(load);
  expectExit(r, 1);
  assert.match(r.stderr, /no load record.*last full run stopped while it replaced the tables.*--mode full/);
  assert.equal(r.stderr.trim().split('\n').length, 1, describeRun(r));
  const checked = await runSparkify(['verify', '--lake', lake]);
  expectExit(checked, 1);
  assert.match(checked.stdout, /FAIL +tables hold the files of the lake's load record .*no load record: its last full run stopped/);
  expectExit(await runSparkify(['etl', '--only', 'songs', '--input', sample, '--output', lake, '--no-progress']), 0);
  r = await runSparkify(load);
  expectExit(r, 1);
  assert.match(r.stderr, /no load record.*written by a run with --only songs; rebuild it once with --mode full/);
  expectExit(await runSparkify(['etl', '--input', sample, '--output', lake, '--no-progress']), 0);
  assert.ok(!fs.existsSync(path.join(lake, '_sparkify', 'unrecorded')), 'the note outlived the full run');
  r = await runSparkify(load);
  expectExit(r, 0);
  assert.match(r.stdout, /nothing new/);
});

await checks.check('a load record that lists its ingested files inline (as records did before the state held them) still loads, and the next record moves them into the state', async () => {
  // The lake of every day but the last, its record rewritten in the older form.
  const input = path.join(work, 'inline-input');
  for (const f of listFiles(path.join(sample, 'song_data'))) copy(path.join(sample, 'song_data', f), path.join(input, 'song_data', f));
  for (const day of days.slice(0, -1)) copy(path.join(sample, 'log_data', day), path.join(input, 'log_data', day));
  const lake = path.join(work, 'inline');
  expectExit(await runSparkify(['etl', '--input', input, '--output', lake, '--no-progress']), 0);
  const commits = path.join(lake, '_sparkify', 'commits');
  const [name] = fs.readdirSync(commits);
  const record = JSON.parse(fs.readFileSync(path.join(commits, name), 'utf8'));
  const inputsDir = path.join(lake, record.state, 'inputs');
  const entries = await queryRows(conn, `SELECT path, size, version, run FROM read_parquet('${inputsDir}/*.parquet')`);
  assert.equal(entries.length, record.input_files);
  delete record.input_files;
  record.inputs = entries.map((e) => ({ path: e.path, size: Number(e.size), version: e.version, run: e.run }));
  fs.writeFileSync(path.join(commits, name), JSON.stringify(record));
  fs.rmSync(inputsDir, { recursive: true });

  copy(path.join(sample, 'log_data', days.at(-1)), path.join(input, 'log_data', days.at(-1)));
  const reportFile = path.join(work, 'inline.json');
  expectExit(await runSparkify(['etl', '--mode', 'incremental', '--input', input, '--output', lake, '--report', reportFile, '--no-progress']), 0);
  const report = readReport(reportFile);
  assert.equal(report.load.files_taken, 1);
  assert.equal(report.load.files_skipped, entries.length);
  await expectSameLake(full, lake, 'after an inline record');
  const [next] = fs.readdirSync(commits);
  const newer = JSON.parse(fs.readFileSync(path.join(commits, next), 'utf8'));
  assert.equal(newer.inputs, undefined);
  assert.equal(newer.input_files, entries.length + 1);
  const recorded = Number(await queryValue(conn, `SELECT count(*) FROM read_parquet('${path.join(lake, newer.state, 'inputs')}/*.parquet')`));
  assert.equal(recorded, entries.length + 1);
});

await checks.check('a load record whose state lacks ingested files it counts: one sentence, exit 1', async () => {
  const lake = path.join(work, 'inputs-lost');
  fs.cpSync(full, lake, { recursive: true });
  const commits = path.join(lake, '_sparkify', 'commits');
  const record = JSON.parse(fs.readFileSync(path.join(commits, fs.readdirSync(commits)[0]), 'utf8'));
  fs.rmSync(path.join(lake, record.state, 'inputs'), { recursive: true });
  const r = await runSparkify(['etl', '--mode', 'incremental', '--input', sample, '--output', lake, '--no-progress']);
  expectExit(r, 1);
  assert.match(r.stderr, /counts \d+ ingested input files but .* holds 0; rebuild the lake with --mode full/);
  assert.equal(r.stderr.trim().split('\n').length, 1, describeRun(r));
});

// --- generated input with bad records -------------------------------------------------------------
await checks.check('generated input with bad records: daily incremental loads equal one full run, rejects included', async () => {
  const gen = path.join(work, 'gen');
  expectExit(await runSparkify(['generate', '--output', gen, '--songs', '800', '--events', '30000', '--seed', '11',
    '--bad-fraction', '0.03', '--days', '6']), 0);
  const genFull = path.join(work, 'gen-full');
  expectExit(await runSparkify(['etl', '--input', gen, '--output', genFull, '--no-progress']), 0);
  const genDays = listFiles(path.join(gen, 'log_data'));
  assert.ok(genDays.length >= 4, `only ${genDays.length} log files generated`);
  const genDaily = path.join(work, 'gen-daily');
  await loadDaily(gen, genDays, genDaily, 'gen');
  await expectSameLake(genFull, genDaily, 'generated daily');

  // Songs arriving over three loads (each record's state holding the song keys its load added):
  // the last load's events are matched against every song, as the full run's are, and the songs
  // and artists tables end equal. (Earlier events keep the matches of their own load: SPEC §9.)
  const songs = listFiles(path.join(gen, 'song_data'));
  const input = path.join(work, 'gen-thirds-input');
  const lake = path.join(work, 'gen-thirds');
  const thirds = [0, 1, 2].map((i) => [songs.slice(Math.floor(i * songs.length / 3), Math.floor((i + 1) * songs.length / 3)),
    genDays.slice(Math.floor(i * genDays.length / 3), Math.floor((i + 1) * genDays.length / 3))]);
  for (const [songPart, dayPart] of thirds) {
    for (const f of songPart) copy(path.join(gen, 'song_data', f), path.join(input, 'song_data', f));
    for (const d of dayPart) copy(path.join(gen, 'log_data', d), path.join(input, 'log_data', d));
    expectExit(await runSparkify(['etl', '--mode', 'incremental', '--input', input, '--output', lake, '--no-progress']), 0);
  }
  const state = (v) => JSON.parse(fs.readFileSync(path.join(lake, '_sparkify', 'commits', `${String(v).padStart(20, '0')}.json`), 'utf8')).state;
  assert.ok(fs.existsSync(path.join(lake, state(2), 'song_keys')), 'the second load kept no song keys of its own');
  const a = `t${schemas++}`;
  const b = `t${schemas++}`;
  await loadLake(conn, genFull, a);
  await loadLake(conn, lake, b);
  for (const t of ['songs', 'artists']) await expectSameRows(conn, `${a}."${t}"`, `${b}."${t}"`, t, { label: `songs in thirds: ${t}` });
  const firstOfLast = thirds[2][1][0].match(/(\d{4}-\d{2}-\d{2})/)[1];
  const last = (s) => `(SELECT * FROM ${s}.songplays WHERE start_time >= TIMESTAMP '${firstOfLast}')`;
  const matched = Number(await queryValue(conn, `SELECT count(*) FROM ${last(a)} WHERE song_id IS NOT NULL`));
  assert.ok(matched > 0, 'the last third of the generated days matched no song');
  await expectSameRows(conn, last(a), last(b), 'songplays', { label: 'songs in thirds: the last load\'s songplays' });
});

// --- the load that writes a whole record, and a broken chain ------------------------------------
await checks.check('the tenth load after a whole record writes one; killed at each point of it and run again, equal to an uninterrupted load; a chain missing a record: one sentence for a load, a full run rebuilds', async () => {
  const first = days.slice(0, 10);
  const source = path.join(work, 'chain-src');
  for (const f of listFiles(path.join(sample, 'song_data'))) copy(path.join(sample, 'song_data', f), path.join(source, 'song_data', f));
  for (const d of days.slice(0, 11)) copy(path.join(sample, 'log_data', d), path.join(source, 'log_data', d));
  const expected = path.join(work, 'chain-expected');
  expectExit(await runSparkify(['etl', '--input', source, '--output', expected, '--no-progress']), 0);
  // Ten records: a whole one, then nine changes.
  const base = path.join(work, 'chain-base');
  const { input } = await loadDaily(source, first, base, 'chain');
  const commits = (lake) => listFiles(path.join(lake, '_sparkify', 'commits'));
  assert.equal(commits(base).length, 10);
  copy(path.join(source, 'log_data', days[10]), path.join(input, 'log_data', days[10]));
  const load = (lake) => ['etl', '--mode', 'incremental', '--input', input, '--output', lake, '--no-progress'];
  for (const point of ['before-commit', 'after-commit', 'applied-songplays', 'applied']) {
    const lake = path.join(work, `chain-kill-${point}`);
    fs.cpSync(base, lake, { recursive: true });
    const killed = await runSparkify(load(lake), { env: { SPARKIFY_TEST_KILL_AT: point } });
    assert.equal(killed.signal, 'SIGKILL', `the kill point ${point} was not reached\n${describeRun(killed)}`);
    expectExit(await runSparkify(load(lake)), 0);
    expectExit(await runSparkify(['verify', '--lake', lake]), 0);
    await expectSameLake(expected, lake, `whole record killed at ${point}`);
    const records = commits(lake);
    assert.equal(records.length, 1, `after a kill at ${point}: ${records.join(', ')}`);
    const record = JSON.parse(fs.readFileSync(path.join(lake, '_sparkify', 'commits', records[0]), 'utf8'));
    assert.equal(record.version, 11);
    assert.ok(record.tables !== undefined);
  }
  const broken = path.join(work, 'chain-broken');
  fs.cpSync(base, broken, { recursive: true });
  fs.rmSync(path.join(broken, '_sparkify', 'commits', commits(broken)[4]));
  const r = await runSparkify(load(broken));
  expectExit(r, 1);
  assert.match(r.stderr, /record 10 builds on record 5, which is missing; rebuild the lake with --mode full/);
  assert.equal(r.stderr.trim().split('\n').length, 1, describeRun(r));
  const checked = await runSparkify(['verify', '--lake', broken]);
  expectExit(checked, 1);
  assert.match(checked.stdout, /FAIL +tables hold the files of the lake's load record .*record 10 builds on record 5, which is missing/);
  expectExit(await runSparkify(['etl', '--input', input, '--output', broken, '--no-progress']), 0);
  await expectSameLake(expected, broken, 'a full run over a broken chain');
  const again = await runSparkify(load(broken));
  expectExit(again, 0);
  assert.match(again.stdout, /nothing new/);
});

// --- kills at every named point of an incremental load -------------------------------------------
const points = ['before-state', 'before-commit', 'after-commit', 'applied-time', 'applied-songplays',
  'applied-songs', 'applied-artists', 'applied-users', 'applied'];
await checks.check(`SIGKILL at each of ${points.length} points of a load, then the load again: equal to an uninterrupted load; globbing readers never see a songplay without its time row`, async () => {
  // Every kill hits the load of day 2 (with its songs, so every table changes) into a lake of day 1.
  const source = path.join(work, 'kill-src');
  const half = listFiles(path.join(sample, 'song_data'));
  for (const f of half) copy(path.join(sample, 'song_data', f), path.join(source, 'song_data', f));
  for (const d of days.slice(0, 3)) copy(path.join(sample, 'log_data', d), path.join(source, 'log_data', d));
  const expected = path.join(work, 'kill-expected');
  expectExit(await runSparkify(['etl', '--input', source, '--output', expected, '--no-progress']), 0);
  const outcomes = [];
  for (const point of points) {
    const lake = path.join(work, `kill-${point}`);
    const input = path.join(work, `kill-${point}-input`);
    // Day 1 and the songs whose names sort first; then the rest of the songs and days 2 and 3.
    const early = half.slice(0, Math.floor(half.length / 2));
    for (const f of early) copy(path.join(source, 'song_data', f), path.join(input, 'song_data', f));
    copy(path.join(source, 'log_data', days[0]), path.join(input, 'log_data', days[0]));
    expectExit(await runSparkify(['etl', '--input', input, '--output', lake, '--no-progress']), 0);
    for (const f of half.slice(early.length)) copy(path.join(source, 'song_data', f), path.join(input, 'song_data', f));
    for (const d of days.slice(1, 3)) copy(path.join(source, 'log_data', d), path.join(input, 'log_data', d));
    const killed = await runSparkify(['etl', '--mode', 'incremental', '--input', input, '--output', lake, '--no-progress'],
      { env: { SPARKIFY_TEST_KILL_AT: point } });
    assert.equal(killed.signal, 'SIGKILL', `the kill point ${point} was not reached\n${describeRun(killed)}`);
    const s = `k${schemas++}`;
    await loadLake(conn, lake, s);
    const orphans = Number(await queryValue(conn,
      `SELECT count(*) FROM ${s}.songplays p WHERE NOT EXISTS (SELECT 1 FROM ${s}.time t WHERE t.start_time = p.start_time)`));
    assert.equal(orphans, 0, `after a kill at ${point}, ${orphans} songplays have no time row`);
    // verify holds the tables to the newest load record: between the record and the end of its
    // application they differ (a glob reader may see a replaced users file beside its successor).
    const unapplied = ['after-commit', 'applied-time', 'applied-songplays', 'applied-songs', 'applied-artists'].includes(point);
    const checked = await runSparkify(['verify', '--lake', lake]);
    const recordLine = checked.stdout.split('\n').find((l) => l.includes("tables hold the files of the lake's load record")) ?? '';
    assert.equal(recordLine.startsWith('FAIL'), unapplied, `verify after a kill at ${point}: ${recordLine}`);
    if (unapplied) assert.match(recordLine, /load record \d+ .*a load stopped before it finished/);
    const rerun = await runSparkify(['etl', '--mode', 'incremental', '--input', input, '--output', lake, '--no-progress']);
    expectExit(rerun, 0);
    expectExit(await runSparkify(['verify', '--lake', lake]), 0);
    outcomes.push(`${point}: ${/nothing new/.test(rerun.stdout) ? 'rolled forward' : 'loaded again'}`);
    await expectSameLake(expected, lake, `kill at ${point}`);
  }
  console.log(`  ${outcomes.join('; ')}`);
});

checks.finish();
