/**
 * One sprite sheet in one ffmpeg pass, without intermediate files: the cell JPGs go to ffmpeg's
 * stdin back to back (`image2pipe`), each is picked out of that stream, scaled to the cell size
 * and laid over a canvas of the background colour at its position.
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

export async function composeSprite(sheet: SpriteSheetSpec, pool: ProcessPool, signal?: AbortSignal): Promise<Buffer> {
  const { width, height, cellWidth, cellHeight } = sheet;
  const colour = ffmpegColour(sheet.background);
  const canvas = `color=c=${colour}:s=${width}x${height}:r=1:d=1`;
  const cells = sheet.cells;
  const graph: string[] = [];
  let last = '[0:v]';
  if (cells.length > 0) {
    const names = cells.map((_, i) => `[c${i}]`);
    graph.push(`[1:v]scale=${cellWidth}:${cellHeight}:flags=bicubic,setsar=1,format=yuv420p${cells.length > 1 ? `,split=${cells.length}${names.join('')}` : names[0]}`);
    cells.forEach((cell, i) => {
      graph.push(`${names[i]}select=eq(n\\,${i}),setpts=0[p${i}]`);
      const out = i === cells.length - 1 ? '[out]' : `[o${i}]`;
      graph.push(`${last}[p${i}]overlay=x=${cell.x}:y=${cell.y}:eof_action=pass:repeatlast=0${out}`);
      last = out;
    });
  } else {
    graph.push('[0:v]null[out]');
  }
  const inputs: { source: string | Readable; options: string[] }[] = [{ source: canvas, options: ['-f', 'lavfi'] }];
  if (cells.length > 0) inputs.push({ source: Readable.from([Buffer.concat(cells.map((c) => c.jpeg))]), options: ['-f', 'image2pipe', '-c:v', 'mjpeg', '-framerate', '1'] });
  const { stdout } = await pool.run(
    () =>
      runFfmpeg({
        inputs,
        outputOptions: ['-filter_complex', graph.join(';'), '-map', '[out]', '-frames:v', '1', ...jpegOutputOptions()],
        signal,
        what: 'sprite cells',
      }),
    signal,
  );
  const [jpeg] = splitJpegs(stdout);
  if (!jpeg) throw Errors.internal('ffmpeg produced no sprite image');
  return jpeg;
}
