// A loopback S3 for tests and benchmarks: s3rver (an S3 look-alike that stores objects in a
// folder and checks no signatures) behind a proxy that verifies every request's SigV4 signature
// with an independent signer (@smithy/signature-v4) and can inject faults at a set rate: 500
// InternalError, 503 SlowDown, dropped connections, truncated bodies and slow responses.
// Listings, multipart bookkeeping and ranged GETs, which s3rver lacks or gets wrong, are answered
// from its folder as S3 answers them (loopback_s3_store.mjs).
//
// Run as its own process (s3rver's continuation tokens need --openssl-legacy-provider):
//   node --openssl-legacy-provider loopback_s3_server.mjs --dir D --access-key K --secret-key S
//        [--session-token T] [--bucket NAME ...] [--workers N] [--cache-gets]
//        [--tls-cert PEM --tls-key PEM]
// It prints one JSON line {"endpoint": "http://127.0.0.1:PORT", ...} once it listens, and stops
// when its standard input closes or it gets SIGTERM. Control endpoints (not S3):
//   POST /__loopback/faults {"rate":0.1,"kinds":["500","503","drop","truncate","slow"],
//                            "slow_ms":200,"match":"regex on METHOD URL","seed":1}
//   POST /__loopback/options {"s3rver_listings":true}  (ListObjectsV2 as s3rver answers it)
//   POST /__loopback/hold {"match":"regex on METHOD URL","after":N}  (the requests that match
//        after the first N are held unanswered, counted in stats.held, until the next hold
//        control, which drops them: a client stopped at a known point)
//   GET  /__loopback/stats   POST /__loopback/reset-stats
import cluster from 'node:cluster';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import crypto from 'node:crypto';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { LoopbackStore } from './loopback_s3_store.mjs';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');

function parseArgs(argv) {
  const args = { buckets: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--dir') args.dir = next();
    else if (a === '--access-key') args.accessKey = next();
    else if (a === '--secret-key') args.secretKey = next();
    else if (a === '--session-token') args.sessionToken = next();
    else if (a === '--bucket') args.buckets.push(next());
    else if (a === '--workers') args.workers = Number(next());
    else if (a === '--tls-cert') args.tlsCert = next();
    else if (a === '--tls-key') args.tlsKey = next();
    else if (a === '--cache-gets') args.cacheGets = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.cacheGets && args.workers > 1) throw new Error('--cache-gets needs a single process (one cache to invalidate)');
  if (!args.dir || !args.accessKey || !args.secretKey) {
    throw new Error('--dir, --access-key and --secret-key are required');
  }
  return args;
}

// Deterministic fault decisions for a given seed (mulberry32).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function xmlError(code, message) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

function sendError(res, status, code, message) {
  const body = xmlError(code, message);
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function parseAuthorization(value) {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(value || '');
  if (!m) return null;
  return { accessKey: m[1], date: m[2], region: m[3], service: m[4], signedHeaders: m[5].split(';'), signature: m[6] };
}

function parseQuery(raw) {
  const query = {};
  if (!raw) return query;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    if (name in query) query[name] = [].concat(query[name], value);
    else query[name] = value;
  }
  return query;
}

function amzDateToDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || '');
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

// One signer per scope, so the signer's cache of derived signing keys is reused.
const signers = new Map();
function signerFor(args, region, service) {
  const key = `${region}/${service}`;
  let signer = signers.get(key);
  if (!signer) {
    signer = new SignatureV4({
      credentials: { accessKeyId: args.accessKey, secretAccessKey: args.secretKey },
      region,
      service,
      sha256: Sha256,
      uriEscapePath: false,  // S3 signs the path as sent
      applyChecksum: false,
    });
    signers.set(key, signer);
  }
  return signer;
}

