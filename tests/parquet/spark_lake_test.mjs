// `verify`, `report` and `etl --only logs` on a lake written the way Spark writes it with its defaults:
// every column OPTIONAL, timestamps as INT96 (Julian day + nanoseconds, as Spark computes them),
// partition columns int32 in the folder names, an empty `_SUCCESS`, Spark's row metadata and a
// parquet-mr `created_by`. The files are written here by a small writer independent of ours
// (PLAIN, uncompressed, data page v1 — the layout of the corpus's int96_from_spark.parquet), and
// DuckDB must read them before sparkify is asked to.
//
// 1. Our ETL builds a lake from the Udacity sample (../shared/data/udacity-sample).
// 2. Its rows (read by DuckDB) are rewritten as a Spark-style lake.
// 3. DuckDB reads the Spark-style lake and finds the same rows (the writer is right).
// 4. `sparkify verify` passes every check on it; `sparkify parquet cat` shows the INT96 times.
// 4b. `sparkify report` reads it and shows its song plays.
// 5. `sparkify etl --only logs` on it reads Spark's songs/artists and rebuilds songplays equal to
//    the original lake's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const source = process.env.SPARKIFY_SOURCE_DIR || '.';
const sample = path.resolve(source, '..', 'shared', 'data', 'udacity-sample');
if (!fs.existsSync(sample)) {
  console.log(`SKIP: the Udacity sample is not at ${sample}`);
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

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-spark-lake-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
let failures = 0;
const check = (cond, what) => {
  if (!cond) {
    failures++;
    console.error(`FAIL: ${what}`);
  }
};
const run = (args) => spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 300000 });

// --- Thrift compact protocol and a Spark-style Parquet file ------------------------------------
class Compact {
  constructor() { this.bytes = []; this.last = [0]; }
  varint(v) {
    v = BigInt(v);
    while (v >= 0x80n) { this.bytes.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
    this.bytes.push(Number(v));
  }
  zigzag(v) { v = BigInt(v); this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n); }
  field(id, type) {
    const delta = id - this.last[this.last.length - 1];
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else { this.bytes.push(type); this.zigzag(id); }
    this.last[this.last.length - 1] = id;
  }
  i32(id, v) { this.field(id, 5); this.zigzag(v); }
  i64(id, v) { this.field(id, 6); this.zigzag(v); }
  binary(id, s) { this.field(id, 8); this.rawBinary(s); }
  rawBinary(s) { const b = Buffer.from(s); this.varint(b.length); this.bytes.push(...b); }
  list(id, type, n) {
    this.field(id, 9);
    if (n < 15) this.bytes.push((n << 4) | type); else { this.bytes.push(0xf0 | type); this.varint(n); }
  }
  begin(id) { if (id !== undefined) this.field(id, 12); this.last.push(0); }
  end() { this.bytes.push(0); this.last.pop(); }
  buffer() { return Buffer.from(this.bytes); }
}
const PHYS = { boolean: 0, int32: 1, int64: 2, int96: 3, double: 5, string: 6 };
const MICROS_PER_DAY = 86400000000n;
const JULIAN_EPOCH_DAY = 2440588n;

function plainValue(type, v) {
  switch (type) {
    case 'int32': { const b = Buffer.alloc(4); b.writeInt32LE(Number(v)); return b; }
    case 'int64': { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); return b; }
    case 'double': { const b = Buffer.alloc(8); b.writeDoubleLE(Number(v)); return b; }
    case 'string': { const s = Buffer.from(String(v)); const b = Buffer.alloc(4); b.writeUInt32LE(s.length); return Buffer.concat([b, s]); }
    case 'int96': {
      // Spark's DateTimeUtils.toJulianDay: microseconds -> (Julian day, nanoseconds of the day).
      const julianUs = BigInt(v) + JULIAN_EPOCH_DAY * MICROS_PER_DAY;
      const b = Buffer.alloc(12);
      b.writeBigInt64LE((julianUs % MICROS_PER_DAY) * 1000n, 0);
      b.writeInt32LE(Number(julianUs / MICROS_PER_DAY), 8);
      return b;
    }
    default: throw new Error(type);
  }
}

