/**
 * Announces finished jobs on the in-process message service, the way MPS uses MNS: published to
 * the pipeline's topic and/or sent to its queue.
 */
import type { Pipeline } from '../../core/model';
import type { Notifier } from '../../core/ports';
import type { LocalMessageService } from './local-message-service';
import { MnsErrors } from './mns-errors';

export class LocalNotifier implements Notifier {
  constructor(private readonly messages: LocalMessageService) {}

  async publish(pipeline: Pipeline, body: string): Promise<{ messageId: string }> {
    if (!pipeline.topic && !pipeline.queue) {
      throw MnsErrors.invalidArgument(`pipeline ${pipeline.id} has no notification topic or queue`);
    }
    let messageId: string | undefined;
    if (pipeline.topic) messageId = (await this.messages.publish(pipeline.topic, body)).messageId;
    if (pipeline.queue) {
      const sent = await this.messages.send(pipeline.queue, body);
      messageId ??= sent.messageId;
    }
    return { messageId: messageId! };
  }
}
