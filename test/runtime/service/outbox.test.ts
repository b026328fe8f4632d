/**
 * Record, then announce; never lose an announcement; bounded runs; bounded work. The service over
 * the real filesystem job store and storage, with a capture double (these tests are about the
 * records and the sends, not the pixels), a controllable clock and a notifier that can be down.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsJobStore } from '../../../runtime/adapters/job-store/fs-job-store';
import { StaticPipelineRegistry } from '../../../runtime/adapters/pipelines/static-pipeline-registry';
import { randomIds } from '../../../runtime/adapters/random-ids';
import { FsObjectStorage } from '../../../runtime/adapters/storage/fs-object-storage';
import { staticCredentials } from '../../../runtime/api/credentials';
import { DEFAULT_ANNOUNCEMENT_POLICY, retryDelayMs } from '../../../runtime/core/announcement';
import { createJob, startJob } from '../../../runtime/core/job-lifecycle';
import type { SnapshotJob } from '../../../runtime/core/model';
import type { FrameCapture, JobStore, Notifier } from '../../../runtime/core/ports';
import { parseSubmitRequest } from '../../../runtime/core/submit-request';
import type { LocalService } from '../../../runtime/entry/local-server';
import { createSnapshotService } from '../../../runtime/service/snapshot-service';
import type { SnapshotServiceDeps } from '../../../runtime/service/snapshot-service';
import { SubmitSnapshotJobRequest } from '@alicloud/mts20140618';
import { failure, submit } from '../../e2e/e2e-helpers';
import { mtsClient } from '../../support/clients';
import { startApi } from '../api/fixtures/api-server';
import { makeTempDir } from '../../support/local-service';

const PIPELINE = { id: 'feedfacefeedfacefeedfacefeedface', name: 'p', state: 'Active' as const, topic: 'notify' };
const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const loc = 'oss-cn-hangzhou';

let dir: string;
let storage: FsObjectStorage;
let jobs: FsJobStore;
let nowMs: number;
const clock = { now: () => new Date(nowMs) };

/** What every send saw: the job as the store had it at that moment. */
let sends: { jobId: string; stored?: SnapshotJob; ok: boolean }[];
let down: () => boolean;
const notifier: Notifier = {
  publish: async (_pipeline, body) => {
    const jobId = JSON.parse(body).JobId as string;
    const ok = !down();
    sends.push({ jobId, stored: await jobs.get(jobId), ok });
    if (!ok) throw Object.assign(new Error('could not reach the message service'), { code: 'NetworkError' });
    return { messageId: `M-${sends.length}` };
  },
};

/** Frames without ffmpeg; `hold` keeps a capture running until released. */
let hold: Promise<void> | undefined;
let captures = 0;
const capture: FrameCapture = {
  probe: async () => ({ durationMs: 10_000, width: 64, height: 36, rotation: 0, frameRate: 25, codec: 'h264' }),
  capture: async (_source, frames) => {
    captures++;
    await hold;
    return frames.map((f) => ({ requestedMs: f.timeMs, actualMs: f.timeMs, jpeg: Buffer.from('jpeg'), width: 64, height: 36 }));
  },
  composeSprite: async () => Buffer.from('sprite'),
  captureSprites: async () => {
    throw new Error('no sprites in these tests');
  },
};

beforeEach(async () => {
  dir = await makeTempDir('snapshot-outbox-');
  storage = new FsObjectStorage({ rootDir: path.join(dir, 'buckets') });
  await storage.createBucket('in-bucket');
  await storage.createBucket('out-bucket');
  await fs.writeFile(path.join(storage.bucketDir('in-bucket'), 'v.mp4'), 'video');
  jobs = await FsJobStore.open(path.join(dir, 'jobs'));
  nowMs = T0;
  sends = [];
  down = () => false;
  hold = undefined;
  captures = 0;
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

function service(over: Partial<SnapshotServiceDeps> = {}) {
  return createSnapshotService({
    storage,
    jobs,
    capture,
    notifier,
    pipelines: new StaticPipelineRegistry([PIPELINE]),
    dispatcher: { dispatch: async () => undefined },
    clock,
    ids: randomIds,
    region: 'cn-hangzhou',
    log: () => undefined,
    ...over,
  });
}

const params = (object: string, extra: Record<string, unknown> = {}) => ({
  Input: JSON.stringify({ Bucket: 'in-bucket', Location: loc, Object: 'v.mp4' }),
  SnapshotConfig: JSON.stringify({ OutputFile: { Bucket: 'out-bucket', Location: loc, Object: object }, Time: '0', ...extra }),
  PipelineId: PIPELINE.id,
});

/** An accepted async job, run to its end by the service. */
async function runAsync(svc: ReturnType<typeof service>, object: string): Promise<SnapshotJob> {
  const job = await svc.submitSnapshotJob(params(object, { Num: '2', Interval: '1' }), 'REQ');
  await svc.runJob(job.id);
  return (await jobs.get(job.id))!;
}

test('back-off: doubles from the base up to the cap, the upper half random', () => {
  const p = { baseDelayMs: 1000, maxDelayMs: 8000, leaseMs: 60_000 };
  expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, p, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, p, () => 0))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
});

