/**
 * A local HTTP server speaking the part of the OSS REST API the adapters use (Head/Get/Put/Delete
 * object, ListObjects v1), path-style (`/<bucket>/<key>`). It verifies every request's V1
 * signature, from the `Authorization: OSS <ak>:<sig>` header or from signed-URL query parameters,
 * exactly as OSS computes it, so a signing mistake in the adapters fails here as it would on OSS.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOssCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  range?: string;
  authorizedBy: 'header' | 'url';
}

/** Query parameters OSS counts as sub-resources (part of CanonicalizedResource). */
const SUB_RESOURCES = new Set([
  'acl', 'uploads', 'location', 'cors', 'logging', 'website', 'referer', 'lifecycle', 'delete', 'append', 'tagging', 'objectMeta',
  'uploadId', 'partNumber', 'security-token', 'position', 'img', 'style', 'styleName', 'replication', 'replicationProgress',
  'replicationLocation', 'cname', 'bucketInfo', 'comp', 'qos', 'live', 'status', 'vod', 'startTime', 'endTime', 'symlink',
  'x-oss-process', 'response-content-type', 'response-content-language', 'response-expires', 'response-cache-control',
  'response-content-disposition', 'response-content-encoding', 'udf', 'udfName', 'udfImage', 'udfId', 'udfImageDesc',
  'udfApplication', 'udfApplicationLog', 'restore', 'callback', 'callback-var', 'versionId', 'versioning', 'versions',
  'continuation-token',
]);

class OssFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class FakeOssServer {
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  readonly requests: RecordedRequest[] = [];
  /** Answers the next requests with this error instead of serving them (one entry per request). */
  readonly injectedFaults: { status: number; code: string }[] = [];
  private server!: http.Server;

  constructor(private readonly credentials: FakeOssCredential[]) {}

