// Run modes (SPEC §7): --threads 1 and 2 give identical tables; --songs/--logs instead of
// --input; --only songs rebuilds songs+artists and leaves the log tables alone; --only logs
// rebuilds users/time/songplays from the lake's songs and artists and equals a full run.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { referenceTables } from '../reference/reference.mjs';
import { writeCraftedInput } from './lib/crafted.mjs';
import {
  Checks, TABLES, expectExit, expectSameRows, listFiles, loadLake, makeTempDir, openDuck,
  readReport, requireSample, runSparkify, sparkifyBin, strayLakeEntries,
} from './lib/harness.mjs';

const sample = requireSample();
sparkifyBin();
const checks = new Checks('e2e modes');
const conn = await openDuck();
const work = makeTempDir('modes');

function snapshot(lake, tables) {
  const snap = {};
  for (const t of tables) {
    for (const rel of listFiles(path.join(lake, t))) {
      snap[`${t}/${rel}`] = crypto.createHash('sha256').update(fs.readFileSync(path.join(lake, t, rel))).digest('hex');
    }
  }
  return snap;
}

async function etl(args, label) {
  const r = await runSparkify(['etl', ...args]);
  const ok = await checks.check(`${label}: exits 0`, async () => expectExit(r, 0));
  return ok;
}

async function expectLakesEqual(a, b, tables = TABLES) {
  for (const t of tables) await expectSameRows(conn, `${a}."${t}"`, `${b}."${t}"`, t, { label: `${b}.${t}` });
}

await referenceTables(conn, { input: sample, schema: 'ref' });

// --- threads ---------------------------------------------------------------------------------
for (const n of [1, 2]) {
  const out = path.join(work, `t${n}`);
  const report = path.join(work, `t${n}.json`);
  if (await etl(['--input', sample, '--output', out, '--threads', String(n), '--report', report], `sample --threads ${n}`)) {
    await checks.check(`sample --threads ${n}: equals the reference; report says threads ${n}`, async () => {
      await loadLake(conn, out, `t${n}`);
      await expectLakesEqual('ref', `t${n}`);
      assert.equal(readReport(report).threads, n);
    });
  }
}
{
  const input = path.join(work, 'crafted');
  writeCraftedInput(input);
  const outs = [];
  for (const n of [1, 2]) {
    const out = path.join(work, `crafted-t${n}`);
    if (await etl(['--input', input, '--output', out, '--threads', String(n)], `crafted --threads ${n}`)) outs.push([n, out]);
  }
  await checks.check('crafted: --threads 1 and --threads 2 give identical tables', async () => {
    assert.equal(outs.length, 2, 'a run failed');
    for (const [n, out] of outs) await loadLake(conn, out, `c${n}`);
    await expectLakesEqual('c1', 'c2');
  });
}

// --- --songs/--logs instead of --input ----------------------------------------------------------
{
  const out = path.join(work, 'separate');
  if (await etl(['--songs', path.join(sample, 'song_data'), '--logs', path.join(sample, 'log_data'), '--output', out],
    '--songs DIR --logs DIR')) {
    await checks.check('--songs DIR --logs DIR: equals the reference', async () => {
      await loadLake(conn, out, 'separate');
      await expectLakesEqual('ref', 'separate');
    });
  }
}

// --- --only songs ---------------------------------------------------------------------------------
{
  const out = path.join(work, 'only-songs');
  // A songs-only input: a subset of the sample's song files and no log_data at all.
  const subset = path.join(work, 'song-subset');
  const files = listFiles(path.join(sample, 'song_data')).filter((f) => f.endsWith('.json'));
  for (const f of files.slice(0, 40)) {
    fs.mkdirSync(path.dirname(path.join(subset, 'song_data', f)), { recursive: true });
    fs.copyFileSync(path.join(sample, 'song_data', f), path.join(subset, 'song_data', f));
  }
  await referenceTables(conn, { songs: path.join(subset, 'song_data'), schema: 'subset' });
  if (await etl(['--input', sample, '--output', out], 'full run before --only songs')) {
    const logTables = snapshot(out, ['users', 'time', 'songplays']);
    if (await etl(['--only', 'songs', '--input', subset, '--output', out], '--only songs on a songs-only input')) {
      await checks.check('--only songs: songs and artists rebuilt from the new input', async () => {
        await loadLake(conn, out, 'only_songs', ['songs', 'artists']);
        await expectLakesEqual('subset', 'only_songs', ['songs', 'artists']);
      });
      await checks.check('--only songs: users, time and songplays untouched (same files, same bytes)', async () => {
        assert.deepStrictEqual(snapshot(out, ['users', 'time', 'songplays']), logTables);
      });
      await checks.check('--only songs: no staging left behind', async () => assert.deepStrictEqual(strayLakeEntries(out), []));
    }
  }
}

// --- --only logs ----------------------------------------------------------------------------------
{
  const out = path.join(work, 'only-logs');
  if (await etl(['--only', 'songs', '--input', sample, '--output', out], '--only songs on a fresh lake')) {
    await checks.check('--only songs on a fresh lake: builds songs and artists only', async () => {
      const present = TABLES.filter((t) => fs.existsSync(path.join(out, t)));
      assert.deepStrictEqual(present, ['songs', 'artists']);
    });
    const songTables = snapshot(out, ['songs', 'artists']);
    if (await etl(['--only', 'logs', '--input', sample, '--output', out], '--only logs')) {
      await checks.check('--only logs: the lake equals a full run on the sample', async () => {
        await loadLake(conn, out, 'only_logs');
        await expectLakesEqual('ref', 'only_logs');
      });
      await checks.check('--only logs: songs and artists untouched', async () => {
        assert.deepStrictEqual(snapshot(out, ['songs', 'artists']), songTables);
      });
    }
    // Rerun the log stage with only --logs: the songs come from the lake, not from the input.
    if (await etl(['--only', 'logs', '--logs', path.join(sample, 'log_data'), '--output', out], '--only logs --logs DIR')) {
      await checks.check('--only logs --logs DIR: the lake still equals a full run', async () => {
        await loadLake(conn, out, 'only_logs2');
        await expectLakesEqual('ref', 'only_logs2');
      });
    }
  }
  const empty = path.join(work, 'no-songs-yet');
  const r = await runSparkify(['etl', '--only', 'logs', '--input', sample, '--output', empty]);
  await checks.check('--only logs on a lake without songs: fails (exit 1) and publishes nothing', async () => {
    expectExit(r, 1);
    assert.deepStrictEqual(TABLES.filter((t) => fs.existsSync(path.join(empty, t))), []);
  });
}

checks.finish();
