/**
 * A protocol-level stand-in for Function Compute's InvokeFunction (API 2023-03-30), enough for the
 * worker hand-off: `POST /2023-03-30/functions/<name>/invocations`, signed with ACS3-HMAC-SHA256
 * (checked with the verifier the MPS API uses, which the official SDKs' requests pass), answered
 * the way FC documents it: `x-fc-invocation-type: Async` is kept and acknowledged with 202, then
 * delivered to the function; errors are JSON `{"Code","Message","RequestId"}`.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAcs3Authorization, sha256Hex, v3CanonicalRequest, v3Sign, v3StringToSign } from '../../runtime/api/signature-v3';

export interface FcKey {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export interface FcInvocation {
  readonly functionName: string;
  readonly invocationType: string;
  readonly accessKeyId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** What the "function" does with an event; a rejection is a failed run. */
export type FcFunction = (event: Buffer) => Promise<void>;

const INVOKE_PATH = /^\/2023-03-30\/functions\/([^/?]+)\/invocations$/;

export class FcProtocolServer {
  readonly invocations: FcInvocation[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly failures: unknown[] = [];

  private constructor(
    private readonly server: http.Server,
    private readonly keys: readonly FcKey[],
    private readonly functions: Readonly<Record<string, FcFunction>>,
  ) {}

  static async start(keys: readonly FcKey[], functions: Readonly<Record<string, FcFunction>>): Promise<FcProtocolServer> {
    const holder: { s?: FcProtocolServer } = {};
    const server = http.createServer((req, res) => void holder.s!.handle(req, res));
    holder.s = new FcProtocolServer(server, keys, functions);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return holder.s;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits for every async delivery so far; rejects with the first failed run. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.failures.length > 0) throw this.failures[0];
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const requestId = randomUUID();
    const fail = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
      res.end(JSON.stringify({ Code: code, Message: message, RequestId: requestId }));
    };
    const url = new URL(req.url ?? '/', 'http://fc');
    const match = INVOKE_PATH.exec(url.pathname);
    if (req.method !== 'POST' || !match) return fail(404, 'NotFound', `no operation at ${req.method} ${url.pathname}`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    if (headers['x-acs-action'] !== 'InvokeFunction' || headers['x-acs-version'] !== '2023-03-30') {
      return fail(400, 'InvalidArgument', `x-acs-action/x-acs-version must be InvokeFunction/2023-03-30, got ${headers['x-acs-action']}/${headers['x-acs-version']}`);
    }
    const denied = this.authenticate(req.method, url, headers, body);
    if (denied) return fail(403, denied.code, denied.message);
    const functionName = decodeURIComponent(match[1]);
    const run = this.functions[functionName];
    if (!run) return fail(404, 'FunctionNotFound', `function "${functionName}" does not exist`);
    const invocationType = headers['x-fc-invocation-type'] ?? 'Sync';
    const accessKeyId = parseAcs3Authorization(headers.authorization).credential;
    this.invocations.push({ functionName, invocationType, accessKeyId, headers, body });
    if (invocationType === 'Async') {
      const delivery = run(body)
        .catch((e: unknown) => void this.failures.push(e))
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
      res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': '0' });
      res.end();
      return;
    }
    try {
      await run(body);
      res.writeHead(200, { 'x-fc-request-id': requestId, 'content-length': '0' });
      res.end();
    } catch (e) {
      fail(500, 'UnhandledInvocationError', String(e));
    }
  }

  private authenticate(method: string, url: URL, headers: Record<string, string>, body: Buffer): { code: string; message: string } | undefined {
    if (!headers.authorization) return { code: 'MissingRequiredHeader', message: 'the Authorization header is missing' };
    const auth = parseAcs3Authorization(headers.authorization);
    if (auth.algorithm !== 'ACS3-HMAC-SHA256') return { code: 'InvalidAuthorization', message: `unsupported algorithm ${auth.algorithm}` };
    const key = this.keys.find((k) => k.accessKeyId === auth.credential);
    if (!key) return { code: 'InvalidAccessKeyId.NotFound', message: `AccessKeyId ${auth.credential} does not exist` };
    if ((key.securityToken ?? '') !== (headers['x-acs-security-token'] ?? '')) return { code: 'InvalidSecurityToken', message: 'the security token does not match the key' };
    for (const required of ['host', 'x-acs-date', 'x-acs-content-sha256']) {
      if (!auth.signedHeaders.includes(required)) return { code: 'IncompleteSignature', message: `${required} is not signed` };
    }
    if (headers['x-acs-content-sha256'] !== sha256Hex(body)) return { code: 'ContentSHA256Mismatch', message: 'x-acs-content-sha256 does not match the body' };
    const canonical = v3CanonicalRequest({
      method,
      path: url.pathname,
      query: new Map(url.searchParams),
      headers,
      signedHeaders: auth.signedHeaders,
      payloadHash: sha256Hex(body),
    });
    if (v3Sign(v3StringToSign(canonical), key.accessKeySecret) !== auth.signature) {
      return { code: 'SignatureDoesNotMatch', message: 'the request signature does not match' };
    }
    return undefined;
  }
}
