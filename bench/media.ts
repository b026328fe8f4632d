/**
 * The videos the bench runs on, generated once with the bench's ffmpeg and cached in
 * bench/.cache (gitignored). Names carry a hash of the recipe, so changing a recipe regenerates.
 *
 * Encoding choices, and why: x264 `superfast` keeps CABAC and the deblocking filter (what real
 * files have, and what makes decoding cost what it costs) while generating a 10-minute 1080p file
 * in about 90 s on 2 cores; `ultrafast` would be faster to make but drops both and makes every
 * full-decode baseline unrealistically cheap. testsrc2 is moving, textured content, so P frames
 * are not empty. Fixed GOP 250 (no scene-cut key frames) as issue 5 asks, 25 fps, 4 Mbit/s,
 * plus a 64 kbit/s AAC track so byte-range reads have interleaved audio to skip, as in real files.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ffmpeg } from './ffmpeg';

export interface VideoRecipe {
  key: string;
  label: string;
  width: number;
  height: number;
  fps: number;
  durationSec: number;
  gop: number;
  videoKbps: number;
  faststart: boolean;
}

export interface Video extends VideoRecipe {
  file: string;
  sizeBytes: number;
  /** Time spent generating it in this run; 0 when it came from the cache. */
  generatedMs: number;
}

export interface MediaSet {
  long: Video;
  longMoovEnd: Video;
  uhd: Video;
}

export const CACHE_DIR = path.join(__dirname, '.cache');

export function recipes(quick: boolean): { long: VideoRecipe; longMoovEnd: VideoRecipe; uhd: VideoRecipe } {
  const long: VideoRecipe = quick
    ? { key: 'long', label: '360p 60 s (quick)', width: 640, height: 360, fps: 25, durationSec: 60, gop: 250, videoKbps: 800, faststart: true }
    : { key: 'long', label: '1080p 10 min', width: 1920, height: 1080, fps: 25, durationSec: 600, gop: 250, videoKbps: 4000, faststart: true };
  const uhd: VideoRecipe = quick
    ? { key: 'uhd', label: '720p 5 s (quick)', width: 1280, height: 720, fps: 25, durationSec: 5, gop: 250, videoKbps: 3000, faststart: true }
    : { key: 'uhd', label: '4K 30 s', width: 3840, height: 2160, fps: 25, durationSec: 30, gop: 250, videoKbps: 16000, faststart: true };
  return { long, longMoovEnd: { ...long, key: 'longMoovEnd', label: `${long.label}, moov at end`, faststart: false }, uhd };
}

function recipeHash(r: VideoRecipe): string {
  const { key: _k, label: _l, ...rest } = r;
  return crypto.createHash('sha1').update(JSON.stringify(rest)).digest('hex').slice(0, 10);
}

function fileFor(r: VideoRecipe): string {
  return path.join(CACHE_DIR, `${r.width}x${r.height}-${r.durationSec}s-${r.faststart ? 'faststart' : 'moovend'}-${recipeHash(r)}.mp4`);
}

function encodeArgs(r: VideoRecipe, out: string): string[] {
  return [
    '-f', 'lavfi', '-i', `testsrc2=size=${r.width}x${r.height}:rate=${r.fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(r.durationSec),
    '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'superfast', '-pix_fmt', 'yuv420p',
    '-g', String(r.gop), '-keyint_min', String(r.gop), '-sc_threshold', '0',
    '-b:v', `${r.videoKbps}k`, '-maxrate', `${Math.round(r.videoKbps * 1.5)}k`, '-bufsize', `${r.videoKbps * 2}k`,
    '-c:a', 'aac', '-b:a', '64k',
    ...(r.faststart ? ['-movflags', '+faststart'] : []),
    '-y', out,
  ];
}

async function ensure(r: VideoRecipe, from?: Video): Promise<Video> {
  const file = fileFor(r);
  if (fs.existsSync(file)) return { ...r, file, sizeBytes: fs.statSync(file).size, generatedMs: 0 };
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${file}.partial.mp4`;
  const t0 = performance.now();
  if (from && from.durationSec === r.durationSec && from.width === r.width) {
    // Same stream, other layout: a remux keeps every packet and only moves the index.
    await ffmpeg(['-i', from.file, '-map', '0', '-c', 'copy', ...(r.faststart ? ['-movflags', '+faststart'] : []), '-y', tmp]);
  } else {
    await ffmpeg(encodeArgs(r, tmp));
  }
  if (!fs.existsSync(tmp)) throw new Error(`${tmp} disappeared while it was being generated (was bench/.cache removed?)`);
  fs.renameSync(tmp, file);
  return { ...r, file, sizeBytes: fs.statSync(file).size, generatedMs: performance.now() - t0 };
}

export async function prepareMedia(quick: boolean, log: (s: string) => void): Promise<MediaSet> {
  const r = recipes(quick);
  const out: Partial<MediaSet> = {};
  for (const k of ['long', 'longMoovEnd', 'uhd'] as const) {
    const cachedFile = fs.existsSync(fileFor(r[k]));
    if (!cachedFile) log(`generating ${r[k].label} ...`);
    const v = await ensure(r[k], k === 'longMoovEnd' ? out.long : undefined);
    out[k] = v;
    log(`  ${v.label}: ${(v.sizeBytes / 1e6).toFixed(1)} MB${v.generatedMs ? `, generated in ${(v.generatedMs / 1000).toFixed(1)} s` : ' (cached)'}`);
  }
  return out as MediaSet;
}
