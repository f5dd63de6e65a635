// Shared helpers for the end-to-end tests: running the sparkify binary, temp folders, a checks
// runner that reports every failure (not just the first), and reading a lake back with DuckDB.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  KEY_COLUMNS, PARTITION_COLUMNS, TABLES, TABLE_COLUMNS, sqlIdent, sqlString,
} from '../../reference/reference.mjs';

export const SKIP = 77;

/** The sparkify binary under test; a missing binary is a failure, not a skip. */
export function sparkifyBin() {
  const built = ['sparkify', 'src/cli/sparkify']
    .map((p) => process.env.SPARKIFY_BUILD_DIR && path.join(process.env.SPARKIFY_BUILD_DIR, p))
    .find((p) => p && fs.existsSync(p));
  const bin = process.env.SPARKIFY_BIN || built;
  if (!bin || !fs.existsSync(bin)) {
    console.error(`FAIL: sparkify binary not found (SPARKIFY_BIN=${process.env.SPARKIFY_BIN ?? ''})`);
    process.exit(1);
  }
  return bin;
}

function sourceDir() {
  return process.env.SPARKIFY_SOURCE_DIR || path.resolve(import.meta.dirname, '../../..');
}

/** The real Udacity sample, or exit 77 (skipped) with a clear message when it is absent. */
export function requireSample() {
  const dir = path.join(sourceDir(), '../shared/data/udacity-sample');
  if (!fs.existsSync(path.join(dir, 'song_data')) || !fs.existsSync(path.join(dir, 'log_data'))) {
    console.log(`SKIP: the Udacity sample is not at ${dir} ($SPARKIFY_SOURCE_DIR/../shared/data)`);
    process.exit(SKIP);
  }
  return dir;
}

/** Collects named checks, prints each result, and exits non-zero at the end if any failed. */
export class Checks {
  constructor(suite) {
    this.suite = suite;
    this.failures = [];
    this.passed = 0;
  }

  async check(name, fn) {
    try {
      await fn();
      this.passed += 1;
      console.log(`ok   - ${name}`);
      return true;
    } catch (e) {
      this.failures.push(name);
      const text = e?.stack && !(e?.name === 'AssertionError') ? e.stack : e?.message ?? String(e);
      console.log(`FAIL - ${name}\n${indent(text)}`);
      return false;
    }
  }

  finish() {
    console.log(`\n${this.suite}: ${this.passed} passed, ${this.failures.length} failed`);
    for (const f of this.failures) console.log(`  failed: ${f}`);
    cleanupTempDirs();
    process.exit(this.failures.length === 0 ? 0 : 1);
  }
}

function indent(text) {
  return String(text).split('\n').map((l) => `    ${l}`).join('\n');
}

/** JSON.stringify that copes with BigInt and Date, for messages. */
export function show(value) {
  return JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? Number(v) : v));
}

const tempDirs = [];

/** A fresh temp folder (in /dev/shm when present), removed at exit unless SPARKIFY_KEEP_TMP=1. */
export function makeTempDir(tag) {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, `sparkify-e2e-${tag}-`));
  tempDirs.push(dir);
  return dir;
}

export function cleanupTempDirs() {
  if (process.env.SPARKIFY_KEEP_TMP === '1') {
    if (tempDirs.length) console.log(`kept temp dirs: ${tempDirs.join(' ')}`);
    return;
  }
  for (const d of tempDirs.splice(0)) {
    restorePermissions(d);
    fs.rmSync(d, { recursive: true, force: true });
  }
}

// Tests chmod files to make them unreadable; make everything removable again.
function restorePermissions(dir) {
  try {
    fs.chmodSync(dir, 0o755);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) restorePermissions(p);
      else if (!e.isSymbolicLink()) fs.chmodSync(p, 0o644);
    }
  } catch { /* best effort */ }
}

process.on('exit', () => cleanupTempDirs());

