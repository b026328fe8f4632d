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
  /** For `Color=random` sprite backgrounds. @default Math.random */
  readonly random?: () => number;
  readonly log?: ServiceLog;
}

export const DEFAULT_SYNC_TIMEOUT_MS = 5000;

/** An unexpected failure as a log field: the stack when there is one. */
export function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

export const defaultLog: ServiceLog = (event, fields) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
};
