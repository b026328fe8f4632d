/**
 * The work of one job, from the input object to every output written: probe, plan the frames,
 * capture them, write the JPGs, then sprites and the WebVTT track. Pure orchestration over the
 * ports; every write goes through the OutputWriter so a failure can undo it.
 */
import { Errors, isSnapshotError } from '../core/errors';
import { planFrames } from '../core/frame-plan';
import { expandObjectKey } from '../core/output-names';
import type { MediaInfo, SnapshotRequest } from '../core/model';
import type { FrameCapture, ObjectStorage } from '../core/ports';
import type { OutputWriter } from './output-writer';
import { writeSprites } from './sprite-output';
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
  const frames = await capture.capture(
    source,
    plan.timesMs.map((timeMs) => ({ timeMs })),
    { frameType: config.frameType, width: config.width, height: config.height, blackFilter: plan.blackFilter, signal },
  );
  signal?.throwIfAborted();
  if (frames.length === 0) throw Errors.resourceContentBad(`InputFile ${input.rawObject}`);

  // {SnapshotTime} is the time that was asked for: names stay predictable for the caller and a
  // resumed job rewrites exactly the same keys.
  const timesMs = frames.map((f) => Math.round(f.requestedMs));
  const keepImages = !config.tileOut || config.tileOut.isKeepCellPic;
  const imageKeys: string[] = [];
  if (keepImages) {
    for (let i = 0; i < frames.length; i++) {
      const key = expandObjectKey(config.outputFile.key, { inputKey: input.key, count: i + 1, snapshotTimeMs: timesMs[i] });
      await writer.put(config.outputFile.bucket, key, frames[i].jpeg, 'image/jpeg');
      imageKeys.push(key);
    }
  }

  let tileCount: number | undefined;
  let vttTargets: VttTarget[] = imageKeys.map((key, i) => ({ bucket: config.outputFile.bucket, key, timeMs: timesMs[i] }));
  if (config.tileOut && config.tileOutputFile) {
    const sprites = await writeSprites({
      frames,
      tile: config.tileOut,
      target: config.tileOutputFile,
      inputKey: input.key,
      capture,
      writer,
      random: a.random,
      signal,
    });
    tileCount = sprites.sheetKeys.length;
    if (config.subOut?.isSptFrag || !keepImages) {
      const spriteBucket = config.tileOutputFile.bucket;
      vttTargets = sprites.placements.map((p) => ({
        bucket: spriteBucket,
        key: p.key,
        timeMs: timesMs[p.frameIndex],
        region: { x: p.x, y: p.y, width: p.width, height: p.height },
      }));
    }
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

  return { count: frames.length, tileCount, outputKeys: writer.keys(), timesMs, imageKeys, media };
}
