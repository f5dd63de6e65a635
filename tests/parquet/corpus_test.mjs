// Every file of the Apache Parquet test corpus (../shared/data/parquet-testing) through
// `sparkify parquet cat`, against DuckDB:
//  - a file DuckDB reads with a flat schema must give exactly DuckDB's rows and values;
//  - any other file (nested schemas, files DuckDB refuses, bad_data/) must give exit 1 and one
//    line on stderr — or, for a file DuckDB refuses, DuckDB's values cannot be checked, so it
//    must still be one line and exit 1 (we never claim to read what cannot be cross-checked);
//  - no file may crash the reader or hang it.
// Usage: node tests/parquet/corpus_test.mjs [CORPUS_DIR]   (SPARKIFY_BIN names the binary)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] || path.join(process.env.SPARKIFY_SOURCE_DIR || '.', '..', 'shared', 'data', 'parquet-testing'));
if (!fs.existsSync(root)) {
  console.log(`SKIP: the Parquet test corpus is not at ${root} (see ../shared/data/parquet-testing/PROVENANCE.md)`);
  process.exit(77);
}
let duckdb;
try {
  duckdb = await import('@duckdb/node-api');
} catch (e) {
  console.log(`SKIP: @duckdb/node-api is not installed (npm ci; scripts/setup.sh): ${e.message}`);
  process.exit(77);
}
const bin = process.env.SPARKIFY_BIN || 'build/sparkify';
if (!fs.existsSync(bin)) {
  console.error(`sparkify binary not found: ${bin}`);
  process.exit(1);
}

const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.parquet')) files.push(p);
  }
})(root);
files.sort();

const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(`SET TimeZone = 'UTC'`);
const lit = (s) => "'" + s.replaceAll("'", "''") + "'";
const quote = (name) => '"' + name.replaceAll('"', '""') + '"';

let failures = 0;
const fail = (file, what) => {
  failures++;
  console.error(`FAIL ${path.relative(root, file)}: ${what}`);
};

// --- our JSON lines, parsed without losing integer precision: numbers stay as their text ------
function parseJsonLine(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries = [];
      ws();
      if (text[i] === '}') { i++; return { object: entries }; }
      for (;;) {
        ws();
        const k = value();
        ws();
        if (text[i++] !== ':') throw new Error(`expected ':' at ${i}`);
        entries.push([k, value()]);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== '}') throw new Error(`expected '}' at ${i}`);
        return { object: entries };
      }
    }
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, j + 1));
      i = j + 1;
      return s;
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) throw new Error(`unexpected character at ${i}: ${text.slice(i, i + 20)}`);
    i += m[0].length;
    return { number: m[0] };
  }
  const v = value();
  ws();
  if (i !== text.length) throw new Error('trailing characters');
  return v.object;
}

// --- canonical forms ----------------------------------------------------------------------------
const f32 = new DataView(new ArrayBuffer(4));
const f64 = new DataView(new ArrayBuffer(8));
function floatKey(x, single) {
  if (Number.isNaN(x)) return 'NaN';
  if (single) { f32.setFloat32(0, x); return 'f' + f32.getUint32(0).toString(16); }
  f64.setFloat64(0, x);
  return 'd' + f64.getBigUint64(0).toString(16);
}
function ourFloat(v) {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v && v.number !== undefined) return Number(v.number);
  throw new Error(`not a number: ${JSON.stringify(v)}`);
}
/// "YYYY-MM-DD HH:MM:SS.fffffffff" from DuckDB's text ("2009-03-01 00:00:00.5+00") or ours
/// ("2009-03-01T00:00:00.500Z"), the fraction cut to `digits` (DuckDB's precision for the type).
function timestampKey(s, digits) {
  const m = /^([+-]?\d{4,})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d(?::?\d\d)?)?( \(BC\))?$/.exec(s);
  if (!m) return `unparsed:${s}`;
  let year = Number(m[1]);
  if (m[9]) year = 1 - year;  // DuckDB writes 1 BC as 0001 (BC); ISO-8601 as 0000
  const frac = (m[7] || '').padEnd(9, '0').slice(0, digits).padEnd(9, '0');
  return `${year}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}.${frac}`;
}
function dateKey(s) {
  const m = /^([+-]?\d{4,})-(\d\d)-(\d\d)( \(BC\))?$/.exec(s);
  if (!m) return `unparsed:${s}`;
  let year = Number(m[1]);
  if (m[4]) year = 1 - year;
  return `${year}-${m[2]}-${m[3]}`;
}
function timeKey(s) {
  const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(s);
  return m ? `${m[1]}:${m[2]}:${m[3]}.${(m[4] || '').padEnd(9, '0')}` : `unparsed:${s}`;
}
const timestampDigits = (t) => (t.startsWith('TIMESTAMP_NS') ? 9 : t.startsWith('TIMESTAMP_MS') ? 3 : t.startsWith('TIMESTAMP_S') ? 0 : 6);

