/**
 * Filtering and paging shared by the job stores, so both answer a query identically.
 *
 * The page token is the id of the last job of the previous page: ids are unique and records are
 * never removed, so "everything after this job in the order" is a stable cursor; new jobs sort
 * first and cannot shift later pages. It is 32 characters like MPS's tokens, and opaque to clients.
 */
import { Errors } from '../../core/errors';
import { FINAL_STATES, type SnapshotJob } from '../../core/model';
import type { JobQuery } from '../../core/ports';
import { JobConflictError } from '../../core/job-conflict';

/** Newest first: `createdAtMs` descending, then id descending. */
export function newestFirst(a: SnapshotJob, b: SnapshotJob): number {
  if (a.createdAtMs !== b.createdAtMs) return b.createdAtMs - a.createdAtMs;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function matches(job: SnapshotJob, q: JobQuery): boolean {
  if (q.pipelineId !== undefined && job.request.pipelineId !== q.pipelineId) return false;
  if (q.state !== undefined && job.state !== q.state) return false;
  if (q.fromMs !== undefined && job.createdAtMs < q.fromMs) return false;
  if (q.toMs !== undefined && job.createdAtMs > q.toMs) return false;
  return true;
}

export function pageJobs(
  all: Iterable<SnapshotJob>,
  query: JobQuery,
  byId: (id: string) => SnapshotJob | undefined,
): { jobs: SnapshotJob[]; nextPageToken?: string } {
  const pageSize = Math.max(1, Math.floor(query.pageSize));
  let after: SnapshotJob | undefined;
  if (query.pageToken !== undefined && query.pageToken !== '') {
    after = byId(query.pageToken);
    if (!after) throw Errors.invalidParameter('NextPageToken', `"${query.pageToken}" is not a token this service issued.`);
  }
  const sorted = [...all].filter((j) => matches(j, query)).sort(newestFirst);
  const start = after ? sorted.findIndex((j) => newestFirst(j, after!) > 0) : 0;
  if (start < 0) return { jobs: [] };
  const jobs = sorted.slice(start, start + pageSize);
  const more = start + pageSize < sorted.length;
  return more ? { jobs, nextPageToken: jobs[jobs.length - 1].id } : { jobs };
}

/** Accepted but not final, oldest first: the order they were accepted in. */
export function unfinishedOldestFirst(all: Iterable<SnapshotJob>): SnapshotJob[] {
  return [...all].filter((j) => !FINAL_STATES.includes(j.state)).sort((a, b) => newestFirst(b, a));
}

/** Final jobs with an announcement still owed, oldest first. */
export function unannouncedOldestFirst(all: Iterable<SnapshotJob>): SnapshotJob[] {
  return [...all].filter((j) => j.pendingAnnouncement !== undefined && FINAL_STATES.includes(j.state)).sort((a, b) => newestFirst(b, a));
}

/**
 * The record a conditional write stores, or the conflict that refuses it: `create` expects no
 * stored record, `update` expects the stored revision to be the one the job was read as.
 */
export function nextRevision(job: SnapshotJob, stored: Pick<SnapshotJob, 'revision'> | undefined, mode: 'create' | 'update'): SnapshotJob {
  if (mode === 'create') {
    if (stored) throw new JobConflictError(job.id, undefined, stored.revision);
    return { ...job, revision: 1 };
  }
  if (!stored || stored.revision !== job.revision) throw new JobConflictError(job.id, job.revision, stored?.revision);
  return { ...job, revision: (job.revision ?? 0) + 1 };
}

/** Ids become file and object names, so only plain characters are allowed. */
export function assertStorableId(id: string): void {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw Errors.internal(`job id "${id}" cannot be stored (expected letters, digits, "-" or "_")`);
}

export function parseJobRecord(text: string, origin: string): SnapshotJob {
  const job = JSON.parse(text) as SnapshotJob;
  if (typeof job !== 'object' || job === null || typeof job.id !== 'string' || typeof job.createdAtMs !== 'number' || typeof job.state !== 'string' || typeof job.request !== 'object') {
    throw new Error(`${origin} is not a job record`);
  }
  return job;
}
