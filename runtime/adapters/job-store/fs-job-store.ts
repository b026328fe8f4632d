/**
 * Job records as one JSON file per job in a folder (`<dir>/<jobId>.json`), the source of truth,
 * found through a compact in-memory index (job-index.ts) that is kept durable as an append-only
 * log, `<dir>/index.jsonl` (job-index-log.ts). Opening replays the log instead of reading every
 * record (0.7-1.1 CPU-seconds at 100,000 jobs, against 16 to read them all); a query finds its page
 * in the index and reads only the page's records (the most recently used ones are kept in memory).
 *
 * Record writes are atomic, so a crash leaves either the old or the new record; the log's
 * intent/done lines tell the next start which few records to re-check. A folder without an index
 * (written by an older version) is read in full once and indexed. A record that cannot be read
 * is skipped with a warning instead of stopping the service.
 *
 * This process is the only writer of the folder. Records edited by hand while the service is
 * stopped are not noticed: delete `index.jsonl` and the next start rebuilds it from the records.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SnapshotJob } from '../../core/model';
import type { JobQuery, JobStore } from '../../core/ports';
import { isNotFound, isTempFile, writeFileAtomic } from '../fs-atomic';
import { IndexLogCorrupt, IndexLogWriter, INDEX_FILE, doneLine, entryLine, headerLine, readIndexLog } from './job-index-log';
import { JOB_STATES, JobIndex, entryOf, type IndexEntry } from './job-index';
import { assertStorableId, nextRevision, parseJobRecord, unannouncedOldestFirst, unfinishedOldestFirst } from './job-query';
import { RecordCache } from './record-cache';

export { INDEX_FILE } from './job-index-log';

/** Records read at once when many are needed (a legacy folder, the unfinished jobs). */
const READ_CONCURRENCY = 32;

export type WriteStep = 'intent-logged' | 'record-written';

export interface FsJobStoreOptions {
  readonly dir: string;
  /** Where skipped files are reported. @default console.warn */
  readonly warn?: (message: string) => void;
  /** Records kept in memory, least recently used dropped first. @default 1000 */
  readonly recordCacheSize?: number;
  /** The index log is compacted once it has more lines than this and than twice the jobs. @default 10000 */
  readonly compactAfterLines?: number;
  /**
   * Awaited between the steps of every write. Tests hold a write there forever to leave the
   * folder as a crash at that point would. @default none
   */
  readonly betweenWriteSteps?: (step: WriteStep, jobId: string) => Promise<void>;
}

export class FsJobStore implements JobStore {
  readonly dir: string;
  /** Records read from disk since the store was created (what the index saves is visible here). */
  readonly stats = { recordReads: 0 };
  private readonly warn: (message: string) => void;
  private readonly compactAfterLines: number;
  private readonly betweenWriteSteps?: (step: WriteStep, jobId: string) => Promise<void>;
  private readonly cache: RecordCache<SnapshotJob>;
  private index = new JobIndex();
  private log!: IndexLogWriter;
  private loading?: Promise<void>;
  private compacting?: Promise<void>;
  /** Set when an append failed part-way: the log may end in half a line until it is rewritten. */
  private logDamaged = false;
  /** Per-job write chain: writes of one job run one after the other, in the order called. */
  private readonly writes = new Map<string, Promise<SnapshotJob>>();
  /** Entries whose intent is logged and whose write has not finished; a compaction keeps them. */
  private readonly inflight = new Map<string, IndexEntry>();

  constructor(options: FsJobStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.warn = options.warn ?? ((m) => console.warn(m));
    this.compactAfterLines = options.compactAfterLines ?? 10_000;
    this.betweenWriteSteps = options.betweenWriteSteps;
    this.cache = new RecordCache(options.recordCacheSize ?? 1000);
  }

