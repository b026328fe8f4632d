/**
 * Remembers signature nonces so a captured request cannot be replayed.
 *
 * A request is accepted while its timestamp is within the clock window of the server's time, so
 * its nonce must be remembered at least until that timestamp leaves the window: keeping every
 * nonce for twice the window covers clients whose clock runs ahead. The cache is bounded; when it
 * is full of live nonces it refuses new requests (throttling) instead of forgetting nonces early,
 * which would silently reopen the replay window.
 *
 * Per process: instances behind a load balancer each keep their own (see docs/api.md).
 */
export interface NonceCacheOptions {
  /** How long a nonce is remembered, ms. @default 30 minutes (twice the 15-minute clock window) */
  readonly ttlMs?: number;
  /** Live nonces kept at most. @default 200000 (over 100 requests/s for 30 minutes) */
  readonly maxEntries?: number;
}

export type NonceVerdict = 'fresh' | 'replayed' | 'full';

export class NonceCache {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  /** Insertion order is expiry order, because every entry lives for the same ttl. */
  private readonly expiries = new Map<string, number>();

  constructor(opts: NonceCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 30 * 60 * 1000;
    this.maxEntries = opts.maxEntries ?? 200_000;
  }

  /** Records `key` as used at `nowMs`, unless it was already used within the ttl. */
  use(key: string, nowMs: number): NonceVerdict {
    this.evictExpired(nowMs);
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > nowMs) return 'replayed';
    if (this.expiries.size >= this.maxEntries) return 'full';
    this.expiries.set(key, nowMs + this.ttlMs);
    return 'fresh';
  }

  get size(): number {
    return this.expiries.size;
  }

  private evictExpired(nowMs: number): void {
    for (const [key, expiry] of this.expiries) {
      if (expiry > nowMs) break;
      this.expiries.delete(key);
    }
  }
}
