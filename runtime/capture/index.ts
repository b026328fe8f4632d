/**
 * The ffmpeg capture engine behind the FrameCapture port.
 *
 * Per request it picks the cheapest correct strategy: a seek per frame (single frames, sparse
 * sequences, exact frames), one key-frame-only pass (dense intra sets), or one pass in which
 * ffmpeg picks evenly spaced frames itself (dense normal sets, and sprites, which it tiles in
 * the same pass). All processes share one pool, so a burst of jobs queues instead of thrashing.
 *
 * One process per capture where the container allows it: the facts a capture needs come from the
 * MP4/MOV index read in-process (probe.ts), and are checked against the input dump of the
 * capture's own ffmpeg run; if that run saw another display size or HDR-ness (a pixel aspect
 * only the bitstream carries, say), the facts are corrected and the capture is redone once.
 * Facts are remembered for a minute per object identity (path, size and modification time; URL
 * and size), so a job that probes and then captures reads the index once.
 */
import * as fs from 'fs';
import { Errors } from '../core/errors';
import type { CaptureOptions, CapturedFrame, CapturedSprites, FrameCapture, FrameRequest, MediaSource, SpriteGrid, SpriteSheetSpec } from '../core/ports';
import { selectCells } from '../core/sprite-layout';
import { checkFfmpegBinary } from './ffmpeg-binaries';
import type { Grabbed } from './frame-grabber';
import { isHdr, outputSize, pictureFilters } from './picture-filters';
import { parseInputDump, probeMedia, type ProbedMedia } from './probe';
import { ProcessPool } from './process-pool';
import { composeSprite } from './sprite-composer';
import { firstNonBlackFrame } from './strategies/black-frame-search';
import { evenlySpaced, fpsPassFrames, fpsPassSheets } from './strategies/fps-pass';
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

/**
 * The facts the capture's own ffmpeg run reported, when they change the picture (display size or
 * HDR-ness) from what the container index said; undefined when they agree or cannot be read.
 */
export function correctedFacts(media: ProbedMedia, stderr: string): ProbedMedia | undefined {
  if (media.factsFrom !== 'index') return undefined;
  let seen: Omit<ProbedMedia, 'factsFrom'>;
  try {
    seen = parseInputDump(stderr);
  } catch {
    return undefined;
  }
  if (seen.width === media.width && seen.height === media.height && isHdr(seen) === isHdr(media)) return undefined;
  const { colorTransfer: _dropped, ...rest } = media;
  return {
    ...rest,
    width: seen.width,
    height: seen.height,
    rotation: seen.rotation,
    ...(seen.colorTransfer ? { colorTransfer: seen.colorTransfer } : {}),
    factsFrom: 'ffmpeg',
  };
}

export type CaptureStrategy = 'seek-per-frame' | 'keyframe-pass' | 'fps-pass';

/** Dense sets go through one pass: enough frames, closer than this on average. */
const PASS_MIN_FRAMES = 16;
const KEYFRAME_PASS_MAX_SPACING_SEC = 10;
/**
 * Normal (exact) frames closer than this are decoded in one pass: a seek per frame decodes half
 * a GOP on average (1-5 s in common encodings), the pass decodes each frame once.
 */
const FPS_PASS_MAX_SPACING_SEC = 1;

export function chooseStrategy(frames: readonly FrameRequest[], options: Pick<CaptureOptions, 'frameType'>, durationSec: number): CaptureStrategy {
  if (frames.length < PASS_MIN_FRAMES) return 'seek-per-frame';
  const times = frames.map((f) => f.timeMs / 1000);
  const span = Math.min(durationSec, Math.max(...times)) - Math.max(0, Math.min(...times));
  if (options.frameType === 'intra') return span / frames.length <= KEYFRAME_PASS_MAX_SPACING_SEC ? 'keyframe-pass' : 'seek-per-frame';
  return span / frames.length <= FPS_PASS_MAX_SPACING_SEC && evenlySpaced(times) ? 'fps-pass' : 'seek-per-frame';
}

export interface FfmpegCapture extends FrameCapture {
  readonly pool: ProcessPool;
  /** Same as capture, forcing a strategy (tests compare strategies; benchmarks measure them). */
  captureWith(strategy: CaptureStrategy, source: MediaSource, frames: readonly FrameRequest[], options: CaptureOptions): Promise<CapturedFrame[]>;
}

