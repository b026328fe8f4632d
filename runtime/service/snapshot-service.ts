/**
 * The snapshot service: what the API layer calls (SubmitSnapshotJob, QuerySnapshotJobList) and
 * what workers call (runJob for a dispatched job, resumeUnfinished after a restart,
 * sweepStaleJobs on a timer in the cloud, announcePending for the outbox). Wiring only;
 * each step lives in its own file of this folder.
 */
import { DEFAULT_ANNOUNCEMENT_POLICY } from '../core/announcement';
import { isFinal } from '../core/job-lifecycle';
import type { StaleJobPolicy } from '../core/job-lifecycle';
import type { SnapshotService } from './contract';
import { executeJob } from './execute-job';
import { JobSlots } from './job-slots';
import { announceIfDue, announcePending } from './notify-job';
import type { AnnounceReport } from './notify-job';
import { querySnapshotJobList } from './query';
import { resumeUnfinished } from './resume';
import { DEFAULT_MAX_JOB_RUNS, DEFAULT_SYNC_TIMEOUT_MS, defaultLog } from './service-deps';
import type { SnapshotServiceDeps } from './service-deps';
import { submitSnapshotJob } from './submit';
import { sweepStaleJobs } from './sweep-stale-jobs';
import type { SweepReport } from './sweep-stale-jobs';
import type { SubmitDeps } from './submit';

export type { SnapshotServiceDeps } from './service-deps';
export type { AnnounceReport } from './notify-job';

export interface RunnableSnapshotService extends SnapshotService {
  /**
   * Runs a dispatched job to a final state. Unknown jobs are a no-op; a final one (redelivery)
   * only gets its owed announcement sent, if one is due.
   */
  runJob(jobId: string): Promise<void>;
  /** Sends every owed announcement that is due (the outbox's retry pass). */
  announcePending(): Promise<AnnounceReport>;
  /** Re-dispatches accepted async jobs that are not final; returns how many. */
  resumeUnfinished(): Promise<number>;
  /** Re-dispatches or fails unfinished jobs that no worker can still hold (see sweep-stale-jobs). */
  sweepStaleJobs(policy: StaleJobPolicy): Promise<SweepReport>;
}

export function createSnapshotService(deps: SnapshotServiceDeps): RunnableSnapshotService {
  const d: SubmitDeps = {
    ...deps,
    syncTimeoutMs: deps.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS,
    random: deps.random ?? Math.random,
    log: deps.log ?? defaultLog,
    announcement: deps.announcement ?? DEFAULT_ANNOUNCEMENT_POLICY,
    maxJobRuns: deps.maxJobRuns ?? DEFAULT_MAX_JOB_RUNS,
    slots: deps.admission ? new JobSlots(deps.admission.maxRunningJobs) : undefined,
  };
  // One run per job at a time: a resume and a redelivered message must not race on the same keys.
  const running = new Map<string, Promise<void>>();

  async function run(jobId: string): Promise<void> {
    const job = await d.jobs.get(jobId);
    if (!job) {
      d.log('job.unknown', { jobId });
      return;
    }
    if (isFinal(job.state)) {
      if (job.pendingAnnouncement) await announceIfDue(job, d);
      return;
    }
    // An async run waits for a slot behind the sync requests (which only wait briefly), then
    // runs the record as it is after the wait.
    const release = d.slots ? await d.slots.acquire(Infinity) : undefined;
    try {
      const current = release ? await d.jobs.get(jobId) : job;
      if (current && !isFinal(current.state)) await executeJob(current, d);
    } finally {
      release?.();
    }
  }

  return {
    submitSnapshotJob: (params, requestId) => submitSnapshotJob(params, requestId, d),
    querySnapshotJobList: (params) => querySnapshotJobList(params, d.jobs),
    runJob(jobId) {
      const current = running.get(jobId);
      if (current) return current;
      const p = run(jobId).finally(() => running.delete(jobId));
      running.set(jobId, p);
      return p;
    },
    resumeUnfinished: () => resumeUnfinished(d),
    announcePending: () => announcePending(d),
    sweepStaleJobs: (policy) => sweepStaleJobs(d, policy, (jobId) => running.has(jobId)),
  };
}
