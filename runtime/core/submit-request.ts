/**
 * SubmitSnapshotJob parameters → a validated SnapshotRequest (spec 3.1 to 3.5).
 *
 * Everything a client can get wrong is caught here, before any job exists, so a bad request is
 * always a 400 naming the parameter, never a failed job. Unknown keys are ignored, as MPS does.
 */
import type { SubmitSnapshotJobParams } from '../service/contract';
import { checkColor } from './background-color';
import { Errors } from './errors';
import {
  type JsonObject,
  isAbsent,
  parseJsonObjectParam,
  readBoolean,
  readInteger,
  readKeyword,
  readObject,
  readString,
  requireString,
} from './json-fields';
import type { JobMode, OssObjectRef, SnapshotConfig, SnapshotRequest, TileOutConfig } from './model';
import { decodeObjectKey } from './object-key';
import { checkTileGrid } from './sprite-layout';
import { OUTPUT_PLACEHOLDERS, TILE_PLACEHOLDERS, hasPlaceholder, placeholdersIn } from './output-names';

export const MAX_USER_DATA_BYTES = 1024;
/** Most points one TimeArray may list. */
export const MAX_TIME_POINTS = 1000;
/** Most snapshots one job may ask for with `Num`. */
export const MAX_NUM = 100_000;
/** Largest `Time` / TimeArray point: 30 days of video, in ms. */
export const MAX_TIME_MS = 30 * 24 * 3600 * 1000;
/** Largest `Interval`: one day, in seconds. */
export const MAX_INTERVAL_SEC = 24 * 3600;
/**
 * Most `Lines` / `Columns` of a sprite: the English MPS documentation's (0, 1000] (the Chinese one
 * says 10000). Every grid up to it is producible: ffmpeg's `tile` lays out at most 1024 a side.
 */
export const MAX_TILE_GRID = 1000;
export const MAX_TILE_SPACING = 4096;

const MAX_INPUT_CHARS = 16 * 1024;
const MAX_CONFIG_CHARS = 64 * 1024;
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const PIPELINE_ID = /^[0-9a-f]{32}$/;

export function parseSubmitRequest(params: SubmitSnapshotJobParams, ctx: { region: string }): SnapshotRequest {
  const location = `oss-${ctx.region}`;
  const inputJson = parseJsonObjectParam('Input', params.Input, MAX_INPUT_CHARS);
  const configJson = parseJsonObjectParam('SnapshotConfig', params.SnapshotConfig, MAX_CONFIG_CHARS);
  const input = parseOssRef('Input', inputJson, location);
  const config = parseSnapshotConfig(configJson, location);
  const pipelineId = parsePipelineId(params.PipelineId);
  const userData = parseUserData(params.UserData);
  const mode = modeOf(config);
  checkOutputNames(config);
  return {
    input,
    config,
    mode,
    ...(pipelineId !== undefined ? { pipelineId } : {}),
    ...(userData !== undefined ? { userData } : {}),
  };
}

/**
 * Async iff `Interval` or `Num` is given (spec 3.3), and also for sprites, WebVTT and time points
 * [GUESS]: MPS documents those as async-only, so they are queued rather than rejected.
 */
export function modeOf(config: SnapshotConfig): JobMode {
  const async =
    config.intervalSec !== undefined ||
    config.num !== undefined ||
    config.tileOut !== undefined ||
    config.format === 'vtt' ||
    config.timeArrayMs !== undefined;
  return async ? 'async' : 'sync';
}

/** Whether the job can write more than one snapshot image (before truncation at the video end). */
export function canProduceManySnapshots(config: SnapshotConfig): boolean {
  if (config.timeArrayMs !== undefined) return new Set(config.timeArrayMs).size > 1;
  if (config.num !== undefined) return config.num > 1;
  return config.intervalSec !== undefined;
}

/** Upper bound of sprite cells the job can produce (Infinity when it runs to the end of the video). */
export function maxSpriteCells(config: SnapshotConfig): number {
  const step = config.tileOut?.cellSelStep ?? 1;
  let frames: number;
  if (config.timeArrayMs !== undefined) frames = new Set(config.timeArrayMs).size;
  else if (config.num !== undefined) frames = config.num;
  else if (config.intervalSec !== undefined) frames = Infinity;
  else frames = 1;
  return Math.ceil(frames / step);
}

function parseOssRef(name: string, obj: JsonObject, location: string): OssObjectRef {
  const bucket = requireString(`${name}.Bucket`, obj.Bucket);
  if (!BUCKET.test(bucket)) throw Errors.bucketNameInvalid(`${name}.Bucket`, bucket);
  const loc = requireString(`${name}.Location`, obj.Location);
  if (loc !== location) throw Errors.locationInvalid(`${name}.Location`, loc, location);
  const rawObject = requireString(`${name}.Object`, obj.Object);
  const key = decodeObjectKey(`${name}.Object`, rawObject);
  const roleArn = readString(`${name}.RoleArn`, obj.RoleArn);
  return { bucket, location: loc, rawObject, key, ...(roleArn ? { roleArn } : {}) };
}

