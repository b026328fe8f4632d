/**
 * The local service's outbox worker: one pass of `announcePending` at start (announcements owed
 * when the process stopped) and then every `intervalMs`, so an announcement that could not be
 * sent goes out soon after its back-off ends. Cloud functions have no loop: the worker after its
 * job and the stale-job sweep call the same pass.
 */
import type { AnnounceReport } from './notify-job';
import type { ServiceLog } from './service-deps';
import { describeError } from './service-deps';

export class AnnouncementLoop {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly announce: () => Promise<AnnounceReport>,
    private readonly intervalMs: number,
    private readonly log: ServiceLog,
  ) {}

  start(): this {
    this.tick();
    return this;
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  private tick(): void {
    if (this.stopped) return;
    this.pass = this.announce().then(
      () => undefined,
      // A job store outage: the next pass tries again.
      (e) => this.log('notify.pass-failed', { error: describeError(e) }),
    );
    void this.pass.then(() => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tick(), this.intervalMs);
      this.timer.unref();
    });
  }
}
