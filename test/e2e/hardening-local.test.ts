/**
 * Issue 13 over the wire, against the real local service (both servers) with small limits so the
 * slow-client cases end quickly: symbolic links out of a bucket (item 2), the Host check and CORS
 * (3), the header size limit (5), slow and surplus connections (6), the per-job output budget (7),
 * MNS errors that leaked internal texts (10), client aborts logged in one line (11), object keys
 * (12). Each test here failed against the code before the fix.
 */
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import type { LocalService } from '../../runtime/entry/local-server';
import { mnsClient } from '../support/clients';
import { withLocalService } from '../support/local-service';
import { makeIndexedVideo } from '../support/media';
import { failure, oss, query, submit, waitForFinal } from './e2e-helpers';
import type { WireJob } from './e2e-helpers';

const OUTPUT_BUDGET = 8 * 1024;
const local = withLocalService({
  httpLimits: { requestTimeoutMs: 2000 },
  jobOutputBudgetBytes: OUTPUT_BUDGET,
  corsOrigins: ['http://127.0.0.1:3000'],
});

beforeAll(async () => {
  await local.putInput(await makeIndexedVideo({ durationSec: 2 }), 'clip.mp4');
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(port: number, urlPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A socket that sends `text` and then nothing; resolves with what the server sent before closing. */
function stall(port: number, text: string): { closed: Promise<string>; socket: net.Socket } {
  const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
  let received = '';
  socket.on('data', (d) => (received += d.toString('latin1')));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.on('error', () => undefined);
  return { closed, socket };
}

const mnsPort = (svc: LocalService) => Number(new URL(svc.mnsEndpoint).port);
const input = (svc: LocalService) => JSON.stringify(oss(svc, svc.inputBucket, 'clip.mp4'));
const output = (svc: LocalService, key: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, key), Time: '500', ...extra });

/**
 * Runs a one-snapshot job asynchronously (`Num` 1) to its end: on a loaded machine a sync job can
 * outlast the SDK's socket timeout, and these tests are about what is refused, not about speed.
 */
async function runJob(svc: LocalService, key: string, extra: Record<string, unknown> = {}): Promise<WireJob> {
  const accepted = await submit(svc, 'mts-v3', { Input: input(svc), SnapshotConfig: output(svc, key, { Num: '1', ...extra }) });
  return waitForFinal(svc, accepted.Id, 120_000);
}

describe('symbolic links do not lead out of a bucket (item 2)', () => {
  test('a link in the input bucket to the data dir does not serve state.json', async () => {
    const { svc } = local;
    await fs.symlink(svc.dataDir, path.join(svc.bucketDir(svc.inputBucket), 'datadir'));
    const r = await get(svc.port, '/oss/snapshot-input/datadir/state.json', { host: `127.0.0.1:${svc.port}` });
    expect(r.status).toBe(403);
    expect(r.body).not.toContain(svc.accessKeySecret);
    const err = await failure(submit(svc, 'mts-v3', { Input: JSON.stringify(oss(svc, svc.inputBucket, 'datadir/state.json')), SnapshotConfig: output(svc, 'links/in.jpg') }));
    expect(err.code).toBe('InvalidParameter.ObjectKeyInvalid');
    expect(err.message).toContain('symbolic link');
  });

  test('an OutputFile through a linked folder does not replace a file outside the bucket', async () => {
    const { svc } = local;
    const outside = path.join(svc.dataDir, 'outside');
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'victim.jpg'), 'original');
    await fs.symlink(outside, path.join(svc.bucketDir(svc.outputBucket), 'escape'));
    const job = await runJob(svc, 'escape/victim.jpg');
    expect([job.State, job.Code]).toEqual(['Fail', 'InvalidParameter.ObjectKeyInvalid']);
    expect(await fs.readFile(path.join(outside, 'victim.jpg'), 'utf8')).toBe('original');
    expect(await fs.readdir(outside)).toEqual(['victim.jpg']);
  });

  test('a link to another object of the same bucket still works', async () => {
    const { svc } = local;
    await fs.symlink('clip.mp4', path.join(svc.bucketDir(svc.inputBucket), 'alias.mp4'));
    const r = await get(svc.port, '/oss/snapshot-input/alias.mp4', { host: `127.0.0.1:${svc.port}` });
    expect([r.status, r.headers['content-type']]).toEqual([200, 'video/mp4']);
  });
});