test('the final state is stored before the announcement is sent; the send is recorded after', async () => {
  const done = await runAsync(service(), 'a/{Count}.jpg');
  expect(sends).toHaveLength(1);
  // What a consumer that queries the job upon the message sees: final, with the send owed.
  expect(sends[0].stored).toMatchObject({ state: 'Success', count: 2, pendingAnnouncement: { attempts: 1 } });
  expect(done.pendingAnnouncement).toBeUndefined();
  expect(done.mnsMessageResult).toEqual({ messageId: 'M-1' });
  expect(done.runs).toBe(1);
  expect(await jobs.listUnannounced()).toEqual([]);
});

test('a job without a pipeline owes nothing and is stored final once', async () => {
  const svc = service();
  const job = await svc.submitSnapshotJob({ ...params('plain/{Count}.jpg', { Num: '1', Interval: '1' }), PipelineId: undefined }, 'REQ');
  await svc.runJob(job.id);
  expect(await jobs.get(job.id)).toMatchObject({ state: 'Success', revision: 3 });
  expect((await jobs.get(job.id))?.pendingAnnouncement).toBeUndefined();
  expect(sends).toEqual([]);
});

test('the message endpoint down for 30 s: retried with growing back-off, sent once when it is back, also by a restarted service', async () => {
  down = () => nowMs < T0 + 30_000;
  const svc = service();
  const first = await runAsync(svc, 'outage/{Count}.jpg');
  expect(first).toMatchObject({ state: 'Success', pendingAnnouncement: { attempts: 1, lastErrorCode: 'NetworkError' }, mnsMessageResult: { errorCode: 'NetworkError' } });
  const second = await runAsync(svc, 'outage2/{Count}.jpg');

  const delays: number[] = [];
  let restarted = svc;
  while ((await jobs.listUnannounced()).length > 0) {
    const before = (await jobs.get(first.id))!;
    nowMs += 2500;
    // Half-way through, the process is replaced: the new one finds what is owed in the store.
    if (nowMs === T0 + 15_000) restarted = service();
    await restarted.announcePending();
    const after = (await jobs.get(first.id))!;
    if (after.pendingAnnouncement && after.pendingAnnouncement.attempts > before.pendingAnnouncement!.attempts) {
      delays.push(after.pendingAnnouncement.nextAttemptAtMs - nowMs);
    }
    expect(nowMs).toBeLessThan(T0 + 120_000);
  }
  // Each failed retry waits within [ceiling/2, ceiling] of a doubling ceiling.
  delays.forEach((d, i) => {
    const ceiling = Math.min(DEFAULT_ANNOUNCEMENT_POLICY.maxDelayMs, DEFAULT_ANNOUNCEMENT_POLICY.baseDelayMs * 2 ** (i + 1));
    expect(d).toBeGreaterThanOrEqual(ceiling / 2);
    expect(d).toBeLessThanOrEqual(ceiling);
  });
  expect(delays.length).toBeGreaterThanOrEqual(3);
  for (const id of [first.id, second.id]) {
    expect(sends.filter((s) => s.jobId === id && s.ok)).toHaveLength(1);
    const done = (await jobs.get(id))!;
    expect(done.pendingAnnouncement).toBeUndefined();
    expect(done.mnsMessageResult?.messageId).toMatch(/^M-/);
  }
  // No send happened before the endpoint came back that was not recorded as failed.
  expect(sends.every((s) => s.stored?.state === 'Success')).toBe(true);
});

test('the duplicate window: sent, then the write that records it fails; the send is repeated once its claim runs out', async () => {
  let failNextClear = true;
  const flaky: JobStore = Object.assign(Object.create(jobs) as JobStore, {
    update: async (job: SnapshotJob) => {
      if (failNextClear && job.mnsMessageResult?.messageId && !job.pendingAnnouncement) {
        failNextClear = false;
        throw new Error('EIO: the job store lost the write');
      }
      return jobs.update(job);
    },
  });
  const svc = service({ jobs: flaky });
  const job = await runAsync(svc, 'dup/{Count}.jpg');
  expect(sends.map((s) => s.ok)).toEqual([true]);
  expect(job.pendingAnnouncement).toMatchObject({ attempts: 1 });
  // Within the claim nobody sends again...
  nowMs += DEFAULT_ANNOUNCEMENT_POLICY.leaseMs - 1;
  expect((await svc.announcePending()).sent).toEqual([]);
  // ...after it, the send is repeated: the one duplicate the outbox allows.
  nowMs += 1;
  expect((await svc.announcePending()).sent).toEqual([job.id]);
  expect(sends.map((s) => s.jobId)).toEqual([job.id, job.id]);
  expect((await jobs.get(job.id))?.pendingAnnouncement).toBeUndefined();
});

