import { ACCOUNT, ref, REGION, resource, resources, synthPipeline } from './synth';

describe('MNS', () => {
  test('notification topic feeds a queue through a SIMPLIFIED subscription, so the queue holds the job message itself', () => {
    const { tf } = synthPipeline({ region: REGION, accountId: ACCOUNT, namePrefix: 'dev-snaps' });
    const sub = resource(tf, 'alicloud_message_service_subscription', 'Messaging/QueueSubscription');
    // The Subscribe API (2022-01-19) behind this resource takes the queue's name for push type
    // queue, not the acs:mns:...:queues/<name> ARN of the deprecated alicloud_mns_topic_subscription.
    expect(sub).toMatchObject({
      topic_name: ref(tf, 'alicloud_message_service_topic', 'Messaging/NotificationTopic', 'topic_name'),
      push_type: 'queue',
      endpoint: ref(tf, 'alicloud_message_service_queue', 'Messaging/NotificationQueue', 'queue_name'),
      notify_content_format: 'SIMPLIFIED',
      notify_strategy: 'BACKOFF_RETRY',
    });
    const queue = resource(tf, 'alicloud_message_service_queue', 'Messaging/NotificationQueue');
    expect(queue).toMatchObject({ queue_name: 'dev-snaps-notifications', message_retention_period: 345600, maximum_message_size: 65536 });
  });

  test('one topic and one queue, named after the prefix; no topic carries jobs', () => {
    const { tf } = synthPipeline({ namePrefix: 'dev-snaps' });
    expect(resources(tf, 'alicloud_message_service_topic').map(([, t]) => t.topic_name)).toEqual(['dev-snaps-notifications']);
    expect(resources(tf, 'alicloud_message_service_queue').map(([, q]) => q.queue_name)).toEqual(['dev-snaps-notifications']);
    expect(resources(tf, 'alicloud_fcv3_function').map(([, f]) => f.function_name).sort()).toEqual(['dev-snaps-api', 'dev-snaps-worker']);
  });
});
