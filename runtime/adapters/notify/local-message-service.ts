/**
 * An in-process stand-in for MNS: named topics and queues, topic subscriptions that deliver into
 * queues, and queue semantics as MNS has them (receive hides a message for a visibility timeout
 * and hands out a receipt handle; only `delete` with that handle removes it; long polling).
 *
 * Durable in a folder, so notifications written while no consumer runs are still there after a
 * restart:
 *
 *   <dir>/topics.json                       topics and their subscriptions
 *   <dir>/queues/<queue>/                   one folder per queue
 *   <dir>/queues/<queue>/<seq>-<id>.json    one file per message not yet deleted
 *
 * What lives only in memory is who is currently holding a message: after a restart every
 * undeleted message is visible again (at-least-once delivery, as with MNS after a timeout).
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isNotFound, isTempFile, writeFileAtomic } from '../fs-atomic';
import { MnsErrors } from './mns-errors';
import { renderXml } from './mns-xml';

/** How a topic hands a message to a subscribed queue (MNS `NotifyContentFormat`). */
export type NotifyContentFormat = 'SIMPLIFIED' | 'JSON' | 'XML';

export interface LocalMessageServiceOptions {
  readonly dir: string;
  /** Seconds a received message stays hidden unless deleted. @default 30 (the MNS default) */
  readonly visibilityTimeoutSec?: number;
  /** Shown as `TopicOwner` in JSON/XML topic notifications. @default '0' */
  readonly accountId?: string;
  /** Where unreadable message files are reported. @default console.warn */
  readonly warn?: (message: string) => void;
}

export interface SentMessage {
  readonly messageId: string;
  /** Upper-case hex MD5 of the body, as MNS reports it. */
  readonly bodyMd5: string;
}

export interface ReceivedMessage extends SentMessage {
  readonly receiptHandle: string;
  readonly body: string;
  readonly enqueueTime: number;
  readonly nextVisibleTime: number;
  readonly firstDequeueTime: number;
  readonly dequeueCount: number;
  readonly priority: number;
}

export interface ReceiveOptions {
  /** Overrides the service's visibility timeout for this receive. */
  readonly visibilityTimeoutSec?: number;
  /** Ends a long poll early (the caller went away). */
  readonly signal?: AbortSignal;
}

interface StoredMessage {
  readonly id: string;
  readonly seq: number;
  readonly body: string;
  readonly enqueueTime: number;
  readonly priority: number;
  /** When the message first becomes visible (`DelaySeconds`). */
  readonly visibleAt: number;
}

interface LiveMessage {
  readonly stored: StoredMessage;
  readonly file: string;
  nextVisibleTime: number;
  receiptHandle?: string;
  firstDequeueTime: number;
  dequeueCount: number;
}

interface Queue {
  readonly name: string;
  readonly dir: string;
  readonly messages: LiveMessage[];
  readonly waiters: Set<() => void>;
}

interface Subscription {
  readonly queue: string;
  readonly format: NotifyContentFormat;
}

interface TopicsFile {
  topics: Record<string, { subscriptions: Record<string, Subscription> }>;
}

/** MNS queue and topic names: a letter, then letters, digits or "-", at most 256. */
const NAME = /^[A-Za-z][A-Za-z0-9-]{0,255}$/;
const MAX_WAIT_SECONDS = 30;
const MAX_BODY_BYTES = 64 * 1024;

export function md5Hex(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex').toUpperCase();
}

