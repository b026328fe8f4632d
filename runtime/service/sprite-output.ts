/**
 * Sprite sheets (TileOut): pick the cells from the captured frames, lay them out over as many
 * sheets as needed and write each sheet under TileOutputFile (`{TileCount}` numbers them).
 */
import { expandObjectKey } from '../core/output-names';
import { layoutSprites, resolveBackground, selectCells } from '../core/sprite-layout';
import type { SpriteSheetLayout } from '../core/sprite-layout';
import type { OssObjectRef, TileOutConfig } from '../core/model';
import type { CapturedFrame, FrameCapture } from '../core/ports';
import type { OutputWriter } from './output-writer';

export interface SpriteCellPlacement {
  /** Index into the captured frames. */
  readonly frameIndex: number;
  readonly key: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface SpriteResult {
  readonly sheetKeys: string[];
  /** Where each selected frame landed, in capture order (for `#xywh=` WebVTT cues). */
  readonly placements: SpriteCellPlacement[];
}

export async function writeSprites(a: {
  frames: readonly CapturedFrame[];
  tile: TileOutConfig;
  target: OssObjectRef;
  inputKey: string;
  capture: FrameCapture;
  writer: OutputWriter;
  random: () => number;
  signal?: AbortSignal;
}): Promise<SpriteResult> {
  const { frames, tile } = a;
  const selected = selectCells(frames.length, tile.cellSelStep);
  if (selected.length === 0) return { sheetKeys: [], placements: [] };
  const cell = { width: tile.cellWidth ?? frames[0].width, height: tile.cellHeight ?? frames[0].height };
  const sheets: SpriteSheetLayout[] = layoutSprites(selected.length, tile, cell);
  const background = resolveBackground(tile.color, a.random);
  const sheetKeys: string[] = [];
  const placements: SpriteCellPlacement[] = [];
  for (const sheet of sheets) {
    a.signal?.throwIfAborted();
    const key = expandObjectKey(a.target.key, { inputKey: a.inputKey, tileCount: sheet.index });
    const jpeg = await a.capture.composeSprite({
      width: sheet.width,
      height: sheet.height,
      cellWidth: cell.width,
      cellHeight: cell.height,
      background,
      cells: sheet.cells.map((c) => ({ jpeg: frames[selected[c.cellIndex]].jpeg, x: c.x, y: c.y })),
    });
    await a.writer.put(a.target.bucket, key, jpeg, 'image/jpeg');
    sheetKeys.push(key);
    for (const c of sheet.cells) {
      placements.push({ frameIndex: selected[c.cellIndex], key, x: c.x, y: c.y, width: cell.width, height: cell.height });
    }
  }
  placements.sort((p, q) => p.frameIndex - q.frameIndex);
  return { sheetKeys, placements };
}
