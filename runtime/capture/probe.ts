/**
 * What a video is, as displayed: size after rotation and pixel aspect, rotation, duration, rate,
 * codec and colour transfer. No extra process where the container allows it: MP4/MOV facts come
 * from the `moov` index read in-process (mp4-index.ts); other containers (and MP4s the reader
 * declines) from ffmpeg's own input dump, decoding one frame, which also proves a frame decodes.
 * ffprobe is never needed.
 */
import { Errors } from '../core/errors';
import type { MediaInfo } from '../core/model';
import type { MediaSource } from '../core/ports';
import { runFfmpeg } from './ffmpeg-process';
import type { ProcessPool } from './process-pool';
import { fileReader, httpReader, readMp4Facts, type ByteReader, type ContainerFacts } from './mp4-index';

/** MediaInfo plus what the capture strategies need to seek well. */
export interface ProbedMedia extends MediaInfo {
  /** Demuxer name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `mpegts`. */
  readonly formatName: string;
  /** Where the facts came from: `index` (the container, in-process) or `ffmpeg` (an input dump). */
  readonly factsFrom: 'index' | 'ffmpeg';
}

const isUrl = (uri: string) => /^https?:\/\//i.test(uri);

/** Facts from the container index without a process, or undefined when it cannot tell. */
export async function probeContainer(source: MediaSource, signal?: AbortSignal): Promise<ProbedMedia | undefined> {
  let reader: ByteReader | undefined;
  try {
    if (isUrl(source.uri)) reader = httpReader(source.uri, signal);
    else if (!/^[a-z][a-z0-9+.-]*:/i.test(source.uri)) reader = await fileReader(source.uri);
    else return undefined;
    const facts = await readMp4Facts(reader);
    if (!facts) return undefined;
    return { ...finish({ ...facts, sizeBytes: facts.sizeBytes ?? source.sizeBytes }), factsFrom: 'index' };
  } catch {
    // Unreadable here (404, network, permissions): ffmpeg reports it with the right code.
    signal?.throwIfAborted();
    return undefined;
  } finally {
    await reader?.close().catch(() => undefined);
  }
}

export async function probeMedia(source: MediaSource, signal?: AbortSignal, pool?: ProcessPool): Promise<ProbedMedia> {
  const facts = await probeContainer(source, signal);
  if (facts) return facts;
  return pool ? pool.run(() => probeWithFfmpeg(source, signal), signal) : probeWithFfmpeg(source, signal);
}


function finish(f: ContainerFacts): Omit<ProbedMedia, 'factsFrom'> {
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

/** Reads the facts from ffmpeg's input dump, decoding one frame. */
async function probeWithFfmpeg(source: MediaSource, signal?: AbortSignal): Promise<ProbedMedia> {
  const { stderr } = await runFfmpeg({
    inputs: [{ source: source.uri, options: [] }],
    outputOptions: ['-map', '0:v:0?', '-frames:v', '1', '-f', 'null'],
    signal,
  });
  return { ...parseInputDump(stderr, source.sizeBytes), factsFrom: 'ffmpeg' };
}

export function parseInputDump(stderr: string, sizeBytes?: number): Omit<ProbedMedia, 'factsFrom'> {
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
