/**
 * Remembers signature nonces so a captured request cannot be replayed.
 *
 * A request is accepted while its timestamp is within the clock window of the server's time, so
 * its nonce must be remembered until that timestamp has left the window: a client whose clock
 * runs a whole window ahead sends a timestamp that stays acceptable for two windows, so every
 * nonce is kept for twice the window plus a margin (a nonce forgotten at exactly twice the window
 * could be replayed with a timestamp at the far edge, which still passes).
 *
 * The cache is bounded by count and by memory (a nonce is at most MAX_NONCE_LENGTH characters,
 * and the bytes are counted too); when it is full of live nonces it refuses new requests
 * (throttling) instead of forgetting nonces early, which would silently reopen the replay window.
 *
 * Per process: instances behind a load balancer each keep their own (see docs/api.md).
 */
export interface NonceCacheOptions {
  /** How long a nonce is remembered, ms. @default NONCE_TTL_MARGIN_MS plus twice the 15-minute clock window (31 minutes) */
  readonly ttlMs?: number;
  /** Live nonces kept at most. @default 200000 (over 100 requests/s for 30 minutes) */
  readonly maxEntries?: number;
  /** Memory the live nonces may take, estimated from their length. @default 64 MiB */
  readonly maxBytes?: number;
}

export type NonceVerdict = 'fresh' | 'replayed' | 'full';

/** Longer nonces are refused before they reach the cache: the SDKs send 32 or 64 hex characters. */
export const MAX_NONCE_LENGTH = 128;
/** Added to twice the clock window, so the boundary itself is covered. */
export const NONCE_TTL_MARGIN_MS = 60_000;
export const DEFAULT_NONCE_CACHE_BYTES = 64 * 1024 * 1024;
/** A rough cost of a Map entry beside its key's characters (two bytes each). */
const ENTRY_OVERHEAD_BYTES = 80;

export function nonceTtlFor(clockWindowMs: number): number {
  return 2 * clockWindowMs + NONCE_TTL_MARGIN_MS;
}

export class NonceCache {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private bytes = 0;
  /** Insertion order is expiry order, because every entry lives for the same ttl. */
  private readonly expiries = new Map<string, number>();

  constructor(opts: NonceCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? nonceTtlFor(15 * 60 * 1000);
    this.maxEntries = opts.maxEntries ?? 200_000;
    this.maxBytes = opts.maxBytes ?? DEFAULT_NONCE_CACHE_BYTES;
  }

  /** Records `key` as used at `nowMs`, unless it was already used within the ttl. */
  use(key: string, nowMs: number): NonceVerdict {
    this.evictExpired(nowMs);
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > nowMs) return 'replayed';
    const cost = costOf(key);
    if (this.expiries.size >= this.maxEntries || this.bytes + cost > this.maxBytes) return 'full';
    this.expiries.set(key, nowMs + this.ttlMs);
    this.bytes += cost;
    return 'fresh';
  }

  get size(): number {
    return this.expiries.size;
  }

  /** The estimated memory of the live nonces. */
  get sizeBytes(): number {
    return this.bytes;
  }

  private evictExpired(nowMs: number): void {
    for (const [key, expiry] of this.expiries) {
      if (expiry > nowMs) break;
      this.expiries.delete(key);
      this.bytes -= costOf(key);
    }
  }
}

function costOf(key: string): number {
  return key.length * 2 + ENTRY_OVERHEAD_BYTES;
}
