/**
 * The facts about an MP4/MOV video read from its `moov` box in-process, without starting a
 * process: the index is small (kilobytes to a few MB) and sits at the start (faststart) or the
 * end of the file, so a local read or one or two HTTP range requests fetch it.
 *
 * Read here: duration (`mvhd`, as ffmpeg's mov demuxer reports it), the first video track's
 * coded size and codec (`stsd`), pixel aspect (`pasp`), colour transfer (`colr`), rotation (the
 * `tkhd` display matrix) and average frame rate (`stts`). What only the bitstream knows (a pixel
 * aspect or transfer signalled in the SPS but not in the container) is checked against the input
 * dump of the capture's own ffmpeg run, which redoes the capture when they disagree (index.ts).
 *
 * Anything unexpected (not ISO BMFF, fragmented, encrypted, no video track, a box out of
 * bounds) returns undefined: the caller then asks ffmpeg.
 */
import { promises as fsp } from 'fs';

export interface ContainerFacts {
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

/** Reads `length` bytes at `offset` (fewer at the end of the object). */
export interface ByteReader {
  read(offset: number, length: number): Promise<Buffer>;
  /** Total size when known after the first read. */
  size(): number | undefined;
  close(): Promise<void>;
}

const HEAD_BYTES = 64 * 1024;
/** Larger indexes exist (hours of video at high frame rates) but ffmpeg reads those itself. */
const MAX_MOOV_BYTES = 32 * 1024 * 1024;
const MAX_TOP_LEVEL_BOXES = 16;

const TOP_LEVEL = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'uuid', 'pdin', 'meta', 'styp', 'sidx', 'jumb']);

const CODECS: Record<string, string> = {
  avc1: 'h264', avc3: 'h264', hvc1: 'hevc', hev1: 'hevc', dvh1: 'hevc', dvhe: 'hevc', av01: 'av1', vp09: 'vp9', vp08: 'vp8',
  mp4v: 'mpeg4', jpeg: 'mjpeg', mjpa: 'mjpeg', 'mjp2': 'jpeg2000', apcn: 'prores', apch: 'prores', apcs: 'prores', apco: 'prores', ap4h: 'prores',
  s263: 'h263', h263: 'h263', 'SVQ3': 'svq3', mp2v: 'mpeg2video', xvid: 'mpeg4', png: 'png',
};

/** ISO/IEC 23091-2 TransferCharacteristics, named as ffmpeg names them. */
const TRANSFERS: Record<number, string> = {
  1: 'bt709', 4: 'gamma22', 5: 'gamma28', 6: 'smpte170m', 7: 'smpte240m', 8: 'linear', 13: 'iec61966-2-1', 14: 'bt2020-10', 15: 'bt2020-12', 16: 'smpte2084', 18: 'arib-std-b67',
};

interface Box {
  type: string;
  /** Offset of the payload and its end, within the buffer. */
  start: number;
  end: number;
}

function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) return;
    yield { type, start: at + header, end: at + size };
    at += size;
  }
}

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  for (const b of boxes(buf, parent.start, parent.end)) if (b.type === type) return b;
  return undefined;
}

function path(buf: Buffer, parent: Box, ...types: string[]): Box | undefined {
  let b: Box | undefined = parent;
  for (const t of types) {
    b = b && child(buf, b, t);
  }
  return b;
}

/** timescale and duration of an mvhd or mdhd payload. */
function timing(buf: Buffer, b: Box): { timescale: number; duration: number } {
  const v1 = buf[b.start] === 1;
  const timescale = buf.readUInt32BE(b.start + (v1 ? 20 : 12));
  const duration = v1 ? Number(buf.readBigUInt64BE(b.start + 24)) : buf.readUInt32BE(b.start + 16);
  return { timescale, duration };
}

/** Clockwise rotation from a tkhd display matrix, as ffmpeg derives it (av_display_rotation_get). */
function rotationOf(buf: Buffer, tkhd: Box): number {
  const v1 = buf[tkhd.start] === 1;
  const m = tkhd.start + (v1 ? 4 + 8 + 8 + 4 + 4 + 8 : 4 + 4 + 4 + 4 + 4 + 4) + 8 + 2 + 2 + 2 + 2;
  const a = buf.readInt32BE(m) / 65536;
  const b = buf.readInt32BE(m + 4) / 65536;
  const c = buf.readInt32BE(m + 12) / 65536;
  const d = buf.readInt32BE(m + 16) / 65536;
  if (Math.hypot(a, c) === 0 || Math.hypot(b, d) === 0) return 0;
  const deg = (Math.atan2(b / Math.hypot(b, d), a / Math.hypot(a, c)) * 180) / Math.PI;
  return (((Math.round(deg / 90) * 90) % 360) + 360) % 360;
}

