/** Async multi-frame cases: a sparse exact sequence and a 10x10 key-frame sprite. */
import * as fs from 'node:fs';
import { fullDecodeSprite, keyframeSprite, multiSeekOneProcess, seekPerProcess, selectWholeFile, type SpriteSpec } from '../baselines';
import { at, out, type BenchContext } from '../context';
import { runInterleaved, type Variant } from '../harness';
import { atMost, ratioOf, type CaseResult } from '../report';
import { measureService, uniqueKey } from './project';
import type { Sample } from '../harness';
import { childrenCpuMs } from '../proc';

/** Times an in-process call to the capture module, its ffmpeg children included. */
async function measureDirect(fn: () => Promise<unknown>): Promise<Sample> {
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  const c0 = childrenCpuMs();
  await fn();
  const u = process.cpuUsage(u0);
  return { wallMs: performance.now() - t0, cpuMs: (u.user + u.system) / 1000 + childrenCpuMs() - c0 };
}

function scaledInterval(ctx: BenchContext, secondsOf600: number): number {
  return Math.max(1, Math.round((secondsOf600 / 600) * ctx.media.long.durationSec));
}

function bestOf(results: { id: string; wall: { median: number } }[], ids: string[]): string {
  return ids.filter((id) => results.some((r) => r.id === id)).sort((a, b) => results.find((r) => r.id === a)!.wall.median - results.find((r) => r.id === b)!.wall.median)[0];
}

export async function asyncSequence(ctx: BenchContext): Promise<CaseResult> {
  const v = ctx.media.long;
  // 105 s, 125 s, ...: each 5 s into its GOP (the average distance), none on a key frame.
  const start = at(ctx, 105);
  const interval = scaledInterval(ctx, 20);
  const times = Array.from({ length: 10 }, (_, i) => start + i * interval * 1000);
  const dir = out(ctx, 'seq');
  fs.mkdirSync(dir, { recursive: true });
  const svc = ctx.service;
  const variants: Variant[] = [];
  if (svc) {
    variants.push({
      id: 'project-api',
      label: 'project: SDK async job (Num=10, normal) until Success',
      role: 'project',
      run: () => {
        const inputKey = svc.freshInput(v.file);
        return measureService(svc, () =>
          svc.runAsync(inputKey, {
            OutputFile: svc.output(uniqueKey('seq', '-{Count}.jpg')),
            Time: String(start),
            Interval: String(interval),
            Num: '10',
            FrameType: 'normal',
          }),
        );
      },
    });
  }
  const newCapture = ctx.newCapture;
  if (newCapture) {
    variants.push({
      id: 'project-capture',
      label: 'project: capture module, 10 frames (normal)',
      role: 'project-direct',
      run: () => measureDirect(() => newCapture().capture({ uri: v.file, sizeBytes: v.sizeBytes }, times.map((timeMs) => ({ timeMs })), { frameType: 'normal' })),
    });
  }
  variants.push(
    { id: 'raw-multiseek', label: 'raw: one ffmpeg, 10 input seeks', role: 'baseline', run: () => multiSeekOneProcess(v.file, times, dir) },
    { id: 'raw-seek-x2', label: 'raw: one ffmpeg per frame, 2 in parallel', role: 'baseline', run: () => seekPerProcess(v.file, times, dir, 2) },
    {
      id: 'naive-select',
      label: 'naive: select filter over the whole file',
      role: 'baseline',
      reps: ctx.heavyReps,
      warmup: false,
      run: () => selectWholeFile(v.file, times, v.fps, dir),
    },
  );
  const results = await runInterleaved(variants, { reps: ctx.reps, log: ctx.log });
  const best = bestOf(results, ['raw-multiseek', 'raw-seek-x2']);
  const res: CaseResult = {
    id: 'async-seq',
    title: `async, 10 exact frames ${interval} s apart from ${start / 1000} s`,
    media: v.label,
    variants: results,
    comparisons: [],
    targets: [],
    notes: [`best raw strategy this run: ${best}`, ...(ctx.serviceError ? [`project path not run: ${ctx.serviceError}`] : [])],
    extra: { bestRaw: best, timesMs: times },
  };
  for (const b of ['raw-multiseek', 'raw-seek-x2', 'naive-select', 'project-capture']) {
    const c = ratioOf(results, 'project-api', b);
    if (c) res.comparisons.push(c);
  }
  const p = results.find((r) => r.id === 'project-api');
  if (p) res.targets.push(atMost('sparse sequence <= 1.2x best raw strategy', p.wall.median / results.find((r) => r.id === best)!.wall.median, 1.2, 'x'));
  return res;
}

