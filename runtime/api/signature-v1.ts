/**
 * Signature V1 (HMAC-SHA1, the "RPC signature"), used by pop-core and by the MPS SDK with
 * `signatureAlgorithm: 'v2'`. Canonicalized from decoded parameters, re-encoded with RFC 3986.
 */
import { createHmac } from 'node:crypto';
import { percentEncode } from './percent-encode';

/** `METHOD&%2F&percentEncode(sorted name=value pairs)`, every parameter except `Signature`. */
export function v1StringToSign(method: string, params: ReadonlyMap<string, string>): string {
  // Both SDKs sort the raw names with JavaScript's default (UTF-16 code unit) order.
  const names = [...params.keys()].filter((n) => n !== 'Signature').sort();
  const canonical = names.map((n) => `${percentEncode(n)}=${percentEncode(params.get(n) ?? '')}`).join('&');
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

/** Base64 HMAC-SHA1 keyed with `secret + "&"`. */
export function v1Sign(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}
