/**
 * The official SDKs, configured the way an MPS user would, changing only the endpoint.
 */
import MtsClient from '@alicloud/mts20140618';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import RPCClient from '@alicloud/pop-core';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MNSClient = require('@alicloud/mns');
import type { LocalService } from '../../runtime/entry/local-server';

export function mtsClient(svc: LocalService, opts: { signatureAlgorithm?: 'v2'; accessKeySecret?: string; securityToken?: string } = {}): MtsClient {
  const config = new $OpenApiUtil.Config({
    accessKeyId: svc.accessKeyId,
    accessKeySecret: opts.accessKeySecret ?? svc.accessKeySecret,
    securityToken: opts.securityToken,
    endpoint: `${svc.host}:${svc.port}`,
    protocol: 'http',
    regionId: svc.region,
    readTimeout: 30000,
    connectTimeout: 5000,
  });
  if (opts.signatureAlgorithm) config.signatureAlgorithm = opts.signatureAlgorithm;
  return new MtsClient(config);
}

export function popClient(svc: LocalService, opts: { accessKeySecret?: string } = {}): RPCClient {
  return new RPCClient({
    accessKeyId: svc.accessKeyId,
    accessKeySecret: opts.accessKeySecret ?? svc.accessKeySecret,
    endpoint: svc.endpoint,
    apiVersion: '2014-06-18',
    opts: { timeout: 30000 },
  } as RPCClient.Config);
}

export interface MnsMessage {
  readonly body: string;
  readonly receiptHandle: string;
  readonly messageId: string;
}

/** The official MNS client, pointed at the local MNS protocol server. */
export function mnsClient(svc: LocalService & { mnsEndpoint: string; accountId: string }) {
  const client = new MNSClient(svc.accountId, {
    endpoint: svc.mnsEndpoint,
    accessKeyId: svc.accessKeyId,
    accessKeySecret: svc.accessKeySecret,
  });
  return {
    raw: client,
    async receive(queue: string, waitSeconds = 5): Promise<MnsMessage | undefined> {
      try {
        const res = await client.receiveMessage(queue, waitSeconds);
        const m = res.body;
        return { body: m.MessageBody, receiptHandle: m.ReceiptHandle, messageId: m.MessageId };
      } catch (e) {
        if ((e as { name?: string; code?: string }).name === 'MNSMessageNotExistError' || (e as { code?: string }).code === 'MessageNotExist') return undefined;
        throw e;
      }
    },
    async delete(queue: string, receiptHandle: string): Promise<void> {
      await client.deleteMessage(queue, receiptHandle);
    },
  };
}
