/**
 * The console's link to an object: the local bucket route (static-buckets.ts), relative so the
 * page works whichever loopback name it was opened under (`localhost`, `127.0.0.1`, `[::1]`).
 */
export function bucketUrl(bucket: string, key: string): string {
  return `/oss/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
