/**
 * One process per capture: MP4/MOV facts from the index (no probe process), dense evenly spaced
 * times picked by ffmpeg in one pass, sprites tiled in that pass. Frames are identified by the
 * index pattern they show, cells by their position in the sheet.
 */
import * as fs from 'fs';
import { createFfmpegCapture } from '../../../runtime/capture';
import { ffmpegStats } from '../../../runtime/capture/ffmpeg-process';
import type { SpriteGrid } from '../../../runtime/core/ports';
import { frameAt, grayGrid, jpegSize, keyFrameIndexes, makeGarbageFile, makeIndexedVideo, readFrameIndex, type VideoSpec } from '../../support/media';

const capture = createFfmpegCapture();
const FPS = 25;
const SPEC: VideoSpec = { durationSec: 8, gop: 20, width: 320, height: 180 };

async function processesFor(fn: () => Promise<unknown>): Promise<number> {
  const before = ffmpegStats.started;
  await fn();
  return ffmpegStats.started - before;
}

async function expectedKeys(timesMs: number[]): Promise<number[]> {
  const keys = await keyFrameIndexes(await makeIndexedVideo(SPEC), FPS);
  return timesMs.map((t) => Math.max(...keys.filter((k) => k <= frameAt(t, FPS))));
}

describe('one process per capture', () => {
  test.each([
    ['MP4 (faststart)', 'mp4'],
    ['MP4 (moov at the end)', 'mp4-moov-at-end'],
    ['MOV', 'mov'],
  ] as const)('%s: probe and one exact frame start one ffmpeg', async (_name, container) => {
    const source = { uri: await makeIndexedVideo({ container, durationSec: 3 }) };
    const c = createFfmpegCapture();
    const n = await processesFor(async () => {
      expect(await c.probe(source)).toMatchObject({ width: 160, height: 90, durationMs: 3000, frameRate: 25, codec: 'h264', rotation: 0 });
      const [frame] = await c.capture(source, [{ timeMs: 1500 }], { frameType: 'normal' });
      expect(await readFrameIndex(frame.jpeg)).toBe(37);
    });
    expect(n).toBe(1);
  });

  test('MKV: the probe is an ffmpeg run, remembered for the capture that follows', async () => {
    const source = { uri: await makeIndexedVideo({ container: 'mkv', durationSec: 3 }) };
    const c = createFfmpegCapture();
    expect(await processesFor(() => c.probe(source))).toBe(1);
    expect(await processesFor(() => c.capture(source, [{ timeMs: 1500 }], { frameType: 'intra' }))).toBe(1);
  });

  test('a pixel aspect only the bitstream carries is taken from the capture run, which is redone once', async () => {
    // A 240x180 SAR 4:3 video whose pasp box is renamed: the index says square pixels, H.264 says 4:3.
    const file = makeGarbageFile('no-pasp.mp4', 16);
    const bytes = fs.readFileSync(await makeIndexedVideo({ width: 240, height: 180, sar: '4:3', durationSec: 2 }));
    const at = bytes.indexOf('pasp', 0, 'latin1');
    expect(at).toBeGreaterThan(0);
    bytes.write('free', at, 'latin1');
    fs.writeFileSync(file, bytes);
    const c = createFfmpegCapture();
    expect(await c.probe({ uri: file })).toMatchObject({ width: 240, height: 180 });
    const [frame] = await c.capture({ uri: file }, [{ timeMs: 1000 }], { frameType: 'intra' });
    expect(await jpegSize(frame.jpeg)).toEqual({ width: 320, height: 180 });
    expect(await readFrameIndex(frame.jpeg)).toBe(25);
    expect(await c.probe({ uri: file })).toMatchObject({ width: 320, height: 180 });
  });
});

describe('dense evenly spaced times: one decode pass', () => {
  test('normal frames from 0: the frame on screen at each time, as per-frame seeks give it', async () => {
    const source = { uri: await makeIndexedVideo(SPEC) };
    const times = Array.from({ length: 20 }, (_, i) => i * 390);
    const frames = times.map((timeMs) => ({ timeMs }));
    let got: Awaited<ReturnType<typeof capture.capture>> = [];
    expect(await processesFor(async () => (got = await capture.capture(source, frames, { frameType: 'normal' })))).toBe(1);
    expect(await Promise.all(got.map((f) => readFrameIndex(f.jpeg)))).toEqual(times.map((t) => frameAt(t, FPS)));
  });

  test('intra frames from mid-video (an input seek): the key frame at or before each time', async () => {
    const source = { uri: await makeIndexedVideo(SPEC) };
    const times = Array.from({ length: 17 }, (_, i) => 1300 + i * 370);
    const got = await capture.captureWith('fps-pass', source, times.map((timeMs) => ({ timeMs })), { frameType: 'intra' });
    expect(await Promise.all(got.map((f) => readFrameIndex(f.jpeg)))).toEqual(await expectedKeys(times));
  });
});

describe('sprites', () => {
  // 22 frames, every 2nd a cell: 11 cells on 3x3 sheets, so 9 + 2 (one row on the second sheet).
  const grid: SpriteGrid = { columns: 3, lines: 3, margin: 5, padding: 3, cellWidth: 96, cellHeight: 54, background: '#ff0000', cellSelStep: 2 };
  const width = 2 * 5 + 3 * 96 + 2 * 3;
  const cellAt = (k: number) => ({ x: 5 + (k % 3) * (96 + 3), y: 5 + Math.floor(k / 3) * (54 + 3), w: 96, h: 54 });

  async function checkSheets(sheets: readonly Buffer[], cellTimes: number[]) {
    expect(sheets).toHaveLength(2);
    expect(await jpegSize(sheets[0])).toEqual({ width, height: 2 * 5 + 3 * 54 + 2 * 3 });
    expect(await jpegSize(sheets[1])).toEqual({ width, height: 2 * 5 + 54 });
    const want = await expectedKeys(cellTimes);
    const seen: number[] = [];
    for (let k = 0; k < cellTimes.length; k++) seen.push(await readFrameIndex(sheets[Math.floor(k / 9)], cellAt(k % 9)));
    expect(seen).toEqual(want);
    // The third cell of the last row is empty: background red, luma ~76 in BT.601.
    const [luma] = await grayGrid(sheets[1], 1, 1, { ...cellAt(2), x: cellAt(2).x + 10, y: cellAt(2).y + 10, w: 76, h: 34 });
    expect(luma).toBeGreaterThan(60);
    expect(luma).toBeLessThan(95);
  }

  test('evenly spaced: tiled in the decode pass, one process, no cell encoded on its own', async () => {
    const source = { uri: await makeIndexedVideo(SPEC) };
    const times = Array.from({ length: 22 }, (_, i) => i * 350);
    let made: Awaited<ReturnType<typeof capture.captureSprites>> | undefined;
    const n = await processesFor(async () => (made = await capture.captureSprites(source, times.map((timeMs) => ({ timeMs })), { frameType: 'intra' }, grid)));
    expect(n).toBe(1);
    expect(made!.frames.map((f) => f.requestedMs)).toEqual(times);
    await checkSheets(made!.sheets, times.filter((_, i) => i % 2 === 0));
  });

  test('irregular times: the same layout from cell pictures composed per sheet', async () => {
    const source = { uri: await makeIndexedVideo(SPEC) };
    const times = Array.from({ length: 22 }, (_, i) => i * 350 + (i % 3) * 40);
    const made = await capture.captureSprites(source, times.map((timeMs) => ({ timeMs })), { frameType: 'intra' }, grid);
    await checkSheets(made.sheets, times.filter((_, i) => i % 2 === 0));
  });
});
