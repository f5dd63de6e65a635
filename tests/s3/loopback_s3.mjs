// Starts and stops the loopback S3 (loopback_s3_server.mjs) for a test or a benchmark, and wraps
// the independent client used to check results: Debian's awscli at /usr/bin/aws.
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const AWS_CLI = '/usr/bin/aws';

/// Test credentials for the loopback server only (they open nothing anywhere else).
export const ACCESS_KEY = 'AKIALOOPBACKTEST0001';
export const SECRET_KEY = 'loopback/secret/key/for/tests/only/0000';

export function tempDir(prefix) {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return fs.mkdtempSync(path.join(base, prefix));
}

export async function startLoopbackS3({ buckets = ['lake'], dir, workers = 1, cacheGets = false, tls = null } = {}) {
  const root = dir ?? tempDir('sparkify-s3-');
  const child = spawn(process.execPath, ['--openssl-legacy-provider', path.join(here, 'loopback_s3_server.mjs'),
    '--dir', root, '--access-key', ACCESS_KEY, '--secret-key', SECRET_KEY,
    ...buckets.flatMap((b) => ['--bucket', b]), ...(workers > 1 ? ['--workers', String(workers)] : []), ...(cacheGets ? ['--cache-gets'] : []),
    ...(tls ? ['--tls-cert', tls.cert, '--tls-key', tls.key] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  const info = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => {
      if (!dir) fs.rmSync(root, { recursive: true, force: true });
      reject(new Error(`loopback S3 exited early with code ${code}`));
    });
  });
  const control = async (what, body) => {
    if (tls) throw new Error('the control endpoints are not available over TLS');
    const res = await fetch(`${info.endpoint}/__loopback/${what}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    return res.json();
  };
  return {
    endpoint: info.endpoint,
    pid: child.pid,
    dir: root,
    setFaults: (f) => control('faults', f),
    clearFaults: () => control('faults', { rate: 0 }),
    /// {s3rver_listings: true} hands ListObjectsV2 to s3rver itself (whose delimiter listings
    /// of nested keys come back empty), to test clients against a weaker server.
    setOptions: (o) => control('options', o),
    /// Holds the requests matching `match` (a regex on "METHOD URL") after the first `after`
    /// unanswered (counted in stats().held) until the next hold: `hold()` drops them.
    hold: (match = null, after = 0) => control('hold', { match, after }),
    stats: () => control('stats'),
    resetStats: () => control('reset-stats', {}),
    /// Synchronous stop for process 'exit' handlers.
    killNow() {
      if (child.exitCode === null) child.kill('SIGTERM');
      fs.rmSync(root, { recursive: true, force: true });
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.stdin.end();
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/// Runs a command; resolves {code, stdout, stderr, seconds} (never rejects on a non-zero exit).
export function run(file, args, { env = {}, timeoutMs = 300000 } = {}) {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 28, timeout: timeoutMs, encoding: 'buffer' },
      (err, stdout, stderr) => {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr: stderr.toString(), seconds });
      });
  });
}

/// The environment that points awscli (and our tool) at the loopback server and nothing else.
export function awsEnv(endpoint) {
  return {
    AWS_ACCESS_KEY_ID: ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_ENDPOINT_URL: endpoint,
  };
}

export function aws(endpoint, args, opts = {}) {
  return run(AWS_CLI, ['--endpoint-url', endpoint, '--no-cli-pager', ...args], { ...opts, env: { ...awsEnv(endpoint), ...(opts.env || {}) } });
}

export function awsAvailable() {
  return fs.existsSync(AWS_CLI);
}
