/**
 * A small HTTP server that speaks the MNS queue/topic protocol (API version 2015-06-06) over a
 * LocalMessageService. Local users read job notifications with the official `@alicloud/mns`
 * client pointed at it; tests use it as the protocol-level peer of MnsNotifier.
 *
 * Implemented: CreateQueue, CreateTopic, Subscribe (queue endpoints), SendMessage,
 * ReceiveMessage (with long polling), BatchReceiveMessage, DeleteMessage, PublishMessage.
 * Every request must carry a valid `Authorization: MNS <AccessKeyId>:<Signature>` header, and,
 * when `allowedHosts` is set (always with `start()`), a `Host` among them, so web pages cannot
 * reach it. Failures that are not MNS errors are logged and answered without their text.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowedHostsFor, isAllowedHost } from '../http/allowed-hosts';
import { createLimitedServer, type HttpServerLimits } from '../http/server-limits';
import type { LocalMessageService, NotifyContentFormat, ReceivedMessage } from './local-message-service';
import { MnsError, MnsErrors, isMnsError } from './mns-errors';
import { elementText, renderXml, renderXmlList, rootElement } from './mns-xml';

export const MNS_API_VERSION = '2015-06-06';

export interface MnsCredential {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

export interface MnsProtocolServerOptions {
  readonly messages: LocalMessageService;
  readonly credentials: readonly MnsCredential[];
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** Accepted for symmetry with MNS endpoints (`<accountId>.mns.<region>...`); not checked. */
  readonly accountId?: string;
  /** Requests whose `Date` is further than this from the server clock are refused. @default 15 min */
  readonly maxClockSkewMs?: number;
  /** Largest request body accepted. @default 256 KiB */
  readonly maxBodyBytes?: number;
  /**
   * `Host` header values served (`127.0.0.1:<port>`); others get AccessDenied.
   * @default with `start()`: the loopback names with its port; with `handler()`: any
   */
  readonly allowedHosts?: readonly string[];
  /** Connection limits of the server `start()` makes. @default see HttpServerLimits */
  readonly httpLimits?: HttpServerLimits;
  /** Where failures that are not MNS errors go. @default console.error */
  readonly logError?: (message: string, cause: unknown) => void;
}

interface MnsRequest {
  readonly method: string;
  /** Path and query exactly as sent: this is what the client signed. */
  readonly resource: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly signal: AbortSignal;
}

interface MnsReply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

export class MnsProtocolServer {
  private server?: http.Server;
  private readonly stopping = new AbortController();
  private allowedHosts?: readonly string[];

  /** Use `handler()` to mount it on your own HTTP server, or `MnsProtocolServer.start()` to listen. */
  constructor(private readonly options: MnsProtocolServerOptions) {
    this.allowedHosts = options.allowedHosts;
  }

  /** Creates the protocol server and listens on `host:port` (127.0.0.1 and a free port by default). */
  static async start(options: MnsProtocolServerOptions): Promise<MnsProtocolServer> {
    const instance = new MnsProtocolServer(options);
    const server = createLimitedServer(options.httpLimits, instance.handler());
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    instance.server = server;
    instance.allowedHosts ??= allowedHostsFor(host, instance.port);
    return instance;
  }

  /** The request listener, for an HTTP server the caller owns. */
  handler(): http.RequestListener {
    return (req, res) => void this.handle(req, res);
  }

  /** The port `start()` listens on. */
  get port(): number {
    if (!this.server) throw new Error('MnsProtocolServer.port: not started with MnsProtocolServer.start()');
    return (this.server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:<port>`: pass as `endpoint` to `new MNSClient(accountId, { endpoint, ... })`. */
  get endpoint(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  /**
   * Ends pending long polls (they answer MessageNotExist) and, when `start()` made the server,
   * stops listening. The message service stays open.
   */
  async close(): Promise<void> {
    this.stopping.abort();
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Aborted long polls answer within a tick; whatever is still open after that is dropped.
    const grace = setTimeout(() => server.closeAllConnections(), 200);
    await closed;
    clearTimeout(grace);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID().replace(/-/g, '').toUpperCase().slice(0, 24);
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    const onStop = (): void => aborted.abort();
    this.stopping.signal.addEventListener('abort', onStop);
    let reply: MnsReply;
    try {
      if (this.allowedHosts && !isAllowedHost(req.headers.host, this.allowedHosts)) {
        throw MnsErrors.accessDenied(`the Host header "${String(req.headers.host ?? '').slice(0, 100)}" is not an address of this server`);
      }
      const body = await readBody(req, this.options.maxBodyBytes ?? 256 * 1024);
      const resource = req.url ?? '/';
      const url = parseUrl(resource);
      const request: MnsRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        resource,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: body.toString('utf8'),
        signal: aborted.signal,
      };
      this.authenticate(request, body);
      reply = await this.route(request, `http://${String(req.headers.host ?? 'localhost')}`);
    } catch (err) {
      const e = isMnsError(err) ? err : this.unexpected(err, requestId);
      reply = {
        status: e.httpStatus,
        body: renderXml('Error', { Code: e.code, Message: e.message, RequestId: requestId, HostId: String(req.headers.host ?? 'localhost') }),
      };
    } finally {
      this.stopping.signal.removeEventListener('abort', onStop);
    }
    if (res.destroyed) return;
    res.writeHead(reply.status, {
      'x-mns-request-id': requestId,
      'x-mns-version': MNS_API_VERSION,
      ...(reply.body !== undefined ? { 'content-type': 'text/xml;charset=utf-8', 'content-length': String(Buffer.byteLength(reply.body)) } : {}),
      ...reply.headers,
    });
    res.end(reply.body);
  }

