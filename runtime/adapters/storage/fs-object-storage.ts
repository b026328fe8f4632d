/**
 * Buckets as folders: `<rootDir>/<bucket>/<key>`. This is what `npm start` uses, so dropping a
 * video into `<rootDir>/snapshot-input/` is how a local user adds input.
 *
 * Keys are checked again here although the core already rejects unsafe ones: a storage adapter
 * that writes files must never be the thing that lets a key escape its bucket. That includes
 * symbolic links: a link inside a bucket folder may point anywhere (the data dir's state.json,
 * a file outside the data dir), so every read and write is resolved to its real path and must
 * stay inside the bucket's real folder; a link that leads out is refused like a `..` key.
 *
 * Writes also keep a free-space floor on the disk of the buckets, so a job cannot fill the disk
 * the job records, the messages and the rest of the machine live on.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Errors, isSnapshotError } from '../../core/errors';
import type { MediaSource, ObjectStorage } from '../../core/ports';
import { hasLoneSurrogate } from '../../core/object-key';
import { isNotFound, writeFileAtomic } from '../fs-atomic';
import { encodeObjectKey, keepCountPlaceholder } from './object-key-url';

export interface FsObjectStorageOptions {
  /** The folder that holds one folder per bucket. */
  readonly rootDir: string;
  /**
   * When set, `publicUrl` answers `<publicBaseUrl>/<bucket>/<key>` (e.g. a static file server
   * over `rootDir`); otherwise a `file://` URL of the object.
   */
  readonly publicBaseUrl?: string;
  /** Writes are refused (PermissionDenied.ResourceQuotaExceed) when they would leave less free space on the disk. @default 256 MiB */
  readonly minFreeBytes?: number;
}

export const DEFAULT_MIN_FREE_BYTES = 256 * 1024 * 1024;
/** Most file systems hold at most 255 bytes in one file name. */
const MAX_SEGMENT_BYTES = 255;

