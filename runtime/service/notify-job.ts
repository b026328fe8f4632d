/**
 * Announces finished jobs on their pipeline's topic/queue, record first:
 *
 * 1. the final state is stored together with the owed announcement (the outbox entry, whose first
 *    send it claims), so any consumer that queries the job upon the message sees it final;
 * 2. the message is sent;
 * 3. a second write clears the entry and records `MNSMessageResult.MessageId`.
 *
 * A send that fails leaves the entry with a back-off (see core/announcement); `announcePending`
 * retries due entries (the local service's loop, the cloud worker after its job and the sweep).
 * Announcement trouble never fails a job: its snapshots are fine and its record is final.
 */
import {
  announcementDropped,
  announcementFailed,
  announcementSent,
  claimAnnouncement,
  isAnnouncementDue,
  oweAnnouncement,
} from '../core/announcement';
import type { AnnouncementPolicy } from '../core/announcement';
import { isSnapshotError } from '../core/errors';
import { isJobConflict } from '../core/job-conflict';
import { renderJobMessage } from '../core/notification-message';
import type { Pipeline, SnapshotJob } from '../core/model';
import type { Clock, JobStore, Notifier, ObjectStorage, PipelineRegistry } from '../core/ports';
import { expandObjectKey } from '../core/output-names';
import type { ServiceLog } from './service-deps';

export interface AnnounceDeps {
  readonly jobs: JobStore;
  readonly storage: ObjectStorage;
  readonly notifier: Notifier;
  readonly pipelines: PipelineRegistry;
  readonly clock: Clock;
  readonly random: () => number;
  readonly log: ServiceLog;
  readonly announcement: AnnouncementPolicy;
}

const COUNT_MARK = 'SNAPSHOTCOUNTPLACEHOLDER';

/** `UrlPattern`: the output URL with every placeholder filled in except `{Count}`. */
function urlPattern(job: SnapshotJob, storage: ObjectStorage): string | undefined {
  const { config, input } = job.request;
  const template = config.outputFile.key;
  if (!/\{Count\}/.test(template)) return undefined;
  const key = expandObjectKey(template.replace(/\{Count\}/g, COUNT_MARK), { inputKey: input.key });
  return storage.publicUrl(config.outputFile.bucket, key).split(COUNT_MARK).join('{Count}');
}

/**
 * The key of the last single image, rebuilt from the record (count and capture times) the way
 * the job named it, so a retry after a restart sends the same message as the first try.
 */
function lastImageKey(job: SnapshotJob): string | undefined {
  const { config, input } = job.request;
  if (job.state !== 'Success' || !job.count || !job.timesMs || job.timesMs.length < job.count) return undefined;
  if (config.tileOut && !config.tileOut.isKeepCellPic) return undefined;
  return expandObjectKey(config.outputFile.key, { inputKey: input.key, count: job.count, snapshotTimeMs: job.timesMs[job.count - 1] });
}

export function messageUrls(job: SnapshotJob, storage: ObjectStorage): { lastUrl?: string; urlPattern?: string } {
  let last: string | undefined;
  let pattern: string | undefined;
  try {
    last = lastImageKey(job);
    pattern = last === undefined ? undefined : urlPattern(job, storage);
  } catch {
    pattern = undefined;
  }
  return last === undefined ? {} : { lastUrl: storage.publicUrl(job.request.config.outputFile.bucket, last), urlPattern: pattern };
}

export async function resolveNotifyTarget(job: SnapshotJob, pipelines: PipelineRegistry): Promise<Pipeline | undefined> {
  const id = job.request.pipelineId;
  if (!id) return undefined;
  const pipeline = await pipelines.get(id);
  return pipeline && (pipeline.topic || pipeline.queue) ? pipeline : undefined;
}

function errorOf(e: unknown): { code: string; message: string } {
  const code = isSnapshotError(e) ? e.code : typeof (e as { code?: unknown })?.code === 'string' ? String((e as { code: string }).code) : 'InternalError';
  return { code, message: e instanceof Error ? e.message : String(e) };
}

