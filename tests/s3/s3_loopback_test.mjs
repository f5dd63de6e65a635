// End-to-end checks of sparkify's S3 FileSystem against a loopback S3 (s3rver behind a
// SigV4-verifying, fault-injecting proxy), with every result checked through an independent
// client, Debian's awscli. Usage: node s3_loopback_test.mjs PATH/TO/sparkify_s3_tool
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startLoopbackS3, run, aws, awsAvailable, tempDir, ACCESS_KEY, SECRET_KEY, AWS_CLI } from './loopback_s3.mjs';

const tool = process.argv[2] ?? path.join(process.env.SPARKIFY_BUILD_DIR ?? 'build', 'tests/s3/sparkify_s3_tool');
const sample = path.join(process.env.SPARKIFY_SOURCE_DIR ?? '.', '..', 'shared', 'data', 'udacity-sample');

if (!awsAvailable()) {
  console.log(`SKIP: ${AWS_CLI} (Debian's awscli) is not installed; run scripts/setup.sh`);
  process.exit(77);
}
if (!fs.existsSync(tool)) {
  console.log(`SKIP: the S3 tool ${tool} is not built`);
  process.exit(77);
}

let s3;
let scratch;
const creds = () => ['--endpoint', s3.endpoint, '--access-key', ACCESS_KEY, '--secret-key', SECRET_KEY];
const ours = (args, extra = []) => run(tool, [...creds(), ...extra, ...args], { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } });

function ok(r, what) {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}): ${r.stderr}`);
  return r;
}

// path -> sha256 of every file below dir.
function digestTree(dir) {
  const out = new Map();
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.set(r, crypto.createHash('sha256').update(fs.readFileSync(path.join(d, e.name))).digest('hex'));
    }
  };
  walk(dir, '');
  return out;
}

// The keys and sizes below a prefix as awscli sees them (ListObjectsV2, paginated by awscli).
async function awsListing(bucket, prefix) {
  const r = ok(await aws(s3.endpoint, ['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix, '--output', 'json']), 'aws list-objects-v2');
  const text = r.stdout.toString().trim();
  const contents = text ? (JSON.parse(text).Contents ?? []) : [];
  return new Map(contents.map((o) => [o.Key.slice(prefix.length), o.Size]));
}

function ourListing(stdout) {
  const m = new Map();
  for (const line of stdout.toString().split('\n')) {
    if (!line) continue;
    const tab = line.lastIndexOf('\t');
    m.set(line.slice(0, tab), Number(line.slice(tab + 1)));
  }
  return m;
}

before(async () => {
  s3 = await startLoopbackS3({ buckets: ['lake', 'other'] });
  scratch = tempDir('sparkify-s3-test-');
});

after(async () => {
  await s3?.stop();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('batch upload of the real sample: awscli sees the same keys, sizes and bytes', { skip: !fs.existsSync(sample) && `no sample data at ${sample}` }, async () => {
  ok(await ours(['put-tree', sample, 's3://lake/udacity']), 'put-tree');
  const local = digestTree(sample);
  const listed = await awsListing('lake', 'udacity/');
  assert.deepEqual([...listed.keys()].sort(), [...local.keys()].sort());
  for (const [rel, size] of listed) assert.equal(size, fs.statSync(path.join(sample, rel)).size, rel);
  const down = path.join(scratch, 'aws-udacity');
  ok(await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', 's3://lake/udacity/', down]), 'aws s3 cp');
  assert.deepEqual(digestTree(down), local);
});

test('objects written by awscli read back identically through read and read_many', async () => {
  const src = path.join(scratch, 'aws-src');
  fs.mkdirSync(path.join(src, 'song_data/A/B'), { recursive: true });
  const names = ['song_data/A/B/plain.json', 'song_data/A/B/sp ace+plus=eq&amp.json', 'song_data/A/B/ünïcødé €.json', 'song_data/A/B/quote\'"<x>.json', 'song_data/A/B/empty.json'];
  for (const [i, n] of names.entries()) fs.writeFileSync(path.join(src, n), n.includes('empty') ? '' : crypto.randomBytes(1000 + i * 777));
  ok(await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', src, 's3://lake/from-aws/']), 'aws upload');
  const listed = ok(await ours(['list', 's3://lake/from-aws']), 'list');
  assert.deepEqual([...ourListing(listed.stdout).keys()].sort(), names.slice().sort());
  const one = ok(await ours(['cat', `s3://lake/from-aws/${names[1]}`]), 'cat');
  assert.deepEqual(one.stdout, fs.readFileSync(path.join(src, names[1])));
  const down = path.join(scratch, 'ours-from-aws');
  ok(await ours(['get-tree', 's3://lake/from-aws', down]), 'get-tree');
  assert.deepEqual(digestTree(down), digestTree(src));
  assert.equal(ok(await ours(['exists', 's3://lake/from-aws/song_data']), 'exists').stdout.toString().trim(), 'true');
  assert.equal(ok(await ours(['exists', `s3://lake/from-aws/${names[0]}`]), 'exists').stdout.toString().trim(), 'true');
  assert.equal(ok(await ours(['exists', 's3://lake/from-aws/nope']), 'exists').stdout.toString().trim(), 'false');
});

