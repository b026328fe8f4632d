/**
 * The in-memory index of the filesystem job store: a few bytes per job (id, creation time, state,
 * pipeline, revision, announcement owed) in lists sorted by creation time, so a filtered page is
 * found with a binary search and a short scan, and only the page's records are read from disk.
 *
 * Every list is sorted by (`createdAtMs`, id) ascending, the reverse of the listing order, so new
 * jobs (the usual case) are appended at the end. There is one list of all jobs, one per state and
 * one per pipeline; a query scans the shortest list its filters allow and checks the other
 * filters on the entries it passes.
 */
import { Errors } from '../../core/errors';
import { FINAL_STATES, type JobState, type SnapshotJob } from '../../core/model';
import type { JobQuery } from '../../core/ports';

export const JOB_STATES: readonly JobState[] = ['Submitted', 'Snapshoting', 'Success', 'Fail'];

export interface IndexEntry {
  readonly id: string;
  readonly createdAtMs: number;
  readonly state: JobState;
  readonly pipelineId?: string;
  /** The record's revision; 0 for records written before revisions existed. */
  readonly revision: number;
  /** `pendingAnnouncement` is set on the record. */
  readonly announcementOwed: boolean;
}

/** `pipelines` (when given) hands out one string per pipeline id, shared by all its entries. */
export function entryOf(job: SnapshotJob, pipelines?: Map<string, string>): IndexEntry {
  const pipelineId = job.request?.pipelineId;
  return {
    id: job.id,
    createdAtMs: job.createdAtMs,
    state: job.state,
    pipelineId: pipelines && pipelineId !== undefined ? sharedString(pipelines, pipelineId) : pipelineId,
    revision: job.revision ?? 0,
    announcementOwed: job.pendingAnnouncement !== undefined,
  };
}

export function sharedString(pool: Map<string, string>, s: string): string {
  const shared = pool.get(s);
  if (shared !== undefined) return shared;
  pool.set(s, s);
  return s;
}

