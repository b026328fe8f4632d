/**
 * Job records in a Tablestore table (schema: core/tablestore-layout.ts), for the
 * deployed service: every API and worker instance shares it, writes are conditional on the server
 * (so no instance can overwrite another's newer record), and every query costs a number of requests
 * that does not depend on how many jobs are stored:
 *
 * - `create`: one PutRow expecting no row; `update`: one PutRow expecting `rev` = the revision read;
 * - `get`: one GetRow;
 * - `list`: one GetRange on the index of the query's shape (BACKWARD: newest first), one BatchGetRow
 *   for the page's records, plus one GetRow to place a page token;
 * - `listUnfinished` / `listUnannounced`: GetRange on the sparse `pending` index (only those rows
 *   are in it), then BatchGetRow per 100 of them.
 *
 * Secondary indexes are updated asynchronously by Tablestore (milliseconds behind): a listing can
 * briefly return a record whose state moved on. Records are re-checked against the query after they
 * are read, so a page never shows a job that does not match it; the sweep re-reads each job anyway.
 *
 * Records expire by the table's TTL (counted from each record's last write).
 */
import { Errors } from '../../core/errors';
import { JobConflictError } from '../../core/job-conflict';
import { FINAL_STATES, type SnapshotJob } from '../../core/model';
import type { JobQuery, JobStore } from '../../core/ports';
import { columnsOf, int, TableStore, TablestoreConnection, TablestoreError } from '../tablestore/tablestore-client';
import type { TablestoreConnectionOptions } from '../tablestore/tablestore-client';
import { jobIndexName, JOB_COLUMNS as C, JOB_INDEX_COLUMNS, PENDING, type JobIndexKind } from '../../core/tablestore-layout';
import type { SdkRow } from '../tablestore/tablestore-types';
import { assertStorableId, matches, parseJobRecord } from './job-query';

export interface TablestoreJobStoreOptions extends TablestoreConnectionOptions {
  readonly table: string;
  /** Where unreadable records are reported. @default console.warn */
  readonly warn?: (message: string) => void;
}

/** BatchGetRow reads at most 100 rows per request. */
const BATCH = 100;
/** GetRange returns at most 5000 rows per request. */
const RANGE_LIMIT = 5000;

interface RangeRead {
  readonly kind: JobIndexKind;
  readonly prefix: unknown[];
  readonly direction: 'FORWARD' | 'BACKWARD';
  /** Bounds on `created`, inclusive; undefined: open. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** BACKWARD only: start at this (created, id) key, inclusive. */
  readonly startAt?: { createdAtMs: number; id: string };
  readonly limit?: number;
}

export class TablestoreJobStore implements JobStore {
  readonly table: string;
  readonly connection: TablestoreConnection;
  private readonly warn: (message: string) => void;

  constructor(options: TablestoreJobStoreOptions) {
    this.table = options.table;
    this.connection = new TablestoreConnection(options);
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  async create(job: SnapshotJob): Promise<SnapshotJob> {
    assertStorableId(job.id);
    const next = { ...job, revision: 1 };
    await this.put(next, new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null), undefined);
    return next;
  }