/// columns: [{name, type}], rows: arrays of values (null allowed). Every column OPTIONAL.
function writeSparkParquet(file, columns, rows) {
  const parts = [Buffer.from('PAR1')];
  let offset = 4;
  const chunks = [];
  columns.forEach((col, k) => {
    const n = rows.length;
    const groups = Math.ceil(n / 8);
    const levels = Buffer.alloc(groups);
    const values = [];
    rows.forEach((r, i) => {
      if (r[k] !== null && r[k] !== undefined) { levels[i >> 3] |= 1 << (i & 7); values.push(plainValue(col.type, r[k])); }
    });
    const rle = new Compact();
    rle.varint((groups << 1) | 1);  // one bit-packed run of `groups` groups of 8
    const levelBytes = Buffer.concat([rle.buffer(), levels]);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(levelBytes.length);
    const body = Buffer.concat([len, levelBytes, ...values]);
    const h = new Compact();
    h.begin();
    h.i32(1, 0); h.i32(2, body.length); h.i32(3, body.length);
    h.begin(5); h.i32(1, n); h.i32(2, 0); h.i32(3, 3); h.i32(4, 3); h.end();
    h.end();
    const page = Buffer.concat([h.buffer(), body]);
    chunks.push({ col, offset, size: page.length, n });
    parts.push(page);
    offset += page.length;
  });
  const md = new Compact();
  md.begin();
  md.i32(1, 1);
  md.list(2, 12, columns.length + 1);
  md.begin(); md.binary(4, 'spark_schema'); md.i32(5, columns.length); md.end();
  for (const col of columns) {
    md.begin();
    md.i32(1, PHYS[col.type]); md.i32(3, 1); md.binary(4, col.name);
    if (col.type === 'string') md.i32(6, 0);  // UTF8
    md.end();
  }
  md.i64(3, rows.length);
  md.list(4, 12, 1);
  md.begin();
  md.list(1, 12, chunks.length);
  for (const c of chunks) {
    md.begin();
    md.i64(2, c.offset);
    md.begin(3);
    md.i32(1, PHYS[c.col.type]);
    md.list(2, 5, 2); md.zigzag(0); md.zigzag(3);
    md.list(3, 8, 1); md.rawBinary(c.col.name);
    md.i32(4, 0); md.i64(5, c.n); md.i64(6, c.size); md.i64(7, c.size); md.i64(9, c.offset);
    md.end();
    md.end();
  }
  md.i64(2, offset - 4);
  md.i64(3, rows.length);
  md.end();
  const sparkType = { string: 'string', int32: 'integer', int64: 'long', double: 'double', int96: 'timestamp' };
  const rowMetadata = JSON.stringify({ type: 'struct', fields: columns.map((c) => ({ name: c.name, type: sparkType[c.type], nullable: true, metadata: {} })) });
  md.list(5, 12, 2);
  md.begin(); md.binary(1, 'org.apache.spark.version'); md.binary(2, '3.4.3'); md.end();
  md.begin(); md.binary(1, 'org.apache.spark.sql.parquet.row.metadata'); md.binary(2, rowMetadata); md.end();
  md.binary(6, 'parquet-mr version 1.12.3 (build f8dced182c4c1fbdec6ccb3185537b5a01e6ed6b)');
  md.end();
  const footer = md.buffer();
  const flen = Buffer.alloc(4);
  flen.writeUInt32LE(footer.length);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([...parts, footer, flen, Buffer.from('PAR1')]));
}

// --- 1. our lake ----------------------------------------------------------------------------------
const ours = path.join(tmp, 'ours');
let r = run(['etl', '--input', sample, '--output', ours, '--no-progress', '--threads', '2']);
if (r.status !== 0) {
  console.error(`sparkify etl failed (${r.status}): ${r.stderr}`);
  process.exit(1);
}
const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(`SET TimeZone = 'UTC'`);
const rowsOf = async (sql) => (await conn.runAndReadAll(sql)).getRows();
const lit = (s) => "'" + s.replaceAll("'", "''") + "'";
const scan = (lake, table) => `read_parquet(${lit(path.join(lake, table, '**', '*.parquet'))}, hive_partitioning = true, hive_types_autocast = false)`;

