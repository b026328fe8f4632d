/**
 * Async SubmitSnapshotJob (Interval/Num): answered at once in a non-final state, captured in the
 * background, queried until Success, announced on the pipeline's topic and readable with the
 * official MNS client from the local MNS protocol server.
 */
import { promises as fs } from 'node:fs';
import { frameAt, makeIndexedVideo, readFrameIndex } from '../support/media';
import { mnsClient } from '../support/clients';
import { withLocalService } from '../support/local-service';
import { oss, query, submit, waitForFinal, waitForAnnounced } from './e2e-helpers';
import type { ClientKind } from './e2e-helpers';

const FPS = 25;
const local = withLocalService();

beforeAll(async () => {
  await local.putInput(await makeIndexedVideo({ durationSec: 4, fps: FPS, gop: 10 }), 'in/a/clip.mp4');
});

/** Reads notifications until one for `jobId` arrives (deleting what it reads). */
async function notificationFor(jobId: string): Promise<Record<string, unknown>> {
  const { svc } = local;
  const mns = mnsClient(svc);
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    const m = await mns.receive(svc.notificationQueue, 2);
    if (!m) continue;
    await mns.delete(svc.notificationQueue, m.receiptHandle);
    const body = JSON.parse(m.body) as Record<string, unknown>;
    if (body.jobId === jobId) return body;
  }
  throw new Error(`no notification for ${jobId}`);
}

test.each<ClientKind>(['mts-v3', 'pop-get'])('%s: Interval+Num sequence with placeholders, exact frames, Count, notification', async (kind) => {
  const { svc } = local;
  const template = `seq-${kind}/{ObjectPrefix}{FileName}-{Count}-{SnapshotTime}.{ExtName}.jpg`;
  const job = await submit(svc, kind, {
    Input: JSON.stringify(oss(svc, svc.inputBucket, encodeURIComponent('in/a/clip.mp4'))),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, encodeURIComponent(template)), Time: '400', Interval: '1', Num: '3', FrameType: 'normal' }),
    PipelineId: svc.pipelineId,
    UserData: 'async-1',
  });
  expect(['Submitted', 'Snapshoting']).toContain(job.State);
  expect(job.PipelineId).toBe(svc.pipelineId);

  const done = await waitForFinal(svc, job.Id, 30000, kind);
  expect(done.State).toBe('Success');
  expect(done.Count).toBe('3');
  // The final state is stored before the send; the message id is recorded right after it.
  expect((await waitForAnnounced(svc, job.Id, kind)).MNSMessageResult?.MessageId).toMatch(/^[0-9A-F]{32}$/);

  const keys = await local.listOutputs(`seq-${kind}/`);
  expect(keys).toEqual([
    `seq-${kind}/in/a/clip-00001-400.mp4.jpg`,
    `seq-${kind}/in/a/clip-00002-1400.mp4.jpg`,
    `seq-${kind}/in/a/clip-00003-2400.mp4.jpg`,
  ]);
  const frames = await Promise.all(keys.map(async (k) => readFrameIndex(await fs.readFile(local.objectPath(k)))));
  expect(frames).toEqual([400, 1400, 2400].map((t) => frameAt(t, FPS)));

  const msg = await notificationFor(job.Id);
  for (const [lower, upper] of [['jobId', 'JobId'], ['requestId', 'RequestId'], ['type', 'Type'], ['state', 'State'], ['userData', 'UserData']]) {
    expect(msg[lower]).toBeDefined();
    expect(msg[upper]).toEqual(msg[lower]);
  }
  expect(msg.State).toBe('Success');
  expect(msg.Type).toBe('Snapshot');
  expect(msg.UserData).toBe('async-1');
  expect(msg.JobId).toBe(job.Id);
  expect(msg.Count).toBe(3);
  expect(msg.TimeArray).toEqual([400, 1400, 2400]);
  // LastUrl points at the local bucket file server and downloads the last JPG.
  const last = await fetch(String(msg.LastUrl));
  expect(last.status).toBe(200);
  expect(last.headers.get('content-type')).toBe('image/jpeg');
  expect(Buffer.from(await last.arrayBuffer())).toEqual(await fs.readFile(local.objectPath(keys[2])));
});