test('two announcers on one store send each owed announcement once', async () => {
  down = () => true;
  const a = service();
  const ids = [(await runAsync(a, 'r1/{Count}.jpg')).id, (await runAsync(a, 'r2/{Count}.jpg')).id, (await runAsync(a, 'r3/{Count}.jpg')).id];
  down = () => false;
  sends = [];
  nowMs += 10_000;
  const [x, y] = await Promise.all([a.announcePending(), service().announcePending()]);
  expect([...x.sent, ...y.sent].sort()).toEqual([...ids].sort());
  expect(sends.map((s) => s.jobId).sort()).toEqual([...ids].sort());
});

test('a poison job: after maxJobRuns started runs it is failed, saying so, and announced; not run again', async () => {
  const request = parseSubmitRequest(params('poison/{Count}.jpg', { Num: '2', Interval: '1' }), { region: 'cn-hangzhou' });
  let job = createJob({ id: randomIds.jobId(), requestId: 'REQ-P', request, now: clock.now() });
  for (let i = 0; i < 3; i++) job = startJob(job);
  const stored = await jobs.create(job);
  expect(stored.runs).toBe(3);
  await service({ maxJobRuns: 3 }).runJob(job.id);
  const failed = (await jobs.get(job.id))!;
  expect(failed).toMatchObject({ state: 'Fail', code: 'InternalError', mnsMessageResult: { messageId: 'M-1' } });
  expect(failed.message).toMatch(/started 3 times and the process running it stopped each time/);
  expect(captures).toBe(0);
  expect(sends[0].stored?.state).toBe('Fail');
});

test('a job with runs left is resumed and counts the run', async () => {
  const request = parseSubmitRequest(params('resumed/{Count}.jpg', { Num: '2', Interval: '1' }), { region: 'cn-hangzhou' });
  const job = await jobs.create(startJob(startJob(createJob({ id: randomIds.jobId(), requestId: 'REQ-R', request, now: clock.now() }))));
  await service({ maxJobRuns: 3 }).runJob(job.id);
  expect(await jobs.get(job.id)).toMatchObject({ state: 'Success', runs: 3 });
});

describe('backpressure', () => {
  const AK = { accessKeyId: 'LTAIthrottle', accessKeySecret: 'throttle-secret' };

  test('a sync request that cannot start at once and an async one past the backlog get Throttling, which the SDK turns into a ThrottlingError', async () => {
    let backlog = 0;
    const svc = service({ clock: { now: () => new Date() }, admission: { maxRunningJobs: 1, syncWaitMs: 0, maxAsyncBacklog: 3, asyncBacklog: () => backlog } });
    const api = await startApi({ service: svc, credentials: staticCredentials([AK]), clock: { now: () => new Date() } });
    const client = { host: '127.0.0.1', port: api.port, endpoint: api.url, region: 'cn-hangzhou', ...AK } as LocalService;
    const body = (object: string, extra: Record<string, unknown> = {}) => {
      const { Input, SnapshotConfig } = params(object, extra);
      return { Input, SnapshotConfig };
    };
    try {
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      const first = submit(client, 'mts-v3', body('sync/one.jpg'));
      // The first sync job holds the only slot (its capture waits on `hold`).
      for (let turn = 0; captures === 0; turn++) {
        if (turn > 10_000) throw new Error(`the first sync job never reached its capture: ${JSON.stringify(await settleNow(first))}`);
        await new Promise((r) => setImmediate(r));
      }
      const before = (await jobs.list({ pageSize: 100 })).jobs.length;

      const refused = await failure(submit(client, 'mts-v3', body('sync/two.jpg')));
      expect(refused).toMatchObject({ code: 'Throttling', statusCode: 400 });
      const three = body('sync/three.jpg');
      const raw = await mtsClient(client)
        .submitSnapshotJob(new SubmitSnapshotJobRequest({ input: three.Input, snapshotConfig: three.SnapshotConfig }))
        .then(() => undefined, (e: unknown) => e);
      expect(raw).toMatchObject({ name: 'ThrottlingError', code: 'Throttling', retryAfter: 1000 });
      // Refused before anything was stored: nothing is left to finish.
      expect((await jobs.list({ pageSize: 100 })).jobs).toHaveLength(before);

      release();
      expect((await first).State).toBe('Success');
      expect((await submit(client, 'mts-v3', body('sync/four.jpg'))).State).toBe('Success');

      backlog = 3;
      const async = await failure(submit(client, 'pop-post', body('async/{Count}.jpg', { Num: '2', Interval: '1' })));
      expect(async.code).toBe('Throttling');
      backlog = 2;
      expect((await submit(client, 'pop-post', body('async/{Count}.jpg', { Num: '2', Interval: '1' }))).State).toBe('Submitted');
    } finally {
      await api.close();
    }
  });
});

/** The outcome of a promise if it settled already. */
async function settleNow(p: Promise<unknown>): Promise<unknown> {
  return Promise.race([p.then((v) => ({ value: v }), (e: unknown) => ({ error: String(e) })), new Promise((r) => setImmediate(() => r('pending')))]);
}
