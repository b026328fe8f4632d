import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsJobStore, INDEX_FILE, type WriteStep } from '../../../runtime/adapters/job-store/fs-job-store';
import { pageJobs } from '../../../runtime/adapters/job-store/job-query';
import type { JobState, SnapshotJob } from '../../../runtime/core/model';
import type { JobQuery } from '../../../runtime/core/ports';
import { hexId, jobRecord } from './job-fixtures';
import { jobStoreContract } from './job-store-contract';

describe('FsJobStore', () => {
  let root: string;
  let n = 0;
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'fs-job-store-'));
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));
  beforeEach(() => {
    warnings.length = 0;
  });

  const freshDir = () => path.join(root, `store-${++n}`);
  const indexLines = async (dir: string) => (await fs.readFile(path.join(dir, INDEX_FILE), 'utf8')).split('\n').filter((l) => l !== '');
  /** Record files as an older version left them: no index, no revision. */
  const writeLegacyFolder = async (dir: string, jobs: SnapshotJob[]) => {
    await fs.mkdir(dir, { recursive: true });
    await Promise.all(jobs.map((j) => fs.writeFile(path.join(dir, `${j.id}.json`), JSON.stringify(j))));
  };

  describe('contract', () => {
    jobStoreContract(() => FsJobStore.open(freshDir(), { warn }));
  });

  it('keeps one JSON file per job beside its index; reopening reads the index, not the records', async () => {
    const dir = freshDir();
    const store = await FsJobStore.open(dir, { warn });
    const jobs = [];
    for (const j of [jobRecord(hexId(1), 1_000, 'Success', 'p1'), jobRecord(hexId(2), 2_000, 'Submitted', 'p1')]) jobs.push(await store.create(j));
    expect((await fs.readdir(dir)).sort()).toEqual([`${hexId(1)}.json`, `${hexId(2)}.json`, INDEX_FILE]);
    expect(JSON.parse(await fs.readFile(path.join(dir, `${hexId(1)}.json`), 'utf8'))).toEqual(jobs[0]);

    const reopened = await FsJobStore.open(dir, { warn });
    expect(reopened.stats.recordReads).toBe(0);
    expect(await reopened.get(hexId(1))).toEqual(jobs[0]);
    expect((await reopened.listUnfinished()).map((j) => j.id)).toEqual([hexId(2)]);
    expect((await reopened.list({ pageSize: 10, pipelineId: 'p1' })).jobs).toEqual([jobs[1], jobs[0]]);
    expect(reopened.stats.recordReads).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('a constructed (not opened) store loads lazily on first use', async () => {
    const dir = freshDir();
    await (await FsJobStore.open(dir)).create(jobRecord(hexId(3), 3_000));
    expect(await new FsJobStore({ dir }).get(hexId(3))).toMatchObject({ id: hexId(3) });
  });

  it('opens a folder an older version wrote (no index, no revisions): indexes it once, and its records update', async () => {
    const dir = freshDir();
    await writeLegacyFolder(dir, [jobRecord(hexId(1), 1_000, 'Success', 'p1'), jobRecord(hexId(2), 2_000, 'Submitted')]);
    await fs.writeFile(path.join(dir, `.tmp-${hexId(2)}.json.abc123`), '{"trunc');

    const store = await FsJobStore.open(dir, { warn });
    expect(store.stats.recordReads).toBe(2);
    expect((await fs.readdir(dir)).sort()).toEqual([`${hexId(1)}.json`, `${hexId(2)}.json`, INDEX_FILE]);
    const legacy = (await store.get(hexId(2)))!;
    expect(legacy.revision).toBeUndefined();
    expect(await store.update({ ...legacy, state: 'Success' })).toMatchObject({ revision: 1, state: 'Success' });
    await expect(store.update({ ...legacy, state: 'Fail' })).rejects.toMatchObject({ name: 'JobConflictError' });

    const reopened = await FsJobStore.open(dir, { warn });
    expect(reopened.stats.recordReads).toBe(0);
    expect((await reopened.list({ pageSize: 10, state: 'Success' })).jobs.map((j) => [j.id, j.revision])).toEqual([
      [hexId(2), 1],
      [hexId(1), undefined],
    ]);
    expect(warnings).toEqual([]);
  });

  it('skips corrupt, foreign and misnamed files with a warning when it builds the index', async () => {
    const dir = freshDir();
    await writeLegacyFolder(dir, [jobRecord(hexId(1), 1_000)]);
    await fs.writeFile(path.join(dir, `${hexId(2)}.json`), '{"id": "half a rec');
    await fs.writeFile(path.join(dir, `${hexId(3)}.json`), '[1,2,3]');
    await fs.writeFile(path.join(dir, `${hexId(4)}.json`), JSON.stringify(jobRecord(hexId(5), 5_000)));
    await fs.writeFile(path.join(dir, `${hexId(6)}.json`), JSON.stringify({ ...jobRecord(hexId(6), 6_000), state: 'Paused' }));
    await fs.writeFile(path.join(dir, 'notes.txt'), 'not a record');

    const store = await FsJobStore.open(dir, { warn });
    expect((await store.list({ pageSize: 10 })).jobs.map((j) => j.id)).toEqual([hexId(1)]);
    expect(warnings).toHaveLength(4);
    expect(warnings.join('\n')).toContain(`${hexId(2)}.json`);
  });

  it('rebuilds from the records, with a warning, when the index is damaged before its last line', async () => {
    const dir = freshDir();
    const store = await FsJobStore.open(dir, { warn });
    const job = await store.create(jobRecord(hexId(1), 1_000));
    await fs.appendFile(path.join(dir, INDEX_FILE), 'garbage\n["D","x",1]\n');
    const reopened = await FsJobStore.open(dir, { warn });
    expect(reopened.stats.recordReads).toBe(1);
    expect(await reopened.get(hexId(1))).toEqual(job);
    expect(warnings).toEqual([expect.stringContaining('rebuilding the index')]);
    expect(await indexLines(dir)).toHaveLength(2);
  });

  it('ignores a last line cut off by a crash in the middle of an append, and rewrites the index', async () => {
    const dir = freshDir();
    const store = await FsJobStore.open(dir, { warn });
    const job = await store.create(jobRecord(hexId(1), 1_000));
    await fs.appendFile(path.join(dir, INDEX_FILE), '["P","0000');
    const reopened = await FsJobStore.open(dir, { warn });
    expect(await reopened.list({ pageSize: 10 })).toEqual({ jobs: [job] });
    expect(await indexLines(dir)).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  describe('a crash in the middle of a write', () => {
    /** Once armed, every write stops for good at `step`, as if the process had died there. */
    const crashAt = (step: WriteStep) => {
      let armed = false;
      let stopped = 0;
      let notify = () => {};
      return {
        arm: () => void (armed = true),
        hook: (s: WriteStep) => {
          if (!armed || s !== step) return Promise.resolve();
          stopped++;
          notify();
          return new Promise<never>(() => undefined);
        },
        async stopped(count: number) {
          while (stopped < count) await new Promise<void>((r) => (notify = r));
        },
      };
    };

    it('after the intent, before the record: the next start keeps the previous record and removes the temp file', async () => {
      const dir = freshDir();
      const crash = crashAt('intent-logged');
      const store = await FsJobStore.open(dir, { warn, betweenWriteSteps: crash.hook });
      const read = await store.create(jobRecord(hexId(2), 2_000));
      crash.arm();
      void store.create(jobRecord(hexId(1), 1_000));
      void store.update({ ...read, state: 'Success' });
      await crash.stopped(2);
      // The crash came while the record's temp file was half written.
      await fs.writeFile(path.join(dir, `.tmp-${hexId(2)}.json.4f2a9c`), '{"half');

      const reopened = await FsJobStore.open(dir, { warn });
      expect(await reopened.get(hexId(1))).toBeUndefined();
      expect(await reopened.get(hexId(2))).toEqual(read);
      expect((await reopened.list({ pageSize: 10 })).jobs).toEqual([read]);
      expect((await fs.readdir(dir)).sort()).toEqual([`${hexId(2)}.json`, INDEX_FILE]);
      expect(await reopened.update({ ...read, state: 'Fail' })).toMatchObject({ revision: 2, state: 'Fail' });
      expect(warnings).toEqual([]);
    });

    it('after the record, before the done line: the next start indexes the record as written', async () => {
      const dir = freshDir();
      const crash = crashAt('record-written');
      const store = await FsJobStore.open(dir, { warn, betweenWriteSteps: crash.hook });
      const created = await store.create(jobRecord(hexId(1), 1_000, 'Snapshoting'));
      crash.arm();
      void store.update({ ...created, state: 'Success', pendingAnnouncement: { attempts: 0, nextAttemptAtMs: 0 } });
      await crash.stopped(1);

      const reopened = await FsJobStore.open(dir, { warn });
      expect(reopened.stats.recordReads).toBe(1);
      expect((await reopened.list({ pageSize: 10, state: 'Success' })).jobs.map((j) => j.revision)).toEqual([2]);
      expect(await reopened.listUnfinished()).toEqual([]);
      expect((await reopened.listUnannounced()).map((j) => j.id)).toEqual([hexId(1)]);
      expect(await indexLines(dir)).toHaveLength(2);
    });
  });

  it('compacts the index log to one line per job once it grows past the threshold', async () => {
    const dir = freshDir();
    const store = await FsJobStore.open(dir, { warn, compactAfterLines: 20 });
    let job = await store.create(jobRecord(hexId(1), 1_000));
    await store.create(jobRecord(hexId(2), 2_000));
    for (let i = 0; i < 15; i++) job = await store.update({ ...job, redispatches: i });
    expect((await indexLines(dir)).length).toBeLessThanOrEqual(21);
    const reopened = await FsJobStore.open(dir, { warn });
    expect(await reopened.get(hexId(1))).toEqual(job);
    expect(reopened.stats.recordReads).toBe(1);
  });

  it('answers like a scan of every record, reading only the records of the page (2,000 jobs)', async () => {
    const dir = freshDir();
    const states: JobState[] = ['Success', 'Success', 'Success', 'Fail', 'Submitted', 'Snapshoting'];
    const pipelines = ['p1', 'p2', 'p3', undefined];
    // Creation times collide often, so the id order within a millisecond is exercised too.
    const all = Array.from({ length: 2_000 }, (_, i) => jobRecord(hexId(i * 7919 % 2_003), 1_000 * Math.floor(i / 3), states[i % 6], pipelines[i % 4]));
    await writeLegacyFolder(dir, all);
    await FsJobStore.open(dir, { warn });
    const store = await FsJobStore.open(dir, { warn, recordCacheSize: 0 });
    expect(store.stats.recordReads).toBe(0);

    const queries: JobQuery[] = [
      { pageSize: 30 },
      { pageSize: 30, state: 'Fail' },
      { pageSize: 30, pipelineId: 'p2' },
      { pageSize: 30, fromMs: 100_000, toMs: 200_000 },
      { pageSize: 30, state: 'Success', pipelineId: 'p3', toMs: 500_000 },
      { pageSize: 30, state: 'Submitted', pipelineId: 'p2' }, // never both: scans the whole shorter list
      { pageSize: 7, fromMs: 666_000 },
    ];
    const compare = async () => {
      for (const q of queries) {
        let token: string | undefined;
        let pages = 0;
        do {
          const reads = store.stats.recordReads;
          const got = await store.list({ ...q, pageToken: token });
          const expected = pageJobs(all, { ...q, pageToken: token }, (id) => all.find((j) => j.id === id));
          expect(got).toEqual(expected);
          expect(store.stats.recordReads - reads).toBe(got.jobs.length);
          token = got.nextPageToken;
          pages++;
        } while (token && pages < 4);
      }
    };
    await compare();
    // Jobs move between states and pipelines (and one gets created inside the range): the lists follow.
    for (let i = 0; i < 60; i += 3) {
      const job = (await store.get(all[i].id))!;
      all[i] = await store.update({ ...job, state: states[(i + 1) % 6], request: { ...job.request, pipelineId: pipelines[(i + 1) % 4] } });
    }
    all.push(await store.create(jobRecord(hexId(5_000), 150_000, 'Fail', 'p2')));
    await compare();
    expect(warnings).toEqual([]);
  });

  it('of concurrent updates of one revision one lands, and what is on disk is the winner', async () => {
    const dir = freshDir();
    const store = await FsJobStore.open(dir);
    const base = await store.create(jobRecord(hexId(1), 1_000));
    const results = await Promise.allSettled([
      store.update({ ...base, state: 'Snapshoting' }),
      store.update({ ...base, state: 'Success', count: 3 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    const onDisk = JSON.parse(await fs.readFile(path.join(dir, `${base.id}.json`), 'utf8'));
    expect(onDisk).toMatchObject({ state: 'Snapshoting', revision: 2 });
    expect(await store.get(base.id)).toEqual(onDisk);
  });

  it('refuses ids that could name a path', async () => {
    const store = await FsJobStore.open(freshDir());
    await expect(store.create(jobRecord('../escape', 1))).rejects.toMatchObject({ code: 'InternalError' });
    await expect(store.create(jobRecord('a/b', 1))).rejects.toMatchObject({ code: 'InternalError' });
  });
});
