// Distributed runs (SPEC §8): `mpirun -np N sparkify etl` must write the lake one process writes —
// every row of every table, every songplay_id, the same rejects byte for byte — for N = 1…4 on
// the real sample, the crafted edge-case input and generated input with bad records (including
// more ranks than log files). A rank that cannot read its file, or that is SIGKILLed, stops the
// run: exit non-zero, the failing rank's one sentence, nothing published, the previous lake
// intact, and the next run correct. Skips (77) when mpirun is not installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCraftedInput } from './lib/crafted.mjs';
import {
  Checks, SKIP, TABLES, describeRun, expectExit, expectSameRows, listFiles, loadLake,
  makeTempDir, openDuck, readReport, requireSample, runSparkify, sparkifyBin, strayLakeEntries,
  tableFingerprint, withoutRootPowers,
} from './lib/harness.mjs';

const which = spawnSync('sh', ['-c', 'command -v mpirun'], { encoding: 'utf8' });
const mpirun = which.status === 0 ? which.stdout.trim() : '';
if (!mpirun) {
  console.log('SKIP: mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)');
  process.exit(SKIP);
}
const bin = sparkifyBin();
const checks = new Checks('e2e mpi');
const conn = await openDuck();
const work = makeTempDir('mpi');
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

// Loopback TCP and no core binding: ranks share 2 cores with everything else on CI.
function mpiPrefix(n) {
  return [mpirun, ...(asRoot ? ['--allow-run-as-root'] : []), '--oversubscribe', '--bind-to', 'none',
    '--mca', 'btl', 'self,tcp', '--mca', 'btl_tcp_if_include', 'lo', '-np', String(n)];
}

let lakes = 0;
async function etl(input, ranks, { extra = [], out, prefix = [], onSpawn } = {}) {
  const lake = out ?? path.join(work, `lake-${lakes++}`);
  const report = `${lake}.json`;
  const args = ['etl', '--input', input, '--output', lake, '--no-progress', '--threads', '1',
    '--report', report, ...extra];
  const r = await runSparkify(args, {
    prefix: [...prefix, ...(ranks ? mpiPrefix(ranks) : [])], guardMs: 120_000, onSpawn,
  });
  return { lake, report, r };
}

function rejectsOf(lake) {
  const read = (f) => {
    const p = path.join(lake, '_rejects', f);
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null;
  };
  return { songs: read('songs.jsonl'), logs: read('logs.jsonl') };
}

let schemas = 0;
// The N-rank lake equals the single-process lake: rows (songplay_id included) and rejects.
async function expectSameLake(name, single, multi) {
  const a = `s${schemas++}`;
  const b = `s${schemas++}`;
  await loadLake(conn, single.lake, a);
  await loadLake(conn, multi.lake, b);
  for (const t of TABLES) await expectSameRows(conn, `${a}."${t}"`, `${b}."${t}"`, t, { label: `${name}: ${t}` });
  assert.deepEqual(rejectsOf(multi.lake), rejectsOf(single.lake), `${name}: rejects differ`);
  for (const t of TABLES) {
    assert.ok(fs.existsSync(path.join(multi.lake, t, '_SUCCESS')), `${name}: ${t}/_SUCCESS missing`);
  }
  assert.deepEqual(strayLakeEntries(multi.lake), [], `${name}: stray files`);
}

async function sameForRanks(label, input, rankCounts) {
  const single = await etl(input, 0);
  if (!(await checks.check(`${label}: one process exits 0`, async () => expectExit(single.r, 0)))) return;
  for (const n of rankCounts) {
    const multi = await etl(input, n);
    await checks.check(`${label}: mpirun -np ${n} exits 0 and writes the one-process lake`, async () => {
      expectExit(multi.r, 0);
      await expectSameLake(`${label} -np ${n}`, single, multi);
      const rep = readReport(multi.report);
      const one = readReport(single.report);
      const figures = (x) => JSON.stringify([x.input, x.songplays, x.rejects,
        Object.entries(x.tables).map(([t, v]) => [t, v.rows, v.partitions])]);
      assert.equal(figures(rep), figures(one), 'the report\'s whole-run figures');
      assert.equal(multi.r.stdout.match(/^table /gm)?.length ?? 0, 1, 'summary printed once (rank 0)');
    });
  }
}

