/**
 * How the OSS adapters reach Object Storage Service: one ali-oss client per bucket, and ali-oss
 * failures mapped to the MPS codes a client of this service understands.
 */
import OSS from 'ali-oss';
import { Errors, SnapshotError } from '../../core/errors';

export interface OssConnectionOptions {
  /** Region id, `cn-hangzhou` (the `oss-` prefix is optional). */
  readonly region: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** STS token of temporary credentials (a function role's `ALIBABA_CLOUD_SECURITY_TOKEN`). */
  readonly securityToken?: string;
  /**
   * Called when ali-oss finds the STS credentials older than `refreshIntervalMs`; FC hands fresh
   * ones to every invocation, so long-lived processes should pass a getter.
   */
  readonly refreshCredentials?: () => Promise<{ accessKeyId: string; accessKeySecret: string; securityToken: string }>;
  /** @default 5 minutes */
  readonly refreshIntervalMs?: number;
  /** Use the region's internal endpoint (`oss-<region>-internal.aliyuncs.com`): free traffic inside the region. */
  readonly internal?: boolean;
  /** A custom endpoint, e.g. `https://oss-cn-hangzhou-internal.aliyuncs.com` or a local test server. */
  readonly endpoint?: string;
  /** Address buckets as `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>`. @default false */
  readonly pathStyle?: boolean;
  /** @default true unless `endpoint` says http */
  readonly secure?: boolean;
  /** @default 60000 */
  readonly timeoutMs?: number;
}

export function normalizeRegion(region: string): string {
  return region.replace(/^oss-/, '');
}

/** The credentials an ali-oss client currently holds (they change when STS tokens are refreshed). */
export interface OssClientCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly stsToken?: string;
}

export function currentCredentials(client: OSS): OssClientCredentials {
  return (client as unknown as { options: OssClientCredentials }).options;
}

export class OssClients {
  private readonly clients = new Map<string, OSS>();

  constructor(private readonly options: OssConnectionOptions) {}

  /** The URL prefix of a bucket's objects, as ali-oss addresses them with these options. */
  bucketBaseUrl(bucket: string): string {
    const o = this.options;
    if (o.endpoint) {
      const url = new URL(/^https?:\/\//.test(o.endpoint) ? o.endpoint : `${o.secure === false ? 'http' : 'https'}://${o.endpoint}`);
      const isIp = /^[\d.]+$|^\[/.test(url.hostname);
      const origin = `${url.protocol}//${url.host}`;
      return o.pathStyle || isIp ? `${origin}/${bucket}` : `${url.protocol}//${bucket}.${url.host}`;
    }
    const scheme = o.secure === false ? 'http' : 'https';
    return `${scheme}://${bucket}.oss-${normalizeRegion(o.region)}${o.internal ? '-internal' : ''}.aliyuncs.com`;
  }

  forBucket(bucket: string): OSS {
    let client = this.clients.get(bucket);
    if (!client) {
      const o = this.options;
      client = new OSS({
        region: `oss-${normalizeRegion(o.region)}`,
        accessKeyId: o.accessKeyId,
        accessKeySecret: o.accessKeySecret,
        stsToken: o.securityToken,
        // ali-oss warns on every client made with an STS token but no interval.
        refreshSTSTokenInterval: o.refreshIntervalMs ?? 5 * 60 * 1000,
        refreshSTSToken: o.refreshCredentials
          ? async () => {
              const c = await o.refreshCredentials!();
              return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, stsToken: c.securityToken };
            }
          : undefined,
        internal: o.internal ?? false,
        secure: o.secure ?? (o.endpoint ? o.endpoint.startsWith('https:') : true),
        endpoint: o.endpoint,
        bucket,
        timeout: o.timeoutMs ?? 60_000,
        ...(o.pathStyle ? { sldEnable: true } : {}),
      } as OSS.Options);
      this.clients.set(bucket, client);
    }
    return client;
  }
}

/** What ali-oss reports on a failed call. */
interface OssFailure {
  name?: string;
  code?: string;
  status?: number;
  message?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function ossStatus(err: unknown): number | undefined {
  return (err as OssFailure | undefined)?.status;
}

export function ossCode(err: unknown): string | undefined {
  return (err as OssFailure | undefined)?.code;
}

/** `what` names the bucket/object in the message (`bucket/key`). */
export function ossFailure(err: unknown, what: string): SnapshotError {
  if (err instanceof SnapshotError) return err;
  const e = (err ?? {}) as OssFailure;
  const status = e.status ?? 0;
  if (status === 404) return Errors.resourceNotFound(what);
  if (status === 403) return Errors.permissionDenied(what);
  const name = e.name ?? '';
  if (status === -1 || status === -2 || status >= 500 || /Timeout|Connection|RequestError|SocketError/.test(name) || NETWORK_CODES.has(e.code ?? '')) {
    return Errors.transientNetwork();
  }
  return Errors.internal(`OSS ${e.code ?? name} on ${what}: ${e.message ?? String(err)}`);
}
