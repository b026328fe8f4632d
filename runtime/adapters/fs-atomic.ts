/**
 * Crash-safe file writes for the filesystem adapters. A reader (or a restart) sees either the old
 * content or the new one, never half a file: the data goes to a temp file in the same directory
 * (so the rename stays on one filesystem) and is renamed over the target.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Temp files start with this, so listings can skip (and clean up) leftovers of a crash. */
export const TEMP_PREFIX = '.tmp-';

/** `mode` applies to a file this creates (0o600 for files holding secrets). */
export async function writeFileAtomic(target: string, data: Buffer | string, mode = 0o666): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `${TEMP_PREFIX}${path.basename(target)}.${randomBytes(6).toString('hex')}`);
  const handle = await fs.open(temp, 'w', mode);
  try {
    await handle.writeFile(data);
    // Without the fsync a power loss after the rename could leave an empty file behind.
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}

export function isTempFile(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
