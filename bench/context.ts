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
  /** The capture module used directly; undefined (with the reason) when it cannot load. */
  capture?: FrameCapture;
  captureError?: string;
  /** Input keys of the media in the service's input bucket. */
  inputKeys: { long: string; longMoovEnd: string; uhd: string };
  log: (s: string) => void;
}

/** Issue 5's times are for a 600 s file; quick runs keep the same relative position. */
export function at(ctx: BenchContext, secondsOf600: number): number {
  return Math.round((secondsOf600 / 600) * ctx.media.long.durationSec * 1000);
}

export function out(ctx: BenchContext, name: string): string {
  return path.join(ctx.tmpDir, name);
}

/** Loads the capture module without making the whole bench depend on it being there. */
export function loadCapture(): { capture?: FrameCapture; error?: string } {
  try {
    const mod = require(path.join(__dirname, '..', 'runtime', 'capture')) as {
      createFfmpegCapture?: (opts?: { maxProcesses?: number }) => FrameCapture;
    };
    if (typeof mod.createFfmpegCapture !== 'function') return { error: 'runtime/capture/index.ts has no createFfmpegCapture yet' };
    return { capture: mod.createFfmpegCapture() };
  } catch (e) {
    return { error: `runtime/capture could not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}
