/**
 * The local mode under faults, with the real capture engine: ffmpeg killed in the middle of a
 * capture, and writes failing with ENOSPC at the storage port for a while. Every job ends
 * Success or Fail with no partial output, and a consumer reading the notifications with the
 * official MNS SDK, querying each job upon its message, sees every job once and already final.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsJobStore } from '../../runtime/adapters/job-store/fs-job-store';
import { StaticPipelineRegistry } from '../../runtime/adapters/pipelines/static-pipeline-registry';
import { randomIds } from '../../runtime/adapters/random-ids';
import { FsObjectStorage } from '../../runtime/adapters/storage/fs-object-storage';
import { systemClock } from '../../runtime/adapters/system-clock';
import { createFfmpegCapture } from '../../runtime/capture/index';
import type { Notifier, ObjectStorage } from '../../runtime/core/ports';
import { createSnapshotService } from '../../runtime/service/snapshot-service';
import { mnsClient } from '../support/clients';
import { makeTempDir, withLocalService } from '../support/local-service';
import { jpegSize, makeIndexedVideo } from '../support/media';
import { oss, query, submit, waitForFinal } from './e2e-helpers';

const local = withLocalService({ workerConcurrency: 1 });

beforeAll(async () => {
  await local.putInput(await makeIndexedVideo({ durationSec: 4 }), 'f.mp4');
});

/** ffmpeg processes this (jest worker) process started. */
async function ffmpegChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const task of await fs.readdir(`/proc/${process.pid}/task`)) {
    const children = await fs.readFile(`/proc/${process.pid}/task/${task}/children`, 'utf8').catch(() => '');
    for (const pid of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
      const comm = await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
      if (comm.trim() === 'ffmpeg') pids.push(pid);
    }
  }
  return pids;
}

test('ffmpeg killed mid-capture: the job ends Fail with nothing written; other jobs are unaffected; every job announced once, final when read', async () => {
  const svc = local.svc;
  const job = (object: string, extra: Record<string, string> = {}) =>
    submit(svc, 'mts-v3', {
      Input: JSON.stringify(oss(svc, svc.inputBucket, 'f.mp4')),
      SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, object), Time: '0', Interval: '1', Num: '4', Width: '1280', ...extra }),
      PipelineId: svc.pipelineId,
    });
  const victim = await job('killed/{Count}.jpg', { FrameType: 'normal' });
  // Every ffmpeg this job starts is killed, until the job is final.
  let killed = 0;
  for (;;) {
    const [state] = (await query(svc, 'mts-v3', { SnapshotJobIds: victim.Id })).jobs.map((j) => j.State);
    if (state === 'Success' || state === 'Fail') break;
    for (const pid of await ffmpegChildren()) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch (e) {
        // It exited on its own between the listing and the kill.
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    }
  }
  expect(killed).toBeGreaterThan(0);
  const failed = await waitForFinal(svc, victim.Id);
  expect(failed.State).toBe('Fail');
  expect(failed.Code).toBeTruthy();
  expect(await local.listOutputs('killed/')).toEqual([]);

  const others = [await job('fine-1/{Count}.jpg', { Width: '320' }), await job('fine-2/{Count}.jpg', { Width: '320' })];
  for (const o of others) expect((await waitForFinal(svc, o.Id)).State).toBe('Success');
  for (const prefix of ['fine-1/', 'fine-2/']) {
    const keys = await local.listOutputs(prefix);
    expect(keys).toHaveLength(4);
    for (const key of keys) expect(await jpegSize(local.objectPath(key))).toEqual({ width: 320, height: 180 });
  }

  const consumer = mnsClient(svc);
  const announced: string[] = [];
  for (;;) {
    const message = await consumer.receive(svc.notificationQueue, 1);
    if (!message) break;
    const body = JSON.parse(message.body);
    const [queried] = (await query(svc, 'pop-get', { SnapshotJobIds: body.JobId })).jobs;
    expect(queried.State).toBe(body.State);
    expect(['Success', 'Fail']).toContain(queried.State);
    announced.push(body.JobId);
    await consumer.delete(svc.notificationQueue, message.receiptHandle);
  }
  expect(announced.sort()).toEqual([victim.Id, ...others.map((o) => o.Id)].sort());
  // The kill is a failure the service reports on the job, not a crash.
  local.events.splice(0, local.events.length, ...local.events.filter((e) => e.event !== 'job.internal-error'));
});

test('writes failing with ENOSPC at the storage port: jobs end Fail and clean up; after space is freed they succeed; announced once each', async () => {
  const dir = await makeTempDir('snapshot-enospc-');
  try {
    const storage = new FsObjectStorage({ rootDir: path.join(dir, 'buckets') });
    await storage.createBucket('in-bucket');
    await storage.createBucket('out-bucket');
    await fs.copyFile(await makeIndexedVideo({ durationSec: 4 }), path.join(storage.bucketDir('in-bucket'), 'v.mp4'));
    let full = false;
    let written = 0;
    const disk: ObjectStorage = Object.assign(Object.create(storage) as FsObjectStorage, {
      // The disk fills up after the first image of a job: the write that finds it full fails.
      put: async (bucket: string, key: string, body: Buffer, type: string) => {
        if (full && written > 0) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${key}'`), { code: 'ENOSPC', errno: -28 });
        await storage.put(bucket, key, body, type);
        written++;
      },
    });
    const sent: string[] = [];
    const notifier: Notifier = { publish: async (_p, body) => (sent.push(JSON.parse(body).JobId), { messageId: `M${sent.length}` }) };
    const jobs = await FsJobStore.open(path.join(dir, 'jobs'));
    const pipeline = { id: 'feedfacefeedfacefeedfacefeedface', name: 'p', state: 'Active' as const, topic: 't' };
    const svc = createSnapshotService({
      storage: disk,
      jobs,
      capture: createFfmpegCapture(),
      notifier,
      pipelines: new StaticPipelineRegistry([pipeline]),
      dispatcher: { dispatch: async () => undefined },
      clock: systemClock,
      ids: randomIds,
      region: 'cn-hangzhou',
      log: () => undefined,
    });
    const params = (object: string) => ({
      Input: JSON.stringify({ Bucket: 'in-bucket', Location: 'oss-cn-hangzhou', Object: 'v.mp4' }),
      SnapshotConfig: JSON.stringify({ OutputFile: { Bucket: 'out-bucket', Location: 'oss-cn-hangzhou', Object: object }, Time: '0', Interval: '1', Num: '3' }),
      PipelineId: pipeline.id,
    });
    const outputs = async (prefix: string) => (await fs.readdir(path.join(storage.bucketDir('out-bucket'), prefix)).catch(() => [] as string[])).sort();

    full = true;
    const during = await svc.submitSnapshotJob(params('full/{Count}.jpg'), 'REQ-FULL');
    await svc.runJob(during.id);
    expect(await jobs.get(during.id)).toMatchObject({ state: 'Fail', code: 'InternalError' });
    expect(await outputs('full')).toEqual([]);

    full = false;
    const after = await svc.submitSnapshotJob(params('freed/{Count}.jpg'), 'REQ-FREED');
    await svc.runJob(after.id);
    expect(await jobs.get(after.id)).toMatchObject({ state: 'Success', count: 3 });
    expect(await outputs('freed')).toEqual(['00001.jpg', '00002.jpg', '00003.jpg']);
    expect(sent).toEqual([during.id, after.id]);
    expect(await jobs.listUnfinished()).toEqual([]);
    expect(await jobs.listUnannounced()).toEqual([]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
