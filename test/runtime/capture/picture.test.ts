import { execFile } from 'child_process';
import { createFfmpegCapture } from '../../../runtime/capture';
import { ffmpegPath } from '../../../runtime/capture/ffmpeg-binaries';
import { jpegSize, makeIndexedVideo, meanLuma, readFrameIndex, whiteLevel, type VideoSpec } from '../../support/media';

const capture = createFfmpegCapture();

async function one(spec: VideoSpec, opts: { width?: number; height?: number; timeMs?: number } = {}) {
  const source = { uri: await makeIndexedVideo(spec) };
  const [frame] = await capture.capture(source, [{ timeMs: opts.timeMs ?? 1500 }], { frameType: 'normal', width: opts.width, height: opts.height });
  return { frame, media: await capture.probe(source) };
}

describe('sizes', () => {
  test('no Width/Height: the display size of the video', async () => {
    const { frame } = await one({ width: 320, height: 180 });
    expect(await jpegSize(frame.jpeg)).toEqual({ width: 320, height: 180 });
    expect([frame.width, frame.height]).toEqual([320, 180]);
    expect(await readFrameIndex(frame.jpeg)).toBe(37);
  });

  test('Width only: the height follows the aspect ratio', async () => {
    const { frame } = await one({ width: 320, height: 180 }, { width: 100 });
    expect(await jpegSize(frame.jpeg)).toEqual({ width: 100, height: 56 });
    expect(await readFrameIndex(frame.jpeg)).toBe(37);
  });

  test('Height only, odd result: the width follows the aspect ratio, not rounded to even', async () => {
    const { frame } = await one({ width: 320, height: 180 }, { height: 27 });
    expect(await jpegSize(frame.jpeg)).toEqual({ width: 48, height: 27 });
  });

  test('both: exactly that size', async () => {
    const { frame } = await one({ width: 320, height: 180 }, { width: 64, height: 64 });
    expect(await jpegSize(frame.jpeg)).toEqual({ width: 64, height: 64 });
    expect(await readFrameIndex(frame.jpeg)).toBe(37);
  });

  test('upscaling a small video works', async () => {
    const { frame } = await one({}, { width: 640 });
    expect(await jpegSize(frame.jpeg)).toEqual({ width: 640, height: 360 });
  });
});

describe('rotation: a portrait phone video gives a portrait picture, the right way up', () => {
  test.each([90, 270] as const)('rotate %i', async (rotate) => {
    const { frame, media } = await one({ width: 160, height: 90, rotate });
    expect(media).toMatchObject({ rotation: rotate, width: 90, height: 160 });
    expect(await jpegSize(frame.jpeg)).toEqual({ width: 90, height: 160 });
    // The index is drawn in display orientation: it reads only if the picture was turned correctly.
    expect(await readFrameIndex(frame.jpeg)).toBe(37);
  });

  test('Width on a portrait video follows the portrait aspect', async () => {
    const { frame } = await one({ width: 160, height: 90, rotate: 90 }, { width: 45 });
    expect(await jpegSize(frame.jpeg)).toEqual({ width: 45, height: 80 });
    expect(await readFrameIndex(frame.jpeg)).toBe(37);
  });
});

test('non-square pixels: a 240x180 picture with SAR 4:3 becomes a 320x180 JPG', async () => {
  const { frame, media } = await one({ width: 240, height: 180, sar: '4:3' });
  expect(media).toMatchObject({ width: 320, height: 180 });
  expect(await jpegSize(frame.jpeg)).toEqual({ width: 320, height: 180 });
  expect(await readFrameIndex(frame.jpeg)).toBe(37);
});

function naiveJpeg(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    execFile(ffmpegPath(), ['-v', 'error', '-ss', '1.5', '-i', file, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1'], { encoding: 'buffer' }, (e, out) =>
      e ? reject(e) : resolve(out),
    ),
  );
}

describe('10-bit HDR is tone-mapped to SDR, not washed out', () => {
  test.each(['pq', 'hlg'] as const)('%s', async (tenBitHdr) => {
    const spec: VideoSpec = { tenBitHdr };
    const { frame, media } = await one(spec);
    expect(media.pixelFormat).toBe('yuv420p10le');
    expect(media.colorTransfer).toBe(tenBitHdr === 'pq' ? 'smpte2084' : 'arib-std-b67');
    expect(await readFrameIndex(frame.jpeg)).toBe(37);
    const naive = await naiveJpeg(await makeIndexedVideo(spec));
    const white = await whiteLevel(frame.jpeg);
    // A plain conversion shows the highlights as grey (~190); tone mapping brings them to white.
    expect(white).toBeGreaterThanOrEqual(220);
    expect(white).toBeGreaterThan((await whiteLevel(naive)) + 25);
    // Half the picture is black: the mean stays near half of white, blacks are not lifted.
    expect(await meanLuma(frame.jpeg)).toBeLessThan(white * 0.6);
  });
});

test('the black opening of a video is black, and after it the index is back', async () => {
  const { frame } = await one({ blackOpeningSec: 1 }, { timeMs: 500 });
  expect(await meanLuma(frame.jpeg)).toBeLessThan(8);
  await expect(readFrameIndex(frame.jpeg)).rejects.toThrow(/no frame index/);
  const { frame: later } = await one({ blackOpeningSec: 1 }, { timeMs: 1500 });
  expect(await readFrameIndex(later.jpeg)).toBe(37);
});
