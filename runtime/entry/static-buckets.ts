/**
 * Read-only HTTP access to the local buckets at `/oss/<bucket>/<key>`, so the URLs in
 * notifications (`LastUrl`, `UrlPattern`) and the relative links of WebVTT tracks open in a
 * browser or player. Local only: the cloud serves outputs from OSS.
 *
 * Nothing is sent to let other web origins read the answers (no `access-control-allow-origin: *`):
 * any page the developer has open could otherwise read every bucket. Origins that should (a
 * player under development on another port) are listed in `corsOrigins`. Objects are resolved
 * by FsObjectStorage, which keeps symbolic links from leading out of the bucket.
 */
import { promises as fs } from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import { pipeline } from 'node:stream';
import type { FsObjectStorage } from '../adapters/storage/fs-object-storage';
import { parseByteRange } from '../local/byte-range';

const PREFIX = '/oss/';
const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.vtt': 'text/vtt; charset=utf-8',
  '.mp4': 'video/mp4',
  '.json': 'application/json',
};

export interface BucketFileOptions {
  /** Origins (`http://127.0.0.1:3000`) whose pages may read the files. @default none */
  readonly corsOrigins?: readonly string[];
}

/** Answers the request when it is a bucket URL; returns false to let the API handle it. */
export async function serveBucketFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  storage: FsObjectStorage,
  options: BucketFileOptions = {},
): Promise<boolean> {
  const url = req.url ?? '/';
  if (!url.startsWith(PREFIX) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const pathname = url.slice(PREFIX.length).split('?')[0];
  const slash = pathname.indexOf('/');
  let bucket: string;
  let key: string;
  try {
    if (slash <= 0) throw new Error('no key');
    bucket = decodeURIComponent(pathname.slice(0, slash));
    key = decodeURIComponent(pathname.slice(slash + 1));
    storage.objectPath(bucket, key);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad object path\n');
    return true;
  }
  let found: { path: string; size: number } | undefined;
  try {
    found = await storage.findObject(bucket, key);
  } catch {
    res.writeHead(403, { 'content-type': 'text/plain' }).end('the object leads outside its bucket\n');
    return true;
  }
  if (!found) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no such object\n');
    return true;
  }
  // Open the resolved file before answering: what was checked is what is sent.
  const handle = await fs.open(found.path, 'r').catch(() => undefined);
  if (!handle) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no such object\n');
    return true;
  }
  const origin = req.headers.origin;
  const cors: Record<string, string> = origin && options.corsOrigins?.includes(origin) ? { 'access-control-allow-origin': origin } : {};
  const headers = {
    'content-type': TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream',
    'accept-ranges': 'bytes',
    vary: 'origin',
    ...cors,
  };
  const size = found.size;
  // Byte ranges let a <video> (the console's thumbnail-track preview) seek.
  const range = parseByteRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    await handle.close();
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
    return true;
  }
  if (range) res.writeHead(206, { ...headers, 'content-length': range.end - range.start + 1, 'content-range': `bytes ${range.start}-${range.end}/${size}` });
  else res.writeHead(200, { ...headers, 'content-length': size });
  if (req.method === 'HEAD') {
    await handle.close();
    res.end();
  } else {
    // pipeline closes the file when the client goes away mid-download.
    pipeline(handle.createReadStream(range ?? {}), res, () => undefined);
  }
  return true;
}
