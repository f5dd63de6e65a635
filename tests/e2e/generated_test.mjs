// End to end on generated input with every kind of bad record (`sparkify generate
// --bad-fraction`): the lake must equal the reference table for table, and the run report's
// reject and duplicate counts must agree with it. Fails when `sparkify generate` is missing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { referenceTables } from '../reference/reference.mjs';
import {
  Checks, TABLES, expectExit, expectSameRows, listFiles, loadLake, makeTempDir, openDuck, plain,
  queryRows, readRejects, readReport, runSparkify, sparkifyBin, tableFingerprint,
} from './lib/harness.mjs';

sparkifyBin();
const checks = new Checks('e2e generated');
const conn = await openDuck();
const work = makeTempDir('generated');
const input = path.join(work, 'input');
const out = path.join(work, 'lake');
const reportFile = path.join(work, 'run.json');

const gen = await runSparkify(['generate', '--output', input, '--songs', '3000', '--events', '200000',
  '--seed', '5', '--bad-fraction', '0.02', '--days', '40']);
if (!(await checks.check('sparkify generate --bad-fraction 0.02: exits 0', async () => expectExit(gen, 0)))) checks.finish();

const run = await runSparkify(['etl', '--input', input, '--output', out, '--report', reportFile]);
if (!(await checks.check('etl on generated input with bad records: exits 0', async () => expectExit(run, 0)))) checks.finish();

await referenceTables(conn, { input, schema: 'ref' });
let loaded = false;
await checks.check('DuckDB reads all five tables', async () => { await loadLake(conn, out, 'lake'); loaded = true; });
for (const t of TABLES) {
  await checks.check(`${t}: same rows as the reference`, async () => {
    assert.ok(loaded, 'lake not readable');
    await expectSameRows(conn, `ref."${t}"`, `lake."${t}"`, t);
  });
}

await checks.check('report: song rejects and duplicates as the reference counts them; log rejects at least as many', async () => {
  const r = readReport(reportFile);
  const counts = Object.fromEntries(plain(await queryRows(conn,
    'SELECT kind, count(*) AS n FROM ref.ref_rejects GROUP BY kind')).map((x) => [x.kind, x.n]));
  const dups = plain((await queryRows(conn,
    'SELECT count(*) - count(DISTINCT song_id) AS d FROM ref.ref_song_records WHERE reject_reason IS NULL'))[0].d);
  assert.ok((counts.songs ?? 0) > 0 && (counts.logs ?? 0) > 0, `the generator made no bad records: ${JSON.stringify(counts)}`);
  assert.equal(r.rejects?.songs, counts.songs ?? 0, 'rejects.songs');
  // The ETL also type-checks events other than NextSong (README), which the reference ignores.
  assert.ok(r.rejects?.logs >= (counts.logs ?? 0), `rejects.logs ${r.rejects?.logs} < ${counts.logs}`);
  assert.equal(r.rejects?.total, r.rejects?.songs + r.rejects?.logs, 'rejects.total');
  assert.equal(r.duplicates?.songs, dups, 'duplicates.songs');
});

// --- song files holding many songs --------------------------------------------------------------
// A data set's song files concatenated into one (in their byte-wise order, so first-wins picks the
// same rows), plain and gzip, are read in chunks of whole documents (past 256 KiB): the songs and
// artists tables equal those of the separate files. A 2 MiB document among them is rejected with
// its position and length, unparsed; the songs after it load.
{
  const clean = path.join(work, 'clean');
  const g2 = await runSparkify(['generate', '--output', clean, '--songs', '3000', '--events', '2000',
    '--seed', '8', '--bad-fraction', '0', '--days', '1']);
  expectExit(g2, 0);
  // Byte-wise, as sparkify orders its inputs.
  const songFiles = listFiles(path.join(clean, 'song_data'))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const docs = songFiles.map((f) => fs.readFileSync(path.join(clean, 'song_data', f), 'utf8').trim());
  const separate = path.join(work, 'lake-separate');
  expectExit(await runSparkify(['etl', '--only', 'songs', '--input', clean, '--output', separate]), 0);
  const half = Math.floor(docs.length / 2);
  const long = `{"song_id":"SLONG","artist_id":"ARLONG","title":"${'t'.repeat(2 << 20)}"}`;
  for (const [name, bytes, longDoc] of [
    ['all.json', Buffer.from(docs.join('\n')), false],
    ['all.json.gz', zlib.gzipSync(docs.join('\n')), false],
    // Pretty-printed, one document spanning lines, the long one in the middle.
    ['long.json', Buffer.from([...docs.slice(0, half), `\n  ${long}`, ...docs.slice(half)].join('\n')), true],
  ]) {
    const input = path.join(work, `one-file-${name}`);
    fs.mkdirSync(path.join(input, 'song_data'), { recursive: true });
    fs.writeFileSync(path.join(input, 'song_data', name), bytes);
    const lake = path.join(work, `lake-one-file-${name}`);
    const r = await runSparkify(['etl', '--only', 'songs', '--input', input, '--output', lake]);
    await checks.check(`${songFiles.length} songs in one file (${name}): the same songs and artists as in separate files`, async () => {
      expectExit(r, 0);
      for (const t of ['songs', 'artists']) {
        assert.equal(await tableFingerprint(conn, lake, t), await tableFingerprint(conn, separate, t), t);
      }
      const rejects = readRejects(lake, 'songs');
      if (!longDoc) {
        assert.deepStrictEqual(rejects, []);
        return;
      }
      assert.equal(rejects.length, 1, JSON.stringify(rejects.map((x) => x.reason)));
      const text = bytes.toString('utf8');
      const at = text.indexOf('{"song_id":"SLONG"');
      assert.equal(rejects[0].offset, at);
      assert.equal(rejects[0].line, text.slice(0, at).split('\n').length);
      assert.match(rejects[0].reason, new RegExp(`^document too long: ${long.length} bytes, at most 1048576`));
      // Its first 64 KiB as read, less the whitespace before it.
      assert.ok(rejects[0].raw.length > 65000, `raw of ${rejects[0].raw.length} bytes`);
      assert.equal(rejects[0].raw, long.slice(0, rejects[0].raw.length));
    });
  }
  // Whitespace is not a document, however much of it: megabytes of blank lines and spaces around
  // songs (a long run of them was taken for a document too long, and the song after it lost).
  const blankInput = path.join(work, 'one-file-blank');
  fs.mkdirSync(path.join(blankInput, 'song_data'), { recursive: true });
  fs.writeFileSync(path.join(blankInput, 'song_data', 'blank.json'),
    `${'\n'.repeat(2 << 20)}${docs[0]}\n${' '.repeat(3 << 20)}${docs[1]}${'\n'.repeat(3 << 20)}`);
  const blankLake = path.join(work, 'lake-one-file-blank');
  const blankReport = path.join(work, 'blank.json');
  const rb = await runSparkify(['etl', '--only', 'songs', '--input', blankInput, '--output', blankLake, '--report', blankReport]);
  await checks.check('two songs among 8 MiB of whitespace in one file: both load, nothing rejected', async () => {
    expectExit(rb, 0);
    assert.deepStrictEqual(readRejects(blankLake, 'songs'), []);
    assert.equal(readReport(blankReport).tables.songs.rows, docs[0] === docs[1] ? 1 : 2);
  });
}

checks.finish();
