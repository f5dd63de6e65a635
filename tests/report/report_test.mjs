// `sparkify report` end to end: every figure on the page equals the same query run in DuckDB over
// the same lake (the real Udacity sample and a generated input), the page references nothing
// outside itself, and the edge cases (no matched plays, a missing table, an empty lake, a path
// that is not a lake) give a page that says so or one sentence and exit 1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  Checks, expectExit, loadLake, makeTempDir, openDuck, plain, queryRows, runSparkify,
  sparkifyBin, tableParquetFiles, TABLES,
} from '../e2e/lib/harness.mjs';
import { externalReferences, figure, tableRows, thousands } from './report_page.mjs';

sparkifyBin();
const checks = new Checks('report');
const conn = await openDuck();
const work = makeTempDir('report');

const BROWSER_SQL = `CASE WHEN user_agent IS NULL THEN '(none)'
  WHEN contains(user_agent, 'Edge/') OR contains(user_agent, 'Edg/') THEN 'Edge'
  WHEN contains(user_agent, 'Firefox/') THEN 'Firefox'
  WHEN contains(user_agent, 'Chromium/') THEN 'Chromium'
  WHEN contains(user_agent, 'Chrome/') THEN 'Chrome'
  WHEN contains(user_agent, 'Safari/') THEN 'Safari'
  WHEN contains(user_agent, 'Trident/') OR contains(user_agent, 'MSIE ') THEN 'Internet Explorer'
  ELSE 'Other' END`;
const OS_SQL = `CASE WHEN user_agent IS NULL THEN '(none)'
  WHEN contains(user_agent, 'iPhone') OR contains(user_agent, 'iPad') THEN 'iOS'
  WHEN contains(user_agent, 'Android') THEN 'Android'
  WHEN contains(user_agent, 'Windows') THEN 'Windows'
  WHEN contains(user_agent, 'Mac OS X') THEN 'macOS'
  WHEN contains(user_agent, 'Linux') THEN 'Linux'
  ELSE 'Other' END`;

const n = (v) => thousands(v ?? 0);
const str = (v) => (v === null || v === undefined ? '' : String(v));

async function rows(sql) {
  return plain(await queryRows(conn, sql));
}

function rejectLines(lake, kind) {
  const file = path.join(lake, '_rejects', `${kind}.jsonl`);
  return fs.existsSync(file) ? file : null;
}

async function report(lake, name, extra = []) {
  const out = path.join(work, `${name}.html`);
  const run = await runSparkify(['report', '--lake', lake, '--output', out, ...extra]);
  return { run, out, html: run.code === 0 ? fs.readFileSync(out, 'utf8') : '' };
}

