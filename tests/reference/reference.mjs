// An independent implementation of sparkify's five star-schema tables (SPEC §2–§3) in DuckDB SQL,
// computed straight from the raw JSON. The end-to-end tests compare the lake against it, and the
// DuckDB "peer" benchmark COPYs its tables to Hive-partitioned Parquet.
//
// It shares no code with the C++ ETL: discovery, typing, dedup, tie-breaks, the song join, the
// time breakdown and songplay ids are all re-derived from the SPEC text here.
//
//   import { referenceTables } from '.../tests/reference/reference.mjs';
//   await referenceTables(conn, { input: '/data/udacity-sample', schema: 'ref' });
//   // -> tables ref.songs, ref.artists, ref.users, ref.time, ref.songplays
//
// Decisions where the SPEC is silent (kept here so the tests and the peer agree):
// - A record is excluded (a reject) when it is not a JSON object, lacks a key column, or holds a
//   value of the wrong type in a key the tables use: a string column accepts only strings; a
//   number column accepts JSON numbers and numeric strings ("39", "337.5"); an integer column
//   accepts exact floats (39.0) but not fractions. Other keys are ignored.
// - Events other than NextSong are never used, so nothing about them is checked here.
// - songplay_id numbers the accepted NextSong events 1..N (a rejected event takes no id).
// - Every accepted song record competes in the artist choice; the song join looks only at the
//   song kept for each song_id (the first in file order), using that record's artist_name.

/** The five tables in publishing order. */
export const TABLES = ['songs', 'artists', 'users', 'time', 'songplays'];

/** Columns per table in SPEC order, with the DuckDB type a reader of the lake must see. */
export const TABLE_COLUMNS = {
  songs: [['song_id', 'VARCHAR'], ['title', 'VARCHAR'], ['artist_id', 'VARCHAR'],
          ['year', 'INTEGER'], ['duration', 'DOUBLE']],
  artists: [['artist_id', 'VARCHAR'], ['name', 'VARCHAR'], ['location', 'VARCHAR'],
            ['latitude', 'DOUBLE'], ['longitude', 'DOUBLE']],
  users: [['user_id', 'BIGINT'], ['first_name', 'VARCHAR'], ['last_name', 'VARCHAR'],
          ['gender', 'VARCHAR'], ['level', 'VARCHAR']],
  time: [['start_time', 'TIMESTAMP WITH TIME ZONE'], ['hour', 'INTEGER'], ['day', 'INTEGER'],
         ['week', 'INTEGER'], ['month', 'INTEGER'], ['year', 'INTEGER'], ['weekday', 'INTEGER']],
  songplays: [['songplay_id', 'BIGINT'], ['start_time', 'TIMESTAMP WITH TIME ZONE'],
              ['user_id', 'BIGINT'], ['level', 'VARCHAR'], ['song_id', 'VARCHAR'],
              ['artist_id', 'VARCHAR'], ['session_id', 'BIGINT'], ['location', 'VARCHAR'],
              ['user_agent', 'VARCHAR'], ['year', 'INTEGER'], ['month', 'INTEGER']],
};

/** Key columns (written REQUIRED); every other column is OPTIONAL. */
export const KEY_COLUMNS = {
  songs: 'song_id', artists: 'artist_id', users: 'user_id', time: 'start_time',
  songplays: 'songplay_id',
};

/** Hive partition columns per table, outermost first, with their DuckDB types. */
export const PARTITION_COLUMNS = {
  songs: [['year', 'INTEGER'], ['artist_id', 'VARCHAR']],
  artists: [],
  users: [],
  time: [['year', 'INTEGER'], ['month', 'INTEGER']],
  songplays: [['year', 'INTEGER'], ['month', 'INTEGER']],
};

const SONG_KEYS = ['artist_id', 'artist_latitude', 'artist_longitude',
                   'artist_location', 'artist_name', 'song_id', 'title', 'duration', 'year'];
// Only the keys the tables use; every other key is ignored (as are its value's type).
const LOG_KEYS = ['artist', 'firstName', 'gender', 'lastName', 'length', 'level', 'location',
                  'page', 'sessionId', 'song', 'ts', 'userAgent', 'userId'];

