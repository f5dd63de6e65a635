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
  const bin = process.env.SPARKIFY_BIN ||
    (process.env.SPARKIFY_BUILD_DIR && path.join(process.env.SPARKIFY_BUILD_DIR, 'src/cli/sparkify'));
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

/** Parses the JSON-lines rejects file; [] when it does not exist. */
export function readRejects(out, kind) {
  const file = path.join(out, '_rejects', `${kind}.jsonl`);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((l, i) => {
      try { return JSON.parse(l); } catch (e) { throw new Error(`${file}:${i + 1} is not JSON: ${l}`); }
    });
}

/** What the lake's top level and table folders may hold once no run is active. */
export function strayLakeEntries(out) {
  const stray = [];
  for (const e of fs.readdirSync(out)) {
    if (!TABLES.includes(e) && e !== '_rejects') stray.push(e);
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
