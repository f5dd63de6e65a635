// End to end on the real Udacity sample: `sparkify etl` must produce the five tables exactly as
// the independent DuckDB reference computes them, with SPEC types, layout, Parquet properties,
// run report and terminal output; then the same with --compression zstd and none.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { referenceTables } from '../reference/reference.mjs';
import {
  Checks, TABLES, expectExit, expectSameRows, expectSpecTypes, layoutProblems,
  loadLake, makeTempDir, openDuck, parquetProblems, plain, queryRows, readReport, requireSample,
  sparkifyBin, strayLakeEntries, tableDiskFacts, runSparkify, listFiles,
} from './lib/harness.mjs';

const sample = requireSample();
sparkifyBin();
const checks = new Checks('e2e sample');
const conn = await openDuck();
const work = makeTempDir('sample');
const out = path.join(work, 'lake');
const reportFile = path.join(work, 'run.json');

const FIGURES = { songs: 71, artists: 69, users: 96, time: 6813, songplays: 6820 };

await referenceTables(conn, { input: sample, schema: 'ref' });
const run = await runSparkify(['etl', '--input', sample, '--output', out, '--report', reportFile]);
const ran = await checks.check('etl on the sample exits 0', async () => expectExit(run, 0));
if (!ran) checks.finish();

let loaded = false;
await checks.check('DuckDB reads all five tables', async () => {
  await loadLake(conn, out, 'lake');
  loaded = true;
});

for (const t of TABLES) {
  await checks.check(`${t}: column names and types per SPEC §3`, async () => expectSpecTypes(conn, out, t));
  await checks.check(`${t}: same rows as the reference`, async () => {
    assert.ok(loaded, 'lake not readable');
    await expectSameRows(conn, `ref.${t === 'time' ? '"time"' : t}`, `lake.${t === 'time' ? '"time"' : t}`, t);
  });
}

await checks.check('known figures: 71 songs, 69 artists, 96 users, 6,813 time rows, 6,820 songplays', async () => {
  assert.ok(loaded, 'lake not readable');
  const got = {};
  for (const t of TABLES) got[t] = plain((await queryRows(conn, `SELECT count(*) AS n FROM lake."${t}"`))[0].n);
  assert.deepStrictEqual(got, FIGURES);
});

await checks.check('exactly one songplay has a song: SOZCTXZ12AB0182364 / AR5KOSW1187FB35FF4', async () => {
  assert.ok(loaded, 'lake not readable');
  const rows = plain(await queryRows(conn,
    `SELECT song_id, artist_id, epoch_ms(start_time) AS ts, user_id FROM lake.songplays WHERE song_id IS NOT NULL OR artist_id IS NOT NULL`));
  assert.deepStrictEqual(rows, [
    { song_id: 'SOZCTXZ12AB0182364', artist_id: 'AR5KOSW1187FB35FF4', ts: 1542837407796, user_id: 15 },
  ]);
});

await checks.check('songplay_id is 1..6820 with no gaps', async () => {
  assert.ok(loaded, 'lake not readable');
  const r = plain(await queryRows(conn,
    'SELECT min(songplay_id) AS lo, max(songplay_id) AS hi, count(DISTINCT songplay_id) AS d FROM lake.songplays'));
  assert.deepStrictEqual(r, [{ lo: 1, hi: 6820, d: 6820 }]);
});

for (const t of TABLES) {
  await checks.check(`${t}: layout (_SUCCESS, part-NNNNN-<uuid>.c000.snappy.parquet, partition folders)`, async () => {
    assert.deepStrictEqual(await layoutProblems(conn, out, t, 'ref'), []);
  });
  await checks.check(`${t}: Parquet schema, REQUIRED key, SNAPPY, dictionary strings, statistics, created_by`, async () => {
    assert.deepStrictEqual(await parquetProblems(conn, out, t, { codec: 'SNAPPY' }), []);
  });
}

await checks.check('partition folders use plain decimal integers (month=11, not 11 padded)', async () => {
  for (const t of ['time', 'songplays']) {
    const dirs = new Set(listFiles(path.join(out, t)).filter((f) => f.endsWith('.parquet')).map((f) => path.dirname(f)));
    for (const d of dirs) assert.match(d, /^year=(0|[1-9][0-9]*)\/month=([1-9]|1[0-2])$/, `${t}/${d}`);
    assert.ok(dirs.has('year=2018/month=11'), `${t}: year=2018/month=11 missing (${[...dirs]})`);
  }
});

await checks.check('nothing but the five tables and _rejects in the lake; no stray files', async () => {
  assert.deepStrictEqual(strayLakeEntries(out), []);
  const top = fs.readdirSync(work).sort();
  assert.deepStrictEqual(top, ['lake', 'run.json']);
});

await checks.check('no rejects on the sample', async () => {
  for (const k of ['songs', 'logs']) {
    const f = path.join(out, '_rejects', `${k}.jsonl`);
    if (fs.existsSync(f)) assert.equal(fs.readFileSync(f, 'utf8').trim(), '', `${f} is not empty`);
  }
});

