import { TablestoreJobStore } from '../../../runtime/adapters/job-store/tablestore-job-store';
import { JobConflictError } from '../../../runtime/core/job-conflict';
import { createJobTable, OTS_INSTANCE, startTablestore } from '../../support/tablestore-server/job-tables';
import type { TablestoreServer } from '../../support/tablestore-server/tablestore-server';
import { jobStoreContract } from './job-store-contract';
import { hexId, jobRecord } from './job-fixtures';

const creds = { accessKeyId: 'STS.ots-role', accessKeySecret: 'ots-secret', securityToken: 'CAIS-ots-token' };
let ots: TablestoreServer;
let tables = 0;
const waits: number[] = [];

beforeAll(async () => {
  ots = await startTablestore([creds]);
});
afterAll(() => ots?.close());

function storeOn(table: string, over: Partial<ConstructorParameters<typeof TablestoreJobStore>[0]> = {}): TablestoreJobStore {
  return new TablestoreJobStore({ endpoint: ots.endpoint, instanceName: OTS_INSTANCE, ...creds, table, sleep: async (ms) => void waits.push(ms), ...over });
}

function freshTable(): string {
  const name = `jobs${++tables}`;
  createJobTable(ots, name);
  return name;
}

describe('TablestoreJobStore (official SDK against the protocol-level server)', () => {
  jobStoreContract(async () => storeOn(freshTable()));

  it('retries throttling and server-busy answers with back-off, then succeeds', async () => {
    const store = storeOn(freshTable());
    waits.length = 0;
    ots.injectFault({ code: 'OTSServerBusy', status: 503, operation: 'PutRow' });
    ots.injectFault({ code: 'OTSOperationThrottled', status: 503, operation: 'PutRow' });
    ots.injectFault({ code: 'OTSQuotaExhausted', status: 403, operation: 'PutRow' });
    const created = await store.create(jobRecord(hexId(1), 1_000));
    expect(created.revision).toBe(1);
    expect(waits).toHaveLength(3);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    ots.injectFault({ code: 'OTSTimeout', status: 503, operation: 'GetRange' });
    // BatchGetRow reports a throttled row inside a successful answer: that row is read again.
    ots.injectFault({ code: 'OTSServerBusy', status: 503, operation: 'BatchGetRow:row' });
    const before = ots.count('BatchGetRow');
    expect((await store.list({ pageSize: 5 })).jobs.map((j) => j.id)).toEqual([hexId(1)]);
    expect(ots.count('BatchGetRow') - before).toBe(2);
  });

  it('gives up after its attempts with ServiceUnavailable, and never retries a lost condition', async () => {
    const store = storeOn(freshTable(), { maxAttempts: 3 });
    ots.injectFault({ code: 'OTSServerBusy', status: 503, operation: 'GetRow' }, 3);
    await expect(store.get(hexId(1))).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    const read = await store.create(jobRecord(hexId(1), 1_000));
    await store.update({ ...read, state: 'Snapshoting' });
    const before = ots.count('PutRow');
    await expect(store.update({ ...read, state: 'Fail' })).rejects.toBeInstanceOf(JobConflictError);
    expect(ots.count('PutRow') - before).toBe(1);
  });

  it('a write whose answer was lost (timeout after applying) is recognised as its own on the retry', async () => {
    const store = storeOn(freshTable());
    const read = await store.create(jobRecord(hexId(1), 1_000));
    ots.injectFault({ code: 'OTSTimeout', status: 503, operation: 'PutRow', afterApplying: true });
    const updated = await store.update({ ...read, state: 'Snapshoting' });
    expect(updated.revision).toBe(2);
    expect(await store.get(hexId(1))).toEqual(updated);
  });

  it('a wrong key is refused by the signature check and reported as InternalError', async () => {
    const store = storeOn(freshTable(), { accessKeySecret: 'wrong' });
    await expect(store.get(hexId(1))).rejects.toMatchObject({ code: 'InternalError', message: expect.stringContaining('OTSAuthFailed') });
  });

  it('stores the index columns sparsely: pending only while unfinished or owed an announcement', async () => {
    const table = freshTable();
    const store = storeOn(table);
    const created = await store.create(jobRecord(hexId(1), 1_000, 'Submitted', 'p1'));
    expect(ots.row(table, [hexId(1)])).toMatchObject({ rev: 1, created: 1_000, state: 'Submitted', pipeline: 'p1', pipeline_state: 'p1/Submitted', pending: 'unfinished' });
    const done = await store.update({ ...created, state: 'Success', pendingAnnouncement: { attempts: 0, nextAttemptAtMs: 0 } });
    expect(ots.row(table, [hexId(1)])).toMatchObject({ rev: 2, state: 'Success', pending: 'unannounced' });
    const { pendingAnnouncement: _, ...announced } = done;
    await store.update(announced);
    expect(ots.row(table, [hexId(1)])).not.toHaveProperty('pending');
  });
});