/// The SQL expression that brings a DuckDB column into comparable form, by DuckDB type.
function duckExpr(name, type) {
  const c = quote(name);
  if (type === 'FLOAT' || type === 'DOUBLE') return c;
  if (type === 'BLOB') return `to_base64(${c})`;
  if (type.startsWith('GEOMETRY')) return `to_base64(ST_AsWKB(${c}))`;  // WKB, as stored
  return `CAST(${c} AS VARCHAR)`;
}
/// Compares one of our values with DuckDB's (already through duckExpr); returns null when equal.
function compareValue(type, ours, duck) {
  if (duck === null || duck === undefined) return ours === null ? null : 'expected null';
  if (ours === null) return 'got null';
  if (type === 'FLOAT' || type === 'DOUBLE') {
    const single = type === 'FLOAT';
    return floatKey(ourFloat(ours), single) === floatKey(Number(duck), single) ? null : 'float differs';
  }
  const text = ours && ours.number !== undefined ? ours.number : ours;
  if (typeof text === 'boolean') return String(text) === duck ? null : 'boolean differs';
  if (typeof text !== 'string') return `unexpected value ${JSON.stringify(ours)}`;
  if (type.startsWith('TIMESTAMP')) {
    const digits = timestampDigits(type);
    if (timestampKey(text, digits) !== timestampKey(duck, digits)) return 'timestamp differs';
    const withZone = type === 'TIMESTAMP WITH TIME ZONE';
    return text.endsWith('Z') === withZone || !withZone ? null : 'UTC marker differs';
  }
  if (type === 'DATE') return dateKey(text) === dateKey(duck) ? null : 'date differs';
  if (type.startsWith('TIME')) return timeKey(text) === timeKey(duck) ? null : 'time differs';
  return text === duck ? null : 'value differs';
}

// Where DuckDB is not the right oracle, said once, here:
//  - DuckDB does not decode Parquet's old LZ4 codec (Hadoop framing or bare blocks); the corpus
//    stores the same rows with LZ4_RAW, which DuckDB decodes: compare against that file.
//  - Spark wrote the year-290000 INT96 value of int96_from_spark.parquet with 64-bit arithmetic
//    that wraps (see the corpus's int96_from_spark.md); DuckDB's INT96 conversion overflows
//    there, Spark's reader (and ours) undoes the wrap. That value is checked against the
//    timestamp the file was made from: 290000-12-31T01:00:00+02:00.
const twinFiles = {
  'data/hadoop_lz4_compressed.parquet': 'data/lz4_raw_compressed.parquet',
  'data/non_hadoop_lz4_compressed.parquet': 'data/lz4_raw_compressed.parquet',
  'data/hadoop_lz4_compressed_larger.parquet': 'data/lz4_raw_compressed_larger.parquet',
};
const knownValues = { 'data/int96_from_spark.parquet': { 5: { a: '290000-12-30 23:00:00' } } };

