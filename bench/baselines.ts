/**
 * The raw ffmpeg strategies the project is measured against: the floor (what one well-formed
 * ffmpeg command costs) and the naive approaches common function templates use.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { binaries, ffmpeg, run, selfCpuMs } from './ffmpeg';
import type { Sample } from './harness';
import { childrenCpuMs } from './proc';

const s = (ms: number): string => (ms / 1000).toFixed(3);

/** The floor for an exact frame: input seek, decode from the key frame before it, one frame. */
export async function exactFrame(file: string, timeMs: number, out: string): Promise<Sample> {
  const r = await ffmpeg(['-ss', s(timeMs), '-i', file, '-frames:v', '1', '-an', '-y', out]);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs };
}

/**
 * The fastest raw key-frame command: seek to the key frame at or before T without discarding up
 * to T (`-noaccurate_seek`) and let the decoder skip everything that is not a key frame.
 */
export async function intraFrame(file: string, timeMs: number, out: string): Promise<Sample> {
  const r = await ffmpeg(['-skip_frame', 'nokey', '-noaccurate_seek', '-ss', s(timeMs), '-i', file, '-frames:v', '1', '-an', '-y', out]);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs };
}

/** One process, one input seek per frame (issue 4's "fast and correct" for sparse sequences). */
export async function multiSeekOneProcess(file: string, timesMs: number[], outDir: string): Promise<Sample> {
  const args: string[] = [];
  timesMs.forEach((t) => args.push('-ss', s(t), '-i', file));
  timesMs.forEach((_, i) => args.push('-map', `${i}:v:0`, '-frames:v', '1', '-y', path.join(outDir, `m${i}.jpg`)));
  const r = await ffmpeg(args);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs };
}

/** One process per frame, `parallel` at a time (2 = one per core). */
export async function seekPerProcess(file: string, timesMs: number[], outDir: string, parallel: number): Promise<Sample> {
  const t0 = performance.now();
  // Per-process deltas overlap when two run at once; one delta around the batch does not.
  const c0 = childrenCpuMs();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < timesMs.length) {
      const i = next++;
      await exactFrame(file, timesMs[i], path.join(outDir, `p${i}.jpg`));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { wallMs: performance.now() - t0, cpuMs: childrenCpuMs() - c0 };
}

/** The naive sequence: a `select` filter over a decode of the whole file. */
export async function selectWholeFile(file: string, timesMs: number[], fps: number, outDir: string): Promise<Sample> {
  const expr = timesMs.map((t) => `eq(n\\,${Math.round((t / 1000) * fps)})`).join('+');
  const r = await ffmpeg(['-i', file, '-an', '-vf', `select='${expr}'`, '-vsync', 'vfr', '-y', path.join(outDir, 'sel%03d.jpg')]);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs };
}

export interface SpriteSpec {
  intervalSec: number;
  num: number;
  columns: number;
  lines: number;
  cellWidth: number;
  cellHeight: number;
}

function spriteFilter(sp: SpriteSpec): string {
  // fps picks one frame per interval (the last one at or before each tick when fed key frames
  // only); select caps the count at `num`, as the API does.
  return `fps=1/${sp.intervalSec}:round=down,select='lt(n\\,${sp.num})',scale=${sp.cellWidth}:${sp.cellHeight},tile=${sp.columns}x${sp.lines}`;
}

/** Key frames only, one pass, straight into a tile filter. */
export async function keyframeSprite(file: string, sp: SpriteSpec, out: string): Promise<Sample> {
  const r = await ffmpeg(['-skip_frame', 'nokey', '-i', file, '-an', '-vf', spriteFilter(sp), '-vsync', 'vfr', '-frames:v', '1', '-y', out]);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs };
}

/** The naive sprite: decode every frame, let fps+tile pick. */
export async function fullDecodeSprite(file: string, sp: SpriteSpec, out: string): Promise<Sample> {
  const r = await ffmpeg(['-i', file, '-an', '-vf', spriteFilter(sp), '-vsync', 'vfr', '-frames:v', '1', '-y', out]);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs };
}

/** Streams a URL to a file (what a function does before handing ffmpeg a local path). */
export function download(url: string, dest: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${url}: ${res.statusCode}`));
          res.resume();
          return;
        }
        const out = fs.createWriteStream(dest);
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.pipe(out);
        out.on('finish', () => resolve(bytes));
        out.on('error', reject);
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** What common FC/Lambda thumbnail templates do: download the object to /tmp, then capture. */
export async function downloadThenCapture(url: string, timeMs: number, tmpDir: string, out: string): Promise<Sample> {
  const t0 = performance.now();
  const cpu0 = selfCpuMs();
  const tmp = path.join(tmpDir, `download-${process.pid}.mp4`);
  try {
    const bytes = await download(url, tmp);
    const dl = selfCpuMs() - cpu0;
    const r = await exactFrame(tmp, timeMs, out);
    return { wallMs: performance.now() - t0, cpuMs: dl + (r.cpuMs ?? 0), bytes, requests: 1 };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Raw ffmpeg reading the URL itself (its own byte-range seeking). At `-v verbose` ffmpeg logs
 * how many bytes its demuxer actually pulled from the input (AVIO statistics): what the reader
 * consumed, as opposed to what the server pushed before the reader hung up.
 */
export async function exactFrameOverHttp(url: string, timeMs: number, out: string): Promise<Sample> {
  const r = await run(binaries().ffmpeg, ['-hide_banner', '-nostdin', '-v', 'verbose', '-ss', s(timeMs), '-i', url, '-frames:v', '1', '-an', '-y', out]);
  if (r.code !== 0) throw new Error(`ffmpeg over HTTP failed: ${r.stderr.slice(-800)}`);
  const consumed = [...r.stderr.matchAll(/Statistics: (\d+) bytes read/g)].map((m) => Number(m[1]));
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, consumedBytes: consumed.length ? Math.max(...consumed) : undefined };
}
