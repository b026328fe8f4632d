/**
 * Browsing the local buckets one folder level at a time (as OSS lists with `Delimiter=/`), and
 * uploading into one. Every key goes through FsObjectStorage.objectPath, the same check that keeps
 * the service's own writes inside their bucket, so `..`, absolute paths and NUL never reach the disk.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as path from 'node:path';
import { isNotFound, isTempFile, TEMP_PREFIX } from '../../adapters/fs-atomic';
import type { FsObjectStorage } from '../../adapters/storage/fs-object-storage';
import { Errors, isSnapshotError } from '../../core/errors';
import { bucketUrl } from './bucket-url';

/** Most entries one listing returns; a folder with more is cut (`truncated`). */
export const MAX_LIST_ENTRIES = 1000;

export interface Listing {
  readonly bucket: string;
  readonly prefix: string;
  /** Sub-folders, as prefixes ending in `/`. */
  readonly folders: string[];
  readonly objects: { key: string; size: number; lastModified: string; url: string }[];
  readonly truncated: boolean;
}

export async function listFolder(storage: FsObjectStorage, bucket: string, prefix: string): Promise<Listing> {
  if (prefix !== '' && !prefix.endsWith('/')) throw Errors.invalidParameter('prefix', 'must be empty or end with "/".');
  // A key inside the folder proves the folder itself is inside the bucket.
  const dir = prefix === '' ? storage.bucketDir(bucket) : path.dirname(storage.objectPath(bucket, `${prefix}x`));
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isNotFound(e)) throw Errors.resourceNotFound(`${bucket}/${prefix}`);
    throw e;
  }
  const visible = entries.filter((e) => !isTempFile(e.name) && (e.isDirectory() || e.isFile())).sort((a, b) => (a.name < b.name ? -1 : 1));
  const shown = visible.slice(0, MAX_LIST_ENTRIES);
  const folders = shown.filter((e) => e.isDirectory()).map((e) => `${prefix}${e.name}/`);
  const objects = await Promise.all(
    shown
      .filter((e) => e.isFile())
      .map(async (e) => {
        const key = `${prefix}${e.name}`;
        const st = await fs.stat(path.join(dir, e.name));
        return { key, size: st.size, lastModified: st.mtime.toISOString(), url: bucketUrl(bucket, key) };
      }),
  );
  return { bucket, prefix, folders, objects, truncated: visible.length > shown.length };
}

/**
 * Streams `body` into `bucket/key` (a temp file renamed into place, so a half upload never shows
 * as an object). More than `maxBytes` is refused with `InvalidParameter.OutOfRange`.
 */
export async function uploadObject(storage: FsObjectStorage, bucket: string, key: string, body: Readable, maxBytes: number, declaredBytes?: number): Promise<number> {
  const file = storage.objectPath(bucket, key);
  if (!(await storage.bucketExists(bucket))) throw Errors.resourceNotFound(`bucket ${bucket}`);
  const tooLarge = () => Errors.outOfRange('file', `the upload is larger than ${maxBytes} bytes, the most the console accepts.`);
  if (declaredBytes !== undefined && declaredBytes > maxBytes) throw tooLarge();
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    if ((await fs.stat(file).catch(() => undefined))?.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // `a/b` where `a` is an object, or `a` where `a/` is a folder: a file system cannot hold both.
    if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
      throw Errors.objectKeyInvalid('key', `"${key}" clashes with an existing object or folder of the same name.`);
    }
    throw e;
  }
  const temp = path.join(path.dirname(file), `${TEMP_PREFIX}upload-${randomBytes(6).toString('hex')}`);
  let bytes = 0;
  try {
    await pipeline(
      body,
      async function* limit(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > maxBytes) throw tooLarge();
          yield chunk;
        }
      },
      createWriteStream(temp),
    );
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    // A browser tab closed mid-upload is the client's doing, not a failure of the service.
    if (!isSnapshotError(e) && body.destroyed) throw Errors.invalidParameter('file', `the upload was cut off after ${bytes} bytes.`);
    throw e;
  }
  return bytes;
}
