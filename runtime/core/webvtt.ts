/**
 * The WebVTT thumbnail track (`Format=vtt`, spec 3.3). Players look up the cue covering the
 * hovered time, so cues are contiguous: each runs from its snapshot's time to the next one's, the
 * last to the end of the video, and the first starts at 0 so the opening seconds have a preview
 * too. Targets are URLs relative to the VTT file (a single image, or `sprite.jpg#xywh=x,y,w,h`
 * for a region of a sprite with `SubOut.IsSptFrag`).
 */
import { Errors } from './errors';

export interface VttCue {
  startMs: number;
  endMs: number;
  target: string;
}

export function planVttCues(timesMs: number[], durationMs: number, targets: string[]): VttCue[] {
  if (timesMs.length !== targets.length) {
    throw Errors.internal(`WebVTT: ${timesMs.length} times but ${targets.length} targets`);
  }
  const order = timesMs.map((t, i) => i).sort((a, b) => timesMs[a] - timesMs[b]);
  const cues: VttCue[] = [];
  for (let k = 0; k < order.length; k++) {
    const startMs = k === 0 ? 0 : timesMs[order[k]];
    const endMs = k + 1 < order.length ? timesMs[order[k + 1]] : Math.max(durationMs, timesMs[order[k]] + 1);
    // Two snapshots at the same time would give an empty cue; the later one wins that moment.
    if (endMs <= startMs) continue;
    cues.push({ startMs, endMs, target: targets[order[k]] });
  }
  return cues;
}

export function renderWebVtt(cues: VttCue[]): string {
  const blocks = cues.map((c) => `${vttTimestamp(c.startMs)} --> ${vttTimestamp(c.endMs)}\n${c.target}`);
  return `WEBVTT\n\n${blocks.map((b) => `${b}\n\n`).join('')}`;
}

/** `hh:mm:ss.mmm`; hours are not limited to two digits. */
export function vttTimestamp(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const milli = total % 1000;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(milli, 3)}`;
}

/** A sprite-region target: `sheet.jpg#xywh=x,y,w,h`. */
export function spriteFragment(target: string, r: { x: number; y: number; width: number; height: number }): string {
  return `${target}#xywh=${r.x},${r.y},${r.width},${r.height}`;
}

/**
 * The URL of `key` relative to the VTT at `vttKey` (both keys in the same bucket), with each
 * segment percent-encoded so spaces and `#` in keys survive as URLs.
 */
export function relativeTarget(vttKey: string, key: string): string {
  const from = vttKey.split('/').slice(0, -1);
  const to = key.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.slice(common).map(() => '..');
  return [...up, ...to.slice(common)].map((seg) => (seg === '..' ? seg : encodeURIComponent(seg))).join('/');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