/** Compares every figure and table of `html` with DuckDB over the lake loaded into `s`. */
async function expectFigures(label, html, lake, s) {
  const sp = `${s}.songplays`;
  const check = (name, fn) => checks.check(`${label}: ${name}`, fn);

  await check('headline figures', async () => {
    const [h] = await rows(`SELECT count(*) AS plays, count(song_id) AS matched,
      count(DISTINCT CAST(start_time AS DATE)) AS days,
      CAST(min(start_time) AS DATE)::VARCHAR AS first, CAST(max(start_time) AS DATE)::VARCHAR AS last,
      (SELECT count(*) FROM ${s}.users) AS users, (SELECT count(*) FROM ${s}.songs) AS songs,
      (SELECT count(*) FROM ${s}.artists) AS artists FROM ${sp}`);
    const got = {};
    for (const id of ['songplays', 'users', 'songs', 'artists', 'days', 'matched', 'match-rate', 'first-day', 'last-day']) {
      got[id] = figure(html, `fig-${id}`);
    }
    assert.deepStrictEqual(got, {
      songplays: n(h.plays), users: n(h.users), songs: n(h.songs), artists: n(h.artists),
      days: n(h.days), matched: n(h.matched),
      'match-rate': h.plays ? `${(100 * h.matched / h.plays).toFixed(2)}%` : '–',
      'first-day': h.first ?? undefined, 'last-day': h.last ?? undefined,
    });
  });

  await check('rejects equal the lines of _rejects/*.jsonl', async () => {
    const count = async (kind) => {
      const file = rejectLines(lake, kind);
      if (!file) return 0;
      return (await rows(`SELECT length(content) - length(replace(content, chr(10), '')) AS n
        FROM read_text('${file}')`))[0].n;
    };
    const songs = await count('songs');
    const logs = await count('logs');
    assert.deepStrictEqual(
      [figure(html, 'fig-rejects'), figure(html, 'fig-song-rejects'), figure(html, 'fig-log-rejects')],
      [n(songs + logs), n(songs), n(logs)]);
  });

  await check('plays per day and free/paid per day', async () => {
    const days = await rows(`SELECT CAST(start_time AS DATE)::VARCHAR AS d, count(*) AS p,
      count(*) FILTER (WHERE level = 'free') AS f, count(*) FILTER (WHERE level = 'paid') AS pd
      FROM ${sp} WHERE start_time IS NOT NULL GROUP BY 1 ORDER BY 1`);
    assert.deepStrictEqual(tableRows(html, 't-plays-per-day') ?? [], days.map((r) => [r.d, n(r.p)]));
    assert.deepStrictEqual(tableRows(html, 't-free-paid') ?? [], days.map((r) => [r.d, n(r.f), n(r.pd)]));
  });

  await check('plays by hour and weekday', async () => {
    const cells = await rows(`SELECT dayofweek(start_time) AS w, hour(start_time) AS h, count(*) AS p
      FROM ${sp} WHERE start_time IS NOT NULL GROUP BY ALL`);
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const want = days.map((d) => [d, ...Array(24).fill('0')]);
    for (const c of cells) want[c.w][c.h + 1] = n(c.p);
    assert.deepStrictEqual(tableRows(html, 't-hour-weekday') ?? (cells.length ? undefined : want), want);
  });

  await check('top songs among matched plays', async () => {
    const want = await rows(`SELECT sp.song_id, s.title, a.name, count(*) AS p FROM ${sp} sp
      LEFT JOIN ${s}.songs s ON s.song_id = sp.song_id LEFT JOIN ${s}.artists a ON a.artist_id = s.artist_id
      WHERE sp.song_id IS NOT NULL GROUP BY ALL ORDER BY p DESC, sp.song_id LIMIT 10`);
    assert.deepStrictEqual(tableRows(html, 't-top-songs') ?? [],
      want.map((r, i) => [String(i + 1), str(r.title), str(r.name), r.song_id, n(r.p)]));
  });

  await check('top artists among matched plays', async () => {
    const want = await rows(`SELECT sp.artist_id, a.name, count(*) AS p FROM ${sp} sp
      LEFT JOIN ${s}.artists a ON a.artist_id = sp.artist_id
      WHERE sp.artist_id IS NOT NULL GROUP BY ALL ORDER BY p DESC, sp.artist_id LIMIT 10`);
    assert.deepStrictEqual(tableRows(html, 't-top-artists') ?? [],
      want.map((r, i) => [String(i + 1), str(r.name), r.artist_id, n(r.p)]));
  });

  await check('most active users with their level', async () => {
    const want = await rows(`SELECT sp.user_id, concat_ws(' ', nullif(u.first_name, ''), nullif(u.last_name, '')) AS name,
      u.level, count(*) AS p FROM ${sp} sp LEFT JOIN ${s}.users u ON u.user_id = sp.user_id
      WHERE sp.user_id IS NOT NULL GROUP BY ALL ORDER BY p DESC, sp.user_id LIMIT 10`);
    assert.deepStrictEqual(tableRows(html, 't-top-users') ?? [],
      want.map((r, i) => [String(i + 1), String(r.user_id), str(r.name), str(r.level), n(r.p)]));
  });

  await check('top locations with their listeners', async () => {
    const want = await rows(`SELECT location, count(*) AS p, count(DISTINCT user_id) AS u FROM ${sp}
      WHERE location IS NOT NULL GROUP BY 1 ORDER BY p DESC, location LIMIT 10`);
    assert.deepStrictEqual(tableRows(html, 't-top-locations') ?? [],
      want.map((r, i) => [String(i + 1), r.location, n(r.p), n(r.u)]));
  });

  for (const [id, expr] of [['t-browsers', BROWSER_SQL], ['t-systems', OS_SQL]]) {
    await check(`${id === 't-browsers' ? 'browsers' : 'operating systems'} from user_agent`, async () => {
      const want = await rows(`SELECT ${expr} AS k, count(*) AS p FROM ${sp} GROUP BY 1 ORDER BY p DESC, k`);
      assert.deepStrictEqual(tableRows(html, id) ?? [], want.map((r, i) => [String(i + 1), r.k, n(r.p)]));
    });
  }

  await check('tables: files and rows', async () => {
    const want = [];
    for (const t of TABLES) {
      const c = (await rows(`SELECT count(*) AS c FROM ${s}."${t}"`))[0].c;
      want.push([t, 'published', n(tableParquetFiles(lake, t).length), n(c)]);
    }
    const order = ['songs', 'artists', 'users', 'time', 'songplays'];
    want.sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
    assert.deepStrictEqual(tableRows(html, 't-tables'), want);
  });

  await check('the data-quality checks are those of sparkify verify', async () => {
    const v = await runSparkify(['verify', '--lake', lake]);
    const lines = v.stdout.trim().split('\n').slice(0, -1).map((l) => {
      const m = l.match(/^(ok|FAIL)\s+(.*?)\s+([\d,]+) checked/);
      return m && [m[1], m[2], m[3]];
    });
    const got = (tableRows(html, 't-checks') ?? []).map((r) => [r[0], r[1], r[2]]);
    assert.deepStrictEqual(got, lines);
    assert.equal(figure(html, 'fig-checks-total'), String(lines.length));
  });

  await check('self-contained: no scripts, stylesheets, images, fonts or addresses from elsewhere', async () => {
    assert.deepStrictEqual(externalReferences(html), []);
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok((html.match(/<svg /g) ?? []).length >= 1, 'no inline SVG chart');
  });
}

