/** Wraps a project call (through the service) as a timed sample with the service's CPU and memory. */
import type { Sample } from '../harness';
import type { BenchService } from '../service';

export async function measureService(svc: BenchService, call: () => Promise<unknown>): Promise<Sample> {
  const sampler = svc.rssSampler().start();
  const cpu0 = svc.cpuMs();
  const t0 = performance.now();
  let peakRssKb = 0;
  try {
    await call();
  } finally {
    peakRssKb = sampler.stop();
  }
  const wallMs = performance.now() - t0;
  // ffmpeg children are reaped before the answer goes out, so their CPU is in cutime by now.
  return { wallMs, cpuMs: svc.cpuMs() - cpu0, peakRssKb };
}

let seq = 0;
/** A fresh output key per call, so no run can be served by a previous run's file. */
export function uniqueKey(prefix: string, ext = '.jpg'): string {
  seq += 1;
  return `bench/${prefix}-${process.pid}-${seq}${ext}`;
}