// --- run report (SPEC §7, brief §5) ---------------------------------------------------------
await checks.check('report: shape and the numbers we can predict', async () => {
  const r = readReport(reportFile);
  assert.equal(r.status, 'ok');
  assert.ok(!('error' in r) || r.error === null || r.error === '', `error on success: ${r.error}`);
  assert.equal(typeof r.input, 'object', 'input is an object');
  assert.ok(r.input !== null);
  assert.equal(path.resolve(String(r.output)), path.resolve(out), 'output');
  for (const t of TABLES) {
    const e = r.tables?.[t];
    assert.ok(e, `tables.${t} missing`);
    const disk = tableDiskFacts(out, t);
    assert.equal(e.rows, FIGURES[t], `tables.${t}.rows`);
    assert.equal(e.files, disk.files, `tables.${t}.files (Parquet files on disk)`);
    if (['artists', 'users'].includes(t)) {
      assert.ok(e.partitions === 0 || e.partitions === 1, `tables.${t}.partitions = ${e.partitions}`);
    } else {
      assert.equal(e.partitions, disk.partitions, `tables.${t}.partitions (leaf folders on disk)`);
    }
  }
  assert.deepStrictEqual(r.rejects, { songs: 0, logs: 0, total: 0 });
  assert.deepStrictEqual(r.duplicates, { songs: 0 });
  assert.equal(r.songplays?.rows, 6820);
  assert.equal(r.songplays?.matched, 1);
  assert.ok(Math.abs(r.songplays?.match_rate - 1 / 6820) < 1e-12, `match_rate ${r.songplays?.match_rate}, want 1/6820`);
  assert.equal(typeof r.stages, 'object');
  const stages = Object.entries(r.stages ?? {});
  assert.ok(stages.length > 0, 'no stages');
  for (const [name, s] of stages) {
    assert.ok(typeof s.seconds === 'number' && s.seconds >= 0, `stages.${name}.seconds`);
    for (const k of ['files', 'records', 'bytes']) {
      assert.ok(Number.isInteger(s[k]) && s[k] >= 0, `stages.${name}.${k} = ${s[k]}`);
    }
  }
  // Some stage reads the song files and some the log files (or one reads both).
  const has = (files, bytes) => stages.some(([, s]) => s.files === files && s.bytes === bytes);
  assert.ok((has(71, 19221) && has(30, 3755598)) || has(101, 3774819),
    `no stage reports reading 71 song files (19,221 B) and 30 log files (3,755,598 B): ${JSON.stringify(r.stages)}`);
  assert.ok(Number.isInteger(r.threads) && r.threads >= 1, `threads ${r.threads}`);
  assert.ok(typeof r.seconds === 'number' && r.seconds >= 0, `seconds ${r.seconds}`);
});

await checks.check('stdout is not a terminal: no progress display (no \\r, no escape codes)', async () => {
  for (const [name, text] of [['stdout', run.stdout], ['stderr', run.stderr]]) {
    assert.ok(!text.includes('\r'), `${name} has carriage returns`);
    assert.ok(!text.includes('\x1b['), `${name} has terminal escape codes`);
  }
});

await checks.check('the run ends with a summary table: rows per table, rejects, duplicates, match rate', async () => {
  const text = run.stdout;
  for (const t of TABLES) {
    const n = FIGURES[t];
    const re = new RegExp(`${t}[^\\n]*(${n}|${n.toLocaleString('en-US')})`);
    assert.match(text, re, `summary line for ${t} with ${n} rows`);
  }
  assert.match(text, /reject/i, 'rejects in the summary');
  assert.match(text, /duplicate/i, 'duplicates in the summary');
  assert.match(text, /match/i, 'match rate in the summary');
});

// --- codecs -------------------------------------------------------------------------------
for (const [flag, codec, name] of [['zstd', 'ZSTD', 'zstd'], ['none', 'UNCOMPRESSED', 'none']]) {
  const out2 = path.join(work, `lake-${flag}`);
  const r2 = await runSparkify(['etl', '--input', sample, '--output', out2, '--compression', flag]);
  await checks.check(`--compression ${flag}: exits 0`, async () => expectExit(r2, 0));
  await checks.check(`--compression ${flag}: every column chunk is ${codec}, and the rest as before`, async () => {
    for (const t of TABLES) assert.deepStrictEqual(await parquetProblems(conn, out2, t, { codec }), []);
  });
  await checks.check(`--compression ${flag}: file names do not claim snappy`, async () => {
    for (const t of TABLES) assert.deepStrictEqual(await layoutProblems(conn, out2, t, 'ref', { codec: name }), []);
  });
  await checks.check(`--compression ${flag}: same rows`, async () => {
    await loadLake(conn, out2, `lake_${flag}`);
    for (const t of TABLES) await expectSameRows(conn, `ref."${t}"`, `lake_${flag}."${t}"`, t);
  });
}

checks.finish();