/**
 * Runs sparkify with `args`; resolves {code, signal, stdout, stderr}. stdout and stderr are
 * pipes, never a terminal. `prefix` runs it through another program (setpriv). A run that
 * outlives `guardMs` is killed so one hang cannot stall the suite; the caller's checks fail.
 */
export function runSparkify(args, { prefix = [], guardMs = 300_000, env = {}, onSpawn } = {}) {
  const bin = sparkifyBin();
  const argv = [...prefix, bin, ...args];
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    let guarded = false;
    const guard = setTimeout(() => { guarded = true; child.kill('SIGKILL'); }, guardMs);
    if (onSpawn) onSpawn(child);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({
        code, signal, guarded, args: argv.slice(prefix.length + 1),
        stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** A one-line description of a finished run, for assertion messages. */
export function describeRun(r) {
  const clip = (s) => (s.length > 1500 ? `${s.slice(0, 1500)}…` : s);
  return `sparkify ${r.args.join(' ')}\n  exit=${r.code} signal=${r.signal}` +
    `${r.guarded ? ' (killed: did not finish)' : ''}\n  stdout: ${clip(r.stdout)}\n  stderr: ${clip(r.stderr)}`;
}

/** Fails unless the run exited with `code`. */
export function expectExit(r, code) {
  if (r.code !== code) throw new Error(`expected exit code ${code}\n${describeRun(r)}`);
}

/** Prefix that runs a command as root without the power to bypass file permissions. */
export function withoutRootPowers() {
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    return ['setpriv', '--bounding-set=-dac_override,-dac_read_search'];
  }
  return [];
}

/** A DuckDB connection; the session time zone is UTC so timestamps print as stored. */
export async function openDuck() {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  return conn;
}

export async function queryRows(conn, sql) {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS();
}

export async function queryValue(conn, sql) {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRows()[0]?.[0];
}

/** Every file under `dir`, as paths relative to it ('/'-separated), sorted. */
export function listFiles(dir, { dirs = false } = {}) {
  const found = [];
  const walk = (abs, rel) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (dirs) found.push(`${r}/`);
        walk(path.join(abs, e.name), r);
      } else {
        found.push(r);
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return found.sort();
}

/** The Parquet files a Hadoop-style reader sees in a table folder (no `.x` or `_x` parts). */
export function tableParquetFiles(out, table) {
  const dir = path.join(out, table);
  return listFiles(dir)
    .filter((rel) => rel.endsWith('.parquet'))
    .filter((rel) => !rel.split('/').some((p) => p.startsWith('.') || p.startsWith('_')))
    .map((rel) => path.join(dir, rel));
}

/** Hive/Spark partition-value escaping (SPEC §4). */
export function hiveEscape(value) {
  if (value === null || value === undefined || value === '') return '__HIVE_DEFAULT_PARTITION__';
  const special = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '{', '[', ']', '^']);
  let s = '';
  for (const ch of String(value)) {
    const c = ch.codePointAt(0);
    if ((c >= 0x01 && c <= 0x1f) || c === 0x7f || special.has(ch)) {
      s += `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      s += ch;
    }
  }
  return s;
}

/** SQL reading one table of a lake at `out` with its SPEC columns, in SPEC order. */
export function lakeTableSql(out, table, files = tableParquetFiles(out, table)) {
  const parts = PARTITION_COLUMNS[table];
  const cols = TABLE_COLUMNS[table].map(([c]) => sqlIdent(c)).join(', ');
  const list = `[${files.map(sqlString).join(', ')}]`;
  const hive = parts.length
    ? `hive_partitioning = true, hive_types = {${parts.map(([c, t]) => `${sqlString(c)}: ${t}`).join(', ')}}`
    : 'hive_partitioning = false';
  return `SELECT ${cols} FROM read_parquet(${list}, ${hive})`;
}

/** Loads the five tables of the lake at `out` into `schema` (tables given in `tables`). */
export async function loadLake(conn, out, schema, tables = TABLES) {
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${sqlIdent(schema)}`);
  for (const t of tables) {
    const files = tableParquetFiles(out, t);
    if (files.length === 0) throw new Error(`table ${t}: no Parquet files under ${out}/${t}`);
    await conn.run(`CREATE OR REPLACE TABLE ${sqlIdent(schema)}.${sqlIdent(t)} AS ${lakeTableSql(out, t, files)}`);
  }
}

/** Column name -> DuckDB type that a reader of the lake sees for `table`. */
export async function lakeColumnTypes(conn, out, table) {
  const rows = await queryRows(conn, `DESCRIBE ${lakeTableSql(out, table)}`);
  return Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
}

/**
 * Compares two tables as multisets of rows over `table`'s SPEC columns. Throws with counts and
 * sample rows when they differ.
 */
export async function expectSameRows(conn, expected, actual, table, { label = table } = {}) {
  const cols = TABLE_COLUMNS[table].map(([c]) => sqlIdent(c)).join(', ');
  const diff = async (a, b) => queryRows(conn,
    `SELECT ${cols} FROM ${a} EXCEPT ALL SELECT ${cols} FROM ${b} ORDER BY ALL LIMIT 6`);
  const count = async (a, b) => Number(await queryValue(conn,
    `SELECT count(*) FROM (SELECT ${cols} FROM ${a} EXCEPT ALL SELECT ${cols} FROM ${b})`));
  const missing = await count(expected, actual);
  const extra = await count(actual, expected);
  if (missing === 0 && extra === 0) return;
  const nExp = await queryValue(conn, `SELECT count(*) FROM ${expected}`);
  const nAct = await queryValue(conn, `SELECT count(*) FROM ${actual}`);
  throw new Error(`${label}: rows differ (expected ${nExp} rows, got ${nAct}; ` +
    `${missing} expected rows missing, ${extra} unexpected rows)\n` +
    `  missing e.g.: ${show(await diff(expected, actual))}\n` +
    `  unexpected e.g.: ${show(await diff(actual, expected))}`);
}

/** Checks the column names and types a reader sees against SPEC §3. */
export async function expectSpecTypes(conn, out, table) {
  const got = await lakeColumnTypes(conn, out, table);
  const want = Object.fromEntries(TABLE_COLUMNS[table]);
  const bad = [];
  for (const [c, t] of Object.entries(want)) if (got[c] !== t) bad.push(`${c}: want ${t}, got ${got[c]}`);
  for (const c of Object.keys(got)) if (!(c in want)) bad.push(`unexpected column ${c} (${got[c]})`);
  if (bad.length) throw new Error(`${table} column types: ${bad.join('; ')}`);
}

/** An order-independent fingerprint of a lake table's rows, or null when the folder is absent. */
export async function tableFingerprint(conn, out, table) {
  if (!fs.existsSync(path.join(out, table))) return null;
  const files = tableParquetFiles(out, table);
  if (files.length === 0) return 'no parquet files';
  const cols = TABLE_COLUMNS[table].map(([c]) => sqlIdent(c)).join(', ');
  const row = (await queryRows(conn,
    `SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(${cols})::HUGEINT), 0)::VARCHAR AS fp
     FROM (${lakeTableSql(out, table, files)})`))[0];
  return row.fp;
}

/**
 * Asserts that a lake's rejects files are byte for byte another's (the same records, line numbers
 * and byte offsets). With `nonEmpty`, the expected files must hold records too, so the check
 * cannot pass on an input without bad records.
 */
export function expectSameRejects(expectedOut, actualOut, { nonEmpty = false } = {}) {
  for (const f of ['songs.jsonl', 'logs.jsonl']) {
    const want = fs.readFileSync(path.join(expectedOut, '_rejects', f), 'utf8');
    if (nonEmpty) assert.ok(want.length > 0, `${f} is empty: the input has no bad records`);
    assert.equal(fs.readFileSync(path.join(actualOut, '_rejects', f), 'utf8'), want, `${f} differs`);
  }
}

/** Parses the JSON-lines rejects file; [] when it does not exist. */
export function readRejects(out, kind) {
  const file = path.join(out, '_rejects', `${kind}.jsonl`);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((l, i) => {
      try { return JSON.parse(l); } catch (e) { throw new Error(`${file}:${i + 1} is not JSON: ${l}`); }
    });
}

/**
 * The lake's load record once no run is active (SPEC §9): under _sparkify/commits/ the newest
 * record and the chain it builds on (each change names its `base`, back to a whole record);
 * under _sparkify/state/ the newest record's state folder, and of the older records in its chain
 * only their growing tables (`song_keys/`, `inputs/`); nothing else.
 */
function strayControlEntries(out) {
  const control = path.join(out, '_sparkify');
  const stray = [];
  const commitsDir = path.join(control, 'commits');
  const commits = listFiles(commitsDir);
  const name = (v) => `${String(v).padStart(20, '0')}.json`;
  const chain = [];  // newest first
  if (commits.length > 0) {
    let record = JSON.parse(fs.readFileSync(path.join(commitsDir, commits.at(-1)), 'utf8'));
    chain.push({ name: commits.at(-1), state: record.state });
    while (record.base !== undefined) {
      const file = path.join(commitsDir, name(record.base));
      if (!fs.existsSync(file)) { stray.push(`record ${record.version}'s base ${record.base} is missing`); break; }
      record = JSON.parse(fs.readFileSync(file, 'utf8'));
      chain.push({ name: name(record.version), state: record.state });
    }
  }
  const inChain = new Set(chain.map((c) => c.name));
  stray.push(...commits.filter((c) => !inChain.has(c)).map((c) => `_sparkify/commits/${c}`));
  const olderStates = new Set(chain.slice(1).map((c) => c.state));
  for (const e of fs.readdirSync(control)) {
    if (e === 'commits') continue;
    // Why the lake has no load record (a run with --only): only while it has none.
    if (e === 'unrecorded' && commits.length === 0) continue;
    if (e !== 'state') { stray.push(`_sparkify/${e}`); continue; }
    for (const run of fs.readdirSync(path.join(control, 'state'))) {
      const state = `_sparkify/state/${run}`;
      if (chain.length > 0 && state === chain[0].state) continue;
      if (!olderStates.has(state)) { stray.push(state); continue; }
      for (const rel of listFiles(path.join(control, 'state', run))) {
        if (!rel.startsWith('inputs/') && !rel.startsWith('song_keys/')) stray.push(`${state}/${rel}`);
      }
    }
  }
  return stray;
}

/** What the lake's top level and table folders may hold once no run is active. */
export function strayLakeEntries(out) {
  const stray = [];
  for (const e of fs.readdirSync(out)) {
    if (e === '_sparkify') stray.push(...strayControlEntries(out));
    else if (!TABLES.includes(e) && e !== '_rejects') stray.push(e);
  }
  for (const t of TABLES) {
    for (const rel of listFiles(path.join(out, t))) {
      if (rel === '_SUCCESS') continue;
      if (!/\.parquet$/.test(rel) || rel.split('/').some((p) => p.startsWith('.') || p.startsWith('_'))) {
        stray.push(`${t}/${rel}`);
      }
    }
  }
  return stray;
}

export { KEY_COLUMNS, PARTITION_COLUMNS, TABLES, TABLE_COLUMNS };

/** Turns BigInt into Number (and leaves everything else), so rows compare with plain literals. */
export function plain(value) {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** Runs [description, sql with {s}, expected rows] spot checks against tables in `schema`. */
export async function runSpotChecks(checks, conn, schema, spotChecks, prefix) {
  for (const [what, sql, want] of spotChecks) {
    await checks.check(`${prefix}: ${what}`, async () => {
      const got = plain(await queryRows(conn, sql.replaceAll('{s}', sqlIdent(schema))));
      assert.deepStrictEqual(got, want);
    });
  }
}

const PHYSICAL = {
  VARCHAR: 'BYTE_ARRAY', INTEGER: 'INT32', BIGINT: 'INT64', DOUBLE: 'DOUBLE',
  'TIMESTAMP WITH TIME ZONE': 'INT64',
};

/** Spark-style part-file name for a codec, as SPEC §4 shows for snappy. */
export function partFileRegex(codec) {
  const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  const suffix = { snappy: '\\.snappy', zstd: '\\.zstd', none: '' }[codec];
  return new RegExp(`^part-[0-9]{5}-${uuid}\\.c000${suffix}\\.parquet$`);
}

/**
 * Checks every Parquet file of `table`: columns stored (SPEC order, partition columns left to
 * the folders), physical and logical types, REQUIRED keys and OPTIONAL others, codec,
 * dictionary-encoded strings, statistics and the writer's name. Returns a list of problems.
 */
export async function parquetProblems(conn, out, table, { codec = 'SNAPPY' } = {}) {
  const problems = [];
  const files = tableParquetFiles(out, table);
  if (files.length === 0) return [`${table}: no Parquet files`];
  const list = `[${files.map(sqlString).join(', ')}]`;
  const partCols = new Set(PARTITION_COLUMNS[table].map(([c]) => c));
  const stored = TABLE_COLUMNS[table].filter(([c]) => !partCols.has(c));
  const short = (f) => path.relative(out, f);

  const schema = await queryRows(conn,
    `SELECT file_name, name, type, repetition_type, converted_type, logical_type, num_children
     FROM parquet_schema(${list})`);
  for (const f of files) {
    const cols = schema.filter((r) => r.file_name === f && r.num_children === null);
    const names = cols.map((r) => r.name);
    const want = stored.map(([c]) => c);
    if (show(names) !== show(want)) problems.push(`${short(f)}: columns ${show(names)}, want ${show(want)}`);
    for (const [c, type] of stored) {
      const r = cols.find((x) => x.name === c);
      if (!r) continue;
      const rep = c === KEY_COLUMNS[table] ? 'REQUIRED' : 'OPTIONAL';
      if (r.repetition_type !== rep) problems.push(`${short(f)}: ${c} is ${r.repetition_type}, want ${rep}`);
      if (r.type !== PHYSICAL[type]) problems.push(`${short(f)}: ${c} physical ${r.type}, want ${PHYSICAL[type]}`);
      if (type === 'VARCHAR' && (r.converted_type !== 'UTF8' || !/String/i.test(r.logical_type ?? ''))) {
        problems.push(`${short(f)}: ${c} converted ${r.converted_type} logical ${r.logical_type}, want UTF8 + STRING`);
      }
      if (type.startsWith('TIMESTAMP') && (r.converted_type !== 'TIMESTAMP_MICROS' ||
          !/isAdjustedToUTC=1/.test(r.logical_type ?? '') || !/MICROS=MicroSeconds/.test(r.logical_type ?? ''))) {
        problems.push(`${short(f)}: ${c} converted ${r.converted_type} logical ${r.logical_type}, want TIMESTAMP(MICROS, UTC)`);
      }
    }
  }

  const chunks = await queryRows(conn,
    `SELECT file_name, row_group_id, path_in_schema, type, num_values, compression, encodings,
            stats_min_value, stats_max_value, stats_null_count, dictionary_page_offset
     FROM parquet_metadata(${list})`);
  for (const k of chunks) {
    const where = `${short(k.file_name)} rg${k.row_group_id} ${k.path_in_schema}`;
    if (k.compression !== codec) problems.push(`${where}: codec ${k.compression}, want ${codec}`);
    const nonNull = Number(k.num_values) - Number(k.stats_null_count ?? 0);
    // A chunk of nulls only has no values to put in a dictionary.
    if (k.type === 'BYTE_ARRAY' && nonNull > 0 && !/DICTIONARY/.test(k.encodings ?? '')) {
      problems.push(`${where}: encodings ${k.encodings}, want a dictionary encoding`);
    }
    if (k.stats_null_count === null) problems.push(`${where}: no null_count statistic`);
    if (nonNull > 0 && (k.stats_min_value === null || k.stats_max_value === null)) {
      problems.push(`${where}: no min/max statistics`);
    }
  }

  const meta = await queryRows(conn, `SELECT file_name, created_by FROM parquet_file_metadata(${list})`);
  for (const m of meta) {
    if (!/sparkify/i.test(m.created_by ?? '')) problems.push(`${short(m.file_name)}: created_by ${m.created_by}`);
  }
  return problems.slice(0, 40);
}

/**
 * Checks the folder layout of `table`: `_SUCCESS`, part-file names, and (for partitioned
 * tables) that each row sits in the folder its partition values name, using the reference's
 * values for that row's key. Returns a list of problems.
 */
export async function layoutProblems(conn, out, table, refSchema, { codec = 'snappy' } = {}) {
  const problems = [];
  const dir = path.join(out, table);
  if (!fs.existsSync(path.join(dir, '_SUCCESS'))) problems.push(`${table}/_SUCCESS missing`);
  const files = tableParquetFiles(out, table);
  const nameRe = partFileRegex(codec);
  for (const f of files) {
    if (!nameRe.test(path.basename(f))) problems.push(`${table}: file name ${path.relative(dir, f)} does not match ${nameRe}`);
  }
  const parts = PARTITION_COLUMNS[table];
  if (parts.length === 0) {
    for (const f of files) {
      if (path.dirname(f) !== dir) problems.push(`${table}: ${path.relative(dir, f)} is not at the table root`);
    }
    return problems;
  }
  const key = KEY_COLUMNS[table];
  const keyExpr = table === 'time' ? 'epoch_us(start_time)' : sqlIdent(key);
  const list = `[${files.map(sqlString).join(', ')}]`;
  const where = await queryRows(conn,
    `SELECT ${keyExpr} AS k, filename FROM read_parquet(${list}, filename = true, hive_partitioning = false)`);
  const ref = await queryRows(conn,
    `SELECT ${keyExpr} AS k, ${parts.map(([c]) => sqlIdent(c)).join(', ')} FROM ${sqlIdent(refSchema)}.${sqlIdent(table)}`);
  const expected = new Map(ref.map((r) => [String(r.k),
    parts.map(([c]) => `${c}=${hiveEscape(r[c] === null ? null : String(r[c]))}`).join('/')]));
  let bad = 0;
  for (const w of where) {
    const want = expected.get(String(w.k));
    const got = path.relative(dir, path.dirname(w.filename));
    if (want !== undefined && got !== want && bad++ < 8) {
      problems.push(`${table}: row ${key}=${show(w.k)} is in ${show(got)}, want ${show(want)}`);
    }
  }
  if (bad > 8) problems.push(`${table}: ${bad} rows in the wrong folder in all`);
  return problems;
}

/** Reads a run report written with --report; throws with the raw text when it is not JSON. */
export function readReport(file) {
  if (!fs.existsSync(file)) throw new Error(`report ${file} was not written`);
  const text = fs.readFileSync(file, 'utf8');
  try { return JSON.parse(text); } catch { throw new Error(`report is not JSON: ${text.slice(0, 500)}`); }
}

/** Numbers a report can check for one table of the lake on disk. */
export function tableDiskFacts(out, table) {
  const files = tableParquetFiles(out, table);
  const dirs = new Set(files.map((f) => path.dirname(f)));
  return { files: files.length, partitions: dirs.size };
}
