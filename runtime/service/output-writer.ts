/**
 * Writes a job's outputs and remembers every key it touched, so a failed or timed-out job can
 * remove exactly what it wrote and nothing else. A key is recorded before its write starts: a
 * write interrupted half-way is still cleaned up.
 *
 * A job also has an output budget: a write that would take its outputs past `budgetBytes` is
 * refused before it starts (PermissionDenied.ResourceQuotaExceed), so one request (`Num` 100000
 * at 4096x4096) cannot fill a bucket or a disk; the job then fails and its outputs are removed.
 */
import { Errors } from '../core/errors';
import type { ObjectStorage } from '../core/ports';

/** 256 MiB: a thousand 4096x2304 JPGs of busy content, or ten thousand 640x360 ones. */
export const DEFAULT_JOB_OUTPUT_BUDGET_BYTES = 256 * 1024 * 1024;

export class OutputWriter {
  private readonly written: { bucket: string; key: string }[] = [];
  private readonly sizes = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly signal?: AbortSignal,
    private readonly budgetBytes: number = DEFAULT_JOB_OUTPUT_BUDGET_BYTES,
  ) {}

  async put(bucket: string, key: string, body: Buffer, contentType: string): Promise<void> {
    this.signal?.throwIfAborted();
    // A key written again (a sprite sheet redrawn) replaces its earlier bytes.
    const id = `${bucket}/${key}`;
    const after = this.total - (this.sizes.get(id) ?? 0) + body.length;
    if (after > this.budgetBytes) {
      throw Errors.quotaExceeded(
        `the job's outputs would take more than ${this.budgetBytes} bytes (the output budget of one job); ask for fewer or smaller snapshots.`,
      );
    }
    if (!this.sizes.has(id)) this.written.push({ bucket, key });
    this.total = after;
    this.sizes.set(id, body.length);
    await this.storage.put(bucket, key, body, contentType);
    // A deadline that passed during the write still fails the job; the caller then cleans up.
    this.signal?.throwIfAborted();
  }

  /** Bytes of the outputs written so far. */
  get bytesWritten(): number {
    return this.total;
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
