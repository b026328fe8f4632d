/**
 * The gateway's authentication: which signature scheme a request uses, whose key signed it,
 * whether the signature, the security token, the clock and the nonce check out. Each failure is
 * the error code (and HTTP status) the Alibaba Cloud gateway answers with.
 */
import { timingSafeEqual } from 'node:crypto';
import { Errors } from '../core/errors';
import type { Clock } from '../core/ports';
import type { Credential, CredentialStore } from './credentials';
import type { ApiRequest } from './http-types';
import { MAX_NONCE_LENGTH, type NonceCache } from './nonce-cache';
import type { RequestParameters } from './parameters';
import { v1Sign, v1StringToSign } from './signature-v1';
import { ACS3_HMAC_SHA256, parseAcs3Authorization, sha256Hex, v3CanonicalRequest, v3Sign, v3StringToSign } from './signature-v3';
import { parseAcsTimestamp } from './timestamp';

export type SignatureScheme = 'v1' | 'v3';

export interface AuthContext {
  readonly credentials: CredentialStore;
  readonly clock: Clock;
  readonly nonces: NonceCache;
  /** Allowed difference between the request's time and the server's, either way. @default 15 minutes */
  readonly clockWindowMs?: number;
}

export interface Authenticated {
  readonly scheme: SignatureScheme;
  readonly accessKeyId: string;
  /** The signature nonce, for replay protection shared across instances (api/replay-guard.ts). */
  readonly nonce: string;
}

export const DEFAULT_CLOCK_WINDOW_MS = 15 * 60 * 1000;

/** V3 when an `Authorization` header is present (whatever its algorithm), else V1. */
export function detectScheme(headers: Readonly<Record<string, string>>): SignatureScheme {
  return headers['authorization'] !== undefined ? 'v3' : 'v1';
}

export function authenticate(req: ApiRequest, params: RequestParameters, ctx: AuthContext): Authenticated {
  return detectScheme(req.headers) === 'v3' ? authenticateV3(req, params, ctx) : authenticateV1(req, params, ctx);
}

function authenticateV1(req: ApiRequest, params: RequestParameters, ctx: AuthContext): Authenticated {
  const p = params.all;
  const accessKeyId = p.get('AccessKeyId');
  if (!accessKeyId) throw Errors.missingParameter('AccessKeyId');
  const signature = p.get('Signature');
  if (!signature) throw Errors.missingParameter('Signature');
  const method = p.get('SignatureMethod');
  if (!method) throw Errors.missingParameter('SignatureMethod');
  if (method !== 'HMAC-SHA1') throw Errors.invalidSignatureMethod(method);
  const version = p.get('SignatureVersion');
  if (!version) throw Errors.missingParameter('SignatureVersion');
  if (version !== '1.0') throw Errors.incompleteSignature(`SignatureVersion "${version}" is not supported; use 1.0.`);
  const timestamp = p.get('Timestamp');
  if (!timestamp) throw Errors.illegalTimestamp();
  checkClock(timestamp, ctx);
  const nonce = p.get('SignatureNonce');
  if (!nonce) throw Errors.missingParameter('SignatureNonce');
  checkNonceLength('SignatureNonce', nonce);

  const credential = lookup(accessKeyId, ctx);
  const stringToSign = v1StringToSign(req.method, p);
  if (!sameText(signature, v1Sign(stringToSign, credential.accessKeySecret))) {
    throw Errors.signatureDoesNotMatch(stringToSign);
  }
  checkToken(p.get('SecurityToken'), credential);
  rememberNonce(accessKeyId, nonce, ctx);
  return { scheme: 'v1', accessKeyId, nonce };
}

/** Headers whose change would alter what the request does or when it may run. */
const MUST_BE_SIGNED_WHEN_SENT = ['x-acs-action', 'x-acs-version', 'x-acs-security-token', 'x-acs-accesskey-id'];
const MUST_BE_SENT_AND_SIGNED = ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];
/**
 * As the gateway requires: `host` always (a request signed for one endpoint must not be accepted
 * by another), `content-type` whenever there is a body (it decides how the body is read).
 */
function mustBeSigned(req: ApiRequest): string[] {
  return req.body.length > 0 ? ['host', 'content-type'] : ['host'];
}