/** Ascending (`createdAtMs`, id): the listing order reversed. */
export function compareEntries(a: Pick<IndexEntry, 'createdAtMs' | 'id'>, b: Pick<IndexEntry, 'createdAtMs' | 'id'>): number {
  if (a.createdAtMs !== b.createdAtMs) return a.createdAtMs < b.createdAtMs ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Index of the first entry not below `key` (its position if present). */
function lowerBound(list: readonly IndexEntry[], key: Pick<IndexEntry, 'createdAtMs' | 'id'>): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(list[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first entry created at or after `ms` (`after`: strictly after). */
function timeBound(list: readonly IndexEntry[], ms: number, after: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].createdAtMs < ms || (after && list[mid].createdAtMs === ms)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: IndexEntry[], entry: IndexEntry): void {
  // New jobs are the newest: append without searching.
  if (list.length === 0 || compareEntries(list[list.length - 1], entry) < 0) list.push(entry);
  else list.splice(lowerBound(list, entry), 0, entry);
}

function removeSorted(list: IndexEntry[], entry: IndexEntry): void {
  const at = lowerBound(list, entry);
  if (list[at]?.id === entry.id) list.splice(at, 1);
}

export interface IndexPage {
  /** Ids of the page's jobs, newest first. */
  readonly ids: string[];
  readonly nextPageToken?: string;
}

export class JobIndex {
  private readonly all: IndexEntry[] = [];
  private readonly byState = new Map<JobState, IndexEntry[]>();
  private readonly byPipeline = new Map<string, IndexEntry[]>();
  /** Final jobs whose announcement is owed: few, so a set is enough. */
  private readonly owed = new Set<IndexEntry>();

  /**
   * Builds the lists in one pass and one sort each (nearly free when the input is in order).
   * Takes the map over (no copy: at 100,000 jobs, building a second one is a good part of the
   * start-up time).
   */
  constructor(private readonly byId = new Map<string, IndexEntry>()) {}

  static build(byId: Map<string, IndexEntry>): JobIndex {
    const index = new JobIndex(byId);
    for (const e of byId.values()) {
      index.all.push(e);
      listFor(index.byState, e.state).push(e);
      if (e.pipelineId !== undefined) listFor(index.byPipeline, e.pipelineId).push(e);
      if (isOwed(e)) index.owed.add(e);
    }
    index.all.sort(compareEntries);
    for (const list of [...index.byState.values(), ...index.byPipeline.values()]) list.sort(compareEntries);
    return index;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): IndexEntry | undefined {
    return this.byId.get(id);
  }

  /** Adds the entry, or replaces the one with its id. */
  set(entry: IndexEntry): void {
    const old = this.byId.get(entry.id);
    if (old) this.remove(old);
    this.byId.set(entry.id, entry);
    insertSorted(this.all, entry);
    insertSorted(listFor(this.byState, entry.state), entry);
    if (entry.pipelineId !== undefined) insertSorted(listFor(this.byPipeline, entry.pipelineId), entry);
    if (isOwed(entry)) this.owed.add(entry);
  }

  delete(id: string): void {
    const old = this.byId.get(id);
    if (old) this.remove(old);
  }

  private remove(entry: IndexEntry): void {
    this.byId.delete(entry.id);
    removeSorted(this.all, entry);
    removeSorted(this.byState.get(entry.state)!, entry);
    if (entry.pipelineId !== undefined) removeSorted(this.byPipeline.get(entry.pipelineId)!, entry);
    this.owed.delete(entry);
  }

  /** Every entry, oldest first. */
  entries(): readonly IndexEntry[] {
    return this.all;
  }

  /**
   * The ids of one page, newest first. The page token is the id of the previous page's last job
   * (see job-query.ts); an id the index does not hold is `InvalidParameter`.
   */
  page(query: JobQuery): IndexPage {
    const pageSize = Math.max(1, Math.floor(query.pageSize));
    let after: IndexEntry | undefined;
    if (query.pageToken !== undefined && query.pageToken !== '') {
      after = this.byId.get(query.pageToken);
      if (!after) throw Errors.invalidParameter('NextPageToken', `"${query.pageToken}" is not a token this service issued.`);
    }
    const candidates: IndexEntry[][] = [this.all];
    if (query.state !== undefined) candidates.push(this.byState.get(query.state) ?? []);
    if (query.pipelineId !== undefined) candidates.push(this.byPipeline.get(query.pipelineId) ?? []);
    const list = candidates.reduce((a, b) => (b.length < a.length ? b : a));

    let hi = query.toMs === undefined ? list.length : timeBound(list, query.toMs, true);
    if (after) hi = Math.min(hi, lowerBound(list, after));
    const lo = query.fromMs === undefined ? 0 : timeBound(list, query.fromMs, false);
    const ids: string[] = [];
    for (let i = hi - 1; i >= lo; i--) {
      const e = list[i];
      if (query.state !== undefined && e.state !== query.state) continue;
      if (query.pipelineId !== undefined && e.pipelineId !== query.pipelineId) continue;
      if (ids.length === pageSize) return { ids, nextPageToken: ids[ids.length - 1] };
      ids.push(e.id);
    }
    return { ids };
  }

  /** Accepted but not final, oldest first. */
  unfinished(): IndexEntry[] {
    const lists = JOB_STATES.filter((s) => !FINAL_STATES.includes(s)).map((s) => this.byState.get(s) ?? []);
    return lists.flat().sort(compareEntries);
  }

  /** Final with an announcement owed, oldest first. */
  unannounced(): IndexEntry[] {
    return [...this.owed].sort(compareEntries);
  }
}

function isOwed(e: IndexEntry): boolean {
  return e.announcementOwed && FINAL_STATES.includes(e.state);
}

function listFor<K>(lists: Map<K, IndexEntry[]>, key: K): IndexEntry[] {
  let list = lists.get(key);
  if (!list) lists.set(key, (list = []));
  return list;
}
