/**
 * How the cloud adapters reach MNS: one `@alicloud/mns` client per endpoint and credentials, and
 * the client's failures turned into MnsError values whose code is MNS's own (`TopicNotExist`...),
 * so a job's `MNSMessageResult.ErrorCode` says what MNS said.
 */
import MNSClient from '@alicloud/mns';
import { MnsError, MnsErrors } from './mns-errors';
import { escapeXml } from './mns-xml';

export interface MnsConnectionOptions {
  /** `https://<accountId>.mns.<region>.aliyuncs.com` (or the `-internal` form inside a VPC). */
  readonly endpoint: string;
  /** @default the first label of the endpoint host when it is an MNS host name */
  readonly accountId?: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** The STS token that comes with a function role's temporary keys. */
  readonly securityToken?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /**
   * Fresh temporary credentials. A function role's STS token expires (FC hands new ones to every
   * invocation), while an FC instance and its client can live longer; the client asks this getter
   * before a request once `refreshIntervalMs` has passed since the last refresh.
   */
  readonly refreshCredentials?: () => Promise<{ accessKeyId: string; accessKeySecret: string; securityToken: string }>;
  /** @default 5 minutes */
  readonly refreshIntervalMs?: number;
}

export function createMnsClient(options: MnsConnectionOptions): MNSClient {
  const host = new URL(options.endpoint).hostname;
  const accountId = options.accountId ?? (/\.mns\./.test(host) ? host.split('.')[0] : 'local');
  return new MNSClient(accountId, {
    endpoint: options.endpoint.replace(/\/+$/, ''),
    accessKeyId: options.accessKeyId,
    accessKeySecret: options.accessKeySecret,
    securityToken: options.securityToken,
    readTimeout: options.timeoutMs ?? 10_000,
    connectTimeout: options.timeoutMs ?? 10_000,
    refreshSTSToken: options.refreshCredentials,
    refreshSTSTokenInterval: options.refreshIntervalMs ?? 5 * 60 * 1000,
  });
}

/**
 * The client builds its XML by string concatenation without escaping, so a body holding `&` or
 * `<` (UserData may) would be rejected as malformed XML; MNS unescapes what we escape here.
 */
export function messageParams(body: string): { MessageBody: string } {
  return { MessageBody: escapeXml(body) };
}

export function toMnsError(err: unknown): MnsError {
  if (err instanceof MnsError) return err;
  const e = err as { name?: string; message?: string; code?: string };
  const named = /^MNS(\w+?)Error$/.exec(e?.name ?? '');
  if (named) {
    const status = Number(/failed with (\d{3})/.exec(e.message ?? '')?.[1] ?? 500);
    const detail = /message: (.*)$/s.exec(e.message ?? '')?.[1] ?? e.message ?? '';
    return new MnsError(named[1], detail, status);
  }
  return MnsErrors.network(`${e?.code ?? e?.name ?? 'Error'}: ${e?.message ?? String(err)}`);
}
