/**
 * The bridge between Node's http module and the API handler: read a request (with a body size
 * limit) into plain data, write a response back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Errors } from '../core/errors';
import type { ApiRequest, ApiResponse } from './http-types';

/**
 * Real requests are a few KB (UserData is capped at 1 KB, the JSON parameters are small); the
 * limit only stops a client from making the server buffer arbitrary amounts.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Reads the whole request. A body over `limitBytes` is not an exception: the request comes back
 * with `readError` set (and an empty body) so the handler answers it like any other error. The
 * promise rejects only when the client goes away mid-request, when there is no one to answer.
 */
export function readApiRequest(req: IncomingMessage, limitBytes: number = DEFAULT_BODY_LIMIT_BYTES): Promise<ApiRequest> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const base = {
    method: (req.method ?? 'GET').toUpperCase(),
    path: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: flattenHeaders(req.headers),
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume(); // let Node discard the body so the answer can still be read
    return Promise.resolve({ ...base, body: Buffer.alloc(0), readError: tooLarge(limitBytes) });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limitBytes) {
        over = true;
        chunks.length = 0;
        resolve({ ...base, body: Buffer.alloc(0), readError: tooLarge(limitBytes) });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve({ ...base, body: Buffer.concat(chunks, size) });
    });
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('the client aborted the request')));
  });
}

function tooLarge(limitBytes: number) {
  return Errors.invalidParameter('Body', `the request body is larger than ${limitBytes} bytes.`);
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function writeApiResponse(res: ServerResponse, r: ApiResponse): void {
  const body = Buffer.from(r.body, 'utf8');
  res.writeHead(r.status, { ...r.headers, 'content-length': String(body.length) });
  res.end(body);
}