test('the loopback S3 answers ranged GETs as S3 does (checked with awscli)', async () => {
  const src = path.join(scratch, 'range-src.bin');
  const bytes = crypto.randomBytes(10000);
  fs.writeFileSync(src, bytes);
  fs.writeFileSync(path.join(scratch, 'range-empty.bin'), '');
  ok(await aws(s3.endpoint, ['s3', 'cp', '--only-show-errors', src, 's3://lake/ranges/obj.bin']), 'aws upload');
  ok(await aws(s3.endpoint, ['s3', 'cp', '--only-show-errors', path.join(scratch, 'range-empty.bin'), 's3://lake/ranges/empty.bin']), 'aws upload');
  const get = async (key, range) => {
    const out = path.join(scratch, 'range-out.bin');
    fs.rmSync(out, { force: true });
    const r = await aws(s3.endpoint, ['s3api', 'get-object', '--bucket', 'lake', '--key', key, ...(range ? ['--range', range] : []), out, '--output', 'json']);
    return { r, meta: r.code === 0 ? JSON.parse(r.stdout.toString()) : null, body: r.code === 0 ? fs.readFileSync(out) : null };
  };
  const cases = [
    ['bytes=0-0', 0, 0], ['bytes=100-199', 100, 199], ['bytes=9990-20000', 9990, 9999],
    ['bytes=9000-', 9000, 9999], ['bytes=-500', 9500, 9999], ['bytes=-20000', 0, 9999],
  ];
  for (const [range, first, last] of cases) {
    const { r, meta, body } = await get('ranges/obj.bin', range);
    assert.equal(r.code, 0, `${range}: ${r.stderr}`);
    assert.equal(meta.ContentRange, `bytes ${first}-${last}/10000`, range);
    assert.equal(meta.ContentLength, last - first + 1, range);
    assert.deepEqual(body, bytes.subarray(first, last + 1), range);
  }
  for (const [key, range] of [['ranges/obj.bin', 'bytes=10000-10010'], ['ranges/obj.bin', 'bytes=-0'], ['ranges/empty.bin', 'bytes=0-99']]) {
    const { r } = await get(key, range);
    assert.notEqual(r.code, 0, `${key} ${range} must be unsatisfiable`);
    assert.match(r.stderr, /InvalidRange/, `${key} ${range}: ${r.stderr}`);
  }
  // Not one valid byte range: ignored, the whole object with 200 (no Content-Range).
  for (const range of ['bytes=0-1,5-6', 'bytes=200-100', 'items=0-5']) {
    const { r, meta, body } = await get('ranges/obj.bin', range);
    assert.equal(r.code, 0, `${range}: ${r.stderr}`);
    assert.equal(meta.ContentRange, undefined, range);
    assert.deepEqual(body, bytes, range);
  }
});