// 1. The real sample, N = 1..4.
const sample = requireSample();
await sameForRanks('sample', sample, [1, 2, 3, 4]);

// --only songs, then --only logs (songs read back from the lake by every rank), under -np 3.
{
  const single = path.join(work, 'two-step-single');
  const multi = path.join(work, 'two-step-mpi');
  const steps = [];
  for (const only of ['songs', 'logs']) {
    steps.push(await etl(sample, 0, { out: single, extra: ['--only', only] }));
    steps.push(await etl(sample, 3, { out: multi, extra: ['--only', only] }));
  }
  await checks.check('--only songs then --only logs under -np 3: the one-process lake', async () => {
    for (const st of steps) expectExit(st.r, 0);
    await expectSameLake('two steps', { lake: single }, { lake: multi });
  });
}

// The defaults of --memory-limit and --threads are the machine's, divided between the ranks on
// it (here all are on one machine); a value given is each rank's own.
{
  const run = async (extra) => {
    const lake = path.join(work, `defaults-${lakes++}`);
    const r = await runSparkify(['etl', '--input', sample, '--output', lake, '--no-progress',
      '--report', `${lake}.json`, ...extra], { prefix: mpiPrefix(3), guardMs: 120_000 });
    return { r, report: `${lake}.json` };
  };
  const shared = await run([]);
  const given = await run(['--memory-limit', '300MiB', '--threads', '2']);
  await checks.check('-np 3 on one machine: 512MiB and the cores shared; given values per rank', async () => {
    expectExit(shared.r, 0);
    expectExit(given.r, 0);
    const a = readReport(shared.report);
    assert.equal(a.memory.limit, Math.max(128 * 2 ** 20, Math.floor(512 * 2 ** 20 / 3)), 'default limit per rank');
    const threads = Math.max(1, Math.floor(os.cpus().length / 3));
    assert.match(shared.r.stdout, new RegExp(`on 3 ranks of ${threads} threads? each`), describeRun(shared.r));
    assert.equal(readReport(given.report).memory.limit, 300 * 2 ** 20, 'a given limit is per rank');
    assert.match(given.r.stdout, /on 3 ranks of 2 threads each/, describeRun(given.r));
  });
}

// 2. The crafted edge cases (duplicates, most-complete artists, bad records, escapes).
const crafted = path.join(work, 'crafted');
writeCraftedInput(crafted);
await sameForRanks('crafted', crafted, [2, 4]);
await incrementalUnderMpi('sample', sample);
await incrementalUnderMpi('crafted', crafted);

// Ranks started with different flags (an MPMD command line) stop at once with one sentence.
{
  const lake = path.join(work, 'mismatch');
  const args = ['etl', '--input', crafted, '--output', lake, '--no-progress'];
  const r = await runSparkify([...args, '--threads', '2'], {
    prefix: [...mpiPrefix(1), bin, ...args, '--threads', '1', ':', '-np', '1'], guardMs: 120_000,
  });
  await checks.check('ranks with different flags: exit 2, one sentence, nothing written', async () => {
    expectExit(r, 2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('sparkify'));
    assert.deepEqual(lines, ['sparkify etl: rank 1 was started with different flags than rank 0; ' +
      'every rank of an mpirun must get the same command line'], describeRun(r));
    assert.ok(!fs.existsSync(lake), 'the lake folder was created');
  });
}

