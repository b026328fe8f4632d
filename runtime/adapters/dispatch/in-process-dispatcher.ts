/**
 * Runs async jobs inside this process (the local service): first in, first out, never more than
 * `concurrency` at once, so a burst of submissions queues instead of starting a crowd of ffmpeg
 * processes. A run that throws is reported and forgotten: the job record already says what
 * happened, and one bad job must not take the service down.
 */
import { Errors } from '../../core/errors';
import type { JobDispatcher } from '../../core/ports';

export interface InProcessDispatcherOptions {
  readonly run: (jobId: string) => Promise<void>;
  /** Jobs running at the same time; at least 1. */
  readonly concurrency: number;
  /** Where failed runs are reported. @default console.error */
  readonly onError?: (jobId: string, error: unknown) => void;
}

export class InProcessDispatcher implements JobDispatcher {
  private readonly queue: string[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private closed = false;

  constructor(private readonly options: InProcessDispatcherOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`InProcessDispatcher: concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.concurrency = options.concurrency;
  }

  /** Queues the job and returns at once; the run starts when a slot is free. */
  async dispatch(jobId: string): Promise<void> {
    if (this.closed) throw Errors.serviceUnavailable('the service is shutting down and accepts no new jobs');
    this.queue.push(jobId);
    this.pump();
  }

  /** Jobs waiting for a slot. */
  get pending(): number {
    return this.queue.length;
  }

  /** Jobs running now. */
  get active(): number {
    return this.running.size;
  }

  /** Resolves when nothing is queued or running. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking and starting work, then waits for the running jobs (at most `graceMs` when
   * given). Jobs still queued are returned, not run: their records stay unfinished in the job
   * store, and the next start resumes them.
   */
  async close(graceMs?: number): Promise<string[]> {
    this.closed = true;
    const left = this.queue.splice(0);
    const running = Promise.all([...this.running]).then(() => undefined);
    if (graceMs === undefined) {
      await running;
    } else {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    this.notifyIdle();
    return left;
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.queue.length > 0) {
      const jobId = this.queue.shift()!;
      const run = this.start(jobId);
      this.running.add(run);
      void run.finally(() => {
        this.running.delete(run);
        this.pump();
        this.notifyIdle();
      });
    }
  }

  private async start(jobId: string): Promise<void> {
    try {
      await this.options.run(jobId);
    } catch (err) {
      try {
        (this.options.onError ?? defaultOnError)(jobId, err);
      } catch {
        // A broken error reporter must not break the queue either.
      }
    }
  }

  private notifyIdle(): void {
    if (this.running.size > 0 || (this.queue.length > 0 && !this.closed)) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function defaultOnError(jobId: string, err: unknown): void {
  console.error(`job ${jobId} failed outside its record: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
