/**
 * HTTP `Range: bytes=...` for the local bucket route (RFC 9110 section 14). Browsers need it to
 * seek in a `<video>`: without `206 Partial Content` Chromium plays from the start only.
 * One range per request (what media elements send); a multi-range request is served whole,
 * which the RFC allows.
 */

export type ByteRange = { readonly start: number; readonly end: number };

/**
 * `undefined`: no usable Range header, serve the whole object (200). `'unsatisfiable'`: answer
 * 416. Otherwise the inclusive byte range to send (206).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    // A suffix: the last N bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}