test('ranged reads through read_range: a piece, over the end, past the end, an empty object, and piece by piece under 10% faults', async () => {
  const src = path.join(scratch, 'ranged-src.bin');
  const bytes = crypto.randomBytes(3 * 1024 * 1024 + 17);
  fs.writeFileSync(src, bytes);
  ok(await aws(s3.endpoint, ['s3', 'cp', '--only-show-errors', src, 's3://lake/ranged/big.bin']), 'aws upload');
  fs.writeFileSync(path.join(scratch, 'ranged-empty.bin'), '');
  ok(await aws(s3.endpoint, ['s3', 'cp', '--only-show-errors', path.join(scratch, 'ranged-empty.bin'), 's3://lake/ranged/empty.bin']), 'aws upload');
  const range = async (key, offset, length) => ok(await ours(['cat-range', `s3://lake/ranged/${key}`, String(offset), String(length)]), `cat-range ${key} ${offset} ${length}`).stdout;
  assert.deepEqual(await range('big.bin', 12345, 4096), bytes.subarray(12345, 12345 + 4096));
  assert.deepEqual(await range('big.bin', bytes.length - 10, 4096), bytes.subarray(bytes.length - 10));
  assert.equal((await range('big.bin', bytes.length, 4096)).length, 0);
  assert.equal((await range('big.bin', bytes.length + 5000, 10)).length, 0);
  assert.equal((await range('empty.bin', 0, 4096)).length, 0);
  // With the listing's ETag (If-Match): read while it holds; an overwritten object is an error.
  const etag = JSON.parse(ok(await aws(s3.endpoint, ['s3api', 'head-object', '--bucket', 'lake', '--key', 'ranged/big.bin', '--output', 'json']), 'head-object').stdout).ETag.replaceAll('"', '');
  ok(await ours(['cat-range', 's3://lake/ranged/big.bin', '0', '10', etag]), 'cat-range with the ETag');
  ok(await aws(s3.endpoint, ['s3', 'cp', '--only-show-errors', path.join(scratch, 'ranged-empty.bin'), 's3://lake/ranged/replaced.bin']), 'aws upload');
  const before = JSON.parse(ok(await aws(s3.endpoint, ['s3api', 'head-object', '--bucket', 'lake', '--key', 'ranged/replaced.bin', '--output', 'json']), 'head-object').stdout).ETag.replaceAll('"', '');
  fs.writeFileSync(path.join(scratch, 'ranged-other.bin'), 'other bytes');
  ok(await aws(s3.endpoint, ['s3', 'cp', '--only-show-errors', path.join(scratch, 'ranged-other.bin'), 's3://lake/ranged/replaced.bin']), 'aws upload');
  const changed = await ours(['cat-range', 's3://lake/ranged/replaced.bin', '0', '4', before]);
  assert.notEqual(changed.code, 0);
  assert.match(changed.stderr, /s3:\/\/lake\/ranged\/replaced\.bin changed while it was being read/);
  const missing = await ours(['cat-range', 's3://lake/ranged/none.bin', '0', '10']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /s3:\/\/lake\/ranged\/none\.bin does not exist/);
  await s3.setFaults({ rate: 0.1, kinds: ['500', '503', 'drop', 'truncate', 'slow'], slow_ms: 100, seed: 5 });
  await s3.resetStats();
  const whole = await ours(['cat-by-ranges', 's3://lake/ranged/big.bin', String(64 * 1024)]);
  const stats = await s3.stats();
  await s3.clearFaults();
  ok(whole, 'cat-by-ranges under faults');
  assert.ok(Object.values(stats.faults).reduce((a, b) => a + b, 0) >= 3, `too few faults: ${JSON.stringify(stats)}`);
  assert.ok(whole.stdout.equals(bytes), 'the object read piece by piece under faults differs');
});