function newMessageId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export class LocalMessageService {
  readonly dir: string;
  private readonly visibilityTimeoutSec: number;
  private readonly accountId: string;
  private readonly warn: (message: string) => void;
  private readonly queues = new Map<string, Queue>();
  private topics: TopicsFile = { topics: {} };
  private seq = 0;
  private loading?: Promise<void>;
  private metaWrite: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(options: LocalMessageServiceOptions) {
    this.dir = path.resolve(options.dir);
    this.visibilityTimeoutSec = options.visibilityTimeoutSec ?? 30;
    this.accountId = options.accountId ?? '0';
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  static async open(dir: string, options: Omit<LocalMessageServiceOptions, 'dir'> = {}): Promise<LocalMessageService> {
    const service = new LocalMessageService({ ...options, dir });
    await service.ready();
    return service;
  }

  ready(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    await fs.mkdir(path.join(this.dir, 'queues'), { recursive: true });
    try {
      this.topics = JSON.parse(await fs.readFile(path.join(this.dir, 'topics.json'), 'utf8')) as TopicsFile;
    } catch (err) {
      if (!isNotFound(err)) this.warn(`message service: ignoring unreadable ${path.join(this.dir, 'topics.json')}: ${(err as Error).message}`);
    }
    for (const name of await fs.readdir(path.join(this.dir, 'queues'))) {
      if (!NAME.test(name)) continue;
      const queue = this.addQueue(name);
      for (const file of await fs.readdir(queue.dir)) {
        const full = path.join(queue.dir, file);
        if (isTempFile(file)) {
          await fs.rm(full, { force: true });
          continue;
        }
        if (!file.endsWith('.json')) continue;
        try {
          const stored = JSON.parse(await fs.readFile(full, 'utf8')) as StoredMessage;
          if (typeof stored.id !== 'string' || typeof stored.body !== 'string' || typeof stored.seq !== 'number') throw new Error('not a message record');
          queue.messages.push({ stored, file: full, nextVisibleTime: stored.visibleAt, firstDequeueTime: 0, dequeueCount: 0 });
          this.seq = Math.max(this.seq, stored.seq);
        } catch (err) {
          this.warn(`message service: skipping unreadable message ${full}: ${(err as Error).message}`);
        }
      }
      queue.messages.sort((a, b) => a.stored.seq - b.stored.seq);
    }
  }

  private addQueue(name: string): Queue {
    const queue: Queue = { name, dir: path.join(this.dir, 'queues', name), messages: [], waiters: new Set() };
    this.queues.set(name, queue);
    return queue;
  }

  private checkName(kind: 'queue' | 'topic', name: string): void {
    if (!NAME.test(name)) throw MnsErrors.invalidArgument(`${kind} name "${name}" must start with a letter and hold only letters, digits and "-" (at most 256)`);
  }

  private async saveTopics(): Promise<void> {
    const text = JSON.stringify(this.topics, null, 2);
    this.metaWrite = this.metaWrite.catch(() => undefined).then(() => writeFileAtomic(path.join(this.dir, 'topics.json'), text));
    await this.metaWrite;
  }

  async createQueue(name: string): Promise<void> {
    this.checkName('queue', name);
    await this.ready();
    if (this.queues.has(name)) return;
    const queue = this.addQueue(name);
    await fs.mkdir(queue.dir, { recursive: true });
  }

  async createTopic(name: string): Promise<void> {
    this.checkName('topic', name);
    await this.ready();
    if (this.topicNamed(name)) return;
    this.topics.topics[name] = { subscriptions: {} };
    await this.saveTopics();
  }

  /** Delivers the topic's messages into the queue; creates both when missing. Idempotent. */
  async subscribe(topic: string, queue: string, options: { subscriptionName?: string; format?: NotifyContentFormat } = {}): Promise<void> {
    await this.createTopic(topic);
    await this.createQueue(queue);
    const name = options.subscriptionName ?? `${queue}-subscription`;
    this.checkName('queue', name);
    this.topics.topics[topic].subscriptions[name] = { queue, format: options.format ?? 'SIMPLIFIED' };
    await this.saveTopics();
  }

  /**
   * Own entries only: topic names are client input, and `constructor` or `toString` must not
   * find what every object inherits.
   */
  private topicNamed(name: string): TopicsFile['topics'][string] | undefined {
    return Object.prototype.hasOwnProperty.call(this.topics.topics, name) ? this.topics.topics[name] : undefined;
  }

  async queueExists(name: string): Promise<boolean> {
    await this.ready();
    return this.queues.has(name);
  }

  async topicExists(name: string): Promise<boolean> {
    await this.ready();
    return this.topicNamed(name) !== undefined;
  }

  private async queueNamed(name: string): Promise<Queue> {
    await this.ready();
    const queue = this.queues.get(name);
    if (!queue) throw MnsErrors.queueNotExist(name);
    return queue;
  }

  async send(queueName: string, body: string, options: { delaySeconds?: number; priority?: number } = {}): Promise<SentMessage> {
    if (this.closed) throw MnsErrors.unavailable('the local message service is closed');
    const queue = await this.queueNamed(queueName);
    if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) throw MnsErrors.invalidArgument(`the message body is larger than ${MAX_BODY_BYTES} bytes`);
    const delay = options.delaySeconds ?? 0;
    const priority = options.priority ?? 8;
    if (!Number.isInteger(delay) || delay < 0 || delay > 604800) throw MnsErrors.invalidArgument(`DelaySeconds must be an integer in [0, 604800], got ${delay}`);
    if (!Number.isInteger(priority) || priority < 1 || priority > 16) throw MnsErrors.invalidArgument(`Priority must be an integer in [1, 16], got ${priority}`);
    const now = Date.now();
    const stored: StoredMessage = { id: newMessageId(), seq: ++this.seq, body, enqueueTime: now, priority, visibleAt: now + delay * 1000 };
    const file = path.join(queue.dir, `${String(stored.seq).padStart(16, '0')}-${stored.id}.json`);
    // On disk before it is acknowledged: an accepted notification survives a crash.
    await writeFileAtomic(file, JSON.stringify(stored));
    queue.messages.push({ stored, file, nextVisibleTime: stored.visibleAt, firstDequeueTime: 0, dequeueCount: 0 });
    this.wake(queue);
    return { messageId: stored.id, bodyMd5: md5Hex(body) };
  }

  /** Publishes to a topic: one copy per subscribed queue, formatted as the subscription asks. */
  async publish(topicName: string, body: string): Promise<SentMessage> {
    if (this.closed) throw MnsErrors.unavailable('the local message service is closed');
    await this.ready();
    const topic = this.topicNamed(topicName);
    if (!topic) throw MnsErrors.topicNotExist(topicName);
    const messageId = newMessageId();
    const bodyMd5 = md5Hex(body);
    const publishTime = Date.now();
    for (const [subscriptionName, sub] of Object.entries(topic.subscriptions)) {
      const fields = {
        TopicOwner: this.accountId,
        TopicName: topicName,
        Subscriber: this.accountId,
        SubscriptionName: subscriptionName,
        MessageId: messageId,
        Message: body,
        MessageMD5: bodyMd5,
        PublishTime: publishTime,
      };
      const delivered = sub.format === 'JSON' ? JSON.stringify(fields) : sub.format === 'XML' ? notificationXml(fields) : body;
      try {
        await this.send(sub.queue, delivered);
      } catch (err) {
        // MNS keeps publishing to the other subscriptions when one endpoint is gone.
        this.warn(`message service: topic ${topicName} could not deliver to queue ${sub.queue}: ${(err as Error).message}`);
      }
    }
    return { messageId, bodyMd5 };
  }

  /**
   * The oldest visible message, hidden for the visibility timeout; waits up to `waitSeconds`
   * (at most 30, as MNS) for one to arrive. Resolves `undefined` when none came.
   */
  async receive(queueName: string, waitSeconds = 0, options: ReceiveOptions = {}): Promise<ReceivedMessage | undefined> {
    const queue = await this.queueNamed(queueName);
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
      throw MnsErrors.invalidArgument(`waitseconds must be in [0, ${MAX_WAIT_SECONDS}], got ${waitSeconds}`);
    }
    const visibility = options.visibilityTimeoutSec ?? this.visibilityTimeoutSec;
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const now = Date.now();
      const message = queue.messages.find((m) => m.nextVisibleTime <= now);
      if (message) {
        message.dequeueCount += 1;
        if (message.firstDequeueTime === 0) message.firstDequeueTime = now;
        message.nextVisibleTime = now + visibility * 1000;
        message.receiptHandle = `${message.stored.id}-${randomBytes(8).toString('hex').toUpperCase()}`;
        return {
          messageId: message.stored.id,
          bodyMd5: md5Hex(message.stored.body),
          receiptHandle: message.receiptHandle,
          body: message.stored.body,
          enqueueTime: message.stored.enqueueTime,
          nextVisibleTime: message.nextVisibleTime,
          firstDequeueTime: message.firstDequeueTime,
          dequeueCount: message.dequeueCount,
          priority: message.stored.priority,
        };
      }
      if (this.closed || options.signal?.aborted || now >= deadline) return undefined;
      const nextVisible = Math.min(...queue.messages.map((m) => m.nextVisibleTime), Infinity);
      await this.waitFor(queue, Math.min(deadline, nextVisible) - now, options.signal);
    }
  }

  /** Removes a received message. The handle must be the latest one and still within its timeout. */
  async delete(queueName: string, receiptHandle: string): Promise<void> {
    const queue = await this.queueNamed(queueName);
    const match = /^([0-9A-F]{32})-[0-9A-F]{16}$/.exec(receiptHandle);
    if (!match) throw MnsErrors.receiptHandleError(receiptHandle);
    const index = queue.messages.findIndex((m) => m.stored.id === match[1]);
    const message = queue.messages[index];
    // A handle from an earlier receive, or one whose timeout passed, no longer owns the message.
    if (!message || message.receiptHandle !== receiptHandle || message.nextVisibleTime <= Date.now()) throw MnsErrors.messageNotExist();
    await fs.rm(message.file, { force: true });
    const now = queue.messages.indexOf(message);
    if (now >= 0) queue.messages.splice(now, 1);
  }

  /** Messages in a queue, visible or not (for status pages and tests). */
  async depth(queueName: string): Promise<number> {
    return (await this.queueNamed(queueName)).messages.length;
  }

  /** Ends pending long polls; later sends fail. Messages stay on disk. */
  async close(): Promise<void> {
    this.closed = true;
    for (const queue of this.queues.values()) this.wake(queue);
    await this.metaWrite.catch(() => undefined);
  }

  private wake(queue: Queue): void {
    for (const waiter of [...queue.waiters]) waiter();
  }

  private waitFor(queue: Queue, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        queue.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      queue.waiters.add(done);
      signal?.addEventListener('abort', done);
    });
  }
}

function notificationXml(fields: Record<string, string | number>): string {
  return renderXml('Notification', fields);
}
