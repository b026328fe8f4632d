import { createFfmpegCapture } from '../../../runtime/capture';
import { jpegSize, makeIndexedVideo, grayGrid, readFrameIndex } from '../../support/media';

const capture = createFfmpegCapture();

describe('black-frame filter for the first snapshot', () => {
  const filter = { blackLevel: 100, pixelBlackThreshold: 30, searchWindowMs: 5000 };

  test('skips an all-black opening: the first snapshot is the first frame with a picture', async () => {
    const source = { uri: await makeIndexedVideo({ blackOpeningSec: 1.2, durationSec: 6 }) };
    const frames = await capture.capture(source, [{ timeMs: 0 }, { timeMs: 3000 }], { frameType: 'intra', blackFilter: filter });
    expect(frames).toHaveLength(2);
    expect(frames[0].requestedMs).toBe(0);
    expect(await readFrameIndex(frames[0].jpeg)).toBe(30);
    expect(frames[0].actualMs).toBe(1200);
    expect(await readFrameIndex(frames[1].jpeg)).toBe(75);
  });

  test('without the filter the first snapshot is black', async () => {
    const source = { uri: await makeIndexedVideo({ blackOpeningSec: 1.2, durationSec: 6 }) };
    const [first] = await capture.capture(source, [{ timeMs: 0 }], { frameType: 'intra' });
    await expect(readFrameIndex(first.jpeg)).rejects.toThrow(/no frame index/);
  });

  test('falls back to the first frame when the whole window is black', async () => {
    const source = { uri: await makeIndexedVideo({ blackOpeningSec: 3, durationSec: 5 }) };
    const [first] = await capture.capture(source, [{ timeMs: 0 }, { timeMs: 4000 }], {
      frameType: 'normal',
      blackFilter: { ...filter, searchWindowMs: 2000 },
    });
    expect(first.actualMs).toBe(0);
    await expect(readFrameIndex(first.jpeg)).rejects.toThrow(/no frame index/);
  });

  test('BlackLevel is the black share (percent) from which a frame is skipped', async () => {
    // Indexed frames are exactly half black (bits and inverted bits) after a black opening.
    const source = { uri: await makeIndexedVideo({ blackOpeningSec: 1.2, durationSec: 6 }) };
    const take = (blackLevel: number) =>
      capture.capture(source, [{ timeMs: 0 }, { timeMs: 4000 }], { frameType: 'normal', blackFilter: { blackLevel, pixelBlackThreshold: 30, searchWindowMs: 5000 } });
    const [at60] = await take(60);
    expect(await readFrameIndex(at60.jpeg)).toBe(30);
    // At 40 every frame counts as black: fall back to the first frame.
    const [at40] = await take(40);
    expect(at40.actualMs).toBe(0);
    await expect(readFrameIndex(at40.jpeg)).rejects.toThrow(/no frame index/);
  });
});

describe('sprites', () => {
  test('cells land where the sheet says, on the background colour, in one pass', async () => {
    const source = { uri: await makeIndexedVideo({ width: 320, height: 180, durationSec: 6 }) };
    const times = [0, 1000, 2000, 3000, 4000];
    const frames = await capture.capture(source, times.map((timeMs) => ({ timeMs })), { frameType: 'intra', width: 96, height: 54 });
    // 3 columns x 2 lines, padding 4, margin 6; the last line is partly filled.
    const cw = 96, ch = 54, pad = 4, margin = 6;
    const cells = frames.map((f, i) => ({ jpeg: f.jpeg, x: margin + (i % 3) * (cw + pad), y: margin + Math.floor(i / 3) * (ch + pad) }));
    const width = 2 * margin + 3 * cw + 2 * pad;
    const height = 2 * margin + 2 * ch + pad;
    const sheet = await capture.composeSprite({ columns: 3, margin, padding: pad, cellWidth: cw, cellHeight: ch, background: '#ff0000', cells: frames.map((f) => f.jpeg) });
    expect(await jpegSize(sheet)).toEqual({ width, height });
    for (const [i, c] of cells.entries()) {
      expect(await readFrameIndex(sheet, { x: c.x, y: c.y, w: cw, h: ch })).toBe(i * 25);
    }
    // The empty sixth cell shows the background: red has luma ~76 in BT.601.
    const [emptyLuma] = await grayGrid(sheet, 1, 1, { x: margin + 2 * (cw + pad) + 10, y: margin + ch + pad + 10, w: cw - 20, h: ch - 20 });
    expect(emptyLuma).toBeGreaterThan(60);
    expect(emptyLuma).toBeLessThan(95);
  });

  test('cells of another size are scaled to the cell size', async () => {
    const source = { uri: await makeIndexedVideo({ width: 320, height: 180 }) };
    const frames = await capture.capture(source, [{ timeMs: 2000 }], { frameType: 'normal' });
    const sheet = await capture.composeSprite({
      columns: 1, margin: 10, padding: 0, cellWidth: 80, cellHeight: 45, background: 'black',
      cells: [frames[0].jpeg],
    });
    expect(await jpegSize(sheet)).toEqual({ width: 100, height: 65 });
    expect(await readFrameIndex(sheet, { x: 10, y: 10, w: 80, h: 45 })).toBe(50);
  });

  test('a colour that is not one is an InvalidParameter error naming TileOut.Color', async () => {
    await expect(
      capture.composeSprite({ columns: 2, margin: 0, padding: 0, cellWidth: 8, cellHeight: 8, background: 'no colour!', cells: [] }),
    ).rejects.toMatchObject({ code: 'InvalidParameter', message: expect.stringContaining('TileOut.Color') });
  });
});
