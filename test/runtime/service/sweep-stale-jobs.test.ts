/**
 * The stale-job sweep over the real filesystem job store and storage, with a fixed clock and
 * recording dispatcher and notifier: what it re-dispatches, what it fails and announces, what it
 * leaves alone, and that it never hands a job out twice.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsJobStore } from '../../../runtime/adapters/job-store/fs-job-store';
import { StaticPipelineRegistry } from '../../../runtime/adapters/pipelines/static-pipeline-registry';
import { FsObjectStorage } from '../../../runtime/adapters/storage/fs-object-storage';
import { DEFAULT_ANNOUNCEMENT_POLICY } from '../../../runtime/core/announcement';
import { redispatchJob, startJob } from '../../../runtime/core/job-lifecycle';
import type { SnapshotJob } from '../../../runtime/core/model';
import type { JobDispatcher, Notifier } from '../../../runtime/core/ports';
import { sweepStaleJobs } from '../../../runtime/service/sweep-stale-jobs';
import type { SweepDeps } from '../../../runtime/service/sweep-stale-jobs';
import { makeTempDir } from '../../support/local-service';
import { hexId, jobRecord } from '../adapters/job-fixtures';

const MIN = 60_000;
const NOW = Date.UTC(2024, 4, 19, 12, 0, 0);
const policy = { staleAfterMs: 70 * MIN, maxRedispatches: 2 };
const PIPELINE = { id: 'feedfacefeedfacefeedfacefeedface', name: 'p', state: 'Active' as const, topic: 'notify' };

let dir: string;
let n = 0;
let jobs: FsJobStore;
let dispatched: string[];
let published: Record<string, unknown>[];
let events: { event: string; fields: Record<string, unknown> }[];

beforeEach(async () => {
  dir = await makeTempDir('snapshot-sweep-');
  jobs = await FsJobStore.open(path.join(dir, 'jobs'));
  dispatched = [];
  published = [];
  events = [];
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const recordingDispatcher: JobDispatcher = { dispatch: async (id) => void dispatched.push(id) };
const recordingNotifier: Notifier = {
  publish: async (_pipeline, body) => {
    published.push(JSON.parse(body));
    return { messageId: `M${published.length}` };
  },
};

function deps(over: Partial<SweepDeps> = {}): SweepDeps {
  return {
    jobs,
    storage: new FsObjectStorage({ rootDir: path.join(dir, 'buckets') }),
    notifier: recordingNotifier,
    pipelines: new StaticPipelineRegistry([PIPELINE]),
    dispatcher: recordingDispatcher,
    clock: { now: () => new Date(NOW) },
    random: () => 0.5,
    announcement: DEFAULT_ANNOUNCEMENT_POLICY,
    log: (event, fields) => events.push({ event, fields }),
    ...over,
  };
}

/** A job created `ageMin` minutes before NOW, stored. */
async function stored(ageMin: number, shape: (j: SnapshotJob) => SnapshotJob = (j) => j): Promise<SnapshotJob> {
  return jobs.create(shape(jobRecord(hexId(++n), NOW - ageMin * MIN, 'Submitted', PIPELINE.id)));
}
const sync = (j: SnapshotJob): SnapshotJob => ({ ...j, request: { ...j.request, mode: 'sync' } });

test('a stale async job is recorded as re-dispatched, then handed to the worker again', async () => {
  const stale = await stored(71);
  const running = await stored(90, startJob);
  const report = await sweepStaleJobs(deps(), policy);
  // Oldest first: the order they were accepted in.
  expect(report).toEqual({ checked: 2, redispatched: [running.id, stale.id], failed: [] });
  expect(dispatched).toEqual([running.id, stale.id]);
  expect(await jobs.get(stale.id)).toMatchObject({ state: 'Submitted', redispatches: 1, redispatchedAtMs: NOW });
  expect(await jobs.get(running.id)).toMatchObject({ state: 'Snapshoting', redispatches: 1, redispatchedAtMs: NOW });
  expect(published).toEqual([]);
});

test('a fresh job, and a job re-dispatched less than the threshold ago, are left alone', async () => {
  const fresh = await stored(69);
  const recent = await stored(500, (j) => redispatchJob(j, NOW - 30 * MIN));
  const report = await sweepStaleJobs(deps(), policy);
  expect(report).toEqual({ checked: 2, redispatched: [], failed: [] });
  expect(dispatched).toEqual([]);
  expect(await jobs.get(fresh.id)).toEqual(fresh);
  expect(await jobs.get(recent.id)).toEqual(recent);
});

test('a job past the re-dispatch limit ends Fail with InternalError, announced on its pipeline', async () => {
  const exhausted = await stored(500, (j) => redispatchJob(redispatchJob(startJob(j), NOW - 200 * MIN), NOW - 100 * MIN));
  const report = await sweepStaleJobs(deps(), policy);
  expect(report.failed).toEqual([exhausted.id]);
  expect(dispatched).toEqual([]);
  const failed = await jobs.get(exhausted.id);
  expect(failed).toMatchObject({ state: 'Fail', code: 'InternalError', mnsMessageResult: { messageId: 'M1' } });
  expect(failed?.message).toMatch(/did not finish after 3 attempts/);
  expect(published).toEqual([expect.objectContaining({ JobId: exhausted.id, State: 'Fail', Code: 'InternalError', Msg: failed?.message })]);
});

test('a stale sync job is failed as the restart does (its caller is gone) and announced; a fresh one is left', async () => {
  const abandoned = await stored(71, sync);
  const inFlight = await stored(1, sync);
  const report = await sweepStaleJobs(deps(), policy);
  expect(report).toEqual({ checked: 2, redispatched: [], failed: [abandoned.id] });
  expect(await jobs.get(abandoned.id)).toMatchObject({ state: 'Fail', code: 'ServiceUnavailable', message: expect.stringMatching(/synchronous job/) });
  expect(published).toEqual([expect.objectContaining({ JobId: abandoned.id, State: 'Fail', Code: 'ServiceUnavailable' })]);
  expect((await jobs.get(inFlight.id))?.state).toBe('Submitted');
});

test('a sweep run again right after (a retried timer, a second instance) hands nothing out twice', async () => {
  const stale = await stored(80);
  await sweepStaleJobs(deps(), policy);
  const again = await sweepStaleJobs(deps(), policy);
  expect(again.redispatched).toEqual([]);
  expect(dispatched).toEqual([stale.id]);
});

test('a job this process is running is never swept, however old', async () => {
  const mine = await stored(500, startJob);
  const report = await sweepStaleJobs(deps(), policy, (id) => id === mine.id);
  expect(report.redispatched).toEqual([]);
  expect(await jobs.get(mine.id)).toEqual(mine);
});

test('a job that cannot be sent keeps its record (the attempt is not counted); the others are still swept and the sweep reports the failure', async () => {
  const unsent = await stored(100);
  const other = await stored(90, sync);
  const refusing: JobDispatcher = { dispatch: async () => Promise.reject(new Error('topic unreachable')) };
  await expect(sweepStaleJobs(deps({ dispatcher: refusing }), policy)).rejects.toMatchObject({
    code: 'ServiceUnavailable',
    message: expect.stringContaining(unsent.id),
  });
  // Claimed, then restored: two writes, and the record says what it said before.
  expect(await jobs.get(unsent.id)).toEqual({ ...unsent, revision: unsent.revision! + 2 });
  expect((await jobs.get(other.id))?.state).toBe('Fail');
  expect(events.find((e) => e.event === 'sweep.job-failed')?.fields).toMatchObject({ jobId: unsent.id, error: 'topic unreachable' });
});
