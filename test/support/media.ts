/**
 * Test media made with the real ffmpeg, and readers that tell which frame a JPG shows.
 *
 * Every generated frame carries its own index in its pixels: the picture (as displayed, i.e.
 * after rotation) is split into `INDEX_BITS` full-height vertical bars, the bar on the left is the
 * most significant bit. In the top half a bar is white for a 1 and black for a 0; the bottom half
 * repeats the bits inverted. Frame 0 is therefore not black, a frame that is not an indexed picture
 * (black, tone-mapped wrong, sideways) is detected, and the pattern survives JPG compression and
 * downscaling to small sprite cells.
 *
 * Videos are cached in `test/.media-cache/` under a hash of their spec, written to a temp name
 * and renamed, so parallel jest workers share them.
 */
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ffmpegPath, ffprobePath } from '../../runtime/capture/ffmpeg-binaries';

export const INDEX_BITS = 12;
/** Bump when the generator changes so stale cache entries are not reused. */
const GENERATOR_VERSION = 3;
export const MEDIA_CACHE_DIR = path.resolve(__dirname, '..', '.media-cache');

export type VideoCodec = 'h264' | 'hevc' | 'vp9';
export type VideoContainer = 'mp4' | 'mp4-moov-at-end' | 'mov' | 'mkv' | 'webm' | 'flv' | 'ts';

export interface VideoSpec {
  /** Seconds. Default 4. */
  durationSec?: number;
  /** Default 25. */
  fps?: number;
  /** Coded size (before rotation / pixel aspect). Default 160x90. */
  width?: number;
  height?: number;
  /** Key frame interval in frames (fixed, no scene-cut key frames). Default = fps. */
  gop?: number;
  /** Default h264. */
  codec?: VideoCodec;
  /** Default mp4 with the moov atom first (faststart). */
  container?: VideoContainer;
  /** Clockwise display rotation written as display-matrix metadata (mp4/mov only). */
  rotate?: 90 | 270;
  /** Sample aspect ratio as `num:den`, e.g. `4:3` makes a 240x180 coded picture display as 320x180. */
  sar?: string;
  /** 10-bit HEVC tagged BT.2020 with PQ (`pq`) or HLG (`hlg`) transfer; white bars sit at ~1000 nits (PQ) / 75% HLG. */
  tenBitHdr?: 'pq' | 'hlg';
  /** The first N seconds are pure black (no index pattern). */
  blackOpeningSec?: number;
  /** A sine tone only, no video stream (m4a in an mp4 container). */
  audioOnly?: boolean;
  /** Adds a sine audio track to the video. */
  withAudio?: boolean;
  /** Adds temporal noise (0-100, e.g. 30) so the file is large, as real footage is (byte-range tests). */
  noise?: number;
}

type Optional = 'rotate' | 'sar' | 'tenBitHdr' | 'audioOnly' | 'withAudio' | 'noise';
type Resolved = Required<Omit<VideoSpec, Optional>> & Pick<VideoSpec, Optional>;

function resolveSpec(spec: VideoSpec): Resolved {
  const fps = spec.fps ?? 25;
  return {
    durationSec: spec.durationSec ?? 4,
    fps,
    width: spec.width ?? 160,
    height: spec.height ?? 90,
    gop: spec.gop ?? fps,
    codec: spec.codec ?? (spec.container === 'webm' ? 'vp9' : 'h264'),
    container: spec.container ?? 'mp4',
    blackOpeningSec: spec.blackOpeningSec ?? 0,
    rotate: spec.rotate,
    sar: spec.sar,
    tenBitHdr: spec.tenBitHdr,
    audioOnly: spec.audioOnly,
    withAudio: spec.withAudio,
    noise: spec.noise,
  };
}

