/**
 * Identifiers as MPS shapes them: job ids are 32 lower-case hex, request ids upper-case UUIDs.
 * Both come from the crypto RNG, so ids cannot be guessed to read someone else's job.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IdSource } from '../core/ports';

export const randomIds: IdSource = {
  jobId: () => randomBytes(16).toString('hex'),
  requestId: () => randomUUID().toUpperCase(),
};