describe('only this endpoint\'s Host is served, and no wildcard CORS (item 3)', () => {
  beforeAll(async () => {
    await fs.mkdir(local.objectPath('cors'), { recursive: true });
    await fs.writeFile(local.objectPath('cors/a.jpg'), 'jpeg');
  });

  test.each(['evil.example:8080', 'attacker.test', '127.0.0.1.evil.example'])('Host %j gets 403 on /oss/ and on the API', async (host) => {
    const { svc } = local;
    for (const [urlPath, method] of [['/oss/snapshot-output/cors/a.jpg', 'GET'], ['/?Action=QuerySnapshotJobList', 'POST']]) {
      const r = await get(svc.port, urlPath, { host }, method);
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ Code: 'Forbidden.Host' });
    }
  });

  test('a request without Host (HTTP/1.0) gets 403 too', async () => {
    const { svc } = local;
    const answer = await stall(svc.port, 'GET /oss/snapshot-output/cors/a.jpg HTTP/1.0\r\n\r\n').closed;
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain('Forbidden.Host');
  });

  test('a rebound name on the MNS server gets AccessDenied too', async () => {
    const { svc } = local;
    const r = await get(mnsPort(svc), '/queues/snapshot-notifications-queue/messages', { host: `evil.example:${mnsPort(svc)}` });
    expect(r.status).toBe(403);
    expect(r.body).toContain('<Code>AccessDenied</Code>');
    expect(r.body).toContain('the Host header');
  });

  test('a page of another origin gets no access-control-allow-origin; a configured origin gets its own', async () => {
    const { svc } = local;
    const host = `127.0.0.1:${svc.port}`;
    const stranger = await get(svc.port, '/oss/snapshot-output/cors/a.jpg', { host, origin: 'http://evil.example' });
    expect(stranger.status).toBe(200);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    const player = await get(svc.port, '/oss/snapshot-output/cors/a.jpg', { host: `localhost:${svc.port}`, origin: 'http://127.0.0.1:3000' });
    expect(player.headers['access-control-allow-origin']).toBe('http://127.0.0.1:3000');
  });

  test('the SDKs (Host 127.0.0.1:<port>) keep working on both servers', async () => {
    const { svc } = local;
    expect((await query(svc, 'pop-get', { SnapshotJobIds: 'f'.repeat(32) })).nonExist).toEqual(['f'.repeat(32)]);
    expect((await query(svc, 'mts-v3', { SnapshotJobIds: 'e'.repeat(32) })).nonExist).toEqual(['e'.repeat(32)]);
    await expect(mnsClient(svc).receive(svc.notificationQueue, 0)).resolves.toBeUndefined();
  });
});

test('a URL over the header limit is refused naming the query (item 5)', async () => {
  const { svc } = local;
  const r = await get(svc.port, `/?UserData=${'x'.repeat(100_000)}`, { host: `127.0.0.1:${svc.port}` });
  expect(r.status).toBe(400);
  expect(JSON.parse(r.body)).toMatchObject({ Code: 'InvalidParameter', Message: expect.stringContaining('"Query"') });
});

