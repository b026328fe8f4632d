/**
 * Sprite (TileOut) geometry, spec 3.5.
 *
 * A sheet is `Columns` cells wide and up to `Lines` cells tall, filled row by row. `Margin` is
 * the border around the grid, `Padding` the gap between neighbouring cells (not at the edges):
 *   width  = 2·Margin + Columns·CellWidth + (Columns − 1)·Padding
 *   height = 2·Margin + rows·CellHeight + (rows − 1)·Padding
 * When the cells do not fit one sheet, further sheets follow (`{TileCount}` 00001, 00002, ...).
 * A partly filled last sheet keeps the full width but only the rows it uses [decision]: MPS pads
 * with background to the full grid; trimming saves bytes and keeps every cell position identical,
 * so `#xywh` fragments and index arithmetic work the same on every sheet.
 */
import { Errors } from './errors';
import type { TileOutConfig } from './model';

export { resolveBackground } from './background-color';

export interface SpriteSheetLayout {
  /** 1-based, the `{TileCount}` of the sheet. */
  index: number;
  width: number;
  height: number;
  cells: { cellIndex: number; x: number; y: number }[];
}

/** Largest side ffmpeg's JPEG encoder can write. */
export const MAX_SHEET_SIDE = 65_500;
/** Largest sheet area (16384²): bounds the worker's memory, about 800 MB of RGB. */
export const MAX_SHEET_PIXELS = 16_384 * 16_384;

/** Indices of captured frames that become cells: every `cellSelStep`-th, starting with the first. */
export function selectCells(frameCount: number, cellSelStep: number): number[] {
  const step = Math.max(1, Math.floor(cellSelStep));
  const out: number[] = [];
  for (let i = 0; i < frameCount; i += step) out.push(i);
  return out;
}

export function layoutSprites(cellCount: number, tile: TileOutConfig, cell: { width: number; height: number }): SpriteSheetLayout[] {
  const perSheet = tile.lines * tile.columns;
  const sheets: SpriteSheetLayout[] = [];
  if (cellCount <= 0) return sheets;
  const fullWidth = 2 * tile.margin + tile.columns * cell.width + (tile.columns - 1) * tile.padding;
  const fullRows = Math.min(tile.lines, Math.ceil(cellCount / tile.columns));
  checkSheetSize(fullWidth, sheetHeight(fullRows, tile, cell));
  for (let first = 0; first < cellCount; first += perSheet) {
    const inSheet = Math.min(perSheet, cellCount - first);
    const rows = Math.ceil(inSheet / tile.columns);
    const cells = [];
    for (let k = 0; k < inSheet; k++) {
      const row = Math.floor(k / tile.columns);
      const col = k % tile.columns;
      cells.push({
        cellIndex: first + k,
        x: tile.margin + col * (cell.width + tile.padding),
        y: tile.margin + row * (cell.height + tile.padding),
      });
    }
    sheets.push({ index: sheets.length + 1, width: fullWidth, height: sheetHeight(rows, tile, cell), cells });
  }
  return sheets;
}

/** Smallest cell side a request may ask for (`CellWidth`/`CellHeight` are at least 8 px). */
const MIN_CELL_SIDE = 8;

/**
 * Refuses, before any job exists, a grid that is too large whatever the video: its smallest
 * possible sheet (cells at their given size or the 8 px minimum, one row) already exceeds the
 * limits. Sheets that only become too large with the video's own size fail when the job runs.
 */
export function checkTileGrid(tile: TileOutConfig): void {
  const cell = { width: tile.cellWidth ?? MIN_CELL_SIDE, height: tile.cellHeight ?? MIN_CELL_SIDE };
  checkSheetSize(2 * tile.margin + tile.columns * cell.width + (tile.columns - 1) * tile.padding, sheetHeight(1, tile, cell));
}

function sheetHeight(rows: number, tile: TileOutConfig, cell: { height: number }): number {
  return 2 * tile.margin + rows * cell.height + (rows - 1) * tile.padding;
}

function checkSheetSize(width: number, height: number): void {
  if (width > MAX_SHEET_SIDE || height > MAX_SHEET_SIDE || width * height > MAX_SHEET_PIXELS) {
    throw Errors.outOfRange(
      'SnapshotConfig.TileOut',
      `a sprite of ${width}x${height} px is too large (at most ${MAX_SHEET_SIDE} px a side and ${MAX_SHEET_PIXELS} px in all); lower Lines/Columns or set CellWidth/CellHeight.`,
    );
  }
}
