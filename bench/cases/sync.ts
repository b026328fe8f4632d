/** Sync single-frame cases: exact frame, key frame, and an exact frame of the 4K file. */
import { downloadThenCapture, exactFrame, intraFrame } from '../baselines';
import { at, out, type BenchContext } from '../context';
import { runInterleaved, type Variant } from '../harness';
import type { Video } from '../media';
import { atMost, ratioOf, type CaseResult } from '../report';
import { childrenCpuMs } from '../proc';
import { measureService, uniqueKey } from './project';

function apiVariant(ctx: BenchContext, video: Video, timeMs: number, frameType: 'normal' | 'intra'): Variant[] {
  const svc = ctx.service;
  if (!svc) return [];
  return [
    {
      id: 'project-api',
      label: `project: SDK SubmitSnapshotJob, FrameType=${frameType}`,
      role: 'project',
      run: () => {
        const inputKey = svc.freshInput(video.file);
        return measureService(svc, () =>
          svc.runSync(inputKey, { OutputFile: svc.output(uniqueKey(`sync-${frameType}`)), Time: String(timeMs), FrameType: frameType }),
        );
      },
    },
  ];
}

function captureVariant(ctx: BenchContext, video: Video, timeMs: number, frameType: 'normal' | 'intra'): Variant[] {
  const newCapture = ctx.newCapture;
  if (!newCapture) return [];
  return [
    {
      id: 'project-capture',
      label: `project: capture module, local file (${frameType})`,
      role: 'project-direct',
      run: async () => {
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        const c0 = childrenCpuMs();
        await newCapture().capture({ uri: video.file, sizeBytes: video.sizeBytes }, [{ timeMs }], { frameType });
        const u = process.cpuUsage(cpu0);
        return { wallMs: performance.now() - t0, cpuMs: (u.user + u.system) / 1000 + childrenCpuMs() - c0 };
      },
    },
  ];
}

function notes(ctx: BenchContext): string[] {
  const n: string[] = [];
  if (ctx.serviceError) n.push(`project path not run: ${ctx.serviceError}`);
  return n;
}

export async function syncExact(ctx: BenchContext): Promise<CaseResult> {
  const v = ctx.media.long;
  const t = at(ctx, 505);
  const url = ctx.rangeServer.serve('sync-exact.mp4', v.file);
  const variants: Variant[] = [
    ...apiVariant(ctx, v, t, 'normal'),
    { id: 'floor', label: `floor: ffmpeg -ss ${t / 1000} -i FILE -frames:v 1`, role: 'baseline', run: () => exactFrame(v.file, t, out(ctx, 'floor.jpg')) },
    // What common function templates do; its bytes and requests are the point, not its time
    // (a loopback download is not what users have).
    ...(ctx.secondary
      ? []
      : [{ id: 'download-then-capture', label: 'download whole file over HTTP, then capture', role: 'baseline' as const, run: () => downloadThenCapture(url, t, ctx.tmpDir, out(ctx, 'dl.jpg')) }]),
    ...captureVariant(ctx, v, t, 'normal'),
  ];
  const results = await runInterleaved(variants, { reps: ctx.reps, log: ctx.log });
  const res: CaseResult = {
    id: 'sync-exact',
    title: `sync, one exact frame at ${t / 1000} s`,
    media: v.label,
    variants: results,
    comparisons: [],
    targets: [],
    notes: notes(ctx),
  };
  const p = results.find((r) => r.id === 'project-api');
  const floor = results.find((r) => r.id === 'floor')!;
  for (const b of ['floor', 'download-then-capture', 'project-capture']) {
    const c = ratioOf(results, 'project-api', b);
    if (c) res.comparisons.push(c);
  }
  if (p) res.targets.push(atMost('exact frame <= 1.10x raw floor', p.wall.median / floor.wall.median, 1.1, 'x'));
  return res;
}

export async function syncIntra(ctx: BenchContext): Promise<CaseResult> {
  const v = ctx.media.long;
  const t = at(ctx, 505);
  const variants: Variant[] = [
    ...apiVariant(ctx, v, t, 'intra'),
    {
      id: 'raw-keyframe',
      label: `raw: -skip_frame nokey -noaccurate_seek -ss ${t / 1000}`,
      role: 'baseline',
      run: () => intraFrame(v.file, t, out(ctx, 'intra.jpg')),
    },
    ...captureVariant(ctx, v, t, 'intra'),
  ];
  const results = await runInterleaved(variants, { reps: ctx.reps, log: ctx.log });
  const res: CaseResult = {
    id: 'sync-intra',
    title: `sync, key frame at or before ${t / 1000} s`,
    media: v.label,
    variants: results,
    comparisons: [],
    targets: [],
    notes: notes(ctx),
  };
  for (const b of ['raw-keyframe', 'project-capture']) {
    const c = ratioOf(results, 'project-api', b);
    if (c) res.comparisons.push(c);
  }
  const p = results.find((r) => r.id === 'project-api');
  const raw = results.find((r) => r.id === 'raw-keyframe')!;
  if (p) res.targets.push(atMost('intra frame <= 1.15x fastest raw key-frame command', p.wall.median / raw.wall.median, 1.15, 'x'));
  return res;
}

export async function sync4k(ctx: BenchContext): Promise<CaseResult> {
  const v = ctx.media.uhd;
  // Same relative position as 505 s of 600 s: mid-GOP, not on a key frame.
  const t = Math.round(v.durationSec * 1000 * (505 / 600));
  const variants: Variant[] = [
    ...apiVariant(ctx, v, t, 'normal'),
    { id: 'floor', label: `floor: ffmpeg -ss ${t / 1000} -i FILE -frames:v 1`, role: 'baseline', run: () => exactFrame(v.file, t, out(ctx, 'floor4k.jpg')) },
  ];
  const results = await runInterleaved(variants, { reps: ctx.reps, log: ctx.log });
  const res: CaseResult = {
    id: 'sync-4k',
    title: `sync, one exact frame at ${t / 1000} s, 4K`,
    media: v.label,
    variants: results,
    comparisons: [],
    targets: [],
    notes: notes(ctx),
  };
  const c = ratioOf(results, 'project-api', 'floor');
  if (c) res.comparisons.push(c);
  const p = results.find((r) => r.id === 'project-api');
  const floor = results.find((r) => r.id === 'floor')!;
  if (p) res.targets.push(atMost('4K exact frame <= 1.10x raw floor (the exact-frame target applied to 4K)', p.wall.median / floor.wall.median, 1.1, 'x'));
  return res;
}