async function verify(req, body, args) {
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth) return [403, 'AccessDenied', 'Anonymous or malformed requests are refused by the loopback server.'];
  if (auth.accessKey !== args.accessKey) {
    return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
  }
  if (args.sessionToken && req.headers['x-amz-security-token'] !== args.sessionToken) {
    return [403, 'InvalidToken', 'The provided token is malformed or otherwise invalid.'];
  }
  const signingDate = amzDateToDate(req.headers['x-amz-date']);
  if (!signingDate) return [403, 'AccessDenied', 'Missing or malformed x-amz-date.'];
  const headers = {};
  for (const name of auth.signedHeaders) {
    if (req.headers[name] === undefined) return [403, 'SignatureDoesNotMatch', `Signed header ${name} is missing.`];
    headers[name] = String(req.headers[name]);
  }
  const claimed = req.headers['x-amz-content-sha256'];
  if (claimed && claimed !== 'UNSIGNED-PAYLOAD' && !claimed.startsWith('STREAMING-')) {
    const actual = crypto.createHash('sha256').update(body).digest('hex');
    if (actual !== claimed) return [400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.'];
  }
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const signer = signerFor(args, auth.region, auth.service);
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: '127.0.0.1', path, query: parseQuery(q < 0 ? '' : req.url.slice(q + 1)), headers, body },
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization)[1];
  const a = Buffer.from(expected), b = Buffer.from(auth.signature);
  if (!crypto.timingSafeEqual(a, b)) {
    return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'];
  }
  return null;
}

