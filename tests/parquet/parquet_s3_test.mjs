// `sparkify parquet schema|meta|cat` on s3:// URLs, against the loopback S3: files uploaded with
// awscli (the independent client) read back exactly as the same files do locally; a missing key,
// wrong credentials and an unreachable endpoint each end in one sentence and exit 1.
import fs from 'node:fs';
import path from 'node:path';
import { startLoopbackS3, aws, awsAvailable, run, ACCESS_KEY, SECRET_KEY, AWS_CLI } from '../s3/loopback_s3.mjs';

const source = process.env.SPARKIFY_SOURCE_DIR || '.';
const corpus = path.resolve(source, '..', 'shared', 'data', 'parquet-testing', 'data');
if (!fs.existsSync(corpus)) {
  console.log(`SKIP: the Parquet test corpus is not at ${corpus}`);
  process.exit(77);
}
if (!awsAvailable()) {
  console.log(`SKIP: ${AWS_CLI} (Debian's awscli) is not installed; run scripts/setup.sh`);
  process.exit(77);
}
const bin = process.env.SPARKIFY_BIN || 'build/sparkify';
const files = ['int96_from_spark.parquet', 'fixed_length_decimal.parquet', 'lz4_raw_compressed_larger.parquet',
  'alltypes_tiny_pages.parquet'];

const s3 = await startLoopbackS3({ buckets: ['lake'] });
process.on('exit', () => s3.killNow());
let failures = 0;
const check = (cond, what) => {
  if (!cond) {
    failures++;
    console.error(`FAIL: ${what}`);
  }
};
const creds = { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_SESSION_TOKEN: '', AWS_ENDPOINT_URL: '' };
const sparkify = (args, env = creds) => run(bin, [...args, '--endpoint', s3.endpoint, '--region', 'us-east-1'], { env });

for (const f of files) {
  const up = await aws(s3.endpoint, ['s3', 'cp', path.join(corpus, f), `s3://lake/corpus/${f}`]);
  check(up.code === 0, `awscli upload of ${f}: ${up.stderr}`);
  for (const cmd of ['schema', 'meta', 'cat']) {
    const local = await run(bin, ['parquet', cmd, path.join(corpus, f)]);
    const remote = await sparkify(['parquet', cmd, `s3://lake/corpus/${f}`]);
    check(local.code === 0 && remote.code === 0, `${cmd} ${f}: exit ${local.code} locally, ${remote.code} on S3: ${remote.stderr}`);
    // meta names the file; everything else must be byte for byte the same.
    const strip = (out) => out.toString().replace(/^file: .*\n/, '');
    check(strip(local.stdout) === strip(remote.stdout), `${cmd} ${f}: S3 output differs from the local one`);
  }
}

const oneLine = (r) => {
  const lines = r.stderr.split('\n').filter((l) => l);
  if (lines.length) console.log(`  ${lines[0]}`);
  return lines.length === 1;
};
let r = await sparkify(['parquet', 'cat', 's3://lake/corpus/missing.parquet']);
check(r.code === 1 && oneLine(r), `a missing key: exit ${r.code}, stderr ${r.stderr}`);
r = await sparkify(['parquet', 'cat', `s3://lake/corpus/${files[0]}`], { ...creds, AWS_SECRET_ACCESS_KEY: 'wrong/secret' });
check(r.code === 1 && oneLine(r) && !r.stderr.includes('wrong/secret'), `wrong credentials: exit ${r.code}, stderr ${r.stderr}`);
r = await run(bin, ['parquet', 'cat', `s3://lake/corpus/${files[0]}`, '--endpoint', 'http://127.0.0.1:9', '--region', 'us-east-1'],
  { env: creds, timeoutMs: 300000 });
check(r.code === 1 && oneLine(r), `an unreachable endpoint: exit ${r.code}, stderr ${r.stderr}`);

await s3.stop();
console.log(failures === 0 ? `parquet on S3: ok (${files.length} files x schema/meta/cat, 3 failure cases)` : `parquet on S3: ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
