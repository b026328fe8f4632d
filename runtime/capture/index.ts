/**
 * The ffmpeg capture engine behind the FrameCapture port.
 *
 * Per request it picks the cheapest correct strategy: a seek per frame (single frames, sparse
 * sequences, exact frames), or one key-frame-only pass (dense intra sets such as sprites over a
 * whole video). All processes share one pool, so a burst of jobs queues instead of thrashing.
 */
import * as fs from 'fs';
import { Errors } from '../core/errors';
import type { CaptureOptions, CapturedFrame, FrameCapture, FrameRequest, MediaSource, SpriteSheetSpec } from '../core/ports';
import type { Grabbed } from './frame-grabber';
import { outputSize, pictureFilters } from './picture-filters';
import { probeMedia, type ProbedMedia } from './probe';
import { ProcessPool } from './process-pool';
import { composeSprite } from './sprite-composer';
import { firstNonBlackFrame } from './strategies/black-frame-search';
import { keyframePass } from './strategies/keyframe-pass';
import { seekPerFrame } from './strategies/seek-per-frame';

export interface FfmpegCaptureOptions {
  /** Concurrent ffmpeg processes across all jobs. Default: number of cores. */
  readonly maxProcesses?: number;
}

const PROBE_CACHE_MS = 60_000;

function probeKey(source: MediaSource): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source.uri)) return `${source.uri}#${source.sizeBytes ?? ''}`;
  try {
    const st = fs.statSync(source.uri);
    return `${source.uri}#${st.size}#${st.mtimeMs}`;
  } catch {
    return source.uri;
  }
}

export type CaptureStrategy = 'seek-per-frame' | 'keyframe-pass';

/** Dense intra sets go through one key-frame pass: enough frames, closer than this on average. */
const KEYFRAME_PASS_MIN_FRAMES = 16;
const KEYFRAME_PASS_MAX_SPACING_SEC = 10;

export function chooseStrategy(frames: readonly FrameRequest[], options: Pick<CaptureOptions, 'frameType'>, durationSec: number): CaptureStrategy {
  if (options.frameType !== 'intra' || frames.length < KEYFRAME_PASS_MIN_FRAMES) return 'seek-per-frame';
  const times = frames.map((f) => f.timeMs / 1000);
  const span = Math.min(durationSec, Math.max(...times)) - Math.max(0, Math.min(...times));
  return span / frames.length <= KEYFRAME_PASS_MAX_SPACING_SEC ? 'keyframe-pass' : 'seek-per-frame';
}

export interface FfmpegCapture extends FrameCapture {
  readonly pool: ProcessPool;
  /** Same as capture, forcing a strategy (tests compare strategies; benchmarks measure them). */
  captureWith(strategy: CaptureStrategy, source: MediaSource, frames: readonly FrameRequest[], options: CaptureOptions): Promise<CapturedFrame[]>;
}

export function createFfmpegCapture(opts: FfmpegCaptureOptions = {}): FfmpegCapture {
  const pool = new ProcessPool(opts.maxProcesses);
  // The service probes and then captures the same source; remember recent probes briefly. The key
  // includes size and modification time of local files, so a replaced file is probed again.
  const probes = new Map<string, { at: number; media: Promise<ProbedMedia> }>();
  const probe = (source: MediaSource, signal?: AbortSignal): Promise<ProbedMedia> => {
    const key = probeKey(source);
    const now = Date.now();
    const hit = probes.get(key);
    if (hit && now - hit.at < PROBE_CACHE_MS) return hit.media;
    const media = pool.run(() => probeMedia(source, signal), signal);
    probes.set(key, { at: now, media });
    media.catch(() => probes.delete(key));
    for (const [k, v] of probes) if (probes.size > 64 || now - v.at >= PROBE_CACHE_MS) probes.delete(k);
    return media;
  };

  async function captureWith(
    strategy: CaptureStrategy | undefined,
    source: MediaSource,
    frames: readonly FrameRequest[],
    options: CaptureOptions,
  ): Promise<CapturedFrame[]> {
    const { signal } = options;
    if (frames.length === 0) return [];
    const media = await probe(source, signal);
    const size = outputSize(media, options.width, options.height);
    const picture = pictureFilters(media, size);
    const durationSec = media.durationMs / 1000;
    const frameDurationSec = 1 / media.frameRate;
    const timesSec = frames.map((f) => Math.max(0, f.timeMs) / 1000);

    let blackSkipSec: number | undefined;
    if (options.blackFilter) {
      blackSkipSec = await firstNonBlackFrame(source, options.blackFilter, { pool, signal });
    }

    const chosen = strategy ?? chooseStrategy(frames, options, durationSec);
    let grabbed: (Grabbed | undefined)[];
    if (chosen === 'keyframe-pass') {
      grabbed = await keyframePass(source, timesSec, picture, { pool, signal });
    } else {
      const targets = timesSec.map((timeSec) => ({ timeSec, frameType: options.frameType }));
      grabbed = await seekPerFrame(source, targets, picture, { pool, frameDurationSec, durationSec, signal });
    }
    if (blackSkipSec !== undefined) {
      // The first snapshot is the first frame that is not black, exactly (not snapped to a key frame).
      const [first] = await seekPerFrame(source, [{ timeSec: blackSkipSec + frameDurationSec / 2, frameType: 'normal' }], picture, {
        pool,
        frameDurationSec,
        durationSec,
        signal,
      });
      if (first) grabbed[0] = first;
    }
    signal?.throwIfAborted();

    const out: CapturedFrame[] = [];
    grabbed.forEach((g, i) => {
      if (!g) return;
      out.push({ requestedMs: frames[i].timeMs, actualMs: Math.round(g.timeSec * 1000), jpeg: g.jpeg, width: size.width, height: size.height });
    });
    if (out.length === 0) throw Errors.resourceContentBad('InputFile');
    return out;
  }

  return {
    pool,
    probe: (source) => probe(source),
    capture: (source, frames, options) => captureWith(undefined, source, frames, options),
    captureWith: (strategy, source, frames, options) => captureWith(strategy, source, frames, options),
    composeSprite: (sheet: SpriteSheetSpec) => composeSprite(sheet, pool),
  };
}