function parsePipelineId(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!PIPELINE_ID.test(raw)) throw Errors.uuidFormatInvalid('PipelineId', raw);
  return raw;
}

function parseUserData(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > MAX_USER_DATA_BYTES) {
    throw Errors.invalidParameter('UserData', `is ${bytes} bytes long (UTF-8), at most ${MAX_USER_DATA_BYTES} are allowed.`);
  }
  return raw;
}

function parseSnapshotConfig(c: JsonObject, location: string): SnapshotConfig {
  const P = 'SnapshotConfig';
  const outputObj = readObject(`${P}.OutputFile`, c.OutputFile);
  if (!outputObj) throw Errors.missingParameter(`${P}.OutputFile`);
  const outputFile = parseOssRef(`${P}.OutputFile`, outputObj, location);

  const timeArrayMs = parseTimeArray(`${P}.TimeArray`, c.TimeArray);
  const time = readInteger(`${P}.Time`, c.Time, { min: 0, max: MAX_TIME_MS, unit: 'ms' });
  // With TimeArray the points say when to capture; Time is then optional and unused [GUESS].
  if (time === undefined && timeArrayMs === undefined) throw Errors.missingParameter(`${P}.Time`);
  const intervalSec = readInteger(`${P}.Interval`, c.Interval, { min: 0, max: MAX_INTERVAL_SEC, unit: 's' });
  const num = readInteger(`${P}.Num`, c.Num, { min: 1, max: MAX_NUM });
  const width = readInteger(`${P}.Width`, c.Width, { min: 8, max: 4096, unit: 'px' });
  const height = readInteger(`${P}.Height`, c.Height, { min: 8, max: 4096, unit: 'px' });
  const frameType = readKeyword(`${P}.FrameType`, c.FrameType, ['intra', 'normal'] as const) ?? 'intra';
  const blackLevel = readInteger(`${P}.BlackLevel`, c.BlackLevel, { min: 30, max: 100, unit: '%' });
  const pixelBlackThreshold = readInteger(`${P}.PixelBlackThreshold`, c.PixelBlackThreshold, { min: 0, max: 255 });
  const format = readKeyword(`${P}.Format`, c.Format, ['vtt'] as const);
  const subOutObj = readObject(`${P}.SubOut`, c.SubOut);
  const subOut = subOutObj ? { isSptFrag: readBoolean(`${P}.SubOut.IsSptFrag`, subOutObj.IsSptFrag) ?? false } : undefined;
  const tileOutObj = readObject(`${P}.TileOut`, c.TileOut);
  const tileOut = tileOutObj ? parseTileOut(`${P}.TileOut`, tileOutObj) : undefined;
  if (tileOut) checkTileGrid(tileOut);
  let tileOutputFile: OssObjectRef | undefined;
  if (tileOut) {
    // Without TileOut the TileOutputFile is ignored, like any key MPS does not use.
    const tileObj = readObject(`${P}.TileOutputFile`, c.TileOutputFile);
    if (!tileObj) throw Errors.missingParameter(`${P}.TileOutputFile`);
    tileOutputFile = parseOssRef(`${P}.TileOutputFile`, tileObj, location);
  }

  if (timeArrayMs !== undefined && (intervalSec !== undefined || num !== undefined)) {
    throw Errors.invalidParameter(`${P}.TimeArray`, 'cannot be combined with Interval or Num; list every time point instead.');
  }
  if (intervalSec === 0 && num === undefined) {
    throw Errors.invalidParameter(
      `${P}.Num`,
      'is required when Interval is 0 (average mode spreads Num snapshots evenly over the video).',
    );
  }
  if (subOut?.isSptFrag && !tileOut) {
    throw Errors.invalidParameter(`${P}.SubOut.IsSptFrag`, 'is true, so the WebVTT cues point into sprites, but no TileOut is given.');
  }
  if (format === 'vtt' && !subOut?.isSptFrag && tileOut && !tileOut.isKeepCellPic) {
    throw Errors.invalidParameter(
      `${P}.TileOut.IsKeepCellPic`,
      'must be true when Format is "vtt" without SubOut.IsSptFrag: the WebVTT cues point at the single snapshots.',
    );
  }

  return {
    outputFile,
    timeMs: time ?? 0,
    frameType,
    ...(intervalSec !== undefined ? { intervalSec } : {}),
    ...(num !== undefined ? { num } : {}),
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(blackLevel !== undefined ? { blackLevel } : {}),
    ...(pixelBlackThreshold !== undefined ? { pixelBlackThreshold } : {}),
    ...(format !== undefined ? { format } : {}),
    ...(subOut !== undefined ? { subOut } : {}),
    ...(tileOut !== undefined ? { tileOut } : {}),
    ...(tileOutputFile !== undefined ? { tileOutputFile } : {}),
    ...(timeArrayMs !== undefined ? { timeArrayMs } : {}),
  };
}

