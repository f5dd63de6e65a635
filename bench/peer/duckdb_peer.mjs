// The peer: the same ETL a user would write instead — DuckDB SQL — run through @duckdb/node-api.
// It reuses the DuckDB SQL reference of the five tables (tests/reference/reference.mjs, faithful
// to SPEC as far as DuckDB allows) and COPYs them to Hive-partitioned, Snappy Parquet in the same
// layout as sparkify's lake, then writes each table's _SUCCESS.
//
//   node bench/peer/duckdb_peer.mjs --input DIR --output DIR [--threads N] [--memory-limit 8GB]
//
// Prints one JSON line: {"transform_s", "write_s", "rows": {table: n}}.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  PARTITION_COLUMNS, TABLES, referenceTables, sqlIdent, sqlString,
} from '../../tests/reference/reference.mjs';
import { exitOnHelp } from '../lib/usage.mjs';

exitOnHelp(import.meta.url);

function parseArgs(argv) {
  const args = { threads: 0 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (key === '--input') args.input = value;
    else if (key === '--output') args.output = value;
    else if (key === '--threads') args.threads = Number(value);
    else if (key === '--memory-limit') args.memoryLimit = value;
    else throw new Error(`unknown argument ${key}`);
    i++;
  }
  if (!args.input || !args.output) throw new Error('--input and --output are required');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // Spill (when the data outgrows memory) to the temp folder — on disk, not the tmpfs the input
  // may be on — and never into the working folder.
  const spill = path.join(os.tmpdir(), `sparkify-peer-spill-${process.pid}`);
  const config = { temp_directory: spill };
  if (args.threads > 0) config.threads = String(args.threads);
  if (args.memoryLimit) config.memory_limit = args.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  await conn.run('SET preserve_insertion_order = true');

  const t0 = performance.now();
  // strict: false is the way a user would write it: DuckDB parses each line straight into the
  // keys. It yields the same tables on valid JSON, which is what the benchmark feeds it.
  await referenceTables(conn, { input: args.input, schema: 'main', strict: false });
  const t1 = performance.now();

  rmSync(args.output, { recursive: true, force: true });
  mkdirSync(args.output, { recursive: true });
  const rows = {};
  for (const table of TABLES) {
    const dir = `${args.output}/${table}`;
    const parts = PARTITION_COLUMNS[table].map(([name]) => sqlIdent(name));
    if (parts.length > 0) {
      await conn.run(`COPY main.${sqlIdent(table)} TO ${sqlString(dir)}
        (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (${parts.join(', ')}))`);
    } else {
      mkdirSync(dir);
      await conn.run(`COPY main.${sqlIdent(table)} TO ${sqlString(`${dir}/part-00000.snappy.parquet`)}
        (FORMAT parquet, COMPRESSION snappy)`);
    }
    writeFileSync(`${dir}/_SUCCESS`, '');
    const count = await conn.runAndReadAll(`SELECT count(*) FROM main.${sqlIdent(table)}`);
    rows[table] = Number(count.getRows()[0][0]);
  }
  const t2 = performance.now();
  rmSync(spill, { recursive: true, force: true });
  console.log(JSON.stringify({
    transform_s: (t1 - t0) / 1000, write_s: (t2 - t1) / 1000, rows,
  }));
}

main().catch((e) => {
  rmSync(path.join(os.tmpdir(), `sparkify-peer-spill-${process.pid}`), { recursive: true, force: true });
  console.error(`duckdb peer: ${e.message}`);
  process.exit(1);
});