// 1. The real Udacity sample.
const sample = path.resolve(process.env.SPARKIFY_SOURCE_DIR ?? '.', '../shared/data/udacity-sample');
if (fs.existsSync(path.join(sample, 'log_data'))) {
  const lake = path.join(work, 'sample-lake');
  const etl = await runSparkify(['etl', '--input', sample, '--output', lake, '--no-progress']);
  if (await checks.check('sample: etl exits 0', async () => expectExit(etl, 0))) {
    const r = await report(lake, 'sample');
    if (await checks.check('sample: report exits 0', async () => expectExit(r.run, 0))) {
      await loadLake(conn, lake, 'sample');
      await expectFigures('sample', r.html, lake, 'sample');
      await checks.check('sample: known figures (6,820 plays, 1 matched, 30 days, 96 users)', async () => {
        assert.deepStrictEqual(['songplays', 'matched', 'days', 'users'].map((k) => figure(r.html, `fig-${k}`)),
          ['6,820', '1', '30', '96']);
      });
    }
  }
} else {
  console.log(`skip - the Udacity sample is not at ${sample}: only generated input is checked`);
}

// 2. Generated input with bad records (so rejects are non-zero and many plays match).
const input = path.join(work, 'gen');
const genLake = path.join(work, 'gen-lake');
const gen = await runSparkify(['generate', '--output', input, '--songs', '1500', '--events', '60000',
  '--seed', '12', '--bad-fraction', '0.01', '--days', '45']);
