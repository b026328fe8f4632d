/**
 * The console's HTTP side without a browser: who it answers (loopback only, same-origin writes),
 * what it refuses (keys leaving the bucket, oversized uploads), that its jobs list pages exactly as
 * QuerySnapshotJobList does, and the byte ranges the bucket route serves to its <video>.
 */
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { FsObjectStorage } from '../../runtime/adapters/storage/fs-object-storage';
import { describeConsole, isLoopbackHost, readConsoleEnv } from '../../runtime/local/console/console-options';
import { createLocalConsole, type LocalConsoleDeps } from '../../runtime/local/console/console-routes';
import { parseByteRange } from '../../runtime/local/byte-range';
import { oss, query } from '../e2e/e2e-helpers';
import { withLocalService } from '../support/local-service';

const local = withLocalService({ console: { maxUploadBytes: 4096 } });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(base: string, method: string, urlPath: string, opts: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${urlPath}`, { method, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const call = (method: string, urlPath: string, opts: { headers?: Record<string, string>; body?: Buffer | string } = {}) =>
  request(local.svc.endpoint, method, urlPath, opts);
const write = { 'x-snapshot-console': '1' };
const json = (a: Answer) => JSON.parse(a.body.toString('utf8'));

/** The console alone on its own server, as local-server.ts mounts it, with other options. */
async function consoleServer(overrides: Partial<LocalConsoleDeps>): Promise<{ base: string; close: () => Promise<void> }> {
  const handler = createLocalConsole({
    service: local.svc.service,
    storage: new FsObjectStorage({ rootDir: path.join(local.svc.dataDir, 'buckets') }),
    region: local.svc.region,
    listenHost: '127.0.0.1',
    pipelineId: local.svc.pipelineId,
    inputBucket: local.svc.inputBucket,
    outputBucket: local.svc.outputBucket,
    sampleKey: 'sample/sample.mp4',
    log: (event, fields) => local.events.push({ event, fields }),
    ...overrides,
  });
  const server = http.createServer((req, res) => void handler(req, res).then((handled) => handled || res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('who the console answers', () => {
  test('a service listening on a non-loopback address refuses the console unless allowed', async () => {
    const refused = await consoleServer({ listenHost: '0.0.0.0' });
    const allowed = await consoleServer({ listenHost: '0.0.0.0', options: { allowRemote: true } });
    try {
      const no = await request(refused.base, 'GET', '/console/');
      expect(no.status).toBe(403);
      expect(no.body.toString()).toMatch(/listens on 0\.0\.0\.0.*SNAPSHOT_CONSOLE_ALLOW_REMOTE=1/);
      expect((await request(refused.base, 'GET', '/console/api/jobs')).status).toBe(403);
      expect(local.events.some((e) => e.event === 'console.refused' && e.fields.host === '0.0.0.0')).toBe(true);
      expect((await request(allowed.base, 'GET', '/console/')).status).toBe(200);
    } finally {
      await refused.close();
      await allowed.close();
    }
  });

  test('only loopback host names, and writes only with the console header from its own origin', async () => {
    const page = await call('GET', '/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const script = await call('GET', '/console/console.js');
    expect(script.status).toBe(200);
    expect(script.body.length).toBeGreaterThan(1000);

    // A page whose DNS name was rebound to 127.0.0.1 still sends its own name.
    expect((await call('GET', '/console/api/info', { headers: { host: `evil.example:${local.svc.port}` } })).status).toBe(403);
    expect((await call('GET', '/console/api/info', { headers: { host: `localhost:${local.svc.port}` } })).status).toBe(200);

    const body = JSON.stringify({ Input: '{}', SnapshotConfig: '{}' });
    expect((await call('POST', '/console/api/submit', { body })).status).toBe(403);
    expect((await call('POST', '/console/api/submit', { body, headers: { ...write, origin: 'http://evil.example' } })).status).toBe(403);
    const same = await call('POST', '/console/api/validate', { body, headers: { ...write, origin: local.svc.endpoint } });
    expect(same.status).toBe(400);
    expect(json(same).Code).toBe('MissingParameter');
  });
});

describe('uploads', () => {
  const put = (key: string, body: Buffer | string, bucket?: string) =>
    call('PUT', `/console/api/objects?${new URLSearchParams({ key, ...(bucket ? { bucket } : {}) })}`, { body, headers: write });

  test('a key that would leave the bucket is refused with the storage adapter\'s error, and nothing is written', async () => {
    for (const key of ['../escape.mp4', 'a/../../escape.mp4', '/abs.mp4', 'a\\b.mp4', 'folder/']) {
      const a = await put(key, 'x');
      expect([a.status, json(a).Code]).toEqual([400, 'InvalidParameter.ObjectKeyInvalid']);
    }
    await expect(fs.access(path.join(local.svc.dataDir, 'buckets', 'escape.mp4'))).rejects.toThrow();
    await expect(fs.access(path.join(local.svc.dataDir, 'escape.mp4'))).rejects.toThrow();
  });

  test('uploads are bounded in size and go to the input bucket only', async () => {
    const big = await put('big.mp4', Buffer.alloc(5000));
    expect([big.status, json(big).Code]).toEqual([400, 'InvalidParameter.OutOfRange']);
    expect(json(big).Message).toContain('4096 bytes');
    expect(await local.listOutputs('', local.svc.inputBucket)).not.toContain('big.mp4');
    const out = await put('x.mp4', 'x', local.svc.outputBucket);
    expect(out.status).toBe(400);

    const ok = await put('in/small.bin', Buffer.alloc(4096, 7));
    expect([ok.status, json(ok).size]).toEqual([200, 4096]);
    expect(await fs.readFile(local.objectPath('in/small.bin', local.svc.inputBucket))).toEqual(Buffer.alloc(4096, 7));
    const listing = json(await call('GET', `/console/api/objects?bucket=${local.svc.inputBucket}&prefix=in/`));
    expect(listing.objects.map((o: { key: string }) => o.key)).toEqual(['in/small.bin']);
    // No temp file of the refused upload is left behind.
    expect((await fs.readdir(local.svc.bucketDir(local.svc.inputBucket))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});

test('the jobs list pages exactly as QuerySnapshotJobList does', async () => {
  // Async jobs on a missing input: accepted, then failed at once without ffmpeg.
  const config = JSON.stringify({ OutputFile: oss(local.svc, local.svc.outputBucket, 'p/{Count}.jpg'), Time: '0', Interval: '1', Num: '2' });
  const input = JSON.stringify(oss(local.svc, local.svc.inputBucket, 'missing.mp4'));
  for (let i = 0; i < 3; i++) {
    const a = await call('POST', '/console/api/submit', { body: JSON.stringify({ Input: input, SnapshotConfig: config }), headers: write });
    expect(a.status).toBe(200);
  }
  const consolePages: string[][] = [];
  const sdkPages: string[][] = [];
  let token: string | undefined;
  let sdkToken: string | undefined;
  do {
    const page = json(await call('GET', `/console/api/jobs?MaximumPageSize=2${token ? `&NextPageToken=${encodeURIComponent(token)}` : ''}`));
    const sdk = await query(local.svc, 'mts-v3', { MaximumPageSize: '2', ...(sdkToken ? { NextPageToken: sdkToken } : {}) });
    consolePages.push(page.jobs.map((j: { id: string }) => j.id));
    sdkPages.push(sdk.jobs.map((j) => j.Id));
    token = page.nextPageToken;
    sdkToken = sdk.nextPageToken;
  } while (token && consolePages.length < 5);
  expect(consolePages).toEqual(sdkPages);
  expect(consolePages.flat()).toHaveLength(3);

  const bad = await call('GET', '/console/api/jobs?State=Done');
  expect([bad.status, json(bad).Code]).toEqual([400, 'InvalidParameter']);
  const unknown = await call('GET', `/console/api/jobs/${'0'.repeat(32)}`);
  expect([unknown.status, json(unknown).Code]).toEqual([404, 'InvalidParameter.ResourceNotFound']);
});

test('the bucket route serves byte ranges, so a <video> can seek', async () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  await fs.mkdir(path.dirname(local.objectPath('r/v.mp4', local.svc.inputBucket)), { recursive: true });
  await fs.writeFile(local.objectPath('r/v.mp4', local.svc.inputBucket), bytes);
  const url = `/oss/${local.svc.inputBucket}/r/v.mp4`;
  const mid = await call('GET', url, { headers: { range: 'bytes=100-199' } });
  expect([mid.status, mid.headers['content-range'], mid.headers['accept-ranges']]).toEqual([206, 'bytes 100-199/1000', 'bytes']);
  expect(mid.body).toEqual(bytes.subarray(100, 200));
  const tail = await call('GET', url, { headers: { range: 'bytes=-10' } });
  expect(tail.body).toEqual(bytes.subarray(990));
  expect((await call('GET', url, { headers: { range: 'bytes=1000-' } })).status).toBe(416);
  const whole = await call('GET', url);
  expect([whole.status, whole.body.length]).toEqual([200, 1000]);
});

test('range, loopback and environment rules', () => {
  expect(parseByteRange(undefined, 10)).toBeUndefined();
  expect(parseByteRange('bytes=0-', 10)).toEqual({ start: 0, end: 9 });
  expect(parseByteRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
  expect(parseByteRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
  expect(parseByteRange('bytes=7-3', 10)).toBeUndefined();
  expect(parseByteRange('bytes=0-1,4-5', 10)).toBeUndefined();
  expect(parseByteRange('bytes=10-', 10)).toBe('unsatisfiable');
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
  for (const h of ['0.0.0.0', '192.168.1.4', '::', 'example.com', '127.0.0.1.example.com']) expect(isLoopbackHost(h)).toBe(false);
  expect(readConsoleEnv({})).toEqual({ enabled: true, allowRemote: false });
  expect(readConsoleEnv({ SNAPSHOT_CONSOLE: '0', SNAPSHOT_CONSOLE_ALLOW_REMOTE: '1' })).toEqual({ enabled: false, allowRemote: true });
  expect(describeConsole('http://0.0.0.0:8080', '0.0.0.0', {})).toMatch(/^off: /);
  expect(describeConsole('http://127.0.0.1:8080', '127.0.0.1', {})).toBe('http://127.0.0.1:8080/console/');
});
