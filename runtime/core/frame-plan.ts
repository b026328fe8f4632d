/**
 * Which moments of the video a job captures (spec section 0 and 3.3). Rules, in order:
 *
 * - sync: `[Time]`; `Time` at or past the end is OutOfRange naming `SnapshotConfig.Time`.
 * - `TimeArray`: the points sorted ascending, duplicates dropped; any point at or past the end is
 *   `InvalidParameter.TimeArray` "TimeArray greater than video duration." (the MPS message).
 * - `Num = 1`: `[Time]`, `Interval` ignored.
 * - `Interval = 0` (average mode): `Num` points spread evenly over [Time, end):
 *   `Time + floor(i × (end − Time) / Num)` for i = 0..Num−1, so the first is `Time` and the last
 *   is one `(end − Time) / Num` step before the end (never the last instant, which often cannot
 *   be decoded). `Interval = 0` without `Num` is refused.
 * - `Interval > 0` with `Num`: `Time + i × Interval` for i = 0..Num−1; points at or after the end
 *   are dropped, so the job reports the real Count.
 * - `Interval > 0` without `Num`: every `Interval` from `Time` to the end (spec section 0).
 * - `Num > 1` without `Interval`: `Interval` defaults to 10 s (spec 3.3).
 * - async single (sprite, vtt with neither Interval nor Num): `[Time]`.
 * - A plan is never empty: when `Time` itself is at or past the end it is OutOfRange.
 *
 * Black-frame filter (spec 3.3), for the first snapshot only, and only when `Time = 0`:
 * - a multi-snapshot job (`Num > 1`, or `Interval` without `Num`) with `BlackLevel` set filters
 *   with that level;
 * - `Num = 1` always filters, ignoring `BlackLevel`, with level 100 (skip only frames that are
 *   entirely black) [GUESS];
 * - the pixel threshold is `PixelBlackThreshold`, default 32 (ffmpeg's `blackframe` default) [GUESS];
 * - the search covers the first 5 s. Sync jobs and TimeArray jobs are never filtered: a sync
 *   request names one exact moment, and time points are explicit.
 */
import { Errors } from './errors';
import type { JobMode, MediaInfo, SnapshotConfig } from './model';
import type { CaptureOptions } from './ports';

export interface FramePlan {
  timesMs: number[];
  blackFilter?: CaptureOptions['blackFilter'];
}

export const DEFAULT_INTERVAL_SEC = 10;
export const BLACK_SEARCH_WINDOW_MS = 5000;
export const DEFAULT_PIXEL_BLACK_THRESHOLD = 32;
export const FORCED_BLACK_LEVEL = 100;
/** Most frames one plan may hold (a 1 s Interval over 27 hours). */
export const MAX_PLANNED_FRAMES = 100_000;

export function planFrames(config: SnapshotConfig, media: MediaInfo, mode: JobMode): FramePlan {
  const end = media.durationMs;
  if (!(end > 0) || !Number.isFinite(end)) {
    throw Errors.resourceContentBad('Input (the video has no known duration)');
  }
  if (mode === 'sync') {
    checkStart(config.timeMs, end);
    return { timesMs: [config.timeMs] };
  }
  if (config.timeArrayMs !== undefined) {
    const times = [...new Set(config.timeArrayMs)].sort((a, b) => a - b);
    if (times.length === 0) throw Errors.emptyValue('SnapshotConfig.TimeArray');
    if (times[times.length - 1] >= end) throw Errors.timeArray('TimeArray greater than video duration.');
    return { timesMs: times };
  }
  checkStart(config.timeMs, end);
  const timesMs = sequence(config, end);
  const filter = blackFilterFor(config);
  return filter ? { timesMs, blackFilter: filter } : { timesMs };
}

function checkStart(timeMs: number, end: number): void {
  if (timeMs >= end) {
    throw Errors.outOfRange('SnapshotConfig.Time', `Time ${timeMs} ms is at or past the end of the video (${end} ms)`);
  }
}

function sequence(config: SnapshotConfig, end: number): number[] {
  const start = config.timeMs;
  const { num, intervalSec } = config;
  if (num === 1) return [start];
  if (num === undefined && intervalSec === undefined) return [start];
  if (intervalSec === 0) {
    if (num === undefined) {
      throw Errors.invalidParameter('SnapshotConfig.Num', 'is required when Interval is 0 (average mode).');
    }
    const span = end - start;
    const times: number[] = [];
    for (let i = 0; i < num; i++) {
      const t = start + Math.floor((i * span) / num);
      if (times[times.length - 1] !== t) times.push(t);
    }
    return times;
  }
  const stepMs = (intervalSec ?? DEFAULT_INTERVAL_SEC) * 1000;
  const limit = num ?? Infinity;
  const times: number[] = [];
  for (let i = 0; i < limit; i++) {
    const t = start + i * stepMs;
    if (t >= end) break;
    if (times.length >= MAX_PLANNED_FRAMES) {
      throw Errors.outOfRange(
        'SnapshotConfig.Interval',
        `Interval ${intervalSec ?? DEFAULT_INTERVAL_SEC} s over ${end} ms of video gives more than ${MAX_PLANNED_FRAMES} snapshots.`,
      );
    }
    times.push(t);
  }
  return times;
}

function blackFilterFor(config: SnapshotConfig): CaptureOptions['blackFilter'] | undefined {
  if (config.timeMs !== 0) return undefined;
  const pixelBlackThreshold = config.pixelBlackThreshold ?? DEFAULT_PIXEL_BLACK_THRESHOLD;
  if (config.num === 1) {
    return { blackLevel: FORCED_BLACK_LEVEL, pixelBlackThreshold, searchWindowMs: BLACK_SEARCH_WINDOW_MS };
  }
  const multi = (config.num !== undefined && config.num > 1) || (config.num === undefined && config.intervalSec !== undefined);
  if (multi && config.blackLevel !== undefined) {
    return { blackLevel: config.blackLevel, pixelBlackThreshold, searchWindowMs: BLACK_SEARCH_WINDOW_MS };
  }
  return undefined;
}
