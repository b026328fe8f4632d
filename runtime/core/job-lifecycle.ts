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

/** The job, running: its run count goes up by one (see `runsExhausted`). */
export function startJob(job: SnapshotJob): SnapshotJob {
  expectState(job, ['Submitted', 'Snapshoting'], 'Snapshoting');
  return { ...job, state: 'Snapshoting', runs: (job.runs ?? 0) + 1 };
}

/**
 * Whether a job has used up its runs: every run that started ended with its process (crash, kill,
 * out of memory) instead of a final state. Such a job is failed, not started again, so an input
 * that kills the process cannot take the service down at every restart.
 */
export function runsExhausted(job: SnapshotJob, maxRuns: number): boolean {
  return !isFinal(job.state) && (job.runs ?? 0) >= maxRuns;
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

/**
 * When the job was last handed to a worker: at creation (submit dispatches at once), or at the
 * stale-job sweep's last re-dispatch.
 */
export function lastDispatchedAtMs(job: SnapshotJob): number {
  return Math.max(job.createdAtMs, job.redispatchedAtMs ?? 0);
}

/** Deliveries the job has had: the one at submit plus every re-dispatch. */
export function deliveriesOf(job: SnapshotJob): number {
  return 1 + (job.redispatches ?? 0);
}

/** The job, recorded as handed to the worker again at `nowMs`. */
export function redispatchJob(job: SnapshotJob, nowMs: number): SnapshotJob {
  expectState(job, ['Submitted', 'Snapshoting'], job.state);
  return { ...job, redispatches: (job.redispatches ?? 0) + 1, redispatchedAtMs: nowMs };
}

export interface StaleJobPolicy {
  /**
   * A job not finished this long after its last dispatch has no live worker: the construct keeps
   * it above the async event age limit plus the worker timeout.
   */
  readonly staleAfterMs: number;
  /** Re-dispatches before a stale job is given up on and failed. */
  readonly maxRedispatches: number;
}

/**
 * What the sweep does with an unfinished job:
 * - `leave`: final, or young enough that a worker (or a sync caller) may still hold it;
 * - `fail-sync`: a stale sync job; its caller's connection is gone, so running it helps nobody;
 * - `redispatch`: a stale async job with deliveries left;
 * - `give-up`: a stale async job that used them all (it crashes or times out every time).
 */
export type StaleJobAction = 'leave' | 'fail-sync' | 'redispatch' | 'give-up';

export function staleJobAction(job: SnapshotJob, nowMs: number, policy: StaleJobPolicy): StaleJobAction {
  if (isFinal(job.state)) return 'leave';
  if (nowMs - lastDispatchedAtMs(job) < policy.staleAfterMs) return 'leave';
  if (job.request.mode === 'sync') return 'fail-sync';
  return (job.redispatches ?? 0) < policy.maxRedispatches ? 'redispatch' : 'give-up';
}
