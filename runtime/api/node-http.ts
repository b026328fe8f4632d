/**
 * The bridge between Node's http module and the API handler: read a request (with a body size
 * limit) into plain data, write a response back.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Errors } from '../core/errors';
import type { ApiRequest, ApiResponse } from './http-types';
import { renderError } from './render-error';

/**
 * Real requests are a few KB (UserData is capped at 1 KB, the JSON parameters are small); the
 * limit only stops a client from making the server buffer arbitrary amounts.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Request line and headers, for `http.createServer({ maxHeaderSize })`. The V3 SDK and GET send
 * every parameter in the query string, so a URL may carry as much as a form body; Node's 16 KB
 * default would refuse such a request before the handler could name the parameter at fault. The
 * largest valid request (1,000 TimeArray points, 1 KB UserData, two 1,023-byte object keys, all
 * percent-encoded) stays under 40 KB; past 64 KiB a URL only costs parsing and signing time.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

/** The client went away before its request was read: nobody to answer, nothing to report. */
export class ClientAbortedError extends Error {
  constructor() {
    super('the client aborted the request');
    this.name = 'ClientAbortedError';
  }
}

/**
 * Reads the whole request. A body over `limitBytes` is not an exception: the request comes back
 * with `readError` set (and an empty body) so the handler answers it like any other error. The
 * promise rejects (with ClientAbortedError) only when the client goes away mid-request, when
 * there is no one to answer.
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
    // Node reports a client that hangs up mid-body as an `aborted` event and an ECONNRESET error.
    req.on('error', () => reject(new ClientAbortedError()));
    req.on('aborted', () => reject(new ClientAbortedError()));
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

/**
 * For the server's `clientError` event: a request Node cannot parse (headers over
 * MAX_HEADER_BYTES, a broken request line) still gets an MPS error body, so an SDK reports a code
 * and a message instead of failing to parse an empty answer. Anything else (a reset, a timeout)
 * has no one left to answer.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex, ctx: { hostId: string; requestId: () => string }): void {
  if (!err.code?.startsWith('HPE_') || !socket.writable) {
    socket.destroy();
    return;
  }
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? Errors.invalidParameter('Query', `the request line and headers are larger than ${MAX_HEADER_BYTES} bytes; send large parameters in a POST form body.`)
      : Errors.invalidParameter('Request', `it is not valid HTTP/1.1 (${err.code}).`);
  const r = renderError(error, { requestId: ctx.requestId(), hostId: ctx.hostId, format: 'json' });
  const body = Buffer.from(r.body, 'utf8');
  const headers = { ...r.headers, 'content-length': String(body.length), connection: 'close' };
  const head = [`HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}