// --- 2. the same rows as Spark would have written them ----------------------------------------------
const tables = {
  songs: { columns: [['song_id', 'string'], ['title', 'string'], ['duration', 'double']], partitions: ['year', 'artist_id'] },
  artists: { columns: [['artist_id', 'string'], ['name', 'string'], ['location', 'string'], ['latitude', 'double'], ['longitude', 'double']], partitions: [] },
  users: { columns: [['user_id', 'int64'], ['first_name', 'string'], ['last_name', 'string'], ['gender', 'string'], ['level', 'string']], partitions: [] },
  time: { columns: [['start_time', 'int96'], ['hour', 'int32'], ['day', 'int32'], ['week', 'int32'], ['weekday', 'int32']], partitions: ['year', 'month'] },
  songplays: {
    columns: [['songplay_id', 'int64'], ['start_time', 'int96'], ['user_id', 'int64'], ['level', 'string'], ['song_id', 'string'],
      ['artist_id', 'string'], ['session_id', 'int64'], ['location', 'string'], ['user_agent', 'string']],
    partitions: ['year', 'month'],
  },
};
const spark = path.join(tmp, 'spark');
const escape = (v) => (v === null || v === '' ? '__HIVE_DEFAULT_PARTITION__'
  : String(v).replace(/[\x00-\x1f"#%'*/:=?\\{[\]^\x7f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')));
const select = (t) => [...t.columns.map(([n, type]) => (type === 'int96' ? `epoch_us(${n})` : n)), ...t.partitions.map((p) => `CAST(${p} AS VARCHAR)`)].join(', ');
let files = 0;
for (const [name, t] of Object.entries(tables)) {
  const rows = await rowsOf(`SELECT ${select(t)} FROM ${scan(ours, name)} ORDER BY ALL`);
  const byFolder = new Map();
  for (const row of rows) {
    const folder = t.partitions.map((p, i) => `${p}=${escape(row[t.columns.length + i])}`).join('/');
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder).push(row.slice(0, t.columns.length));
  }
  for (const [folder, part] of byFolder) {
    writeSparkParquet(path.join(spark, name, folder, 'part-00000-5e1c3a44-0d27-4c5f-9f0e-7c2a1f6b9d10.c000.parquet'),
      t.columns.map(([n, type]) => ({ name: n, type })), part);
    files++;
  }
  fs.writeFileSync(path.join(spark, name, '_SUCCESS'), '');  // Spark's is empty
}
console.log(`wrote a Spark-style lake: ${files} files`);

// --- 3. DuckDB reads the Spark-style files with the same rows --------------------------------------
for (const [name, t] of Object.entries(tables)) {
  const a = JSON.stringify(await rowsOf(`SELECT ${select(t)} FROM ${scan(ours, name)} ORDER BY ALL`), (k, v) => (typeof v === 'bigint' ? String(v) : v));
  const b = JSON.stringify(await rowsOf(`SELECT ${select(t)} FROM ${scan(spark, name)} ORDER BY ALL`), (k, v) => (typeof v === 'bigint' ? String(v) : v));
  check(a === b, `DuckDB reads the Spark-style ${name} with other rows than ours`);
}
const int96Type = await rowsOf(`SELECT type FROM parquet_schema(${lit(path.join(spark, 'time', '**', '*.parquet'))}) WHERE name = 'start_time' LIMIT 1`);
check(String(int96Type[0]?.[0]) === 'INT96', `the Spark-style start_time is ${int96Type[0]?.[0]}, not INT96`);

// --- 4. verify, and parquet cat on an INT96 file ----------------------------------------------------
r = run(['verify', '--lake', spark]);
check(r.status === 0, `sparkify verify on the Spark-style lake exits ${r.status}: ${r.stdout}${r.stderr}`);
check(/(\d+) of \1 checks passed/.test(r.stdout), `not every verify check passed: ${r.stdout}`);
console.log(`verify on the Spark-style lake: ${r.stdout.trim().split('\n').pop()}`);
const timeFile = fs.readdirSync(path.join(spark, 'time'), { recursive: true }).find((f) => String(f).endsWith('.parquet'));
r = run(['parquet', 'cat', path.join(spark, 'time', String(timeFile)), '--limit', '1']);
const first = (await rowsOf(`SELECT strftime(start_time, '%Y-%m-%dT%H:%M:%S.%f') FROM read_parquet(${lit(path.join(spark, 'time', String(timeFile)))}) LIMIT 1`))[0][0];
check(r.status === 0 && r.stdout.includes(`"start_time":"${first}000Z"`), `parquet cat shows ${r.stdout.trim()}, DuckDB ${first}`);

// --- 4b. the report reads the Spark-style lake -----------------------------------------------------
const html = path.join(tmp, 'spark-report.html');
r = run(['report', '--lake', spark, '--output', html]);
check(r.status === 0, `sparkify report on the Spark-style lake exits ${r.status}: ${r.stderr}`);
if (r.status === 0) {
  const plays = Number((await rowsOf(`SELECT count(*) FROM ${scan(spark, 'songplays')}`))[0][0]);
  const page = fs.readFileSync(html, 'utf8');
  check(plays > 0 && page.includes(plays.toLocaleString('en-US')),
        `the report on the Spark-style lake does not show its ${plays} song plays`);
  console.log(`report on the Spark-style lake: ${plays.toLocaleString('en-US')} song plays shown`);
}

// --- 5. etl --only logs reads Spark's songs and artists ---------------------------------------------
r = run(['etl', '--input', sample, '--output', spark, '--only', 'logs', '--no-progress', '--threads', '2']);
check(r.status === 0, `sparkify etl --only logs on the Spark-style lake exits ${r.status}: ${r.stderr}`);
if (r.status === 0) {
  const cols = 'songplay_id, epoch_us(start_time), user_id, level, song_id, artist_id, session_id, location, user_agent, year, month';
  const a = await rowsOf(`SELECT ${cols} FROM ${scan(ours, 'songplays')} ORDER BY songplay_id`);
  const b = await rowsOf(`SELECT ${cols} FROM ${scan(spark, 'songplays')} ORDER BY songplay_id`);
  const matched = b.filter((row) => row[4] !== null).length;
  check(a.length > 0 && JSON.stringify(a, (k, v) => (typeof v === 'bigint' ? String(v) : v)) ===
        JSON.stringify(b, (k, v) => (typeof v === 'bigint' ? String(v) : v)),
        'songplays rebuilt from the Spark-style songs/artists differ from the full run');
  check(matched > 0, 'no songplay matched a song read from the Spark-style lake');
  console.log(`--only logs on the Spark-style lake: ${b.length} songplays, ${matched} matched, equal to the full run`);
}

console.log(failures === 0 ? 'spark lake: ok' : `spark lake: ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