// Incremental loads under mpirun (SPEC §9 with §8): the log days taken in three loads — the first
// into an empty lake under -np 2, the next under -np 3, the last as one process — give the lake of
// one full run; so does a -np 2 full run of the first days followed by -np 3 loads of the rest;
// and a load with nothing new changes nothing. The sample and the crafted input (bad records,
// duplicates, a user whose level changes) both.
async function incrementalUnderMpi(label, source) {
  const days = listFiles(path.join(source, 'log_data'));
  const third = Math.max(1, Math.ceil(days.length / 3));
  const batches = [days.slice(0, third), days.slice(third, 2 * third), days.slice(2 * third)];
  const single = await etl(source, 0);
  if (!(await checks.check(`${label}: one full process exits 0`, async () => expectExit(single.r, 0)))) return;
  // Loads the days in thirds under `plan` ([ranks, mode] per third) into a new lake; with
  // `songsInThirds` the song files arrive in thirds too (else all with the first).
  const load = async (plan, songsInThirds) => {
    const input = path.join(work, `${label}-inc-input-${schemas}`);
    const lake = path.join(work, `${label}-inc-lake-${schemas++}`);
    const songs = listFiles(path.join(source, 'song_data'));
    const songThird = songsInThirds ? Math.ceil(songs.length / 3) : songs.length;
    const runs = [];
    for (const [i, [ranks, mode]] of plan.entries()) {
      for (const f of songs.slice(i * songThird, (i + 1) * songThird)) {
        fs.mkdirSync(path.dirname(path.join(input, 'song_data', f)), { recursive: true });
        fs.copyFileSync(path.join(source, 'song_data', f), path.join(input, 'song_data', f));
      }
      for (const d of batches[i]) {
        fs.mkdirSync(path.dirname(path.join(input, 'log_data', d)), { recursive: true });
        fs.copyFileSync(path.join(source, 'log_data', d), path.join(input, 'log_data', d));
      }
      runs.push(await etl(input, ranks, { out: lake, extra: ['--mode', mode] }));
    }
    return { input, lake, runs };
  };
  for (const [variant, plan] of [
    ['incremental -np 2, -np 3, one process', [[2, 'incremental'], [3, 'incremental'], [0, 'incremental']]],
    ['full -np 2, then incremental -np 3 twice', [[2, 'full'], [3, 'incremental'], [3, 'incremental']]],
  ]) {
    const { input, lake, runs } = await load(plan, false);
    const again = await etl(input, 2, { out: lake, extra: ['--mode', 'incremental'] });
    await checks.check(`${label}: ${variant}: the one-process full lake; a repeat under -np 2 changes nothing`, async () => {
      for (const r of runs) expectExit(r.r, 0);
      await expectSameLake(`${label} ${variant}`, single, { lake });
      expectExit(again.r, 0);
      assert.equal(readReport(again.report).load?.nothing_new, true, 'the repeat should find nothing new');
      assert.equal(again.r.stdout.match(/nothing new/gi)?.length ?? 0, 1, 'said once (rank 0)');
    });
  }
  // Songs in thirds as well: the third load's record is a change whose chain's states each hold
  // some song keys, which every rank joins with. Earlier songplays are not matched again (SPEC
  // §9), so the lake to equal is the same loads run as one process.
  const oneProcess = await load([[0, 'incremental'], [0, 'incremental'], [0, 'incremental']], true);
  const ranked = await load([[2, 'incremental'], [3, 'incremental'], [3, 'incremental']], true);
  await checks.check(`${label}: songs and days in thirds, incremental -np 2, -np 3, -np 3: the lake of the same loads in one process`, async () => {
    for (const r of [...oneProcess.runs, ...ranked.runs]) expectExit(r.r, 0);
    await expectSameLake(`${label} songs in thirds`, { lake: oneProcess.lake }, { lake: ranked.lake });
  });
}

// Too many bad records: every rank fails the same way (exit 3), nothing is published.
{
  const r = await etl(crafted, 3, { extra: ['--max-bad-records', '0'] });
  await checks.check('--max-bad-records 0 under -np 3: exit 3, one sentence, no table published', async () => {
    expectExit(r.r, 3);
    const lines = r.r.stderr.split('\n').filter((l) => l.startsWith('sparkify'));
    assert.equal(lines.length, 1, describeRun(r.r));
    assert.match(lines[0], /bad records exceed --max-bad-records 0; nothing was published/);
    for (const t of TABLES) assert.ok(!fs.existsSync(path.join(r.lake, t)), `${t} was published`);
  });
}

// 3. Generated input with bad records and fewer log files (3 days) than ranks.
const generated = path.join(work, 'generated');
const gen = await runSparkify(['generate', '--output', generated, '--songs', '400', '--events', '30000',
  '--seed', '5', '--bad-fraction', '0.02', '--days', '3']);
