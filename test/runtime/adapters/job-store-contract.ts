/** What every JobStore must do; each store's test file runs these against a real instance. */
import type { JobStore } from '../../../runtime/core/ports';
import { JobConflictError } from '../../../runtime/core/job-conflict';
import { hexId, jobRecord } from './job-fixtures';

export function jobStoreContract(fresh: () => Promise<JobStore>): void {
  it('gets back what was created (revision 1), and an update replaces it with the next revision', async () => {
    const store = await fresh();
    const job = jobRecord(hexId(1), 1_700_000_000_000);
    const created = await store.create(job);
    expect(created).toEqual({ ...job, revision: 1 });
    expect(await store.get(job.id)).toEqual(created);
    const updated = await store.update({ ...created, state: 'Success', count: 3 });
    expect(updated.revision).toBe(2);
    expect(await store.get(job.id)).toEqual(updated);
    expect(await store.get(hexId(999))).toBeUndefined();
  });

  it('refuses to create a job whose id exists, and keeps the stored one', async () => {
    const store = await fresh();
    const created = await store.create(jobRecord(hexId(1), 1_000, 'Snapshoting'));
    await expect(store.create(jobRecord(hexId(1), 2_000))).rejects.toBeInstanceOf(JobConflictError);
    expect(await store.get(hexId(1))).toEqual(created);
  });

  it('an update based on an old read loses, learns it, and writes nothing', async () => {
    const store = await fresh();
    const read = await store.create(jobRecord(hexId(1), 1_000));
    const winner = await store.update({ ...read, state: 'Snapshoting' });
    await expect(store.update({ ...read, state: 'Fail', code: 'InternalError' })).rejects.toBeInstanceOf(JobConflictError);
    expect(await store.get(hexId(1))).toEqual(winner);
    await expect(store.update(jobRecord(hexId(2), 1_000))).rejects.toBeInstanceOf(JobConflictError);
    expect(await store.get(hexId(2))).toBeUndefined();
  });

  it('of two concurrent updates of the same revision exactly one wins', async () => {
    const store = await fresh();
    const read = await store.create(jobRecord(hexId(1), 1_000));
    const results = await Promise.allSettled([store.update({ ...read, redispatches: 1 }), store.update({ ...read, redispatches: 1 })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(JobConflictError);
    expect((await store.get(hexId(1)))?.revision).toBe(2);
  });

  it('lists final jobs with an announcement owed, oldest first', async () => {
    const store = await fresh();
    const owed = { attempts: 1, nextAttemptAtMs: 5_000, lastErrorCode: 'ServerError' };
    await store.create({ ...jobRecord(hexId(1), 3_000, 'Success'), pendingAnnouncement: owed });
    await store.create({ ...jobRecord(hexId(2), 1_000, 'Fail'), pendingAnnouncement: owed });
    await store.create(jobRecord(hexId(3), 2_000, 'Success'));
    const sent = await store.create({ ...jobRecord(hexId(4), 500, 'Success'), pendingAnnouncement: owed });
    const { pendingAnnouncement: _sent, ...announced } = sent;
    await store.update({ ...announced, mnsMessageResult: { messageId: 'M1' } });
    expect((await store.listUnannounced()).map((j) => j.id)).toEqual([hexId(2), hexId(1)]);
  });

  it('lists newest first (createdAtMs, then id, descending) across pages with tokens', async () => {
    const store = await fresh();
    const base = 1_700_000_000_000;
    // 25 jobs; several share a millisecond so the id decides their order.
    const jobs = Array.from({ length: 25 }, (_, i) => jobRecord(hexId(i + 1), base + Math.floor(i / 3) * 1000));
    for (const j of [...jobs].reverse()) await store.create(j);
    const expected = [...jobs].sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1)).map((j) => j.id);

    const seen: string[] = [];
    const tokens: string[] = [];
    let token: string | undefined;
    do {
      const page = await store.list({ pageSize: 7, pageToken: token });
      expect(page.jobs.length).toBeLessThanOrEqual(7);
      seen.push(...page.jobs.map((j) => j.id));
      token = page.nextPageToken;
      if (token) tokens.push(token);
    } while (token);
    expect(seen).toEqual(expected);
    expect(tokens).toHaveLength(3);
    for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(tokens).size).toBe(3);
  });

  it('a page token is not disturbed by jobs created after it was issued', async () => {
    const store = await fresh();
    for (let i = 1; i <= 6; i++) await store.create(jobRecord(hexId(i), 1_000 * i));
    const first = await store.list({ pageSize: 3 });
    expect(first.jobs.map((j) => j.id)).toEqual([hexId(6), hexId(5), hexId(4)]);
    await store.create(jobRecord(hexId(7), 7_000));
    const second = await store.list({ pageSize: 3, pageToken: first.nextPageToken });
    expect(second.jobs.map((j) => j.id)).toEqual([hexId(3), hexId(2), hexId(1)]);
    expect(second.nextPageToken).toBeUndefined();
  });

  it('filters by pipeline, state and an inclusive creation-time range', async () => {
    const store = await fresh();
    await store.create(jobRecord(hexId(1), 1_000, 'Success', 'p1'));
    await store.create(jobRecord(hexId(2), 2_000, 'Fail', 'p1'));
    await store.create(jobRecord(hexId(3), 3_000, 'Success', 'p2'));
    await store.create(jobRecord(hexId(4), 4_000, 'Success'));
    const ids = async (q: Parameters<JobStore['list']>[0]) => (await store.list(q)).jobs.map((j) => j.id);
    expect(await ids({ pageSize: 30, pipelineId: 'p1' })).toEqual([hexId(2), hexId(1)]);
    expect(await ids({ pageSize: 30, state: 'Success' })).toEqual([hexId(4), hexId(3), hexId(1)]);
    expect(await ids({ pageSize: 30, fromMs: 2_000, toMs: 3_000 })).toEqual([hexId(3), hexId(2)]);
    expect(await ids({ pageSize: 30, pipelineId: 'p1', state: 'Success', toMs: 1_000 })).toEqual([hexId(1)]);
    expect(await ids({ pageSize: 30, pipelineId: 'nope' })).toEqual([]);
  });

  it('rejects a page token it never issued with InvalidParameter naming NextPageToken', async () => {
    const store = await fresh();
    await store.create(jobRecord(hexId(1), 1_000));
    await expect(store.list({ pageSize: 5, pageToken: 'ffffffffffffffffffffffffffffffff' })).rejects.toMatchObject({
      code: 'InvalidParameter',
      message: expect.stringContaining('NextPageToken'),
    });
  });

  it('lists unfinished jobs oldest first', async () => {
    const store = await fresh();
    await store.create(jobRecord(hexId(1), 3_000, 'Submitted'));
    await store.create(jobRecord(hexId(2), 1_000, 'Snapshoting'));
    await store.create(jobRecord(hexId(3), 2_000, 'Success'));
    await store.create(jobRecord(hexId(4), 500, 'Fail'));
    await store.create(jobRecord(hexId(5), 1_000, 'Submitted'));
    expect((await store.listUnfinished()).map((j) => j.id)).toEqual([hexId(2), hexId(5), hexId(1)]);
  });

  it('concurrent creates of many jobs all land', async () => {
    const store = await fresh();
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.create(jobRecord(hexId(100 + i), 10_000 + i))));
    const page = await store.list({ pageSize: 300 });
    expect(page.jobs).toHaveLength(40);
  });
}