  /** Opens (creating the folder if needed) and loads the index. */
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
    const file = path.join(this.dir, INDEX_FILE);
    let replay;
    try {
      replay = await readIndexLog(file);
    } catch (err) {
      if (!(err instanceof IndexLogCorrupt)) throw err;
      this.warn(`job store: rebuilding the index from the records: ${err.message}`);
    }
    if (!replay) {
      this.index = JobIndex.build(new Map((await this.readAllRecords()).map((e) => [e.id, e])));
      this.log = new IndexLogWriter(file, 0);
      await this.compact();
      return;
    }
    // Writes that stopped between intent and done: their record decides.
    for (const id of replay.unconfirmed) {
      const job = await this.readRecord(id);
      if (job) replay.entries.set(id, entryOf(job));
      else replay.entries.delete(id);
    }
    // Such a write may have left its temp file; only then is the folder listed.
    if (replay.unconfirmed.size > 0) await this.removeTempFiles(await fs.readdir(this.dir));
    this.index = JobIndex.build(replay.entries);
    this.log = new IndexLogWriter(file, replay.lines);
    if (replay.unconfirmed.size > 0 || replay.torn || this.shouldCompact()) await this.compact();
  }

  /**
   * Removes the temp files among `names` (left by a crash between write and rename; the record
   * they were replacing is intact) and returns the other names. Only while loading, when nothing
   * is being written.
   */
  private async removeTempFiles(names: string[]): Promise<string[]> {
    for (const name of names) if (isTempFile(name)) await fs.rm(path.join(this.dir, name), { force: true });
    return names.filter((name) => !isTempFile(name));
  }

  /** Reads every record of a folder that has no (usable) index. */
  private async readAllRecords(): Promise<IndexEntry[]> {
    const names = await this.removeTempFiles(await fs.readdir(this.dir));
    const ids = names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length));
    // Keep only the entries (not 100,000 whole records), with one string per pipeline.
    const pipelines = new Map<string, string>();
    const entries = await mapLimit(ids, READ_CONCURRENCY, async (id) => {
      const job = await this.readRecord(id);
      return job && entryOf(job, pipelines);
    });
    return entries.filter((e): e is IndexEntry => e !== undefined);
  }

  private recordPath(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  /** The record on disk; `undefined` when missing, or unreadable (with a warning). */
  private async readRecord(id: string): Promise<SnapshotJob | undefined> {
    const file = this.recordPath(id);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    this.stats.recordReads++;
    try {
      const job = parseJobRecord(text, file);
      if (job.id !== id) throw new Error(`${file} holds job "${job.id}", not the job its name says`);
      if (!JOB_STATES.includes(job.state)) throw new Error(`${file} has an unknown state "${job.state}"`);
      return job;
    } catch (err) {
      this.warn(`job store: skipping unreadable record ${file}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** The current record of an indexed job, from the cache or the disk. */
  private async record(entry: IndexEntry): Promise<SnapshotJob | undefined> {
    const cached = this.cache.get(entry.id);
    if (cached) return cached;
    const job = await this.readRecord(entry.id);
    if (!job) {
      this.warn(`job store: job ${entry.id} is indexed but its record ${this.recordPath(entry.id)} is missing or unreadable`);
      return undefined;
    }
    // A write may have finished while this read was under way: cache only what is current.
    if ((job.revision ?? 0) === this.index.get(entry.id)?.revision) this.cache.set(entry.id, job);
    return job;
  }

  private async records(entries: readonly IndexEntry[]): Promise<SnapshotJob[]> {
    const jobs = await mapLimit(entries, READ_CONCURRENCY, (e) => this.record(e));
    return jobs.filter((j): j is SnapshotJob => j !== undefined);
  }

  create(job: SnapshotJob): Promise<SnapshotJob> {
    return this.write(job, 'create');
  }

  update(job: SnapshotJob): Promise<SnapshotJob> {
    return this.write(job, 'update');
  }

  /**
   * Writes of one job are chained, and each checks its condition against the index entry the
   * previous write left: the check and the write are one step for everyone in this process (the
   * only writer of the folder).
   */
  private async write(job: SnapshotJob, mode: 'create' | 'update'): Promise<SnapshotJob> {
    assertStorableId(job.id);
    await this.ready();
    const previous = this.writes.get(job.id) ?? Promise.resolve();
    const write = previous.catch(() => undefined).then(() => this.writeNow(job, mode));
    this.writes.set(job.id, write);
    try {
      return await write;
    } finally {
      if (this.writes.get(job.id) === write) this.writes.delete(job.id);
    }
  }

  private async writeNow(job: SnapshotJob, mode: 'create' | 'update'): Promise<SnapshotJob> {
    const current = this.index.get(job.id);
    const next = nextRevision(job, current && { revision: current.revision || undefined }, mode);
    const entry = entryOf(next);
    const text = JSON.stringify(next);
    this.inflight.set(job.id, entry);
    try {
      try {
        await this.log.append(entryLine('P', entry), true);
      } catch (err) {
        this.logDamaged = true;
        throw err;
      }
      await this.betweenWriteSteps?.('intent-logged', job.id);
      await writeFileAtomic(this.recordPath(job.id), text);
      await this.betweenWriteSteps?.('record-written', job.id);
    } finally {
      this.inflight.delete(job.id);
    }
    const stored = JSON.parse(text) as SnapshotJob;
    this.index.set(entry);
    this.cache.set(job.id, stored);
    try {
      await this.log.append(doneLine(job.id, entry.revision), false);
    } catch (err) {
      // The record is written; without the done line the next start merely re-reads it.
      this.logDamaged = true;
      this.warn(`job store: could not append to ${this.log.file}: ${(err as Error).message}`);
    }
    if (this.shouldCompact()) {
      await this.compact().catch((err: Error) => this.warn(`job store: could not compact ${this.log.file}: ${err.message}`));
    }
    return stored;
  }

  private shouldCompact(): boolean {
    return this.logDamaged || this.log.lines > Math.max(this.compactAfterLines, 2 * this.index.size);
  }

  /** Rewrites the log as one line per job, plus the intents of writes under way. */
  private compact(): Promise<void> {
    this.compacting ??= this.log
      .rewrite(() => {
        const lines = [headerLine()];
        for (const e of this.index.entries()) lines.push(entryLine('E', e));
        for (const e of this.inflight.values()) lines.push(entryLine('P', e));
        return lines;
      })
      .then(() => {
        this.logDamaged = false;
      })
      .finally(() => {
        this.compacting = undefined;
      });
    return this.compacting;
  }

  async get(id: string): Promise<SnapshotJob | undefined> {
    await this.ready();
    const entry = this.index.get(id);
    return entry && this.record(entry);
  }

  async list(query: JobQuery): Promise<{ jobs: SnapshotJob[]; nextPageToken?: string }> {
    await this.ready();
    const page = this.index.page(query);
    const jobs = await this.records(page.ids.map((id) => this.index.get(id)!));
    return page.nextPageToken === undefined ? { jobs } : { jobs, nextPageToken: page.nextPageToken };
  }

  async listUnfinished(): Promise<SnapshotJob[]> {
    await this.ready();
    return unfinishedOldestFirst(await this.records(this.index.unfinished()));
  }

  async listUnannounced(): Promise<SnapshotJob[]> {
    await this.ready();
    return unannouncedOldestFirst(await this.records(this.index.unannounced()));
  }
}

/** `fn` over `items` with at most `limit` calls pending, results in the order of `items`. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
