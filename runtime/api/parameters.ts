/**
 * Request parameters as the signature and the actions see them: decoded from the query string
 * and, for form posts, the body. The two SDKs encode differently on the wire (Node's
 * querystring leaves `()*!` bare, pop-core escapes everything), so nothing downstream may look
 * at the raw encoding.
 */
import { Errors } from '../core/errors';
import type { ApiRequest } from './http-types';

export interface RequestParameters {
  /** Query-string parameters only (V3 signs these; the body is covered by its hash). */
  readonly query: ReadonlyMap<string, string>;
  /** Form-body parameters only. */
  readonly form: ReadonlyMap<string, string>;
  /** Both, merged; a name may appear only once across the two. */
  readonly all: ReadonlyMap<string, string>;
}

/**
 * Decodes `application/x-www-form-urlencoded` text (also the query-string syntax): `+` is a
 * space, `%XY` sequences must form valid UTF-8. A repeated name is rejected rather than guessed
 * at, because the signature and the action must agree on one value.
 */
export function decodeUrlEncoded(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const name = decodeComponent(rawName, rawName);
    if (name === '') continue;
    checkName(name);
    const value = decodeComponent(rawValue, name);
    if (out.has(name)) throw Errors.invalidParameter(name, 'the parameter is given more than once.');
    out.set(name, value);
  }
  return out;
}

/**
 * V3 canonicalizes names as sent, without re-encoding (the SDK does the same), so a name that
 * decodes to `=` or `&` would sign like other parameters than the ones it means:
 * `MaximumPageSize%3D1%26State=Fail` and `MaximumPageSize=1&State=Fail`. No real parameter name
 * holds those or control characters.
 */
function checkName(name: string): void {
  if (/[=&\u0000-\u001f\u007f]/.test(name)) {
    const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}...` : name).slice(1, -1);
    throw Errors.invalidParameter(shown, 'a parameter name must not contain "=", "&" or control characters.');
  }
}

function decodeComponent(raw: string, nameForErrors: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw Errors.invalidParameter(nameForErrors, 'it is not valid percent-encoded UTF-8.');
  }
}

export function isFormBody(headers: Record<string, string>): boolean {
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded';
}

/** Other body types (JSON, binary) carry no parameters for these RPC actions and are ignored. */
export function readParameters(req: Pick<ApiRequest, 'rawQuery' | 'headers' | 'body'>): RequestParameters {
  const query = decodeUrlEncoded(req.rawQuery);
  const form = req.body.length > 0 && isFormBody(req.headers) ? decodeUrlEncoded(req.body.toString('utf8')) : new Map<string, string>();
  const all = new Map(query);
  for (const [name, value] of form) {
    if (all.has(name)) throw Errors.invalidParameter(name, 'the parameter is given both in the query string and in the body.');
    all.set(name, value);
  }
  return { query, form, all };
}
