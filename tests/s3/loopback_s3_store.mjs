// The S3 requests the loopback proxy answers itself from s3rver's folder, because s3rver 3.7.1
// gets them wrong or lacks them: ListObjectsV2 (s3rver does not walk beneath a common prefix, so
// a `delimiter` listing of nested keys returns nothing), ListMultipartUploads and
// AbortMultipartUpload (not implemented), NoSuchUpload / InvalidPart / EntityTooSmall for
// UploadPart and CompleteMultipartUpload (s3rver answers 500 or accepts), and GetObject with a
// Range header (s3rver misreads some ranges; see getRange). Each answer follows the
// S3 API reference: keys in UTF-8 byte order, CommonPrefixes counted against max-keys, opaque
// continuation tokens, StartAfter, KeyCount, IsTruncated, encoding-type=url.
//
// s3rver's layout: object KEY of BUCKET is DIR/BUCKET/KEY._S3rver_object (+ .md5 beside it);
// pending upload ID is DIR/BUCKET/._S3rver_uploads/ID/{key,metadata,1,1.md5,2,...}.
import fs from 'node:fs';
import path from 'node:path';

const OBJECT_SUFFIX = '._S3rver_object';
const UPLOADS = '._S3rver_uploads';
const MIN_PART = 5 * 1024 * 1024;

function xmlText(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[c]));
}