  static async start(credentials: FakeOssCredential[]): Promise<FakeOssServer> {
    const fake = new FakeOssServer(credentials);
    fake.server = http.createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** An IP, not `localhost`: static ffmpeg builds crash resolving host names. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  putObject(bucket: string, key: string, body: Buffer, contentType = 'application/octet-stream'): void {
    this.buckets.get(bucket)!.set(key, { body, contentType, etag: `"${createHash('md5').update(body).digest('hex').toUpperCase()}"`, lastModified: new Date() });
  }

  object(bucket: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    const method = req.method ?? 'GET';
    try {
      const url = new URL(req.url ?? '/', 'http://oss.local');
      const segments = url.pathname.split('/');
      const bucket = decodeURIComponent(segments[1] ?? '');
      const key = decodeURIComponent(segments.slice(2).join('/'));
      const query = Object.fromEntries(url.searchParams.entries());
      const authorizedBy = this.authenticate(req, method, bucket, key, url.searchParams, body);
      this.requests.push({ method, path: url.pathname, query, range: req.headers.range, authorizedBy });
      const fault = this.injectedFaults.shift();
      if (fault) throw new OssFault(fault.status, fault.code, 'injected fault');
      const objects = this.buckets.get(bucket);
      if (!objects) throw new OssFault(404, 'NoSuchBucket', 'The specified bucket does not exist.');
      if (key === '') {
        if (method !== 'GET') throw new OssFault(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
        return this.reply(res, 200, { 'content-type': 'application/xml' }, this.listXml(bucket, objects, url.searchParams), requestId);
      }
      switch (method) {
        case 'PUT': {
          const md5 = req.headers['content-md5'];
          if (md5 && md5 !== createHash('md5').update(body).digest('base64')) throw new OssFault(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.');
          // PutObject with x-oss-forbid-overwrite: true refuses an existing key (409 FileAlreadyExists).
          if (String(req.headers['x-oss-forbid-overwrite']).toLowerCase() === 'true' && objects.has(key)) {
            throw new OssFault(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.');
          }
          this.putObject(bucket, key, body, String(req.headers['content-type'] ?? 'application/octet-stream'));
          return this.reply(res, 200, { etag: objects.get(key)!.etag }, undefined, requestId);
        }
        case 'DELETE':
          objects.delete(key);
          return this.reply(res, 204, {}, undefined, requestId);
        case 'HEAD':
        case 'GET': {
          const object = objects.get(key);
          if (!object) throw new OssFault(404, 'NoSuchKey', 'The specified key does not exist.');
          const headers: Record<string, string> = {
            'content-type': object.contentType,
            etag: object.etag,
            'last-modified': object.lastModified.toUTCString(),
            'accept-ranges': 'bytes',
          };
          const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
          if (range && method === 'GET') {
            const size = object.body.length;
            let start = range[1] === '' ? size - Number(range[2]) : Number(range[1]);
            let end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
            start = Math.max(0, start);
            if (start >= size) throw new OssFault(416, 'InvalidRange', 'The requested range cannot be satisfied.');
            end = Math.max(start, end);
            headers['content-range'] = `bytes ${start}-${end}/${size}`;
            headers['content-length'] = String(end - start + 1);
            return this.reply(res, 206, headers, object.body.subarray(start, end + 1), requestId);
          }
          headers['content-length'] = String(object.body.length);
          return this.reply(res, 200, headers, method === 'HEAD' ? undefined : object.body, requestId, method === 'HEAD');
        }
        default:
          throw new OssFault(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
    } catch (err) {
      const fault = err instanceof OssFault ? err : new OssFault(500, 'InternalError', (err as Error).message);
      const xml =
        method === 'HEAD'
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>${escape(fault.message)}</Message><RequestId>${requestId}</RequestId><HostId>localhost</HostId></Error>`;
      this.reply(res, fault.status, { 'content-type': 'application/xml' }, xml, requestId);
    }
  }

  private reply(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer | undefined, requestId: string, keepLength = false): void {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    res.writeHead(status, {
      'x-oss-request-id': requestId,
      ...headers,
      ...(payload || !keepLength ? { 'content-length': String(payload?.length ?? 0) } : {}),
    });
    res.end(payload);
  }

  /** OSS V1: HMAC-SHA1 over VERB, Content-MD5, Content-Type, Date (or Expires), x-oss-* headers, resource. */
  private authenticate(req: http.IncomingMessage, method: string, bucket: string, key: string, params: URLSearchParams, _body: Buffer): 'header' | 'url' {
    const resource = canonicalResource(bucket, key, params);
    const ossHeaders = Object.keys(req.headers)
      .filter((h) => h.startsWith('x-oss-'))
      .sort()
      .map((h) => `${h}:${String(req.headers[h]).trim()}\n`)
      .join('');
    const md5 = String(req.headers['content-md5'] ?? '');
    const type = String(req.headers['content-type'] ?? '');
    const header = req.headers.authorization;
    let accessKeyId: string;
    let signature: string;
    let dateSlot: string;
    let token: string | undefined;
    let by: 'header' | 'url';
    if (header) {
      const m = /^OSS ([^:]+):(.+)$/.exec(header);
      if (!m) throw new OssFault(400, 'InvalidArgument', 'Authorization header is invalid.');
      [, accessKeyId, signature] = m;
      dateSlot = String(req.headers['x-oss-date'] ?? req.headers.date ?? '');
      const at = Date.parse(dateSlot);
      if (Number.isNaN(at)) throw new OssFault(403, 'AccessDenied', 'OSS authentication requires a valid Date.');
      if (Math.abs(Date.now() - at) > 15 * 60 * 1000) throw new OssFault(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
      token = req.headers['x-oss-security-token'] as string | undefined;
      by = 'header';
    } else if (params.has('OSSAccessKeyId')) {
      accessKeyId = params.get('OSSAccessKeyId')!;
      signature = params.get('Signature') ?? '';
      dateSlot = params.get('Expires') ?? '';
      if (!(Number(dateSlot) * 1000 > Date.now())) throw new OssFault(403, 'AccessDenied', 'Request has expired.');
      token = params.get('security-token') ?? undefined;
      by = 'url';
    } else {
      throw new OssFault(403, 'AccessDenied', 'You have no right to access this object because of bucket acl.');
    }
    const credential = this.credentials.find((c) => c.accessKeyId === accessKeyId);
    if (!credential) throw new OssFault(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.');
    if (credential.securityToken !== undefined && token !== credential.securityToken) {
      throw new OssFault(403, 'InvalidSecurityToken', 'The security token you provided is invalid.');
    }
    const stringToSign = `${method}\n${md5}\n${type}\n${dateSlot}\n${ossHeaders}${resource}`;
    const expected = createHmac('sha1', credential.accessKeySecret).update(stringToSign, 'utf8').digest('base64');
    if (expected !== signature) {
      throw new OssFault(403, 'SignatureDoesNotMatch', `The request signature we calculated does not match the signature you provided. StringToSign: ${JSON.stringify(stringToSign)}`);
    }
    return by;
  }

  private listXml(bucket: string, objects: Map<string, StoredObject>, params: URLSearchParams): string {
    const prefix = params.get('prefix') ?? '';
    const marker = params.get('marker') ?? '';
    const max = Math.min(1000, Number(params.get('max-keys') ?? 100));
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > marker).sort();
    const page = keys.slice(0, max);
    const truncated = keys.length > page.length;
    const contents = page
      .map((k) => {
        const o = objects.get(k)!;
        return `<Contents><Key>${escape(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${escape(o.etag)}</ETag><Type>Normal</Type><Size>${o.body.length}</Size><StorageClass>Standard</StorageClass><Owner><ID>1</ID><DisplayName>1</DisplayName></Owner></Contents>`;
      })
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>${bucket}</Name><Prefix>${escape(prefix)}</Prefix><Marker>${escape(marker)}</Marker><MaxKeys>${max}</MaxKeys><Delimiter></Delimiter><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextMarker>${escape(page[page.length - 1])}</NextMarker>` : ''}${contents}</ListBucketResult>`;
  }
}

function canonicalResource(bucket: string, key: string, params: URLSearchParams): string {
  const sub = [...params.entries()]
    .filter(([k]) => SUB_RESOURCES.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  return `/${bucket}/${key}${sub.length ? `?${sub.join('&')}` : ''}`;
}

function escape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
