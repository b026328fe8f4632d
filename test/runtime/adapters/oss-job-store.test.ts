import { OssJobStore } from '../../../runtime/adapters/job-store/oss-job-store';
import { FakeOssServer } from './fake-oss-server';
import { hexId, jobRecord } from './job-fixtures';
import { jobStoreContract } from './job-store-contract';

const creds = { accessKeyId: 'LTAIjobs', accessKeySecret: 'jobs-secret' };

describe('OssJobStore against an OSS-protocol server', () => {
  let oss: FakeOssServer;
  let n = 0;
  const warnings: string[] = [];
  const storeAt = (prefix: string, extra: { readConcurrency?: number } = {}) =>
    new OssJobStore({ region: 'cn-hangzhou', ...creds, endpoint: oss.endpoint, pathStyle: true, bucket: 'jobs-bucket', prefix, warn: (m) => warnings.push(m), ...extra });

  beforeAll(async () => {
    oss = await FakeOssServer.start([creds]);
    oss.createBucket('jobs-bucket');
  });
  afterAll(() => oss.close());

  describe('contract', () => {
    jobStoreContract(async () => storeAt(`run-${++n}/`));
  });

  it('stores each job as <prefix><id>.json and a second instance (a restart) reads them all', async () => {
    const a = storeAt('shared/');
    await a.create(jobRecord(hexId(1), 1_000, 'Success'));
    await a.create(jobRecord(hexId(2), 2_000, 'Submitted'));
    expect(JSON.parse(oss.object('jobs-bucket', `shared/${hexId(1)}.json`)!.body.toString())).toMatchObject({ id: hexId(1), state: 'Success' });
    const b = storeAt('shared/');
    expect((await b.list({ pageSize: 10 })).jobs.map((j) => j.id)).toEqual([hexId(2), hexId(1)]);
    expect((await b.listUnfinished()).map((j) => j.id)).toEqual([hexId(2)]);
  });

  it('lists past the 1000-key page of ListObjects', async () => {
    const store = storeAt('many/', { readConcurrency: 32 });
    const body = (i: number) => Buffer.from(JSON.stringify(jobRecord(hexId(i), 1_000_000 + i)));
    for (let i = 1; i <= 1005; i++) oss.putObject('jobs-bucket', `many/${hexId(i)}.json`, body(i), 'application/json');
    const page = await store.list({ pageSize: 300 });
    expect(page.jobs[0].id).toBe(hexId(1005));
    const unfinished = await store.listUnfinished();
    expect(unfinished).toHaveLength(1005);
    expect(unfinished[0].id).toBe(hexId(1));
  });

  it('re-reads only records whose ETag changed between listings', async () => {
    const store = storeAt('cache/');
    for (let i = 1; i <= 5; i++) await store.create(jobRecord(hexId(i), i * 1_000));
    await store.list({ pageSize: 10 });
    const third = (await store.get(hexId(3)))!;
    oss.requests.length = 0;
    await store.update({ ...third, state: 'Success' });
    const page = await store.list({ pageSize: 10 });
    expect(page.jobs.find((j) => j.id === hexId(3))?.state).toBe('Success');
    // One read by the update's compare, one by the listing (the ETag changed); no other record is re-read.
    const gets = oss.requests.filter((r) => r.method === 'GET' && r.path.endsWith('.json'));
    expect(gets.map((r) => r.path)).toEqual([`/jobs-bucket/cache/${hexId(3)}.json`, `/jobs-bucket/cache/${hexId(3)}.json`]);
  });

  it('skips an unreadable record with a warning', async () => {
    warnings.length = 0;
    const store = storeAt('corrupt/');
    await store.create(jobRecord(hexId(1), 1_000));
    oss.putObject('jobs-bucket', `corrupt/${hexId(2)}.json`, Buffer.from('{"id":'));
    expect((await store.list({ pageSize: 10 })).jobs.map((j) => j.id)).toEqual([hexId(1)]);
    expect(await store.get(hexId(2))).toBeUndefined();
    expect(warnings.length).toBeGreaterThanOrEqual(1);
  });

  it('a store it cannot reach fails with TransientNetWorkError, a forbidden one with PermissionDenied', async () => {
    const down = new OssJobStore({ region: 'cn-hangzhou', ...creds, endpoint: 'http://127.0.0.1:1', pathStyle: true, bucket: 'jobs-bucket', timeoutMs: 2000 });
    await expect(down.get(hexId(1))).rejects.toMatchObject({ code: 'TransientNetWorkError' });
    const wrong = new OssJobStore({ region: 'cn-hangzhou', ...creds, accessKeySecret: 'bad', endpoint: oss.endpoint, pathStyle: true, bucket: 'jobs-bucket' });
    await expect(wrong.create(jobRecord(hexId(1), 1))).rejects.toMatchObject({ code: 'PermissionDenied.ResourceAccess' });
  });
});
