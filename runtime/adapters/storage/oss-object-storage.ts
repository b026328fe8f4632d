/**
 * Buckets on Alibaba Cloud OSS. Inputs are never downloaded: `resolveInput` checks the object
 * and hands the capture engine a signed GET URL, so ffmpeg reads only the byte ranges it seeks to.
 */
import type { MediaSource, ObjectStorage } from '../../core/ports';
import { signedGetUrl } from './oss-signed-url';
import { OssClients, currentCredentials, normalizeRegion, ossCode, ossFailure, ossStatus, type OssConnectionOptions } from './oss-client';
import { encodeObjectKey } from './object-key-url';

export interface OssObjectStorageOptions extends OssConnectionOptions {
  /** Lifetime of the signed input URLs. Long enough for the slowest capture. @default 3600 */
  readonly signedUrlExpirySec?: number;
  /** When set, `publicUrl` answers `<publicBaseUrl>/<bucket>/<key>` instead of the bucket's OSS domain. */
  readonly publicBaseUrl?: string;
}

/** A key nobody writes: `bucketExists` reads it to learn whether the bucket is there. */
const PROBE_KEY = '.snapshot-pipeline-bucket-probe';

export class OssObjectStorage implements ObjectStorage {
  private readonly clients: OssClients;
  private readonly region: string;

  constructor(private readonly options: OssObjectStorageOptions) {
    this.clients = new OssClients(options);
    this.region = normalizeRegion(options.region);
  }

  async resolveInput(bucket: string, key: string): Promise<MediaSource> {
    const client = this.clients.forBucket(bucket);
    let sizeBytes: number | undefined;
    try {
      const head = await client.head(key);
      const length = Number((head.res.headers as Record<string, string>)['content-length']);
      sizeBytes = Number.isFinite(length) ? length : undefined;
    } catch (err) {
      throw ossFailure(err, `${bucket}/${key}`);
    }
    const creds = currentCredentials(client);
    const uri = signedGetUrl({
      bucketBaseUrl: this.clients.bucketBaseUrl(bucket),
      bucket,
      key,
      accessKeyId: creds.accessKeyId,
      accessKeySecret: creds.accessKeySecret,
      securityToken: creds.stsToken || undefined,
      expires: Math.floor(Date.now() / 1000) + (this.options.signedUrlExpirySec ?? 3600),
    });
    return { uri, sizeBytes };
  }

  async put(bucket: string, key: string, body: Buffer, contentType: string): Promise<void> {
    try {
      await this.clients.forBucket(bucket).put(key, body, { mime: contentType, headers: { 'Content-Type': contentType } });
    } catch (err) {
      throw ossFailure(err, `${bucket}/${key}`);
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    try {
      await this.clients.forBucket(bucket).delete(key);
    } catch (err) {
      if (ossStatus(err) === 404) return;
      throw ossFailure(err, `${bucket}/${key}`);
    }
  }

  /**
   * Reads a key that does not exist: OSS answers `NoSuchBucket` or `NoSuchKey`, which tells
   * whether the bucket exists with no more permission than reading objects.
   */
  async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.clients.forBucket(bucket).get(PROBE_KEY, { headers: { Range: 'bytes=0-0' } });
      return true;
    } catch (err) {
      const code = ossCode(err);
      if (code === 'NoSuchBucket') return false;
      if (code === 'NoSuchKey' || code === 'AccessDenied') return true;
      throw ossFailure(err, `bucket ${bucket}`);
    }
  }

  publicUrl(bucket: string, key: string): string {
    const custom = this.options.publicBaseUrl?.replace(/\/+$/, '');
    const base = custom ? `${custom}/${bucket}` : `https://${bucket}.oss-${this.region}.aliyuncs.com`;
    return `${base}/${encodeObjectKey(key)}`;
  }
}