/** Quotes a string as a SQL literal. */
export function sqlString(s) {
  return `'${String(s).replaceAll("'", "''")}'`;
}

/** Quotes an identifier. */
export function sqlIdent(s) {
  return `"${String(s).replaceAll('"', '""')}"`;
}

function byteCompare(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** SPEC §2 discovery on a list of paths under `root`: `.json`/`.json.gz` names, no path part
 *  starting with `.` or `_`, sorted byte-wise by the path relative to the root. */
export function selectInputFiles(root, paths) {
  const base = root.replace(/\/+$/, '');
  const files = [];
  for (const path of paths) {
    if (!path.startsWith(base + '/')) continue;
    const rel = path.slice(base.length + 1);
    const parts = rel.split('/');
    if (parts.some((p) => p === '' || p.startsWith('.') || p.startsWith('_'))) continue;
    const name = parts[parts.length - 1];
    if (!name.endsWith('.json') && !name.endsWith('.json.gz')) continue;
    files.push({ path, rel });
  }
  files.sort((a, b) => byteCompare(a.rel, b.rel));
  return files;
}

/** Lists the input files under `root` (local path or any URL DuckDB can glob) per SPEC §2. */
export async function discoverInputFiles(conn, root) {
  const base = root.replace(/\/+$/, '');
  const reader = await conn.runAndReadAll(`SELECT file FROM glob(${sqlString(base + '/**')})`);
  return selectInputFiles(base, reader.getRows().map((r) => r[0]));
}

function fileListSql(files) {
  return `[${files.map((f) => sqlString(f.path)).join(', ')}]`;
}

function filesTableSql(table, files) {
  if (files.length === 0) {
    return `CREATE OR REPLACE TABLE ${table} (file_idx INTEGER, path VARCHAR, rel VARCHAR);`;
  }
  const rows = files.map((f, i) => `(${i}, ${sqlString(f.path)}, ${sqlString(f.rel)})`);
  return `CREATE OR REPLACE TABLE ${table} AS SELECT * FROM (VALUES ${rows.join(', ')}) ` +
         `AS t(file_idx, path, rel);`;
}

// Each record is read as its own text (so a bad line never disturbs its neighbours, and the
// text can be checked against strict JSON), then parsed once for all the keys the tables use.
function extractSql(keys) {
  return `json_extract(json, [${keys.map((k) => sqlString(`$.${sqlIdent(k)}`)).join(', ')}])`;
}

/** SQL that reads the song files' documents; it fails when a file is not JSON documents. */
export function songScanSql(files) {
  return `read_json_objects(${fileListSql(files)}, format = 'unstructured', filename = true, ` +
         'maximum_object_size = 67108864)';
}

function logScanSql(files) {
  return `read_ndjson_objects(${fileListSql(files)}, filename = true, ignore_errors = true, ` +
         'maximum_object_size = 67108864)';
}

/** Key values of one input's records with flags for what is wrong with the record as JSON:
 *  (file_idx, ord, not_json, not_object, lenient, key...). */
function rawTableSql(table, keys, files, scanSql, filesTable, strict) {
  const cols = keys.map((k, i) => `nullif(v[${i + 1}]::VARCHAR, 'null') AS ${sqlIdent(k)}`).join(', ');
  if (files.length === 0) {
    return `CREATE OR REPLACE TABLE ${table} AS SELECT 0 AS file_idx, 0::BIGINT AS ord,
              false AS not_json, false AS not_object, false AS lenient,
              ${keys.map((k) => `NULL::VARCHAR AS ${sqlIdent(k)}`).join(', ')} WHERE false;`;
  }
  return `CREATE OR REPLACE TABLE ${table} AS
          SELECT f.file_idx, r.ordinality AS ord, r.json IS NULL AS not_json,
                 coalesce(NOT starts_with(ltrim(r.json::VARCHAR), '{'), false) AS not_object,
                 ${strict ? 'coalesce(sp_ref_lenient(r.json::VARCHAR), false)' : 'false'} AS lenient, ${cols}
          FROM (SELECT *, ${extractSql(keys)} AS v FROM ${scanSql} WITH ORDINALITY AS r) AS r
          JOIN ${filesTable} AS f ON f.path = r.filename;`;
}

// The fast way to read logs (strict: false): DuckDB parses each line straight into the keys,
// several times faster, but a line that is not JSON can take its neighbour with it, so it is
// only exact on valid input. Invalid lines arrive with every key NULL and are simply not used.
function fastLogRawTableSql(table, keys, files, filesTable) {
  const columns = `{${keys.map((k) => `${sqlString(k)}: 'JSON'`).join(', ')}}`;
  return `CREATE OR REPLACE TABLE ${table} AS
          SELECT f.file_idx, r.ordinality AS ord, false AS not_json, false AS not_object,
                 false AS lenient, ${keys.map((k) => `nullif(r.${sqlIdent(k)}::VARCHAR, 'null') AS ${sqlIdent(k)}`).join(', ')}
          FROM read_ndjson(${fileListSql(files)}, columns = ${columns}, filename = true,
                           ignore_errors = true, maximum_object_size = 67108864) WITH ORDINALITY AS r
          JOIN ${filesTable} AS f ON f.path = r.filename;`;
}

// Typing rules for one value `v`: its JSON text, or SQL NULL when the key is missing or null.
// The kind is told by the first character, much faster than asking the JSON functions, which
// parse the value again on every call. `sp_ref_lenient` finds what DuckDB's parser accepts but
// JSON does not (trailing commas, NaN, Infinity), outside strings.
const MACROS = `
CREATE OR REPLACE TEMP MACRO sp_ref_is_str(v) AS starts_with(v::VARCHAR, '"');
CREATE OR REPLACE TEMP MACRO sp_ref_is_num(v) AS left(v::VARCHAR, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
CREATE OR REPLACE TEMP MACRO sp_ref_str(v) AS CASE WHEN sp_ref_is_str(v) THEN
  CASE WHEN contains(v::VARCHAR, '\\') THEN v ->> '$' ELSE substr(v::VARCHAR, 2, length(v::VARCHAR) - 2) END END;
CREATE OR REPLACE TEMP MACRO sp_ref_str_ok(v) AS v IS NULL OR sp_ref_is_str(v);
CREATE OR REPLACE TEMP MACRO sp_ref_num_text(v) AS CASE
  WHEN sp_ref_is_num(v) THEN v::VARCHAR
  WHEN sp_ref_is_str(v) AND regexp_full_match(sp_ref_str(v), '-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?')
    THEN sp_ref_str(v) END;
CREATE OR REPLACE TEMP MACRO sp_ref_dbl(v) AS TRY_CAST(sp_ref_num_text(v) AS DOUBLE);
CREATE OR REPLACE TEMP MACRO sp_ref_dbl_ok(v) AS v IS NULL OR sp_ref_dbl(v) IS NOT NULL;
CREATE OR REPLACE TEMP MACRO sp_ref_int_text(v) AS CASE
  WHEN regexp_full_match(sp_ref_num_text(v), '-?[0-9]+') THEN sp_ref_num_text(v)
  WHEN sp_ref_is_num(v) AND TRY_CAST(v::VARCHAR AS DOUBLE) = floor(TRY_CAST(v::VARCHAR AS DOUBLE))
    THEN TRY_CAST(TRY_CAST(v::VARCHAR AS DOUBLE) AS HUGEINT)::VARCHAR END;
CREATE OR REPLACE TEMP MACRO sp_ref_i64(v) AS TRY_CAST(sp_ref_int_text(v) AS BIGINT);
CREATE OR REPLACE TEMP MACRO sp_ref_i64_ok(v) AS v IS NULL OR sp_ref_i64(v) IS NOT NULL;
CREATE OR REPLACE TEMP MACRO sp_ref_i32(v) AS TRY_CAST(sp_ref_int_text(v) AS INTEGER);
CREATE OR REPLACE TEMP MACRO sp_ref_i32_ok(v) AS v IS NULL OR sp_ref_i32(v) IS NOT NULL;
CREATE OR REPLACE TEMP MACRO sp_ref_lenient(t) AS
  regexp_matches(t, ',\\s*[}\\]]|NaN|Infinity')
  AND regexp_matches(regexp_replace(t, '"(?:[^"\\\\]|\\\\.)*"', '""', 'g'), ',\\s*[}\\]]|NaN|Infinity');
`;

/**
 * The whole reference as one SQL script. `songFiles`/`logFiles` are [{path, rel}] in processing
 * order (see discoverInputFiles); a song file with `bad: reason` is counted as rejected and not
 * read; `strict: false` as in referenceTables. Creates <schema>.songs, artists, users, time,
 * songplays and helper tables ref_*.
 */
export function referenceSql({ songFiles, logFiles, schema = 'main', strict = true }) {
  const s = sqlIdent(schema);
  const good = songFiles.filter((f) => !f.bad);
  const notJson = strict
    ? `WHEN lenient THEN 'not JSON: trailing comma, NaN or Infinity'`
    : '';
  const parts = [`CREATE SCHEMA IF NOT EXISTS ${s};`, MACROS,
                 filesTableSql(`${s}.ref_song_files`, songFiles),
                 filesTableSql(`${s}.ref_log_files`, logFiles),
                 // Song documents in file order: (file_idx, ord) orders them.
                 rawTableSql(`${s}.ref_song_raw`, SONG_KEYS, good, songScanSql(good), `${s}.ref_song_files`, strict),
                 // Log lines in file order; a line that is not JSON arrives as NULL.
                 strict || logFiles.length === 0
                   ? rawTableSql(`${s}.ref_log_raw`, LOG_KEYS, logFiles, logScanSql(logFiles), `${s}.ref_log_files`, strict)
                   : fastLogRawTableSql(`${s}.ref_log_raw`, LOG_KEYS, logFiles, `${s}.ref_log_files`)];

  parts.push(`
CREATE OR REPLACE TABLE ${s}.ref_song_records AS
SELECT file_idx, ord,
       sp_ref_str(song_id) AS song_id, sp_ref_str(title) AS title,
       sp_ref_str(artist_id) AS artist_id, sp_ref_str(artist_name) AS artist_name,
       sp_ref_str(artist_location) AS artist_location,
       sp_ref_dbl(artist_latitude) AS artist_latitude, sp_ref_dbl(artist_longitude) AS artist_longitude,
       sp_ref_i32(year) AS year, sp_ref_dbl(duration) AS duration,
       CASE
         WHEN not_object THEN 'not a JSON object'
         ${notJson}
         WHEN song_id IS NULL THEN 'missing song_id'
         WHEN NOT sp_ref_is_str(song_id) THEN 'song_id is not a string'
         WHEN artist_id IS NULL THEN 'missing artist_id'
         WHEN NOT sp_ref_is_str(artist_id) THEN 'artist_id is not a string'
         WHEN NOT sp_ref_str_ok(title) THEN 'title is not a string'
         WHEN NOT sp_ref_str_ok(artist_name) THEN 'artist_name is not a string'
         WHEN NOT sp_ref_str_ok(artist_location) THEN 'artist_location is not a string'
         WHEN NOT sp_ref_dbl_ok(artist_latitude) THEN 'artist_latitude is not a number'
         WHEN NOT sp_ref_dbl_ok(artist_longitude) THEN 'artist_longitude is not a number'
         WHEN NOT sp_ref_i32_ok(year) THEN 'year is not a 32-bit integer'
         WHEN NOT sp_ref_dbl_ok(duration) THEN 'duration is not a number'
       END AS reject_reason
FROM ${s}.ref_song_raw;

CREATE OR REPLACE TABLE ${s}.ref_songs_first AS
SELECT * EXCLUDE (rn) FROM (
  SELECT *, row_number() OVER (PARTITION BY song_id ORDER BY file_idx, ord) AS rn
  FROM ${s}.ref_song_records WHERE reject_reason IS NULL)
WHERE rn = 1;

CREATE OR REPLACE TABLE ${s}.songs AS
SELECT song_id, title, artist_id, year, duration FROM ${s}.ref_songs_first
ORDER BY file_idx, ord;

CREATE OR REPLACE TABLE ${s}.artists AS
SELECT artist_id, name, location, latitude, longitude FROM (
  SELECT artist_id, artist_name AS name, nullif(artist_location, '') AS location,
         artist_latitude AS latitude, artist_longitude AS longitude, file_idx, ord,
         row_number() OVER (
           PARTITION BY artist_id
           ORDER BY (coalesce(artist_name <> '', false)::INTEGER
                     + coalesce(artist_location <> '', false)::INTEGER
                     + (artist_latitude IS NOT NULL)::INTEGER
                     + (artist_longitude IS NOT NULL)::INTEGER) DESC,
                    file_idx, ord) AS rn
  FROM ${s}.ref_song_records WHERE reject_reason IS NULL)
WHERE rn = 1
ORDER BY file_idx, ord;

-- Every line that is not JSON is a reject; of the rest only NextSong events matter.
CREATE OR REPLACE TABLE ${s}.ref_events AS
SELECT file_idx, ord,
       sp_ref_i64(ts) AS ts, sp_ref_i64(userId) AS user_id,
       sp_ref_str(firstName) AS first_name, sp_ref_str(lastName) AS last_name,
       sp_ref_str(gender) AS gender, sp_ref_str(level) AS level,
       sp_ref_str(song) AS song, sp_ref_str(artist) AS artist, sp_ref_dbl(length) AS length,
       sp_ref_i64(sessionId) AS session_id, sp_ref_str(location) AS location,
       sp_ref_str(userAgent) AS user_agent,
       CASE
         WHEN not_json THEN 'not JSON'
         WHEN not_object THEN 'not a JSON object'
         ${notJson}
         WHEN ts IS NULL THEN 'missing ts'
         WHEN sp_ref_i64(ts) IS NULL THEN 'ts is not an integer'
         WHEN userId IS NULL THEN 'missing userId'
         WHEN sp_ref_i64(userId) IS NULL THEN 'userId is not an integer'
         WHEN NOT sp_ref_str_ok(artist) THEN 'artist is not a string'
         WHEN NOT sp_ref_str_ok(firstName) THEN 'firstName is not a string'
         WHEN NOT sp_ref_str_ok(gender) THEN 'gender is not a string'
         WHEN NOT sp_ref_str_ok(lastName) THEN 'lastName is not a string'
         WHEN NOT sp_ref_dbl_ok(length) THEN 'length is not a number'
         WHEN NOT sp_ref_str_ok(level) THEN 'level is not a string'
         WHEN NOT sp_ref_str_ok(location) THEN 'location is not a string'
         WHEN NOT sp_ref_i64_ok(sessionId) THEN 'sessionId is not an integer'
         WHEN NOT sp_ref_str_ok(song) THEN 'song is not a string'
         WHEN NOT sp_ref_str_ok(userAgent) THEN 'userAgent is not a string'
       END AS reject_reason,
       sp_ref_str(page) = 'NextSong' AS next_song
FROM ${s}.ref_log_raw
WHERE not_json OR not_object OR lenient OR sp_ref_str(page) = 'NextSong';

-- The ids are numbered over the narrow (file_idx, ord) pairs: a window over the wide rows is
-- many times slower.
CREATE OR REPLACE TABLE ${s}.ref_plays AS
WITH ids AS (
  SELECT file_idx, ord, row_number() OVER (ORDER BY file_idx, ord) AS songplay_id
  FROM ${s}.ref_events WHERE reject_reason IS NULL AND next_song)
SELECT e.*, ids.songplay_id, make_timestamp(e.ts * 1000) AS utc
FROM ${s}.ref_events AS e JOIN ids USING (file_idx, ord);

CREATE OR REPLACE TABLE ${s}.users AS
SELECT user_id, first_name, last_name, gender, level FROM (
  SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, file_idx DESC, ord DESC) AS rn
  FROM ${s}.ref_plays)
WHERE rn = 1
ORDER BY user_id;

CREATE OR REPLACE TABLE ${s}."time" AS
SELECT timezone('UTC', utc) AS start_time,
       hour(utc)::INTEGER AS hour, day(utc)::INTEGER AS day, week(utc)::INTEGER AS week,
       month(utc)::INTEGER AS month, year(utc)::INTEGER AS year,
       (dayofweek(utc) + 1)::INTEGER AS weekday
FROM (SELECT DISTINCT utc FROM ${s}.ref_plays)
ORDER BY start_time;

CREATE OR REPLACE TABLE ${s}.songplays AS
WITH candidates AS (
  SELECT title, artist_name, duration, song_id, artist_id,
         row_number() OVER (PARTITION BY title, artist_name, duration ORDER BY file_idx, ord) AS rn
  FROM ${s}.ref_songs_first
  WHERE title IS NOT NULL AND artist_name IS NOT NULL AND duration IS NOT NULL)
SELECT p.songplay_id, timezone('UTC', p.utc) AS start_time, p.user_id, p.level,
       c.song_id, c.artist_id, p.session_id, p.location, p.user_agent,
       year(p.utc)::INTEGER AS year, month(p.utc)::INTEGER AS month
FROM ${s}.ref_plays AS p
LEFT JOIN candidates AS c
  ON c.rn = 1 AND c.title = p.song AND c.artist_name = p.artist AND c.duration = p.length
ORDER BY p.songplay_id;

CREATE OR REPLACE TABLE ${s}.ref_rejects AS
SELECT 'songs' AS kind, f.rel AS source, r.ord, r.reject_reason AS reason
FROM ${s}.ref_song_records AS r JOIN ${s}.ref_song_files AS f USING (file_idx)
WHERE r.reject_reason IS NOT NULL
UNION ALL
SELECT 'logs', f.rel, e.ord, e.reject_reason
FROM ${s}.ref_events AS e JOIN ${s}.ref_log_files AS f USING (file_idx)
WHERE e.reject_reason IS NOT NULL
  AND (e.next_song OR e.reject_reason LIKE 'not %');
`);

  const badFiles = songFiles.filter((f) => f.bad);
  if (badFiles.length > 0) {
    parts.push(`INSERT INTO ${s}.ref_rejects VALUES ${badFiles
      .map((f) => `('songs', ${sqlString(f.rel)}, NULL, ${sqlString(f.bad)})`).join(', ')};`);
  }
  return parts.join('\n');
}

// DuckDB reads a list of song files all or nothing; when the list fails, find the files that
// are not one or more JSON objects one by one, so the reference can treat them as rejected.
async function markUnreadableSongFiles(conn, files) {
  try {
    await conn.run(`SELECT count(json) FROM ${songScanSql(files)}`);
    return files;
  } catch {
    const marked = [];
    for (const f of files) {
      try {
        await conn.run(`SELECT count(json) FROM ${songScanSql([f])}`);
        marked.push(f);
      } catch (e) {
        marked.push({ ...f, bad: `not one or more JSON objects: ${e.message.split('\n')[0]}` });
      }
    }
    return marked;
  }
}

/**
 * Builds the five reference tables in `conn` (a @duckdb/node-api connection).
 * Inputs: `input` (a root holding song_data/ and log_data/), or `songs`/`logs` roots, or
 * `songFiles`/`logFiles` ([{path, rel}], already in processing order). `strict: false` reads the
 * logs the fast way and accepts what only DuckDB takes for JSON (trailing commas, NaN,
 * Infinity): several times faster and the same tables on valid input (the benchmark peer).
 * Returns {songFiles, logFiles, sql} describing what was read.
 */
export async function referenceTables(conn, opts) {
  const schema = opts.schema ?? 'main';
  const songsRoot = opts.songs ?? (opts.input && `${opts.input.replace(/\/+$/, '')}/song_data`);
  const logsRoot = opts.logs ?? (opts.input && `${opts.input.replace(/\/+$/, '')}/log_data`);
  let songFiles = opts.songFiles ?? (songsRoot ? await discoverInputFiles(conn, songsRoot) : []);
  const logFiles = opts.logFiles ?? (logsRoot ? await discoverInputFiles(conn, logsRoot) : []);
  if (songFiles.length > 0) songFiles = await markUnreadableSongFiles(conn, songFiles);
  const sql = referenceSql({ songFiles, logFiles, schema, strict: opts.strict ?? true });
  await conn.run(sql);
  return { songFiles, logFiles, sql };
}
