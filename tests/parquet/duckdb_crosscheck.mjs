// Cross-engine check of the Parquet library against DuckDB, both ways:
//  1. files our writer makes (randomized tables from seeds, every codec) read by DuckDB with the
//     same values and types, schema annotations, codec, encodings, row groups and statistics;
//  2. files DuckDB writes (v1 and v2 pages, every codec, dictionary and plain) read by our
//     reader with the same values DuckDB itself reads.
// Usage: node duckdb_crosscheck.mjs PATH/TO/parquet_crosscheck_tool
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let duckdb;
try {
  duckdb = await import('@duckdb/node-api');
} catch (e) {
  console.log(`SKIP: @duckdb/node-api is not installed (npm ci; scripts/setup.sh): ${e.message}`);
  process.exit(77);
}

const tool = process.argv[2] || process.env.PARQUET_CROSSCHECK_TOOL;
if (!tool || !fs.existsSync(tool)) {
  console.error(`parquet_crosscheck_tool not found: ${tool}`);
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'sparkify-pq-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

let failures = 0;
let checks = 0;
function check(cond, what) {
  checks++;
  if (!cond) {
    failures++;
    if (failures <= 40) console.error(`FAIL: ${what}`);
  }
}

function runTool(args) {
  const r = spawnSync(tool, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// --- canonical values: both sides are turned into the tool's JSON conventions -------------------
const f64 = new DataView(new ArrayBuffer(8));
function doubleKey(x) {
  if (Number.isNaN(x)) return 'nan';
  f64.setFloat64(0, x, true);
  return f64.getBigUint64(0, true).toString(16).padStart(16, '0');
}
function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}
/// A DuckDB value (timestamps already turned into epoch micros) in the tool's convention for `type`.
function canonDuck(type, v) {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'BOOLEAN': return Boolean(v);
    case 'INT32': return Number(v);
    case 'INT64': return String(v);
    case 'TIMESTAMP_MICROS': return String(v);
    case 'TIMESTAMP_MILLIS': return String(v);  // compared after scaling, below
    case 'DOUBLE': return doubleKey(Number(v));
    case 'STRING': return String(v);
    case 'BINARY': return hex(v.bytes ?? v);
    default: throw new Error(`unknown type ${type}`);
  }
}
/// Our JSON value in DuckDB's terms (timestamps in micros).
function canonOurs(type, v) {
  if (v === null) return null;
  if (type === 'TIMESTAMP_MILLIS') return String(BigInt(v) * 1000n);
  return v;
}

const quote = (name) => '"' + name.replaceAll('"', '""') + '"';
const selectList = (cols) =>
  cols.map((c) => (c.type.startsWith('TIMESTAMP') ? `epoch_us(${quote(c.name)})` : quote(c.name))).join(', ');

const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(`SET TimeZone = 'UTC'`);
const rows = async (sql) => (await conn.runAndReadAll(sql)).getRows();
const objects = async (sql) => (await conn.runAndReadAll(sql)).getRowObjects();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

/// Compares every value DuckDB reads from `file` with `expected` (the tool's JSON).
async function compareValues(file, expected, label) {
  const cols = expected.columns;
  const got = await rows(
    `SELECT ${selectList(cols)} FROM read_parquet(${lit(file)}, file_row_number = true) ORDER BY file_row_number`);
  check(got.length === expected.num_rows, `${label}: DuckDB reads ${got.length} rows, expected ${expected.num_rows}`);
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c];
    let bad = 0;
    for (let r = 0; r < Math.min(got.length, col.values.length); r++) {
      const want = canonOurs(col.type, col.values[r]);
      const have = canonDuck(col.type, got[r][c]);
      if (want !== have) {
        if (bad++ < 3) check(false, `${label}: column ${col.name} row ${r}: DuckDB ${JSON.stringify(have)}, expected ${JSON.stringify(want)}`);
      }
    }
    if (bad === 0) check(true, '');
    else check(false, `${label}: column ${col.name}: ${bad} values differ`);
  }
}