  async update(job: SnapshotJob): Promise<SnapshotJob> {
    assertStorableId(job.id);
    if (job.revision === undefined) throw new JobConflictError(job.id, undefined, undefined);
    const next = { ...job, revision: job.revision + 1 };
    const sameRevision = new TableStore.SingleColumnCondition(C.rev, int(job.revision), TableStore.ComparatorType.EQUAL, false);
    await this.put(next, new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_EXIST, sameRevision), job.revision);
    return next;
  }

  /**
   * One PutRow of the whole row. A condition failure is the lost race, unless an earlier attempt
   * of this very call timed out: then the stored row may be this write, which a read tells.
   */
  private async put(job: SnapshotJob, condition: unknown, expectedRevision: number | undefined): Promise<void> {
    const text = JSON.stringify(job);
    try {
      await this.connection.call('putRow', {
        tableName: this.table,
        condition,
        primaryKey: [{ [C.id]: job.id }],
        attributeColumns: rowColumns(job, text),
      });
    } catch (err) {
      if (!(err instanceof TablestoreError) || err.code !== 'OTSConditionCheckFail') throw storeFailure(err, this.table);
      const stored = await this.readRow(job.id);
      if (err.afterUnknownOutcome && stored?.text === text) return;
      throw new JobConflictError(job.id, expectedRevision, stored?.job.revision);
    }
  }

  async get(id: string): Promise<SnapshotJob | undefined> {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) return undefined;
    return (await this.readRow(id))?.job;
  }

  private async readRow(id: string): Promise<{ job: SnapshotJob; text: string } | undefined> {
    const data = await this.call<{ row?: SdkRow }>('getRow', { tableName: this.table, primaryKey: [{ [C.id]: id }], columnsToGet: [C.job], maxVersions: 1 });
    return this.parse(data.row);
  }

  private parse(row: SdkRow | undefined): { job: SnapshotJob; text: string } | undefined {
    const text = columnsOf(row).get(C.job);
    if (typeof text !== 'string') return undefined;
    try {
      return { job: parseJobRecord(text, `tablestore ${this.table}`), text };
    } catch (err) {
      this.warn(`job store: skipping unreadable record in ${this.table}: ${(err as Error).message}`);
      return undefined;
    }
  }

  async list(query: JobQuery): Promise<{ jobs: SnapshotJob[]; nextPageToken?: string }> {
    const pageSize = Math.max(1, Math.floor(query.pageSize));
    let startAt: { createdAtMs: number; id: string } | undefined;
    if (query.pageToken !== undefined && query.pageToken !== '') {
      const after = await this.get(query.pageToken);
      if (!after) throw Errors.invalidParameter('NextPageToken', `"${query.pageToken}" is not a token this service issued.`);
      startAt = { createdAtMs: after.createdAtMs, id: after.id };
    }
    const { kind, prefix } = indexFor(query);
    // The token's own row comes back first (the range starts at it): ask for one more.
    const extra = startAt ? 1 : 0;
    const ids = (
      await this.range({ kind, prefix, direction: 'BACKWARD', fromMs: query.fromMs, toMs: query.toMs, startAt, limit: pageSize + 1 + extra })
    ).filter((id) => id !== startAt?.id);
    const page = ids.slice(0, pageSize);
    const jobs = (await this.batchGet(page)).filter((j) => matches(j, query));
    return ids.length > pageSize ? { jobs, nextPageToken: page[page.length - 1] } : { jobs };
  }

  async listUnfinished(): Promise<SnapshotJob[]> {
    return (await this.listPending(PENDING.unfinished)).filter((j) => !FINAL_STATES.includes(j.state));
  }

  async listUnannounced(): Promise<SnapshotJob[]> {
    return (await this.listPending(PENDING.unannounced)).filter((j) => FINAL_STATES.includes(j.state) && j.pendingAnnouncement !== undefined);
  }

  /** Oldest first, as the index orders them. */
  private async listPending(value: string): Promise<SnapshotJob[]> {
    const ids = await this.range({ kind: 'pending', prefix: [value], direction: 'FORWARD' });
    return this.batchGet(ids);
  }

  /** The ids of one index range, in index order, following continuation keys up to `limit`. */
  private async range(r: RangeRead): Promise<string[]> {
    const lo = [...r.prefix, r.fromMs === undefined ? TableStore.INF_MIN : int(r.fromMs), TableStore.INF_MIN];
    const hi = r.startAt
      ? [...r.prefix, int(r.toMs === undefined ? r.startAt.createdAtMs : Math.min(r.toMs, r.startAt.createdAtMs)), r.toMs !== undefined && r.toMs < r.startAt.createdAtMs ? TableStore.INF_MAX : r.startAt.id]
      : [...r.prefix, r.toMs === undefined ? TableStore.INF_MAX : int(r.toMs), TableStore.INF_MAX];
    // An index's key: its columns, then the table's primary key.
    const names = [...JOB_INDEX_COLUMNS[r.kind], C.id];
    const key = (values: unknown[]) => values.map((v, i) => ({ [names[i]]: v }));
    let start: unknown = key(r.direction === 'BACKWARD' ? hi : lo);
    const end = key(r.direction === 'BACKWARD' ? lo : hi);
    const ids: string[] = [];
    while (start && (r.limit === undefined || ids.length < r.limit)) {
      const want = r.limit === undefined ? RANGE_LIMIT : Math.min(RANGE_LIMIT, r.limit - ids.length);
      const data = await this.call<{ rows: SdkRow[]; nextStartPrimaryKey: { name: string; value: unknown }[] | null }>('getRange', {
        tableName: jobIndexName(this.table, r.kind),
        direction: r.direction === 'BACKWARD' ? TableStore.Direction.BACKWARD : TableStore.Direction.FORWARD,
        inclusiveStartPrimaryKey: start,
        exclusiveEndPrimaryKey: end,
        limit: want,
        maxVersions: 1,
        columnsToGet: [C.id],
      });
      for (const row of data.rows) {
        const id = row.primaryKey?.find((k) => k.name === C.id)?.value;
        if (typeof id === 'string') ids.push(id);
      }
      start = data.nextStartPrimaryKey ? data.nextStartPrimaryKey.map((k) => ({ [k.name]: k.value })) : undefined;
    }
    return ids;
  }

  /** Records of these ids in this order, 100 per request; ids whose row is gone are left out. */
  private async batchGet(ids: string[]): Promise<SnapshotJob[]> {
    const found = new Map<string, SnapshotJob>();
    for (let i = 0; i < ids.length; i += BATCH) {
      let pending = ids.slice(i, i + BATCH);
      // Rows of a batch can fail one by one (throttled): read those again, with back-off.
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > 1) await this.connection.backOff(attempt - 1);
        const data = await this.call<{ tables: { isOk: boolean; errorCode?: string | null; errorMessage?: string | null; attributes?: SdkRow['attributes'] | null }[][] }>('batchGetRow', {
          tables: [{ tableName: this.table, primaryKey: pending.map((id) => [{ [C.id]: id }]), columnsToGet: [C.job], maxVersions: 1 }],
        });
        const failed: string[] = [];
        let lastError: TablestoreError | undefined;
        (data.tables[0] ?? []).forEach((item, n) => {
          if (!item.isOk) {
            failed.push(pending[n]);
            lastError = new TablestoreError(item.errorCode ?? 'OTSInternalServerError', item.errorMessage ?? 'a row of BatchGetRow failed');
            return;
          }
          const parsed = this.parse({ attributes: item.attributes ?? [] });
          if (parsed) found.set(parsed.job.id, parsed.job);
        });
        if (lastError && attempt >= this.connection.attempts) throw storeFailure(lastError, this.table);
        pending = failed;
      }
    }
    return ids.map((id) => found.get(id)).filter((j): j is SnapshotJob => j !== undefined);
  }

  private async call<T>(op: 'getRow' | 'getRange' | 'batchGetRow', params: unknown): Promise<T> {
    try {
      return await this.connection.call<T>(op, params);
    } catch (err) {
      throw storeFailure(err, this.table);
    }
  }
}

