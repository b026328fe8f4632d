/**
 * The sync deadline (5 s by default, configurable): a snapshot that cannot finish in time answers
 * SnapshotTimeOut (504), leaves nothing in the output bucket and is stored as Fail.
 */
import { makeIndexedVideo } from '../support/media';
import { withLocalService } from '../support/local-service';
import { failure, oss, query, submit, waitForFinal } from './e2e-helpers';

const local = withLocalService({ syncTimeoutMs: 1 });

beforeAll(async () => {
  await local.putInput(await makeIndexedVideo({ durationSec: 4 }), 'slow.mp4');
});

test('a sync job past its deadline is SnapshotTimeOut with no partial output', async () => {
  const { svc } = local;
  const err = await failure(
    submit(svc, 'mts-v3', {
      Input: JSON.stringify(oss(svc, svc.inputBucket, 'slow.mp4')),
      SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, 'late/out.jpg'), Time: '3000', FrameType: 'normal' }),
      UserData: 'too-slow',
    }),
  );
  expect(err.code).toBe('SnapshotTimeOut');
  expect(err.statusCode).toBe(504);
  expect(err.message).toMatch(/1 ms/);
  expect(await local.listOutputs('late/')).toEqual([]);

  const { jobs } = await query(svc, 'pop-get', { State: 'Fail' });
  const job = jobs.find((j) => j.UserData === 'too-slow');
  expect(job?.Code).toBe('SnapshotTimeOut');
});

test('async jobs have no sync deadline', async () => {
  const { svc } = local;
  const job = await submit(svc, 'mts-v3', {
    Input: JSON.stringify(oss(svc, svc.inputBucket, 'slow.mp4')),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, 'async-ok/{Count}.jpg'), Time: '0', Num: '2', Interval: '1' }),
  });
  expect((await waitForFinal(svc, job.Id)).State).toBe('Success');
  expect(await local.listOutputs('async-ok/')).toEqual(['async-ok/00001.jpg', 'async-ok/00002.jpg']);
});