/// DuckDB answers range filters from our statistics (row-group pruning): the counts must match
/// a plain scan of the expected values, with DuckDB's ordering (NaN above everything).
async function checkFilters(file, expected, label) {
  for (const col of expected.columns) {
    if (!['INT64', 'DOUBLE', 'STRING', 'TIMESTAMP_MICROS', 'INT32'].includes(col.type)) continue;
    const present = col.values.filter((v) => v !== null && v !== 'nan');
    if (present.length === 0) continue;
    const t = present[Math.floor(present.length / 2)];
    let literal, key, cmp;
    switch (col.type) {
      case 'INT32': literal = String(t); key = Number; cmp = (a, b) => a - b; break;
      case 'INT64': literal = `CAST('${t}' AS BIGINT)`; key = BigInt; cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0); break;
      case 'TIMESTAMP_MICROS':
        literal = `make_timestamp(CAST('${t}' AS BIGINT))::TIMESTAMPTZ`; key = BigInt; cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0); break;
      case 'DOUBLE': {
        key = (v) => { f64.setBigUint64(0, BigInt('0x' + v), true); return f64.getFloat64(0, true); };
        const x = key(t);
        literal = Number.isFinite(x) ? `CAST('${x}' AS DOUBLE)` : `CAST('${x > 0 ? 'inf' : '-inf'}' AS DOUBLE)`;
        cmp = (a, b) => a - b;
        break;
      }
      case 'STRING': literal = lit(t); key = (v) => Buffer.from(v, 'utf8'); cmp = Buffer.compare; break;
    }
    const tk = key(t);
    const greater = col.values.filter((v) => v !== null && (v === 'nan' || cmp(key(v), tk) > 0)).length;
    const less = col.values.filter((v) => v !== null && v !== 'nan' && cmp(key(v), tk) < 0).length;
    const [[g]] = await rows(`SELECT count(*) FROM read_parquet(${lit(file)}) WHERE ${quote(col.name)} > ${literal}`);
    const [[l]] = await rows(`SELECT count(*) FROM read_parquet(${lit(file)}) WHERE ${quote(col.name)} < ${literal}`);
    check(Number(g) === greater && Number(l) === less,
      `${label}: ${col.name} filters > / < ${t}: DuckDB ${g}/${l}, expected ${greater}/${less}`);
  }
}

// --- 1. our files, read by DuckDB ---------------------------------------------------------------
const duckTypeOf = {
  BOOLEAN: 'BOOLEAN', INT32: 'INTEGER', INT64: 'BIGINT', DOUBLE: 'DOUBLE', STRING: 'VARCHAR', BINARY: 'BLOB',
  TIMESTAMP_MICROS: 'TIMESTAMP WITH TIME ZONE', TIMESTAMP_MILLIS: 'TIMESTAMP WITH TIME ZONE',
};
const physicalOf = {
  BOOLEAN: 'BOOLEAN', INT32: 'INT32', INT64: 'INT64', DOUBLE: 'DOUBLE', STRING: 'BYTE_ARRAY', BINARY: 'BYTE_ARRAY',
  TIMESTAMP_MICROS: 'INT64', TIMESTAMP_MILLIS: 'INT64',
};
const codecOf = { snappy: 'SNAPPY', zstd: 'ZSTD', gzip: 'GZIP', none: 'UNCOMPRESSED' };

/// Expected min/max/nulls of one row group's slice of a column, or null bounds when none apply.
function expectedStats(col, slice) {
  const present = slice.filter((v) => v !== null);
  const nulls = slice.length - present.length;
  let vals = present;
  // Our NaN rule (statistics.h): any NaN in the chunk means no bounds.
  if (col.type === 'DOUBLE' && present.includes('nan')) return { nulls, min: null, max: null };
  if (vals.length === 0) return { nulls, min: null, max: null };
  let cmp;
  let key = (v) => v;
  switch (col.type) {
    case 'BOOLEAN': cmp = (a, b) => Number(a) - Number(b); break;
    case 'INT32': cmp = (a, b) => a - b; break;
    case 'INT64': case 'TIMESTAMP_MICROS': case 'TIMESTAMP_MILLIS':
      key = (v) => BigInt(v);
      cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
      break;
    case 'DOUBLE': {
      f64.setBigUint64(0, 0n, true);
      key = (v) => { f64.setBigUint64(0, BigInt('0x' + v), true); return f64.getFloat64(0, true); };
      cmp = (a, b) => a - b;
      break;
    }
    case 'STRING': key = (v) => Buffer.from(v, 'utf8'); cmp = Buffer.compare; break;
    case 'BINARY': key = (v) => Buffer.from(v, 'hex'); cmp = Buffer.compare; break;
  }
  let min = key(vals[0]);
  let max = min;
  for (const v of vals) {
    const k = key(v);
    if (cmp(k, min) < 0) min = k;
    if (cmp(k, max) > 0) max = k;
  }
  if ((col.type === 'STRING' || col.type === 'BINARY') && (min.length > 4096 || max.length > 4096)) {
    return { nulls, min: null, max: null, skipped: true };
  }
  return { nulls, min, max };
}