test('listing pages through 2,500 objects and batch delete removes them in 3 requests', async () => {
  // Nested (100 folders, listed in parallel) and flat (one folder: continuation tokens).
  ok(await ours(['put-many', 's3://lake/many', '2500', '64']), 'put-many');
  ok(await ours(['put-many', 's3://lake/flat', '2500', '64', 'flat']), 'put-many flat');
  const nested = ourListing(ok(await ours(['list', 's3://lake/many/']), 'list').stdout);
  assert.equal(nested.size, 2500);
  assert.deepEqual(nested, await awsListing('lake', 'many/'));
  await s3.resetStats();
  const flat = ourListing(ok(await ours(['list', 's3://lake/flat']), 'list').stdout);
  const listed = await s3.stats();
  assert.equal(flat.size, 2500);
  assert.deepEqual(flat, await awsListing('lake', 'flat/'));
  // One plain page (truncated), then the folder again with delimiter '/': 3 pages of 1000.
  assert.equal(listed.by_kind.ListObjectsV2, 4, JSON.stringify(listed));
  await s3.resetStats();
  ok(await ours(['rm-all', 's3://lake/flat']), 'rm-all');
  const stats = await s3.stats();
  // s3rver answers some concurrent DeleteObjects with 500 (a race in its folder cleanup): those
  // are retried, so count the successful ones.
  assert.equal(stats.upstream_status.DeleteObjects['200'], 3, JSON.stringify(stats));
  assert.equal((await awsListing('lake', 'flat/')).size, 0);
  ok(await ours(['rm-all', 's3://lake/many']), 'rm-all');
  assert.equal((await awsListing('lake', 'many/')).size, 0);
  // remove_files on named keys, missing ones included, leaves the others alone.
  ok(await ours(['put-many', 's3://lake/few', '5', '10']), 'put-many');
  ok(await ours(['rm', 's3://lake/few/00/obj-000000.json', 's3://lake/few/01/obj-000001.json', 's3://lake/few/never-existed']), 'rm');
  assert.deepEqual([...(await awsListing('lake', 'few/')).keys()].sort(), ['02/obj-000002.json', '03/obj-000003.json', '04/obj-000004.json']);
});

test('a large file goes up as a multipart upload that awscli reads back whole', async () => {
  const big = path.join(scratch, 'big.bin');
  fs.writeFileSync(big, crypto.randomBytes(12 * 1024 * 1024 + 12345));
  await s3.resetStats();
  ok(await ours(['put', big, 's3://lake/big/part-00000.snappy.parquet'], ['--multipart-threshold', String(5 << 20), '--part-size', String(5 << 20)]), 'put');
  const stats = await s3.stats();
  assert.equal(stats.by_kind.CreateMultipartUpload, 1);
  assert.equal(stats.by_kind.UploadPart, 3);
  assert.equal(stats.by_kind.CompleteMultipartUpload, 1);
  const down = path.join(scratch, 'big-down.bin');
  ok(await aws(s3.endpoint, ['s3', 'cp', '--only-show-errors', 's3://lake/big/part-00000.snappy.parquet', down]), 'aws get');
  assert.ok(fs.readFileSync(down).equals(fs.readFileSync(big)));
});

test('a multipart upload that keeps failing is aborted and leaves no object', async () => {
  const big = path.join(scratch, 'big2.bin');
  fs.writeFileSync(big, crypto.randomBytes(11 << 20));
  await s3.resetStats();
  await s3.setFaults({ rate: 1, kinds: ['500'], match: 'partNumber=2&' });
  const r = await ours(['put', big, 's3://lake/big/doomed.parquet'], ['--multipart-threshold', String(5 << 20), '--part-size', String(5 << 20), '--max-attempts', '3']);
  await s3.clearFaults();
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /InternalError/);
  assert.match(r.stderr, /3 attempts/);
  const stats = await s3.stats();
  assert.equal(stats.aborts, 1, JSON.stringify(stats));
  assert.equal((await awsListing('lake', 'big/doomed')).size, 0);
});

test('wrong credentials, a missing bucket and an unreachable endpoint each give one clear sentence', async () => {
  const badSecret = await ours(['list', 's3://lake/udacity'], ['--secret-key', 'not-the-secret-value']);
  assert.notEqual(badSecret.code, 0);
  assert.match(badSecret.stderr, /SignatureDoesNotMatch/);
  assert.doesNotMatch(badSecret.stderr, /not-the-secret-value/);
  assert.doesNotMatch(badSecret.stderr, new RegExp(SECRET_KEY));

  const badKey = await ours(['cat', 's3://lake/udacity/x'], ['--access-key', 'AKIAUNKNOWN000000000']);
  assert.notEqual(badKey.code, 0);
  assert.match(badKey.stderr, /InvalidAccessKeyId/);

  const noBucket = await ours(['list', 's3://no-such-bucket/x']);
  assert.notEqual(noBucket.code, 0);
  assert.match(noBucket.stderr, /bucket 'no-such-bucket' does not exist/);

  const noKey = await ours(['cat', 's3://lake/udacity/missing.json']);
  assert.notEqual(noKey.code, 0);
  assert.match(noKey.stderr, /s3:\/\/lake\/udacity\/missing.json does not exist/);

  // A port nobody listens on (bound and closed again) stands for an unreachable endpoint.
  const net = await import('node:net');
  const port = await new Promise((resolve) => { const srv = net.createServer(); srv.listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)); }); });
  const down = await run(tool, ['--endpoint', `http://127.0.0.1:${port}`, '--access-key', ACCESS_KEY, '--secret-key', SECRET_KEY, '--max-attempts', '3', 'list', 's3://lake/x']);
  assert.notEqual(down.code, 0);
  assert.match(down.stderr, /cannot reach the S3 endpoint http:\/\/127\.0\.0\.1:\d+ .*gave up after 3 attempts/);
  assert.equal(down.stderr.trim().split('\n').length, 1);
});

