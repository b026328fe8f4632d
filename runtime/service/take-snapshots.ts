/**
 * The work of one job, from the input object to every output written: probe, plan the frames,
 * capture them, write the JPGs, then sprites (straight from the video when no cell picture is
 * kept) and the WebVTT track. Pure orchestration over the
 * ports; every write goes through the OutputWriter so a failure can undo it.
 */
import { Errors, isSnapshotError } from '../core/errors';
import { planFrames } from '../core/frame-plan';
import { expandObjectKey } from '../core/output-names';
import type { MediaInfo, SnapshotRequest } from '../core/model';
import type { FrameCapture, ObjectStorage } from '../core/ports';
import type { OutputWriter } from './output-writer';
import { resolveOutputSize } from '../core/output-size';
import { resolveBackground } from '../core/sprite-layout';
import { planSprites, writeSprites, writeSpriteSheets, type SpriteResult } from './sprite-output';
import { writeWebVtt } from './vtt-output';
import type { VttTarget } from './vtt-output';

export interface SnapshotOutcome {
  readonly count: number;
  readonly tileCount?: number;
  readonly outputKeys: string[];
  readonly timesMs: number[];
  /** The keys of the single images, in capture order (empty when IsKeepCellPic=false). */
  readonly imageKeys: string[];
  readonly media: MediaInfo;
}

export async function takeSnapshots(a: {
  request: SnapshotRequest;
  storage: ObjectStorage;
  capture: FrameCapture;
  writer: OutputWriter;
  random: () => number;
  signal?: AbortSignal;
}): Promise<SnapshotOutcome> {
  const { request, storage, capture, writer, signal } = a;
  const { config, input } = request;

  const source = await storage.resolveInput(input.bucket, input.key).catch((e: unknown) => {
    // Storage names the object; the caller needs to know it is the one their Input names.
    if (isSnapshotError(e) && e.code === 'InvalidParameter.ResourceNotFound') {
      throw Errors.resourceNotFound(`Input ${input.bucket}/${input.rawObject}`);
    }
    throw e;
  });
  signal?.throwIfAborted();
  for (const out of [config.outputFile, config.tileOutputFile]) {
    if (out && !(await storage.bucketExists(out.bucket))) throw Errors.resourceNotFound(`OutputFile bucket ${out.bucket}`);
  }
  const media = await capture.probe(source);
  signal?.throwIfAborted();

  const plan = planFrames(config, media, request.mode);
  const requests = plan.timesMs.map((timeMs) => ({ timeMs }));
  const options = { frameType: config.frameType, width: config.width, height: config.height, blackFilter: plan.blackFilter, signal };
  const keepImages = !config.tileOut || config.tileOut.isKeepCellPic;
  const tile = config.tileOut && config.tileOutputFile ? { config: config.tileOut, target: config.tileOutputFile } : undefined;
  const size = resolveOutputSize(media, config.width, config.height);
  const cell = tile && { width: tile.config.cellWidth ?? size.width, height: tile.config.cellHeight ?? size.height };
  const background = tile && resolveBackground(tile.config.color, a.random);

  // Without cell pictures the engine makes the sheets itself (tiled in its decode pass where it
  // can); with them, the sheets are composed from the pictures written.
  let taken: readonly { requestedMs: number }[];
  let sprites: SpriteResult | undefined;
  const imageKeys: string[] = [];
  if (tile && cell && background && !keepImages) {
    // Refuses a sheet that would be too large before any decoding.
    planSprites({ frameCount: plan.timesMs.length, tile: tile.config, cell, target: tile.target, inputKey: input.key });
    const made = await capture.captureSprites(source, requests, options, {
      columns: tile.config.columns,
      lines: tile.config.lines,
      margin: tile.config.margin,
      padding: tile.config.padding,
      cellWidth: cell.width,
      cellHeight: cell.height,
      background,
      cellSelStep: tile.config.cellSelStep,
    });
    signal?.throwIfAborted();
    if (made.frames.length === 0) throw Errors.resourceContentBad(`InputFile ${input.rawObject}`);
    taken = made.frames;
    const spritePlan = planSprites({ frameCount: taken.length, tile: tile.config, cell, target: tile.target, inputKey: input.key });
    sprites = await writeSpriteSheets({ plan: spritePlan, sheets: made.sheets, target: tile.target, writer, signal });
  } else {
    const frames = await capture.capture(source, requests, options);
    signal?.throwIfAborted();
    if (frames.length === 0) throw Errors.resourceContentBad(`InputFile ${input.rawObject}`);
    taken = frames;
    for (let i = 0; i < frames.length; i++) {
      const key = expandObjectKey(config.outputFile.key, { inputKey: input.key, count: i + 1, snapshotTimeMs: Math.round(frames[i].requestedMs) });
      await writer.put(config.outputFile.bucket, key, frames[i].jpeg, 'image/jpeg');
      imageKeys.push(key);
    }
    if (tile && cell && background) {
      sprites = await writeSprites({ jpegs: frames.map((f) => f.jpeg), cell, background, tile: tile.config, target: tile.target, inputKey: input.key, capture, writer, signal });
    }
  }

  // {SnapshotTime} is the time that was asked for: names stay predictable for the caller and a
  // resumed job rewrites exactly the same keys.
  const timesMs = taken.map((f) => Math.round(f.requestedMs));
  let vttTargets: VttTarget[] = imageKeys.map((key, i) => ({ bucket: config.outputFile.bucket, key, timeMs: timesMs[i] }));
  const tileCount = sprites?.sheetKeys.length;
  if (sprites && tile && (config.subOut?.isSptFrag || !keepImages)) {
    vttTargets = sprites.placements.map((p) => ({
      bucket: tile.target.bucket,
      key: p.key,
      timeMs: timesMs[p.frameIndex],
      region: { x: p.x, y: p.y, width: p.width, height: p.height },
    }));
  }

  if (config.format === 'vtt') {
    if (vttTargets.length === 0) throw Errors.invalidParameter('SnapshotConfig.Format', 'vtt needs images or sprite cells to point at');
    await writeWebVtt({
      outputTemplate: config.outputFile.key,
      inputKey: input.key,
      bucket: config.outputFile.bucket,
      durationMs: media.durationMs,
      targets: vttTargets,
      writer,
      publicUrl: (bucket, key) => storage.publicUrl(bucket, key),
    });
  }

  return { count: taken.length, tileCount, outputKeys: writer.keys(), timesMs, imageKeys, media };
}
