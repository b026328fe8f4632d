/**
 * Sprite sheets (TileOut): pick the cells from the frames taken, lay them out over as many sheets
 * as needed and write each sheet under TileOutputFile (`{TileCount}` numbers them).
 *
 * Two ways to the pictures: from the cell pictures that were written anyway (IsKeepCellPic, one
 * composition per sheet), or straight from the video (IsKeepCellPic=false: the capture engine
 * tiles in its decode pass where it can, FrameCapture.captureSprites). The layout, keys and
 * placements are the same either way.
 */
import { Errors } from '../core/errors';
import { expandObjectKey } from '../core/output-names';
import { layoutSprites, selectCells } from '../core/sprite-layout';
import type { OssObjectRef, TileOutConfig } from '../core/model';
import type { FrameCapture } from '../core/ports';
import type { OutputWriter } from './output-writer';

export interface SpriteCellPlacement {
  /** Index into the frames taken. */
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

interface SpritePlan extends SpriteResult {
  /** Per sheet, the frame indices of its cells in order. */
  readonly sheetFrames: number[][];
}

/**
 * Keys, cells and placements for `frameCount` frames. Throws InvalidParameter.OutOfRange before
 * any work when a sheet would be too large.
 */
export function planSprites(a: { frameCount: number; tile: TileOutConfig; cell: { width: number; height: number }; target: OssObjectRef; inputKey: string }): SpritePlan {
  const selected = selectCells(a.frameCount, a.tile.cellSelStep);
  if (selected.length === 0) return { sheetKeys: [], placements: [], sheetFrames: [] };
  const sheetKeys: string[] = [];
  const placements: SpriteCellPlacement[] = [];
  const sheetFrames: number[][] = [];
  for (const sheet of layoutSprites(selected.length, a.tile, a.cell)) {
    const key = expandObjectKey(a.target.key, { inputKey: a.inputKey, tileCount: sheet.index });
    sheetKeys.push(key);
    sheetFrames.push(sheet.cells.map((c) => selected[c.cellIndex]));
    for (const c of sheet.cells) {
      placements.push({ frameIndex: selected[c.cellIndex], key, x: c.x, y: c.y, width: a.cell.width, height: a.cell.height });
    }
  }
  return { sheetKeys, placements, sheetFrames };
}

/** Writes sheets that the capture engine already made, under the plan's keys. */
export async function writeSpriteSheets(a: { plan: SpritePlan; sheets: readonly Buffer[]; target: OssObjectRef; writer: OutputWriter; signal?: AbortSignal }): Promise<SpriteResult> {
  if (a.sheets.length !== a.plan.sheetKeys.length) {
    throw Errors.internal(`the capture made ${a.sheets.length} sprite sheets where ${a.plan.sheetKeys.length} were laid out`);
  }
  for (const [i, key] of a.plan.sheetKeys.entries()) {
    a.signal?.throwIfAborted();
    await a.writer.put(a.target.bucket, key, a.sheets[i], 'image/jpeg');
  }
  return { sheetKeys: a.plan.sheetKeys, placements: a.plan.placements };
}

/** Composes each sheet from the cell pictures and writes it. */
export async function writeSprites(a: {
  jpegs: readonly Buffer[];
  cell: { width: number; height: number };
  background: string;
  tile: TileOutConfig;
  target: OssObjectRef;
  inputKey: string;
  capture: FrameCapture;
  writer: OutputWriter;
  signal?: AbortSignal;
}): Promise<SpriteResult> {
  const plan = planSprites({ frameCount: a.jpegs.length, tile: a.tile, cell: a.cell, target: a.target, inputKey: a.inputKey });
  for (const [i, key] of plan.sheetKeys.entries()) {
    a.signal?.throwIfAborted();
    const jpeg = await a.capture.composeSprite({
      columns: a.tile.columns,
      margin: a.tile.margin,
      padding: a.tile.padding,
      cellWidth: a.cell.width,
      cellHeight: a.cell.height,
      background: a.background,
      cells: plan.sheetFrames[i].map((f) => a.jpegs[f]),
    });
    await a.writer.put(a.target.bucket, key, jpeg, 'image/jpeg');
  }
  return { sheetKeys: plan.sheetKeys, placements: plan.placements };
}