function parseTileOut(P: string, t: JsonObject): TileOutConfig {
  const lines = readInteger(`${P}.Lines`, t.Lines, { min: 1, max: MAX_TILE_GRID }) ?? 10;
  const columns = readInteger(`${P}.Columns`, t.Columns, { min: 1, max: MAX_TILE_GRID }) ?? 10;
  const cellWidth = readInteger(`${P}.CellWidth`, t.CellWidth, { min: 8, max: 4096, unit: 'px' });
  const cellHeight = readInteger(`${P}.CellHeight`, t.CellHeight, { min: 8, max: 4096, unit: 'px' });
  const padding = readInteger(`${P}.Padding`, t.Padding, { min: 0, max: MAX_TILE_SPACING, unit: 'px' }) ?? 0;
  const margin = readInteger(`${P}.Margin`, t.Margin, { min: 0, max: MAX_TILE_SPACING, unit: 'px' }) ?? 0;
  const colorRaw = readString(`${P}.Color`, t.Color);
  const color = colorRaw === undefined || colorRaw.trim() === '' ? 'black' : colorRaw;
  checkColor(`${P}.Color`, color);
  const isKeepCellPic = readBoolean(`${P}.IsKeepCellPic`, t.IsKeepCellPic) ?? true;
  const cellSelStep = readInteger(`${P}.CellSelStep`, t.CellSelStep, { min: 1, max: MAX_NUM }) ?? 1;
  return {
    lines,
    columns,
    ...(cellWidth !== undefined ? { cellWidth } : {}),
    ...(cellHeight !== undefined ? { cellHeight } : {}),
    padding,
    margin,
    color,
    isKeepCellPic,
    cellSelStep,
  };
}

/**
 * `TimeArray` [GUESS, spec section 0]: a JSON array of milliseconds. Also accepted: the array as a
 * JSON string, and the `{"TimePointList":[...]}` shape the API echoes, so a job's echoed config can
 * be submitted again.
 */
function parseTimeArray(name: string, v: unknown): number[] | undefined {
  if (isAbsent(v)) return undefined;
  let list: unknown = v;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      list = undefined;
    }
  }
  if (typeof list === 'object' && list !== null && !Array.isArray(list) && 'TimePointList' in list) {
    list = (list as JsonObject).TimePointList;
  }
  if (!Array.isArray(list)) {
    throw Errors.invalidParameter(name, 'must be a JSON array of times in milliseconds, e.g. [1000,5000,9000].');
  }
  if (list.length === 0) throw Errors.emptyValue(name);
  if (list.length > MAX_TIME_POINTS) {
    throw Errors.outOfRange(name, `lists ${list.length} time points, at most ${MAX_TIME_POINTS} are allowed.`);
  }
  return list.map((el, i) => {
    const n = readInteger(`${name}[${i}]`, el, { min: 0, max: MAX_TIME_MS, unit: 'ms' });
    if (n === undefined) throw Errors.nullValue(`${name}[${i}]`);
    return n;
  });
}

function checkOutputNames(config: SnapshotConfig): void {
  const outName = 'SnapshotConfig.OutputFile.Object';
  checkPlaceholders(outName, config.outputFile.key, OUTPUT_PLACEHOLDERS);
  const cellPicsWritten = !config.tileOut || config.tileOut.isKeepCellPic;
  if (cellPicsWritten && canProduceManySnapshots(config) && !hasPlaceholder(config.outputFile.key, 'Count')) {
    throw Errors.invalidParameter(
      outName,
      `"${config.outputFile.rawObject}" must contain {Count} (or %7BCount%7D) because this job can write more than one snapshot, e.g. "{ObjectPrefix}{FileName}{Count}.jpg".`,
    );
  }
  if (config.tileOut && config.tileOutputFile) {
    const tileName = 'SnapshotConfig.TileOutputFile.Object';
    checkPlaceholders(tileName, config.tileOutputFile.key, TILE_PLACEHOLDERS);
    const perSheet = config.tileOut.lines * config.tileOut.columns;
    if (maxSpriteCells(config) > perSheet && !hasPlaceholder(config.tileOutputFile.key, 'TileCount')) {
      throw Errors.invalidParameter(
        tileName,
        `"${config.tileOutputFile.rawObject}" must contain {TileCount} (or %7BTileCount%7D) because the cells may not fit one ${config.tileOut.lines}x${config.tileOut.columns} sprite, e.g. "{ObjectPrefix}{FileName}-sprite{TileCount}.jpg".`,
      );
    }
  }
}

function checkPlaceholders(name: string, template: string, allowed: readonly string[]): void {
  for (const p of placeholdersIn(template)) {
    if (!allowed.includes(p)) {
      throw Errors.invalidParameter(
        name,
        `{${p}} is not a placeholder this field supports; use ${allowed.map((a) => `{${a}}`).join(', ')}.`,
      );
    }
  }
}
