/**
 * MNS: the topic finished jobs are announced on (the pipeline's NotifyConfig in MPS terms) and a
 * queue subscribed to it so consumers can pull notifications. (Async jobs do not pass through MNS:
 * the API function invokes the worker asynchronously, see compute.ts.)
 */
import { Construct } from 'constructs';
import { MessageServiceTopic } from '../.gen/providers/alicloud/message-service-topic';
import { MessageServiceQueue } from '../.gen/providers/alicloud/message-service-queue';
import { MessageServiceSubscription } from '../.gen/providers/alicloud/message-service-subscription';

export interface SnapshotMessagingProps {
  readonly namePrefix: string;
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
  readonly notificationTopicName: string;
  readonly notificationQueueName: string;

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
      // The 2022-01-19 Subscribe API this resource calls takes the queue's name for push type
      // queue ("Queue Format: A queue name" in the provider's docs). The ARN form
      // acs:mns:<region>:<account>:queues/<name> belongs to the deprecated
      // alicloud_mns_topic_subscription; here it fails with EndpointInvalid
      // (aliyun/terraform-provider-alicloud#5857).
      endpoint: this.notificationQueue.queueName,
      // SIMPLIFIED puts the job message itself in the queue message body, exactly what an MPS
      // pipeline with a QueueName NotifyConfig delivers, so existing consumers read it unchanged.
      notifyContentFormat: 'SIMPLIFIED',
      notifyStrategy: 'BACKOFF_RETRY',
    });
    this.notificationTopicName = this.notificationTopic.topicName;
    this.notificationQueueName = this.notificationQueue.queueName;
  }
}