function statsMatch(col, want, got) {
  switch (col.type) {
    case 'BOOLEAN': return got === String(want);
    case 'INT32': case 'INT64': return got === String(want);
    // DuckDB shows an infinite bound as null (it does not use it).
    case 'DOUBLE': return (got === null && !Number.isFinite(want)) || Number(got) === want;
    case 'STRING': return got === want.toString('utf8');
    default: return true;  // timestamps and blobs are checked through SQL below
  }
}

let numericDictChunks = 0;
let fallbackChunks = 0;
const seeds = Array.from({ length: 16 }, (_, i) => i);
const codecs = ['snappy', 'zstd', 'gzip', 'none'];
for (const seed of seeds) {
  const codec = codecs[seed % codecs.length];
  const file = path.join(tmp, `ours-${seed}-${codec}.parquet`);
  const expected = runTool(['write', file, String(seed), codec]);
  const label = `ours seed ${seed} ${codec} (${expected.num_rows} rows, ${expected.row_groups.length} row groups)`;

  // Types DuckDB infers.
  const described = await objects(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`);
  check(described.length === expected.columns.length, `${label}: DuckDB sees ${described.length} columns`);
  for (let c = 0; c < Math.min(described.length, expected.columns.length); c++) {
    const col = expected.columns[c];
    check(described[c].column_name === col.name, `${label}: column ${c} name ${described[c].column_name}`);
    check(described[c].column_type === duckTypeOf[col.type],
      `${label}: column ${col.name} is ${described[c].column_type} in DuckDB, expected ${duckTypeOf[col.type]}`);
  }

  // Schema annotations.
  const schema = (await objects(`SELECT * FROM parquet_schema(${lit(file)})`)).slice(1);
  for (let c = 0; c < Math.min(schema.length, expected.columns.length); c++) {
    const col = expected.columns[c];
    const s = schema[c];
    check(s.type === physicalOf[col.type], `${label}: ${col.name} physical ${s.type}`);
    check(s.repetition_type === (col.required ? 'REQUIRED' : 'OPTIONAL'), `${label}: ${col.name} repetition ${s.repetition_type}`);
    if (col.type === 'STRING') {
      check(s.converted_type === 'UTF8', `${label}: ${col.name} converted ${s.converted_type}`);
      check(/StringType/.test(s.logical_type ?? ''), `${label}: ${col.name} logical ${s.logical_type}`);
    }
    if (col.type.startsWith('TIMESTAMP')) {
      const unit = col.type === 'TIMESTAMP_MICROS' ? 'MICROS' : 'MILLIS';
      check(s.converted_type === `TIMESTAMP_${unit}`, `${label}: ${col.name} converted ${s.converted_type}`);
      check(/isAdjustedToUTC=1/.test(s.logical_type ?? '') && new RegExp(`${unit}=[A-Za-z]+Seconds\\(\\)`).test(s.logical_type ?? ''),
        `${label}: ${col.name} logical ${s.logical_type}`);
    }
  }

  // Footer facts.
  const fm = (await objects(`SELECT * FROM parquet_file_metadata(${lit(file)})`))[0];
  check(/^sparkify version /.test(fm.created_by), `${label}: created_by ${fm.created_by}`);
  check(Number(fm.num_rows) === expected.num_rows, `${label}: num_rows ${fm.num_rows}`);
  check(Number(fm.num_row_groups) === expected.row_groups.length, `${label}: row groups ${fm.num_row_groups}`);
  check(fm.column_orders === null || fm.column_orders.items?.length === expected.columns.length || fm.column_orders.length === expected.columns.length,
    `${label}: column_orders`);
  const kv = await objects(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${lit(file)})`);
  check(kv.some((r) => r.k === 'crosscheck.seed' && r.v === String(seed)), `${label}: key-value metadata ${JSON.stringify(kv)}`);

  // Column chunks: codec, encodings, row counts, statistics.
  const meta = await objects(
    `SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, compression, encodings,
            stats_min_value, stats_max_value, stats_null_count, stats_distinct_count, dictionary_page_offset,
            epoch_us(TRY_CAST(stats_min_value AS TIMESTAMPTZ)) AS ts_min,
            epoch_us(TRY_CAST(stats_max_value AS TIMESTAMPTZ)) AS ts_max
     FROM parquet_metadata(${lit(file)}) ORDER BY row_group_id, column_id`);
  const starts = [0];
  for (const n of expected.row_groups) starts.push(starts[starts.length - 1] + n);
  for (const m of meta) {
    const g = Number(m.row_group_id);
    const col = expected.columns[Number(m.column_id)];
    const where = `${label}: rg ${g} ${col.name}`;
    check(Number(m.row_group_num_rows) === expected.row_groups[g], `${where}: ${m.row_group_num_rows} rows`);
    check(m.compression === codecOf[codec], `${where}: compression ${m.compression}`);
    const enc = String(m.encodings);
    if (col.type === 'STRING' || col.type === 'BINARY') {
      const dict = m.dictionary_page_offset !== null;
      check(!dict || /RLE_DICTIONARY/.test(enc), `${where}: dictionary chunk encodings ${enc}`);
      if (col.name.startsWith('str_low')) check(dict, `${where}: low-cardinality strings are not dictionary-encoded`);
      // distinct_count is written only while a chunk stayed all-dictionary; then it is exact.
      if (dict && m.stats_distinct_count === null) fallbackChunks++;
      if (m.stats_distinct_count !== null) {
        const slice = col.values.slice(starts[Number(m.row_group_id)], starts[Number(m.row_group_id) + 1]);
        const distinct = new Set(slice.filter((v) => v !== null)).size;
        check(Number(m.stats_distinct_count) === distinct, `${where}: distinct_count ${m.stats_distinct_count}, expected ${distinct}`);
      }
    } else if (m.dictionary_page_offset !== null) {
      numericDictChunks++;
      check(/RLE_DICTIONARY/.test(enc), `${where}: dictionary chunk encodings ${enc}`);
      check(col.type !== 'BOOLEAN', `${where}: dictionary-encoded booleans`);
    } else {
      check(/PLAIN/.test(enc) && !/DICTIONARY/.test(enc), `${where}: encodings ${enc}`);
    }
    const slice = col.values.slice(starts[g], starts[g + 1]);
    const want = expectedStats(col, slice);
    check(Number(m.stats_null_count) === want.nulls, `${where}: null_count ${m.stats_null_count}, expected ${want.nulls}`);
    if (want.min === null) {
      check(m.stats_min_value === null && m.stats_max_value === null, `${where}: unexpected min/max ${m.stats_min_value}..${m.stats_max_value}`);
    } else if (col.type.startsWith('TIMESTAMP')) {
      const scale = col.type === 'TIMESTAMP_MILLIS' ? 1000n : 1n;
      check(BigInt(m.ts_min) === want.min * scale && BigInt(m.ts_max) === want.max * scale,
        `${where}: min/max ${m.ts_min}..${m.ts_max}, expected ${want.min * scale}..${want.max * scale}`);
    } else if (col.type !== 'BINARY') {
      check(statsMatch(col, want.min, m.stats_min_value) && statsMatch(col, want.max, m.stats_max_value),
        `${where}: min/max ${m.stats_min_value}..${m.stats_max_value}, expected ${want.min}..${want.max}`);
    }
  }

  await compareValues(file, expected, label);
  await checkFilters(file, expected, label);
}

