// End to end on generated input with every kind of bad record (`sparkify generate
// --bad-fraction`): the lake must equal the reference table for table, and the run report's
// reject and duplicate counts must agree with it. Fails when `sparkify generate` is missing.
import assert from 'node:assert/strict';
import path from 'node:path';
import { referenceTables } from '../reference/reference.mjs';
import {
  Checks, TABLES, expectExit, expectSameRows, loadLake, makeTempDir, openDuck, plain, queryRows,
  readReport, runSparkify, sparkifyBin,
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

checks.finish();
