/**
 * Bounded work in flight: a counting semaphore for the jobs one process runs at once, sync and
 * async together, so they never oversubscribe the cores. Sync requests go to the front of the
 * line and give up after a short wait (the caller gets `Throttling` at once instead of a
 * `SnapshotTimeOut` after its deadline); async runs wait as long as it takes.
 */
export class JobSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** How many of `waiting` (at its front) asked to go first. */
  private firstWaiters = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`JobSlots: limit must be a positive integer, got ${limit}`);
  }

  get running(): number {
    return this.active;
  }

  /**
   * A release function once a slot is held, or undefined when none freed up within `waitMs`
   * (Infinity: wait as long as it takes). `first` waiters are served before the others.
   */
  acquire(waitMs: number, first = false): Promise<(() => void) | undefined> {
    if (this.active < this.limit && this.waiting.length === 0) return Promise.resolve(this.hold());
    if (waitMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const grant = () => {
        clearTimeout(timer);
        resolve(this.hold());
      };
      if (Number.isFinite(waitMs)) {
        timer = setTimeout(() => {
          const i = this.waiting.indexOf(grant);
          if (i >= 0) this.waiting.splice(i, 1);
          if (i >= 0 && i < this.firstWaiters) this.firstWaiters--;
          resolve(undefined);
        }, waitMs);
      }
      if (first) this.waiting.splice(this.firstWaiters++, 0, grant);
      else this.waiting.push(grant);
    });
  }

  private hold(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      // The slot passes straight to the next waiter, if any.
      const next = this.waiting.shift();
      if (next && this.firstWaiters > 0) this.firstWaiters--;
      next?.();
    };
  }
}
