/**
 * Two worker instances sweeping the same Tablestore job table at the same moment (as two timer
 * invocations can): the re-dispatch is a conditional claim, so each stale job is handed to the
 * worker exactly once and the losing sweep skips it.
 */
import { DEFAULT_ANNOUNCEMENT_POLICY } from '../../../runtime/core/announcement';
import { TablestoreJobStore } from '../../../runtime/adapters/job-store/tablestore-job-store';
import { StaticPipelineRegistry } from '../../../runtime/adapters/pipelines/static-pipeline-registry';
import type { JobDispatcher, Notifier, ObjectStorage } from '../../../runtime/core/ports';
import { sweepStaleJobs, type SweepDeps } from '../../../runtime/service/sweep-stale-jobs';
import { createJobTable, OTS_INSTANCE, startTablestore } from '../../support/tablestore-server/job-tables';
import type { TablestoreServer } from '../../support/tablestore-server/tablestore-server';
import { hexId, jobRecord } from '../adapters/job-fixtures';

const MIN = 60_000;
const creds = { accessKeyId: 'STS.worker', accessKeySecret: 'worker-secret', securityToken: 'CAIS-worker' };
const policy = { staleAfterMs: 70 * MIN, maxRedispatches: 2 };
let ots: TablestoreServer;

beforeAll(async () => {
  ots = await startTablestore([creds]);
  createJobTable(ots, 'jobs');
});
afterAll(() => ots?.close());

const unused = (what: string) => () => Promise.reject(new Error(`${what} is not used by a re-dispatch`));

function instance(name: string, dispatched: string[], events: string[]): SweepDeps {
  return {
    jobs: new TablestoreJobStore({ endpoint: ots.endpoint, instanceName: OTS_INSTANCE, ...creds, table: 'jobs' }),
    storage: { resolveInput: unused('storage'), put: unused('storage'), delete: unused('storage'), bucketExists: unused('storage'), publicUrl: () => '' } as ObjectStorage,
    notifier: { publish: unused('notifier') } as Notifier,
    pipelines: new StaticPipelineRegistry([]),
    dispatcher: { dispatch: async (id) => void dispatched.push(`${name}:${id}`) } as JobDispatcher,
    clock: { now: () => new Date() },
    log: (event) => void events.push(event),
    random: () => 0.5,
    announcement: DEFAULT_ANNOUNCEMENT_POLICY,
  };
}

test('two sweeps at the same moment dispatch each stale job once; the loser of each claim skips it', async () => {
  const now = Date.now();
  const seeder = instance('seed', [], []).jobs;
  const stale = [1, 2, 3].map((i) => jobRecord(hexId(i), now - (100 + i) * MIN));
  for (const j of stale) await seeder.create(j);
  await seeder.create(jobRecord(hexId(9), now - 5 * MIN));

  const dispatched: string[] = [];
  const events: string[] = [];
  // Both sweeps have read the first job before either may claim it.
  ots.holdUntilConcurrent('PutRow', 2);
  const [a, b] = await Promise.all([sweepStaleJobs(instance('a', dispatched, events), policy), sweepStaleJobs(instance('b', dispatched, events), policy)]);

  expect(a.checked).toBe(4);
  expect(b.checked).toBe(4);
  expect([...a.redispatched, ...b.redispatched].sort()).toEqual(stale.map((j) => j.id));
  expect(dispatched.map((d) => d.split(':')[1]).sort()).toEqual(stale.map((j) => j.id));
  expect(events.filter((e) => e === 'sweep.skipped').length).toBeGreaterThanOrEqual(1);
  for (const j of stale) expect(await seeder.get(j.id)).toMatchObject({ redispatches: 1, revision: 2 });
  expect(await seeder.get(hexId(9))).toMatchObject({ revision: 1 });
});
