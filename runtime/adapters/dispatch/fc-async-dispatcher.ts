/**
 * Hands accepted async jobs to the worker function with Function Compute's own asynchronous
 * invocation: `InvokeFunction` of the 2023-03-30 API (`POST /2023-03-30/functions/<name>/invocations`,
 * `x-fc-invocation-type: Async`) with the body `{"jobId":"..."}`.
 *
 * FC keeps the event and answers 202 at once; it then invokes the worker, retries a failed run up
 * to the function's `maxAsyncRetryAttempts` and drops an event older than
 * `maxAsyncEventAgeInSeconds` (both set by the construct's `alicloud_fcv3_async_invoke_config`).
 * Those two documented bounds are what the stale-job sweep's arithmetic rests on; see
 * docs/construct.md "How async jobs reach the worker".
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Errors } from '../../core/errors';
import type { JobDispatcher } from '../../core/ports';
import { signAcs3 } from './acs3-request-signer';
import type { Acs3Credentials } from './acs3-request-signer';

export const FC_API_VERSION = '2023-03-30';

export interface FcAsyncDispatcherOptions {
  /** `https://<accountId>.<region>.fc.aliyuncs.com` (`SNAPSHOT_FC_ENDPOINT`). */
  readonly endpoint: string;
  /** The worker function (`SNAPSHOT_WORKER_FUNCTION`). */
  readonly functionName: string;
  /** The freshest function-role keys: FC hands new STS keys to every invocation. */
  readonly credentials: () => Acs3Credentials;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default the system clock */
  readonly now?: () => Date;
}

interface Reply {
  readonly status: number;
  readonly body: string;
}

export class FcAsyncDispatcher implements JobDispatcher {
  private readonly url: URL;

  constructor(private readonly options: FcAsyncDispatcherOptions) {
    this.url = new URL(options.endpoint);
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:') throw new Error(`FcAsyncDispatcher: endpoint must be an http(s) URL, got "${options.endpoint}"`);
  }

  async dispatch(jobId: string): Promise<void> {
    const fn = this.options.functionName;
    const path = `/${FC_API_VERSION}/functions/${encodeURIComponent(fn)}/invocations`;
    const body = Buffer.from(JSON.stringify({ jobId }), 'utf8');
    const headers = signAcs3(
      {
        method: 'POST',
        host: this.url.host,
        path,
        action: 'InvokeFunction',
        version: FC_API_VERSION,
        body,
        contentType: 'application/octet-stream',
        extraHeaders: { 'x-fc-invocation-type': 'Async', accept: 'application/json', 'content-length': String(body.length) },
      },
      this.options.credentials(),
      (this.options.now ?? (() => new Date()))(),
    );
    let reply: Reply;
    try {
      reply = await this.post(path, headers, body);
    } catch (err) {
      throw Errors.serviceUnavailable(`the job could not be handed to the worker function "${fn}" (${err instanceof Error ? err.message : String(err)})`);
    }
    // 202 Accepted is FC's answer to an async invocation; any 2xx means the event is kept.
    if (reply.status >= 200 && reply.status < 300) return;
    throw Errors.serviceUnavailable(`the job could not be handed to the worker function "${fn}" (${describeFcError(reply)})`);
  }

  private post(path: string, headers: Record<string, string>, body: Buffer): Promise<Reply> {
    const client = this.url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(
        { protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port || undefined, method: 'POST', path, headers, timeout: this.options.timeoutMs ?? 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs ?? 10_000} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** `HTTP 403 AccessDenied: ...` from FC's JSON error body (`{"Code","Message","RequestId"}`). */
function describeFcError(reply: Reply): string {
  let code: unknown;
  let message: unknown;
  try {
    const parsed = JSON.parse(reply.body) as Record<string, unknown>;
    code = parsed.Code ?? parsed.code;
    message = parsed.Message ?? parsed.message;
  } catch {
    message = reply.body.slice(0, 200);
  }
  return `HTTP ${reply.status}${typeof code === 'string' ? ` ${code}` : ''}${message ? `: ${String(message)}` : ''}`;
}
