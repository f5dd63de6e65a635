// Benchmark (not a test): GET many small objects from the loopback S3, sparkify's S3 FileSystem
// (read_many, through sparkify_s3_tool get-tree) against `aws s3 cp --recursive` of the same
// prefix (Debian's awscli), in one run on the same server. Both write every object to a folder
// under /dev/shm and both are checked to have fetched every object.
//
// Two server modes, both run by default:
//   s3rver  every GET is served by s3rver (a single-threaded Node server): on a small machine
//           the server, not the client, sets the pace.
//   cached  the loopback proxy answers repeat GETs (objects and listings) from memory, after an
//           unmeasured warm-up pass by each client, so the clients are what is measured.
//           Signatures are still verified on every request.
//
//   node bench/s3/get_small_objects.mjs [--objects 15000] [--size 300] [--tool PATH]
//        [--connections 64] [--aws-concurrency N] [--mode s3rver|cached|both]
//        [--server-workers N]   (s3rver mode: N server processes sharing one folder)
//   (--aws-concurrency sets awscli's max_concurrent_requests; default: awscli's own, 10)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoopbackS3, run, awsEnv, awsAvailable, tempDir, ACCESS_KEY, SECRET_KEY, AWS_CLI } from '../../tests/s3/loopback_s3.mjs';
import { exitOnHelp } from '../lib/usage.mjs';

exitOnHelp(import.meta.url);

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = { objects: 15000, size: 300, connections: 64, awsConcurrency: null, mode: 'both', workers: 1,
  tool: path.join(process.env.SPARKIFY_BUILD_DIR ?? path.join(here, '../../build'), 'tests/s3/sparkify_s3_tool') };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i], v = process.argv[++i];
  if (a === '--objects') opts.objects = Number(v);
  else if (a === '--size') opts.size = Number(v);
  else if (a === '--tool') opts.tool = v;
  else if (a === '--connections') opts.connections = Number(v);
  else if (a === '--aws-concurrency') opts.awsConcurrency = Number(v);
  else if (a === '--mode') opts.mode = v;
  else if (a === '--server-workers') opts.workers = Number(v);
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}
if (!awsAvailable()) { console.error(`${AWS_CLI} is missing: install Debian's awscli (scripts/setup.sh)`); process.exit(1); }
if (!fs.existsSync(opts.tool)) { console.error(`build sparkify_s3_tool first (looked for ${opts.tool})`); process.exit(1); }

// CPU seconds (user + system) of a client, from /usr/bin/time when it is installed: the figure a
// loaded, shared machine disturbs least.
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
async function timed(runner, file, args, runOpts) {
  if (!TIME) return { ...(await runner(file, args, runOpts)), cpu: null };
  const r = await runner(TIME, ['-f', 'cpu=%U+%S', file, ...args], runOpts);
  const m = /cpu=([\d.]+)\+([\d.]+)\s*$/.exec(r.stderr);
  return { ...r, cpu: m ? Number(m[1]) + Number(m[2]) : null };
}

function countFiles(dir) {
  let n = 0;
  const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : n++; };
  walk(dir);
  return n;
}

