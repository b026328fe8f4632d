/**
 * Runs one accepted job to a final state: Snapshoting -> outputs -> Success, or Fail with the
 * outputs it wrote removed. Then the final record, then the announcement (notify-job). Safe to
 * run again for the same job (a resumed job rewrites the same keys), a bounded number of times:
 * a job whose every run died with its process is failed instead of started again.
 */
import { Errors, isSnapshotError } from '../core/errors';
import type { SnapshotError } from '../core/errors';
import { failJob, runsExhausted, startJob, succeedJob } from '../core/job-lifecycle';
import type { SnapshotJob } from '../core/model';
import { recordAndAnnounce } from './notify-job';
import type { AnnounceDeps } from './notify-job';
import { OutputWriter } from './output-writer';
import { describeError } from './service-deps';
import type { ServiceLog, SnapshotServiceDeps } from './service-deps';
import { takeSnapshots } from './take-snapshots';

export interface ExecutionResult {
  readonly job: SnapshotJob;
  /** Set when the job ended `Fail`. */
  readonly error?: SnapshotError;
}

export type ExecuteDeps = AnnounceDeps &
  Pick<SnapshotServiceDeps, 'capture' | 'outputBudgetBytes'> & {
    readonly log: ServiceLog;
    /** Runs a job may start (see `runsExhausted`). */
    readonly maxJobRuns: number;
  };

/** Why a job whose runs all died with their process is not started again. */
export function runsExhaustedError(job: SnapshotJob): SnapshotError {
  return Errors.internal(
    `the job was started ${job.runs ?? 0} times and the process running it stopped each time (crashed, killed or out of memory) before it finished, so it is not started again; submit it again with fewer or smaller snapshots`,
  );
}

/** Anything that is not a SnapshotError is a bug or an outage: log it, report InternalError. */
export function toSnapshotError(e: unknown, signal: AbortSignal | undefined, log: ServiceLog, jobId: string): SnapshotError {
  if (signal?.aborted && isSnapshotError(signal.reason)) return signal.reason;
  if (isSnapshotError(e)) return e;
  log('job.internal-error', { jobId, error: describeError(e) });
  return Errors.internal(`job ${jobId}`);
}

export async function executeJob(submitted: SnapshotJob, deps: ExecuteDeps, signal?: AbortSignal): Promise<ExecutionResult> {
  const { jobs, log } = deps;
  if (runsExhausted(submitted, deps.maxJobRuns)) {
    const error = runsExhaustedError(submitted);
    log('job.runs-exhausted', { jobId: submitted.id, runs: submitted.runs });
    return { job: await recordAndAnnounce(failJob(submitted, error), deps), error };
  }
  // Counted before any work: a run that kills the process still counts.
  let job = await jobs.update(startJob(submitted));
  log('job.started', { jobId: job.id, runs: job.runs });

  const writer = new OutputWriter(deps.storage, signal, deps.outputBudgetBytes);
  let error: SnapshotError | undefined;
  try {
    const outcome = await takeSnapshots({
      request: job.request,
      storage: deps.storage,
      capture: deps.capture,
      writer,
      random: deps.random,
      signal,
    });
    signal?.throwIfAborted();
    job = succeedJob(job, { count: outcome.count, tileCount: outcome.tileCount, outputKeys: outcome.outputKeys, timesMs: outcome.timesMs });
  } catch (e) {
    error = toSnapshotError(e, signal, log, job.id);
    await writer.removeAll((key, err) => log('job.cleanup-failed', { jobId: job.id, key, error: String(err) }));
    job = failJob(job, error);
  }

  job = await recordAndAnnounce(job, deps);
  log('job.finished', { jobId: job.id, state: job.state, count: job.count, code: job.code });
  return { job, error };
}
