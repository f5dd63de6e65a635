// `sparkify etl --config dl.cfg` as the seeds run their job: input and output locations from
// the file's [PATHS] or [S3] section, flags overriding them, the seeds' s3a:// URLs with globs,
// and a broken file giving one sentence that names the line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  Checks, expectExit, makeTempDir, openDuck, queryValue, requireSample, runSparkify, sparkifyBin,
  lakeTableSql,
} from './lib/harness.mjs';

const sample = requireSample();
sparkifyBin();
const checks = new Checks('e2e config');
const conn = await openDuck();
const work = makeTempDir('config');
const cfg = (name, text) => {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
};
const songplays = async (lake) => Number(await queryValue(conn, `SELECT count(*) FROM (${lakeTableSql(lake, 'songplays')})`));
const oneSentence = (r) => {
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `stderr:\n${r.stderr}`);
  return lines[0];
};

const lakeA = path.join(work, 'lake-a');
const paths = cfg('dl.cfg', `# local run\n[PATHS]\nINPUT_DATA = '${sample}'\nOUTPUT_DATA = ${lakeA}   # the lake\n`);
const a = await runSparkify(['etl', '--config', paths, '--no-progress']);
await checks.check('etl --config dl.cfg alone: input and output from [PATHS], no [AWS] needed', async () => {
  expectExit(a, 0);
  assert.equal(await songplays(lakeA), 6820);
});

const gen = path.join(work, 'gen');
await runSparkify(['generate', '--output', gen, '--songs', '60', '--events', '1500', '--seed', '9']);
const lakeB = path.join(work, 'lake-b');
const lakeC = path.join(work, 'lake-c');
const b = await runSparkify(['etl', '--config', paths, '--input', gen, '--output', lakeB, '--no-progress']);
const c = await runSparkify(['etl', '--input', gen, '--output', lakeC, '--no-progress']);
await checks.check('flags override the file: --input and --output win over INPUT_DATA/OUTPUT_DATA', async () => {
  expectExit(b, 0);
  expectExit(c, 0);
  const n = await songplays(lakeB);
  assert.equal(n, await songplays(lakeC));
  assert.notEqual(n, 6820);
});
const lakeD = path.join(work, 'lake-d');
const d = await runSparkify(['etl', '--config', paths, '--output', lakeD, '--no-progress']);
await checks.check('--output alone overrides OUTPUT_DATA; the input still comes from the file', async () => {
  expectExit(d, 0);
  assert.equal(await songplays(lakeD), 6820);
});

const seeds = cfg('seeds.cfg', [
  '[AWS]', 'AWS_ACCESS_KEY_ID = AKIAIOSFODNN7EXAMPLE', 'AWS_SECRET_ACCESS_KEY = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'ENDPOINT = http://127.0.0.1:9', '', '[S3]', 'SONG_DATA = s3a://udacity-dend/song_data/*/*/*/*.json',
  'LOG_DATA = s3a://udacity-dend/log_data/*/*/*.json', 'OUTPUT_DATA = s3a://sparkify-lake/out/', ''].join('\n'));
const s = await runSparkify(['etl', '--config', seeds, '--no-progress'], { guardMs: 120_000 });
await checks.check("the seeds' [S3] section: s3a:// URLs with globs are used (one sentence, exit 1, no secret)", async () => {
  expectExit(s, 1);
  const line = oneSentence(s);
  console.log(`     ${line}`);
  assert.match(line, /sparkify-lake|udacity-dend/);
  assert.ok(!line.includes('wJalrXUtnFEMI'), 'the secret leaked');
});

const broken = cfg('broken.cfg', '[PATHS]\nINPUT_DATA = ./data\nthis line has no equals sign\nOUTPUT_DATA = ./lake\n');
const e = await runSparkify(['etl', '--config', broken]);
await checks.check('a broken file: one sentence naming the file and line 3, exit 2', async () => {
  expectExit(e, 2);
  assert.equal(oneSentence(e), `sparkify etl: ${broken} line 3: expected [SECTION] or KEY = VALUE`);
});
const noOut = cfg('no-output.cfg', `[PATHS]\nINPUT_DATA = ${sample}\n`);
const f = await runSparkify(['etl', '--config', noOut]);
await checks.check('no output in the flags or the file: one sentence, exit 2', async () => {
  expectExit(f, 2);
  assert.match(oneSentence(f), /no output: give --output/);
});
const missing = await runSparkify(['etl', '--config', path.join(work, 'nope.cfg')]);
await checks.check('a missing config file: one sentence naming it, exit 1', async () => {
  expectExit(missing, 1);
  assert.match(oneSentence(missing), /cannot read the config file .*nope\.cfg/);
});
checks.finish();
