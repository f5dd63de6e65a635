// The portable binary, end to end:
// 1. `sparkify --version` names the JSON parse kernel, and SPARKIFY_PARSE_KERNEL forces each one
//    the CPU runs (an unknown or unsupported one is refused with one sentence and exit 2).
// 2. The ETL run with every kernel this CPU runs, on the real sample plus bad records, writes
//    the same lake: DuckDB reads each table and the rejects, and every kernel's answer matches.
//    With qemu-user installed, a portable build also runs on emulated CPUs without AVX (Westmere)
//    and without SSE4.2 (qemu64), picks the westmere and fallback kernels by itself, and writes
//    the same lake there.
// 3. When the build is portable (SPARKIFY_MARCH empty, argv[2] = "portable"), no function outside
//    the parse kernels (and simdjson's own kernel namespaces they inline) uses an instruction
//    beyond baseline x86-64: a copy of a shared inline function compiled for AVX2 or AVX-512 in
//    a kernel's translation unit must not have been picked by the linker for everyone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync,
} from 'node:fs';
import path from 'node:path';

const bin = process.env.SPARKIFY_BIN;
const source = process.env.SPARKIFY_SOURCE_DIR;
if (!bin || !existsSync(bin) || !source) {
  console.log('skipped: SPARKIFY_BIN and SPARKIFY_SOURCE_DIR must point at a built sparkify');
  process.exit(77);
}
let duckdb;
try {
  duckdb = await import('@duckdb/node-api');
} catch {
  console.log('skipped: @duckdb/node-api is not installed (run npm ci)');
  process.exit(77);
}
const sample = path.resolve(source, '../shared/data/udacity-sample');
if (!existsSync(sample)) {
  console.log(`skipped: the real sample is not at ${sample} (../shared/data)`);
  process.exit(77);
}
const portable = process.argv[2] === 'portable';
const sanitized = process.argv[3] === 'sanitized';

function run(args, kernel) {
  const env = { ...process.env };
  if (kernel) env.SPARKIFY_PARSE_KERNEL = kernel;
  else delete env.SPARKIFY_PARSE_KERNEL;
  return spawnSync(bin, args, { encoding: 'utf8', env });
}

// 1. --version and the forcing variable.
const version = run(['--version']);
assert.equal(version.status, 0, version.stderr);
const auto = (version.stdout.match(/JSON parse kernel: (\w+)/) ?? [])[1];
assert.ok(auto, `--version does not name the parse kernel: ${version.stdout}`);
const supported = [];
for (const kernel of ['icelake', 'haswell', 'westmere', 'fallback']) {
  const r = run(['--version'], kernel);
  if (r.status === 0) {
    assert.match(r.stdout, new RegExp(`JSON parse kernel: ${kernel}\\b`));
    supported.push(kernel);
  } else {
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^sparkify: SPARKIFY_PARSE_KERNEL: JSON parse kernel \w+ needs instructions this CPU does not have\.\n$/);
  }
}
assert.equal(supported[0], auto, 'the default kernel is not the best one this CPU runs');
assert.ok(supported.includes('fallback'), 'the portable kernel must run everywhere');
const unknown = run(['--version'], 'pentium');
assert.equal(unknown.status, 2);
assert.match(unknown.stderr, /unknown JSON parse kernel "pentium"/);
assert.equal(unknown.stderr.trim().split('\n').length, 1);
console.log(`kernels this CPU runs: ${supported.join(', ')} (default ${auto})`);

