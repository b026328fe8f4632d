/**
 * Many job records put straight into a test server's memory (no requests), as the Tablestore job
 * store would have written them, and the request counts of the queries the service makes: shared by
 * the scale test (20,000 records) and bench/tablestore-scale.ts (1,000,000).
 */
import { DEFAULT_ANNOUNCEMENT_POLICY } from '../../../runtime/core/announcement';
import type { TablestoreJobStore } from '../../../runtime/adapters/job-store/tablestore-job-store';
import { FINAL_STATES } from '../../../runtime/core/model';
import type { JobState, SnapshotJob } from '../../../runtime/core/model';
import type { JobQuery } from '../../../runtime/core/ports';
import { sweepStaleJobs } from '../../../runtime/service/sweep-stale-jobs';
import { StaticPipelineRegistry } from '../../../runtime/adapters/pipelines/static-pipeline-registry';
import { hexId, jobRecord } from '../../runtime/adapters/job-fixtures';
import type { TablestoreServer } from './tablestore-server';

export const PIPELINES = Array.from({ length: 10 }, (_, i) => `${i}`.repeat(32).slice(0, 32));

/** The i-th loaded job: a second apart, over 10 pipelines (every 10th without one), 1 in 20 failed. */
export function loadedJob(i: number, o: { count: number; unfinished: number; nowMs: number }): SnapshotJob {
  const oldestMs = o.nowMs - (o.count + o.unfinished) * 1000;
  const state: JobState = i >= o.count ? 'Submitted' : i % 20 === 0 ? 'Fail' : 'Success';
  return { ...jobRecord(hexId(i + 1), oldestMs + i * 1000, state, i % 10 === 9 ? undefined : PIPELINES[i % 10]), revision: 1 };
}

/**
 * `count` finished jobs plus `unfinished` young unfinished ones (the newest). Each row holds the
 * columns `TablestoreJobStore` writes (rowColumns; the scale test compares a sample), built here
 * without the SDK's 64-bit integer objects so a million rows load in seconds.
 */
export function loadJobRows(server: TablestoreServer, table: string, o: { count: number; unfinished: number; nowMs: number }): { oldestMs: number } {
  const rows: { key: string[]; columns: Record<string, string | { int: number }> }[] = [];
  for (let i = 0; i < o.count + o.unfinished; i++) {
    const job = loadedJob(i, o);
    const columns: Record<string, string | { int: number }> = { job: JSON.stringify(job), rev: { int: 1 }, created: { int: job.createdAtMs }, state: job.state };
    const pipelineId = job.request.pipelineId;
    if (pipelineId !== undefined) Object.assign(columns, { pipeline: pipelineId, pipeline_state: `${pipelineId}/${job.state}` });
    if (!FINAL_STATES.includes(job.state)) columns.pending = 'unfinished';
    rows.push({ key: [job.id], columns });
  }
  server.loadRows(table, rows);
  return { oldestMs: o.nowMs - (o.count + o.unfinished) * 1000 };
}

export interface Measured {
  readonly what: string;
  readonly requests: number;
  readonly ms: number;
  readonly results: number;
}

/** Runs `fn` and reports the requests the server counted and the wall time. */
export async function measure(server: TablestoreServer, what: string, fn: () => Promise<number>): Promise<Measured> {
  const before = server.requests.length;
  const t0 = performance.now();
  const results = await fn();
  return { what, requests: server.requests.length - before, ms: performance.now() - t0, results };
}

/** The first page of each query shape the API serves, and a sweep, against the loaded rows. */
export async function measureQueries(server: TablestoreServer, store: TablestoreJobStore, o: { oldestMs: number; nowMs: number }): Promise<Measured[]> {
  const page = (q: Omit<JobQuery, 'pageSize'>) => async () => (await store.list({ pageSize: 10, ...q })).jobs.length;
  const out: Measured[] = [];
  out.push(await measure(server, 'first page, no filter', page({})));
  out.push(await measure(server, 'first page by state (Fail)', page({ state: 'Fail' })));
  out.push(await measure(server, 'first page by pipeline', page({ pipelineId: PIPELINES[3] })));
  out.push(await measure(server, 'first page by pipeline and state', page({ pipelineId: PIPELINES[0], state: 'Fail' })));
  const mid = o.oldestMs + (o.nowMs - o.oldestMs) / 2;
  out.push(await measure(server, 'first page by time range (an hour, mid-way)', page({ fromMs: mid, toMs: mid + 3_600_000 })));
  const first = await store.list({ pageSize: 10, state: 'Success' });
  out.push(await measure(server, 'second page by state (token)', page({ state: 'Success', pageToken: first.nextPageToken })));
  const noop = () => Promise.reject(new Error('not used'));
  out.push(
    await measure(server, 'stale-job sweep', async () => {
      const report = await sweepStaleJobs(
        {
          jobs: store,
          storage: { resolveInput: noop, put: noop, delete: noop, bucketExists: noop, publicUrl: () => '' },
          notifier: { publish: noop },
          pipelines: new StaticPipelineRegistry([]),
          dispatcher: { dispatch: noop },
          clock: { now: () => new Date(o.nowMs) },
          random: () => 0.5,
          announcement: DEFAULT_ANNOUNCEMENT_POLICY,
          log: () => undefined,
        },
        { staleAfterMs: 70 * 60_000, maxRedispatches: 2 },
      );
      return report.checked;
    }),
  );
  return out;
}
