/**
 * The states a snapshot job moves through, spelled as MPS spells them:
 *
 *   Submitted ──▶ Snapshoting ──▶ Success
 *       │              │
 *       └──────────────┴───────▶ Fail
 *
 * plus Snapshoting ──▶ Snapshoting, so a job that was running when the service stopped can be
 * resumed after a restart. Anything else (leaving a final state, succeeding before starting) is a
 * bug in the caller and raises InternalError instead of corrupting the record.
 */
import { Errors, type SnapshotError } from './errors';
import { FINAL_STATES, type JobState, type MnsMessageResult, type SnapshotJob, type SnapshotRequest } from './model';

export function createJob(a: { id: string; requestId: string; request: SnapshotRequest; now: Date }): SnapshotJob {
  return {
    id: a.id,
    requestId: a.requestId,
    state: 'Submitted',
    creationTime: formatMpsTime(a.now),
    createdAtMs: a.now.getTime(),
    request: a.request,
  };
}

export function startJob(job: SnapshotJob): SnapshotJob {
  expectState(job, ['Submitted', 'Snapshoting'], 'Snapshoting');
  return { ...job, state: 'Snapshoting' };
}

export function succeedJob(
  job: SnapshotJob,
  r: { count: number; tileCount?: number; outputKeys: string[]; timesMs: number[] },
): SnapshotJob {
  expectState(job, ['Snapshoting'], 'Success');
  const { code: _code, message: _message, ...rest } = job;
  return {
    ...rest,
    state: 'Success',
    count: r.count,
    ...(r.tileCount !== undefined ? { tileCount: r.tileCount } : {}),
    outputKeys: [...r.outputKeys],
    timesMs: [...r.timesMs],
  };
}

export function failJob(job: SnapshotJob, err: SnapshotError): SnapshotJob {
  expectState(job, ['Submitted', 'Snapshoting'], 'Fail');
  return { ...job, state: 'Fail', code: err.code, message: err.message };
}

/** Records how the finished job's notification went; only final jobs are announced. */
export function withNotificationResult(job: SnapshotJob, r: MnsMessageResult): SnapshotJob {
  if (!isFinal(job.state)) {
    throw Errors.internal(`job ${job.id} is ${job.state}; only finished jobs are announced`);
  }
  return { ...job, mnsMessageResult: { ...r } };
}

export function isFinal(state: JobState): boolean {
  return FINAL_STATES.includes(state);
}

/** UTC `YYYY-MM-DDThh:mm:ssZ`, the only time format MPS uses (no milliseconds). */
export function formatMpsTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function expectState(job: SnapshotJob, from: JobState[], to: JobState): void {
  if (!from.includes(job.state)) {
    throw Errors.internal(`job ${job.id} cannot go from ${job.state} to ${to}`);
  }
}
