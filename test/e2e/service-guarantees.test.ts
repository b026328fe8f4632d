/**
 * The service's promises where the outside world misbehaves, with the real filesystem adapters
 * and the real capture engine, and one faulty part at a time: a deadline that passes while the
 * JPG is being written, a notification that cannot be sent, a queue that refuses a job, a job
 * redelivered after it finished, a sync job cut off by a stop.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsJobStore } from '../../runtime/adapters/job-store/fs-job-store';
import { StaticPipelineRegistry } from '../../runtime/adapters/pipelines/static-pipeline-registry';
import { randomIds } from '../../runtime/adapters/random-ids';
import { FsObjectStorage } from '../../runtime/adapters/storage/fs-object-storage';
import { systemClock } from '../../runtime/adapters/system-clock';
import { createFfmpegCapture } from '../../runtime/capture/index';
import { createJob } from '../../runtime/core/job-lifecycle';
import type { JobDispatcher, Notifier, ObjectStorage } from '../../runtime/core/ports';
import { parseSubmitRequest } from '../../runtime/core/submit-request';
import { createSnapshotService } from '../../runtime/service/snapshot-service';
import type { SnapshotServiceDeps } from '../../runtime/service/snapshot-service';
import { useFakeClock } from '../support/fake-clock';
import { makeTempDir } from '../support/local-service';
import { makeIndexedVideo } from '../support/media';

const PIPELINE = { id: 'feedfacefeedfacefeedfacefeedface', name: 'p', state: 'Active' as const, topic: 't' };
let dir: string;
let storage: FsObjectStorage;
let jobs: FsJobStore;
const capture = createFfmpegCapture();

beforeAll(async () => {
  dir = await makeTempDir('snapshot-guarantees-');
  storage = new FsObjectStorage({ rootDir: path.join(dir, 'buckets') });
  await storage.createBucket('in-bucket');
  await storage.createBucket('out-bucket');
  await fs.copyFile(await makeIndexedVideo({ durationSec: 2 }), path.join(storage.bucketDir('in-bucket'), 'v.mp4'));
  jobs = await FsJobStore.open(path.join(dir, 'jobs'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const okNotifier: Notifier = { publish: async () => ({ messageId: 'M1' }) };
const okDispatcher: JobDispatcher = { dispatch: async () => undefined };

function service(over: Partial<SnapshotServiceDeps> = {}) {
  return createSnapshotService({
    storage,
    jobs,
    capture,
    notifier: okNotifier,
    pipelines: new StaticPipelineRegistry([PIPELINE]),
    dispatcher: okDispatcher,
    clock: systemClock,
    ids: randomIds,
    region: 'cn-hangzhou',
    log: () => undefined,
    ...over,
  });
}

const loc = 'oss-cn-hangzhou';
const params = (object: string, extra: Record<string, unknown> = {}) => ({
  Input: JSON.stringify({ Bucket: 'in-bucket', Location: loc, Object: 'v.mp4' }),
  SnapshotConfig: JSON.stringify({ OutputFile: { Bucket: 'out-bucket', Location: loc, Object: object }, Time: '500', ...extra }),
});
const exists = (key: string) => fs.access(path.join(storage.bucketDir('out-bucket'), key)).then(() => true, () => false);

test('a deadline that passes while the JPG is being written: SnapshotTimeOut, and the JPG is removed', async () => {
  // The deadline is a fake timer that the storage double runs out while it holds the write:
  // whatever ffmpeg's speed, the deadline passes exactly there (no race with a real clock).
  useFakeClock();
  try {
    const puts: string[] = [];
    const holdingStorage: ObjectStorage = Object.assign(Object.create(storage) as FsObjectStorage, {
      put: async (bucket: string, key: string, body: Buffer, type: string) => {
        await storage.put(bucket, key, body, type);
        puts.push(key);
        jest.advanceTimersByTime(400);
      },
    });
    const svc = service({ storage: holdingStorage, syncTimeoutMs: 400 });
    await expect(svc.submitSnapshotJob(params('late/written.jpg'), 'REQ-1')).rejects.toMatchObject({ code: 'SnapshotTimeOut', httpStatus: 504 });
    expect(puts).toEqual(['late/written.jpg']);
    expect(await exists('late/written.jpg')).toBe(false);
  } finally {
    jest.useRealTimers();
  }
});

test('a notification that cannot be sent is recorded on the job, which still succeeds', async () => {
  const failing: Notifier = { publish: async () => Promise.reject(Object.assign(new Error('topic gone'), { code: 'TopicNotExist' })) };
  const job = await service({ notifier: failing }).submitSnapshotJob({ ...params('notify/x.jpg'), PipelineId: PIPELINE.id }, 'REQ-2');
  expect(job.state).toBe('Success');
  expect(job.mnsMessageResult).toEqual({ errorCode: 'TopicNotExist', errorMessage: 'topic gone' });
  expect((await jobs.get(job.id))?.mnsMessageResult?.errorCode).toBe('TopicNotExist');
  expect(await exists('notify/x.jpg')).toBe(true);
});

test('an async job the queue refuses is answered ServiceUnavailable and stored Fail, never run later', async () => {
  const refusing: JobDispatcher = { dispatch: async () => Promise.reject(new Error('queue full')) };
  const svc = service({ dispatcher: refusing });
  await expect(svc.submitSnapshotJob(params('refused/{Count}.jpg', { Num: '2', Interval: '1' }), 'REQ-3')).rejects.toMatchObject({
    code: 'ServiceUnavailable',
    httpStatus: 503,
  });
  const { jobs: failed } = await jobs.list({ state: 'Fail', pageSize: 50 });
  expect(failed.some((j) => j.requestId === 'REQ-3')).toBe(true);
  expect((await jobs.listUnfinished()).some((j) => j.requestId === 'REQ-3')).toBe(false);
});

test('runJob: a redelivered finished job is left alone; an unknown id is a no-op', async () => {
  const svc = service();
  const job = await svc.submitSnapshotJob(params('once/{Count}.jpg', { Num: '1' }), 'REQ-4');
  await svc.runJob(job.id);
  const done = await jobs.get(job.id);
  expect(done?.state).toBe('Success');
  await fs.rm(path.join(storage.bucketDir('out-bucket'), 'once'), { recursive: true });
  await svc.runJob(job.id);
  expect(await exists('once/00001.jpg')).toBe(false);
  expect(await jobs.get(job.id)).toEqual(done);
  await expect(svc.runJob('00000000000000000000000000000000')).resolves.toBeUndefined();
});

test('resumeUnfinished re-dispatches async jobs and closes sync jobs cut off by a stop as Fail', async () => {
  const request = (extra: Record<string, unknown>) => parseSubmitRequest(params('resume/{Count}.jpg', extra), { region: 'cn-hangzhou' });
  const asyncJob = createJob({ id: randomIds.jobId(), requestId: 'REQ-5', request: request({ Num: '1' }), now: new Date() });
  const syncJob = createJob({ id: randomIds.jobId(), requestId: 'REQ-6', request: request({}), now: new Date() });
  await jobs.create(asyncJob);
  await jobs.create(syncJob);
  const dispatched: string[] = [];
  const n = await service({ dispatcher: { dispatch: async (id) => void dispatched.push(id) } }).resumeUnfinished();
  expect(dispatched).toContain(asyncJob.id);
  expect(dispatched).not.toContain(syncJob.id);
  expect(n).toBe(dispatched.length);
  expect(await jobs.get(syncJob.id)).toMatchObject({ state: 'Fail', code: 'ServiceUnavailable' });
});