async function measure(mode) {
  // Several server processes (s3rver mode only: each would hold its own cache).
  const s3 = await startLoopbackS3({ buckets: ['bench'], cacheGets: mode === 'cached', workers: mode === 'cached' ? 1 : opts.workers });
  const scratch = tempDir('sparkify-s3-bench-');
  const creds = ['--endpoint', s3.endpoint, '--access-key', ACCESS_KEY, '--secret-key', SECRET_KEY, '--connections', String(opts.connections)];
  try {
    const setup = await run(opts.tool, [...creds, 'put-many', 's3://bench/small', String(opts.objects), String(opts.size)]);
    if (setup.code !== 0) throw new Error(`upload failed: ${setup.stderr}`);
    console.log(`[${mode}] setup: uploaded ${opts.objects} objects of ${opts.size} B with sparkify's batch writer in ` +
      `${setup.seconds.toFixed(2)} s (${(opts.objects / setup.seconds).toFixed(0)} objects/s)`);
    const cfg = path.join(scratch, 'aws-config');
    fs.writeFileSync(cfg, opts.awsConcurrency ? `[default]\ns3 =\n  max_concurrent_requests = ${opts.awsConcurrency}\n` : '[default]\n');
    const awsEnvironment = { ...awsEnv(s3.endpoint), AWS_CONFIG_FILE: cfg };
    const awsCopy = (dir) => ['--endpoint-url', s3.endpoint, '--no-cli-pager', 's3', 'cp', '--recursive', '--only-show-errors', 's3://bench/small/', dir];
    if (mode === 'cached') {
      const warm = await run(opts.tool, [...creds, 'get-tree', 's3://bench/small', '-']);
      if (warm.code !== 0) throw new Error(`warm-up failed: ${warm.stderr}`);
      const warmAws = await run(AWS_CLI, awsCopy(path.join(scratch, 'aws-warm-up')), { env: awsEnvironment, timeoutMs: 1800000 });
      if (warmAws.code !== 0) throw new Error(`aws warm-up failed: ${warmAws.stderr}`);
      fs.rmSync(path.join(scratch, 'aws-warm-up'), { recursive: true, force: true });
    }

    const oursDir = path.join(scratch, 'ours');
    const ours = await timed(run, opts.tool, [...creds, 'get-tree', 's3://bench/small', oursDir]);
    if (ours.code !== 0) throw new Error(`sparkify get-tree failed: ${ours.stderr}`);
    const oursCount = countFiles(oursDir);

    const awsDir = path.join(scratch, 'aws');
    const theirs = await timed(run, AWS_CLI, awsCopy(awsDir), { env: awsEnvironment, timeoutMs: 1800000 });
    if (theirs.code !== 0) throw new Error(`aws s3 cp failed: ${theirs.stderr}`);
    const awsCount = countFiles(awsDir);
    if (oursCount !== opts.objects || awsCount !== opts.objects) {
      throw new Error(`incomplete download: sparkify ${oursCount}, aws ${awsCount}, expected ${opts.objects}`);
    }
    const stats = await s3.stats();
    const oursRate = opts.objects / ours.seconds, awsRate = opts.objects / theirs.seconds;
    const result = {
      mode, objects: opts.objects, object_bytes: opts.size,
      sparkify: { connections: opts.connections, seconds: +ours.seconds.toFixed(3), objects_per_s: +oursRate.toFixed(0), cpu_seconds: ours.cpu },
      aws_cli: { max_concurrent_requests: opts.awsConcurrency ?? 'default (10)', seconds: +theirs.seconds.toFixed(3), objects_per_s: +awsRate.toFixed(0), cpu_seconds: theirs.cpu },
      speedup: +(oursRate / awsRate).toFixed(2),
      cpu_ratio: ours.cpu && theirs.cpu ? +(theirs.cpu / ours.cpu).toFixed(1) : null,
      server_requests: stats.requests, cache_hits: stats.cache_hits ?? 0,
    };
    const cpu = (c) => (c === null ? '' : `, ${c.toFixed(2)} CPU s`);
    console.log(`[${mode}] sparkify read_many (${opts.connections} connections): ${ours.seconds.toFixed(2)} s, ${oursRate.toFixed(0)} objects/s${cpu(ours.cpu)}`);
    console.log(`[${mode}] aws s3 cp --recursive (max_concurrent_requests ${result.aws_cli.max_concurrent_requests}): ${theirs.seconds.toFixed(2)} s, ${awsRate.toFixed(0)} objects/s${cpu(theirs.cpu)}`);
    console.log(`[${mode}] speedup: ${result.speedup}x in objects/s` + (result.cpu_ratio ? `; awscli used ${result.cpu_ratio}x the CPU time` : ''));
    return result;
  } finally {
    await s3.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const awsVersion = (await run(AWS_CLI, ['--version'])).stdout.toString().trim();
console.log(`${opts.objects} objects of ${opts.size} B; ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${awsVersion}`);
const results = [];
for (const mode of opts.mode === 'both' ? ['s3rver', 'cached'] : [opts.mode]) results.push(await measure(mode));
console.log(JSON.stringify({ aws_cli_version: awsVersion, cores: os.cpus().length, results }));
