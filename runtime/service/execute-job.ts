/**
 * Runs one accepted job to a final state: Snapshoting -> outputs -> Success, or Fail with the
 * outputs it wrote removed. Then the notification, then the record. Safe to run again for the
 * same job (a resumed job rewrites the same keys).
 */
import { Errors, isSnapshotError } from '../core/errors';
import type { SnapshotError } from '../core/errors';
import { failJob, startJob, succeedJob } from '../core/job-lifecycle';
import type { SnapshotJob } from '../core/model';
import { notifyJob } from './notify-job';
import { OutputWriter } from './output-writer';
import { describeError } from './service-deps';
import type { ServiceLog, SnapshotServiceDeps } from './service-deps';
import { takeSnapshots } from './take-snapshots';

export interface ExecutionResult {
  readonly job: SnapshotJob;
  /** Set when the job ended `Fail`. */
  readonly error?: SnapshotError;
}

export type ExecuteDeps = Pick<SnapshotServiceDeps, 'storage' | 'jobs' | 'capture' | 'notifier' | 'pipelines' | 'outputBudgetBytes'> & {
  readonly random: () => number;
  readonly log: ServiceLog;
};

/** Anything that is not a SnapshotError is a bug or an outage: log it, report InternalError. */
export function toSnapshotError(e: unknown, signal: AbortSignal | undefined, log: ServiceLog, jobId: string): SnapshotError {
  if (signal?.aborted && isSnapshotError(signal.reason)) return signal.reason;
  if (isSnapshotError(e)) return e;
  log('job.internal-error', { jobId, error: describeError(e) });
  return Errors.internal(`job ${jobId}`);
}

export async function executeJob(submitted: SnapshotJob, deps: ExecuteDeps, signal?: AbortSignal): Promise<ExecutionResult> {
  const { jobs, log } = deps;
  let job = await jobs.update(submitted.state === 'Snapshoting' ? submitted : startJob(submitted));

  const writer = new OutputWriter(deps.storage, signal, deps.outputBudgetBytes);
  let error: SnapshotError | undefined;
  let imageKeys: string[] = [];
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
    imageKeys = outcome.imageKeys;
    job = succeedJob(job, { count: outcome.count, tileCount: outcome.tileCount, outputKeys: outcome.outputKeys, timesMs: outcome.timesMs });
  } catch (e) {
    error = toSnapshotError(e, signal, log, job.id);
    await writer.removeAll((key, err) => log('job.cleanup-failed', { jobId: job.id, key, error: String(err) }));
    job = failJob(job, error);
  }

  job = await notifyJob({ job, imageKeys, storage: deps.storage, notifier: deps.notifier, pipelines: deps.pipelines, log });
  job = await jobs.update(job);
  log('job.finished', { jobId: job.id, state: job.state, count: job.count, code: job.code });
  return { job, error };
}
