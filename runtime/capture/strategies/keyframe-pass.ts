/**
 * Strategy for dense key-frame sets (a sprite of intra frames over a whole video): one pass that
 * decodes key frames only (`-skip_frame nokey`), never the frames between them. Each requested
 * time gets the last key frame at or before it. Cheaper than one seek per frame once the frames
 * are closer together than the key frames.
 */
import type { MediaSource } from '../../core/ports';
import { runFfmpeg } from '../ffmpeg-process';
import type { Grabbed } from '../frame-grabber';
import { splitJpegs } from '../jpeg-stream';
import { jpegOutputOptions } from '../picture-filters';
import type { ProcessPool } from '../process-pool';

export async function keyframePass(
  source: MediaSource,
  timesSec: readonly number[],
  picture: readonly string[],
  a: { pool: ProcessPool; signal?: AbortSignal; onDump?: (stderr: string) => void },
): Promise<(Grabbed | undefined)[]> {
  const last = Math.max(...timesSec);
  // Stop decoding at the first key frame after the last time asked for. showinfo after the
  // picture filters: its per-plane statistics on a full-size frame cost ~3 ms at 1080p.
  const filters = [`trim=end=${(last + 0.0005).toFixed(6)}`, 'select=eq(key\\,1)', ...picture, 'showinfo@keys'];
  const { stdout, stderr } = await a.pool.run(
    () =>
      runFfmpeg({
        inputs: [{ source: source.uri, options: ['-skip_frame', 'nokey', '-threads', String(a.pool.threadsPerProcess())] }],
        outputOptions: ['-map', '0:v:0', '-an', '-sn', '-vf', filters.join(','), '-vsync', '0', ...jpegOutputOptions()],
        signal: a.signal,
      }),
    a.signal,
  );
  a.onDump?.(stderr);
  const jpegs = splitJpegs(stdout);
  const keys: number[] = [];
  const re = /\[showinfo@keys @ [^\]]+\] n:\s*\d+ pts:\s*-?\d+ pts_time:\s*(-?[\d.e+-]+)/g;
  for (let m = re.exec(stderr); m; m = re.exec(stderr)) keys.push(Number(m[1]));
  const n = Math.min(keys.length, jpegs.length);
  return timesSec.map((t) => {
    let pick = -1;
    for (let k = 0; k < n && keys[k] <= t + 0.0005; k++) pick = k;
    return pick < 0 ? undefined : { timeSec: keys[pick], jpeg: jpegs[pick] };
  });
}