// The numeric dictionary path must have been exercised (low-cardinality columns, big tables).
check(numericDictChunks > 0, 'no dictionary-encoded numeric chunk was written: that path went unchecked');
check(fallbackChunks > 0, 'no string chunk fell back from dictionary to PLAIN: that path went unchecked');

// --- 2. DuckDB's files, read by ours -------------------------------------------------------------
const duckQuery = (n) => `
  SELECT
    i % 3 = 0 AS b,
    CASE WHEN i % 7 = 3 THEN NULL ELSE i % 2 = 1 END AS b_opt,
    ((hash(i) % 4294967296)::BIGINT - 2147483648)::INTEGER AS i32_wrapped,
    CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 100000)::INTEGER - 50000 END AS i32_opt,
    (i % 100)::TINYINT AS i8,
    (i % 30000)::SMALLINT AS i16,
    CASE WHEN i % 4 = 0 THEN 9223372036854775807 WHEN i % 4 = 1 THEN -9223372036854775808
         ELSE hash(i)::HUGEINT - 9223372036854775808 END::BIGINT AS i64,
    (i % 10)::INTEGER AS i32_low,
    CASE WHEN i % 11 = 0 THEN 'nan'::DOUBLE WHEN i % 11 = 1 THEN -0.0::DOUBLE WHEN i % 11 = 2 THEN 'inf'::DOUBLE
         WHEN i % 11 = 3 THEN NULL WHEN i % 11 = 4 THEN '-inf'::DOUBLE ELSE (hash(i) % 1000000)::DOUBLE / 7 END AS d,
    'k' || (i % 13) AS s_low,
    CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN '' ELSE md5(i::VARCHAR) || ' é中😀 "q" \\ ' END AS s_high,
    CASE WHEN i % 6 = 0 THEN NULL ELSE repeat('x', (i % 50)::INTEGER) END AS s_len,
    make_timestamp(1500000000000000 + i * 1000003)::TIMESTAMPTZ AS ts_tz,
    CASE WHEN i % 8 = 0 THEN NULL ELSE make_timestamp(1600000000000000 - i * 997) END AS ts_naive,
    make_timestamp(1400000000000000 + i * 1000)::TIMESTAMP_MS AS ts_ms,
    CASE WHEN i % 3 = 0 THEN NULL ELSE ('\\x' || lpad(to_hex(i % 256), 2, '0'))::BLOB END AS blob
  FROM range(${n}) t(i)`;
