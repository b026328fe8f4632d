/**
 * Job records survive a restart, and async jobs that were accepted but not finished are resumed:
 * jobs cut off by close() and jobs left `Submitted` in the store both end `Success` after the
 * next start.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { INDEX_FILE } from '../../runtime/adapters/job-store/fs-job-store';
import { makeIndexedVideo } from '../support/media';
import { withLocalService } from '../support/local-service';
import { oss, query, submit, waitForFinal } from './e2e-helpers';

// One worker, so jobs queue up behind each other and close() catches some before they start.
const local = withLocalService({ workerConcurrency: 1, closeGraceMs: 0 });

beforeAll(async () => {
  await local.putInput(await makeIndexedVideo({ durationSec: 4 }), 'r.mp4');
});

test('unfinished async jobs resume after a restart and records survive it', async () => {
  let svc = local.svc;
  const sync = await submit(svc, 'mts-v3', {
    Input: JSON.stringify(oss(svc, svc.inputBucket, 'r.mp4')),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, 'restart/sync.jpg'), Time: '0' }),
  });
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const job = await submit(svc, 'mts-v3', {
      Input: JSON.stringify(oss(svc, svc.inputBucket, 'r.mp4')),
      SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, `restart/${i}/{Count}.jpg`), Time: '0', Interval: '1', Num: '3' }),
    });
    ids.push(job.Id);
  }
  svc = await local.restart();
  const before = (await query(svc, 'mts-v3', { SnapshotJobIds: ids.join(',') })).jobs;
  expect(before).toHaveLength(4);
  // One worker and no grace: at least the queued jobs were cut off and are resumed.
  expect(svc.resumedJobs).toBeGreaterThanOrEqual(1);

  for (const id of ids) expect((await waitForFinal(svc, id)).State).toBe('Success');
  for (let i = 0; i < 4; i++) expect(await local.listOutputs(`restart/${i}/`)).toHaveLength(3);
  const [old] = (await query(svc, 'pop-get', { SnapshotJobIds: sync.Id })).jobs;
  expect(old.State).toBe('Success');
});

test('a job left Submitted in the store while the service was down runs at the next start', async () => {
  let svc = local.svc;
  const job = await submit(svc, 'mts-v3', {
    Input: JSON.stringify(oss(svc, svc.inputBucket, 'r.mp4')),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, 'offline/{Count}.jpg'), Time: '0', Interval: '1', Num: '2' }),
  });
  await waitForFinal(svc, job.Id);
  await svc.close();

  // Rewrite the finished record as freshly accepted, as if the service had stopped right after
  // answering the submit; remove its outputs so the resumed run must produce them again.
  const file = path.join(svc.dataDir, 'jobs', `${job.Id}.json`);
  const record = JSON.parse(await fs.readFile(file, 'utf8'));
  const { count, outputKeys, timesMs, code, message, mnsMessageResult, ...rest } = record;
  void count, void outputKeys, void timesMs, void code, void message, void mnsMessageResult;
  await fs.writeFile(file, JSON.stringify({ ...rest, state: 'Submitted' }));
  // Records edited by hand need the index rebuilt (docs/adapters.md): drop it.
  await fs.rm(path.join(svc.dataDir, 'jobs', INDEX_FILE));
  await fs.rm(local.objectPath('offline'), { recursive: true, force: true });

  svc = await local.restart();
  expect(svc.resumedJobs).toBeGreaterThanOrEqual(1);
  const done = await waitForFinal(svc, job.Id);
  expect(done.State).toBe('Success');
  expect(await local.listOutputs('offline/')).toEqual(['offline/00001.jpg', 'offline/00002.jpg']);
});

test('a corrupt job record is skipped at start and reported in the service log, not on the console', async () => {
  await local.svc.close();
  await fs.writeFile(path.join(local.svc.dataDir, 'jobs', `${'e'.repeat(32)}.json`), '{"id": "half a rec');
  await fs.rm(path.join(local.svc.dataDir, 'jobs', INDEX_FILE));
  const svc = await local.restart();
  expect(local.events).toContainEqual({ event: 'storage.warning', fields: { message: expect.stringContaining(`${'e'.repeat(32)}.json`) } });
  const { jobs, nonExist } = await query(svc, 'mts-v3', { SnapshotJobIds: 'e'.repeat(32) });
  expect(jobs).toEqual([]);
  expect(nonExist).toEqual(['e'.repeat(32)]);
});
