/**
 * The least a reader must fetch to decode the frame at T: the container's index (everything that
 * is not packet payload: ftyp, moov, box headers) plus the byte span from the key frame at or
 * before T to the end of the target frame's packet in decode order (interleaved audio included,
 * since a range read cannot skip it). Derived from ffprobe's packet table.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { binaries } from './ffmpeg';

const pexec = promisify(execFile);

interface Packet {
  pts_time?: string;
  dts_time?: string;
  pos?: string;
  size?: string;
  flags?: string;
  stream_index?: number;
}

async function packets(file: string, args: string[]): Promise<Packet[]> {
  const { stdout } = await pexec(binaries().ffprobe, ['-v', 'error', ...args, '-show_entries', 'packet=stream_index,pts_time,dts_time,pos,size,flags', '-of', 'json', file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return ((JSON.parse(stdout) as { packets?: Packet[] }).packets ?? []).filter((p) => p.pos !== undefined && p.pos !== 'N/A');
}

export interface ByteFloor {
  indexBytes: number;
  gopSpanBytes: number;
  totalBytes: number;
}

export async function byteFloor(file: string, sizeBytes: number, durationSec: number, timeMs: number): Promise<ByteFloor> {
  const t = timeMs / 1000;
  const head = await packets(file, ['-read_intervals', '%+#20']);
  const tail = await packets(file, ['-read_intervals', `${Math.max(0, durationSec - 3)}%+10`]);
  const firstPos = Math.min(...head.map((p) => Number(p.pos)));
  const lastEnd = Math.max(...tail.map((p) => Number(p.pos) + Number(p.size)));
  const indexBytes = sizeBytes - (lastEnd - firstPos);

  const around = (await packets(file, ['-select_streams', 'v:0', '-read_intervals', `${Math.max(0, t - 30)}%${t + 5}`])).map((p) => ({
    pts: Number(p.pts_time),
    dts: Number(p.dts_time),
    pos: Number(p.pos),
    end: Number(p.pos) + Number(p.size),
    key: (p.flags ?? '').includes('K'),
  }));
  const eps = 1e-3;
  const key = around.filter((p) => p.key && p.pts <= t + eps).sort((a, b) => b.pts - a.pts)[0];
  const target = around.filter((p) => p.pts <= t + eps).sort((a, b) => b.pts - a.pts)[0];
  if (!key || !target) throw new Error(`no key frame found before ${t} s in ${file}`);
  const needed = around.filter((p) => p.dts >= key.dts - eps && p.dts <= target.dts + eps);
  const spanEnd = Math.max(...needed.map((p) => p.end));
  const gopSpanBytes = spanEnd - key.pos;
  return { indexBytes, gopSpanBytes, totalBytes: indexBytes + gopSpanBytes };
}
