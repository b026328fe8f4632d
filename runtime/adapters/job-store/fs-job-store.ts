/**
 * Job records as one JSON file per job in a folder (`<dir>/<jobId>.json`), with an in-memory index
 * loaded when the store opens. Writes are atomic, so a crash leaves either the old or the new
 * record; a file that cannot be read is skipped with a warning instead of stopping the service.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SnapshotJob } from '../../core/model';
import type { JobQuery, JobStore } from '../../core/ports';
import { isTempFile, writeFileAtomic } from '../fs-atomic';
import { assertStorableId, nextRevision, pageJobs, parseJobRecord, unannouncedOldestFirst, unfinishedOldestFirst } from './job-query';

export interface FsJobStoreOptions {
  readonly dir: string;
  /** Where skipped files are reported. @default console.warn */
  readonly warn?: (message: string) => void;
}

export class FsJobStore implements JobStore {
  readonly dir: string;
  private readonly warn: (message: string) => void;
  private readonly index = new Map<string, SnapshotJob>();
  private loading?: Promise<void>;
  /** Per-job write chain: writes of one job run one after the other, in the order called. */
  private readonly writes = new Map<string, Promise<SnapshotJob>>();

  constructor(options: FsJobStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  /** Opens (creating the folder if needed) and loads every record. */
  static async open(dir: string, options: Omit<FsJobStoreOptions, 'dir'> = {}): Promise<FsJobStore> {
    const store = new FsJobStore({ ...options, dir });
    await store.ready();
    return store;
  }

  /** Loads the index once; every method waits for it, so `new FsJobStore()` is usable too. */
  ready(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const name of await fs.readdir(this.dir)) {
      const file = path.join(this.dir, name);
      if (isTempFile(name)) {
        // Left by a crash between write and rename; the record it was replacing is intact.
        await fs.rm(file, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      try {
        const job = parseJobRecord(await fs.readFile(file, 'utf8'), file);
        if (`${job.id}.json` !== name) throw new Error(`${file} holds job "${job.id}", not the job its name says`);
        this.index.set(job.id, job);
      } catch (err) {
        this.warn(`job store: skipping unreadable record ${file}: ${(err as Error).message}`);
      }
    }
  }

  create(job: SnapshotJob): Promise<SnapshotJob> {
    return this.write(job, 'create');
  }

  update(job: SnapshotJob): Promise<SnapshotJob> {
    return this.write(job, 'update');
  }

  /**
   * Writes of one job are chained, and each checks its condition against the record the previous
   * write left: the check and the write are one step for everyone in this process (the only
   * writer of the folder).
   */
  private async write(job: SnapshotJob, mode: 'create' | 'update'): Promise<SnapshotJob> {
    assertStorableId(job.id);
    await this.ready();
    const previous = this.writes.get(job.id) ?? Promise.resolve();
    const write = previous
      .catch(() => undefined)
      .then(async () => {
        const next = nextRevision(job, this.index.get(job.id), mode);
        const text = JSON.stringify(next);
        await writeFileAtomic(path.join(this.dir, `${job.id}.json`), text);
        const stored = JSON.parse(text) as SnapshotJob;
        this.index.set(job.id, stored);
        return stored;
      });
    this.writes.set(job.id, write);
    try {
      return await write;
    } finally {
      if (this.writes.get(job.id) === write) this.writes.delete(job.id);
    }
  }

  async get(id: string): Promise<SnapshotJob | undefined> {
    await this.ready();
    return this.index.get(id);
  }

  async list(query: JobQuery): Promise<{ jobs: SnapshotJob[]; nextPageToken?: string }> {
    await this.ready();
    return pageJobs(this.index.values(), query, (id) => this.index.get(id));
  }

  async listUnfinished(): Promise<SnapshotJob[]> {
    await this.ready();
    return unfinishedOldestFirst(this.index.values());
  }

  async listUnannounced(): Promise<SnapshotJob[]> {
    await this.ready();
    return unannouncedOldestFirst(this.index.values());
  }
}
