/**
 * Runs a case's variants interleaved (project, baseline, baseline, ... then the next round in
 * reverse order), so slow drift of the machine (page cache, thermal, a neighbour) falls on all
 * of them alike, after one untimed warm-up each.
 */
import { summarize, type Summary } from './stats';

/** `project` is the headline path (what users call); `project-direct` is the same engine without the API in front. */
export type Role = 'project' | 'project-direct' | 'baseline';

export interface Sample {
  wallMs: number;
  cpuMs?: number;
  /** Body bytes the server sent (counted at the server). */
  bytes?: number;
  /** Bytes the reader itself consumed, where the reader can tell (ffmpeg's AVIO statistics). */
  consumedBytes?: number;
  requests?: number;
  peakRssKb?: number;
}

export interface Variant {
  id: string;
  label: string;
  role: Role;
  run: () => Promise<Sample>;
  /** Fewer repetitions for variants that decode a whole 10-minute file (tens of seconds each). */
  reps?: number;
  /** Skip the warm-up for heavy variants: the others have already pulled the file into the page cache. */
  warmup?: boolean;
}

export interface VariantResult {
  id: string;
  label: string;
  role: Role;
  samples: Sample[];
  wall: Summary;
  cpu?: Summary;
  bytes?: Summary;
  consumedBytes?: Summary;
  requests?: Summary;
  peakRssKb?: Summary;
}

function maybe(samples: Sample[], pick: (s: Sample) => number | undefined): Summary | undefined {
  const v = samples.map(pick).filter((x): x is number => typeof x === 'number');
  return v.length ? summarize(v) : undefined;
}

export function toResult(v: Pick<Variant, 'id' | 'label' | 'role'>, samples: Sample[]): VariantResult {
  return {
    id: v.id,
    label: v.label,
    role: v.role,
    samples,
    wall: summarize(samples.map((s) => s.wallMs)),
    cpu: maybe(samples, (s) => s.cpuMs),
    bytes: maybe(samples, (s) => s.bytes),
    consumedBytes: maybe(samples, (s) => s.consumedBytes),
    requests: maybe(samples, (s) => s.requests),
    peakRssKb: maybe(samples, (s) => s.peakRssKb),
  };
}

export async function runInterleaved(variants: Variant[], opts: { reps: number; log: (s: string) => void }): Promise<VariantResult[]> {
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.id, []]));
  for (const v of variants) {
    if (v.warmup !== false) await v.run();
  }
  const rounds = Math.max(...variants.map((v) => v.reps ?? opts.reps));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      if (r >= (v.reps ?? opts.reps)) continue;
      const s = await v.run();
      samples.get(v.id)!.push(s);
      opts.log(`    ${v.id} #${r + 1}: ${(s.wallMs / 1000).toFixed(3)} s`);
    }
  }
  return variants.map((v) => toResult(v, samples.get(v.id)!));
}