const nested = (type) => /\[\]|STRUCT|MAP\(|UNION|\[\d+\]/.test(type);
let equal = 0, refused = 0, values = 0, partial = 0;

async function duckRows(file, cols) {
  return (await conn.runAndReadAll(
    `SELECT ${cols.map((c) => duckExpr(c.name, c.type)).join(', ')} FROM read_parquet(${lit(file)})`)).getRows();
}

/// Compares our rows with DuckDB's for the columns `cols` (indexes into the file's columns);
/// returns the number of mismatches reported.
function compareRows(file, ourRows, duckTypes, cols, rows) {
  let bad = 0;
  for (let r = 0; r < rows.length && bad < 5; r++) {
    for (let j = 0; j < cols.length; j++) {
      const k = cols[j];
      const [key, ours] = ourRows[r][k];
      if (key !== duckTypes[k].name) { fail(file, `row ${r} key ${k} is ${key}, DuckDB ${duckTypes[k].name}`); return bad + 1; }
      const duck = rows[r][j];
      const why = compareValue(duckTypes[k].type, ours, duck);
      values++;
      if (why) {
        fail(file, `row ${r} column ${key} (${duckTypes[k].type}): ${why}: ours ${JSON.stringify(ours)}, DuckDB ${String(duck)}`);
        if (++bad >= 5) break;
      }
    }
  }
  return bad;
}

for (const file of files) {
  const rel = path.relative(root, file);
  const run = spawnSync(bin, ['parquet', 'cat', file], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 60000 });
  if (run.error?.code === 'ETIMEDOUT') { fail(file, 'hung (killed after 60 s)'); continue; }
  if (run.signal) { fail(file, `crashed with ${run.signal}: ${run.stderr.slice(0, 300)}`); continue; }
  const stderrLines = run.stderr.split('\n').filter((l) => l.length > 0);

  // What DuckDB reads: the schema, then every value (some files only fail when values decode).
  let duckTypes = null, rows = null;
  try {
    duckTypes = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`)).getRows()
      .map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  } catch (e) { duckTypes = null; }
  const flat = duckTypes && !duckTypes.some((c) => nested(c.type));
  if (flat) {
    try { rows = await duckRows(file, duckTypes); } catch (e) { rows = null; }
    if (rows === null && twinFiles[rel] && fs.existsSync(path.join(root, twinFiles[rel]))) {
      try { rows = await duckRows(path.join(root, twinFiles[rel]), duckTypes); } catch (e) { rows = null; }
    }
    for (const [row, cols] of Object.entries(knownValues[rel] || {})) {
      for (const [name, value] of Object.entries(cols)) {
        const k = duckTypes.findIndex((c) => c.name === name);
        if (rows && k >= 0 && rows[row]) rows[row][k] = value;
      }
    }
  }

  if (!flat || (rows === null && run.status !== 0)) {
    const why = !duckTypes ? 'DuckDB refuses it' : !flat ? 'nested schema' : 'DuckDB cannot decode it';
    if (run.status !== 1) fail(file, `expected exit 1 (${why}), got ${run.status}`);
    else if (stderrLines.length !== 1) fail(file, `expected one line on stderr, got ${stderrLines.length}: ${run.stderr}`);
    else {
      refused++;
      console.log(`refused  ${rel} (${why}): ${stderrLines[0]}`);
    }
    continue;
  }
  if (run.status !== 0) { fail(file, `DuckDB reads it but we exit ${run.status}: ${run.stderr.trim()}`); continue; }

  const ourLines = run.stdout.split('\n').filter((l) => l.length > 0);
  let ourRows;
  try {
    ourRows = ourLines.map(parseJsonLine);
  } catch (e) {
    fail(file, `a row is not JSON: ${e.message}`);
    continue;
  }
  if (ourRows.some((r) => r.length !== duckTypes.length)) { fail(file, `a row has a key count other than DuckDB's ${duckTypes.length} columns`); continue; }

  if (rows !== null) {
    if (ourRows.length !== rows.length) { fail(file, `${ourRows.length} rows, DuckDB ${rows.length}`); continue; }
    if (compareRows(file, ourRows, duckTypes, duckTypes.map((_, k) => k), rows) === 0) {
      equal++;
      console.log(`equal    ${rel}: ${rows.length} rows x ${duckTypes.length} columns`);
    }
    continue;
  }

  // We read a flat file whose values DuckDB cannot decode in full (BYTE_STREAM_SPLIT on INT32,
  // INT64, FIXED_LEN_BYTE_ARRAY): the columns DuckDB does decode must match it, and each column
  // it cannot decode must equal its PLAIN twin in the same file (the corpus stores each such
  // column twice, `x_plain` and `x_byte_stream_split`).
  const readable = [], unreadable = [];
  for (let k = 0; k < duckTypes.length; k++) {
    try { readable.push([k, await duckRows(file, [duckTypes[k]])]); } catch (e) { unreadable.push(k); }
  }
  let bad = 0;
  for (const [k, colRows] of readable) {
    if (colRows.length !== ourRows.length) { fail(file, `${ourRows.length} rows, DuckDB ${colRows.length}`); bad++; break; }
    bad += compareRows(file, ourRows, duckTypes, [k], colRows);
  }
  for (const k of unreadable) {
    const name = duckTypes[k].name;
    const twin = duckTypes.findIndex((c) => c.name === name.replace(/_byte_stream_split$/, '_plain') && c.name !== name);
    if (twin < 0 || !readable.some(([j]) => j === twin)) { fail(file, `DuckDB cannot decode column ${name} and it has no PLAIN twin to check it against`); bad++; continue; }
    for (let r = 0; r < ourRows.length; r++) {
      if (JSON.stringify(ourRows[r][k][1]) !== JSON.stringify(ourRows[r][twin][1])) {
        fail(file, `row ${r}: ${name} differs from ${duckTypes[twin].name}`);
        bad++;
        break;
      }
    }
  }
  if (bad === 0) {
    partial++;
    console.log(`equal    ${rel}: ${ourRows.length} rows; ${readable.length} columns equal to DuckDB, ` +
                `${unreadable.length} DuckDB cannot decode equal to their PLAIN twins`);
  }
}

console.log(`${files.length} files: ${equal} flat files equal to DuckDB (${values} values), ${partial} equal to DuckDB ` +
            `where it decodes them, ${refused} refused with one line, ${failures} failures`);
process.exit(failures === 0 && files.length > 0 ? 0 : 1);