export function run(bin: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${err.message}\n${stderr.toString().slice(-2000)}`));
      else resolve(stdout);
    });
    if (input) child.stdin!.end(input);
  });
}

const EXT: Record<VideoContainer, string> = {
  mp4: 'mp4',
  'mp4-moov-at-end': 'mp4',
  mov: 'mov',
  mkv: 'mkv',
  webm: 'webm',
  flv: 'flv',
  ts: 'ts',
};

/**
 * The geq expression of the index pattern, in display coordinates mapped back to coded ones.
 * ffmpeg shows a clockwise rotation of 90 as: display(x, y) = coded(y, H-1-x).
 */
function patternExpr(s: Resolved, white: number, black: number): string {
  let dx: string, dy: string, dw: string, dh: string;
  if (s.rotate === 90) [dx, dy, dw, dh] = ['(H-1-Y)', 'X', 'H', 'W'];
  else if (s.rotate === 270) [dx, dy, dw, dh] = ['Y', '(W-1-X)', 'H', 'W'];
  else [dx, dy, dw, dh] = ['X', 'Y', 'W', 'H'];
  const bit = `mod(floor(N/pow(2,${INDEX_BITS - 1}-floor(${dx}*${INDEX_BITS}/${dw}))),2)`;
  const top = `lt(${dy},${dh}/2)`;
  const pattern = `if(eq(${bit},${top}),${white},${black})`;
  return s.blackOpeningSec > 0 ? `if(lt(T,${s.blackOpeningSec}),16,${pattern})` : pattern;
}

function codecArgs(s: Resolved): string[] {
  const g = s.gop;
  switch (s.codec) {
    case 'h264':
      return ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-x264-params', `keyint=${g}:min-keyint=${g}:scenecut=0`];
    case 'hevc':
      return [
        '-c:v', 'libx265', '-preset', 'veryfast', '-crf', '18',
        '-x265-params', `log-level=error:keyint=${g}:min-keyint=${g}:scenecut=0:open-gop=0`,
        ...(s.container === 'mp4' || s.container === 'mp4-moov-at-end' || s.container === 'mov' ? ['-tag:v', 'hvc1'] : []),
      ];
    case 'vp9':
      return ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-crf', '20', '-b:v', '0', '-g', String(g), '-keyint_min', String(g)];
  }
}

function containerArgs(s: Resolved): string[] {
  switch (s.container) {
    case 'mp4':
      return ['-movflags', '+faststart', '-f', 'mp4'];
    case 'mp4-moov-at-end':
      return ['-f', 'mp4'];
    case 'mov':
      return ['-f', 'mov'];
    case 'mkv':
      return ['-f', 'matroska'];
    case 'webm':
      return ['-f', 'webm'];
    case 'flv':
      return ['-f', 'flv'];
    case 'ts':
      return ['-f', 'mpegts'];
  }
}

async function generate(s: Resolved, out: string): Promise<void> {
  const ff = ffmpegPath();
  const base = ['-hide_banner', '-loglevel', 'error', '-y'];
  if (s.audioOnly) {
    await run(ff, [...base, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${s.durationSec}`, '-c:a', 'aac', '-f', 'mp4', out]);
    return;
  }
  if (s.codec === 'vp9' && (s.container === 'flv' || s.container === 'mp4' || s.container === 'mp4-moov-at-end' || s.container === 'mov')) {
    throw new Error(`makeIndexedVideo: vp9 is not written to ${s.container} by this generator; use mkv or webm`);
  }
  if (s.rotate && !['mp4', 'mp4-moov-at-end', 'mov'].includes(s.container)) {
    throw new Error('makeIndexedVideo: rotation metadata needs an mp4 or mov container');
  }
  // 8-bit limited range: 16 black, 235 white. For HDR the white bar is 180 (x4 = 720 in 10 bit),
  // which is ~1000 nits in PQ and 75% signal in HLG, a realistic highlight level.
  const white = s.tenBitHdr ? 180 : 235;
  const filters = [`geq=lum='${patternExpr(s, white, 16)}':cb=128:cr=128`];
  if (s.noise) filters.push(`noise=alls=${s.noise}:allf=t`);
  if (s.sar) filters.push(`setsar=${s.sar.replace(':', '/')}`);
  filters.push(`format=${s.tenBitHdr ? 'yuv420p10le' : 'yuv420p'}`);
  const hdrArgs =
    s.tenBitHdr === undefined
      ? []
      : ['-color_primaries', 'bt2020', '-colorspace', 'bt2020nc', '-color_trc', s.tenBitHdr === 'pq' ? 'smpte2084' : 'arib-std-b67'];
  const codec = s.tenBitHdr ? { ...s, codec: 'hevc' as const } : s;
  const inputs = ['-f', 'lavfi', '-i', `nullsrc=s=${s.width}x${s.height}:r=${s.fps}:d=${s.durationSec}`];
  if (s.withAudio) inputs.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${s.durationSec}`);
  const audio = s.withAudio ? ['-c:a', s.container === 'webm' ? 'libopus' : 'aac'] : [];
  const encoded = s.rotate ? `${out}.unrotated.${EXT[s.container]}` : out;
  await run(ff, [...base, ...inputs, '-vf', filters.join(','), ...codecArgs(codec), ...hdrArgs, ...audio, ...containerArgs(s), encoded]);
  if (s.rotate) {
    // Muxers disagree on the sign of the `rotate` tag; write it, read the display matrix back and
    // flip it if this build wrote the opposite rotation.
    for (const written of [s.rotate, 360 - s.rotate]) {
      await run(ff, [...base, '-i', encoded, '-c', 'copy', '-metadata:s:v:0', `rotate=${written}`, ...containerArgs(s), out]);
      if ((await displayRotation(out)) === s.rotate) {
        fs.rmSync(encoded, { force: true });
        return;
      }
    }
    throw new Error(`makeIndexedVideo: could not write a display rotation of ${s.rotate}`);
  }
}

/** Clockwise display rotation of the first video stream as ffprobe reads it (0 when none). */
export async function displayRotation(file: string): Promise<number> {
  const out = await run(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_streams', '-of', 'json', file]);
  const st = (JSON.parse(out.toString()).streams ?? [])[0] ?? {};
  const side = (st.side_data_list ?? []).find((d: { rotation?: number }) => typeof d.rotation === 'number');
  const ccw = side ? Number(side.rotation) : -Number(st.tags?.rotate ?? 0);
  return (((-ccw % 360) + 360) % 360);
}

const pending = new Map<string, Promise<string>>();

/** A cached test video made to `spec`; resolves to its path. */
export function makeIndexedVideo(spec: VideoSpec = {}): Promise<string> {
  const s = resolveSpec(spec);
  const key = createHash('sha1').update(JSON.stringify({ v: GENERATOR_VERSION, ...s })).digest('hex').slice(0, 16);
  const file = path.join(MEDIA_CACHE_DIR, `${s.audioOnly ? 'audio' : s.codec}-${key}.${s.audioOnly ? 'm4a' : EXT[s.container]}`);
  let p = pending.get(file);
  if (!p) {
    p = (async () => {
      if (fs.existsSync(file)) return file;
      fs.mkdirSync(MEDIA_CACHE_DIR, { recursive: true });
      const tmp = path.join(MEDIA_CACHE_DIR, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(file)}`);
      try {
        await generate(s, tmp);
        fs.renameSync(tmp, file);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      return file;
    })();
    pending.set(file, p);
    p.catch(() => pending.delete(file));
  }
  return p;
}