function longSegment(key: string): string | undefined {
  return key.split('/').find((seg) => Buffer.byteLength(seg, 'utf8') > MAX_SEGMENT_BYTES);
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export class FsObjectStorage implements ObjectStorage {
  readonly rootDir: string;
  private readonly publicBaseUrl?: string;
  private readonly minFreeBytes: number;

  constructor(options: FsObjectStorageOptions) {
    this.rootDir = path.resolve(options.rootDir);
    this.publicBaseUrl = options.publicBaseUrl?.replace(/\/+$/, '');
    this.minFreeBytes = options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  }

  /** The folder of a bucket (whether or not it exists). */
  bucketDir(bucket: string): string {
    if (!BUCKET_NAME.test(bucket)) throw Errors.bucketNameInvalid('Bucket', bucket);
    return path.join(this.rootDir, bucket);
  }

  /** Creates the bucket folder; local setups call this for their default buckets. */
  async createBucket(bucket: string): Promise<string> {
    const dir = this.bucketDir(bucket);
    await fs.mkdir(dir, { recursive: true });
    return dir;
  }

  /** The file of an object; throws `ObjectKeyInvalid` for keys that would leave the bucket folder. */
  objectPath(bucket: string, key: string): string {
    const dir = this.bucketDir(bucket);
    if (key.length === 0) throw Errors.objectKeyInvalid('Object', 'the key is empty');
    if (key.includes('\0')) throw Errors.objectKeyInvalid('Object', `the key "${key.replace(/\0/g, '\\0')}" contains a NUL character`);
    if (key.startsWith('/') || key.includes('\\')) {
      throw Errors.objectKeyInvalid('Object', `the key "${key}" must be relative and use "/" as separator`);
    }
    if (key.endsWith('/')) throw Errors.objectKeyInvalid('Object', `the key "${key}" names a folder, not an object`);
    if (hasLoneSurrogate(key)) throw Errors.objectKeyInvalid('Object', 'the key contains an unpaired UTF-16 surrogate (not valid Unicode)');
    const long = longSegment(key);
    if (long !== undefined) {
      throw Errors.objectKeyInvalid('Object', `a "/"-separated part of the key is ${Buffer.byteLength(long, 'utf8')} bytes long; local buckets hold at most ${MAX_SEGMENT_BYTES} bytes per part`);
    }
    const file = path.resolve(dir, key);
    if (!file.startsWith(dir + path.sep)) {
      throw Errors.objectKeyInvalid('Object', `the key "${key}" resolves outside bucket "${bucket}"`);
    }
    return file;
  }

  async resolveInput(bucket: string, key: string): Promise<MediaSource> {
    this.objectPath(bucket, key);
    if (!(await this.bucketExists(bucket))) throw Errors.resourceNotFound(`bucket ${bucket}`);
    const found = await this.findObject(bucket, key);
    if (!found) throw Errors.resourceNotFound(`${bucket}/${key}`);
    // The resolved path, so that a link changed after the check cannot redirect the read.
    return { uri: found.path, sizeBytes: found.size };
  }

  /**
   * The object's real file and size, or undefined when there is no such file. Throws
   * ObjectKeyInvalid when the key reaches outside the bucket through a symbolic link.
   */
  async findObject(bucket: string, key: string): Promise<{ path: string; size: number } | undefined> {
    const file = this.objectPath(bucket, key);
    try {
      const real = await fs.realpath(file);
      await this.confine(bucket, key, real);
      const stat = await fs.stat(real);
      return stat.isFile() ? { path: real, size: stat.size } : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Throws unless `real` (a resolved path) is inside the bucket's real folder (or, for folders, is it). */
  private async confine(bucket: string, key: string, real: string, folder = false): Promise<void> {
    const dir = await fs.realpath(this.bucketDir(bucket));
    if (!real.startsWith(dir + path.sep) && !(folder && real === dir)) {
      throw Errors.objectKeyInvalid('Object', `the key "${key}" leads outside bucket "${bucket}" through a symbolic link`);
    }
  }

  /** The nearest existing folder on the way to `file` must be inside the bucket (links resolved). */
  private async confineParent(bucket: string, key: string, file: string): Promise<void> {
    const top = this.bucketDir(bucket);
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      try {
        const real = await fs.realpath(dir);
        if (dir !== top) await this.confine(bucket, key, real, true);
        return;
      } catch (err) {
        if (!isNotFound(err) || dir === top) throw err;
      }
    }
  }

  private async checkFreeSpace(incoming: number): Promise<void> {
    if (this.minFreeBytes <= 0) return;
    const st = await fs.statfs(this.rootDir);
    const free = st.bavail * st.bsize;
    if (free - incoming < this.minFreeBytes) {
      const mib = (n: number) => `${Math.floor(n / (1024 * 1024))} MiB`;
      throw Errors.quotaExceeded(`the disk of the local buckets has ${mib(free)} free, and writes stop when less than ${mib(this.minFreeBytes)} would be left.`);
    }
  }

  async put(bucket: string, key: string, body: Buffer, _contentType: string): Promise<void> {
    const file = this.objectPath(bucket, key);
    // Like OSS, writing never creates a bucket: a typo in a bucket name must not silently work.
    if (!(await this.bucketExists(bucket))) throw Errors.resourceNotFound(`bucket ${bucket}`);
    await this.checkFreeSpace(body.length);
    // Before mkdir: a recursive mkdir through a linked folder would already create folders outside.
    await this.confineParent(bucket, key, file);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // The rename replaces a link named like the object, never the file it points to.
    await writeFileAtomic(file, body);
  }

  async delete(bucket: string, key: string): Promise<void> {
    // No file can have such a name: nothing to delete (a job cleaning up a refused write).
    if (longSegment(key) !== undefined) return;
    const file = this.objectPath(bucket, key);
    try {
      await this.confineParent(bucket, key, file);
    } catch (err) {
      // A folder that does not exist, or one that leads out of the bucket, holds no object of it.
      if (isNotFound(err) || isSnapshotError(err)) return;
      throw err;
    }
    // rm removes a link named like the object, not its target.
    await fs.rm(file, { force: true });
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      return (await fs.stat(this.bucketDir(bucket))).isDirectory();
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  publicUrl(bucket: string, key: string): string {
    if (this.publicBaseUrl) return `${this.publicBaseUrl}/${bucket}/${encodeObjectKey(key)}`;
    return keepCountPlaceholder(pathToFileURL(path.join(this.bucketDir(bucket), key)).href);
  }
}
