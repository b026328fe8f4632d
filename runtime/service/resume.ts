/**
 * After a restart: accepted async jobs that did not finish are handed to the dispatcher again.
 * A sync job cannot be resumed: its caller's connection is gone and they were never told it
 * succeeded, so it is closed as `Fail` instead of producing outputs nobody expects.
 */
import type { JobDispatcher } from '../core/ports';
import { abandonedSyncJobError, closeUnfinishedJob } from './close-unfinished-job';
import type { CloseDeps } from './close-unfinished-job';

export type ResumeDeps = CloseDeps & { readonly dispatcher: JobDispatcher };

export async function resumeUnfinished(deps: ResumeDeps): Promise<number> {
  let resumed = 0;
  for (const job of await deps.jobs.listUnfinished()) {
    if (job.request.mode === 'sync') {
      await closeUnfinishedJob(job, abandonedSyncJobError(), deps);
      deps.log('job.sync-abandoned', { jobId: job.id });
      continue;
    }
    await deps.dispatcher.dispatch(job.id);
    resumed++;
  }
  if (resumed) deps.log('job.resumed', { count: resumed });
  return resumed;
}
