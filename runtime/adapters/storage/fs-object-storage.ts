/**
 * Buckets as folders: `<rootDir>/<bucket>/<key>`. This is what `npm start` uses, so dropping a
 * video into `<rootDir>/snapshot-input/` is how a local user adds input.
 *
 * Keys are checked again here although the core already rejects unsafe ones: a storage adapter
 * that writes files must never be the thing that lets a key escape its bucket.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Errors } from '../../core/errors';
import type { MediaSource, ObjectStorage } from '../../core/ports';
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
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export class FsObjectStorage implements ObjectStorage {
  readonly rootDir: string;
  private readonly publicBaseUrl?: string;

  constructor(options: FsObjectStorageOptions) {
    this.rootDir = path.resolve(options.rootDir);
    this.publicBaseUrl = options.publicBaseUrl?.replace(/\/+$/, '');
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
    const file = path.resolve(dir, key);
    if (!file.startsWith(dir + path.sep)) {
      throw Errors.objectKeyInvalid('Object', `the key "${key}" resolves outside bucket "${bucket}"`);
    }
    return file;
  }

  async resolveInput(bucket: string, key: string): Promise<MediaSource> {
    const file = this.objectPath(bucket, key);
    if (!(await this.bucketExists(bucket))) throw Errors.resourceNotFound(`bucket ${bucket}`);
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) throw Errors.resourceNotFound(`${bucket}/${key}`);
      return { uri: file, sizeBytes: stat.size };
    } catch (err) {
      if (isNotFound(err)) throw Errors.resourceNotFound(`${bucket}/${key}`);
      throw err;
    }
  }

  async put(bucket: string, key: string, body: Buffer, _contentType: string): Promise<void> {
    const file = this.objectPath(bucket, key);
    // Like OSS, writing never creates a bucket: a typo in a bucket name must not silently work.
    if (!(await this.bucketExists(bucket))) throw Errors.resourceNotFound(`bucket ${bucket}`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, body);
  }

  async delete(bucket: string, key: string): Promise<void> {
    const file = this.objectPath(bucket, key);
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
