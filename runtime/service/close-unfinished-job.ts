/**
 * Closes a job that will never run to its end as `Fail`, stores the final record and announces it
 * like any finished job (a pipeline's consumers learn of the failure). Used for sync jobs whose
 * caller is gone and for async jobs the stale-job sweep gives up on.
 */
import { Errors } from '../core/errors';
import type { SnapshotError } from '../core/errors';
import { failJob } from '../core/job-lifecycle';
import type { SnapshotJob } from '../core/model';
import { recordAndAnnounce } from './notify-job';
import type { AnnounceDeps } from './notify-job';

export type CloseDeps = AnnounceDeps;

/** Why a sync job left unfinished is failed rather than run: nobody waits for its answer. */
export function abandonedSyncJobError(): SnapshotError {
  return Errors.serviceUnavailable('the service stopped before this synchronous job finished; submit it again');
}

export async function closeUnfinishedJob(job: SnapshotJob, error: SnapshotError, deps: CloseDeps): Promise<SnapshotJob> {
  return recordAndAnnounce(failJob(job, error), deps);
}
