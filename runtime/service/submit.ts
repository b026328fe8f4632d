/**
 * SubmitSnapshotJob: validate, check the pipeline, store the job as `Submitted` before any work,
 * then either run it under the sync deadline or hand it to the dispatcher.
 */
import { Errors } from '../core/errors';
import { createJob, failJob } from '../core/job-lifecycle';
import type { SnapshotJob } from '../core/model';
import { parseSubmitRequest } from '../core/submit-request';
import type { SubmitSnapshotJobParams } from './contract';
import { executeJob, toSnapshotError } from './execute-job';
import type { ExecuteDeps } from './execute-job';
import type { SnapshotServiceDeps } from './service-deps';

/** How long a sync answer waits for a capture that ignores the abort before answering anyway. */
const ABORT_GRACE_MS = 1500;

export type SubmitDeps = ExecuteDeps & Pick<SnapshotServiceDeps, 'dispatcher' | 'clock' | 'ids' | 'region'> & { readonly syncTimeoutMs: number };

export async function submitSnapshotJob(params: SubmitSnapshotJobParams, requestId: string, deps: SubmitDeps): Promise<SnapshotJob> {
  const request = parseSubmitRequest(params, { region: deps.region });
  if (request.pipelineId !== undefined) {
    const pipeline = await deps.pipelines.get(request.pipelineId);
    if (!pipeline) throw Errors.resourceNotFound(`PipelineId ${request.pipelineId}`);
  }
  const job = await deps.jobs.create(createJob({ id: deps.ids.jobId(), requestId, request, now: deps.clock.now() }));
  deps.log('job.submitted', { jobId: job.id, requestId, mode: request.mode });
  return request.mode === 'sync' ? runSync(job, deps) : dispatchAsync(job, deps);
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

async function runSync(job: SnapshotJob, deps: SubmitDeps): Promise<SnapshotJob> {
  const timeout = Errors.snapshotTimeOut(deps.syncTimeoutMs);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeout), deps.syncTimeoutMs);
  const run = executeJob(job, deps, controller.signal).finally(() => clearTimeout(timer));

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
