/**
 * A fake clock for tests that must show what happens before and after a delay (a long poll
 * giving up, a grace period running out) without sleeping or measuring durations. Only timers
 * and Date are faked; setImmediate, nextTick and microtasks stay real, so file I/O completes.
 */
export function useFakeClock(): void {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
}

/** One turn of the event loop (pending I/O callbacks and promise reactions run). */
export function ioTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits until the code under test has armed at least `count` timers, i.e. is now waiting. */
export async function untilTimersArmed(count = 1): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    if (jest.getTimerCount() >= count) return;
    await ioTurn();
  }
  throw new Error(`no ${count} timer(s) armed after 1000 event-loop turns`);
}

/** Whether a promise has settled by now (after letting pending reactions run). */
export async function hasSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await ioTurn();
  return settled;
}
