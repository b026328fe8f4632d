/**
 * The MNS protocol server against names and bytes the official client would never send (issue 13,
 * item 10): topic names that are also Object.prototype members, broken percent-encoding, URLs
 * Node cannot parse, character references that are no characters, and a Host that is not its own.
 * None may answer 503 or show an internal error text. Each test failed before the fix.
 */
import MNSClient from '@alicloud/mns';
import { createHmac } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalMessageService } from '../../../runtime/adapters/notify/local-message-service';
import { MnsProtocolServer } from '../../../runtime/adapters/notify/mns-protocol-server';

const cred = { accessKeyId: 'LTAImnshard', accessKeySecret: 'mns-hard-secret' };

let dir: string;
let mq: LocalMessageService;
let server: MnsProtocolServer;
let client: MNSClient;
const logged: unknown[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mns-hard-'));
  mq = await LocalMessageService.open(dir);
  server = await MnsProtocolServer.start({ messages: mq, credentials: [cred], logError: (_m, cause) => logged.push(cause) });
  client = new MNSClient('1234567890', { endpoint: server.endpoint, ...cred });
});
afterAll(async () => {
  await server.close();
  await mq.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** A request signed as the MNS SDKs sign, with a path and body of our choosing. */
function signed(method: string, resource: string, body = '', host?: string): Promise<{ status: number; body: string }> {
  const date = new Date().toUTCString();
  const contentType = 'text/xml;charset=utf-8';
  const stringToSign = `${method}\n\n${contentType}\n${date}\nx-mns-version:2015-06-06\n${resource}`;
  const signature = createHmac('sha1', cred.accessKeySecret).update(stringToSign, 'utf8').digest('base64');
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path: resource,
        headers: {
          host: host ?? `127.0.0.1:${server.port}`,
          date,
          'content-type': contentType,
          'x-mns-version': '2015-06-06',
          authorization: `MNS ${cred.accessKeyId}:${signature}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])('a topic named %s works like any other', async (name) => {
  await expect(client.publishMessage(name, { MessageBody: 'x' })).rejects.toMatchObject({ name: 'MNSTopicNotExistError' });
  await client.createQueue(`${name}-queue`);
  await mq.subscribe(name, `${name}-queue`);
  expect((await client.publishMessage(name, { MessageBody: `to ${name}` })).code).toBe(201);
  expect((await client.receiveMessage(`${name}-queue`, 1)).body.MessageBody).toBe(`to ${name}`);
});

test('a path that is not valid percent-encoding is InvalidArgument, without "URI malformed"', async () => {
  const r = await signed('GET', '/queues/%E0%A4%A/messages');
  expect(r.status).toBe(400);
  expect(r.body).toContain('<Code>InvalidArgument</Code>');
  expect(r.body).not.toContain('URI malformed');
});

test('a character reference past U+10FFFF is MalformedXML, without "Invalid code point"', async () => {
  await client.createQueue('refs');
  const r = await signed('POST', '/queues/refs/messages', '<?xml version="1.0"?><Message><MessageBody>&#x110000;</MessageBody></Message>');
  expect(r.status).toBe(400);
  expect(r.body).toContain('<Code>MalformedXML</Code>');
  expect(r.body).not.toContain('Invalid code point');
});

test('a request for another Host is AccessDenied, even when correctly signed', async () => {
  const r = await signed('GET', '/queues/refs/messages', '', `rebound.example:${server.port}`);
  expect(r.status).toBe(403);
  expect(r.body).toContain('<Code>AccessDenied</Code>');
  expect(r.body).toContain('the Host header');
});

test('nothing above was an internal error', () => {
  expect(logged).toEqual([]);
});
