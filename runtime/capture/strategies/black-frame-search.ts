/**
 * Black-frame skipping for the first snapshot (spec 3.3): decode the first `searchWindowMs` once,
 * measure the share of black pixels of every frame with ffmpeg's `blackframe` filter (small
 * pictures suffice for a ratio), and return the time of the first frame whose share is below
 * `blackLevel` percent. Undefined when every frame in the window is black: the caller then keeps
 * the first frame.
 */
import type { CaptureOptions, MediaSource } from '../../core/ports';
import { runFfmpeg } from '../ffmpeg-process';
import type { ProcessPool } from '../process-pool';

export async function firstNonBlackFrame(
  source: MediaSource,
  filter: NonNullable<CaptureOptions['blackFilter']>,
  a: { pool: ProcessPool; signal?: AbortSignal },
): Promise<number | undefined> {
  const threshold = Math.min(255, Math.max(0, Math.round(filter.pixelBlackThreshold)));
  const { stderr } = await a.pool.run(
    () =>
      runFfmpeg({
        inputs: [{ source: source.uri, options: ['-t', (filter.searchWindowMs / 1000).toFixed(3)] }],
        outputOptions: [
          '-map', '0:v:0', '-an', '-sn',
          // amount=0 logs every frame with its black share (pblack, percent).
          '-vf', `setpts=PTS-STARTPTS,scale=128:72,format=gray,blackframe=amount=0:threshold=${threshold}`,
          '-f', 'null',
        ],
        signal: a.signal,
      }),
    a.signal,
  );
  const re = /pblack:(\d+) pts:\S+ t:([\d.]+)/g;
  for (let m = re.exec(stderr); m; m = re.exec(stderr)) {
    if (Number(m[1]) < filter.blackLevel) return Number(m[2]);
  }
  return undefined;
}