await checks.check('generated: generate exits 0', async () => expectExit(gen, 0));
const genEtl = await runSparkify(['etl', '--input', input, '--output', genLake, '--no-progress']);
if (await checks.check('generated: etl exits 0', async () => expectExit(genEtl, 0))) {
  const r = await report(genLake, 'generated', ['--threads', '2']);
  if (await checks.check('generated: report exits 0', async () => expectExit(r.run, 0))) {
    await loadLake(conn, genLake, 'gen');
    await expectFigures('generated', r.html, genLake, 'gen');
    await checks.check('generated: the input gives real rankings (matches, rejects, >1 browser)', async () => {
      assert.ok((tableRows(r.html, 't-top-songs') ?? []).length === 10, 'fewer than 10 top songs');
      assert.notEqual(figure(r.html, 'fig-rejects'), '0');
      assert.ok((tableRows(r.html, 't-browsers') ?? []).length > 1);
    });
    // The songs and time counts come from the _SUCCESS manifests, which state the rows a full run
    // wrote; they are used only while a manifest names exactly the table's files.
    await checks.check('generated: the _SUCCESS row counts equal DuckDB\'s', async () => {
      for (const t of ['songs', 'time']) {
        const stated = JSON.parse(fs.readFileSync(path.join(genLake, t, '_SUCCESS'), 'utf8')).rows;
        const [c] = await rows(`SELECT count(*) AS n FROM gen.${t}`);
        assert.equal(stated, c.n, `${t}/_SUCCESS`);
      }
    });
    const fewerSongs = path.join(work, 'fewer-songs');
    fs.cpSync(genLake, fewerSongs, { recursive: true });
    fs.rmSync(tableParquetFiles(fewerSongs, 'songs').sort()[0]);
    const fewer = await report(fewerSongs, 'fewer-songs', ['--no-checks']);
    await checks.check('a songs file the manifest names is gone: songs counted from the files', async () => {
      expectExit(fewer.run, 0);
      await loadLake(conn, fewerSongs, 'fewer', ['songs']);
      const [c] = await rows('SELECT count(*) AS n FROM fewer.songs');
      assert.equal(figure(fewer.html, 'fig-songs'), n(c.n));
      assert.notEqual(figure(fewer.html, 'fig-songs'), figure(r.html, 'fig-songs'));
    });
  }

  // 3. Edge cases, from copies of the generated lake.
  const noTable = path.join(work, 'no-users');
  fs.cpSync(genLake, noTable, { recursive: true });
  fs.rmSync(path.join(noTable, 'users'), { recursive: true });
  const missing = await report(noTable, 'no-users');
  await checks.check('a missing table: exit 0, a page that names it, no users figure', async () => {
    expectExit(missing.run, 0);
    assert.match(figure(missing.html, 'missing-tables') ?? '', /no users table/);
    assert.equal(figure(missing.html, 'fig-users'), '–');
    assert.deepStrictEqual(tableRows(missing.html, 't-top-users')?.[0]?.slice(2, 4), ['', '']);
    assert.match(tableRows(missing.html, 't-checks').find((c) => c[1].startsWith('users is published'))[0], /FAIL/);
  });
}

const noSongs = path.join(work, 'no-songs');
fs.mkdirSync(noSongs);
const noMatchLake = path.join(work, 'no-match-lake');
const noMatch = await runSparkify(['etl', '--songs', noSongs, '--logs', path.join(input, 'log_data'),
  '--output', noMatchLake, '--no-progress']);
if (await checks.check('no matched plays: etl without songs exits 0', async () => expectExit(noMatch, 0))) {
  const r = await report(noMatchLake, 'no-match');
  await checks.check('no matched plays: the page says so, match rate 0.00%', async () => {
    expectExit(r.run, 0);
    assert.equal(figure(r.html, 'fig-match-rate'), '0.00%');
    assert.equal(tableRows(r.html, 't-top-songs'), undefined);
    assert.match(r.html, /No play in the lake matched a song/);
  });
}

const emptyIn = path.join(work, 'empty-in');
fs.mkdirSync(path.join(emptyIn, 'song_data'), { recursive: true });
fs.mkdirSync(path.join(emptyIn, 'log_data'), { recursive: true });
const emptyLake = path.join(work, 'empty-lake');
const emptyEtl = await runSparkify(['etl', '--input', emptyIn, '--output', emptyLake, '--no-progress']);
if (await checks.check('empty lake: etl over empty input exits 0', async () => expectExit(emptyEtl, 0))) {
  const r = await report(emptyLake, 'empty');
  await checks.check('empty lake: exit 0, a page that says the lake is empty', async () => {
    expectExit(r.run, 0);
    assert.match(figure(r.html, 'empty-lake') ?? '', /This lake is empty/);
    assert.equal(figure(r.html, 'fig-songplays'), '0');
    assert.equal(figure(r.html, 'fig-match-rate'), '–');
    assert.deepStrictEqual(externalReferences(r.html), []);
  });
}

for (const [what, lake] of [['a path that does not exist', path.join(work, 'nowhere')],
  ['a folder that is not a lake', input]]) {
  const r = await report(lake, 'not-a-lake');
  await checks.check(`${what}: one sentence on stderr, exit 1, no page`, async () => {
    expectExit(r.run, 1);
    const lines = r.run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.run.stderr);
    assert.match(lines[0], /^sparkify report: .*(does not exist|is not a sparkify lake)/);
    assert.ok(!fs.existsSync(r.out), 'a page was written');
  });
}

checks.finish();