  /** Internal texts (a TypeError, a file system error) say nothing useful to a client: log them. */
  private unexpected(err: unknown, requestId: string): MnsError {
    const log = this.options.logError ?? ((message: string, cause: unknown) => console.error(message, cause));
    log(`[mns] request ${requestId} failed unexpectedly`, err);
    return MnsErrors.unavailable(`internal error (request ${requestId})`);
  }

  /** MNS signature: base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate\n<x-mns-* headers><resource>)). */
  private authenticate(req: MnsRequest, body: Buffer): void {
    const header = String(req.headers.authorization ?? '');
    const match = /^MNS ([^:\s]+):(\S+)$/.exec(header);
    if (!match) throw MnsErrors.accessDenied('the Authorization header must be "MNS <AccessKeyId>:<Signature>"');
    const credential = this.options.credentials.find((c) => c.accessKeyId === match[1]);
    if (!credential) throw MnsErrors.invalidAccessKeyId();
    const version = String(req.headers['x-mns-version'] ?? '');
    if (version !== MNS_API_VERSION) throw MnsErrors.invalidArgument(`x-mns-version must be "${MNS_API_VERSION}", got "${version}"`);
    const date = String(req.headers.date ?? '');
    const at = Date.parse(date);
    if (Number.isNaN(at)) throw MnsErrors.invalidArgument(`the Date header "${date}" is not an HTTP date`);
    if (Math.abs(Date.now() - at) > (this.options.maxClockSkewMs ?? 15 * 60 * 1000)) throw MnsErrors.timeExpired(date);
    const md5 = String(req.headers['content-md5'] ?? '');
    if (md5 !== '') {
      const hex = createHash('md5').update(body).digest('hex');
      // The MNS SDKs send base64 of the hex digest; RFC 1864 clients send base64 of the raw digest.
      const accepted = [Buffer.from(hex, 'utf8').toString('base64'), Buffer.from(hex, 'hex').toString('base64')];
      if (!accepted.includes(md5)) throw MnsErrors.invalidArgument('Content-MD5 does not match the request body');
    }
    const mnsHeaders = Object.keys(req.headers)
      .filter((k) => k.startsWith('x-mns-'))
      .sort()
      .map((k) => `${k}:${String(req.headers[k])}\n`)
      .join('');
    const stringToSign = `${req.method}\n${md5}\n${String(req.headers['content-type'] ?? '')}\n${date}\n${mnsHeaders}${req.resource}`;
    const expected = createHmac('sha1', credential.accessKeySecret).update(stringToSign, 'utf8').digest();
    const given = Buffer.from(match[2], 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw MnsErrors.signatureDoesNotMatch(stringToSign);
  }

  private async route(req: MnsRequest, base: string): Promise<MnsReply> {
    const messages = this.options.messages;
    const parts = req.path.split('/').filter(Boolean).map(decodePathPart);
    const [kind, name, sub, subName] = parts;
    if (kind === 'queues' && name && parts.length === 2 && req.method === 'PUT') {
      const existed = await messages.queueExists(name);
      await messages.createQueue(name);
      return { status: existed ? 204 : 201, headers: { location: `${base}/queues/${name}` } };
    }
    if (kind === 'topics' && name && parts.length === 2 && req.method === 'PUT') {
      const existed = await messages.topicExists(name);
      await messages.createTopic(name);
      return { status: existed ? 204 : 201, headers: { location: `${base}/topics/${name}` } };
    }
    if (kind === 'topics' && name && sub === 'subscriptions' && subName && parts.length === 4 && req.method === 'PUT') {
      return this.subscribe(name, subName, req.body, base);
    }
    if (kind === 'queues' && name && sub === 'messages' && parts.length === 3) {
      if (req.method === 'POST') return this.send(name, req.body);
      if (req.method === 'GET') return this.receive(name, req);
      if (req.method === 'DELETE') {
        const handle = req.query.get('ReceiptHandle') ?? req.query.get('receiptHandle');
        if (!handle) throw MnsErrors.invalidArgument('ReceiptHandle is required (batch delete is not supported here)');
        await messages.delete(name, handle);
        return { status: 204 };
      }
    }
    if (kind === 'topics' && name && sub === 'messages' && parts.length === 3 && req.method === 'POST') {
      if (!(await messages.topicExists(name))) throw MnsErrors.topicNotExist(name);
      const { body } = parseMessage(req.body);
      const sent = await messages.publish(name, body);
      return { status: 201, body: renderXml('Message', { MessageId: sent.messageId, MessageBodyMD5: sent.bodyMd5 }) };
    }
    throw MnsErrors.notFound(`${req.method} ${req.path}`);
  }

  private async subscribe(topic: string, subscriptionName: string, xml: string, base: string): Promise<MnsReply> {
    if (rootElement(xml) !== 'Subscription') throw MnsErrors.malformedXml('expected a <Subscription> document');
    const endpoint = elementText(xml, 'Endpoint') ?? '';
    const queue = /^acs:mns:[^:]*:[^:]*:queues\/([^/]+)$/.exec(endpoint)?.[1];
    if (!queue) throw MnsErrors.invalidArgument(`only queue endpoints ("acs:mns:<region>:<account>:queues/<queue>") are supported, got "${endpoint}"`);
    const format = (elementText(xml, 'NotifyContentFormat') ?? 'SIMPLIFIED') as NotifyContentFormat;
    if (!['SIMPLIFIED', 'JSON', 'XML'].includes(format)) throw MnsErrors.invalidArgument(`NotifyContentFormat "${format}" is not one of SIMPLIFIED, JSON, XML`);
    if (!(await this.options.messages.topicExists(topic))) throw MnsErrors.topicNotExist(topic);
    if (!(await this.options.messages.queueExists(queue))) throw MnsErrors.queueNotExist(queue);
    await this.options.messages.subscribe(topic, queue, { subscriptionName, format });
    return { status: 201, headers: { location: `${base}/topics/${topic}/subscriptions/${subscriptionName}` } };
  }

  private async send(queue: string, xml: string): Promise<MnsReply> {
    const { body, delaySeconds, priority } = parseMessage(xml);
    const sent = await this.options.messages.send(queue, body, { delaySeconds, priority });
    return { status: 201, body: renderXml('Message', { MessageId: sent.messageId, MessageBodyMD5: sent.bodyMd5 }) };
  }

  private async receive(queue: string, req: MnsRequest): Promise<MnsReply> {
    if (req.query.has('peekonly')) throw MnsErrors.invalidArgument('PeekMessage is not supported by the local message service');
    const wait = intParam(req.query.get('waitseconds'), 'waitseconds', 0, 30) ?? 0;
    const batch = intParam(req.query.get('numOfMessages'), 'numOfMessages', 1, 16);
    const first = await this.options.messages.receive(queue, wait, { signal: req.signal });
    if (!first) throw MnsErrors.messageNotExist();
    if (batch === undefined) return { status: 200, body: renderXml('Message', messageFields(first)) };
    const all: ReceivedMessage[] = [first];
    while (all.length < batch) {
      const next = await this.options.messages.receive(queue, 0);
      if (!next) break;
      all.push(next);
    }
    return { status: 200, body: renderXmlList('Messages', 'Message', all.map(messageFields)) };
  }
}

function messageFields(m: ReceivedMessage): Record<string, string | number> {
  return {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MessageBodyMD5: m.bodyMd5,
    MessageBody: m.body,
    EnqueueTime: m.enqueueTime,
    FirstDequeueTime: m.firstDequeueTime,
    NextVisibleTime: m.nextVisibleTime,
    DequeueCount: m.dequeueCount,
    Priority: m.priority,
  };
}

function parseMessage(xml: string): { body: string; delaySeconds?: number; priority?: number } {
  const root = rootElement(xml);
  if (root === 'Messages') throw MnsErrors.invalidArgument('batch send is not supported by the local message service');
  if (root !== 'Message') throw MnsErrors.malformedXml('expected a <Message> document');
  const body = elementText(xml, 'MessageBody');
  if (body === undefined) throw MnsErrors.invalidArgument('MessageBody is required');
  const delay = elementText(xml, 'DelaySeconds');
  const priority = elementText(xml, 'Priority');
  return {
    body,
    delaySeconds: delay === undefined || delay === '' ? undefined : Number(delay),
    priority: priority === undefined || priority === '' ? undefined : Number(priority),
  };
}

function parseUrl(resource: string): URL {
  try {
    return new URL(resource, 'http://mns.local');
  } catch {
    throw MnsErrors.invalidArgument('the request URL is not valid');
  }
}

function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw MnsErrors.invalidArgument(`the path part "${part.slice(0, 100)}" is not valid percent-encoded UTF-8`);
  }
}

function intParam(value: string | null, name: string, min: number, max: number): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw MnsErrors.invalidArgument(`${name} must be an integer in [${min}, ${max}], got "${value}"`);
  return n;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(MnsErrors.invalidArgument(`the request body is larger than ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // The client hung up: there is no one to answer, and nothing went wrong here.
    req.on('error', () => reject(MnsErrors.invalidArgument('the client aborted the request')));
  });
}

export { MnsError };
