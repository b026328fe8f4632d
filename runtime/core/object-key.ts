/**
 * OSS object keys as MPS receives them: URL-encoded UTF-8 (`example%2Ftest.flv`), though the
 * official SDK examples also send raw keys (`{Count}.jpg`). Decoding once handles both, because
 * a raw key without `%` decodes to itself.
 *
 * Keys are also paths on the filesystem-backed buckets of the local service, so anything that
 * could leave a bucket or alias another key there (`..`, `.`, a leading `/`, backslashes, NUL and
 * other control characters) is refused for every bucket, local or OSS.
 */
import { describeValue } from './describe-value';
import { Errors } from './errors';

/** OSS allows 1023 bytes; MPS documents 1024 for `Object`. The stricter OSS limit is what writes hit. */
export const MAX_OBJECT_KEY_BYTES = 1023;

export function decodeObjectKey(name: string, raw: string): string {
  let key: string;
  try {
    key = decodeURIComponent(raw);
  } catch {
    throw Errors.objectKeyInvalid(
      name,
      `${describeValue(raw)} contains a malformed %-escape; send the key URL-encoded as UTF-8 (a literal "%" is "%25").`,
    );
  }
  checkObjectKey(name, key);
  return key;
}

/** Throws ObjectKeyInvalid unless `key` is a safe, non-empty OSS key. */
export function checkObjectKey(name: string, key: string): void {
  if (key.length === 0) throw Errors.objectKeyInvalid(name, 'the key is empty.');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_OBJECT_KEY_BYTES) {
    throw Errors.objectKeyInvalid(name, `the key is ${bytes} bytes long (UTF-8), at most ${MAX_OBJECT_KEY_BYTES} are allowed.`);
  }
  if (/[\u0000-\u001f\u007f]/.test(key)) throw Errors.objectKeyInvalid(name, 'the key contains NUL or another control character.');
  // UTF-8 has no form for an unpaired surrogate: written as U+FFFD, it would name another key's file.
  if (hasLoneSurrogate(key)) throw Errors.objectKeyInvalid(name, 'the key contains an unpaired UTF-16 surrogate (not valid Unicode).');
  if (key.includes('\\')) throw Errors.objectKeyInvalid(name, `"${key}" contains a backslash.`);
  if (key.startsWith('/')) throw Errors.objectKeyInvalid(name, `"${key}" starts with "/"; keys are relative to the bucket.`);
  if (key.endsWith('/')) throw Errors.objectKeyInvalid(name, `"${key}" ends with "/", which names a folder, not an object.`);
  if (key.split('/').some((seg) => seg === '..' || seg === '.')) {
    throw Errors.objectKeyInvalid(name, `"${key}" contains a "." or ".." path segment.`);
  }
}

export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
