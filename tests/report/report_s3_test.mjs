// `sparkify report` on a lake in S3 (the loopback server): the page must carry exactly the
// figures and tables of the page made from the same lake on local disk.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLoopbackS3, ACCESS_KEY, SECRET_KEY } from '../s3/loopback_s3.mjs';
import { Checks, expectExit, makeTempDir, requireSample, runSparkify, sparkifyBin } from '../e2e/lib/harness.mjs';
import { externalReferences } from './report_page.mjs';

const sample = requireSample();
sparkifyBin();
const checks = new Checks('report s3');
const work = makeTempDir('report-s3');
const s3 = await startLoopbackS3({ buckets: ['lake'] });
process.on('exit', () => s3.killNow());

const cfg = path.join(work, 'dl.cfg');
fs.writeFileSync(cfg, `[AWS]\nKEY = ${ACCESS_KEY}\nSECRET = '${SECRET_KEY}'\nENDPOINT = ${s3.endpoint}\n`);
const env = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_ENDPOINT_URL: '' };
const local = path.join(work, 'lake');

const steps = [
  ['etl to local disk', ['etl', '--input', sample, '--output', local, '--no-progress']],
  ['etl to S3', ['etl', '--input', sample, '--output', 's3://lake/sample', '--config', cfg, '--no-progress']],
  ['report from local disk', ['report', '--lake', local, '--output', path.join(work, 'local.html')]],
  ['report from S3', ['report', '--lake', 's3a://lake/sample', '--config', cfg, '--output', path.join(work, 's3.html')]],
];
for (const [name, args] of steps) {
  const r = await runSparkify(args, { env, guardMs: 300_000 });
  if (!(await checks.check(`${name}: exits 0`, async () => expectExit(r, 0)))) checks.finish();
}

// The pages differ only in the lake's name and the time they were made.
const normalise = (html) => html
  .replace(/<p class="sub">[\s\S]*?<\/p>/, '')
  .replace(/ for listing s3:\/\/[^ <]*| at \S*/g, '');
await checks.check('the S3 page equals the local page, figure for figure', async () => {
  const a = normalise(fs.readFileSync(path.join(work, 'local.html'), 'utf8'));
  const b = normalise(fs.readFileSync(path.join(work, 's3.html'), 'utf8'));
  assert.ok(a.includes('id="fig-songplays">6,820<'), 'local page lacks the sample figures');
  assert.equal(b, a);
  assert.deepStrictEqual(externalReferences(b), []);
});
const missing = await runSparkify(['report', '--lake', 's3://lake/nothing-here', '--config', cfg,
  '--output', path.join(work, 'none.html')], { env });
await checks.check('an S3 prefix that is not a lake: one sentence, exit 1', async () => {
  expectExit(missing, 1);
  assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
});
checks.finish();
