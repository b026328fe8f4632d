/**
 * Signature V3 (ACS3-HMAC-SHA256), the default of `@alicloud/mts20140618` 4.x. The verifier
 * canonicalizes exactly the headers the client lists in `SignedHeaders`, in that order, rather
 * than re-deriving the list (proxies add headers the client never signed).
 */
import { createHash, createHmac } from 'node:crypto';
import { Errors } from '../core/errors';
import { percentEncode } from './percent-encode';

export const ACS3_HMAC_SHA256 = 'ACS3-HMAC-SHA256';

export interface Acs3Authorization {
  readonly algorithm: string;
  readonly credential: string;
  /** Lower-case header names, in the order given. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** `ACS3-HMAC-SHA256 Credential=<ak>,SignedHeaders=<h1;h2>,Signature=<hex>`. */
export function parseAcs3Authorization(value: string): Acs3Authorization {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  if (space < 0) throw Errors.incompleteSignature('The Authorization header has no Credential, SignedHeaders and Signature.');
  const algorithm = trimmed.slice(0, space);
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const missing = [
    ['Credential', credential],
    ['SignedHeaders', signedHeaders],
    ['Signature', signature],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0) {
    throw Errors.incompleteSignature(`The Authorization header lacks ${missing.join(', ')}.`);
  }
  return {
    algorithm,
    credential: credential!,
    signedHeaders: signedHeaders!.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h !== ''),
    signature: signature!,
  };
}

export interface V3CanonicalInput {
  readonly method: string;
  readonly path: string;
  /** Decoded query-string parameters. */
  readonly query: ReadonlyMap<string, string>;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly signedHeaders: readonly string[];
  /** Hex SHA-256 of the raw body. */
  readonly payloadHash: string;
}

export function v3CanonicalRequest(input: V3CanonicalInput): string {
  const uri = (input.path || '/').replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  // The SDK leaves the names as they are and encodes only the values; a verifier must match it.
  const query = [...input.query.keys()]
    .sort()
    .map((name) => `${name}=${percentEncode(input.query.get(name) ?? '')}`)
    .join('&');
  const headers = input.signedHeaders.map((h) => `${h}:${(input.headers[h] ?? '').trim()}\n`).join('');
  return [input.method.toUpperCase(), uri, query, headers, input.signedHeaders.join(';'), input.payloadHash].join('\n');
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function v3StringToSign(canonicalRequest: string): string {
  return `${ACS3_HMAC_SHA256}\n${sha256Hex(canonicalRequest)}`;
}

/** Hex HMAC-SHA256 keyed with the bare secret (no `&`, unlike V1). */
export function v3Sign(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex');
}
