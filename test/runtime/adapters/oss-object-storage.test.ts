import { OssClients } from '../../../runtime/adapters/storage/oss-client';
import { OssObjectStorage } from '../../../runtime/adapters/storage/oss-object-storage';
import { SnapshotError } from '../../../runtime/core/errors';
import { FakeOssServer } from './fake-oss-server';

const creds = { accessKeyId: 'LTAIlocaltest', accessKeySecret: 'secret-for-tests', securityToken: 'CAIS-sts-token' };

describe('OssObjectStorage against an OSS-protocol server', () => {
  let oss: FakeOssServer;
  let storage: OssObjectStorage;

  beforeAll(async () => {
    oss = await FakeOssServer.start([creds]);
    oss.createBucket('media-in');
    oss.createBucket('media-out');
    storage = new OssObjectStorage({ region: 'cn-hangzhou', ...creds, endpoint: oss.endpoint, pathStyle: true, timeoutMs: 5000 });
  });
  afterAll(() => oss.close());
  beforeEach(() => {
    oss.requests.length = 0;
    oss.injectedFaults.length = 0;
  });

  it('puts an object with its content type and signs with the STS token', async () => {
    await storage.put('media-out', 'thumbs/a b+c é.jpg', Buffer.from('jpeg-bytes'), 'image/jpeg');
    const stored = oss.object('media-out', 'thumbs/a b+c é.jpg');
    expect(stored?.body.toString()).toBe('jpeg-bytes');
    expect(stored?.contentType).toBe('image/jpeg');
    expect(oss.requests).toEqual([expect.objectContaining({ method: 'PUT', authorizedBy: 'header' })]);
  });

  it('resolves an input to a signed URL that serves byte ranges, without downloading the object', async () => {
    const video = Buffer.alloc(100_000, 7);
    video.write('HEADER', 0);
    oss.putObject('media-in', 'videos/clip 1.mp4', video, 'video/mp4');
    const source = await storage.resolveInput('media-in', 'videos/clip 1.mp4');
    expect(source.sizeBytes).toBe(100_000);
    expect(source.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media-in\/videos\/clip%201\.mp4\?/);
    const url = new URL(source.uri);
    expect(Number(url.searchParams.get('Expires')) - Date.now() / 1000).toBeGreaterThan(3500);
    expect(url.searchParams.get('security-token')).toBe(creds.securityToken);
    // Only a HEAD so far: the adapter never reads the body itself.
    expect(oss.requests.map((r) => r.method)).toEqual(['HEAD']);

    const res = await fetch(source.uri, { headers: { Range: 'bytes=0-5' } });
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('HEADER');
    expect(oss.requests[1]).toMatchObject({ method: 'GET', authorizedBy: 'url', range: 'bytes=0-5' });
  });

  it('a tampered signed URL is refused by the server', async () => {
    oss.putObject('media-in', 'v.mp4', Buffer.from('x'));
    const { uri } = await storage.resolveInput('media-in', 'v.mp4');
    const res = await fetch(uri.replace('/v.mp4', '/other.mp4'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('SignatureDoesNotMatch');
  });

  it('a missing object or bucket is InvalidParameter.ResourceNotFound naming it', async () => {
    await expect(storage.resolveInput('media-in', 'nope.mp4')).rejects.toMatchObject({
      code: 'InvalidParameter.ResourceNotFound',
      message: expect.stringContaining('media-in/nope.mp4'),
    });
    await expect(storage.resolveInput('no-such-bucket', 'a.mp4')).rejects.toMatchObject({ code: 'InvalidParameter.ResourceNotFound' });
  });

  it('403 maps to PermissionDenied.ResourceAccess, 5xx to TransientNetWorkError', async () => {
    oss.putObject('media-in', 'locked.mp4', Buffer.from('x'));
    oss.injectedFaults.push({ status: 403, code: 'AccessDenied' });
    await expect(storage.resolveInput('media-in', 'locked.mp4')).rejects.toMatchObject({ code: 'PermissionDenied.ResourceAccess', httpStatus: 403 });
    oss.injectedFaults.push({ status: 503, code: 'ServiceUnavailable' });
    await expect(storage.put('media-out', 'k.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toMatchObject({ code: 'TransientNetWorkError' });
  });

  it('wrong credentials are refused by signature checking (PermissionDenied)', async () => {
    const wrong = new OssObjectStorage({ region: 'cn-hangzhou', ...creds, accessKeySecret: 'not-the-secret', endpoint: oss.endpoint, pathStyle: true });
    await expect(wrong.put('media-out', 'k.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toMatchObject({ code: 'PermissionDenied.ResourceAccess' });
    expect(oss.object('media-out', 'k.jpg')).toBeUndefined();
  });

  it('an unreachable endpoint is TransientNetWorkError', async () => {
    const down = new OssObjectStorage({ region: 'cn-hangzhou', ...creds, endpoint: 'http://127.0.0.1:1', pathStyle: true, timeoutMs: 2000 });
    const err = await down.put('media-out', 'k.jpg', Buffer.from('x'), 'image/jpeg').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnapshotError);
    expect(err).toMatchObject({ code: 'TransientNetWorkError', httpStatus: 503 });
  });

  it('delete removes an object and tolerates a missing one', async () => {
    oss.putObject('media-out', 'gone.jpg', Buffer.from('x'));
    await storage.delete('media-out', 'gone.jpg');
    expect(oss.object('media-out', 'gone.jpg')).toBeUndefined();
    await expect(storage.delete('media-out', 'gone.jpg')).resolves.toBeUndefined();
  });

  it('bucketExists tells buckets apart with a read of a missing key', async () => {
    await expect(storage.bucketExists('media-in')).resolves.toBe(true);
    await expect(storage.bucketExists('missing-bucket')).resolves.toBe(false);
  });

  it('publicUrl is the bucket domain with the key encoded and {Count} kept', () => {
    expect(storage.publicUrl('media-out', 'out/a b/shot-{Count}.jpg')).toBe('https://media-out.oss-cn-hangzhou.aliyuncs.com/out/a%20b/shot-{Count}.jpg');
    expect(new OssObjectStorage({ region: 'oss-cn-shanghai', ...creds }).publicUrl('b1', 'é.jpg')).toBe('https://b1.oss-cn-shanghai.aliyuncs.com/%C3%A9.jpg');
  });
});

describe('where OSS objects are addressed', () => {
  it('virtual-host style on the region endpoint, internal when asked, path style for custom endpoints', () => {
    expect(new OssClients({ region: 'cn-hangzhou', ...creds }).bucketBaseUrl('b1')).toBe('https://b1.oss-cn-hangzhou.aliyuncs.com');
    expect(new OssClients({ region: 'oss-cn-beijing', ...creds, internal: true }).bucketBaseUrl('b1')).toBe('https://b1.oss-cn-beijing-internal.aliyuncs.com');
    expect(new OssClients({ region: 'cn-hangzhou', ...creds, endpoint: 'https://oss.example.com' }).bucketBaseUrl('b1')).toBe('https://b1.oss.example.com');
    expect(new OssClients({ region: 'cn-hangzhou', ...creds, endpoint: 'http://127.0.0.1:9000' }).bucketBaseUrl('b1')).toBe('http://127.0.0.1:9000/b1');
  });
});

describe('a signed input URL read by the real ffprobe', () => {
  it('ffprobe opens the video through the signed URL (signature, STS token and encoded key intact)', async () => {
    const { ffprobePath } = await import('../../../runtime/capture/ffmpeg-binaries');
    const { makeIndexedVideo, run } = await import('../../support/media');
    const { readFile } = await import('node:fs/promises');
    const oss = await FakeOssServer.start([creds]);
    try {
      oss.createBucket('media-in');
      const storage = new OssObjectStorage({ region: 'cn-hangzhou', ...creds, endpoint: oss.endpoint, pathStyle: true });
      const video = await readFile(await makeIndexedVideo({ durationSec: 2 }));
      await storage.put('media-in', 'phone videos/clip é+1.mp4', video, 'video/mp4');
      const source = await storage.resolveInput('media-in', 'phone videos/clip é+1.mp4');
      oss.requests.length = 0;
      const out = await run(ffprobePath(), ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', source.uri]);
      expect(Number(out.toString().trim())).toBeCloseTo(2, 0);
      expect(oss.requests.length).toBeGreaterThan(0);
      expect(oss.requests.every((r) => r.method === 'GET' && r.authorizedBy === 'url')).toBe(true);
    } finally {
      await oss.close();
    }
  });
});