test('at a 10% fault rate (500, 503 SlowDown, drops, truncations, slow replies) every write and read succeeds intact', async () => {
  await s3.setFaults({ rate: 0.1, kinds: ['500', '503', 'drop', 'truncate', 'slow'], slow_ms: 300, seed: 7 });
  await s3.resetStats();
  const put = await ours(['put-many', 's3://lake/faulty', '1500', '300']);
  const down = path.join(scratch, 'faulty-ours');
  const get = await ours(['get-tree', 's3://lake/faulty', down]);
  const stats = await s3.stats();
  await s3.clearFaults();
  ok(put, 'put-many under faults');
  ok(get, 'get-tree under faults');
  for (const kind of ['500', '503', 'drop', 'truncate', 'slow']) assert.ok(stats.faults[kind] > 0, `no ${kind} faults were injected: ${JSON.stringify(stats)}`);
  const check = path.join(scratch, 'faulty-aws');
  ok(await aws(s3.endpoint, ['s3', 'cp', '--recursive', '--only-show-errors', 's3://lake/faulty/', check]), 'aws s3 cp');
  const theirs = digestTree(check);
  assert.equal(theirs.size, 1500);
  assert.deepEqual(digestTree(down), theirs);
  for (const [rel] of theirs) {
    const n = Number(/obj-(\d+)/.exec(rel)[1]);
    assert.match(fs.readFileSync(path.join(check, rel), 'utf8'), new RegExp(`^\\{"object": ${n}, `));
  }
});

test('at a 100% fault rate the tool gives up within its retry budget with a clear message', async () => {
  await s3.setFaults({ rate: 1, kinds: ['503'] });
  const r = await ours(['put-many', 's3://lake/never', '20', '10'], ['--max-attempts', '5', '--budget-ms', '20000']);
  await s3.clearFaults();
  assert.notEqual(r.code, 0);
  // The attempt budget is what ended it (the time budget, 20 s, is far from reached).
  assert.match(r.stderr, /gave up after 5 attempts, the last answered 503 SlowDown/);
  assert.equal((await awsListing('lake', 'never/')).size, 0);
});

const haveOpenssl = ['/usr/bin/openssl', '/bin/openssl'].some((p) => fs.existsSync(p));
test('TLS certificates are verified by default; --no-verify-tls accepts a self-signed one', { skip: !haveOpenssl && 'no openssl command to make a certificate (scripts/setup.sh installs it)' }, async () => {
  const dir = path.join(scratch, 'tls');
  fs.mkdirSync(dir);
  const cert = path.join(dir, 'cert.pem'), key = path.join(dir, 'key.pem');
  const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', key, '-out', cert]);
  assert.equal(made.code, 0, `openssl: ${made.stderr}`);
  const secure = await startLoopbackS3({ buckets: ['lake'], tls: { cert, key } });
  try {
    assert.match(secure.endpoint, /^https:/);
    const args = ['--endpoint', secure.endpoint, '--access-key', ACCESS_KEY, '--secret-key', SECRET_KEY];
    const refused = await run(tool, [...args, 'put-many', 's3://lake/tls', '3', '10']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /TLS verification failed for the S3 endpoint https:\/\/127\.0\.0\.1:\d+/);
    ok(await run(tool, [...args, '--no-verify-tls', 'put-many', 's3://lake/tls', '3', '10']), 'put-many without verification');
    const listed = ok(await run(tool, [...args, '--no-verify-tls', 'list', 's3://lake/tls']), 'list');
    assert.equal(ourListing(listed.stdout).size, 3);
  } finally {
    await secure.stop();
  }
});
