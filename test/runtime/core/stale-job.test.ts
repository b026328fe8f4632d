import { deliveriesOf, failJob, lastDispatchedAtMs, redispatchJob, staleJobAction, startJob, succeedJob } from '../../../runtime/core/job-lifecycle';
import { Errors } from '../../../runtime/core/errors';
import type { SnapshotJob } from '../../../runtime/core/model';
import { snapshotErrorOf } from '../../support/errors';
import { hexId, jobRecord } from '../adapters/job-fixtures';

const MIN = 60_000;
const created = Date.UTC(2024, 4, 19, 3, 0, 0);
const policy = { staleAfterMs: 70 * MIN, maxRedispatches: 2 };
const asyncJob = (over: Partial<SnapshotJob> = {}): SnapshotJob => ({ ...jobRecord(hexId(1), created), ...over });
const syncJob = (): SnapshotJob => {
  const j = asyncJob();
  return { ...j, request: { ...j.request, mode: 'sync' } };
};

describe('stale jobs: what the sweep does with an unfinished job', () => {
  test('a job younger than the threshold is left alone, whatever its state or mode', () => {
    const at = created + 70 * MIN - 1;
    expect(staleJobAction(asyncJob(), at, policy)).toBe('leave');
    expect(staleJobAction(startJob(asyncJob()), at, policy)).toBe('leave');
    expect(staleJobAction(syncJob(), at, policy)).toBe('leave');
  });

  test('a stale async job is re-dispatched while it has re-dispatches left, then given up on', () => {
    const at = created + 70 * MIN;
    expect(staleJobAction(asyncJob(), at, policy)).toBe('redispatch');
    expect(staleJobAction(startJob(asyncJob()), at, policy)).toBe('redispatch');
    const once = redispatchJob(asyncJob(), at);
    expect(staleJobAction(once, at + 70 * MIN, policy)).toBe('redispatch');
    const twice = redispatchJob(once, at + 70 * MIN);
    expect(staleJobAction(twice, at + 140 * MIN, policy)).toBe('give-up');
    expect(staleJobAction(asyncJob(), at, { ...policy, maxRedispatches: 0 })).toBe('give-up');
  });

  test('age counts from the last re-dispatch, not from creation', () => {
    const at = created + 100 * MIN;
    const again = redispatchJob(asyncJob(), at);
    expect(lastDispatchedAtMs(again)).toBe(at);
    expect(staleJobAction(again, at + 69 * MIN, policy)).toBe('leave');
    expect(staleJobAction(again, at + 70 * MIN, policy)).toBe('redispatch');
  });

  test('a stale sync job is failed (its caller is gone), never re-run', () => {
    expect(staleJobAction(syncJob(), created + 70 * MIN, policy)).toBe('fail-sync');
  });

  test('final jobs are never touched', () => {
    const done = succeedJob(startJob(asyncJob()), { count: 1, outputKeys: ['a.jpg'], timesMs: [0] });
    expect(staleJobAction(done, created + 1000 * MIN, policy)).toBe('leave');
    expect(staleJobAction(failJob(asyncJob(), Errors.internal()), created + 1000 * MIN, policy)).toBe('leave');
  });

  test('a re-dispatch counts the attempt and keeps the state; a final job cannot be re-dispatched', () => {
    const job = redispatchJob(startJob(asyncJob()), created + 80 * MIN);
    expect(job).toMatchObject({ state: 'Snapshoting', redispatches: 1, redispatchedAtMs: created + 80 * MIN });
    expect(deliveriesOf(asyncJob())).toBe(1);
    expect(deliveriesOf(redispatchJob(job, created + 160 * MIN))).toBe(3);
    const done = failJob(asyncJob(), Errors.internal());
    expect(snapshotErrorOf(() => redispatchJob(done, created))).toMatchObject({ code: 'InternalError' });
  });
});
