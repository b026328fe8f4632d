/**
 * RFC 3986 percent-encoding as Alibaba Cloud signatures use it: UTF-8, only `A-Z a-z 0-9 - _ . ~`
 * left as is, upper-case hex, space as `%20` (never `+`).
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
