/**
 * Read-only HTTP access to the local buckets at `/oss/<bucket>/<key>`, so the URLs in
 * notifications (`LastUrl`, `UrlPattern`) and the relative links of WebVTT tracks open in a
 * browser or player. Local only: the cloud serves outputs from OSS.
 */
import { createReadStream, promises as fs } from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
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

/** Answers the request when it is a bucket URL; returns false to let the API handle it. */
export async function serveBucketFile(req: http.IncomingMessage, res: http.ServerResponse, storage: FsObjectStorage): Promise<boolean> {
  const url = req.url ?? '/';
  if (!url.startsWith(PREFIX) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const pathname = url.slice(PREFIX.length).split('?')[0];
  const slash = pathname.indexOf('/');
  let file: string;
  try {
    if (slash <= 0) throw new Error('no key');
    const bucket = decodeURIComponent(pathname.slice(0, slash));
    const key = decodeURIComponent(pathname.slice(slash + 1));
    file = storage.objectPath(bucket, key);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad object path\n');
    return true;
  }
  let size: number;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no such object\n');
    return true;
  }
  const headers = {
    'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'access-control-allow-origin': '*',
    'accept-ranges': 'bytes',
  };
  // Byte ranges let a <video> (the console's thumbnail-track preview) seek.
  const range = parseByteRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
    return true;
  }
  if (range) res.writeHead(206, { ...headers, 'content-length': range.end - range.start + 1, 'content-range': `bytes ${range.start}-${range.end}/${size}` });
  else res.writeHead(200, { ...headers, 'content-length': size });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file, range ?? {}).pipe(res);
  return true;
}