const CHROMA = ['gray', 'yuv420p', 'yuv422p', 'yuv444p'];

function pixelFormatName(chromaFormat: number, bitDepth: number): string | undefined {
  const base = CHROMA[chromaFormat];
  if (!base || bitDepth < 8 || bitDepth > 16) return undefined;
  if (bitDepth === 8) return base;
  return base === 'gray' ? `gray${bitDepth}le` : `${base}${bitDepth}le`;
}

/**
 * Chroma format and bit depth from the decoder configuration, named as ffmpeg names the decoded
 * frames. HEVC's hvcC carries both; AVC's avcC carries them in an extension for the High profiles
 * above High, and the profiles up to High are 8-bit 4:2:0 by definition.
 */
function pixelFormatOf(buf: Buffer, b: Box): string | undefined {
  const p = buf.subarray(b.start, b.end);
  if (b.type === 'hvcC') return p.length >= 19 ? pixelFormatName(p[16] & 3, (p[17] & 7) + 8) : undefined;
  if (p.length < 7) return undefined;
  const profile = p[1];
  if ([66, 77, 88, 100].includes(profile)) return 'yuv420p';
  // Skip the SPS and PPS lists to the extension: chroma_format, bit_depth_luma_minus8.
  let at = 6;
  for (let n = p[5] & 31; n > 0 && at + 2 <= p.length; n--) at += 2 + p.readUInt16BE(at);
  if (at >= p.length) return undefined;
  for (let n = p[at++]; n > 0 && at + 2 <= p.length; n--) at += 2 + p.readUInt16BE(at);
  if (at + 2 > p.length) return undefined;
  return pixelFormatName(p[at] & 3, (p[at + 1] & 7) + 8);
}

/** Parses a whole `moov` payload (buffer starting at the moov box). */
export function parseMoov(buf: Buffer, sizeBytes?: number): ContainerFacts | undefined {
  const moov = [...boxes(buf, 0, buf.length)].find((b) => b.type === 'moov');
  if (!moov) return undefined;
  if (child(buf, moov, 'mvex')) return undefined; // fragmented: the samples are in moof boxes
  const mvhd = child(buf, moov, 'mvhd');
  if (!mvhd) return undefined;
  const movie = timing(buf, mvhd);
  if (!(movie.timescale > 0 && movie.duration > 0)) return undefined;
  for (const trak of boxes(buf, moov.start, moov.end)) {
    if (trak.type !== 'trak') continue;
    const hdlr = path(buf, trak, 'mdia', 'hdlr');
    if (!hdlr || buf.toString('latin1', hdlr.start + 8, hdlr.start + 12) !== 'vide') continue;
    const tkhd = child(buf, trak, 'tkhd');
    const mdhd = path(buf, trak, 'mdia', 'mdhd');
    const stbl = path(buf, trak, 'mdia', 'minf', 'stbl');
    const stsd = stbl && child(buf, stbl, 'stsd');
    const stts = stbl && child(buf, stbl, 'stts');
    if (!tkhd || !mdhd || !stsd || !stts || buf.readUInt32BE(stsd.start + 4) < 1) return undefined;
    const [entry] = boxes(buf, stsd.start + 8, stsd.end);
    if (!entry || entry.end - entry.start < 78) return undefined;
    const codec = CODECS[entry.type];
    if (!codec) return undefined; // encv (encrypted) and the exotic: let ffmpeg tell
    const codedWidth = buf.readUInt16BE(entry.start + 24);
    const codedHeight = buf.readUInt16BE(entry.start + 26);
    if (!codedWidth || !codedHeight) return undefined;
    let sar = 1;
    let colorTransfer: string | undefined;
    let pixelFormat: string | undefined;
    for (const b of boxes(buf, entry.start + 78, entry.end)) {
      if (b.type === 'hvcC' || b.type === 'avcC') pixelFormat = pixelFormatOf(buf, b);
      if (b.type === 'pasp' && b.end - b.start >= 8) {
        const h = buf.readUInt32BE(b.start);
        const v = buf.readUInt32BE(b.start + 4);
        if (h > 0 && v > 0) sar = h / v;
      } else if (b.type === 'colr' && b.end - b.start >= 10) {
        const kind = buf.toString('latin1', b.start, b.start + 4);
        if (kind === 'nclx' || kind === 'nclc') colorTransfer = TRANSFERS[buf.readUInt16BE(b.start + 6)];
      }
    }
    const media = timing(buf, mdhd);
    let samples = 0;
    let ticks = 0;
    const entries = buf.readUInt32BE(stts.start + 4);
    for (let i = 0, at = stts.start + 8; i < entries && at + 8 <= stts.end; i++, at += 8) {
      samples += buf.readUInt32BE(at);
      ticks += buf.readUInt32BE(at) * buf.readUInt32BE(at + 4);
    }
    return {
      codedWidth,
      codedHeight,
      sar,
      rotation: rotationOf(buf, tkhd),
      durationSec: movie.duration / movie.timescale,
      frameRate: ticks > 0 && media.timescale > 0 ? (samples * media.timescale) / ticks : 0,
      codec,
      ...(pixelFormat ? { pixelFormat } : {}),
      ...(colorTransfer ? { colorTransfer } : {}),
      ...(sizeBytes !== undefined ? { sizeBytes } : {}),
      formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    };
  }
  return undefined;
}

