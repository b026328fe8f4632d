/**
 * The cloud's counterpart of the resume at start: in Function Compute nothing restarts, so a job
 * whose every delivery failed (worker crashed, killed at its timeout, MNS or FC gave up) would
 * stay `Submitted`/`Snapshoting` forever. A timer runs this sweep on the worker; each unfinished
 * job is judged by `staleJobAction` (core) on the time since its last dispatch:
 *
 * - younger than the threshold: left alone (a worker or a sync caller may still hold it);
 * - stale async job with deliveries left: recorded as re-dispatched, then dispatched again;
 * - stale async job past the limit: `Fail` with InternalError, announced;
 * - stale sync job: `Fail` as the local resume does (its caller is gone), announced.
 *
 * The re-dispatch is recorded before the message goes out, so a sweep that is retried or runs
 * twice finds the job young again and cannot hand it to two workers at once.
 */
import { Errors } from '../core/errors';
import { isJobConflict } from '../core/job-conflict';
import { deliveriesOf, redispatchJob, staleJobAction } from '../core/job-lifecycle';
import type { StaleJobAction, StaleJobPolicy } from '../core/job-lifecycle';
import type { SnapshotJob } from '../core/model';
import type { Clock, JobDispatcher } from '../core/ports';
import { abandonedSyncJobError, closeUnfinishedJob } from './close-unfinished-job';
import type { CloseDeps } from './close-unfinished-job';

export type SweepDeps = CloseDeps & { readonly dispatcher: JobDispatcher; readonly clock: Clock };

export interface SweepReport {
  /** Unfinished jobs looked at. */
  readonly checked: number;
  readonly redispatched: string[];
  /** Jobs closed as `Fail` (sync jobs, and async jobs past the re-dispatch limit). */
  readonly failed: string[];
}

export function gaveUpError(job: SnapshotJob): ReturnType<typeof Errors.internal> {
  return Errors.internal(
    `the job did not finish after ${deliveriesOf(job)} attempts: the worker stopped or timed out each time; submit it again, with fewer snapshots or a longer worker timeout`,
  );
}

async function act(job: SnapshotJob, action: Exclude<StaleJobAction, 'leave'>, nowMs: number, deps: SweepDeps): Promise<void> {
  if (action === 'redispatch') {
    // The claim: a conditional update, so of two sweeps that read the same record only one
    // wins; the other gets a JobConflictError and skips the job.
    const claimed = await deps.jobs.update(redispatchJob(job, nowMs));
    try {
      await deps.dispatcher.dispatch(job.id);
    } catch (e) {
      // Not sent: restore the record so the attempt is not counted and the next sweep retries.
      await deps.jobs.update({ ...job, revision: claimed.revision });
      throw e;
    }
    const next = claimed;
    deps.log('sweep.redispatched', { jobId: job.id, redispatches: next.redispatches, state: job.state });
    return;
  }
  const error = action === 'fail-sync' ? abandonedSyncJobError() : gaveUpError(job);
  await closeUnfinishedJob(job, error, deps);
  deps.log('sweep.failed', { jobId: job.id, action, code: error.code, attempts: deliveriesOf(job) });
}

/**
 * `runningHere` tells the jobs this process is running now (never stale, whatever their age).
 * Per-job failures are logged and the sweep goes on; if any happened it rejects at the end, so
 * the timer invocation fails and Function Compute retries it.
 */
export async function sweepStaleJobs(deps: SweepDeps, policy: StaleJobPolicy, runningHere: (jobId: string) => boolean = () => false): Promise<SweepReport> {
  const nowMs = deps.clock.now().getTime();
  const unfinished = await deps.jobs.listUnfinished();
  const redispatched: string[] = [];
  const failed: string[] = [];
  const errors: string[] = [];
  for (const listed of unfinished) {
    if (runningHere(listed.id) || staleJobAction(listed, nowMs, policy) === 'leave') continue;
    try {
      // Listings may be cached: decide on the record as it is now (a worker may just have finished it).
      const job = await deps.jobs.get(listed.id);
      const action = job ? staleJobAction(job, nowMs, policy) : 'leave';
      if (!job || action === 'leave') continue;
      await act(job, action, nowMs, deps);
      (action === 'redispatch' ? redispatched : failed).push(job.id);
    } catch (e) {
      if (isJobConflict(e)) {
        // Someone else (a worker finishing it, another sweep claiming it) wrote first.
        deps.log('sweep.skipped', { jobId: listed.id, reason: e.message });
        continue;
      }
      deps.log('sweep.job-failed', { jobId: listed.id, error: e instanceof Error ? e.message : String(e) });
      errors.push(listed.id);
    }
  }
  deps.log('sweep.done', { checked: unfinished.length, redispatched: redispatched.length, failed: failed.length, errors: errors.length });
  if (errors.length) throw Errors.serviceUnavailable(`the stale-job sweep could not handle ${errors.length} job(s): ${errors.join(', ')}`);
  return { checked: unfinished.length, redispatched, failed };
}