function xmlError(code, message, extra = '') {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlText(message)}</Message>${extra}</Error>`;
}

function reply(res, status, body, type = 'application/xml') {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// S3 orders keys by their UTF-8 bytes.
const byteOrder = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function parseQuery(raw) {
  const query = {};
  for (const part of (raw || '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    query[decodeURIComponent(eq < 0 ? part : part.slice(0, eq))] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, '%20'));
  }
  return query;
}

export class LoopbackStore {
  constructor(dir) {
    this.dir = dir;
    this.s3rverListings = false;
    this.partSizes = new Map();  // "uploadId/partNumber" -> bytes  // true: leave ListObjectsV2 to s3rver (tests of weak servers)
  }

  /// A handler (req, res) for this request when the store answers it, else null (s3rver does).
  route(method, url, body, headers = {}) {
    const q = url.indexOf('?');
    const pathname = decodeURIComponent(q < 0 ? url : url.slice(0, q));
    const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
    const slash = pathname.indexOf('/', 1);
    const bucket = slash < 0 ? pathname.slice(1) : pathname.slice(1, slash);
    const key = slash < 0 ? '' : pathname.slice(slash + 1);
    if (!bucket) return null;
    if (method === 'GET' && !key && query['list-type'] === '2' && !this.s3rverListings) return (req, res) => this.listObjectsV2(res, bucket, query);
    if ((method === 'GET' || method === 'HEAD') && key && headers.range !== undefined && Object.keys(query).length === 0) {
      const bucketDir = this.bucketDir(bucket);
      const info = bucketDir && this.objectInfo(bucketDir, key);
      if (info) return (req, res) => this.getRange(res, method, path.join(bucketDir, key + OBJECT_SUFFIX), info, String(headers.range), headers['if-match']);
    }
    if (method === 'GET' && !key && 'uploads' in query) return (req, res) => this.listMultipartUploads(res, bucket, query);
    if (key && 'uploadId' in query) {
      const upload = this.upload(bucket, query.uploadId);
      if (!upload || upload.key !== key) {
        return (req, res) => reply(res, 404, xmlError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', `<UploadId>${xmlText(query.uploadId)}</UploadId>`));
      }
      if (method === 'DELETE') return (req, res) => { fs.rmSync(upload.dir, { recursive: true, force: true }); res.writeHead(204); res.end(); };
      // s3rver answers UploadPart before its file is flushed, so part sizes are noted here.
      if (method === 'PUT' && 'partNumber' in query) this.partSizes.set(`${query.uploadId}/${query.partNumber}`, body.length);
      if (method === 'POST') {
        const problem = this.checkParts(upload, body.toString());
        if (problem) return (req, res) => reply(res, 400, xmlError(...problem));
      }
    }
    return null;
  }

  bucketDir(bucket) {
    const dir = path.join(this.dir, bucket);
    return fs.existsSync(dir) ? dir : null;
  }

  upload(bucket, id) {
    if (!/^[0-9a-f]+$/.test(id)) return null;
    const dir = path.join(this.dir, bucket, UPLOADS, id);
    try {
      return { id, dir, key: fs.readFileSync(path.join(dir, 'key'), 'utf8'), initiated: fs.statSync(dir).mtime };
    } catch {
      return null;
    }
  }

  // CompleteMultipartUpload's checks, as S3 makes them: every named part exists with that ETag,
  // in ascending order, and every part but the last is at least 5 MiB.
  checkParts(upload, xml) {
    // A Part's elements come in any order (awscli writes ETag before PartNumber).
    const parts = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
      number: Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1])?.[1] ?? NaN),
      etag: (/<ETag>([^<]*)<\/ETag>/.exec(m[1])?.[1] ?? '').replace(/&quot;|"/g, ''),
    }));
    if (parts.some((p) => Number.isNaN(p.number) || !p.etag)) return ['MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.'];
    if (parts.length === 0) return ['MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.'];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i > 0 && p.number <= parts[i - 1].number) return ['InvalidPartOrder', 'The list of parts was not in ascending order.'];
      let md5, size;
      try {
        md5 = fs.readFileSync(path.join(upload.dir, `${p.number}.md5`), 'utf8');
        size = this.partSizes.get(`${upload.id}/${p.number}`) ?? fs.statSync(path.join(upload.dir, String(p.number))).size;
      } catch {
        return ['InvalidPart', `Part ${p.number} has not been uploaded.`];
      }
      if (md5 !== p.etag) return ['InvalidPart', `The ETag given for part ${p.number} does not match the part's.`];
      if (i < parts.length - 1 && size < MIN_PART) return ['EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.'];
    }
    return null;
  }

  // Every key under `prefix`, in byte order: walks only the folders the prefix can reach.
  keysUnder(bucketDir, prefix) {
    const lastSlash = prefix.lastIndexOf('/');
    const base = lastSlash < 0 ? '' : prefix.slice(0, lastSlash + 1);
    const keys = [];
    const walk = (dir, rel) => {
      let entries;
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (e.name === UPLOADS && rel === '') continue;
          const sub = `${rel}${e.name}/`;
          if (sub.startsWith(prefix) || prefix.startsWith(sub)) walk(path.join(dir, e.name), sub);
        } else if (e.name.endsWith(OBJECT_SUFFIX)) {
          const key = rel + e.name.slice(0, -OBJECT_SUFFIX.length);
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    walk(base ? path.join(bucketDir, base) : bucketDir, base);
    return keys.sort(byteOrder);
  }

  objectInfo(bucketDir, key) {
    const file = path.join(bucketDir, key + OBJECT_SUFFIX);
    try {
      const stat = fs.statSync(file);
      let md5;
      try {
        md5 = fs.readFileSync(`${file}.md5`, 'utf8');
      } catch {
        md5 = '';
      }
      return { size: stat.size, mtime: stat.mtime, etag: `"${md5}"` };
    } catch {
      return null;  // deleted while we listed
    }
  }

  // GetObject with a Range header, as S3 answers it (s3rver 3.7.1 reads "bytes=0-0" as the whole
  // object, "bytes=-N" as the first N bytes, and calls any range of an empty object satisfiable):
  // one byte range per RFC 9110 §14 — FIRST-LAST (LAST past the end is cut to it), FIRST- (to the
  // end) or -SUFFIX (the last SUFFIX bytes) — answered 206 with Content-Range; a range that
  // starts at or past the end (any range of an empty object, a suffix of 0) is 416 InvalidRange
  // with Content-Range "bytes */SIZE"; a header that is not one valid byte range (several ranges,
  // another unit, LAST < FIRST) is ignored and the whole object comes back with 200.
  getRange(res, method, file, info, header, ifMatch) {
    // If-Match first, as S3 checks it before the range: another ETag is 412 PreconditionFailed.
    if (ifMatch !== undefined && !String(ifMatch).split(',').map((t) => t.trim()).some((t) => t === '*' || t === info.etag || `"${t}"` === info.etag)) {
      const body = xmlError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', '<Condition>If-Match</Condition>');
      res.writeHead(412, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      return res.end(method === 'HEAD' ? undefined : body);
    }
    const headers = { 'accept-ranges': 'bytes', etag: info.etag, 'last-modified': info.mtime.toUTCString(), 'content-type': 'application/octet-stream' };
    const size = info.size;
    const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
    let first = null, last = null;
    if (m && (m[1] !== '' || m[2] !== '')) {
      if (m[1] === '') {  // suffix
        const suffix = Number(m[2]);
        first = suffix === 0 ? size : Math.max(0, size - suffix);  // "-0" asks for nothing
        last = size - 1;
      } else {
        first = Number(m[1]);
        last = m[2] === '' ? size - 1 : Number(m[2]);
        if (m[2] !== '' && last < first) first = last = null;  // invalid: ignored
      }
    }
    if (first === null) {
      res.writeHead(200, { ...headers, 'content-length': size });
      if (method === 'HEAD' || size === 0) return res.end();
      return fs.createReadStream(file).pipe(res);
    }
    if (first >= size) {
      const body = xmlError('InvalidRange', 'The requested range is not satisfiable', `<RangeRequested>${xmlText(header)}</RangeRequested><ActualObjectSize>${size}</ActualObjectSize>`);
      res.writeHead(416, { 'content-type': 'application/xml', 'content-range': `bytes */${size}`, 'content-length': Buffer.byteLength(body) });
      return res.end(method === 'HEAD' ? undefined : body);
    }
    last = Math.min(last, size - 1);
    res.writeHead(206, { ...headers, 'content-range': `bytes ${first}-${last}/${size}`, 'content-length': last - first + 1 });
    if (method === 'HEAD') return res.end();
    fs.createReadStream(file, { start: first, end: last }).pipe(res);
  }

  listObjectsV2(res, bucket, query) {
    const bucketDir = this.bucketDir(bucket);
    if (!bucketDir) return reply(res, 404, xmlError('NoSuchBucket', 'The specified bucket does not exist'));
    const prefix = query.prefix ?? '';
    const delimiter = query.delimiter ?? '';
    const maxKeys = Math.min(1000, query['max-keys'] === undefined ? 1000 : Number(query['max-keys']));
    if (!Number.isInteger(maxKeys) || maxKeys < 0) return reply(res, 400, xmlError('InvalidArgument', 'Provided max-keys not an integer or within integer range'));
    const url = query['encoding-type'] === 'url';
    if (query['encoding-type'] !== undefined && !url) return reply(res, 400, xmlError('InvalidArgument', 'Invalid Encoding Method specified in Request'));
    const enc = (s) => xmlText(url ? encodeURIComponent(s).replace(/%2F/g, '/') : s);

    // The token names the last key or common prefix returned; a page resumes after it (and
    // after every key a returned common prefix stood for).
    let after = query['start-after'] ?? '';
    let afterIsPrefix = false;
    const token = query['continuation-token'];
    if (token !== undefined) {
      try {
        ({ k: after, p: afterIsPrefix } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')));
      } catch {
        return reply(res, 400, xmlError('InvalidArgument', 'The continuation token provided is incorrect'));
      }
    }
    const contents = [];
    const prefixes = [];
    let last = null;
    let truncated = false;
    for (const key of this.keysUnder(bucketDir, prefix)) {
      if (after && (byteOrder(key, after) <= 0 || (afterIsPrefix && key.startsWith(after)))) continue;
      let item = { key, prefix: false };
      if (delimiter) {
        const idx = key.indexOf(delimiter, prefix.length);
        if (idx >= 0) {
          const common = key.slice(0, idx + delimiter.length);
          if (last && last.prefix && last.key === common) continue;
          item = { key: common, prefix: true };
        }
      }
      if (contents.length + prefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (item.prefix) {
        prefixes.push(item.key);
      } else {
        const info = this.objectInfo(bucketDir, key);
        if (!info) continue;
        contents.push({ key, ...info });
      }
      last = item;
    }
    let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">';
    xml += `<Name>${xmlText(bucket)}</Name><Prefix>${enc(prefix)}</Prefix>`;
    if (token !== undefined) xml += `<ContinuationToken>${xmlText(token)}</ContinuationToken>`;
    else if (query['start-after'] !== undefined) xml += `<StartAfter>${enc(query['start-after'])}</StartAfter>`;
    xml += `<KeyCount>${contents.length + prefixes.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`;
    if (delimiter) xml += `<Delimiter>${enc(delimiter)}</Delimiter>`;
    if (url) xml += '<EncodingType>url</EncodingType>';
    xml += `<IsTruncated>${truncated}</IsTruncated>`;
    if (truncated) {
      const next = Buffer.from(JSON.stringify({ k: last.key, p: last.prefix }), 'utf8').toString('base64');
      xml += `<NextContinuationToken>${next}</NextContinuationToken>`;
    }
    for (const c of contents) {
      xml += `<Contents><Key>${enc(c.key)}</Key><LastModified>${c.mtime.toISOString()}</LastModified><ETag>${xmlText(c.etag)}</ETag><Size>${c.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    }
    for (const p of prefixes) xml += `<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`;
    reply(res, 200, xml + '</ListBucketResult>');
  }

  listMultipartUploads(res, bucket, query) {
    const bucketDir = this.bucketDir(bucket);
    if (!bucketDir) return reply(res, 404, xmlError('NoSuchBucket', 'The specified bucket does not exist'));
    const prefix = query.prefix ?? '';
    const delimiter = query.delimiter ?? '';
    const maxUploads = Math.min(1000, query['max-uploads'] === undefined ? 1000 : Number(query['max-uploads']));
    if (!Number.isInteger(maxUploads) || maxUploads < 0) return reply(res, 400, xmlError('InvalidArgument', 'Provided max-uploads not an integer or within integer range'));
    const keyMarker = query['key-marker'] ?? '';
    const idMarker = keyMarker ? (query['upload-id-marker'] ?? '') : '';
    const url = query['encoding-type'] === 'url';
    const enc = (s) => xmlText(url ? encodeURIComponent(s).replace(/%2F/g, '/') : s);

    let ids = [];
    try {
      ids = fs.readdirSync(path.join(bucketDir, UPLOADS));
    } catch { /* no uploads yet */ }
    // Ordered by key, then by initiation time (S3's order); the id breaks ties.
    const uploads = ids.map((id) => this.upload(bucket, id)).filter((u) => u && u.key.startsWith(prefix))
      .sort((a, b) => byteOrder(a.key, b.key) || (a.initiated - b.initiated) || byteOrder(a.id, b.id));
    let start = 0;
    if (keyMarker) {
      start = uploads.findIndex((u) => byteOrder(u.key, keyMarker) > 0 || (idMarker && u.key === keyMarker && u.id === idMarker));
      if (start < 0) start = uploads.length;
      else if (idMarker && uploads[start].key === keyMarker && uploads[start].id === idMarker) start++;
    }
    // A marker that was a common prefix stands for every upload under it.
    const skipUnder = delimiter && keyMarker.endsWith(delimiter) ? keyMarker : null;
    const listed = [];
    const prefixes = [];
    let truncated = false;
    let last = null;
    for (let i = start; i < uploads.length; i++) {
      const u = uploads[i];
      if (skipUnder && u.key.startsWith(skipUnder)) continue;
      if (delimiter) {
        const idx = u.key.indexOf(delimiter, prefix.length);
        if (idx >= 0) {
          const common = u.key.slice(0, idx + delimiter.length);
          if (prefixes[prefixes.length - 1] === common) continue;
          if (listed.length + prefixes.length >= maxUploads) { truncated = true; break; }
          prefixes.push(common);
          last = { key: common, id: '' };
          continue;
        }
      }
      if (listed.length + prefixes.length >= maxUploads) { truncated = true; break; }
      listed.push(u);
      last = { key: u.key, id: u.id };
    }
    let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">';
    xml += `<Bucket>${xmlText(bucket)}</Bucket><KeyMarker>${enc(keyMarker)}</KeyMarker><UploadIdMarker>${xmlText(idMarker)}</UploadIdMarker>`;
    if (truncated) xml += `<NextKeyMarker>${enc(last.key)}</NextKeyMarker><NextUploadIdMarker>${xmlText(last.id)}</NextUploadIdMarker>`;
    if (url) xml += '<EncodingType>url</EncodingType>';
    if (delimiter) xml += `<Delimiter>${enc(delimiter)}</Delimiter>`;
    xml += `<Prefix>${enc(prefix)}</Prefix><MaxUploads>${maxUploads}</MaxUploads><IsTruncated>${truncated}</IsTruncated>`;
    for (const u of listed) {
      xml += `<Upload><Key>${enc(u.key)}</Key><UploadId>${u.id}</UploadId><Initiator><ID>loopback</ID><DisplayName>loopback</DisplayName></Initiator>` +
        `<Owner><ID>loopback</ID><DisplayName>loopback</DisplayName></Owner><StorageClass>STANDARD</StorageClass><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`;
    }
    for (const p of prefixes) xml += `<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`;
    reply(res, 200, xml + '</ListMultipartUploadsResult>');
  }
}
