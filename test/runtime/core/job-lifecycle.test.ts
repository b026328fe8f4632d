import { Errors } from '../../../runtime/core/errors';
import { snapshotErrorOf } from '../../support/errors';
import {
  createJob,
  failJob,
  formatMpsTime,
  isFinal,
  startJob,
  succeedJob,
  withNotificationResult,
} from '../../../runtime/core/job-lifecycle';
import type { SnapshotJob, SnapshotRequest } from '../../../runtime/core/model';

const ref = (key: string) => ({ bucket: 'b-bucket', location: 'oss-cn-hangzhou', rawObject: key, key });
const request: SnapshotRequest = { input: ref('v.mp4'), config: { outputFile: ref('a.jpg'), timeMs: 0, frameType: 'intra' }, mode: 'sync' };
const now = new Date(Date.UTC(2024, 4, 19, 3, 11, 48, 765));
const submitted = () => createJob({ id: 'f4e3b9ba9f3840c39d6e288056f0abcd', requestId: 'REQ', request, now });
const result = { count: 2, outputKeys: ['a1.jpg', 'a2.jpg'], timesMs: [0, 1000] };


describe('job lifecycle: Submitted → Snapshoting → Success | Fail', () => {
  test('a new job is Submitted, with the MPS creation time and its ms', () => {
    const job = submitted();
    expect(job).toEqual({
      id: 'f4e3b9ba9f3840c39d6e288056f0abcd',
      requestId: 'REQ',
      state: 'Submitted',
      creationTime: '2024-05-19T03:11:48Z',
      createdAtMs: now.getTime(),
      request,
    });
  });

  test('a started job is Snapshoting; a resumed one may start again', () => {
    const running = startJob(submitted());
    expect(running.state).toBe('Snapshoting');
    expect(startJob(running).state).toBe('Snapshoting');
  });

  test('success records count, sprites, keys and times, and clears an old error', () => {
    const done = succeedJob({ ...startJob(submitted()), code: 'X', message: 'y' }, { ...result, tileCount: 1 });
    expect(done).toMatchObject({ state: 'Success', count: 2, tileCount: 1, outputKeys: ['a1.jpg', 'a2.jpg'], timesMs: [0, 1000] });
    expect(done.code).toBeUndefined();
    expect(done.message).toBeUndefined();
  });

  test.each<[string, () => SnapshotJob]>([
    ['a Submitted job', submitted],
    ['a Snapshoting job', () => startJob(submitted())],
  ])('%s can fail, keeping the error code and message', (_n, job) => {
    const failed = failJob(job(), Errors.resourceNotFound('InputFile'));
    expect(failed.state).toBe('Fail');
    expect(failed.code).toBe('InvalidParameter.ResourceNotFound');
    expect(failed.message).toContain('InputFile');
  });

  test.each<[string, () => unknown]>([
    ['Submitted → Success', () => succeedJob(submitted(), result)],
    ['Success → Snapshoting', () => startJob(succeedJob(startJob(submitted()), result))],
    ['Success → Fail', () => failJob(succeedJob(startJob(submitted()), result), Errors.internal())],
    ['Fail → Snapshoting', () => startJob(failJob(submitted(), Errors.internal()))],
    ['Fail → Success', () => succeedJob(failJob(submitted(), Errors.internal()), result)],
    ['Fail → Fail', () => failJob(failJob(submitted(), Errors.internal()), Errors.internal())],
    ['notifying an unfinished job', () => withNotificationResult(submitted(), { messageId: 'm' })],
  ])('illegal: %s is an InternalError', (_n, f) => {
    const err = snapshotErrorOf(f);
    expect(err.code).toBe('InternalError');
    expect(err.httpStatus).toBe(500);
  });

  test('a finished job records its notification result', () => {
    const done = succeedJob(startJob(submitted()), result);
    expect(withNotificationResult(done, { messageId: '799454621135656C7F815F198A76ABCD' }).mnsMessageResult).toEqual({
      messageId: '799454621135656C7F815F198A76ABCD',
    });
    const failed = failJob(submitted(), Errors.internal());
    expect(withNotificationResult(failed, { errorCode: 'QueueNotExist', errorMessage: 'no queue' }).mnsMessageResult).toEqual({
      errorCode: 'QueueNotExist',
      errorMessage: 'no queue',
    });
  });

  test('transitions return new records and leave the old one untouched', () => {
    const job = submitted();
    startJob(job);
    expect(job.state).toBe('Submitted');
  });

  test.each([
    ['Submitted', false],
    ['Snapshoting', false],
    ['Success', true],
    ['Fail', true],
  ] as const)('%s is final: %s', (state, final) => {
    expect(isFinal(state)).toBe(final);
  });

  test('MPS times are UTC without milliseconds', () => {
    expect(formatMpsTime(new Date(Date.UTC(2021, 0, 2, 3, 4, 5, 999)))).toBe('2021-01-02T03:04:05Z');
  });
});
