/**
 * What a video is, as displayed: size after rotation and pixel aspect, rotation, duration, rate,
 * codec and colour transfer. ffprobe first; when ffprobe itself crashes (the bundled static
 * ffprobe segfaults on MPEG-TS) the same facts are read from ffmpeg's own input dump, which also
 * proves a frame decodes.
 */
import { execFile } from 'child_process';
import { Errors } from '../core/errors';
import type { MediaInfo } from '../core/model';
import type { MediaSource } from '../core/ports';
import { ffprobePath } from './ffmpeg-binaries';
import { ffmpegFailure } from './ffmpeg-errors';
import { networkOptions, runFfmpeg } from './ffmpeg-process';

/** MediaInfo plus what the capture strategies need to seek well. */
export interface ProbedMedia extends MediaInfo {
  /** Demuxer name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `mpegts`. */
  readonly formatName: string;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  pix_fmt?: string;
  color_transfer?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number | string }[];
}

export async function probeMedia(source: MediaSource, signal?: AbortSignal): Promise<ProbedMedia> {
  const r = await runFfprobe(source.uri, signal);
  if (r.crashed) return probeWithFfmpeg(source, signal);
  if (r.code !== 0) throw ffmpegFailure(r.stderr);
  let json: { streams?: FfprobeStream[]; format?: { duration?: string; size?: string; format_name?: string } };
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw Errors.resourceContentBad('InputFile');
  }
  const v = (json.streams ?? []).find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!v || !v.width || !v.height) throw Errors.resourceContentBad('InputFile');
  const sideRotation = (v.side_data_list ?? []).find((d) => d.rotation !== undefined)?.rotation;
  // Display matrix rotation is counter-clockwise; the legacy `rotate` tag is clockwise.
  const rotation = sideRotation !== undefined ? normalizeRotation(-Number(sideRotation)) : normalizeRotation(Number(v.tags?.rotate ?? 0));
  const durationSec = Number(json.format?.duration ?? v.duration ?? NaN);
  const size = json.format?.size !== undefined ? Number(json.format.size) : source.sizeBytes;
  return finish({
    codedWidth: v.width,
    codedHeight: v.height,
    sar: parseRatio(v.sample_aspect_ratio),
    rotation,
    durationSec,
    frameRate: parseRatio(v.avg_frame_rate) || parseRatio(v.r_frame_rate),
    codec: v.codec_name ?? 'unknown',
    pixelFormat: v.pix_fmt,
    colorTransfer: v.color_transfer,
    sizeBytes: size,
    formatName: json.format?.format_name ?? '',
  });
}

interface RawFacts {
  codedWidth: number;
  codedHeight: number;
  sar: number;
  rotation: number;
  durationSec: number;
  frameRate: number;
  codec: string;
  pixelFormat?: string;
  colorTransfer?: string;
  sizeBytes?: number;
  formatName: string;
}

function finish(f: RawFacts): ProbedMedia {
  if (!(f.durationSec > 0)) throw Errors.resourceContentBad('InputFile');
  const sar = f.sar > 0 ? f.sar : 1;
  // Non-square pixels widen or narrow the picture; the height is kept.
  const w = Math.round(f.codedWidth * sar);
  const h = f.codedHeight;
  const sideways = f.rotation === 90 || f.rotation === 270;
  return {
    durationMs: Math.round(f.durationSec * 1000),
    width: sideways ? h : w,
    height: sideways ? w : h,
    rotation: f.rotation,
    frameRate: f.frameRate > 0 && f.frameRate < 1000 ? f.frameRate : 25,
    codec: f.codec,
    ...(f.pixelFormat ? { pixelFormat: f.pixelFormat } : {}),
    ...(f.colorTransfer && f.colorTransfer !== 'unknown' ? { colorTransfer: f.colorTransfer } : {}),
    ...(f.sizeBytes !== undefined && Number.isFinite(f.sizeBytes) ? { sizeBytes: f.sizeBytes } : {}),
    formatName: f.formatName,
  };
}

function normalizeRotation(deg: number): number {
  if (!Number.isFinite(deg)) return 0;
  const r = (((Math.round(deg / 90) * 90) % 360) + 360) % 360;
  return r;
}

function parseRatio(s?: string): number {
  if (!s) return 0;
  const [n, d] = s.split(/[:/]/).map(Number);
  if (!Number.isFinite(n)) return 0;
  if (d === undefined) return n;
  return d > 0 ? n / d : 0;
}

function runFfprobe(uri: string, signal?: AbortSignal): Promise<{ code: number; crashed: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = ['-v', 'error', ...networkOptions(uri), '-show_streams', '-show_format', '-of', 'json', uri];
    execFile(ffprobePath(), args, { maxBuffer: 16 * 1024 * 1024, signal }, (err, stdout, stderr) => {
      if (signal?.aborted) return reject(signal.reason);
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string | null }) | null;
      if (e && typeof e.code === 'string') return reject(Errors.internal(`ffprobe could not run: ${e.message}`));
      resolve({ code: e ? Number(e.code ?? 1) : 0, crashed: !!e?.signal, stdout, stderr });
    });
  });
}

/** Reads the facts from `ffmpeg -i` (decoding one frame), for when ffprobe is unusable. */
async function probeWithFfmpeg(source: MediaSource, signal?: AbortSignal): Promise<ProbedMedia> {
  const { stderr } = await runFfmpeg({
    inputs: [{ source: source.uri, options: [] }],
    outputOptions: ['-map', '0:v:0?', '-frames:v', '1', '-f', 'null'],
    signal,
  });
  return parseInputDump(stderr, source.sizeBytes);
}

export function parseInputDump(stderr: string, sizeBytes?: number): ProbedMedia {
  const input = /Input #0, ([^,]+(?:,[^ ]+)*), from/.exec(stderr);
  const dur = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  const video = /Stream #0:\d+[^:]*: Video: (\w+)[^,]*?, (\w+)(?:\(([^)]*)\))?, (\d+)x(\d+)(?: \[SAR (\d+):(\d+) DAR \d+:\d+\])?(?:, [^\n]*?(\d+(?:\.\d+)?) fps)?/.exec(
    stderr,
  );
  if (!video) throw Errors.resourceContentBad('InputFile');
  const after = stderr.slice(video.index);
  const matrix = /displaymatrix: rotation of (-?\d+(?:\.\d+)?) degrees/.exec(after);
  const tag = /rotate\s*:\s*(-?\d+)/.exec(after);
  const rotation = matrix ? normalizeRotation(-Number(matrix[1])) : normalizeRotation(Number(tag?.[1] ?? 0));
  const colour = (video[3] ?? '').split(/[,/]/).map((s) => s.trim());
  const transfer = colour.find((c) => c === 'smpte2084' || c === 'arib-std-b67' || c === 'bt709' || c === 'smpte170m');
  return finish({
    codedWidth: Number(video[4]),
    codedHeight: Number(video[5]),
    sar: video[6] ? Number(video[6]) / Number(video[7]) : 1,
    rotation,
    durationSec: dur ? Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]) : NaN,
    frameRate: video[8] ? Number(video[8]) : 0,
    codec: video[1],
    pixelFormat: video[2],
    colorTransfer: transfer,
    sizeBytes,
    formatName: input?.[1] ?? '',
  });
}
