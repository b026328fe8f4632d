import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalMessageService } from '../../../runtime/adapters/notify/local-message-service';
import { LocalNotifier } from '../../../runtime/adapters/notify/local-notifier';
import { hasSettled, untilTimersArmed, useFakeClock } from '../../support/fake-clock';

describe('LocalMessageService', () => {
  let dir: string;
  let mq: LocalMessageService;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-mq-'));
    mq = await LocalMessageService.open(dir, { visibilityTimeoutSec: 30 });
  });
  afterEach(async () => {
    await mq.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a topic delivers each published message to every subscribed queue', async () => {
    await mq.subscribe('jobs-done', 'consumer-a');
    await mq.subscribe('jobs-done', 'consumer-b');
    const sent = await mq.publish('jobs-done', '{"JobId":"1"}');
    expect(sent.messageId).toMatch(/^[0-9A-F]{32}$/);
    expect((await mq.receive('consumer-a'))?.body).toBe('{"JobId":"1"}');
    expect((await mq.receive('consumer-b'))?.body).toBe('{"JobId":"1"}');
  });

  it('JSON-format subscriptions wrap the message as MNS topic notifications do', async () => {
    await mq.subscribe('t1', 'q-json', { format: 'JSON' });
    await mq.subscribe('t1', 'q-xml', { format: 'XML' });
    const { messageId } = await mq.publish('t1', 'a & <b>');
    const json = JSON.parse((await mq.receive('q-json'))!.body);
    expect(json).toMatchObject({ TopicName: 't1', MessageId: messageId, Message: 'a & <b>', SubscriptionName: 'q-json-subscription' });
    const xml = (await mq.receive('q-xml'))!.body;
    expect(xml).toContain('<Notification xmlns="http://mns.aliyuncs.com/doc/v1/">');
    expect(xml).toContain('<Message>a &amp; &lt;b&gt;</Message>');
  });

  it('FIFO, and a received message is hidden until its visibility timeout passes', async () => {
    await mq.createQueue('q');
    await mq.send('q', 'first');
    await mq.send('q', 'second');
    const a = await mq.receive('q', 0, { visibilityTimeoutSec: 1 });
    expect(a?.body).toBe('first');
    expect(a?.dequeueCount).toBe(1);
    expect((await mq.receive('q', 0, { visibilityTimeoutSec: 1 }))?.body).toBe('second');
    expect(await mq.receive('q')).toBeUndefined();
    // Not deleted: it comes back after the timeout, with a new handle; the old one is dead.
    const again = await mq.receive('q', 3);
    expect(again?.body).toBe('first');
    expect(again?.dequeueCount).toBe(2);
    await expect(mq.delete('q', a!.receiptHandle)).rejects.toMatchObject({ code: 'MessageNotExist' });
    await mq.delete('q', again!.receiptHandle);
    expect(await mq.depth('q')).toBe(1);
  });

  describe('long polling (on a fake clock: nothing here waits in real time)', () => {
    beforeEach(useFakeClock);
    afterEach(() => jest.useRealTimers());

    it('returns as soon as a message arrives, without the clock moving', async () => {
      await mq.createQueue('q');
      const pending = mq.receive('q', 10);
      await untilTimersArmed();
      await mq.send('q', 'late');
      expect((await pending)?.body).toBe('late');
    });

    it('gives up exactly after waitSeconds', async () => {
      await mq.createQueue('q');
      const pending = mq.receive('q', 1);
      await untilTimersArmed();
      jest.advanceTimersByTime(999);
      expect(await hasSettled(pending)).toBe(false);
      jest.advanceTimersByTime(1);
      expect(await pending).toBeUndefined();
    });

    it('close() ends a wait early', async () => {
      await mq.createQueue('q');
      const pending = mq.receive('q', 30);
      await untilTimersArmed();
      await mq.close();
      expect(await pending).toBeUndefined();
    });
  });

  it('messages, topics and subscriptions survive a restart; in-flight ones become visible again', async () => {
    await mq.subscribe('t', 'q');
    await mq.publish('t', 'one');
    await mq.publish('t', 'two');
    await mq.publish('t', 'three');
    const held = await mq.receive('q');
    await mq.delete('q', held!.receiptHandle);
    await mq.receive('q'); // "two" is received but not deleted when the process stops
    await mq.close();

    const reopened = await LocalMessageService.open(dir);
    expect((await reopened.receive('q'))?.body).toBe('two');
    expect((await reopened.receive('q'))?.body).toBe('three');
    await reopened.publish('t', 'four');
    expect((await reopened.receive('q'))?.body).toBe('four');
    await reopened.close();
  });

  it('a corrupt message file is skipped with a warning on open', async () => {
    await mq.createQueue('q');
    await mq.send('q', 'good');
    await fs.writeFile(path.join(dir, 'queues', 'q', '0000000000000099-BAD.json'), '{oops');
    const warnings: string[] = [];
    const reopened = await LocalMessageService.open(dir, { warn: (m) => warnings.push(m) });
    expect((await reopened.receive('q'))?.body).toBe('good');
    expect(await reopened.receive('q')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    await reopened.close();
  });

  it('unknown queues and topics, bad names and bad handles get MNS error codes', async () => {
    await expect(mq.send('missing', 'x')).rejects.toMatchObject({ code: 'QueueNotExist' });
    await expect(mq.publish('missing', 'x')).rejects.toMatchObject({ code: 'TopicNotExist' });
    await expect(mq.createQueue('../evil')).rejects.toMatchObject({ code: 'InvalidArgument' });
    await mq.createQueue('q');
    await expect(mq.delete('q', 'not-a-handle')).rejects.toMatchObject({ code: 'ReceiptHandleError' });
    await expect(mq.receive('q', 31)).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('LocalNotifier publishes to the pipeline topic and sends to its queue', async () => {
    await mq.subscribe('mts-topic', 'topic-consumer');
    await mq.createQueue('direct-queue');
    const notifier = new LocalNotifier(mq);
    const body = JSON.stringify({ JobId: 'abc', jobId: 'abc', State: 'Success', state: 'Success' });
    const { messageId } = await notifier.publish({ id: 'p', name: 'p', state: 'Active', topic: 'mts-topic', queue: 'direct-queue' }, body);
    expect(messageId).toMatch(/^[0-9A-F]{32}$/);
    expect((await mq.receive('topic-consumer'))?.body).toBe(body);
    expect((await mq.receive('direct-queue'))?.body).toBe(body);
    await expect(notifier.publish({ id: 'p2', name: 'p2', state: 'Active', topic: 'deleted-topic' }, body)).rejects.toMatchObject({ code: 'TopicNotExist' });
  });
});