export function createFfmpegCapture(opts: FfmpegCaptureOptions = {}): FfmpegCapture {
  // A configured binary that is missing fails here, once, at cold start.
  checkFfmpegBinary();
  const pool = new ProcessPool(opts.maxProcesses);
  const probes = new Map<string, { at: number; media: Promise<ProbedMedia> }>();
  const probe = (source: MediaSource, signal?: AbortSignal): Promise<ProbedMedia> => {
    const key = probeKey(source);
    const now = Date.now();
    const hit = probes.get(key);
    if (hit && now - hit.at < PROBE_CACHE_MS) return hit.media;
    // The index reader needs no process slot; only its ffmpeg fallback does (it runs in the pool).
    const media = probeMedia(source, signal, pool);
    remember(key, media, now);
    return media;
  };
  const remember = (key: string, media: Promise<ProbedMedia>, now = Date.now()) => {
    probes.set(key, { at: now, media });
    media.catch(() => probes.delete(key));
    for (const [k, v] of probes) if (probes.size > 64 || now - v.at >= PROBE_CACHE_MS) probes.delete(k);
  };

  /** Runs `attempt` with the facts; redoes it once when ffmpeg's own dump contradicts them. */
  async function withCheckedFacts<T>(source: MediaSource, signal: AbortSignal | undefined, attempt: (media: ProbedMedia, onDump: (s: string) => void) => Promise<T>): Promise<T> {
    const media = await probe(source, signal);
    let dump: string | undefined;
    const result = await attempt(media, (s) => (dump ??= s));
    const fixed = dump === undefined ? undefined : correctedFacts(media, dump);
    if (!fixed) return result;
    remember(probeKey(source), Promise.resolve(fixed));
    return attempt(fixed, () => undefined);
  }

  async function grab(strategy: CaptureStrategy | undefined, source: MediaSource, frames: readonly FrameRequest[], options: CaptureOptions, media: ProbedMedia, onDump: (s: string) => void) {
    const { signal } = options;
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
    let grabbed: (Grabbed | undefined)[] | undefined;
    const even = chosen === 'fps-pass' ? evenlySpaced(timesSec) : undefined;
    if (even) grabbed = await fpsPassFrames(source, even, picture, { pool, signal, frameType: options.frameType, frameRate: media.frameRate, onDump });
    if (!grabbed && chosen === 'keyframe-pass') grabbed = await keyframePass(source, timesSec, picture, { pool, signal, onDump });
    if (!grabbed) {
      const targets = timesSec.map((timeSec) => ({ timeSec, frameType: options.frameType }));
      grabbed = await seekPerFrame(source, targets, picture, { pool, frameDurationSec, durationSec, signal, onDump });
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

  async function captureWith(strategy: CaptureStrategy | undefined, source: MediaSource, frames: readonly FrameRequest[], options: CaptureOptions): Promise<CapturedFrame[]> {
    if (frames.length === 0) return [];
    return withCheckedFacts(source, options.signal, (media, onDump) => grab(strategy, source, frames, options, media, onDump));
  }

  async function captureSprites(source: MediaSource, frames: readonly FrameRequest[], options: CaptureOptions, grid: SpriteGrid): Promise<CapturedSprites> {
    const { signal } = options;
    if (frames.length === 0) return { frames: [], sheets: [] };
    const media = await probe(source, signal);
    const timesSec = frames.map((f) => Math.max(0, f.timeMs) / 1000);
    const even = evenlySpaced(timesSec);
    // Tiled in the decode pass where one pass is the strategy anyway.
    if (even && !options.blackFilter && chooseStrategy(frames, options, media.durationMs / 1000) !== 'seek-per-frame') {
      const sheets = await withCheckedFacts(source, signal, (m, onDump) =>
        fpsPassSheets(source, even, pictureFilters(m, { width: grid.cellWidth, height: grid.cellHeight }), grid, { pool, signal, frameType: options.frameType, frameRate: m.frameRate, onDump }),
      );
      signal?.throwIfAborted();
      if (sheets) return { frames: frames.map((f) => ({ requestedMs: f.timeMs })), sheets };
    }
    // Otherwise: the frames at cell size, then one composition per sheet.
    const captured = await captureWith(undefined, source, frames, { ...options, width: grid.cellWidth, height: grid.cellHeight });
    const cells = selectCells(captured.length, grid.cellSelStep).map((i) => captured[i].jpeg);
    const perSheet = grid.columns * grid.lines;
    const sheets: Buffer[] = [];
    for (let first = 0; first < cells.length; first += perSheet) {
      signal?.throwIfAborted();
      sheets.push(await composeSprite({ ...grid, cells: cells.slice(first, first + perSheet) }, pool, signal));
    }
    return { frames: captured.map((f) => ({ requestedMs: f.requestedMs })), sheets };
  }

  return {
    pool,
    probe: (source) => probe(source),
    capture: (source, frames, options) => captureWith(undefined, source, frames, options),
    captureWith: (strategy, source, frames, options) => captureWith(strategy, source, frames, options),
    composeSprite: (sheet: SpriteSheetSpec) => composeSprite(sheet, pool),
    captureSprites,
  };
}
