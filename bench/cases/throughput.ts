/**
 * N sync jobs submitted at once (N = 1, 2, 4, 8) against N x the single-job time: does the
 * service use both cores, and does it queue rather than thrash (and stay in bounded memory)
 * beyond them?
 */
import { at, type BenchContext } from '../context';
import { toResult, type Sample } from '../harness';
import { atMost, type CaseResult } from '../report';
import { summarize } from '../stats';
import { uniqueKey } from './project';
import { ffmpeg } from '../ffmpeg';
import { childrenCpuMs } from '../proc';
import * as os from 'node:os';
import * as path from 'node:path';

export async function throughput(ctx: BenchContext): Promise<CaseResult> {
  const svc = ctx.service;
  const t = at(ctx, 505);
  const ns = ctx.quick ? [1, 2, 4] : [1, 2, 4, 8];
  const res: CaseResult = {
    id: 'throughput',
    title: `throughput, N concurrent sync exact frames at ${t / 1000} s`,
    media: ctx.media.long.label,
    variants: [],
    comparisons: [],
    targets: [],
    notes: [],
  };
  if (!svc) {
    res.error = ctx.serviceError ?? 'service not available';
    return res;
  }
  const job = (): Promise<unknown> => svc.runSync(svc.freshInput(ctx.media.long.file), { OutputFile: svc.output(uniqueKey('tp')), Time: String(t), FrameType: 'normal' });
  const batch = async (n: number): Promise<{ sample: Sample; latencies: number[]; failures: string[] }> => {
    const sampler = svc.rssSampler().start();
    const cpu0 = svc.cpuMs();
    const t0 = performance.now();
    const failures: string[] = [];
    const latencies = await Promise.all(
      Array.from({ length: n }, async () => {
        const j0 = performance.now();
        try {
          await job();
        } catch (e) {
          failures.push(e instanceof Error ? e.message.split('\n')[0] : String(e));
        }
        return performance.now() - j0;
      }),
    );
    const wallMs = performance.now() - t0;
    const peakRssKb = sampler.stop();
    return { sample: { wallMs, cpuMs: svc.cpuMs() - cpu0, peakRssKb }, latencies, failures };
  };

  // The same N captures as N raw ffmpeg processes started at once: what the hardware allows
  // without any queueing, the reference for "uses both cores".
  const rawBatch = async (n: number): Promise<Sample> => {
    const c0 = childrenCpuMs();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        ffmpeg(['-ss', (t / 1000).toFixed(3), '-i', ctx.media.long.file, '-frames:v', '1', '-an', '-y', path.join(ctx.tmpDir, `tp-raw-${i}.jpg`)]),
      ),
    );
    return { wallMs: performance.now() - t0, cpuMs: childrenCpuMs() - c0 };
  };

  await batch(1); // warm-up
  await rawBatch(1);
  const rawSamples = new Map<number, Sample[]>(ns.map((n) => [n, []]));
  const rounds = ctx.reps;
  const samples = new Map<number, Sample[]>(ns.map((n) => [n, []]));
  const lat = new Map<number, number[]>(ns.map((n) => [n, []]));
  const failures: string[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const n of r % 2 === 0 ? ns : [...ns].reverse()) {
      const b = await batch(n);
      samples.get(n)!.push(b.sample);
      lat.get(n)!.push(...b.latencies);
      failures.push(...b.failures.map((f) => `N=${n}: ${f}`));
      const raw = await rawBatch(n);
      rawSamples.get(n)!.push(raw);
      ctx.log(`    N=${n} #${r + 1}: ${(b.sample.wallMs / 1000).toFixed(3)} s${b.failures.length ? `, ${b.failures.length} failed` : ''}; raw ${(raw.wallMs / 1000).toFixed(3)} s`);
    }
    svc.clearOutputs();
  }
  res.variants = [
    ...ns.map((n) => toResult({ id: `n${n}`, label: `project: ${n} concurrent sync job${n > 1 ? 's' : ''} (batch wall)`, role: 'project' }, samples.get(n)!)),
    ...ns.map((n) => toResult({ id: `raw-n${n}`, label: `raw: ${n} ffmpeg -ss -i at once (batch wall)`, role: 'baseline' }, rawSamples.get(n)!)),
  ];
  const rawWall = (n: number): number => res.variants.find((v) => v.id === `raw-n${n}`)!.wall.median;
  const wall = (n: number): number => res.variants.find((v) => v.id === `n${n}`)!.wall.median;
  const rss = (n: number): number => res.variants.find((v) => v.id === `n${n}`)!.peakRssKb!.max;
  const single = wall(1);
  const table = ns.map((n) => ({
    n,
    batchWallMs: wall(n),
    nTimesSingleMs: n * single,
    ratioToSequential: wall(n) / (n * single),
    rawParallelWallMs: rawWall(n),
    ratioToRawParallel: wall(n) / rawWall(n),
    perJobLatencyMedianMs: summarize(lat.get(n)!).median,
    perJobLatencyMaxMs: summarize(lat.get(n)!).max,
    cpuMsPerJob: res.variants.find((v) => v.id === `n${n}`)!.cpu!.median / n,
    peakRssMB: rss(n) / 1024,
  }));
  res.extra = { table, failures };
  for (const row of table) {
    res.comparisons.push({ project: `n${row.n}`, baseline: `${row.n} x single-job time`, ratio: row.ratioToSequential });
    res.comparisons.push({ project: `n${row.n}`, baseline: `raw-n${row.n}`, ratio: row.ratioToRawParallel });
    res.notes.push(
      `N=${row.n}: batch ${(row.batchWallMs / 1000).toFixed(3)} s vs ${row.n} x single ${(row.nTimesSingleMs / 1000).toFixed(3)} s = ${row.ratioToSequential.toFixed(2)}x, vs ${row.n} raw ffmpeg at once ${(row.rawParallelWallMs / 1000).toFixed(3)} s = ${row.ratioToRawParallel.toFixed(2)}x; job latency median ${(row.perJobLatencyMedianMs / 1000).toFixed(3)} s, max ${(row.perJobLatencyMaxMs / 1000).toFixed(3)} s; CPU ${(row.cpuMsPerJob / 1000).toFixed(2)} s/job; peak RSS ${row.peakRssMB.toFixed(0)} MB`,
    );
  }
  if (failures.length) res.notes.push(`${failures.length} job(s) failed: ${[...new Set(failures)].slice(0, 3).join('; ')}`);
  res.targets.push(atMost('N=2 finishes within 1.3x the N=1 time', wall(2) / single, 1.3, 'x'));
  // One capture already keeps more than one core busy (ffmpeg decodes with frame threads), so two
  // cannot finish in less than twice one job's CPU spread over the cores.
  const cpu1 = res.variants.find((v) => v.id === 'n1')!.cpu!.median;
  const nproc = os.cpus().length;
  res.notes.push(
    `one job uses ${(cpu1 / single).toFixed(2)} cores on average (${(cpu1 / 1000).toFixed(2)} CPU-s in ${(single / 1000).toFixed(3)} s); on ${nproc} cores N=2 cannot beat ${((2 * cpu1) / nproc / single).toFixed(2)}x the N=1 time; raw ffmpeg x2 took ${(rawWall(2) / rawWall(1)).toFixed(2)}x its N=1`,
  );
  for (const n of ns.filter((x) => x > 2)) {
    res.targets.push(atMost(`N=${n}: time per job within 1.1x of N=2's (queueing, not thrashing)`, wall(n) / n / (wall(2) / 2), 1.1, 'x'));
  }
  const top = ns[ns.length - 1];
  res.targets.push(atMost(`bounded memory: peak RSS at N=${top} within 1.5x of N=2`, rss(top) / rss(2), 1.5, 'x'));
  return res;
}