/** The index whose key serves the query's filters; the time range is a range of its `created` part. */
function indexFor(q: JobQuery): { kind: JobIndexKind; prefix: unknown[] } {
  if (q.pipelineId !== undefined && q.state !== undefined) return { kind: 'pipelineState', prefix: [`${q.pipelineId}/${q.state}`] };
  if (q.pipelineId !== undefined) return { kind: 'pipeline', prefix: [q.pipelineId] };
  if (q.state !== undefined) return { kind: 'state', prefix: [q.state] };
  return { kind: 'all', prefix: [] };
}

/** The row's columns: the record, the revision the next update must name, and the index keys. */
export function rowColumns(job: SnapshotJob, text = JSON.stringify(job)): Record<string, unknown>[] {
  const cols: Record<string, unknown>[] = [{ [C.job]: text }, { [C.rev]: int(job.revision ?? 0) }, { [C.created]: int(job.createdAtMs) }, { [C.state]: job.state }];
  const pipelineId = job.request.pipelineId;
  if (pipelineId !== undefined) cols.push({ [C.pipeline]: pipelineId }, { [C.pipelineState]: `${pipelineId}/${job.state}` });
  const final = FINAL_STATES.includes(job.state);
  if (!final) cols.push({ [C.pending]: PENDING.unfinished });
  else if (job.pendingAnnouncement !== undefined) cols.push({ [C.pending]: PENDING.unannounced });
  return cols;
}

/** A job store that cannot be reached or refuses us is the service's problem, not the caller's. */
function storeFailure(err: unknown, table: string): Error {
  if (!(err instanceof TablestoreError)) return err as Error;
  if (err.code === 'OTSAuthFailed' || err.code === 'OTSNoPermissionAccess') return Errors.internal(`the job table ${table} refused access: ${err.message}`);
  if (err.code === 'OTSObjectNotExist') return Errors.internal(`the job table ${table} does not exist: ${err.message}`);
  return Errors.serviceUnavailable(`the job table ${table} is unavailable: ${err.message}`);
}