function authenticateV3(req: ApiRequest, params: RequestParameters, ctx: AuthContext): Authenticated {
  const h = req.headers;
  const auth = parseAcs3Authorization(h['authorization']);
  if (auth.algorithm !== ACS3_HMAC_SHA256) {
    throw Errors.incompleteSignature(
      `The signature algorithm "${auth.algorithm}" is not supported; use ${ACS3_HMAC_SHA256} or signature V1 (HMAC-SHA1).`,
    );
  }
  for (const name of MUST_BE_SENT_AND_SIGNED) {
    if (!h[name]) throw Errors.missingParameter(name);
  }
  for (const name of [...MUST_BE_SENT_AND_SIGNED, ...MUST_BE_SIGNED_WHEN_SENT]) {
    if (h[name] !== undefined && !auth.signedHeaders.includes(name)) {
      throw Errors.incompleteSignature(`SignedHeaders must include the "${name}" header.`);
    }
  }
  for (const name of mustBeSigned(req)) {
    if (!auth.signedHeaders.includes(name)) throw Errors.incompleteSignature(`SignedHeaders must include the "${name}" header.`);
  }
  checkNonceLength('x-acs-signature-nonce', h['x-acs-signature-nonce']);
  const payloadHash = sha256Hex(req.body);
  if (h['x-acs-content-sha256'].trim().toLowerCase() !== payloadHash) {
    throw Errors.incompleteSignature('The x-acs-content-sha256 header does not match the SHA-256 of the request body.');
  }
  checkClock(h['x-acs-date'], ctx);
  const stated = h['x-acs-accesskey-id'];
  if (stated !== undefined && stated.trim() !== auth.credential) {
    throw Errors.incompleteSignature('The x-acs-accesskey-id header differs from the Credential of the Authorization header.');
  }

  const credential = lookup(auth.credential, ctx);
  const canonical = v3CanonicalRequest({
    method: req.method,
    path: req.path,
    query: params.query,
    headers: h,
    signedHeaders: auth.signedHeaders,
    payloadHash,
  });
  const stringToSign = v3StringToSign(canonical);
  if (!sameText(auth.signature.toLowerCase(), v3Sign(stringToSign, credential.accessKeySecret))) {
    throw Errors.signatureDoesNotMatch(stringToSign);
  }
  checkToken(h['x-acs-security-token'], credential);
  rememberNonce(auth.credential, h['x-acs-signature-nonce'], ctx);
  return { scheme: 'v3', accessKeyId: auth.credential, nonce: h['x-acs-signature-nonce'] };
}

function checkClock(value: string, ctx: AuthContext): void {
  const at = parseAcsTimestamp(value);
  if (at === undefined) throw Errors.timestampFormat(value);
  const window = ctx.clockWindowMs ?? DEFAULT_CLOCK_WINDOW_MS;
  if (Math.abs(ctx.clock.now().getTime() - at) > window) throw Errors.timestampExpired(value);
}

/** The cache holds only verified nonces, but a verified request may still carry a huge one. */
function checkNonceLength(name: string, nonce: string): void {
  if (nonce.length > MAX_NONCE_LENGTH) {
    throw Errors.invalidParameter(name, `the nonce is ${nonce.length} characters long, at most ${MAX_NONCE_LENGTH} are allowed.`);
  }
}

function lookup(accessKeyId: string, ctx: AuthContext): Credential {
  const credential = ctx.credentials.lookup(accessKeyId);
  if (!credential) throw Errors.invalidAccessKeyIdNotFound();
  return credential;
}

/** STS keys need their token; a long-term key sent with a token is as suspect as a wrong token. */
function checkToken(sent: string | undefined, credential: Credential): void {
  const expected = credential.securityToken;
  if (expected === undefined ? sent !== undefined && sent !== '' : sent === undefined || !sameText(sent, expected)) {
    throw Errors.invalidSecurityToken();
  }
}

/** Only nonces of verified requests are stored, so strangers cannot fill the cache or burn nonces. */
function rememberNonce(accessKeyId: string, nonce: string, ctx: AuthContext): void {
  const verdict = ctx.nonces.use(`${accessKeyId}\n${nonce}`, ctx.clock.now().getTime());
  if (verdict === 'replayed') throw Errors.signatureNonceUsed();
  if (verdict === 'full') throw Errors.throttling();
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
