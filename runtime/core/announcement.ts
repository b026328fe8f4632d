/**
 * The outbox of job announcements: how a finished job's message moves from owed to sent.
 *
 *   final write (state + pending, the first send claimed) ──send ok──▶ sent (pending cleared,
 *        │                                                              MNSMessageResult.MessageId)
 *        └─send failed─▶ pending, next try after a back-off ──claim──▶ send ...
 *
 * Every send is claimed by a conditional write before it starts (attempts + 1, not due again for
 * `leaseMs`), so of two announcers that read the same record only one sends; one that dies after
 * its claim leaves the job due again once the lease ends. The only duplicate left is a send that
 * succeeded and whose "sent" write never happened (the process died in between).
 */
import { Errors } from './errors';
import { isFinal, withNotificationResult } from './job-lifecycle';
import type { SnapshotJob } from './model';

export interface AnnouncementPolicy {
  /** Delay after the first failed send; doubled after each further one. */
  readonly baseDelayMs: number;
  /** Longest delay between two sends (the cap of the doubling). */
  readonly maxDelayMs: number;
  /** How long a claimed send keeps others off the job: longer than a send can take. */
  readonly leaseMs: number;
}

export const DEFAULT_ANNOUNCEMENT_POLICY: AnnouncementPolicy = { baseDelayMs: 1000, maxDelayMs: 5 * 60_000, leaseMs: 60_000 };

/**
 * Delay before the next send after `attempts` sends failed: capped exponential with jitter (the
 * upper half of the interval is random), so announcers that failed together do not retry in step.
 */
export function retryDelayMs(attempts: number, policy: AnnouncementPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** The final job, owing its announcement, with the first send claimed by the writer. */
export function oweAnnouncement(job: SnapshotJob, nowMs: number, policy: AnnouncementPolicy): SnapshotJob {
  if (!isFinal(job.state)) throw Errors.internal(`job ${job.id} is ${job.state}; only finished jobs are announced`);
  return { ...job, pendingAnnouncement: { attempts: 1, nextAttemptAtMs: nowMs + policy.leaseMs } };
}

/** Owed, and nobody's send is in flight or waiting out its back-off. */
export function isAnnouncementDue(job: SnapshotJob, nowMs: number): boolean {
  return job.pendingAnnouncement !== undefined && job.pendingAnnouncement.nextAttemptAtMs <= nowMs;
}

/** The job with the next send claimed (write it before sending). */
export function claimAnnouncement(job: SnapshotJob, nowMs: number, policy: AnnouncementPolicy): SnapshotJob {
  const pending = job.pendingAnnouncement;
  if (!pending) throw Errors.internal(`job ${job.id} owes no announcement`);
  return { ...job, pendingAnnouncement: { ...pending, attempts: pending.attempts + 1, nextAttemptAtMs: nowMs + policy.leaseMs } };
}

/** Sent: nothing owed, and the message id recorded as MPS records it. */
export function announcementSent(job: SnapshotJob, messageId: string): SnapshotJob {
  const { pendingAnnouncement: _sent, ...rest } = job;
  return withNotificationResult(rest, { messageId });
}

/**
 * Not sent: still owed, due again after the back-off. The error is also shown as the job's
 * `MNSMessageResult` until a send succeeds, so a caller querying the job sees why.
 */
export function announcementFailed(
  job: SnapshotJob,
  error: { code: string; message: string },
  nowMs: number,
  policy: AnnouncementPolicy,
  random: () => number,
): SnapshotJob {
  const pending = job.pendingAnnouncement;
  if (!pending) throw Errors.internal(`job ${job.id} owes no announcement`);
  const failed = withNotificationResult(job, { errorCode: error.code, errorMessage: error.message });
  return {
    ...failed,
    pendingAnnouncement: {
      attempts: pending.attempts,
      nextAttemptAtMs: nowMs + retryDelayMs(pending.attempts, policy, random),
      lastErrorCode: error.code,
      lastErrorMessage: error.message,
    },
  };
}

/** Nothing to send any more (the pipeline no longer has a topic or queue). */
export function announcementDropped(job: SnapshotJob): SnapshotJob {
  const { pendingAnnouncement: _dropped, ...rest } = job;
  return rest;
}
