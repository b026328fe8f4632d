/** The ReplayGuard port: one contract, run on the in-memory guard and on Tablestore (two instances). */
import { createHash } from 'node:crypto';
import { MemoryReplayGuard, type ReplayGuard } from '../../../runtime/api/replay-guard';
import { TablestoreReplayGuard } from '../../../runtime/adapters/tablestore/tablestore-replay-guard';
import { createNonceTable, OTS_INSTANCE, startTablestore } from '../../support/tablestore-server/job-tables';
import type { TablestoreServer } from '../../support/tablestore-server/tablestore-server';

const creds = { accessKeyId: 'STS.api', accessKeySecret: 'api-secret', securityToken: 'CAIS-api' };
const T0 = Date.UTC(2026, 0, 1);

/** Two views of the same guard: two API instances, or the same process twice. */
function replayGuardContract(fresh: () => Promise<[ReplayGuard, ReplayGuard]>): void {
  it('accepts a nonce once, from whichever instance, and keeps callers apart', async () => {
    const [a, b] = await fresh();
    expect(await a.claim('LTAI1', 'n-1', T0)).toBe('fresh');
    expect(await b.claim('LTAI1', 'n-1', T0 + 1000)).toBe('replayed');
    expect(await a.claim('LTAI1', 'n-1', T0 + 2000)).toBe('replayed');
    expect(await b.claim('LTAI2', 'n-1', T0)).toBe('fresh');
    expect(await b.claim('LTAI1', 'n-2', T0)).toBe('fresh');
  });

  it('of two instances claiming the same nonce at the same moment exactly one wins', async () => {
    const [a, b] = await fresh();
    const verdicts = await Promise.all([a.claim('LTAI1', 'race', T0), b.claim('LTAI1', 'race', T0)]);
    expect(verdicts.sort()).toEqual(['fresh', 'replayed']);
  });
}

describe('MemoryReplayGuard', () => {
  replayGuardContract(async () => {
    const g = new MemoryReplayGuard();
    return [g, g];
  });
});

describe('TablestoreReplayGuard', () => {
  let ots: TablestoreServer;
  let n = 0;
  beforeAll(async () => {
    ots = await startTablestore([creds]);
  });
  afterAll(() => ots?.close());
  const guardOn = (table: string) => new TablestoreReplayGuard({ endpoint: ots.endpoint, instanceName: OTS_INSTANCE, ...creds, table, sleep: async () => undefined });
  const freshTable = () => {
    const table = `nonces${++n}`;
    createNonceTable(ots, table);
    return table;
  };

  replayGuardContract(async () => {
    const table = freshTable();
    return [guardOn(table), guardOn(table)];
  });

  it('a claim whose answer was lost still counts as its own; a busy server is retried', async () => {
    const table = freshTable();
    const guard = guardOn(table);
    ots.injectFault({ code: 'OTSTimeout', status: 503, operation: 'PutRow', afterApplying: true });
    expect(await guard.claim('LTAI1', 'lost-answer', T0)).toBe('fresh');
    expect(await guard.claim('LTAI1', 'lost-answer', T0)).toBe('replayed');
    // Keyed by a digest of key id and nonce: fixed size, nothing of the caller's in clear.
    const digest = createHash('sha256').update('LTAI1\nlost-answer').digest('hex');
    expect(ots.row(table, [digest])).toMatchObject({ at: T0 });
    ots.injectFault({ code: 'OTSServerBusy', status: 503, operation: 'PutRow' });
    expect(await guard.claim('LTAI1', 'busy', T0)).toBe('fresh');
  });

  it('fails closed with ServiceUnavailable when the table cannot be reached', async () => {
    const guard = new TablestoreReplayGuard({ endpoint: ots.endpoint, instanceName: OTS_INSTANCE, ...creds, table: 'missing', sleep: async () => undefined });
    await expect(guard.claim('LTAI1', 'n', T0)).rejects.toMatchObject({ code: 'ServiceUnavailable' });
  });
});
