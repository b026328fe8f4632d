import type { AnnouncementPolicy } from '../core/announcement';
import type { Clock, FrameCapture, IdSource, JobDispatcher, JobStore, Notifier, ObjectStorage, PipelineRegistry } from '../core/ports';

/** Structured log line; the default writes one JSON object per line to stderr. */
export type ServiceLog = (event: string, fields: Record<string, unknown>) => void;

export interface SnapshotServiceDeps {
  readonly storage: ObjectStorage;
  readonly jobs: JobStore;
  readonly capture: FrameCapture;
  readonly notifier: Notifier;
  readonly pipelines: PipelineRegistry;
  readonly dispatcher: JobDispatcher;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Region of this endpoint: request Locations must be `oss-<region>`. */
  readonly region: string;
  /**
   * Deadline of a synchronous snapshot, MPS's is 5 s.
   * @default 5000
   */
  readonly syncTimeoutMs?: number;
  /** Bytes one job may write; past it the job fails with PermissionDenied.ResourceQuotaExceed. @default DEFAULT_JOB_OUTPUT_BUDGET_BYTES (256 MiB) */
  readonly outputBudgetBytes?: number;
  /** For `Color=random` sprite backgrounds and back-off jitter. @default Math.random */
  readonly random?: () => number;
  readonly log?: ServiceLog;
  /** Back-off of announcements that could not be sent. @default DEFAULT_ANNOUNCEMENT_POLICY */
  readonly announcement?: AnnouncementPolicy;
  /**
   * Runs a job may start before it is failed instead of started again (poison-job protection).
   * @default 3
   */
  readonly maxJobRuns?: number;
  /** Limits on the work this process accepts. @default none */
  readonly admission?: AdmissionLimits;
}

export interface AdmissionLimits {
  /** Jobs this process runs at once, sync and async together (sync ones are served first). */
  readonly maxRunningJobs: number;
  /** How long a sync request may wait for a free slot before it is refused with `Throttling`. */
  readonly syncWaitMs: number;
  /** Async jobs accepted and not finished, beyond which submissions are refused with `Throttling`. */
  readonly maxAsyncBacklog: number;
  /** The async backlog now (queued and running here, or as the job store counts it). */
  readonly asyncBacklog: () => number | Promise<number>;
}

export const DEFAULT_SYNC_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_JOB_RUNS = 3;

/** An unexpected failure as a log field: the stack when there is one. */
export function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

export const defaultLog: ServiceLog = (event, fields) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
};
