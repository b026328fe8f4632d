/** What every case gets: the media, the servers, the repetition budget and a log. */
import * as path from 'node:path';
import type { FrameCapture } from '../runtime/core/ports';
import type { MediaSet } from './media';
import type { RangeServer } from './range-server';
import type { BenchService } from './service';

export interface BenchContext {
  quick: boolean;
  media: MediaSet;
  /** Repetitions after the warm-up, for variants that take about a second. */
  reps: number;
  /** Repetitions for variants that decode a whole file. */
  heavyReps: number;
  tmpDir: string;
  rangeServer: RangeServer;
  /** The project through its API; undefined (with the reason) when the service cannot start. */
  service?: BenchService;
  serviceError?: string;
  /**
   * A new instance of the capture module, used directly (one per timed call, so its probe cache
   * cannot make a repeated call cheaper than a first one); undefined (with the reason) when the
   * module cannot load.
   */
  newCapture?: () => FrameCapture;
  captureError?: string;
  log: (s: string) => void;
  /** The second build's run: the naive full-decode and download baselines are left out. */
  secondary?: boolean;
}

/** Issue 5's times are for a 600 s file; quick runs keep the same relative position. */
export function at(ctx: BenchContext, secondsOf600: number): number {
  return Math.round((secondsOf600 / 600) * ctx.media.long.durationSec * 1000);
}

export function out(ctx: BenchContext, name: string): string {
  return path.join(ctx.tmpDir, name);
}

/** Loads the capture module without making the whole bench depend on it being there. */
export function loadCapture(): { newCapture?: () => FrameCapture; error?: string } {
  try {
    const mod = require(path.join(__dirname, '..', 'runtime', 'capture')) as {
      createFfmpegCapture?: (opts?: { maxProcesses?: number }) => FrameCapture;
    };
    if (typeof mod.createFfmpegCapture !== 'function') return { error: 'runtime/capture/index.ts has no createFfmpegCapture yet' };
    const create = mod.createFfmpegCapture;
    create(); // fail here, not in the middle of a case, if it cannot be constructed
    return { newCapture: () => create() };
  } catch (e) {
    return { error: `runtime/capture could not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}
