/**
 * The data the service works on: a validated snapshot request, the job it becomes, and what a
 * probe tells about a video. Plain data only, so every layer can share it and records can be
 * stored as JSON and read back after a restart.
 */

/** An OSS object as MPS names it: the key as the client sent it (URL-encoded) and decoded. */
export interface OssObjectRef {
  readonly bucket: string;
  readonly location: string;
  /** The `Object` exactly as sent (usually URL-encoded); echoed back in responses. */
  readonly rawObject: string;
  /** The decoded key the storage adapters use. For outputs it may still contain placeholders. */
  readonly key: string;
  readonly roleArn?: string;
}

export type FrameType = 'intra' | 'normal';

export interface TileOutConfig {
  readonly lines: number;
  readonly columns: number;
  /** Cell size; when absent the snapshot output size is used. */
  readonly cellWidth?: number;
  readonly cellHeight?: number;
  readonly padding: number;
  readonly margin: number;
  /** Background as given (`black`, `#ff0000`, `random`, ...); echoed as given. */
  readonly color: string;
  readonly isKeepCellPic: boolean;
  readonly cellSelStep: number;
}

/** `SnapshotConfig` after validation. Times are milliseconds, intervals seconds, as in MPS. */
export interface SnapshotConfig {
  readonly outputFile: OssObjectRef;
  readonly timeMs: number;
  readonly intervalSec?: number;
  readonly num?: number;
  readonly width?: number;
  readonly height?: number;
  readonly frameType: FrameType;
  readonly blackLevel?: number;
  readonly pixelBlackThreshold?: number;
  readonly format?: 'vtt';
  readonly subOut?: { readonly isSptFrag: boolean };
  readonly tileOut?: TileOutConfig;
  readonly tileOutputFile?: OssObjectRef;
  readonly timeArrayMs?: readonly number[];
}

export type JobMode = 'sync' | 'async';

/** A SubmitSnapshotJob call that passed validation. */
export interface SnapshotRequest {
  readonly input: OssObjectRef;
  readonly config: SnapshotConfig;
  readonly mode: JobMode;
  readonly pipelineId?: string;
  readonly userData?: string;
}

/** Spelled exactly as MPS spells them (`Snapshoting` has one "t"). */
export type JobState = 'Submitted' | 'Snapshoting' | 'Success' | 'Fail';

export const FINAL_STATES: readonly JobState[] = ['Success', 'Fail'];

export interface MnsMessageResult {
  readonly messageId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/**
 * The outbox entry of a finished job: its announcement is owed and not sent yet. Set in the same
 * write that makes the job final, cleared (and `mnsMessageResult` set) in the write after the
 * send succeeded; stores can list the jobs that carry one (`JobStore.listUnannounced`).
 */
export interface PendingAnnouncement {
  /**
   * Sends started so far. Each is claimed by a write before it starts (the write that makes the
   * job final claims the first), so two announcers never send the same job at once.
   */
  readonly attempts: number;
  /** Not to be tried again before this time, ms since the epoch (back-off). */
  readonly nextAttemptAtMs: number;
  readonly lastErrorCode?: string;
  readonly lastErrorMessage?: string;
}

/** The job record: what QuerySnapshotJobList returns and what survives a restart. */
export interface SnapshotJob {
  readonly id: string;
  /**
   * Set by the job store: 1 when created, +1 on every update. An update names the revision it
   * read, so a write based on an old read is refused instead of overwriting a newer record.
   * Absent on a job that has not been stored yet.
   */
  readonly revision?: number;
  readonly requestId: string;
  readonly state: JobState;
  /** UTC, `YYYY-MM-DDThh:mm:ssZ`. */
  readonly creationTime: string;
  /** Milliseconds since the epoch, for ordering jobs created in the same second. */
  readonly createdAtMs: number;
  readonly request: SnapshotRequest;
  /** Snapshots actually written (after truncation at the end of the video). */
  readonly count?: number;
  /** Sprite images written. */
  readonly tileCount?: number;
  /** Keys written to the output bucket, in order; used for notifications and cleanup. */
  readonly outputKeys?: readonly string[];
  /** Capture times actually used, milliseconds, ascending. */
  readonly timesMs?: readonly number[];
  readonly code?: string;
  readonly message?: string;
  readonly mnsMessageResult?: MnsMessageResult;
  /** Announcement owed and not yet sent (the outbox); absent when nothing is pending. */
  readonly pendingAnnouncement?: PendingAnnouncement;
  /**
   * Times the stale-job sweep handed this job to the worker again because no delivery finished
   * it (absent: never). Bounded by the sweep's limit, after which the job is failed.
   */
  readonly redispatches?: number;
  /** When the sweep last re-dispatched the job, ms since the epoch: its age counts from here. */
  readonly redispatchedAtMs?: number;
  /**
   * Runs started (absent: none), counted by the write that moves the job to `Snapshoting`. A job
   * whose runs keep dying with their process (a poison job) is failed once it reaches the limit
   * instead of being resumed again.
   */
  readonly runs?: number;
}

/** What a probe of the input tells; sizes are as displayed (rotation and pixel aspect applied). */
export interface MediaInfo {
  readonly durationMs: number;
  readonly width: number;
  readonly height: number;
  /** Clockwise rotation from the container/side data, 0/90/180/270. */
  readonly rotation: number;
  readonly frameRate: number;
  readonly codec: string;
  readonly pixelFormat?: string;
  /** `smpte2084` (PQ), `arib-std-b67` (HLG), ... when the stream says so. */
  readonly colorTransfer?: string;
  readonly sizeBytes?: number;
}

/** A pipeline (MPS "queue") and where its job notifications go. */
export interface Pipeline {
  readonly id: string;
  readonly name: string;
  readonly state: 'Active' | 'Paused';
  /** MNS topic the finished jobs are announced on. */
  readonly topic?: string;
  /** MNS queue the finished jobs are sent to. */
  readonly queue?: string;
}
