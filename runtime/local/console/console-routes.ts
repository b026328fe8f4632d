/**
 * The local console under `/console/`: a page, its bundled script and style, and a small JSON API
 * that calls the snapshot service in-process. Only `npm start` mounts it (local-server.ts).
 *
 * Why `/console/` and not `/`: the MPS API answers every request on `/`, and an SDK request and a
 * browser visit can only be told apart by guessing from headers; a separate path never guesses.
 *
 * It needs no key, so three checks keep it to this machine's own user:
 *  - it is refused (403) when the service listens on a non-loopback address, unless allowed;
 *  - the `Host` header must be a loopback name (a web page that rebinds its own DNS name to
 *    127.0.0.1 still sends its own name);
 *  - requests that change something must carry `X-Snapshot-Console: 1` and, when the browser
 *    sends an `Origin`, come from this origin: another site's page cannot send such a header
 *    without a CORS preflight, which this server never approves.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { FsObjectStorage } from '../../adapters/storage/fs-object-storage';
import { Errors, isSnapshotError, type SnapshotError } from '../../core/errors';
import { parseSubmitRequest } from '../../core/submit-request';
import type { QuerySnapshotJobListParams, SnapshotService, SubmitSnapshotJobParams } from '../../service/contract';
import type { ServiceLog } from '../../service/service-deps';
import { listFolder, uploadObject } from './bucket-objects';
import { consoleBundle } from './bundle';
import { DEFAULT_MAX_UPLOAD_BYTES, hostNameOf, isLoopbackHost, type ConsoleOptions } from './console-options';
import { consolePage } from './console-page';
import { summarizeJob, viewJob } from './job-view';

export const CONSOLE_PATH = '/console/';
export const CONSOLE_HEADER = 'x-snapshot-console';
const MAX_JSON_BYTES = 256 * 1024;

export interface LocalConsoleDeps {
  readonly service: SnapshotService;
  readonly storage: FsObjectStorage;
  readonly region: string;
  /** The address the server listens on. */
  readonly listenHost: string;
  readonly pipelineId: string;
  readonly inputBucket: string;
  readonly outputBucket: string;
  readonly sampleKey: string;
  readonly log: ServiceLog;
  readonly options?: ConsoleOptions;
}

/** Answers the request when it is for the console; returns false to let the API handle it. */
export type ConsoleHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;

