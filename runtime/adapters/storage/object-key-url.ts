/**
 * Object keys in URLs: every byte percent-encoded except the unreserved ones and "/", as OSS does.
 * The `{Count}` placeholder stays literal, because notifications report `UrlPattern` as
 * `.../name-{Count}.jpg` (spec 6.2) for consumers to substitute.
 */
export function encodeObjectKey(key: string): string {
  return keepCountPlaceholder(
    encodeURIComponent(key)
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%2F/g, '/'),
  );
}

export function keepCountPlaceholder(url: string): string {
  return url.replace(/%7BCount%7D/gi, '{Count}');
}
