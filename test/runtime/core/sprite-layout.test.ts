import { snapshotErrorOf } from '../../support/errors';
import type { TileOutConfig } from '../../../runtime/core/model';
import { layoutSprites, resolveBackground, selectCells } from '../../../runtime/core/sprite-layout';

const tile = (t: Partial<TileOutConfig>): TileOutConfig => ({
  lines: 10, columns: 10, padding: 0, margin: 0, color: 'black', isKeepCellPic: true, cellSelStep: 1, ...t,
});

describe('selectCells: CellSelStep picks every n-th captured frame', () => {
  test.each<[number, number, number[]]>([
    [5, 1, [0, 1, 2, 3, 4]],
    [7, 3, [0, 3, 6]],
    [6, 3, [0, 3]],
    [2, 5, [0]],
    [0, 1, []],
  ])('%i frames, step %i', (frames, step, cells) => {
    expect(selectCells(frames, step)).toEqual(cells);
  });
});

describe('layoutSprites: sheet geometry (spec 3.5)', () => {
  test('a full 2x3 grid with Margin as the outer border and Padding between cells', () => {
    const [sheet, ...rest] = layoutSprites(6, tile({ lines: 2, columns: 3, padding: 4, margin: 10 }), { width: 100, height: 50 });
    expect(rest).toEqual([]);
    // 10 + 100 + 4 + 100 + 4 + 100 + 10
    expect(sheet.width).toBe(328);
    // 10 + 50 + 4 + 50 + 10
    expect(sheet.height).toBe(124);
    expect(sheet.index).toBe(1);
    expect(sheet.cells).toEqual([
      { cellIndex: 0, x: 10, y: 10 },
      { cellIndex: 1, x: 114, y: 10 },
      { cellIndex: 2, x: 218, y: 10 },
      { cellIndex: 3, x: 10, y: 64 },
      { cellIndex: 4, x: 114, y: 64 },
      { cellIndex: 5, x: 218, y: 64 },
    ]);
  });

  test('cells that do not fit one sheet continue on the next, numbered from 1', () => {
    const sheets = layoutSprites(9, tile({ lines: 2, columns: 2 }), { width: 40, height: 30 });
    expect(sheets.map((s) => s.index)).toEqual([1, 2, 3]);
    expect(sheets.map((s) => s.cells.map((c) => c.cellIndex))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8]]);
  });

  test('a partly filled last sheet keeps the full width but only the rows it uses', () => {
    const sheets = layoutSprites(7, tile({ lines: 2, columns: 3, padding: 2, margin: 1 }), { width: 10, height: 10 });
    expect(sheets).toHaveLength(2);
    expect(sheets[0]).toMatchObject({ width: 36, height: 24 });
    expect(sheets[1]).toMatchObject({ width: 36, height: 12 });
    expect(sheets[1].cells).toEqual([{ cellIndex: 6, x: 1, y: 1 }]);
  });

  test('cell positions are the same on every sheet', () => {
    const sheets = layoutSprites(8, tile({ lines: 2, columns: 2, padding: 3, margin: 2 }), { width: 20, height: 10 });
    expect(sheets[0].cells.map(({ x, y }) => [x, y])).toEqual(sheets[1].cells.map(({ x, y }) => [x, y]));
  });

  test('no cells, no sheets', () => {
    expect(layoutSprites(0, tile({}), { width: 10, height: 10 })).toEqual([]);
  });

  test('a sheet too large to encode is refused naming TileOut', () => {
    const err = snapshotErrorOf(() => layoutSprites(100, tile({ lines: 10, columns: 10 }), { width: 3840, height: 2160 }));
    expect(err.code).toBe('InvalidParameter.OutOfRange');
    expect(err.message).toContain('SnapshotConfig.TileOut');
  });

  test('a 10x10 sheet of 1080p cells is still allowed', () => {
    expect(layoutSprites(100, tile({}), { width: 1920, height: 1080 })[0]).toMatchObject({ width: 19200, height: 10800 });
  });
});

describe('resolveBackground: TileOut.Color to an ffmpeg colour', () => {
  const never = () => {
    throw new Error('random must not be drawn');
  };
  test.each([
    ['black', '0x000000'],
    ['Black', '0x000000'],
    ['#000000', '0x000000'],
    ['#FF8000', '0xff8000'],
    ['white', '0xffffff'],
    ['red', '0xff0000'],
  ])('%s → %s', (color, ffmpeg) => {
    expect(resolveBackground(color, never)).toBe(ffmpeg);
  });

  test('random draws from the source it is given', () => {
    expect(resolveBackground('random', () => 0)).toBe('0x000000');
    expect(resolveBackground('random', () => 0.5)).toBe('0x800000');
    expect(resolveBackground('Random', () => 0.9999999999)).toBe('0xffffff');
  });
});
