/**
 * Signs an Alibaba Cloud OpenAPI request with ACS3-HMAC-SHA256 (signature V3), the way the official
 * `@alicloud/openapi-core` client signs the Function Compute 2023-03-30 API: the signed headers are
 * `host`, `content-type` and every `x-acs-*` header, sorted; the canonical request is
 * `METHOD \n path \n query \n headers \n signed-names \n sha256(body)`.
 *
 * Written here rather than taken from the SDK because the whole of `@alicloud/openapi-core` would
 * grow the function bundle by about 600 KB for one POST; the dispatcher's tests check these
 * signatures with the verifier the MPS API uses, which the official SDK's own requests pass.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';

export interface Acs3Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** STS token of temporary keys (a function role's): sent as `x-acs-security-token`, with `x-acs-accesskey-id`. */
  readonly securityToken?: string;
}

export interface Acs3Request {
  readonly method: string;
  /** Host header value (`<account>.<region>.fc.aliyuncs.com`, or `127.0.0.1:port` in tests). */
  readonly host: string;
  /** Already percent-encoded path. */
  readonly path: string;
  readonly action: string;
  readonly version: string;
  readonly body: Buffer;
  readonly contentType: string;
  /** Headers sent but not signed (`x-fc-invocation-type`). */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** `2024-05-19T03:10:00Z`: seconds, no milliseconds, as the SDK sends it. */
export function acs3Date(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The request's headers, `Authorization` included. */
export function signAcs3(req: Acs3Request, credentials: Acs3Credentials, now: Date, nonce: string = randomUUID()): Record<string, string> {
  const payloadHash = sha256Hex(req.body);
  const signed: Record<string, string> = {
    host: req.host,
    'content-type': req.contentType,
    'x-acs-action': req.action,
    'x-acs-version': req.version,
    'x-acs-date': acs3Date(now),
    'x-acs-signature-nonce': nonce,
    'x-acs-content-sha256': payloadHash,
  };
  if (credentials.securityToken) {
    signed['x-acs-accesskey-id'] = credentials.accessKeyId;
    signed['x-acs-security-token'] = credentials.securityToken;
  }
  const names = Object.keys(signed).sort();
  const canonical = [
    req.method.toUpperCase(),
    req.path,
    '',
    names.map((n) => `${n}:${signed[n].trim()}\n`).join(''),
    names.join(';'),
    payloadHash,
  ].join('\n');
  const signature = createHmac('sha256', credentials.accessKeySecret).update(`ACS3-HMAC-SHA256\n${sha256Hex(canonical)}`, 'utf8').digest('hex');
  return {
    ...req.extraHeaders,
    ...signed,
    authorization: `ACS3-HMAC-SHA256 Credential=${credentials.accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`,
  };
}