// 2. The same lake from every kernel.
const base = existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
const work = mkdtempSync(path.join(base, 'sparkify-kernels-'));
try {
  const input = path.join(work, 'input');
  cpSync(sample, input, { recursive: true });
  // Bad records of several kinds, so the reject paths of each kernel are compared too.
  appendFileSync(path.join(input, 'log_data/2018/11/2018-11-01-events.json'),
    '\n{"page":"NextSong","ts":"abc","userId":"5"}\n{"page":"NextSong","ts":1541106106796,' +
    '"userId":"1.5"}\n{"page":"NextSong",\n{"us\\u0065rId":"7","page":"NextSong","ts":1}\n' +
    'not json\n{"page":"Home","ts":1,"userId":"","extra":[1,{"a":[true,null,"\\u00e9"]}]}\n');
  appendFileSync(path.join(input, 'song_data/A/A/A/TRAAAAW128F429D538.json'),
    '\n{"song_id":"SX","artist_id":"AX","year":"19x9"}\n{"song_id":"SY","artist_id":"AY",' +
    '"duration":"2e2","title":"caf\\u00e9","year":1999.0}\n');
  // Emulated CPUs (qemu-user, when installed, portable builds only): the binary picks the best
  // kernel such a CPU runs by itself, with no variable forcing it.
  const emulated = [];
  if (sanitized) {
    console.log('a sanitizer build: emulated CPUs skipped (ASan\'s shadow memory does not run under qemu-user)');
  } else if (portable && spawnSync('qemu-x86_64', ['--version']).status === 0) {
    for (const [cpu, expected] of [['Westmere', 'westmere'], ['qemu64', 'fallback']]) {
      const v = spawnSync('qemu-x86_64', ['-cpu', cpu, bin, '--version'], { encoding: 'utf8' });
      assert.equal(v.status, 0, `${cpu}: ${v.stderr}`);
      assert.match(v.stdout, new RegExp(`JSON parse kernel: ${expected}\\b`), `on ${cpu}`);
      emulated.push(`qemu:${cpu}`);
    }
  } else {
    console.log('qemu-x86_64 is missing or the build is not portable: emulated CPUs skipped');
  }
  const answers = {};
  for (const kernel of [...supported, ...emulated]) {
    const out = path.join(work, `lake-${kernel.replace(':', '-')}`);
    const args = ['etl', '--input', input, '--output', out, '--no-progress',
                  '--max-bad-records', '100'];
    const r = kernel.startsWith('qemu:')
      ? spawnSync('qemu-x86_64', ['-cpu', kernel.slice(5), bin, ...args], { encoding: 'utf8' })
      : run(args, kernel);
    assert.equal(r.status, 0, `${kernel}: ${r.stderr}`);
    const instance = await duckdb.DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    const answer = {};
    for (const table of ['songs', 'artists', 'users', 'time', 'songplays']) {
      const reader = `read_parquet('${out}/${table}/**/*.parquet', hive_partitioning = true)`;
      // Order-independent digest of every row.
      const rows = await con.runAndReadAll(
        `SELECT count(*)::VARCHAR AS n, coalesce(sum(hash(t)), 0)::VARCHAR AS h FROM ${reader} t`);
      answer[table] = rows.getRowObjects()[0];
    }
    const rejects = await con.runAndReadAll(
      `SELECT source, line, "offset", raw FROM read_json_auto('${out}/_rejects/logs.jsonl') ` +
      `UNION ALL SELECT source, line, "offset", raw FROM read_json_auto('${out}/_rejects/songs.jsonl') ` +
      'ORDER BY ALL');
    answer.rejects = JSON.stringify(rejects.getRowObjects(), (k, v) => (typeof v === 'bigint' ? String(v) : v));
    con.closeSync?.();
    answers[kernel] = answer;
  }
  const first = supported[0];
  assert.ok(Number(answers[first].songplays.n) > 6000, JSON.stringify(answers[first]));
  assert.equal(JSON.parse(answers[first].rejects).length, 5, answers[first].rejects);
  for (const kernel of [...supported.slice(1), ...emulated]) {
    assert.deepEqual(answers[kernel], answers[first], `${kernel} wrote a different lake from ${first}`);
  }
  console.log(`same lake from ${supported.length} kernels and ${emulated.length} emulated CPUs: ${JSON.stringify(
    Object.fromEntries(Object.entries(answers[first]).filter(([k]) => k !== 'rejects').map(([k, v]) => [k, v.n])))}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

// 3. No AVX/AVX2/AVX-512 (nor SSE4/BMI) outside the kernels of a portable build.
if (portable) {
  const dump = spawnSync('objdump', ['-d', '--no-show-raw-insn', '-C', bin],
                         { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (dump.status !== 0) {
    console.log('objdump is missing: instruction-set check skipped');
  } else {
    const allowed = /sparkify::parse::kernel_(icelake|haswell|westmere)|simdjson::(icelake|haswell|westmere)::/;
    // Each kernel keeps private (local) copies of the std:: and simdjson:: inline code it uses,
    // compiled for its instruction set (src/parse/CMakeLists.txt): in the symbol table they
    // follow the kernel sources' FILE entries. Those addresses are the kernels' too.
    const kernelFiles = new Set(['json_parsers_kernel.cpp', 'value_reader.cpp']);
    const kernelAddresses = new Set();
    const symbols = spawnSync('readelf', ['-sW', bin], { encoding: 'utf8', maxBuffer: 1 << 30 });
    let file = '';
    for (const line of (symbols.stdout ?? '').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[3] === 'FILE') file = f[7];
      else if (f[3] === 'FUNC' && f[4] === 'LOCAL' && kernelFiles.has(file)) {
        kernelAddresses.add(BigInt(`0x${f[1]}`));
      }
    }
    // Not tzcnt: GCC's baseline code counts trailing zeros with `rep bsf`, the same bytes
    // (objdump prints them as tzcnt), which a CPU without BMI runs as bsf.
    const beyond = /^(v[a-z0-9]+|popcnt|lzcnt|andn|bextr|blsr|blsi|blsmsk|bzhi|pdep|pext|shlx|shrx|sarx|rorx|pclmulqdq|pshufb|ptest|pcmp[ei]str[im]|crc32[bwlq]?|movbe)$/;
    const offenders = new Map();
    let fn = '';
    let inKernel = false;
    for (const line of dump.stdout.split('\n')) {
      const head = line.match(/^([0-9a-f]+) <(.*)>:$/);
      if (head) {
        fn = head[2];
        inKernel = allowed.test(fn) || kernelAddresses.has(BigInt(`0x${head[1]}`));
        continue;
      }
      const insn = line.match(/^\s+[0-9a-f]+:\s+(?:(?:rep|repz|repnz|lock|data16|notrack|bnd)\s+)*([a-z0-9]+)/);
      if (!insn || !beyond.test(insn[1]) || inKernel) continue;
      if (!offenders.has(fn)) offenders.set(fn, insn[1]);
    }
    assert.equal(offenders.size, 0, `functions outside the parse kernels use instructions beyond ` +
      `baseline x86-64:\n${[...offenders].slice(0, 20).map(([f, i]) => `  ${i} in ${f}`).join('\n')}`);
    console.log('no instruction beyond baseline x86-64 outside the parse kernels');
  }
}
console.log('ok');
