/**
 * Announces a finished job on its pipeline's topic/queue and records the outcome on the job
 * (`MNSMessageResult`). Sending can fail (MNS down, topic deleted): that is recorded, never
 * turned into a job failure, because the snapshots themselves are fine.
 */
import { isSnapshotError } from '../core/errors';
import { withNotificationResult } from '../core/job-lifecycle';
import { renderJobMessage } from '../core/notification-message';
import type { MnsMessageResult, Pipeline, SnapshotJob } from '../core/model';
import type { Notifier, ObjectStorage, PipelineRegistry } from '../core/ports';
import { expandObjectKey } from '../core/output-names';
import type { ServiceLog } from './service-deps';

const COUNT_MARK = 'SNAPSHOTCOUNTPLACEHOLDER';

/** `UrlPattern`: the output URL with every placeholder filled in except `{Count}`. */
function urlPattern(job: SnapshotJob, storage: ObjectStorage): string | undefined {
  const { config, input } = job.request;
  const template = config.outputFile.key;
  if (!/\{Count\}/.test(template)) return undefined;
  const key = expandObjectKey(template.replace(/\{Count\}/g, COUNT_MARK), { inputKey: input.key });
  return storage.publicUrl(config.outputFile.bucket, key).split(COUNT_MARK).join('{Count}');
}

export function messageUrls(job: SnapshotJob, imageKeys: readonly string[], storage: ObjectStorage): { lastUrl?: string; urlPattern?: string } {
  if (job.state !== 'Success' || imageKeys.length === 0) return {};
  const last = imageKeys[imageKeys.length - 1];
  let pattern: string | undefined;
  try {
    pattern = urlPattern(job, storage);
  } catch {
    pattern = undefined;
  }
  return { lastUrl: storage.publicUrl(job.request.config.outputFile.bucket, last), urlPattern: pattern };
}

export async function resolveNotifyTarget(job: SnapshotJob, pipelines: PipelineRegistry): Promise<Pipeline | undefined> {
  const id = job.request.pipelineId;
  if (!id) return undefined;
  const pipeline = await pipelines.get(id);
  return pipeline && (pipeline.topic || pipeline.queue) ? pipeline : undefined;
}

export async function notifyJob(a: {
  job: SnapshotJob;
  imageKeys: readonly string[];
  storage: ObjectStorage;
  notifier: Notifier;
  pipelines: PipelineRegistry;
  log: ServiceLog;
}): Promise<SnapshotJob> {
  const { job } = a;
  let pipeline: Pipeline | undefined;
  try {
    pipeline = await resolveNotifyTarget(job, a.pipelines);
  } catch (e) {
    a.log('notify.pipeline-lookup-failed', { jobId: job.id, error: String(e) });
    return withNotificationResult(job, { errorCode: 'InternalError', errorMessage: `pipeline lookup failed: ${String(e)}` });
  }
  if (!pipeline) return job;
  let result: MnsMessageResult;
  try {
    const body = renderJobMessage(job, messageUrls(job, a.imageKeys, a.storage));
    const { messageId } = await a.notifier.publish(pipeline, body);
    result = { messageId };
  } catch (e) {
    const code = isSnapshotError(e) ? e.code : typeof (e as { code?: unknown })?.code === 'string' ? String((e as { code: string }).code) : 'InternalError';
    result = { errorCode: code, errorMessage: e instanceof Error ? e.message : String(e) };
    a.log('notify.failed', { jobId: job.id, pipelineId: pipeline.id, code, message: result.errorMessage });
  }
  return withNotificationResult(job, result);
}
