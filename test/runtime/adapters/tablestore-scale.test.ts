/**
 * What a query costs does not grow with the number of stored jobs: the same first pages and sweep
 * take the same number of requests at 1,000 and at 20,000 records (the server counts them).
 * bench/tablestore-scale.ts runs the same measurement at 1,000,000.
 */
import { rowColumns, TablestoreJobStore } from '../../../runtime/adapters/job-store/tablestore-job-store';
import { toNumber } from '../../../runtime/adapters/tablestore/tablestore-client';
import { loadedJob, loadJobRows, measureQueries } from '../../support/tablestore-server/job-load';
import { createJobTable, OTS_INSTANCE, startTablestore } from '../../support/tablestore-server/job-tables';
import type { TablestoreServer } from '../../support/tablestore-server/tablestore-server';

const creds = { accessKeyId: 'LTAIscale', accessKeySecret: 'scale-secret' };
let ots: TablestoreServer;
beforeAll(async () => {
  ots = await startTablestore([creds]);
});
afterAll(() => ots?.close());

async function costs(count: number): Promise<Record<string, { requests: number; results: number }>> {
  const table = `jobs_${count}`;
  createJobTable(ots, table);
  const nowMs = Date.now();
  const shape = { count, unfinished: 25, nowMs };
  const { oldestMs } = loadJobRows(ots, table, shape);
  // The loaded rows are the rows the store writes.
  for (const i of [0, 9, 20, count + 3]) {
    const job = loadedJob(i, shape);
    const written = Object.fromEntries(rowColumns(job).flatMap((c) => Object.entries(c)).map(([k, v]) => [k, typeof v === 'string' ? v : toNumber(v)]));
    expect(ots.row(table, [job.id])).toEqual(written);
  }
  const store = new TablestoreJobStore({ endpoint: ots.endpoint, instanceName: OTS_INSTANCE, ...creds, table });
  const measured = await measureQueries(ots, store, { oldestMs, nowMs });
  return Object.fromEntries(measured.map((m) => [m.what, { requests: m.requests, results: m.results }]));
}

test('first pages and the sweep take the same small number of requests at 1,000 and 20,000 jobs', async () => {
  const small = await costs(1_000);
  const large = await costs(20_000);
  expect(large).toEqual(small);
  expect(large['first page by state (Fail)']).toEqual({ requests: 2, results: 10 });
  expect(large['first page by pipeline and state']).toEqual({ requests: 2, results: 10 });
  expect(large['first page by time range (an hour, mid-way)']).toEqual({ requests: 2, results: 10 });
  expect(large['second page by state (token)']).toEqual({ requests: 3, results: 10 });
  // The sweep reads the 25 unfinished jobs only: one index range, one batch read.
  expect(large['stale-job sweep']).toEqual({ requests: 2, results: 25 });
});
