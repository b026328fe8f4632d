/**
 * Bounded work in flight: a counting semaphore whose waiters give up after a short wait, so a
 * request the process cannot start soon is refused at once (`Throttling`) instead of queueing
 * until its deadline passes.
 */
export class JobSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`JobSlots: limit must be a positive integer, got ${limit}`);
  }

  get running(): number {
    return this.active;
  }

  /** A release function once a slot is held, or undefined when none freed up within `waitMs`. */
  acquire(waitMs: number): Promise<(() => void) | undefined> {
    if (this.active < this.limit) return Promise.resolve(this.hold());
    if (waitMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(this.hold());
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(undefined);
      }, waitMs);
      this.waiting.push(grant);
    });
  }

  private hold(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      // The slot passes straight to the longest waiter, if any.
      this.waiting.shift()?.();
    };
  }
}