const typeFromDuck = {
  BOOLEAN: 'BOOLEAN', INTEGER: 'INT32', SMALLINT: 'INT32', TINYINT: 'INT32', BIGINT: 'INT64', DOUBLE: 'DOUBLE',
  VARCHAR: 'STRING', BLOB: 'BINARY', 'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP_MICROS', TIMESTAMP: 'TIMESTAMP_MICROS',
  TIMESTAMP_MS: 'TIMESTAMP_MILLIS',
};
let duckCases = 0;
for (const version of ['V1', 'V2']) {
  for (const codec of ['snappy', 'zstd', 'uncompressed', 'gzip']) {
    for (const n of [0, 1, 20000]) {
      const file = path.join(tmp, `duck-${version}-${codec}-${n}.parquet`);
      await conn.run(`COPY (${duckQuery(n)}) TO ${lit(file)}
                      (FORMAT parquet, COMPRESSION ${codec}, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 6000)`);
      const label = `DuckDB ${version} ${codec} ${n} rows`;
      let ours;
      try {
        ours = runTool(['dump', file]);
      } catch (e) {
        check(false, `${label}: our reader failed: ${e.message}`);
        continue;
      }
      duckCases++;
      const described = await objects(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`);
      for (let c = 0; c < described.length; c++) {
        let want = typeFromDuck[described[c].column_type];
        // DuckDB reads a MILLIS column as plain TIMESTAMP; ours keeps the unit.
        if (want === 'TIMESTAMP_MICROS' && ours.columns[c]?.type === 'TIMESTAMP_MILLIS') want = 'TIMESTAMP_MILLIS';
        check(ours.columns[c]?.type === want, `${label}: ${described[c].column_name} read as ${ours.columns[c]?.type}, DuckDB type ${described[c].column_type}`);
      }
      check(ours.num_rows === n, `${label}: ${ours.num_rows} rows`);
      await compareValues(file, ours, label);
    }
  }
}

// The encodings DuckDB chose, to show the second half covered what it claims.
const encodings = await rows(`SELECT DISTINCT encodings FROM parquet_metadata('${tmp}/duck-*.parquet') ORDER BY 1`);
console.log(`DuckDB-written encodings read: ${encodings.map((r) => r[0]).join(' | ')}`);
console.log(`${numericDictChunks} dictionary-encoded numeric chunks and ${fallbackChunks} dictionary-to-PLAIN fallback chunks of ours checked`);
console.log(`${checks} checks over ${seeds.length} files of ours and ${duckCases} of DuckDB's; ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
