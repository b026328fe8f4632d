/**
 * Recognizes the Function Compute timer trigger's event that asks the worker for a stale-job
 * sweep. FC invokes the function with `{"triggerTime":"2024-05-19T03:10:00Z","triggerName":"...",
 * "payload":"..."}`, where `payload` is the trigger's configured message, here
 * `{"sweep":"stale-jobs"}` (the construct sets it). Anything else is not a sweep request.
 */
export const STALE_JOB_SWEEP = 'stale-jobs';

export interface SweepRequest {
  readonly triggerName: string;
  readonly triggerTime: string;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function sweepRequestOf(body: Buffer | string): SweepRequest | undefined {
  const event = parse((typeof body === 'string' ? body : body.toString('utf8')).trim());
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  const e = event as Record<string, unknown>;
  if (typeof e.triggerTime !== 'string' || typeof e.payload !== 'string') return undefined;
  const payload = parse(e.payload);
  if (typeof payload !== 'object' || payload === null || (payload as Record<string, unknown>).sweep !== STALE_JOB_SWEEP) return undefined;
  return { triggerName: typeof e.triggerName === 'string' ? e.triggerName : '', triggerTime: e.triggerTime };
}
