/**
 * The WebVTT thumbnail track (Format=vtt). Cue targets are relative to the VTT file, so the track
 * keeps working wherever the output folder is served from; with SubOut.IsSptFrag they point at
 * a region of a sprite sheet (`sprite.jpg#xywh=x,y,w,h`), which is what players' thumbnail
 * previews read.
 */
import * as path from 'node:path';
import { vttKeyFor } from '../core/output-names';
import { planVttCues, renderWebVtt } from '../core/webvtt';
import type { OutputWriter } from './output-writer';

export interface VttTarget {
  readonly timeMs: number;
  readonly key: string;
  /** Region of a sprite sheet, when the cue points into one. */
  readonly region?: { x: number; y: number; width: number; height: number };
}

export function relativeUrl(fromKey: string, toKey: string): string {
  const rel = path.posix.relative(path.posix.dirname(`/${fromKey}`), `/${toKey}`);
  return rel.split('/').map((seg) => (seg === '..' || seg === '.' ? seg : encodeURIComponent(seg))).join('/');
}

export async function writeWebVtt(a: {
  outputTemplate: string;
  inputKey: string;
  bucket: string;
  durationMs: number;
  targets: readonly VttTarget[];
  writer: OutputWriter;
}): Promise<string> {
  const vttKey = vttKeyFor(a.outputTemplate, a.inputKey);
  const urls = a.targets.map((t) => {
    const url = relativeUrl(vttKey, t.key);
    return t.region ? `${url}#xywh=${t.region.x},${t.region.y},${t.region.width},${t.region.height}` : url;
  });
  const cues = planVttCues(
    a.targets.map((t) => t.timeMs),
    a.durationMs,
    urls,
  );
  await a.writer.put(a.bucket, vttKey, Buffer.from(renderWebVtt(cues), 'utf8'), 'text/vtt; charset=utf-8');
  return vttKey;
}
