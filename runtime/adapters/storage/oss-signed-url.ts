/**
 * Signed GET URLs for OSS objects (OSS signature V1 in the query string: `OSSAccessKeyId`,
 * `Expires`, `Signature`, plus `security-token` for STS credentials).
 *
 * Signed here rather than with ali-oss's `signatureUrl`, which refuses endpoints given as IP
 * addresses; an IP endpoint is also what statically linked ffmpeg builds need, because they crash
 * resolving host names through glibc's NSS.
 */
import { createHmac } from 'node:crypto';
import { encodeObjectKey } from './object-key-url';

export interface UrlSigningInput {
  /** Where the bucket is reached: `https://<bucket>.oss-<region>.aliyuncs.com` or `<endpoint>/<bucket>`. */
  readonly bucketBaseUrl: string;
  readonly bucket: string;
  readonly key: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
  /** Seconds since the epoch after which OSS refuses the URL. */
  readonly expires: number;
}

export function signedGetUrl(i: UrlSigningInput): string {
  // Sub-resources (here only the STS token) are part of the signed resource, sorted by name.
  const resource = `/${i.bucket}/${i.key}${i.securityToken ? `?security-token=${i.securityToken}` : ''}`;
  const stringToSign = `GET\n\n\n${i.expires}\n${resource}`;
  const signature = createHmac('sha1', i.accessKeySecret).update(stringToSign, 'utf8').digest('base64');
  const query = new URLSearchParams({ OSSAccessKeyId: i.accessKeyId, Expires: String(i.expires), Signature: signature });
  if (i.securityToken) query.set('security-token', i.securityToken);
  return `${i.bucketBaseUrl}/${encodeObjectKey(i.key)}?${query.toString()}`;
}
