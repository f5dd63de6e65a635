// Crash safety (SPEC §4): SIGKILL `sparkify etl` at random moments. After each kill every table
// folder holds either the previous good table or the new complete one (identical rows, with
// _SUCCESS), or is absent — never a partial table; the next run yields the full correct lake and
// leaves no staging debris. Set SPARKIFY_CRASH_SEED to replay a sequence of kill times.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { referenceTables } from '../reference/reference.mjs';
import {
  Checks, TABLES, describeRun, expectExit, expectSameRows, listFiles, loadLake, makeTempDir,
  openDuck, requireSample, runSparkify, show, sparkifyBin, strayLakeEntries, tableFingerprint,
} from './lib/harness.mjs';

const sample = requireSample();
sparkifyBin();
const checks = new Checks('e2e crash');
const conn = await openDuck();
const work = makeTempDir('crash');

const seed = Number(process.env.SPARKIFY_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`kill-time seed: ${seed} (SPARKIFY_CRASH_SEED=${seed} replays it)`);
let state = seed >>> 0;
function random() {  // mulberry32
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// Input B: part of the sample, so every table differs from input A's.
const inputA = sample;
const inputB = path.join(work, 'input-b');
for (const [dir, keep] of [['song_data', (i) => i % 3 !== 0], ['log_data', (i) => i % 2 === 0]]) {
  listFiles(path.join(sample, dir)).forEach((f, i) => {
    if (!keep(i)) return;
    fs.mkdirSync(path.dirname(path.join(inputB, dir, f)), { recursive: true });
    fs.copyFileSync(path.join(sample, dir, f), path.join(inputB, dir, f));
  });
}

const inputs = { A: { dir: inputA }, B: { dir: inputB } };

/** A clean run of `name` into its own lake: its fingerprints and how long a run takes. */
async function prepare(name, { reference = true } = {}) {
  const input = inputs[name];
  const out = path.join(work, `clean-${name}`);
  const started = process.hrtime.bigint();
  const r = await runSparkify(['etl', '--input', input.dir, '--output', out]);
  input.ms = Number(process.hrtime.bigint() - started) / 1e6;
  const ok = await checks.check(`clean run of input ${name}: exits 0`, async () => expectExit(r, 0));
  if (!ok) return false;
  if (reference) {
    const ok2 = await checks.check(`clean run of input ${name}: equals the reference`, async () => {
      await referenceTables(conn, { input: input.dir, schema: `ref_${name}` });
      await loadLake(conn, out, `clean_${name}`);
      for (const t of TABLES) await expectSameRows(conn, `ref_${name}."${t}"`, `clean_${name}."${t}"`, t);
    });
    if (!ok2) return false;
  }
  input.fp = {};
  for (const t of TABLES) input.fp[t] = await tableFingerprint(conn, out, t);
  return true;
}

/** Which known table each folder holds after a kill; problems for anything else. */
async function inspectAfterKill(out, prev, next) {
  const seen = {};
  const problems = [];
  for (const t of TABLES) {
    const dir = path.join(out, t);
    if (!fs.existsSync(dir)) { seen[t] = 'absent'; continue; }
    let fp;
    try {
      fp = await tableFingerprint(conn, out, t);
    } catch (e) {
      problems.push(`${t}: DuckDB cannot read it: ${e.message.split('\n')[0]}`);
      continue;
    }
    if (fp === inputs[prev].fp[t]) seen[t] = prev;
    else if (fp === inputs[next].fp[t]) seen[t] = next;
    else problems.push(`${t}: partial or foreign table (${fp}; ${prev}=${inputs[prev].fp[t]}, ${next}=${inputs[next].fp[t]})`);
    if (!fs.existsSync(path.join(dir, '_SUCCESS'))) problems.push(`${t}: table folder without _SUCCESS`);
  }
  return { seen, problems };
}

/** Kills `kills` runs at random moments, alternating between two inputs. */
async function killLoop(label, names, kills) {
  const out = path.join(work, `lake-${label}`);
  let cur = names[0];
  const first = await runSparkify(['etl', '--input', inputs[cur].dir, '--output', out]);
  if (!(await checks.check(`${label}: initial run exits 0`, async () => expectExit(first, 0)))) return;
  const around = fs.readdirSync(work).sort();
  let killed = 0;
  let finishedFirst = 0;
  const outcomes = {};
  // Kill times are drawn over `span`, a run's expected length: half anywhere, half in its last
  // 30%, where tables are written and published. A run that finishes before its kill shrinks
  // the span, a kill that lands lets it grow back, so kills keep landing on a loaded machine.
  const span = Object.fromEntries(names.map((n) => [n, inputs[n].ms]));
  for (let i = 0; killed < kills && i < kills * 10; i++) {
    const next = cur === names[0] ? names[1] : names[0];
    const u = random();
    const delay = span[next] * (u < 0.5 ? 2 * u : 0.7 + 0.6 * (u - 0.5));
    let timer;
    const r = await runSparkify(['etl', '--input', inputs[next].dir, '--output', out], {
      onSpawn: (child) => { timer = setTimeout(() => child.kill('SIGKILL'), delay); },
    });
    clearTimeout(timer);
    const wasKilled = r.signal === 'SIGKILL';
    if (wasKilled) killed += 1; else finishedFirst += 1;
    span[next] = wasKilled ? Math.min(inputs[next].ms, span[next] * 1.1) : span[next] * 0.8;
    const what = wasKilled ? `kill ${killed} at ${delay.toFixed(1)} ms (${cur} -> ${next})`
      : `run ${i + 1} finished before its kill at ${delay.toFixed(1)} ms`;

    const ok = await checks.check(`${label}: ${what}: every table is the previous, the new, or absent`, async () => {
      if (!wasKilled) expectExit(r, 0);
      const { seen, problems } = await inspectAfterKill(out, cur, next);
      const key = TABLES.map((t) => `${t}:${seen[t] ?? '?'}`).join(' ');
      if (wasKilled) outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (!wasKilled) for (const t of TABLES) if (seen[t] !== next) problems.push(`${t}: ${seen[t]} after a finished run`);
      assert.deepStrictEqual(problems, [], `${show(seen)}\n${describeRun(r)}`);
    });
    const started = process.hrtime.bigint();
    const rerun = await runSparkify(['etl', '--input', inputs[next].dir, '--output', out]);
    if (rerun.code === 0) inputs[next].ms = Number(process.hrtime.bigint() - started) / 1e6;
    const ok2 = await checks.check(`${label}: ${what}: the next run exits 0, builds the full lake, leaves no debris`, async () => {
      expectExit(rerun, 0);
      const bad = [];
      for (const t of TABLES) {
        const fp = await tableFingerprint(conn, out, t);
        if (fp !== inputs[next].fp[t]) bad.push(`${t}: ${fp}, want ${inputs[next].fp[t]}`);
        if (!fs.existsSync(path.join(out, t, '_SUCCESS'))) bad.push(`${t}: no _SUCCESS`);
      }
      assert.deepStrictEqual(bad, []);
      assert.deepStrictEqual(strayLakeEntries(out), [], 'staging debris after a finished run');
      assert.deepStrictEqual(fs.readdirSync(work).sort(), around, 'files appeared next to the lake');
    });
    if (!ok || !ok2) {
      // Start the next round from a known state.
      fs.rmSync(out, { recursive: true, force: true });
      const again = await runSparkify(['etl', '--input', inputs[next].dir, '--output', out]);
      if (again.code !== 0) { console.log(`cannot rebuild the lake:\n${describeRun(again)}`); return; }
    }
    cur = next;
  }
  console.log(`${label}: ${killed} kills, ${finishedFirst} runs finished before their kill; table states seen after kills:`);
  for (const [k, n] of Object.entries(outcomes)) console.log(`  ${n} x ${k}`);
  await checks.check(`${label}: at least ${kills} runs were really killed mid-way`, async () => {
    assert.ok(killed >= kills, `only ${killed} kills landed before the run finished`);
  });
}

const okA = await prepare('A');
const okB = await prepare('B');
if (okA && okB) await killLoop('sample', ['A', 'B'], 20);

// A larger generated input, when `sparkify generate` exists, gives the kills more room to land
// in the middle of writing.
const gen = path.join(work, 'generated');
const probe = await runSparkify(['generate', '--help']);
if (probe.code === 0) {
  const g = await runSparkify(['generate', '--output', gen, '--songs', '3000', '--events', '300000', '--seed', '11']);
  if (await checks.check('sparkify generate: exits 0', async () => expectExit(g, 0))) {
    inputs.G = { dir: gen };
    if (okA && await prepare('G', { reference: false })) {
      await checks.check('generated input: the clean run equals the reference', async () => {
        await referenceTables(conn, { input: gen, schema: 'ref_G' });
        await loadLake(conn, path.join(work, 'clean-G'), 'clean_G');
        for (const t of TABLES) await expectSameRows(conn, `ref_G."${t}"`, `clean_G."${t}"`, t);
      });
      await killLoop('generated', ['G', 'A'], 8);
    }
  }
} else {
  console.log('note: `sparkify generate` is not available; the crash test used the sample only');
}

// Ctrl-C or a scheduler's SIGTERM: the run says in one line what it leaves, dies of the signal,
// and the next run is correct.
if (okA) {
  for (const signal of ['INT', 'TERM']) {
    const out = path.join(work, `signal-${signal}`);
    fs.cpSync(path.join(work, 'clean-B'), out, { recursive: true });
    const r = await runSparkify(['etl', '--input', inputs.A.dir, '--output', out, '--no-progress'],
      { env: { SPARKIFY_TEST_KILL_AT: 'published-artists', SPARKIFY_TEST_KILL_SIGNAL: signal } });
    await checks.check(`SIG${signal} while publishing: one line saying so, the signal's exit; the next run is correct`, async () => {
      assert.equal(r.signal, `SIG${signal}`, describeRun(r));
      assert.match(r.stderr, /^\nsparkify etl: interrupted; run it again: the next run removes what this one left/);
      assert.equal(r.stderr.trim().split('\n').length, 1, describeRun(r));
      expectExit(await runSparkify(['etl', '--input', inputs.A.dir, '--output', out, '--no-progress']), 0);
      for (const t of TABLES) assert.equal(await tableFingerprint(conn, out, t), inputs.A.fp[t], t);
      assert.deepStrictEqual(strayLakeEntries(out), []);
    });
  }
}

checks.finish();