export function createLocalConsole(deps: LocalConsoleDeps): ConsoleHandler {
  const enabled = deps.options?.enabled ?? true;
  const allowRemote = deps.options?.allowRemote ?? false;
  const maxUploadBytes = deps.options?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const refused = !allowRemote && !isLoopbackHost(deps.listenHost);
  if (enabled && refused) {
    deps.log('console.refused', { host: deps.listenHost, why: 'not a loopback address; set SNAPSHOT_CONSOLE_ALLOW_REMOTE=1 to serve it anyway' });
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!enabled || (url.pathname !== '/console' && !url.pathname.startsWith(CONSOLE_PATH))) return false;
    try {
      if (refused) {
        return text(res, 403, `The console is off: this service listens on ${deps.listenHost}, which other machines may reach, and the console needs no key. Listen on 127.0.0.1 or set SNAPSHOT_CONSOLE_ALLOW_REMOTE=1 (see docs/local.md).\n`);
      }
      if (!allowRemote && !isLoopbackHost(hostNameOf(req.headers.host))) {
        return text(res, 403, 'The console answers only to a loopback host name (127.0.0.1, localhost, [::1]).\n');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOriginWrite(req)) {
        return text(res, 403, `Changes need the ${CONSOLE_HEADER} header and this page's origin.\n`);
      }
      await route(url, req, res);
    } catch (e) {
      const error = asSnapshotError(e, deps.log);
      if (res.headersSent) res.end();
      else json(res, error.httpStatus, { Code: error.code, Message: error.message });
    }
    return true;
  };

  async function route(url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const p = url.pathname;
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    const method = req.method ?? 'GET';
    if (p === '/console') {
      res.writeHead(301, { location: CONSOLE_PATH }).end();
      return;
    }
    if (method === 'GET' && p === CONSOLE_PATH) {
      res.writeHead(200, { ...pageHeaders, 'content-type': 'text/html; charset=utf-8' }).end(consolePage());
      return;
    }
    if (method === 'GET' && (p === `${CONSOLE_PATH}console.js` || p === `${CONSOLE_PATH}console.css`)) {
      const bundle = await consoleBundle();
      const js = p.endsWith('.js');
      res.writeHead(200, { 'content-type': js ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(js ? bundle.js : bundle.css);
      return;
    }
    const api = `${CONSOLE_PATH}api/`;
    if (method === 'GET' && p === `${api}info`) {
      return json(res, 200, {
        region: deps.region,
        location: `oss-${deps.region}`,
        pipelineId: deps.pipelineId,
        inputBucket: deps.inputBucket,
        outputBucket: deps.outputBucket,
        sampleKey: deps.sampleKey,
        maxUploadBytes,
      });
    }
    if (method === 'GET' && p === `${api}jobs`) {
      // The same query path as QuerySnapshotJobList: the service parses and pages exactly as for the API.
      const params: QuerySnapshotJobListParams = {
        State: q('State'),
        PipelineId: q('PipelineId'),
        NextPageToken: q('NextPageToken'),
        MaximumPageSize: q('MaximumPageSize'),
      };
      const result = await deps.service.querySnapshotJobList(params);
      return json(res, 200, { jobs: result.jobs.map(summarizeJob), nextPageToken: result.nextPageToken });
    }
    const jobMatch = /^\/console\/api\/jobs\/([^/]+)$/.exec(p);
    if (method === 'GET' && jobMatch) {
      const result = await deps.service.querySnapshotJobList({ SnapshotJobIds: jobMatch[1] });
      if (result.jobs.length === 0) throw Errors.resourceNotFound(`SnapshotJob ${jobMatch[1]}`);
      return json(res, 200, viewJob(result.jobs[0], deps.storage));
    }
    if (method === 'POST' && p === `${api}validate`) {
      const request = parseSubmitRequest(await readSubmitParams(req), { region: deps.region });
      return json(res, 200, { valid: true, mode: request.mode });
    }
    if (method === 'POST' && p === `${api}submit`) {
      const job = await deps.service.submitSnapshotJob(await readSubmitParams(req), randomUUID().toUpperCase());
      return json(res, 200, { id: job.id, state: job.state });
    }
    if (method === 'GET' && p === `${api}objects`) {
      return json(res, 200, await listFolder(deps.storage, q('bucket') ?? deps.inputBucket, q('prefix') ?? ''));
    }
    if (method === 'PUT' && p === `${api}objects`) {
      const bucket = q('bucket') ?? deps.inputBucket;
      if (bucket !== deps.inputBucket) throw Errors.invalidParameter('bucket', `uploads go to the input bucket "${deps.inputBucket}" only.`);
      const key = q('key');
      if (!key) throw Errors.missingParameter('key');
      const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
      const bytes = await uploadObject(deps.storage, bucket, key, req, maxUploadBytes, declared);
      return json(res, 200, { bucket, key, size: bytes });
    }
    throw Errors.apiNotFound(`${method} ${p}`);
  }
}

const pageHeaders = {
  'cache-control': 'no-cache',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; img-src 'self' blob: data:; media-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
};

function sameOriginWrite(req: http.IncomingMessage): boolean {
  if (req.headers[CONSOLE_HEADER] !== '1') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

async function readSubmitParams(req: http.IncomingMessage): Promise<SubmitSnapshotJobParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw Errors.outOfRange('body', `the request body is larger than ${MAX_JSON_BYTES} bytes.`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw Errors.jsonObjectFormatInvalid('body');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw Errors.jsonObjectFormatInvalid('body');
  // The four parameters of SubmitSnapshotJob, as strings, exactly as an SDK would send them.
  const b = body as Record<string, unknown>;
  const str = (name: string) => (typeof b[name] === 'string' && b[name] !== '' ? (b[name] as string) : undefined);
  return { Input: str('Input'), SnapshotConfig: str('SnapshotConfig'), PipelineId: str('PipelineId'), UserData: str('UserData') };
}

function asSnapshotError(e: unknown, log: ServiceLog): SnapshotError {
  if (isSnapshotError(e)) return e;
  log('console.internal-error', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  return Errors.internal();
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function text(res: http.ServerResponse, status: number, body: string): true {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  return true;
}