export async function sprite(ctx: BenchContext): Promise<CaseResult> {
  const v = ctx.media.long;
  const interval = scaledInterval(ctx, 6);
  const sp: SpriteSpec = {
    intervalSec: interval,
    num: Math.min(100, Math.floor(v.durationSec / interval)),
    columns: 10,
    lines: 10,
    cellWidth: 160,
    cellHeight: 90,
  };
  const svc = ctx.service;
  const variants: Variant[] = [];
  if (svc) {
    variants.push({
      id: 'project-api',
      label: `project: SDK async job, TileOut 10x10, ${sp.num} intra cells`,
      role: 'project',
      run: () => {
        const inputKey = svc.freshInput(v.file);
        return measureService(svc, () =>
          svc.runAsync(inputKey, {
            OutputFile: svc.output(uniqueKey('cell', '-{Count}.jpg')),
            TileOutputFile: svc.output(uniqueKey('sprite', '-{TileCount}.jpg')),
            Time: '0',
            Interval: String(sp.intervalSec),
            Num: String(sp.num),
            FrameType: 'intra',
            Width: String(sp.cellWidth),
            Height: String(sp.cellHeight),
            TileOut: {
              Lines: String(sp.lines),
              Columns: String(sp.columns),
              CellWidth: String(sp.cellWidth),
              CellHeight: String(sp.cellHeight),
              IsKeepCellPic: 'false',
            },
          }),
        );
      },
    });
  }
  const newCapture = ctx.newCapture;
  if (newCapture) {
    const times = Array.from({ length: sp.num }, (_, i) => i * sp.intervalSec * 1000);
    variants.push({
      id: 'project-capture',
      label: `project: capture module captureSprites, ${sp.num} intra cells`,
      role: 'project-direct',
      run: () =>
        measureDirect(async () => {
          await newCapture().captureSprites({ uri: v.file, sizeBytes: v.sizeBytes }, times.map((timeMs) => ({ timeMs })), { frameType: 'intra' }, {
            columns: sp.columns,
            lines: sp.lines,
            margin: 0,
            padding: 0,
            cellWidth: sp.cellWidth,
            cellHeight: sp.cellHeight,
            background: 'black',
            cellSelStep: 1,
          });
        }),
    });
  }
  variants.push(
    { id: 'raw-keyframe-pass', label: 'raw: key frames only, one pass, fps+tile', role: 'baseline', run: () => keyframeSprite(v.file, sp, out(ctx, 'sprite-k.jpg')) },
    ...(ctx.secondary
      ? []
      : [
          {
            id: 'naive-full-decode',
            label: 'naive: fps+tile over a full decode',
            role: 'baseline' as const,
            reps: ctx.heavyReps,
            warmup: false,
            run: () => fullDecodeSprite(v.file, sp, out(ctx, 'sprite-f.jpg')),
          },
        ]),
  );
  const results = await runInterleaved(variants, { reps: ctx.reps, log: ctx.log });
  const res: CaseResult = {
    id: 'sprite',
    title: `sprite 10x10 over the whole video (${sp.num} cells, every ${sp.intervalSec} s, intra)`,
    media: v.label,
    variants: results,
    comparisons: [],
    targets: [],
    notes: ctx.serviceError ? [`project path not run: ${ctx.serviceError}`] : [],
  };
  for (const b of ['raw-keyframe-pass', 'naive-full-decode', 'project-capture']) {
    const c = ratioOf(results, 'project-api', b);
    if (c) res.comparisons.push(c);
  }
  const p = results.find((r) => r.id === 'project-api');
  if (p) res.targets.push(atMost('sprite <= 1.15x raw key-frame tile pass', p.wall.median / results.find((r) => r.id === 'raw-keyframe-pass')!.wall.median, 1.15, 'x'));
  return res;
}
