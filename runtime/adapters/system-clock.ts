import type { Clock } from '../core/ports';

/** The real clock; the core never reads time itself, so tests can pass a fixed one instead. */
export const systemClock: Clock = {
  now: () => new Date(),
};
