/**
 * The sample video `npm start` puts into the input bucket on first start, so the README's call
 * works before the user has a video of their own: 10 s of ffmpeg's testsrc2 (a moving pattern
 * with a running clock), 640x360, H.264, key frame every 2 s, faststart.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../capture/ffmpeg-binaries';

export const SAMPLE_KEY = 'sample/sample.mp4';

export async function seedSampleVideo(inputBucketDir: string): Promise<string> {
  const target = path.join(inputBucketDir, ...SAMPLE_KEY.split('/'));
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.tmp-sample-${process.pid}.mp4`);
  try {
    await promisify(execFile)(
      ffmpegPath(),
      ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', '10',
        '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50', '-movflags', '+faststart', tmp],
      { timeout: 120_000 },
    );
    await fs.rename(tmp, target);
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return target;
}
