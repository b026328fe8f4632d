/**
 * What the core needs from the outside world. Adapters implement these; the core and the
 * service layer depend only on these shapes, so every adapter can be swapped (filesystem or OSS,
 * in-process queue or MNS) and tests can drive the real ones.
 */
import type { MediaInfo, Pipeline, SnapshotJob, JobState, FrameType } from './model';

/** Where a capture reads the input from: a local path or an HTTP(S) URL that serves byte ranges. */
export interface MediaSource {
  readonly uri: string;
  readonly sizeBytes?: number;
}

export interface ObjectStorage {
  /**
   * A source the capture engine can read without downloading the whole object (a path, or a
   * signed URL). Throws `Errors.resourceNotFound` when bucket or object do not exist.
   */
  resolveInput(bucket: string, key: string): Promise<MediaSource>;
  /** Writes an object, replacing any previous one. */
  put(bucket: string, key: string, body: Buffer, contentType: string): Promise<void>;
  /** Removes an object; missing objects are not an error (cleanup after a failed job). */
  delete(bucket: string, key: string): Promise<void>;
  bucketExists(bucket: string): Promise<boolean>;
  /** A URL for an object as notifications report it (`LastUrl`, `UrlPattern`). */
  publicUrl(bucket: string, key: string): string;
}

export interface JobQuery {
  readonly pipelineId?: string;
  readonly state?: JobState;
  /** Inclusive bounds on `createdAtMs`. */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly pageSize: number;
  readonly pageToken?: string;
}

/**
 * Job records. Writes are conditional, so concurrent writers (API and worker instances, two
 * sweeps) can never lose each other's updates: the loser gets a `JobConflictError` and learns it.
 */
export interface JobStore {
  /**
   * Stores a new job durably (it must survive a restart) and returns it with `revision` 1.
   * Rejects with `JobConflictError` when a job with this id exists.
   */
  create(job: SnapshotJob): Promise<SnapshotJob>;
  /**
   * Replaces the record that `job` was read as (`job.revision` must be the stored revision) and
   * returns it with the next revision. Rejects with `JobConflictError` when the stored record is
   * another revision (or gone): nothing is written then.
   */
  update(job: SnapshotJob): Promise<SnapshotJob>;
  get(id: string): Promise<SnapshotJob | undefined>;
  /** Newest first (`createdAtMs` descending, then id). */
  list(query: JobQuery): Promise<{ jobs: SnapshotJob[]; nextPageToken?: string }>;
  /** Jobs accepted but not final, oldest first: resumed after a restart, swept in the cloud. */
  listUnfinished(): Promise<SnapshotJob[]>;
  /** Final jobs whose announcement is still owed (`pendingAnnouncement` set), oldest first. */
  listUnannounced(): Promise<SnapshotJob[]>;
}

/** One frame to grab. */
export interface FrameRequest {
  readonly timeMs: number;
}

export interface CaptureOptions {
  readonly frameType: FrameType;
  /** Output size; a missing side follows the aspect ratio, both missing means source size. */
  readonly width?: number;
  readonly height?: number;
  /**
   * Skip black frames for the first snapshot (spec 3.3): look in the first `searchWindowMs` for a
   * frame whose black-pixel ratio is below `blackLevel` percent; fall back to the first frame.
   */
  readonly blackFilter?: { readonly blackLevel: number; readonly pixelBlackThreshold: number; readonly searchWindowMs: number };
  /** Aborts ffmpeg when the sync deadline passes. */
  readonly signal?: AbortSignal;
}

export interface CapturedFrame {
  /** The time that was asked for. */
  readonly requestedMs: number;
  /** The presentation time of the frame actually taken. */
  readonly actualMs: number;
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
}

/**
 * One sprite sheet from cell pictures: cells row by row, `columns` to a row, `margin` around the
 * grid and `padding` between cells (spec 3.5, core/sprite-layout.ts); the sheet has as many rows
 * as the cells fill, and empty cells show the background.
 */
export interface SpriteSheetSpec {
  readonly columns: number;
  readonly margin: number;
  readonly padding: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  /** `black`, `#rrggbb` or `0xRRGGBB`; `random` is resolved before this point. */
  readonly background: string;
  readonly cells: readonly Buffer[];
}

/** Sprite sheets straight from the video (IsKeepCellPic=false): no cell picture is kept. */
export interface SpriteGrid {
  readonly columns: number;
  readonly lines: number;
  readonly margin: number;
  readonly padding: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly background: string;
  /** Every `cellSelStep`-th frame taken becomes a cell, starting with the first. */
  readonly cellSelStep: number;
}

export interface CapturedSprites {
  /** The frames taken, in order (times asked for without a frame are left out, as in capture). */
  readonly frames: readonly { readonly requestedMs: number }[];
  /** The sheets in order, laid out as core/sprite-layout.ts lays out the selected frames. */
  readonly sheets: readonly Buffer[];
}

export interface FrameCapture {
  /** Throws `Errors.resourceContentBad` when the input has no decodable video stream. */
  probe(source: MediaSource): Promise<MediaInfo>;
  /** Frames in the order asked; the engine picks the fastest correct strategy for the set. */
  capture(source: MediaSource, frames: readonly FrameRequest[], options: CaptureOptions): Promise<CapturedFrame[]>;
  /** One sprite sheet as a JPG, from cell pictures. */
  composeSprite(sheet: SpriteSheetSpec): Promise<Buffer>;
  /** Frames laid out into sprite sheets, tiled in the decode pass where the times allow it. */
  captureSprites(source: MediaSource, frames: readonly FrameRequest[], options: CaptureOptions, grid: SpriteGrid): Promise<CapturedSprites>;
}

export interface Notifier {
  /** Sends the MPS job message to the pipeline's topic and/or queue; resolves with the message id. */
  publish(pipeline: Pipeline, body: string): Promise<{ messageId: string }>;
}

export interface PipelineRegistry {
  get(id: string): Promise<Pipeline | undefined>;
  /** Used when a request names no pipeline (its jobs are never announced). */
  readonly defaultPipelineId?: string;
}

/** Hands accepted async jobs to whoever runs them (in-process worker, or the worker function). */
export interface JobDispatcher {
  dispatch(jobId: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface IdSource {
  /** 32 lower-case hex. */
  jobId(): string;
  /** Upper-case UUID 8-4-4-4-12. */
  requestId(): string;
}
