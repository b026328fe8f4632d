/**
 * Job records as JSON objects in an OSS bucket (`<prefix><jobId>.json`), for the deployed
 * service where API and worker functions run on many instances and share nothing but OSS.
 *
 * `get` and `create` are one request each, `update` two (read, compare, write: not atomic). `list` and `listUnfinished` list every record under the
 * prefix and read the ones whose ETag changed since this instance last read them: O(number of
 * records) per query. Fine for thousands of jobs; beyond that, expire old records with a
 * lifecycle rule on the prefix (or use a database-backed store).
 */
import type OSS from 'ali-oss';
import { Errors, SnapshotError } from '../../core/errors';
import type { SnapshotJob } from '../../core/model';
import type { JobQuery, JobStore } from '../../core/ports';
import { OssClients, ossFailure, ossStatus, type OssConnectionOptions } from '../storage/oss-client';
import { JobConflictError } from '../../core/job-conflict';
import { assertStorableId, nextRevision, pageJobs, parseJobRecord, unannouncedOldestFirst, unfinishedOldestFirst } from './job-query';

export interface OssJobStoreOptions extends OssConnectionOptions {
  readonly bucket: string;
  /** @default 'snapshot-jobs/' */
  readonly prefix?: string;
  /** Records read in parallel while listing. @default 16 */
  readonly readConcurrency?: number;
  /** Where unreadable records are reported. @default console.warn */
  readonly warn?: (message: string) => void;
}

export class OssJobStore implements JobStore {
  private readonly client: OSS;
  readonly bucket: string;
  readonly prefix: string;
  private readonly readConcurrency: number;
  private readonly warn: (message: string) => void;
  /** Records this instance has read, by object key, with the ETag they had. */
  private readonly cache = new Map<string, { etag: string; job?: SnapshotJob }>();
  /** Updates in flight per job id, chained (see `update`). */
  private readonly updates = new Map<string, Promise<SnapshotJob>>();

  constructor(options: OssJobStoreOptions) {
    this.client = new OssClients(options).forBucket(options.bucket);
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? 'snapshot-jobs/';
    this.readConcurrency = options.readConcurrency ?? 16;
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  private keyOf(id: string): string {
    return `${this.prefix}${id}.json`;
  }

  /** One PUT with `x-oss-forbid-overwrite`: OSS itself refuses a second job with the same id. */
  async create(job: SnapshotJob): Promise<SnapshotJob> {
    assertStorableId(job.id);
    const next = nextRevision(job, undefined, 'create');
    try {
      await this.write(next, { 'x-oss-forbid-overwrite': 'true' });
    } catch (err) {
      if (ossStatus(err) === 409) throw new JobConflictError(job.id, undefined, undefined);
      throw err;
    }
    return next;
  }

  /**
   * Read, compare, write. OSS has no conditional PUT on content: updates through this instance are
   * chained so they cannot race each other, but two instances that read the same revision at the
   * same moment can both pass the check (the window is one round trip). This is why the Tablestore
   * store is meant for the cloud; see docs/adapters.md.
   */
  update(job: SnapshotJob): Promise<SnapshotJob> {
    assertStorableId(job.id);
    const previous = this.updates.get(job.id) ?? Promise.resolve(job);
    const update = previous
      .catch(() => job)
      .then(async () => {
        const next = nextRevision(job, await this.readRecord(this.keyOf(job.id)), 'update');
        await this.write(next);
        return next;
      });
    this.updates.set(job.id, update);
    return update.finally(() => {
      if (this.updates.get(job.id) === update) this.updates.delete(job.id);
    });
  }

  private async write(job: SnapshotJob, headers: Record<string, string> = {}): Promise<void> {
    try {
      await this.client.put(this.keyOf(job.id), Buffer.from(JSON.stringify(job)), { mime: 'application/json', headers: { 'Content-Type': 'application/json', ...headers } });
    } catch (err) {
      if (ossStatus(err) === 409) throw err;
      throw storeFailure(err, `${this.bucket}/${this.keyOf(job.id)}`);
    }
  }

  async get(id: string): Promise<SnapshotJob | undefined> {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) return undefined;
    return this.readRecord(this.keyOf(id));
  }

  async list(query: JobQuery): Promise<{ jobs: SnapshotJob[]; nextPageToken?: string }> {
    const all = await this.loadAll();
    const byId = new Map(all.map((j) => [j.id, j]));
    return pageJobs(all, query, (id) => byId.get(id));
  }

  async listUnfinished(): Promise<SnapshotJob[]> {
    return unfinishedOldestFirst(await this.loadAll());
  }

  async listUnannounced(): Promise<SnapshotJob[]> {
    return unannouncedOldestFirst(await this.loadAll());
  }

  private async loadAll(): Promise<SnapshotJob[]> {
    const listed: { key: string; etag: string }[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await this.client.list({ prefix: this.prefix, marker, 'max-keys': 1000 } as OSS.ListObjectsQuery, {});
        for (const o of page.objects ?? []) if (o.name.endsWith('.json')) listed.push({ key: o.name, etag: o.etag });
        marker = page.isTruncated ? (page.nextMarker ?? undefined) : undefined;
      } while (marker);
    } catch (err) {
      throw storeFailure(err, `${this.bucket}/${this.prefix}`);
    }
    const stale = listed.filter(({ key, etag }) => this.cache.get(key)?.etag !== etag);
    let next = 0;
    const readers = Array.from({ length: Math.min(this.readConcurrency, stale.length) }, async () => {
      while (next < stale.length) {
        const { key, etag } = stale[next++];
        this.cache.set(key, { etag, job: await this.readRecord(key) });
      }
    });
    await Promise.all(readers);
    const present = new Set(listed.map((l) => l.key));
    for (const key of this.cache.keys()) if (!present.has(key)) this.cache.delete(key);
    return listed.map((l) => this.cache.get(l.key)?.job).filter((j): j is SnapshotJob => j !== undefined);
  }

  /** A record that vanished or cannot be parsed counts as absent (and is left out of listings), with a warning. */
  private async readRecord(key: string): Promise<SnapshotJob | undefined> {
    try {
      const result = await this.client.get(key);
      return parseJobRecord((result.content as Buffer).toString('utf8'), `oss://${this.bucket}/${key}`);
    } catch (err) {
      if (ossStatus(err) === 404) return undefined;
      if (err instanceof SyntaxError || (err instanceof Error && /is not a job record/.test(err.message))) {
        this.warn(`job store: skipping unreadable record oss://${this.bucket}/${key}: ${err.message}`);
        return undefined;
      }
      throw storeFailure(err, `${this.bucket}/${key}`);
    }
  }
}

/** A job store that cannot be reached is the service's problem, not the caller's input. */
function storeFailure(err: unknown, what: string): SnapshotError {
  const mapped = ossFailure(err, what);
  if (mapped.code === 'InvalidParameter.ResourceNotFound') return Errors.internal(`the job store ${what} does not exist`);
  return mapped;
}
