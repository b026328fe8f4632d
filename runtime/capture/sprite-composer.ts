/**
 * One sprite sheet from cell JPGs in one ffmpeg pass, without intermediate files: the cells go to
 * ffmpeg's stdin back to back (`image2pipe`), are scaled to the cell size and laid out by
 * ffmpeg's `tile` filter, which places cells row by row with `margin` around the grid and
 * `padding` between cells, and fills empty cells with the background colour: the MPS layout
 * (core/sprite-layout.ts). The filter graph has the same few hundred characters for 1 cell or
 * 100,000 (a graph with one overlay per cell passed Linux's 128 KiB argument limit at ~1,180).
 *
 * Used when the cell pictures exist anyway (IsKeepCellPic) or the times are not evenly spaced;
 * otherwise the decode pass tiles directly (strategies/tile-pass.ts).
 */
import { Readable } from 'stream';
import { describeValue } from '../core/describe-value';
import { Errors } from '../core/errors';
import type { SpriteSheetSpec } from '../core/ports';
import { runFfmpeg } from './ffmpeg-process';
import { splitJpegs } from './jpeg-stream';
import { jpegOutputOptions } from './picture-filters';
import type { ProcessPool } from './process-pool';

/** ffmpeg colour syntax: a keyword or 0xRRGGBB; `#rrggbb` is accepted and converted. */
export function ffmpegColour(c: string): string {
  const hex = /^#?([0-9a-fA-F]{6})$/.exec(c.trim());
  if (hex && (c.startsWith('#') || /^[0-9a-fA-F]{6}$/.test(c.trim()))) return `0x${hex[1]}`;
  if (/^0x[0-9a-fA-F]{6}$/.test(c.trim())) return c.trim();
  if (/^[a-zA-Z]+$/.test(c.trim())) return c.trim().toLowerCase();
  throw Errors.invalidParameter('SnapshotConfig.TileOut.Color', `${describeValue(c)} is not a colour (a name such as black, or #rrggbb).`);
}

/**
 * The `tile` filter for a grid, after cells of the final size. Cells are converted to 4:4:4
 * first so that odd margins and paddings place chroma exactly; the encoder subsamples once.
 */
export function tileFilters(g: { columns: number; rows: number; cells: number; margin: number; padding: number; background: string }): string[] {
  return ['format=yuv444p', `tile=layout=${g.columns}x${g.rows}:nb_frames=${g.cells}:margin=${g.margin}:padding=${g.padding}:color=${ffmpegColour(g.background)}`];
}

/** Largest side of a `tile` layout (ffmpeg refuses more than 1024 cells a side). */
export const MAX_TILE_LAYOUT = 1024;

export async function composeSprite(sheet: SpriteSheetSpec, pool: ProcessPool, signal?: AbortSignal): Promise<Buffer> {
  const { cellWidth, cellHeight, cells } = sheet;
  const colour = ffmpegColour(sheet.background);
  const rows = Math.max(1, Math.ceil(cells.length / sheet.columns));
  if (sheet.columns > MAX_TILE_LAYOUT || rows > MAX_TILE_LAYOUT) {
    throw Errors.internal(`a sprite of ${sheet.columns}x${rows} cells exceeds ffmpeg's tile limit of ${MAX_TILE_LAYOUT} a side`);
  }
  let input: { source: string | Readable; options: string[] };
  let filters: string[];
  if (cells.length > 0) {
    input = { source: Readable.from([Buffer.concat(cells)]), options: ['-f', 'image2pipe', '-c:v', 'mjpeg', '-framerate', '25'] };
    filters = [`scale=${cellWidth}:${cellHeight}:flags=bicubic`, 'setsar=1', ...tileFilters({ columns: sheet.columns, rows, cells: cells.length, margin: sheet.margin, padding: sheet.padding, background: colour })];
  } else {
    // No cell: the sheet is the background alone.
    const width = 2 * sheet.margin + sheet.columns * cellWidth + (sheet.columns - 1) * sheet.padding;
    const height = 2 * sheet.margin + cellHeight;
    input = { source: `color=c=${colour}:s=${width}x${height}:r=1:d=1`, options: ['-f', 'lavfi'] };
    filters = ['null'];
  }
  const { stdout } = await pool.run(
    () =>
      runFfmpeg({
        inputs: [input],
        outputOptions: ['-vf', filters.join(','), '-frames:v', '1', ...jpegOutputOptions()],
        signal,
        what: 'sprite cells',
      }),
    signal,
  );
  const [jpeg] = splitJpegs(stdout);
  if (!jpeg) throw Errors.internal('ffmpeg produced no sprite image');
  return jpeg;
}