test('Num past the end of the video is truncated and Count says how many were taken', async () => {
  const { svc } = local;
  const job = await submit(svc, 'mts-v2', {
    Input: JSON.stringify(oss(svc, svc.inputBucket, 'in/a/clip.mp4')),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, 'trunc/{Count}.jpg'), Time: '1000', Interval: '1', Num: '10' }),
    PipelineId: svc.pipelineId,
  });
  const done = await waitForFinal(svc, job.Id);
  expect(done.State).toBe('Success');
  expect(done.Count).toBe('3');
  expect(await local.listOutputs('trunc/')).toEqual(['trunc/00001.jpg', 'trunc/00002.jpg', 'trunc/00003.jpg']);
  const msg = await notificationFor(job.Id);
  expect(msg.Count).toBe(3);
  expect(msg.UrlPattern).toBe(`${svc.endpoint}/oss/${svc.outputBucket}/trunc/{Count}.jpg`);
  expect(msg.LastUrl).toBe(`${svc.endpoint}/oss/${svc.outputBucket}/trunc/00003.jpg`);
});

test('Interval=0 spreads Num snapshots over the whole video (average mode)', async () => {
  const { svc } = local;
  const job = await submit(svc, 'pop-post', {
    Input: JSON.stringify(oss(svc, svc.inputBucket, 'in/a/clip.mp4')),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, 'avg/{Count}.jpg'), Time: '0', Interval: '0', Num: '4', FrameType: 'normal' }),
  });
  const done = await waitForFinal(svc, job.Id);
  expect(done.State).toBe('Success');
  expect(done.Count).toBe('4');
  expect(done.MNSMessageResult).toBeUndefined();
  const keys = await local.listOutputs('avg/');
  expect(keys).toHaveLength(4);
  const frames = await Promise.all(keys.map(async (k) => readFrameIndex(await fs.readFile(local.objectPath(k)))));
  for (let i = 1; i < frames.length; i++) expect(frames[i]).toBeGreaterThan(frames[i - 1]);
  expect(frames[frames.length - 1] - frames[0]).toBeGreaterThanOrEqual(50);
});

test('Num=1 is one async snapshot', async () => {
  const { svc } = local;
  const job = await submit(svc, 'mts-v3', {
    Input: JSON.stringify(oss(svc, svc.inputBucket, 'in/a/clip.mp4')),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, 'one/only.jpg'), Time: '1000', Num: '1', FrameType: 'normal' }),
  });
  expect(['Submitted', 'Snapshoting']).toContain(job.State);
  expect((await waitForFinal(svc, job.Id)).State).toBe('Success');
  expect(await readFrameIndex(await fs.readFile(local.objectPath('one/only.jpg')))).toBe(25);
});

test('an async job whose input is missing ends Fail with ResourceNotFound, and the notification says so', async () => {
  const { svc } = local;
  const job = await submit(svc, 'mts-v3', {
    Input: JSON.stringify(oss(svc, svc.inputBucket, 'in/nothing-here.mp4')),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, 'missing/{Count}.jpg'), Time: '0', Num: '2' }),
    PipelineId: svc.pipelineId,
  });
  const done = await waitForFinal(svc, job.Id);
  expect(done.State).toBe('Fail');
  expect(done.Code).toBe('InvalidParameter.ResourceNotFound');
  expect(done.Message).toMatch(/nothing-here/);
  const msg = await notificationFor(job.Id);
  expect(msg.State).toBe('Fail');
  expect(msg.code).toBe('InvalidParameter.ResourceNotFound');
  expect(await local.listOutputs('missing/')).toEqual([]);
});

test('query by pipeline, state and creation time, newest first, with paging', async () => {
  const { svc } = local;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const job = await submit(svc, 'mts-v3', {
      Input: JSON.stringify(oss(svc, svc.inputBucket, 'in/a/clip.mp4')),
      SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, `page/${i}.jpg`), Time: String(i * 100) }),
      PipelineId: svc.pipelineId,
    });
    ids.push(job.Id);
  }
  const all: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await query(svc, 'mts-v3', {
      PipelineId: svc.pipelineId,
      State: 'Success',
      StartOfJobCreatedTimeRange: new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      EndOfJobCreatedTimeRange: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      MaximumPageSize: '2',
      ...(token ? { NextPageToken: token } : {}),
    });
    expect(page.jobs.length).toBeLessThanOrEqual(2);
    all.push(...page.jobs.map((j) => j.Id));
    for (const j of page.jobs) expect(j.State).toBe('Success');
    token = page.nextPageToken;
    pages++;
  } while (token && pages < 20);
  // The three sync jobs are the newest Success jobs of this pipeline, newest first.
  expect(all.slice(0, 3)).toEqual([...ids].reverse());
  expect(pages).toBeGreaterThanOrEqual(2);

  const none = await query(svc, 'pop-get', { PipelineId: svc.pipelineId, State: 'Submitted', EndOfJobCreatedTimeRange: '2000-01-01T00:00:00Z' });
  expect(none.jobs).toEqual([]);
});
