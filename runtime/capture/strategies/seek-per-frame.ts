/**
 * Strategy for sparse frames (and every single frame): an input seek per frame, so each frame
 * costs one key-frame jump plus the decode of at most one GOP, wherever it lies in the file.
 * Frames are split into contiguous chunks, one ffmpeg process per chunk, run side by side on the
 * process pool (both cores for a multi-frame job). A frame whose seek overshot (formats without
 * an index, such as MPEG-TS, can land after the target) is retried with a growing pre-roll.
 */
import type { MediaSource } from '../../core/ports';
import type { FrameType } from '../../core/model';
import { grabFrames, type Grab, type Grabbed } from '../frame-grabber';
import type { ProcessPool } from '../process-pool';

/** More inputs per process cost memory (one demuxer and decoder each) for little gain. */
const MAX_INPUTS_PER_PROCESS = 12;
/** Pre-roll ladder (seconds) for seeks that overshoot; the last step decodes from the start. */
const PREROLLS = [2, 10, 30, Infinity];

export interface SeekTarget {
  readonly timeSec: number;
  readonly frameType: FrameType;
}

export function firstGrab(t: SeekTarget, frameDurationSec: number): Grab {
  if (t.frameType === 'intra') return { kind: 'intra', seekSec: t.timeSec, untilSec: t.timeSec };
  // ffmpeg's accurate seek returns the first frame at or after the seek point; the frame on
  // screen at T started up to one frame duration earlier.
  const from = Math.max(0, t.timeSec - frameDurationSec + 0.001);
  return { kind: 'exact', seekSec: from, fromSec: from };
}

function prerollGrab(t: SeekTarget, first: Grab, preroll: number): Grab {
  const seek = Number.isFinite(preroll) ? Math.max(0, first.seekSec - preroll) : 0;
  return first.kind === 'intra' ? { kind: 'intra', seekSec: seek, untilSec: t.timeSec } : { kind: 'exact', seekSec: seek, fromSec: first.fromSec };
}

function acceptable(t: SeekTarget, g: Grabbed | undefined): boolean {
  if (!g) return false;
  // Intra results are bounded by trim. The frame on screen at T started at or before T, so an
  // exact frame starting after T means the seek overshot.
  return t.frameType === 'intra' || g.timeSec <= t.timeSec + 0.0001;
}

export async function seekPerFrame(
  source: MediaSource,
  targets: readonly SeekTarget[],
  picture: readonly string[],
  a: { pool: ProcessPool; frameDurationSec: number; durationSec: number; signal?: AbortSignal; onDump?: (stderr: string) => void },
): Promise<(Grabbed | undefined)[]> {
  const grabs = targets.map((t) => firstGrab(t, a.frameDurationSec));
  const chunkCount = Math.min(targets.length, Math.max(a.pool.maxProcesses, Math.ceil(targets.length / MAX_INPUTS_PER_PROCESS)));
  const size = Math.ceil(targets.length / Math.max(1, chunkCount));
  const chunks: number[][] = [];
  for (let i = 0; i < targets.length; i += size) chunks.push(Array.from({ length: Math.min(size, targets.length - i) }, (_, k) => i + k));

  const results: (Grabbed | undefined)[] = new Array(targets.length);
  await Promise.all(
    chunks.map(async (idx) => {
      const got = await a.pool.run(() => grabFrames(source, idx.map((i) => grabs[i]), picture, a.signal, a.pool.threadsPerProcess(), a.onDump), a.signal);
      idx.forEach((i, k) => (results[i] = got[k]));
    }),
  );

  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (acceptable(t, results[i])) continue;
    if (t.timeSec > a.durationSec) continue;
    for (const preroll of PREROLLS) {
      if (grabs[i].seekSec <= 0 && preroll !== PREROLLS[0]) break;
      const g = prerollGrab(t, grabs[i], preroll);
      const [got] = await a.pool.run(() => grabFrames(source, [g], picture, a.signal, a.pool.threadsPerProcess()), a.signal);
      if (got && (acceptable(t, got) || g.seekSec <= 0)) {
        results[i] = got;
        break;
      }
      if (g.seekSec <= 0) break;
    }
  }
  return results;
}
