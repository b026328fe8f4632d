import { InProcessDispatcher } from '../../../runtime/adapters/dispatch/in-process-dispatcher';
import { hasSettled, untilTimersArmed, useFakeClock } from '../../support/fake-clock';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InProcessDispatcher', () => {
  it('never runs more than `concurrency` jobs at once, and starts them first in, first out', async () => {
    let running = 0;
    let peak = 0;
    const started: string[] = [];
    const d = new InProcessDispatcher({
      concurrency: 3,
      run: async (id) => {
        started.push(id);
        running++;
        peak = Math.max(peak, running);
        await tick(5 + (Number(id) % 4) * 5);
        running--;
      },
    });
    const ids = Array.from({ length: 20 }, (_, i) => String(i));
    for (const id of ids) await d.dispatch(id);
    expect(d.active).toBe(3);
    expect(d.pending).toBe(17);
    await d.drain();
    expect(peak).toBe(3);
    expect(started).toEqual(ids);
    expect(d.active + d.pending).toBe(0);
  });

  it('dispatch returns before the job runs to completion', async () => {
    let finished = false;
    const d = new InProcessDispatcher({ concurrency: 1, run: async () => { await tick(50); finished = true; } });
    await d.dispatch('a');
    expect(finished).toBe(false);
    await d.drain();
    expect(finished).toBe(true);
  });

  it('a failing run (thrown or rejected) is reported and the queue keeps going', async () => {
    const errors: string[] = [];
    const done: string[] = [];
    const d = new InProcessDispatcher({
      concurrency: 2,
      onError: (id, e) => errors.push(`${id}:${(e as Error).message}`),
      run: async (id) => {
        if (id === 'bad-sync') throw new Error('boom');
        if (id === 'bad-async') {
          await tick(1);
          throw new Error('later boom');
        }
        done.push(id);
      },
    });
    for (const id of ['ok1', 'bad-sync', 'bad-async', 'ok2']) await d.dispatch(id);
    await d.drain();
    expect(done.sort()).toEqual(['ok1', 'ok2']);
    expect(errors.sort()).toEqual(['bad-async:later boom', 'bad-sync:boom']);
  });

  it('close() refuses new work, waits for running jobs and hands back the queued ones', async () => {
    const finished: string[] = [];
    const d = new InProcessDispatcher({ concurrency: 2, run: async (id) => { await tick(60); finished.push(id); } });
    for (const id of ['a', 'b', 'c', 'd']) await d.dispatch(id);
    const left = await d.close();
    expect(finished.sort()).toEqual(['a', 'b']);
    expect(left).toEqual(['c', 'd']);
    await expect(d.dispatch('e')).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    await expect(d.drain()).resolves.toBeUndefined();
  });

  it('close(graceMs) waits out the grace period for a stuck run, then stops waiting', async () => {
    useFakeClock();
    try {
      let release!: () => void;
      const d = new InProcessDispatcher({ concurrency: 1, run: () => new Promise<void>((r) => (release = r)) });
      await d.dispatch('stuck');
      const closing = d.close(100);
      await untilTimersArmed();
      jest.advanceTimersByTime(99);
      expect(await hasSettled(closing)).toBe(false);
      jest.advanceTimersByTime(1);
      await expect(closing).resolves.toEqual([]);
      release();
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a concurrency below 1', () => {
    expect(() => new InProcessDispatcher({ concurrency: 0, run: async () => undefined })).toThrow(/concurrency/);
  });
});
