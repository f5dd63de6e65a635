// End to end on a crafted input that exercises every rule and edge of SPEC §2–§5 (see
// lib/crafted.mjs): the lake must equal the reference, satisfy the hand-computed spot checks,
// escape partition values Hive's way without any file leaving its table, and list every bad
// record in _rejects with its source, line, offset and raw text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { referenceTables } from '../reference/reference.mjs';
import { PARTITION_ARTISTS, writeCraftedInput } from './lib/crafted.mjs';
import {
  Checks, TABLES, expectExit, expectSameRows, expectSpecTypes, hiveEscape, layoutProblems,
  listFiles, loadLake, makeTempDir, openDuck, parquetProblems, plain, queryRows, readRejects,
  readReport, runSparkify, runSpotChecks, show, sparkifyBin, strayLakeEntries, tableDiskFacts,
} from './lib/harness.mjs';

sparkifyBin();
const checks = new Checks('e2e crafted');
const conn = await openDuck();
const work = makeTempDir('crafted');
const input = path.join(work, 'input');
const out = path.join(work, 'out', 'lake');
const reportFile = path.join(work, 'run.json');
const crafted = writeCraftedInput(input);
const inputBefore = listFiles(input).map((f) => `${f}:${fs.statSync(path.join(input, f)).size}`);

await referenceTables(conn, { input, schema: 'ref' });
const run = await runSparkify(['etl', '--input', input, '--output', out, '--report', reportFile]);
if (!(await checks.check('etl on the crafted input exits 0 (bad records are rejects, not failures)',
  async () => expectExit(run, 0)))) checks.finish();

let loaded = false;
await checks.check('DuckDB reads all five tables', async () => { await loadLake(conn, out, 'lake'); loaded = true; });

for (const t of TABLES) {
  await checks.check(`${t}: column names and types per SPEC §3`, async () => expectSpecTypes(conn, out, t));
  await checks.check(`${t}: same rows as the reference`, async () => {
    assert.ok(loaded, 'lake not readable');
    await expectSameRows(conn, `ref."${t}"`, `lake."${t}"`, t);
  });
}

if (loaded) await runSpotChecks(checks, conn, 'lake', crafted.spotChecks, 'lake');

for (const t of TABLES) {
  await checks.check(`${t}: layout and partition folders (Hive escaping)`, async () => {
    assert.deepStrictEqual(await layoutProblems(conn, out, t, 'ref'), []);
  });
  await checks.check(`${t}: Parquet properties`, async () => {
    assert.deepStrictEqual(await parquetProblems(conn, out, t), []);
  });
}

await checks.check('songs: partition folder names escape exactly as Spark/Hive do', async () => {
  const dirs = new Set(listFiles(path.join(out, 'songs')).filter((f) => f.endsWith('.parquet')).map((f) => path.dirname(f)));
  const want = [
    ...PARTITION_ARTISTS.map((a, i) => `year=${1990 + i}/artist_id=${hiveEscape(a)}`),
    'year=__HIVE_DEFAULT_PARTITION__/artist_id=ARYEAR', 'year=0/artist_id=ARYEAR',
    'year=1990/artist_id=AR%2Fslash', 'year=1992/artist_id=..', 'year=1993/artist_id=..%2F..%2F..%2F..%2Fescape',
    'year=1994/artist_id=AR%25pct', 'year=1996/artist_id=ARé非', 'year=1997/artist_id=AR%22%23%27%2A%3A%3F%5C%7B%5B%5D%5E}',
    'year=1998/artist_id=AR%01%0A%1F%7F', 'year=1999/artist_id=AR+plus', 'year=1995/artist_id=AR space',
  ];
  const missing = want.filter((d) => !dirs.has(d));
  assert.deepStrictEqual(missing, [], `folders present: ${show([...dirs].filter((d) => /199|__HIVE|year=0/.test(d)))}`);
});

await checks.check('no file lands outside its table folder; the input is untouched', async () => {
  assert.deepStrictEqual(strayLakeEntries(out), []);
  assert.deepStrictEqual(fs.readdirSync(work).sort(), ['input', 'out', 'run.json']);
  assert.deepStrictEqual(fs.readdirSync(path.join(work, 'out')), ['lake']);
  const inputAfter = listFiles(input).map((f) => `${f}:${fs.statSync(path.join(input, f)).size}`);
  assert.deepStrictEqual(inputAfter, inputBefore);
});

// --- rejects (SPEC §5) ----------------------------------------------------------------------
let rejects = { songs: [], logs: [] };
await checks.check('_rejects/songs.jsonl and logs.jsonl are JSON lines', async () => {
  rejects = { songs: readRejects(out, 'songs'), logs: readRejects(out, 'logs') };
});

const normalize = (kind, source) => {
  const prefix = kind === 'songs' ? 'song_data/' : 'log_data/';
  return String(source).startsWith(prefix) ? String(source) : prefix + source;
};
await checks.check('every reject has source, line, offset, reason and raw or raw_base64', async () => {
  const bad = [];
  for (const kind of ['songs', 'logs']) {
    for (const r of rejects[kind]) {
      const ok = typeof r.source === 'string' && Number.isInteger(r.line) && r.line >= 1 &&
        Number.isInteger(r.offset) && r.offset >= 0 && typeof r.reason === 'string' && r.reason.trim() !== '' &&
        (('raw' in r) !== ('raw_base64' in r));
      if (!ok) bad.push(r);
    }
  }
  assert.deepStrictEqual(bad, []);
});

