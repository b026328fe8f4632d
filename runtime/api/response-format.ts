/**
 * JSON or XML. Both SDKs parse JSON only, while the legacy RPC default without `Format` is XML:
 * an explicit `Format` wins, then a V3 request or an `Accept` naming JSON asks for JSON, and
 * only a bare request (curl without either) gets the legacy XML.
 *
 * When the parameters cannot be read at all (body too large, bad encoding, wrong method or
 * path), `Format` may be hidden in the unread body: those errors are JSON, because JSON is what
 * every SDK can parse, unless the query string plainly asks for XML.
 */
export type ResponseFormat = 'json' | 'xml';

export const CONTENT_TYPES: Record<ResponseFormat, string> = {
  json: 'application/json;charset=utf-8',
  // openapi-core compares this exact string before parsing an XML error body.
  xml: 'text/xml;charset=utf-8',
};

/** `formatParam` is the decoded `Format` parameter when the parameters could be read. */
export function chooseFormat(headers: Readonly<Record<string, string>>, formatParam?: string): ResponseFormat {
  const asked = formatParam?.trim().toLowerCase();
  if (asked === 'json' || asked === 'xml') return asked;
  if ((headers['authorization'] ?? '').trimStart().startsWith('ACS3-')) return 'json';
  if (/json/i.test(headers['accept'] ?? '')) return 'json';
  return 'xml';
}

/** For errors raised before the parameters are decoded. */
export function formatBeforeParameters(rawQuery: string): ResponseFormat {
  const m = /(?:^|&)Format=([^&]*)/.exec(rawQuery);
  const asked = m?.[1].trim().toLowerCase();
  if (asked === 'xml' || asked === 'json') return asked;
  return 'json';
}
