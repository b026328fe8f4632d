import MNSClient from '@alicloud/mns';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalMessageService } from '../../../runtime/adapters/notify/local-message-service';
import { MnsNotifier } from '../../../runtime/adapters/notify/mns-notifier';
import { MnsProtocolServer } from '../../../runtime/adapters/notify/mns-protocol-server';

const cred = { accessKeyId: 'LTAImnslocal', accessKeySecret: 'mns-secret' };

describe('MNS protocol server with the official @alicloud/mns client', () => {
  let dir: string;
  let mq: LocalMessageService;
  let server: MnsProtocolServer;
  let client: MNSClient;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mns-server-'));
    mq = await LocalMessageService.open(dir);
    await mq.subscribe('snapshot-notify', 'snapshot-notify-queue');
    server = await MnsProtocolServer.start({ messages: mq, credentials: [cred] });
    client = new MNSClient('1234567890', { endpoint: server.endpoint, ...cred });
  });
  afterAll(async () => {
    await server.close();
    await mq.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('send, receive and delete a queue message', async () => {
    await client.createQueue('work-queue');
    const sent = await client.sendMessage('work-queue', { MessageBody: 'hello queue' });
    expect(sent.code).toBe(201);
    expect(sent.body.MessageId).toMatch(/^[0-9A-F]{32}$/);
    expect(sent.body.MessageBodyMD5).toBe(createHash('md5').update('hello queue').digest('hex').toUpperCase());
    const got = await client.receiveMessage('work-queue', 1);
    expect(got.code).toBe(200);
    expect(got.body).toMatchObject({ MessageId: sent.body.MessageId, MessageBody: 'hello queue', DequeueCount: '1' });
    expect(got.body.MessageBodyMD5).toBe(sent.body.MessageBodyMD5);
    const del = await client.deleteMessage('work-queue', got.body.ReceiptHandle);
    expect(del.code).toBe(204);
    await expect(client.receiveMessage('work-queue', 1)).rejects.toMatchObject({ name: 'MNSMessageNotExistError' });
    await expect(client.deleteMessage('work-queue', got.body.ReceiptHandle)).rejects.toMatchObject({ name: 'MNSMessageNotExistError' });
  });

  it('publish to a topic reaches the subscribed queue', async () => {
    const published = await client.publishMessage('snapshot-notify', { MessageBody: '{"JobId":"j1","State":"Success"}' });
    expect(published.code).toBe(201);
    const got = await client.receiveMessage('snapshot-notify-queue', 1);
    expect(JSON.parse(got.body.MessageBody)).toEqual({ JobId: 'j1', State: 'Success' });
    await client.deleteMessage('snapshot-notify-queue', got.body.ReceiptHandle);
  });

  it('long polling: a receive waiting with waitseconds gets a message sent meanwhile', async () => {
    await client.createQueue('poll-queue');
    const receiving = client.receiveMessage('poll-queue', 10);
    await new Promise((r) => setTimeout(r, 200));
    await client.sendMessage('poll-queue', { MessageBody: 'arrived' });
    expect((await receiving).body.MessageBody).toBe('arrived');
  });

  it('refuses a wrong secret, an unknown key and unknown queues with MNS error codes', async () => {
    const wrong = new MNSClient('1234567890', { endpoint: server.endpoint, accessKeyId: cred.accessKeyId, accessKeySecret: 'nope' });
    await expect(wrong.sendMessage('work-queue', { MessageBody: 'x' })).rejects.toMatchObject({ name: 'MNSSignatureDoesNotMatchError' });
    const stranger = new MNSClient('1234567890', { endpoint: server.endpoint, accessKeyId: 'LTAIother', accessKeySecret: 'x' });
    await expect(stranger.receiveMessage('work-queue')).rejects.toMatchObject({ name: 'MNSInvalidAccessKeyIdError' });
    await expect(client.sendMessage('no-such-queue', { MessageBody: 'x' })).rejects.toMatchObject({ name: 'MNSQueueNotExistError' });
    await expect(client.publishMessage('no-such-topic', { MessageBody: 'x' })).rejects.toMatchObject({ name: 'MNSTopicNotExistError' });
  });

  it('answers unsigned or tampered raw requests with MNS error XML', async () => {
    const res = await rawRequest(server.port, 'POST', '/queues/work-queue/messages', '<Message><MessageBody>x</MessageBody></Message>', { 'x-mns-version': '2015-06-06' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toMatch(/<Error xmlns="http:\/\/mns\.aliyuncs\.com\/doc\/v1\/"><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><RequestId>[^<]+<\/RequestId><HostId>/);
  });

  it('MnsNotifier sends the job message as raw JSON, any characters included', async () => {
    const notifier = new MnsNotifier({ endpoint: server.endpoint, accountId: '1234567890', ...cred });
    await client.createQueue('direct-queue');
    const body = JSON.stringify({ JobId: 'j2', UserData: 'a b(c)*!\'~+é & <tag> "q"' });
    const { messageId } = await notifier.publish({ id: 'p', name: 'p', state: 'Active', topic: 'snapshot-notify', queue: 'direct-queue' }, body);
    expect(messageId).toMatch(/^[0-9A-F]{32}$/);
    const viaTopic = await client.receiveMessage('snapshot-notify-queue', 1);
    expect(viaTopic.body.MessageBody).toBe(body);
    expect(viaTopic.body.MessageId).not.toBe('');
    await client.deleteMessage('snapshot-notify-queue', viaTopic.body.ReceiptHandle);
    expect((await client.receiveMessage('direct-queue', 1)).body.MessageBody).toBe(body);
  });

  it('MnsNotifier failures carry the MNS error code for MNSMessageResult', async () => {
    const notifier = new MnsNotifier({ endpoint: server.endpoint, accountId: '1234567890', ...cred });
    await expect(notifier.publish({ id: 'p', name: 'p', state: 'Active', topic: 'gone-topic' }, '{}')).rejects.toMatchObject({
      code: 'TopicNotExist',
      message: expect.stringContaining('gone-topic'),
    });
    const down = new MnsNotifier({ endpoint: 'http://127.0.0.1:1', accountId: '1', ...cred, timeoutMs: 2000 });
    await expect(down.publish({ id: 'p', name: 'p', state: 'Active', topic: 't' }, '{}')).rejects.toMatchObject({ code: 'NetworkError' });
  });

  it('MnsNotifier asks for fresh credentials once its STS token is old, instead of failing on expired ones', async () => {
    // The keys the notifier starts with are unknown to the server, as expired STS keys would be.
    const expired = { accessKeyId: 'STS.expired', accessKeySecret: 'old-secret', securityToken: 'old-token' };
    let refreshes = 0;
    const notifier = new MnsNotifier({
      endpoint: server.endpoint,
      accountId: '1234567890',
      ...expired,
      refreshIntervalMs: 0,
      refreshCredentials: async () => {
        refreshes++;
        return { ...cred, securityToken: 'fresh-token' };
      },
    });
    const { messageId } = await notifier.publish({ id: 'p', name: 'p', state: 'Active', topic: 'snapshot-notify' }, '{"JobId":"j3"}');
    expect(messageId).toMatch(/^[0-9A-F]{32}$/);
    expect(refreshes).toBeGreaterThan(0);
    const got = await client.receiveMessage('snapshot-notify-queue', 1);
    expect(got.body.MessageBody).toBe('{"JobId":"j3"}');
    await client.deleteMessage('snapshot-notify-queue', got.body.ReceiptHandle);
    const stale = new MnsNotifier({ endpoint: server.endpoint, accountId: '1234567890', ...expired });
    await expect(stale.publish({ id: 'p', name: 'p', state: 'Active', topic: 'snapshot-notify' }, '{}')).rejects.toMatchObject({
      code: expect.stringMatching(/AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/),
    });
  });

  it('mounts on a caller-owned HTTP server through handler()', async () => {
    const own = new MnsProtocolServer({ messages: mq, credentials: [cred] });
    const httpServer = http.createServer(own.handler());
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    const port = (httpServer.address() as { port: number }).port;
    const c = new MNSClient('1', { endpoint: `http://127.0.0.1:${port}`, ...cred });
    await c.createQueue('mounted');
    await c.sendMessage('mounted', { MessageBody: 'via handler' });
    expect((await c.receiveMessage('mounted')).body.MessageBody).toBe('via handler');
    await own.close();
    await new Promise<void>((r) => httpServer.close(() => r()));
  });
});

function rawRequest(port: number, method: string, p: string, body: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: { 'content-type': 'text/xml', date: new Date().toUTCString(), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