for (const e of crafted.rejects) {
  const label = `${e.kind} reject ${e.source}:${e.line}${e.what ? ` (${e.what})` : ''}`;
  await checks.check(label, async () => {
    const found = rejects[e.kind].filter((r) => normalize(e.kind, r.source) === e.source && r.line === e.line);
    assert.equal(found.length, 1, `found ${found.length} entries: ${show(found)}`);
    const r = found[0];
    assert.equal(r.offset, e.offset, 'offset');
    if (e.rawBase64) {
      assert.equal(r.raw_base64, e.rawBase64, 'raw_base64');
      assert.ok(!('raw' in r), 'raw given as well as raw_base64');
    } else {
      assert.equal(r.raw, e.raw, 'raw');
    }
  });
}

await checks.check('no reject beyond the expected ones (hidden, non-.json and good records are not rejects)', async () => {
  const key = (kind, r) => `${kind}:${normalize(kind, r.source)}:${r.line}`;
  const expected = new Set(crafted.rejects.map((e) => `${e.kind}:${e.source}:${e.line}`));
  const extra = [...rejects.songs.map((r) => [key('songs', r), r]), ...rejects.logs.map((r) => [key('logs', r), r])]
    .filter(([k]) => !expected.has(k)).map(([, r]) => r);
  assert.deepStrictEqual(extra, []);
});

const expectedCounts = {
  songs: crafted.rejects.filter((r) => r.kind === 'songs').length,
  logs: crafted.rejects.filter((r) => r.kind === 'logs').length,
};
await checks.check(`report: rejects ${show(expectedCounts)}, ${crafted.duplicates} duplicate songs, rows per table, match counts`, async () => {
  const r = readReport(reportFile);
  assert.equal(r.status, 'ok');
  assert.deepStrictEqual(r.rejects, { ...expectedCounts, total: expectedCounts.songs + expectedCounts.logs });
  assert.deepStrictEqual(r.duplicates, { songs: crafted.duplicates });
  for (const t of TABLES) {
    const n = plain((await queryRows(conn, `SELECT count(*) AS n FROM ref."${t}"`))[0].n);
    assert.equal(r.tables?.[t]?.rows, n, `tables.${t}.rows`);
    const disk = tableDiskFacts(out, t);
    assert.equal(r.tables?.[t]?.files, disk.files, `tables.${t}.files`);
    if (['songs', 'time', 'songplays'].includes(t)) assert.equal(r.tables?.[t]?.partitions, disk.partitions, `tables.${t}.partitions`);
  }
  const matched = plain((await queryRows(conn, 'SELECT count(song_id) AS m, count(*) AS n FROM ref.songplays'))[0]);
  assert.equal(r.songplays?.rows, matched.n);
  assert.equal(r.songplays?.matched, matched.m);
  assert.ok(Math.abs(r.songplays?.match_rate - matched.m / matched.n) < 1e-12, `match_rate ${r.songplays?.match_rate}`);
});

// --- an empty artist_id: a reject, or a song in artist_id=__HIVE_DEFAULT_PARTITION__ ----------
{
  const root = path.join(work, 'empty-artist');
  fs.mkdirSync(path.join(root, 'song_data'), { recursive: true });
  fs.mkdirSync(path.join(root, 'log_data'), { recursive: true });
  fs.writeFileSync(path.join(root, 'song_data', 'e.json'), JSON.stringify({
    num_songs: 1, artist_id: '', artist_name: 'Nobody', song_id: 'SEMPTYAR', title: 'Empty', duration: 1, year: 2001,
  }));
  fs.writeFileSync(path.join(root, 'song_data', 'f.json'), JSON.stringify({
    num_songs: 1, artist_id: 'ARF', artist_name: 'F', song_id: 'SF', title: 'F', duration: 2, year: 2002,
  }));
  fs.writeFileSync(path.join(root, 'log_data', 'l.json'), JSON.stringify({
    page: 'NextSong', ts: 1541990258796, userId: '10', song: 'F', artist: 'F', length: 2,
  }));
  const lake = path.join(work, 'empty-artist-lake');
  const r = await runSparkify(['etl', '--input', root, '--output', lake]);
  await checks.check('empty artist_id: rejected, or stored under artist_id=__HIVE_DEFAULT_PARTITION__', async () => {
    expectExit(r, 0);
    const rejected = readRejects(lake, 'songs').some((x) => String(x.source).endsWith('e.json'));
    const files = listFiles(path.join(lake, 'songs')).filter((f) => f.startsWith('year=2001/'));
    if (rejected) {
      assert.deepStrictEqual(files, [], 'rejected but also written');
    } else {
      assert.equal(files.length, 1, `songs of 2001: ${show(files)}`);
      assert.equal(path.dirname(files[0]), 'year=2001/artist_id=__HIVE_DEFAULT_PARTITION__');
    }
  });
}

checks.finish();
