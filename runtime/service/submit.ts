/**
 * SubmitSnapshotJob: validate, check the pipeline, admit the request (or refuse it with
 * `Throttling` when the process is at capacity), store the job as `Submitted` before any work,
 * then either run it under the sync deadline or hand it to the dispatcher.
 */
import { Errors } from '../core/errors';
import { createJob, failJob } from '../core/job-lifecycle';
import type { SnapshotJob } from '../core/model';
import { parseSubmitRequest } from '../core/submit-request';
import type { SubmitSnapshotJobParams } from './contract';
import { executeJob, toSnapshotError } from './execute-job';
import type { ExecuteDeps } from './execute-job';
import type { JobSlots } from './job-slots';
import type { AdmissionLimits, SnapshotServiceDeps } from './service-deps';

/** How long a sync answer waits for a capture that ignores the abort before answering anyway. */
const ABORT_GRACE_MS = 1500;
/** `x-acs-retry-after` of a refused async submission: the backlog needs a few jobs to drain. */
const ASYNC_RETRY_AFTER_MS = 2000;

export type SubmitDeps = ExecuteDeps &
  Pick<SnapshotServiceDeps, 'dispatcher' | 'clock' | 'ids' | 'region'> & {
    readonly syncTimeoutMs: number;
    readonly admission?: AdmissionLimits;
    /** Jobs running in this process (bounded by `admission.maxRunningJobs`). */
    readonly slots?: JobSlots;
  };

export async function submitSnapshotJob(params: SubmitSnapshotJobParams, requestId: string, deps: SubmitDeps): Promise<SnapshotJob> {
  const request = parseSubmitRequest(params, { region: deps.region });
  if (request.pipelineId !== undefined) {
    const pipeline = await deps.pipelines.get(request.pipelineId);
    if (!pipeline) throw Errors.resourceNotFound(`PipelineId ${request.pipelineId}`);
  }
  if (request.mode === 'async') {
    await admitAsync(deps);
    const job = await deps.jobs.create(createJob({ id: deps.ids.jobId(), requestId, request, now: deps.clock.now() }));
    deps.log('job.submitted', { jobId: job.id, requestId, mode: request.mode });
    return dispatchAsync(job, deps);
  }
  // Admitted before the job exists: a refused request leaves nothing behind to finish.
  const release = await admitSync(deps);
  let job: SnapshotJob;
  try {
    job = await deps.jobs.create(createJob({ id: deps.ids.jobId(), requestId, request, now: deps.clock.now() }));
  } catch (e) {
    release();
    throw e;
  }
  deps.log('job.submitted', { jobId: job.id, requestId, mode: request.mode });
  return runSync(job, deps, release);
}

async function admitAsync(deps: SubmitDeps): Promise<void> {
  const limits = deps.admission;
  if (!limits) return;
  const backlog = await limits.asyncBacklog();
  if (backlog >= limits.maxAsyncBacklog) {
    deps.log('job.throttled', { mode: 'async', backlog, limit: limits.maxAsyncBacklog });
    throw Errors.throttled(`${backlog} asynchronous jobs are waiting or running (the limit is ${limits.maxAsyncBacklog})`, ASYNC_RETRY_AFTER_MS);
  }
}

/** A slot for a sync run, held until the run settles; `Throttling` when none frees up soon. */
async function admitSync(deps: SubmitDeps): Promise<() => void> {
  if (!deps.admission || !deps.slots) return () => undefined;
  const release = await deps.slots.acquire(deps.admission.syncWaitMs, true);
  if (release) return release;
  deps.log('job.throttled', { mode: 'sync', running: deps.slots.running, limit: deps.slots.limit });
  throw Errors.throttled(
    `${deps.slots.limit} jobs are running and none finished within ${deps.admission.syncWaitMs} ms`,
    Math.max(1000, deps.admission.syncWaitMs),
  );
}

async function dispatchAsync(job: SnapshotJob, deps: SubmitDeps): Promise<SnapshotJob> {
  try {
    await deps.dispatcher.dispatch(job.id);
  } catch (e) {
    // The caller gets an error, so the job must not run later behind its back.
    const error = Errors.serviceUnavailable(`the job could not be queued (${e instanceof Error ? e.message : String(e)})`);
    deps.log('job.dispatch-failed', { jobId: job.id, error: String(e) });
    await deps.jobs.update(failJob(job, error));
    throw error;
  }
  return job;
}

async function runSync(job: SnapshotJob, deps: SubmitDeps, release: () => void): Promise<SnapshotJob> {
  const timeout = Errors.snapshotTimeOut(deps.syncTimeoutMs);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeout), deps.syncTimeoutMs);
  // The slot is held until the run really ends, even when the answer goes out before.
  const run = executeJob(job, deps, controller.signal).finally(() => {
    clearTimeout(timer);
    release();
  });

  // Normally the capture stops on abort and the run settles (outputs removed) right after the
  // deadline. If it does not, answer anyway: the run still ends Fail and cleans up, since every
  // write checks the aborted signal.
  let graceTimer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    controller.signal.addEventListener('abort', () => {
      graceTimer = setTimeout(() => resolve('late'), ABORT_GRACE_MS);
    });
  });
  let outcome: Awaited<typeof run> | 'late';
  try {
    outcome = await Promise.race([run, late]);
  } catch (e) {
    throw toSnapshotError(e, controller.signal, deps.log, job.id);
  } finally {
    if (graceTimer) clearTimeout(graceTimer);
  }
  if (outcome === 'late') {
    deps.log('job.sync-overran', { jobId: job.id, limitMs: deps.syncTimeoutMs });
    run.catch((e) => deps.log('job.internal-error', { jobId: job.id, error: String(e) }));
    throw timeout;
  }
  if (outcome.error) throw outcome.error;
  return outcome.job;
}
