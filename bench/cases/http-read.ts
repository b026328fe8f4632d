/**
 * Reading over HTTP the way the cloud function reads OSS: the capture module given a URL that
 * serves byte ranges, against raw ffmpeg on the same URL and the download-first template.
 * Reports bytes and requests as the server counted them.
 */
import { downloadThenCapture, exactFrameOverHttp } from '../baselines';
import { at, out, type BenchContext } from '../context';
import { runInterleaved, type Sample, type Variant } from '../harness';
import type { Video } from '../media';
import { childrenCpuMs } from '../proc';
import { atMost, ratioOf, type CaseResult } from '../report';
import { byteFloor } from '../byte-floor';

async function counted(ctx: BenchContext, fn: () => Promise<Sample>): Promise<Sample> {
  ctx.rangeServer.reset();
  const s = await fn();
  const t = ctx.rangeServer.totals();
  return { ...s, bytes: t.bytes, requests: t.requests };
}

async function oneFile(ctx: BenchContext, video: Video, id: string): Promise<CaseResult> {
  const t = at(ctx, 505);
  const url = ctx.rangeServer.serve(`${id}.mp4`, video.file);
  const variants: Variant[] = [];
  const newCapture = ctx.newCapture;
  if (newCapture) {
    variants.push({
      id: 'project-capture',
      label: 'project: capture module reading the URL',
      role: 'project',
      run: () =>
        counted(ctx, async () => {
          const t0 = performance.now();
          const u0 = process.cpuUsage();
          const c0 = childrenCpuMs();
          await newCapture().capture({ uri: url, sizeBytes: video.sizeBytes }, [{ timeMs: t }], { frameType: 'normal' });
          const u = process.cpuUsage(u0);
          return { wallMs: performance.now() - t0, cpuMs: (u.user + u.system) / 1000 + childrenCpuMs() - c0 };
        }),
    });
  }
  variants.push(
    { id: 'raw-http', label: 'raw: ffmpeg -ss T -i URL (its own range reads)', role: 'baseline', run: () => counted(ctx, () => exactFrameOverHttp(url, t, out(ctx, `${id}-raw.jpg`))) },
    ...(ctx.secondary
      ? []
      : [
          {
            id: 'download-then-capture',
            label: 'download whole file, then capture',
            role: 'baseline' as const,
            run: () => counted(ctx, () => downloadThenCapture(url, t, ctx.tmpDir, out(ctx, `${id}-dl.jpg`))),
          },
        ]),
  );
  const results = await runInterleaved(variants, { reps: ctx.reps, log: ctx.log });
  const floor = await byteFloor(video.file, video.sizeBytes, video.durationSec, t);
  const pct = (b: number): string => `${((100 * b) / video.sizeBytes).toFixed(2)}%`;
  const res: CaseResult = {
    id,
    title: `read over HTTP, one exact frame at ${t / 1000} s, ${video.faststart ? 'faststart' : 'moov at end'}`,
    media: video.label,
    variants: results,
    comparisons: [],
    targets: [],
    notes: ctx.captureError ? [`project path not run: ${ctx.captureError}`] : [],
    extra: {
      fileBytes: video.sizeBytes,
      minimumBytes: floor,
      bytesRead: Object.fromEntries(results.map((r) => [r.id, { median: r.bytes?.median, consumedByReader: r.consumedBytes?.median, requests: r.requests?.median, percentOfFile: r.bytes ? (100 * r.bytes.median) / video.sizeBytes : undefined }])),
    },
  };
  for (const b of ['raw-http', 'download-then-capture']) {
    const c = ratioOf(results, 'project-capture', b);
    if (c) res.comparisons.push(c);
  }
  const p = results.find((r) => r.id === 'project-capture');
  const raw = results.find((r) => r.id === 'raw-http');
  if (p?.bytes && raw?.bytes) {
    res.targets.push(atMost(`bytes read for one frame <= 1.1x raw ffmpeg's (${video.faststart ? 'faststart' : 'moov at end'})`, p.bytes.median / raw.bytes.median, 1.1, 'x'));
  }
  res.notes.push(
    `least a reader must fetch for this frame: ${(floor.totalBytes / 1e6).toFixed(2)} MB (${pct(floor.totalBytes)}) = index ${(floor.indexBytes / 1e6).toFixed(2)} MB + key frame to target ${(floor.gopSpanBytes / 1e6).toFixed(2)} MB`,
  );
  for (const r of results) {
    if (r.bytes && r.requests) {
      const consumed = r.consumedBytes ? `; the reader itself consumed ${(r.consumedBytes.median / 1e6).toFixed(2)} MB (${pct(r.consumedBytes.median)})` : '';
      res.notes.push(`${r.id}: server sent ${(r.bytes.median / 1e6).toFixed(2)} MB in ${r.requests.median} requests (${pct(r.bytes.median)})${consumed}`);
    }
  }
  return res;
}

export function httpReadFaststart(ctx: BenchContext): Promise<CaseResult> {
  return oneFile(ctx, ctx.media.long, 'http-faststart');
}

export function httpReadMoovEnd(ctx: BenchContext): Promise<CaseResult> {
  return oneFile(ctx, ctx.media.longMoovEnd, 'http-moovend');
}
