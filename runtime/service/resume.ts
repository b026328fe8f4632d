/**
 * After a restart: accepted async jobs that did not finish are handed to the dispatcher again.
 * A sync job cannot be resumed: its caller's connection is gone and they were never told it
 * succeeded, so it is closed as `Fail` instead of producing outputs nobody expects.
 */
import { Errors } from '../core/errors';
import { failJob } from '../core/job-lifecycle';
import type { JobDispatcher, JobStore } from '../core/ports';
import type { ServiceLog } from './service-deps';

export async function resumeUnfinished(jobs: JobStore, dispatcher: JobDispatcher, log: ServiceLog): Promise<number> {
  let resumed = 0;
  for (const job of await jobs.listUnfinished()) {
    if (job.request.mode === 'sync') {
      await jobs.put(failJob(job, Errors.serviceUnavailable('the service stopped before this synchronous job finished; submit it again')));
      log('job.sync-abandoned', { jobId: job.id });
      continue;
    }
    await dispatcher.dispatch(job.id);
    resumed++;
  }
  if (resumed) log('job.resumed', { count: resumed });
  return resumed;
}
