import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsJobStore } from '../../../runtime/adapters/job-store/fs-job-store';
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

  describe('contract', () => {
    jobStoreContract(() => FsJobStore.open(freshDir(), { warn }));
  });

  it('keeps one JSON file per job, and every record survives reopening the folder', async () => {
    const dir = freshDir();
    const store = await FsJobStore.open(dir, { warn });
    const jobs = [];
    for (const j of [jobRecord(hexId(1), 1_000, 'Success', 'p1'), jobRecord(hexId(2), 2_000, 'Submitted', 'p1')]) jobs.push(await store.create(j));
    expect((await fs.readdir(dir)).sort()).toEqual([`${hexId(1)}.json`, `${hexId(2)}.json`]);

    const reopened = await FsJobStore.open(dir, { warn });
    expect(await reopened.get(hexId(1))).toEqual(jobs[0]);
    expect((await reopened.listUnfinished()).map((j) => j.id)).toEqual([hexId(2)]);
    expect((await reopened.list({ pageSize: 10, pipelineId: 'p1' })).jobs).toEqual([jobs[1], jobs[0]]);
  });

  it('a constructed (not opened) store loads lazily on first use', async () => {
    const dir = freshDir();
    await (await FsJobStore.open(dir)).create(jobRecord(hexId(3), 3_000));
    expect(await new FsJobStore({ dir }).get(hexId(3))).toMatchObject({ id: hexId(3) });
  });

  it('skips corrupt, foreign and misnamed files with a warning instead of failing to open', async () => {
    const dir = freshDir();
    const store = await FsJobStore.open(dir, { warn });
    await store.create(jobRecord(hexId(1), 1_000));
    await fs.writeFile(path.join(dir, `${hexId(2)}.json`), '{"id": "half a rec');
    await fs.writeFile(path.join(dir, `${hexId(3)}.json`), '[1,2,3]');
    await fs.writeFile(path.join(dir, `${hexId(4)}.json`), JSON.stringify(jobRecord(hexId(5), 5_000)));
    await fs.writeFile(path.join(dir, 'notes.txt'), 'not a record');

    const reopened = await FsJobStore.open(dir, { warn });
    expect((await reopened.list({ pageSize: 10 })).jobs.map((j) => j.id)).toEqual([hexId(1)]);
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toContain(`${hexId(2)}.json`);
  });

  it('removes temp files left by a crash mid-write, keeping the previous record', async () => {
    const dir = freshDir();
    const store = await FsJobStore.open(dir);
    await store.create(jobRecord(hexId(1), 1_000));
    await fs.writeFile(path.join(dir, `.tmp-${hexId(1)}.json.abc123`), '{"trunc');
    const reopened = await FsJobStore.open(dir, { warn });
    expect(await reopened.get(hexId(1))).toMatchObject({ state: 'Submitted' });
    expect(await fs.readdir(dir)).toEqual([`${hexId(1)}.json`]);
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
