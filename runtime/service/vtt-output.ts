/**
 * The WebVTT thumbnail track (Format=vtt). Cue targets are relative to the VTT file, so the track
 * keeps working wherever the output folder is served from; with SubOut.IsSptFrag they point at
 * a region of a sprite sheet (`sprite.jpg#xywh=x,y,w,h`), which is what players' thumbnail
 * previews read.
 */
import { vttKeyFor } from '../core/output-names';
import { planVttCues, relativeTarget, renderWebVtt, spriteFragment } from '../core/webvtt';
import type { OutputWriter } from './output-writer';

export interface VttTarget {
  readonly timeMs: number;
  readonly bucket: string;
  readonly key: string;
  /** Region of a sprite sheet, when the cue points into one. */
  readonly region?: { x: number; y: number; width: number; height: number };
}

export async function writeWebVtt(a: {
  outputTemplate: string;
  inputKey: string;
  bucket: string;
  durationMs: number;
  targets: readonly VttTarget[];
  writer: OutputWriter;
  /** For targets in another bucket than the VTT (sprites in a separate TileOutputFile bucket). */
  publicUrl: (bucket: string, key: string) => string;
}): Promise<string> {
  const vttKey = vttKeyFor(a.outputTemplate, a.inputKey);
  const urls = a.targets.map((t) => {
    const url = t.bucket === a.bucket ? relativeTarget(vttKey, t.key) : a.publicUrl(t.bucket, t.key);
    return t.region ? spriteFragment(url, t.region) : url;
  });
  const cues = planVttCues(
    a.targets.map((t) => t.timeMs),
    a.durationMs,
    urls,
  );
  await a.writer.put(a.bucket, vttKey, Buffer.from(renderWebVtt(cues), 'utf8'), 'text/vtt; charset=utf-8');
  return vttKey;
}
