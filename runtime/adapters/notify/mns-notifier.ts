/**
 * Announces finished jobs on Alibaba Cloud MNS as MPS does: `PublishMessage` to the pipeline's
 * topic and/or `SendMessage` to its queue, the body being the job message JSON as is (spec 6.3,
 * not Base64). Failures are thrown as MnsError with MNS's code for the service to record in
 * `MNSMessageResult`.
 */
import type MNSClient from '@alicloud/mns';
import type { Pipeline } from '../../core/model';
import type { Notifier } from '../../core/ports';
import { createMnsClient, messageParams, toMnsError, type MnsConnectionOptions } from './mns-client';
import { MnsErrors } from './mns-errors';

export class MnsNotifier implements Notifier {
  private readonly client: MNSClient;

  constructor(options: MnsConnectionOptions) {
    this.client = createMnsClient(options);
  }

  async publish(pipeline: Pipeline, body: string): Promise<{ messageId: string }> {
    if (!pipeline.topic && !pipeline.queue) {
      throw MnsErrors.invalidArgument(`pipeline ${pipeline.id} has no notification topic or queue`);
    }
    try {
      let messageId: string | undefined;
      if (pipeline.topic) messageId = (await this.client.publishMessage(pipeline.topic, messageParams(body))).body.MessageId;
      if (pipeline.queue) {
        const sent = await this.client.sendMessage(pipeline.queue, messageParams(body));
        messageId ??= sent.body.MessageId;
      }
      return { messageId: messageId! };
    } catch (err) {
      throw toMnsError(err);
    }
  }
}