/** A file that is not media at all (random bytes with a plausible name). */
export function makeGarbageFile(name = 'garbage.mp4', bytes = 64 * 1024): string {
  fs.mkdirSync(MEDIA_CACHE_DIR, { recursive: true });
  const file = path.join(MEDIA_CACHE_DIR, `${process.pid}-${name}`);
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = (i * 2654435761) >>> 24;
  fs.writeFileSync(file, buf);
  return file;
}

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

function imageInput(img: Buffer | string): { args: string[]; input?: Buffer } {
  return typeof img === 'string' ? { args: ['-i', img] } : { args: ['-f', 'image2pipe', '-i', 'pipe:0'], input: img };
}

/** Average gray levels of the image (or a region) scaled to `cols` x `rows`, row by row. */
export async function grayGrid(img: Buffer | string, cols: number, rows: number, region?: Region): Promise<number[]> {
  const { args, input } = imageInput(img);
  // Gray first: a crop of a 4:2:0 picture rounds x and y down to even, one pixel off a cell at an
  // odd position (a sprite with an odd Margin or Padding).
  const vf = ['format=gray', region ? `crop=${region.w}:${region.h}:${region.x}:${region.y}` : '', `scale=${cols}:${rows}:flags=area`]
    .filter(Boolean)
    .join(',');
  const out = await run(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', ...args, '-frames:v', '1', '-vf', vf, '-f', 'rawvideo', 'pipe:1'], input);
  if (out.length !== cols * rows) throw new Error(`grayGrid: expected ${cols * rows} bytes, got ${out.length}`);
  return [...out];
}

/**
 * The frame index a JPG (or a region of it, e.g. a sprite cell) shows. Throws when the picture
 * does not carry a readable index (black, sideways, washed out).
 */
export async function readFrameIndex(jpeg: Buffer | string, region?: Region): Promise<number> {
  // Read the middle of each bar only: 4 samples per bar horizontally, keep the two inner ones;
  // 4 rows vertically, keep one from each half, away from the midline.
  const cols = INDEX_BITS * 4;
  const g = await grayGrid(jpeg, cols, 4, region);
  let value = 0;
  const levels: string[] = [];
  for (let b = 0; b < INDEX_BITS; b++) {
    const at = (row: number) => (g[row * cols + b * 4 + 1] + g[row * cols + b * 4 + 2]) / 2;
    const top = at(0);
    const bottom = at(3);
    levels.push(`${Math.round(top)}/${Math.round(bottom)}`);
    const topBit = top >= 128;
    const bottomBit = bottom >= 128;
    if (topBit === bottomBit || Math.abs(top - bottom) < 64) {
      throw new Error(`readFrameIndex: no frame index in this picture (bar ${b} top/bottom levels: ${levels.join(' ')})`);
    }
    value = value * 2 + (topBit ? 1 : 0);
  }
  return value;
}

/** Mean luma (0-255) of the image or a region. */
export async function meanLuma(img: Buffer | string, region?: Region): Promise<number> {
  const g = await grayGrid(img, 1, 1, region);
  return g[0];
}

/** Mean luma of the white bars of an indexed frame (top half where the bit is 1, bottom where 0). */
export async function whiteLevel(jpeg: Buffer | string): Promise<number> {
  const cols = INDEX_BITS * 4;
  const g = await grayGrid(jpeg, cols, 4);
  const whites: number[] = [];
  for (let b = 0; b < INDEX_BITS; b++) {
    const top = (g[b * 4 + 1] + g[b * 4 + 2]) / 2;
    const bottom = (g[3 * cols + b * 4 + 1] + g[3 * cols + b * 4 + 2]) / 2;
    whites.push(Math.max(top, bottom));
  }
  return whites.reduce((a, b) => a + b, 0) / whites.length;
}

/** Pixel size of an image (ffprobe). */
export async function jpegSize(jpeg: Buffer | string): Promise<{ width: number; height: number }> {
  let file: string;
  let tmp: string | undefined;
  if (typeof jpeg === 'string') file = jpeg;
  else {
    tmp = path.join(os.tmpdir(), `jpeg-size-${process.pid}-${Math.random().toString(36).slice(2)}.jpg`);
    fs.writeFileSync(tmp, jpeg);
    file = tmp;
  }
  try {
    const out = await run(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,codec_name', '-of', 'json', file]);
    const st = JSON.parse(out.toString()).streams[0];
    return { width: Number(st.width), height: Number(st.height) };
  } finally {
    if (tmp) fs.rmSync(tmp, { force: true });
  }
}

/**
 * Indexes of the key frames of a generated video (pts order, counted from its first frame). Uses
 * ffmpeg's showinfo rather than ffprobe: the bundled ffprobe build crashes on MPEG-TS.
 */
export async function keyFrameIndexes(file: string, fps: number): Promise<number[]> {
  // Every frame is decoded (the files are tiny): not every decoder honours -skip_frame nokey.
  const err = await runStderr(ffmpegPath(), ['-hide_banner', '-i', file, '-map', '0:v:0', '-vf', 'showinfo', '-f', 'null', '-']);
  const frames = [...err.matchAll(/pts_time:\s*(-?[\d.]+).*?iskey:(\d)/g)].map((m) => ({ t: Number(m[1]), key: m[2] === '1' }));
  const start = Math.min(...frames.map((f) => f.t));
  return frames
    .filter((f) => f.key)
    .map((f) => Math.round((f.t - start) * fps))
    .sort((a, b) => a - b);
}

function runStderr(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(bin)} failed: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve(stderr);
    });
  });
}

/** The frame index shown at `timeMs` for a video made with `fps` (frame n covers [n/fps, (n+1)/fps)). */
export function frameAt(timeMs: number, fps: number): number {
  return Math.floor((timeMs * fps) / 1000 + 1e-6);
}