/**
 * Stores the final job, owing its announcement when its pipeline has a topic or queue, then
 * sends it. Resolves with the job as last stored. Rejects only when the final record itself could
 * not be stored; trouble after that (send, or the write that records it) is logged and left to
 * the retries.
 */
export async function recordAndAnnounce(final: SnapshotJob, deps: AnnounceDeps): Promise<SnapshotJob> {
  let owes = final.request.pipelineId !== undefined;
  try {
    owes = (await resolveNotifyTarget(final, deps.pipelines)) !== undefined;
  } catch (e) {
    // Unknown yet: owe it, and let the send find out (a retry drops it if there is no target).
    deps.log('notify.pipeline-lookup-failed', { jobId: final.id, error: String(e) });
  }
  const nowMs = deps.clock.now().getTime();
  const stored = await deps.jobs.update(owes ? oweAnnouncement(final, nowMs, deps.announcement) : final);
  if (!stored.pendingAnnouncement) return stored;
  return sendClaimed(stored, deps);
}

/** Sends the announcement whose send the stored `job` has claimed, and records how it went. */
async function sendClaimed(job: SnapshotJob, deps: AnnounceDeps): Promise<SnapshotJob> {
  let next: SnapshotJob;
  try {
    const pipeline = await resolveNotifyTarget(job, deps.pipelines);
    if (!pipeline) {
      next = announcementDropped(job);
    } else {
      const { messageId } = await deps.notifier.publish(pipeline, renderJobMessage(job, messageUrls(job, deps.storage)));
      next = announcementSent(job, messageId);
    }
  } catch (e) {
    const error = errorOf(e);
    deps.log('notify.failed', { jobId: job.id, pipelineId: job.request.pipelineId, attempt: job.pendingAnnouncement?.attempts, ...error });
    next = announcementFailed(job, error, deps.clock.now().getTime(), deps.announcement, deps.random);
  }
  try {
    return await deps.jobs.update(next);
  } catch (e) {
    // The claim stays on the record: the send is retried when its lease ends. If it was sent,
    // that retry is the one duplicate the outbox allows.
    deps.log('notify.record-failed', { jobId: job.id, sent: next.pendingAnnouncement === undefined, error: String(e) });
    return job;
  }
}

export interface AnnounceReport {
  /** Owed announcements found. */
  readonly pending: number;
  readonly sent: string[];
  /** Sends tried that failed (still owed). */
  readonly failed: string[];
}

/**
 * Claims, sends and records one owed announcement if it is due now. The claim is a conditional
 * write: of two announcers that read the same record only one sends, the other skips the job.
 */
export async function announceIfDue(listed: SnapshotJob, deps: AnnounceDeps): Promise<'sent' | 'failed' | 'not-due'> {
  const nowMs = deps.clock.now().getTime();
  if (!isAnnouncementDue(listed, nowMs)) return 'not-due';
  let claimed: SnapshotJob;
  try {
    // Listings may be cached: claim the record as it is now.
    const current = await deps.jobs.get(listed.id);
    if (!current || !isAnnouncementDue(current, nowMs)) return 'not-due';
    claimed = await deps.jobs.update(claimAnnouncement(current, nowMs, deps.announcement));
  } catch (e) {
    if (!isJobConflict(e)) throw e;
    deps.log('notify.skipped', { jobId: listed.id, reason: e.message });
    return 'not-due';
  }
  const after = await sendClaimed(claimed, deps);
  return after.pendingAnnouncement ? 'failed' : 'sent';
}

/** One pass over the outbox: every due announcement is sent; the others wait for their time. */
export async function announcePending(deps: AnnounceDeps): Promise<AnnounceReport> {
  const owed = await deps.jobs.listUnannounced();
  const sent: string[] = [];
  const failed: string[] = [];
  for (const job of owed) {
    const outcome = await announceIfDue(job, deps);
    if (outcome !== 'not-due') (outcome === 'sent' ? sent : failed).push(job.id);
  }
  if (sent.length || failed.length) deps.log('notify.retried', { pending: owed.length, sent: sent.length, failed: failed.length });
  return { pending: owed.length, sent, failed };
}