if (await checks.check('sparkify generate exits 0', async () => expectExit(gen, 0))) {
  await sameForRanks('generated (3 log files)', generated, [3, 4]);
  // Songs that events match (the sample has few): the join on every rank uses every record's keys.
  await incrementalUnderMpi('generated', generated);
}

// 4. One rank cannot read its file: the last log file belongs to the last rank.
const broken = path.join(work, 'broken-input');
fs.cpSync(sample, broken, { recursive: true });
const logFiles = listFiles(path.join(broken, 'log_data')).filter((f) => f.endsWith('.json')).sort();
const unreadable = path.join(broken, 'log_data', logFiles[logFiles.length - 1]);
const kept = path.join(work, 'kept-lake');
const good = await etl(broken, 0, { out: kept });
await checks.check('a good lake to keep: exits 0', async () => expectExit(good.r, 0));
const before = {};
for (const t of TABLES) before[t] = await tableFingerprint(conn, kept, t);
fs.chmodSync(unreadable, 0o000);
const failed = await etl(broken, 4, { out: kept, prefix: withoutRootPowers() });
fs.chmodSync(unreadable, 0o644);
await checks.check('an unreadable file on rank 3: exit 1, the rank\'s one sentence, nothing published', async () => {
  expectExit(failed.r, 1);
  const lines = failed.r.stderr.split('\n').filter((l) => l.startsWith('sparkify'));
  assert.equal(lines.length, 1, `one sentence expected:\n${describeRun(failed.r)}`);
  assert.match(lines[0], /^sparkify etl: rank 3: .*(permission|Permission|denied)/, describeRun(failed.r));
  assert.ok(lines[0].includes(path.basename(unreadable)), `names the file: ${lines[0]}`);
  assert.doesNotMatch(failed.r.stderr, /MPI_ABORT|backtrace|Segmentation/);
  for (const t of TABLES) assert.equal(await tableFingerprint(conn, kept, t), before[t], `${t} changed`);
  assert.deepEqual(strayLakeEntries(kept), [], 'stray files');
});

// 5. A rank SIGKILLed mid-run: non-zero, previous lake intact, the next run correct.
const big = path.join(work, 'big');
const genBig = await runSparkify(['generate', '--output', big, '--songs', '2000', '--events', '400000',
  '--seed', '11', '--days', '8']);
if (await checks.check('sparkify generate (kill test input) exits 0', async () => expectExit(genBig, 0))) {
  const killedLake = path.join(work, 'killed-lake');
  const first = await etl(big, 2, { out: killedLake });
  await checks.check('kill test: the first run exits 0', async () => expectExit(first.r, 0));
  const prior = {};
  for (const t of TABLES) prior[t] = await tableFingerprint(conn, killedLake, t);
  let victim = 0;
  const killed = await etl(big, 3, {
    out: killedLake,
    onSpawn: (child) => {
      const poll = setInterval(() => {
        const ranks = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
          try {
            const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
            return status.includes(`PPid:\t${child.pid}\n`) && /Name:\tsparkify/.test(status);
          } catch { return false; }
        });
        if (ranks.length >= 3) {
          clearInterval(poll);
          // Let the ranks start parsing, then kill the last one.
          setTimeout(() => {
            victim = Number(ranks.sort((x, y) => Number(x) - Number(y))[ranks.length - 1]);
            try { process.kill(victim, 'SIGKILL'); } catch { /* already gone */ }
          }, 150);
        }
      }, 10);
      child.on('close', () => clearInterval(poll));
    },
  });
  await checks.check('one rank SIGKILLed: the run exits non-zero and publishes nothing', async () => {
    assert.ok(victim > 0, 'no rank was found to kill');
    assert.notEqual(killed.r.code, 0, describeRun(killed.r));
    for (const t of TABLES) assert.equal(await tableFingerprint(conn, killedLake, t), prior[t], `${t} changed`);
  });
  const again = await etl(big, 3, { out: killedLake });
  const single = await etl(big, 0);
  await checks.check('after the kill: the next 3-rank run is correct and leaves no debris', async () => {
    expectExit(again.r, 0);
    expectExit(single.r, 0);
    await expectSameLake('after kill', single, again);
    assert.ok(!fs.existsSync(path.join(killedLake, '_staging')), '_staging left behind');
  });
}

checks.finish();
