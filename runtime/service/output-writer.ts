/**
 * Writes a job's outputs and remembers every key it touched, so a failed or timed-out job can
 * remove exactly what it wrote and nothing else. A key is recorded before its write starts: a
 * write interrupted half-way is still cleaned up.
 */
import type { ObjectStorage } from '../core/ports';

export class OutputWriter {
  private readonly written: { bucket: string; key: string }[] = [];

  constructor(
    private readonly storage: ObjectStorage,
    private readonly signal?: AbortSignal,
  ) {}

  async put(bucket: string, key: string, body: Buffer, contentType: string): Promise<void> {
    this.signal?.throwIfAborted();
    if (!this.written.some((w) => w.bucket === bucket && w.key === key)) this.written.push({ bucket, key });
    await this.storage.put(bucket, key, body, contentType);
    // A deadline that passed during the write still fails the job; the caller then cleans up.
    this.signal?.throwIfAborted();
  }

  keys(): string[] {
    return this.written.map((w) => w.key);
  }

  /** Best effort: a key that cannot be removed is reported, never thrown. */
  async removeAll(onError: (key: string, e: unknown) => void): Promise<void> {
    await Promise.all(
      this.written.map(async ({ bucket, key }) => {
        try {
          await this.storage.delete(bucket, key);
        } catch (e) {
          onError(key, e);
        }
      }),
    );
  }
}