/** Finds the moov box by walking the top-level boxes, reading only their headers, then reads it. */
export async function readMp4Facts(reader: ByteReader): Promise<ContainerFacts | undefined> {
  const head = await reader.read(0, HEAD_BYTES);
  if (head.length < 16) return undefined;
  const firstType = head.toString('latin1', 4, 8);
  if (firstType !== 'ftyp' && firstType !== 'moov' && firstType !== 'wide' && firstType !== 'free') return undefined;
  let at = 0;
  let chunk = head;
  let chunkAt = 0;
  for (let n = 0; n < MAX_TOP_LEVEL_BOXES; n++) {
    if (at + 16 > chunkAt + chunk.length) {
      chunk = await reader.read(at, 16);
      chunkAt = at;
      if (chunk.length < 8) return undefined;
    }
    const rel = at - chunkAt;
    let size = chunk.readUInt32BE(rel);
    const type = chunk.toString('latin1', rel + 4, rel + 8);
    if (!TOP_LEVEL.has(type) && type !== 'moof' && type !== 'mfra') return undefined;
    if (size === 1) size = Number(chunk.readBigUInt64BE(rel + 8));
    else if (size === 0) size = (reader.size() ?? at) - at;
    if (size < 8) return undefined;
    if (type === 'moof') return undefined;
    if (type === 'moov') {
      if (size > MAX_MOOV_BYTES) return undefined;
      const moov = rel + size <= chunk.length ? chunk.subarray(rel, rel + size) : await reader.read(at, size);
      if (moov.length < size) return undefined;
      return parseMoov(moov, reader.size());
    }
    at += size;
    const total = reader.size();
    if (total !== undefined && at >= total) return undefined;
  }
  return undefined;
}

export async function fileReader(file: string): Promise<ByteReader> {
  const handle = await fsp.open(file, 'r');
  const { size } = await handle.stat();
  return {
    async read(offset, length) {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      if (buf.length > 0) await handle.read(buf, 0, buf.length, offset);
      return buf;
    },
    size: () => size,
    close: () => handle.close(),
  };
}

/** Range requests over HTTP(S); a server that ignores Range is read only as far as needed. */
export function httpReader(url: string, signal?: AbortSignal): ByteReader {
  let total: number | undefined;
  return {
    async read(offset, length) {
      const res = await fetch(url, { headers: { Range: `bytes=${offset}-${offset + length - 1}` }, signal });
      if (res.status !== 206 && res.status !== 200) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status}`);
      }
      const range = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
      if (range) total = Number(range[1]);
      else if (res.status === 200 && res.headers.get('content-length')) total = Number(res.headers.get('content-length'));
      const skip = res.status === 200 ? offset : 0;
      const parts: Buffer[] = [];
      let got = 0;
      const reader = res.body!.getReader();
      while (got < skip + length) {
        const { value, done } = await reader.read();
        if (done) break;
        parts.push(Buffer.from(value));
        got += value.length;
      }
      await reader.cancel().catch(() => undefined);
      return Buffer.concat(parts).subarray(skip, skip + length);
    },
    size: () => total,
    close: async () => undefined,
  };
}
