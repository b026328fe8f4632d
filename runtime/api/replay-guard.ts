/**
 * Replay protection shared by every instance of the API: a signature nonce is accepted once per
 * caller key, whichever instance sees it.
 *
 * `authenticate` already refuses a nonce this process has seen (the in-memory `NonceCache`, no
 * round trip); a `ReplayGuard` is asked afterwards, for verified requests only, so strangers cannot
 * burn nonces. One process needs nothing more (`npm start` passes no guard); `MemoryReplayGuard`
 * is the same cache behind this port (one process, e.g. several handlers sharing it); in the cloud
 * the Tablestore adapter (adapters/tablestore/tablestore-replay-guard.ts) makes the claim with a
 * conditional write that only one instance can win.
 */
import { Errors } from '../core/errors';
import { NonceCache, type NonceCacheOptions, type NonceVerdict } from './nonce-cache';

export interface ReplayGuard {
  /** Claims `nonce` for `accessKeyId` at `nowMs`: `fresh` the first time, `replayed` after. */
  claim(accessKeyId: string, nonce: string, nowMs: number): Promise<NonceVerdict>;
}

/** An in-memory guard with a cache of its own (not `authenticate`'s, which would see every nonce twice). */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly cache: NonceCache;
  constructor(options: NonceCacheOptions = {}) {
    this.cache = new NonceCache(options);
  }
  async claim(accessKeyId: string, nonce: string, nowMs: number): Promise<NonceVerdict> {
    return this.cache.use(`${accessKeyId}\n${nonce}`, nowMs);
  }
}

/** The verdict as the gateway answers it. */
export async function claimNonce(guard: ReplayGuard, accessKeyId: string, nonce: string, nowMs: number): Promise<void> {
  const verdict = await guard.claim(accessKeyId, nonce, nowMs);
  if (verdict === 'replayed') throw Errors.signatureNonceUsed();
  if (verdict === 'full') throw Errors.throttling();
}