async function startS3rver(args) {
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: args.dir,
    vhostBuckets: false,
    configureBuckets: args.buckets.map((name) => ({ name, configs: [] })),
  });
  const address = await s3rver.run();
  return { port: address.port, handler: s3rver.callback(), close: () => s3rver.close() };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.workers > 1 && cluster.isPrimary) return runPrimary(args);
  // s3rver runs inside this process; the proxy hands it verified requests directly.
  const upstreams = [await startS3rver(args)];
  const store = new LoopbackStore(args.dir);
  let faults = { rate: 0, kinds: [], slow_ms: 200, match: null };
  let random = rng(1);
  const newStats = () => ({ requests: 0, ranged_gets: 0, forwarded: 0, refused: {}, faults: {}, aborts: 0, held: 0, by_kind: {}, upstream_status: {} });
  let stats = newStats();
  let hold = { match: null, after: 0, seen: 0, sockets: [] };
  const getCache = new Map();
  let cacheGeneration = 0;
  const bump = (obj, key) => { obj[key] = (obj[key] || 0) + 1; };

  const onRequest = (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => handle(req, res, Buffer.concat(chunks)).catch((err) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', `loopback proxy: ${err.message}`);
      else res.destroy();
    }));
  };
  // With --tls-cert/--tls-key the proxy speaks HTTPS (tests of certificate verification).
  const server = args.tlsCert
    ? https.createServer({ cert: fs.readFileSync(args.tlsCert), key: fs.readFileSync(args.tlsKey) }, onRequest)
    : http.createServer(onRequest);
  server.keepAliveTimeout = 30000;

  async function handle(req, res, body) {
    if (req.url.startsWith('/__loopback/')) {
      if (req.url === '/__loopback/faults' && req.method === 'POST') {
        const f = JSON.parse(body.toString() || '{}');
        faults = { rate: f.rate || 0, kinds: f.kinds || ['500', '503', 'drop', 'truncate', 'slow'], slow_ms: f.slow_ms ?? 200, match: f.match ? new RegExp(f.match) : null };
        random = rng(f.seed ?? 1);
        res.end('{}');
      } else if (req.url === '/__loopback/options' && req.method === 'POST') {
        const o = JSON.parse(body.toString() || '{}');
        store.s3rverListings = Boolean(o.s3rver_listings);
        res.end('{}');
      } else if (req.url === '/__loopback/hold' && req.method === 'POST') {
        const h = JSON.parse(body.toString() || '{}');
        for (const socket of hold.sockets) socket.destroy();
        hold = { match: h.match ? new RegExp(h.match) : null, after: h.after ?? 0, seen: 0, sockets: [] };
        res.end('{}');
      } else if (req.url === '/__loopback/stats') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(stats));
      } else if (req.url === '/__loopback/reset-stats' && req.method === 'POST') {
        stats = newStats();
        res.end('{}');
      } else {
        res.statusCode = 404;
        res.end();
      }
      return;
    }
    stats.requests++;
    const kind = classify(req);
    bump(stats.by_kind, kind);
    if (hold.match && hold.match.test(`${req.method} ${req.url}`) && ++hold.seen > hold.after) {
      stats.held++;
      hold.sockets.push(req.socket);
      return;  // unanswered until the next hold control drops it
    }
    if (req.method === 'GET' && req.headers.range !== undefined) stats.ranged_gets++;

    const refused = await verify(req, body, args);
    if (refused) {
      bump(stats.refused, refused[1]);
      sendError(res, ...refused);
      return;
    }

    let fault = null;
    const eligible = faults.rate > 0 && faults.kinds.length > 0 &&
      (!faults.match || faults.match.test(`${req.method} ${req.url}`));
    if (eligible && random() < faults.rate) {
      fault = faults.kinds[Math.floor(random() * faults.kinds.length)];
      if (fault === 'truncate' && req.method !== 'GET') fault = 'drop';
      bump(stats.faults, fault);
    }
    if (fault === '500') return sendError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
    if (fault === '503') return sendError(res, 503, 'SlowDown', 'Please reduce your request rate.');
    if (fault === 'drop') { req.socket.destroy(); return; }
    if (fault === 'slow') await new Promise((r) => setTimeout(r, faults.slow_ms));

    if (req.method === 'DELETE' && /[?&]uploadId=/.test(req.url)) stats.aborts++;

    // --cache-gets (benchmarks): GETs (objects and listings, not ranges) are answered from
    // memory after the first, so the server stops being the bottleneck and the clients are what
    // is measured. A listing's continuation tokens come back the same from the cache, so a
    // client repeating a listing repeats the same requests. Every
    // request passes through here, so any write or delete simply empties the cache; the
    // generation counter keeps a GET that raced with a write from caching what it read.
    let cacheKey = null;
    if (args.cacheGets) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        getCache.clear();
        cacheGeneration++;
      } else if (req.method === 'GET' && !req.headers.range && fault !== 'truncate') {
        const hit = getCache.get(req.url);
        if (hit) {
          stats.cache_hits = (stats.cache_hits || 0) + 1;
          res.writeHead(200, hit.headers);
          res.end(hit.body);
          return;
        }
        cacheKey = req.url;
      }
    }

    stats.forwarded++;
    const headers = { ...req.headers };
    delete headers.authorization;  // s3rver would try (and fail) to check V4 signatures itself
    delete headers['x-amz-security-token'];
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
    // s3rver itself sometimes fails (e.g. 500 when concurrent deletes race to remove the same
    // empty folder); counting its answers per kind lets tests tell those from injected faults.
    const countUpstream = (status) => bump((stats.upstream_status[kind] ??= {}), status);
    const generation = cacheGeneration;
    if (cacheKey) captureForCache(res, cacheKey, generation);
    await serveInProcess(req, res, body, headers, fault, countUpstream);
    if (args.cacheGets && req.method !== 'GET' && req.method !== 'HEAD') {
      getCache.clear();
      cacheGeneration++;
    }
  }

  function captureForCache(res, key, generation) {
    const parts = [];
    const write = res.write, end = res.end;
    res.write = function (chunk, encoding, cb) {
      if (chunk && typeof chunk !== 'function') parts.push(Buffer.from(chunk, typeof encoding === 'string' ? encoding : undefined));
      return write.call(this, chunk, encoding, cb);
    };
    res.end = function (chunk, encoding, cb) {
      if (chunk && typeof chunk !== 'function') parts.push(Buffer.from(chunk, typeof encoding === 'string' ? encoding : undefined));
      return end.call(this, chunk, encoding, cb);
    };
    res.on('finish', () => {
      const bodyBytes = Buffer.concat(parts);
      if (res.statusCode === 200 && generation === cacheGeneration && bodyBytes.length <= (1 << 20)) {
        getCache.set(key, { headers: res.getHeaders(), body: bodyBytes });
      }
    });
  }

  // Hands the (already verified and buffered) request straight to s3rver's handler in this
  // process: no second HTTP hop, which roughly halves the server's cost per small GET.
  function serveInProcess(req, res, body, headers, fault, countUpstream) {
    const inner = new PassThrough();
    Object.assign(inner, {
      headers, rawHeaders: [], method: req.method, url: req.url, httpVersion: req.httpVersion,
      httpVersionMajor: req.httpVersionMajor, httpVersionMinor: req.httpVersionMinor,
      socket: req.socket, connection: req.socket, complete: true,
    });
    inner.end(body);
    return new Promise((resolve) => {
      res.on('finish', () => { countUpstream(res.statusCode); resolve(); });
      res.on('close', resolve);
      if (fault === 'truncate') {
        // Keep the headers, send half the body, then cut the connection.
        const parts = [];
        res.write = (chunk, encoding, cb) => { parts.push(Buffer.from(chunk, encoding)); if (typeof cb === 'function') cb(); return true; };
        const realWrite = http.ServerResponse.prototype.write.bind(res);
        res.end = (chunk, encoding, cb) => {
          if (chunk && typeof chunk !== 'function') parts.push(Buffer.from(chunk, typeof encoding === 'string' ? encoding : undefined));
          const all = Buffer.concat(parts);
          countUpstream(res.statusCode);
          if (!res.headersSent) res.setHeader('content-length', String(all.length));
          realWrite(all.subarray(0, Math.floor(all.length / 2)));
          setImmediate(() => { res.destroy(); resolve(); });
          return res;
        };
      }
      // What s3rver lacks or gets wrong (listings, multipart bookkeeping) the store answers.
      (store.route(req.method, req.url, body, headers) ?? upstreams[0].handler)(inner, res);
    });
  }

  function classify(req) {
    const q = req.url.indexOf('?');
    const query = q < 0 ? '' : req.url.slice(q + 1);
    if (req.method === 'POST' && /(^|&)delete(=|&|$)/.test(query)) return 'DeleteObjects';
    if (req.method === 'POST' && /(^|&)uploads(=|&|$)/.test(query)) return 'CreateMultipartUpload';
    if (req.method === 'POST' && /uploadId=/.test(query)) return 'CompleteMultipartUpload';
    if (req.method === 'PUT' && /partNumber=/.test(query)) return 'UploadPart';
    if (req.method === 'DELETE' && /uploadId=/.test(query)) return 'AbortMultipartUpload';
    if (req.method === 'GET' && /list-type=2/.test(query)) return 'ListObjectsV2';
    if (req.method === 'GET' && /(^|&)uploads(=|&|$)/.test(query)) return 'ListMultipartUploads';
    return `${req.method}`;
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const hello = { endpoint: `${args.tlsCert ? 'https' : 'http'}://127.0.0.1:${port}`, port, upstream_port: upstreams[0].port };
  if (cluster.isWorker) {
    process.send(hello);
    process.on('disconnect', () => process.exit(0));
    return;
  }
  process.stdout.write(JSON.stringify(hello) + '\n');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections?.();
    for (const u of upstreams) await u.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

// With --workers N (benchmarks only), N processes each run the proxy and an s3rver on one shared
// folder and share the listening port, so the server is less of a bottleneck on a multi-core
// machine. Fault settings and statistics are then per worker, so tests use one process.
async function runPrimary(args) {
  const argv = process.argv.slice(2);
  const withoutBuckets = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--bucket') i++;
    else withoutBuckets.push(argv[i]);
  }
  const fork = (extra) => {
    cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), args: extra, execArgv: process.execArgv });
    const worker = cluster.fork();
    return new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
    });
  };
  // The first worker creates the buckets; the others find them in the shared folder.
  const first = await fork(argv);
  // Cluster workers that listen on port 0 in the same order share the same ports.
  for (let i = 1; i < args.workers; i++) {
    const hello = await fork(withoutBuckets);
    if (hello.port !== first.port) throw new Error('cluster workers did not share the port');
  }
  process.stdout.write(JSON.stringify({ ...first, workers: args.workers }) + '\n');
  const stop = () => {
    for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(`loopback S3: ${err.stack || err}\n`);
  process.exit(1);
});
