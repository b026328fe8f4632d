import { Errors } from '../../../runtime/core/errors';
import { createJob, failJob, startJob, succeedJob } from '../../../runtime/core/job-lifecycle';
import type { SnapshotRequest } from '../../../runtime/core/model';
import { renderJobMessage } from '../../../runtime/core/notification-message';

const ref = (key: string) => ({ bucket: 'b-bucket', location: 'oss-cn-hangzhou', rawObject: key, key });
const request = (userData?: string): SnapshotRequest => ({
  input: ref('v.mp4'),
  config: { outputFile: ref('Async-V2-{Count}.jpg'), timeMs: 0, frameType: 'intra', timeArrayMs: [10050, 50000] },
  mode: 'async',
  pipelineId: 'dd3dae411e704030b921e52698e5aaaa',
  ...(userData !== undefined ? { userData } : {}),
});
const job = (userData?: string) =>
  createJob({ id: '8f91aaaabbbbccccddddeeeeffff0000', requestId: '713C0000-1111-2222-3333-444455556666', request: request(userData), now: new Date(0) });

describe('notification message (spec 6.2): every key in both casings', () => {
  test('a successful time-point job carries the snapshot fields', () => {
    const done = succeedJob(startJob(job('{}')), { count: 2, outputKeys: ['Async-V2-00001.jpg', 'Async-V2-00002.jpg'], timesMs: [10050, 50000] });
    const msg = JSON.parse(
      renderJobMessage(done, {
        lastUrl: 'http://example.oss-cn-hangzhou.aliyuncs.com/Async-V2-00002.jpg',
        urlPattern: 'http://example.oss-cn-hangzhou.aliyuncs.com/Async-V2-{Count}.jpg',
      }),
    );
    expect(msg).toEqual({
      jobId: '8f91aaaabbbbccccddddeeeeffff0000',
      JobId: '8f91aaaabbbbccccddddeeeeffff0000',
      requestId: '713C0000-1111-2222-3333-444455556666',
      RequestId: '713C0000-1111-2222-3333-444455556666',
      type: 'Snapshot',
      Type: 'Snapshot',
      state: 'Success',
      State: 'Success',
      userData: '{}',
      UserData: '{}',
      count: 2,
      Count: 2,
      timeArray: [10050, 50000],
      TimeArray: [10050, 50000],
      lastUrl: 'http://example.oss-cn-hangzhou.aliyuncs.com/Async-V2-00002.jpg',
      LastUrl: 'http://example.oss-cn-hangzhou.aliyuncs.com/Async-V2-00002.jpg',
      urlPattern: 'http://example.oss-cn-hangzhou.aliyuncs.com/Async-V2-{Count}.jpg',
      UrlPattern: 'http://example.oss-cn-hangzhou.aliyuncs.com/Async-V2-{Count}.jpg',
    });
  });

  test('Count is a number, not a string', () => {
    const done = succeedJob(startJob(job()), { count: 5, outputKeys: [], timesMs: [] });
    expect(typeof JSON.parse(renderJobMessage(done, {})).Count).toBe('number');
  });

  test('a sprite job reports TileCount', () => {
    const done = succeedJob(startJob(job()), { count: 4, tileCount: 2, outputKeys: [], timesMs: [0, 1, 2, 3] });
    const msg = JSON.parse(renderJobMessage(done, {}));
    expect([msg.tileCount, msg.TileCount]).toEqual([2, 2]);
  });

  test('a failed job carries code and msg, and no snapshot fields', () => {
    const failed = failJob(startJob(job('{}')), Errors.timeArray('TimeArray greater than video duration.'));
    const msg = JSON.parse(renderJobMessage(failed, { lastUrl: 'ignored' }));
    expect(msg).toEqual({
      jobId: failed.id,
      JobId: failed.id,
      requestId: failed.requestId,
      RequestId: failed.requestId,
      type: 'Snapshot',
      Type: 'Snapshot',
      state: 'Fail',
      State: 'Fail',
      userData: '{}',
      UserData: '{}',
      code: 'InvalidParameter.TimeArray',
      Code: 'InvalidParameter.TimeArray',
      msg: 'TimeArray greater than video duration.',
      Msg: 'TimeArray greater than video duration.',
    });
  });

  test('UserData is echoed exactly, special characters included', () => {
    const done = succeedJob(startJob(job("a b(c)*!'~+é")), { count: 1, outputKeys: [], timesMs: [0] });
    expect(JSON.parse(renderJobMessage(done, {})).UserData).toBe("a b(c)*!'~+é");
  });

  test('without UserData the key is left out', () => {
    const done = succeedJob(startJob(job()), { count: 1, outputKeys: [], timesMs: [0] });
    const msg = JSON.parse(renderJobMessage(done, {}));
    expect('UserData' in msg || 'userData' in msg).toBe(false);
  });
});
