// Holds the reference implementation itself to the SPEC: the published figures of the Udacity
// sample and the hand-computed facts of the crafted input. Needs no sparkify binary.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { referenceTables, selectInputFiles } from './reference.mjs';
import { writeCraftedInput } from '../e2e/lib/crafted.mjs';
import {
  Checks, makeTempDir, openDuck, plain, queryRows, queryValue, runSpotChecks,
} from '../e2e/lib/harness.mjs';

const checks = new Checks('reference');
const conn = await openDuck();

await checks.check('discovery: .json/.json.gz only, hidden parts skipped, byte-wise order', async () => {
  const root = '/r';
  const got = selectInputFiles(root, [
    '/r/b.json', '/r/A/b.json', '/r/A-b.json', '/r/a/b.json', '/r/.x/c.json', '/r/_y/c.json',
    '/r/c/.d.json', '/r/c/_e.json', '/r/c/f.json.gz', '/r/c/g.txt', '/r/c/h.jsonl', '/r/c/i.gz',
    '/r/10.json', '/r/9.json', '/other/x.json',
  ]).map((f) => f.rel);
  assert.deepStrictEqual(got, ['10.json', '9.json', 'A-b.json', 'A/b.json', 'a/b.json', 'b.json', 'c/f.json.gz']);
});

const sample = path.join(process.env.SPARKIFY_SOURCE_DIR || path.resolve(import.meta.dirname, '../..'),
  '../shared/data/udacity-sample');
if (fs.existsSync(sample)) {
  await checks.check('sample: the published figures', async () => {
    await referenceTables(conn, { input: sample, schema: 'sample' });
    const counts = {};
    for (const t of ['songs', 'artists', 'users', 'time', 'songplays']) {
      counts[t] = Number(await queryValue(conn, `SELECT count(*) FROM sample."${t}"`));
    }
    assert.deepStrictEqual(counts, { songs: 71, artists: 69, users: 96, time: 6813, songplays: 6820 });
    const matched = plain(await queryRows(conn,
      `SELECT song_id, artist_id, epoch_ms(start_time) AS ts, user_id FROM sample.songplays WHERE song_id IS NOT NULL`));
    assert.deepStrictEqual(matched, [
      { song_id: 'SOZCTXZ12AB0182364', artist_id: 'AR5KOSW1187FB35FF4', ts: 1542837407796, user_id: 15 },
    ]);
    const levels = plain(await queryRows(conn,
      `SELECT user_id, level FROM sample.users WHERE user_id IN (15, 16, 29, 36, 49, 80, 85, 88) ORDER BY 1`));
    assert.equal(levels.length, 8);
    assert.equal(Number(await queryValue(conn, 'SELECT count(*) FROM sample.ref_rejects')), 0);
  });
  await checks.check('sample: strict: false (the peer\'s fast path) gives the same tables', async () => {
    await referenceTables(conn, { input: sample, schema: 'fast', strict: false });
    for (const t of ['songs', 'artists', 'users', 'time', 'songplays']) {
      const diff = Number(await queryValue(conn,
        `SELECT count(*) FROM (SELECT * FROM sample."${t}" EXCEPT ALL SELECT * FROM fast."${t}")`));
      const n = Number(await queryValue(conn, `SELECT count(*) FROM fast."${t}"`));
      assert.deepStrictEqual({ t, diff, n }, { t, diff: 0, n: Number(await queryValue(conn, `SELECT count(*) FROM sample."${t}"`)) });
    }
  });
} else {
  console.log(`note: ${sample} is absent; sample figures not checked`);
}

const dir = makeTempDir('reference');
const crafted = writeCraftedInput(path.join(dir, 'input'));
await checks.check('crafted: reference builds', async () => {
  await referenceTables(conn, { input: path.join(dir, 'input'), schema: 'crafted' });
});
await runSpotChecks(checks, conn, 'crafted', crafted.spotChecks, 'crafted');
await checks.check('crafted: every record the reference excludes is an expected reject', async () => {
  const rows = plain(await queryRows(conn, 'SELECT kind, source, reason FROM crafted.ref_rejects'));
  const expected = new Set(crafted.rejects.map((r) => `${r.kind}:${r.source.replace(/^(song|log)_data\//, '')}`));
  const unexpected = rows.filter((r) => !expected.has(`${r.kind}:${r.source}`));
  assert.deepStrictEqual(unexpected, []);
  assert.ok(rows.length >= 15, `only ${rows.length} rejects found`);
});
await checks.check('crafted: duplicates', async () => {
  const dups = Number(await queryValue(conn,
    `SELECT count(*) - count(DISTINCT song_id) FROM crafted.ref_song_records WHERE reject_reason IS NULL`));
  assert.equal(dups, crafted.duplicates);
});

checks.finish();
