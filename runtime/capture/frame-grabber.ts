/**
 * Grabs several frames in ONE ffmpeg process: one input per frame, each with its own input seek
 * (`-ss` before `-i`, so the demuxer jumps through the index and only the frames after the
 * nearest key frame are decoded), one filter branch per input, concatenated into one JPG stream.
 * A named `showinfo` per branch reports the presentation time of each frame, so the result says
 * which frame was actually taken and overshooting seeks can be detected and retried.
 */
import type { MediaSource } from '../core/ports';
import { runFfmpeg } from './ffmpeg-process';
import { splitJpegs } from './jpeg-stream';
import { jpegOutputOptions } from './picture-filters';

/** One frame to take. Times are seconds from the start of the media. */
export type Grab =
  /** The first frame at or after `fromSec`, decoding from `seekSec` (<= fromSec). */
  | { readonly kind: 'exact'; readonly seekSec: number; readonly fromSec: number }
  /** The last key frame at or before `untilSec`, jumping to `seekSec` without decoding non-key frames. */
  | { readonly kind: 'intra'; readonly seekSec: number; readonly untilSec: number };

export interface Grabbed {
  /** Presentation time of the frame taken (seconds from the start of the media). */
  readonly timeSec: number;
  readonly jpeg: Buffer;
}

const EPS = 0.0005;

function seconds(n: number): string {
  return Math.max(0, n).toFixed(6);
}

/**
 * Below this, read from the start instead of seeking: it costs a few frames at most, and some
 * demuxers (FLV whose first frame has a non-zero timestamp) return nothing after a seek to ~0.
 */
const NO_SEEK_BELOW_SEC = 0.25;

function effectiveSeek(g: Grab): number {
  return g.seekSec < NO_SEEK_BELOW_SEC ? 0 : g.seekSec;
}

function inputOptions(g: Grab, threads: number): string[] {
  const seek = effectiveSeek(g);
  const ss = [...(seek > 0 ? ['-ss', seconds(seek)] : []), '-threads', String(threads)];
  if (g.kind === 'exact') return ss;
  return ['-noaccurate_seek', '-skip_frame', 'nokey', ...ss];
}

function branchFilters(g: Grab, i: number): string[] {
  const seek = effectiveSeek(g);
  if (g.kind === 'exact') {
    const skip = g.fromSec - seek;
    // Accurate seek already drops frames before seekSec; a pre-roll drops up to fromSec here.
    const f = skip > EPS ? [`select=gte(t\\,${(skip - EPS).toFixed(6)})`] : [];
    return [...f, 'trim=end_frame=1', `showinfo@g${i}`, 'setpts=PTS-STARTPTS'];
  }
  // Timestamps count from seekSec (frames before it are negative). trim ends the branch at the
  // first frame after untilSec, so nothing past it is read; `select` keeps key frames only for
  // decoders that ignore -skip_frame (VP9).
  return [`trim=end=${(g.untilSec - seek + EPS).toFixed(6)}`, 'select=eq(key\\,1)', `showinfo@g${i}`, 'setpts=PTS-STARTPTS'];
}

/**
 * Runs the grabs in one process. Returns, per grab, the frame taken (the last one a branch
 * produced, which for intra is the latest key frame not after untilSec), or undefined when the
 * branch produced nothing (past the end, or the seek overshot).
 */
export async function grabFrames(
  source: MediaSource,
  grabs: readonly Grab[],
  picture: readonly string[],
  signal?: AbortSignal,
  /** Decoder threads per input (see ProcessPool.threadsPerProcess). */
  threads = 1,
  /** Receives ffmpeg's stderr (its input dump checks the probed facts). */
  onDump?: (stderr: string) => void,
): Promise<(Grabbed | undefined)[]> {
  if (grabs.length === 0) return [];
  const branches = grabs.map((g, i) => `[${i}:v:0]${branchFilters(g, i).join(',')}[b${i}]`);
  const joined =
    grabs.length === 1
      ? `[b0]${picture.join(',')}[out]`
      : `${grabs.map((_, i) => `[b${i}]`).join('')}concat=n=${grabs.length}:v=1:a=0,setpts=N/TB,${picture.join(',')}[out]`;
  const { stdout, stderr } = await runFfmpeg({
    inputs: grabs.map((g) => ({ source: source.uri, options: inputOptions(g, threads) })),
    outputOptions: ['-filter_complex', `${branches.join(';')};${joined}`, '-map', '[out]', '-an', '-sn', '-vsync', '0', ...jpegOutputOptions()],
    signal,
  });
  onDump?.(stderr);
  const jpegs = splitJpegs(stdout);
  const times = branchTimes(stderr, grabs.length);
  const out: (Grabbed | undefined)[] = [];
  let next = 0;
  for (let i = 0; i < grabs.length; i++) {
    const t = times[i];
    const pics = jpegs.slice(next, next + t.length);
    next += t.length;
    if (t.length === 0 || pics.length < t.length) {
      out.push(undefined);
      continue;
    }
    out.push({ timeSec: effectiveSeek(grabs[i]) + t[t.length - 1], jpeg: pics[pics.length - 1] });
  }
  return out;
}

/** pts_time of every frame each named showinfo saw, in order. */
function branchTimes(stderr: string, n: number): number[][] {
  const times: number[][] = Array.from({ length: n }, () => []);
  const re = /\[showinfo@g(\d+) @ [^\]]+\] n:\s*\d+ pts:\s*-?\d+ pts_time:\s*(-?[\d.e+-]+)/g;
  for (let m = re.exec(stderr); m; m = re.exec(stderr)) {
    const i = Number(m[1]);
    if (i < n) times[i].push(Number(m[2]));
  }
  return times;
}

