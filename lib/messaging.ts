/**
 * MNS: the topic finished jobs are announced on (the pipeline's NotifyConfig in MPS terms), a
 * queue subscribed to it so consumers can pull notifications, and the topic that carries async
 * jobs from the API function to the worker.
 *
 * The jobs channel is an MNS topic with an FC topic trigger rather than FC's own async invocation:
 * the runtime already speaks MNS (@alicloud/mns) for notifications, MNS retries delivery with
 * back-off, and the trigger needs no extra SDK in the runtime. `alicloud_fcv3_async_invoke_config`
 * (in compute.ts) still bounds how often a failing job is retried.
 */
import { Construct } from 'constructs';
import { MessageServiceTopic } from '../.gen/providers/alicloud/message-service-topic';
import { MessageServiceQueue } from '../.gen/providers/alicloud/message-service-queue';
import { MessageServiceSubscription } from '../.gen/providers/alicloud/message-service-subscription';

export interface SnapshotMessagingProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: string;
  /** How long an unread notification stays in the queue, in seconds. */
  readonly notificationRetentionSeconds: number;
  readonly tags?: Record<string, string>;
}

/** MNS's largest message; a job message with many output keys must never be cut. */
const MAX_MESSAGE_BYTES = 65536;

export class SnapshotMessaging extends Construct {
  readonly notificationTopic: MessageServiceTopic;
  readonly notificationQueue: MessageServiceQueue;
  readonly subscription: MessageServiceSubscription;
  readonly jobsTopic: MessageServiceTopic;
  readonly notificationTopicName: string;
  readonly notificationQueueName: string;
  readonly jobsTopicName: string;

  constructor(scope: Construct, id: string, props: SnapshotMessagingProps) {
    super(scope, id);
    this.notificationTopic = new MessageServiceTopic(this, 'NotificationTopic', {
      topicName: `${props.namePrefix}-notifications`,
      maxMessageSize: MAX_MESSAGE_BYTES,
      tags: props.tags,
    });
    this.notificationQueue = new MessageServiceQueue(this, 'NotificationQueue', {
      queueName: `${props.namePrefix}-notifications`,
      maximumMessageSize: MAX_MESSAGE_BYTES,
      messageRetentionPeriod: props.notificationRetentionSeconds,
      visibilityTimeout: 60,
      pollingWaitSeconds: 0,
      delaySeconds: 0,
      tags: props.tags,
    });
    this.subscription = new MessageServiceSubscription(this, 'QueueSubscription', {
      topicName: this.notificationTopic.topicName,
      subscriptionName: `${props.namePrefix}-to-queue`,
      pushType: 'queue',
      endpoint: `acs:mns:${props.region}:${props.accountId}:queues/${this.notificationQueue.queueName}`,
      // SIMPLIFIED puts the job message itself in the queue message body, exactly what an MPS
      // pipeline with a QueueName NotifyConfig delivers, so existing consumers read it unchanged.
      notifyContentFormat: 'SIMPLIFIED',
      notifyStrategy: 'BACKOFF_RETRY',
    });
    this.jobsTopic = new MessageServiceTopic(this, 'JobsTopic', {
      topicName: `${props.namePrefix}-jobs`,
      maxMessageSize: MAX_MESSAGE_BYTES,
      tags: props.tags,
    });
    this.notificationTopicName = this.notificationTopic.topicName;
    this.notificationQueueName = this.notificationQueue.queueName;
    this.jobsTopicName = this.jobsTopic.topicName;
  }
}