describe('slow clients are cut off (item 6)', () => {
  test.each(['api', 'mns'])('a body that never finishes: the %s server closes the connection', async (which) => {
    const { svc } = local;
    const port = which === 'api' ? svc.port : mnsPort(svc);
    const { closed } = stall(port, `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 262144\r\n\r\n${'a'.repeat(4096)}`);
    await closed;
  });

  test('headers that never finish are cut off too', async () => {
    const { svc } = local;
    await stall(svc.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${svc.port}\r\nX-Slow: a`).closed;
  });
});

describe('a job has an output budget (item 7)', () => {
  test('a job whose outputs would pass it fails with PermissionDenied.ResourceQuotaExceed and leaves nothing', async () => {
    const { svc } = local;
    const job = await runJob(svc, 'budget/{Count}.jpg', { Time: '0', Num: '12', Interval: '0', Width: '1024' });
    expect([job.State, job.Code]).toEqual(['Fail', 'PermissionDenied.ResourceQuotaExceed']);
    expect(job.Message).toContain(`${OUTPUT_BUDGET} bytes`);
    expect(await local.listOutputs('budget/')).toEqual([]);
  });
});

test('a client that goes away mid-request is logged in one short line (item 11)', async () => {
  const { svc } = local;
  const before = local.events.length;
  const socket = net.connect(svc.port, '127.0.0.1', () => {
    socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${svc.port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nAction=Que`);
    setImmediate(() => socket.destroy());
  });
  socket.on('error', () => undefined);
  let seen: { event: string; fields: Record<string, unknown> } | undefined;
  for (let turn = 0; turn < 500 && !seen; turn++) {
    seen = local.events.slice(before).find((e) => e.event === 'http.client-aborted' || e.event === 'http.failed');
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(seen?.event).toBe('http.client-aborted');
  expect(JSON.stringify(seen?.fields).length).toBeLessThan(200);
});

describe('object keys (item 12)', () => {
  test('a 250-character key segment is written, not an InternalError', async () => {
    const { svc } = local;
    const key = `keys/${'k'.repeat(250)}.jpg`;
    expect((await runJob(svc, key)).State).toBe('Success');
    expect(await local.listOutputs('keys/')).toEqual([key]);
  });

  test('a segment longer than a file name can be is ObjectKeyInvalid', async () => {
    const { svc } = local;
    const job = await runJob(svc, `keys/${'k'.repeat(300)}.jpg`);
    expect([job.State, job.Code]).toEqual(['Fail', 'InvalidParameter.ObjectKeyInvalid']);
    expect(job.Message).toContain('255 bytes');
  });

  test('a lone surrogate is refused instead of naming the U+FFFD file', async () => {
    const { svc } = local;
    const err = await failure(submit(svc, 'mts-v3', { Input: input(svc), SnapshotConfig: output(svc, 'keys/a\ud800.jpg') }));
    expect(err.code).toBe('InvalidParameter.ObjectKeyInvalid');
    expect(err.message).toContain('surrogate');
    expect(await local.listOutputs('keys/a')).toEqual([]);
  });
});

describe('a connection cap (item 6)', () => {
  const capped = withLocalService({ httpLimits: { maxConnections: 4, requestTimeoutMs: 120_000 } });

  test.each(['api', 'mns'])('the %s server closes connections beyond the cap at once, and serves again when they are gone', async (which) => {
    const { svc } = capped;
    const port = which === 'api' ? svc.port : mnsPort(svc);
    const held: net.Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const s = stall(port, `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 1000\r\n\r\nx`);
      await new Promise((r) => s.socket.once('connect', r));
      held.push(s.socket);
    }
    expect(await stall(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`).closed).toBe('');
    for (const s of held) s.destroy();
    // The server learns of the closed sockets asynchronously: retry until one is served.
    let served: Answer | undefined;
    for (let attempt = 0; attempt < 200 && !served; attempt++) {
      served = await get(port, '/oss/snapshot-output/none.jpg', { host: `127.0.0.1:${port}` }).catch(() => undefined);
      if (!served) await new Promise((r) => setTimeout(r, 10));
    }
    expect(served?.status).toBeGreaterThanOrEqual(400);
  });
});
