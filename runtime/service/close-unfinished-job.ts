/**
 * Closes a job that will never run to its end as `Fail`, announces it like any finished job (a
 * pipeline's consumers learn of the failure) and stores the final record. Used for sync jobs whose
 * caller is gone and for async jobs the stale-job sweep gives up on.
 */
import { Errors } from '../core/errors';
import type { SnapshotError } from '../core/errors';
import { failJob } from '../core/job-lifecycle';
import type { SnapshotJob } from '../core/model';
import { notifyJob } from './notify-job';
import type { ExecuteDeps } from './execute-job';

export type CloseDeps = Pick<ExecuteDeps, 'jobs' | 'storage' | 'notifier' | 'pipelines' | 'log'>;

/** Why a sync job left unfinished is failed rather than run: nobody waits for its answer. */
export function abandonedSyncJobError(): SnapshotError {
  return Errors.serviceUnavailable('the service stopped before this synchronous job finished; submit it again');
}

export async function closeUnfinishedJob(job: SnapshotJob, error: SnapshotError, deps: CloseDeps): Promise<SnapshotJob> {
  const failed = failJob(job, error);
  const announced = await notifyJob({ job: failed, imageKeys: [], storage: deps.storage, notifier: deps.notifier, pipelines: deps.pipelines, log: deps.log });
  return deps.jobs.update(announced);
}
