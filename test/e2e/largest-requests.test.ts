/**
 * The largest requests the API accepts are produced, end to end through the service with the real
 * filesystem adapters and the real capture engine: the sprite that crashed the process with
 * `spawn E2BIG` (1225 cells of 16 px on a 35x35 grid), and Num at its maximum on the largest grid
 * with the smallest cells.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsJobStore } from '../../runtime/adapters/job-store/fs-job-store';
import { StaticPipelineRegistry } from '../../runtime/adapters/pipelines/static-pipeline-registry';
import { randomIds } from '../../runtime/adapters/random-ids';
import { FsObjectStorage } from '../../runtime/adapters/storage/fs-object-storage';
import { systemClock } from '../../runtime/adapters/system-clock';
import { createFfmpegCapture } from '../../runtime/capture/index';
import { MAX_NUM, MAX_TILE_GRID } from '../../runtime/core/submit-request';
import { createSnapshotService } from '../../runtime/service/snapshot-service';
import { makeTempDir } from '../support/local-service';
import { jpegSize, makeIndexedVideo } from '../support/media';

const PIPELINE = { id: 'feedfacefeedfacefeedfacefeedface', name: 'p', state: 'Active' as const, topic: 't' };
let dir: string;
let storage: FsObjectStorage;
let jobs: FsJobStore;
let service: ReturnType<typeof createSnapshotService>;

beforeAll(async () => {
  dir = await makeTempDir('snapshot-largest-');
  storage = new FsObjectStorage({ rootDir: path.join(dir, 'buckets') });
  await storage.createBucket('in-bucket');
  await storage.createBucket('out-bucket');
  await fs.copyFile(await makeIndexedVideo({ durationSec: 2, gop: 10 }), path.join(storage.bucketDir('in-bucket'), 'v.mp4'));
  jobs = await FsJobStore.open(path.join(dir, 'jobs'));
  service = createSnapshotService({
    storage,
    jobs,
    capture: createFfmpegCapture(),
    notifier: { publish: async () => ({ messageId: 'M1' }) },
    pipelines: new StaticPipelineRegistry([PIPELINE]),
    dispatcher: { dispatch: async () => undefined },
    clock: systemClock,
    ids: randomIds,
    region: 'cn-hangzhou',
    log: () => undefined,
  });
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const loc = 'oss-cn-hangzhou';
async function sprite(name: string, config: Record<string, unknown>) {
  const job = await service.submitSnapshotJob(
    {
      Input: JSON.stringify({ Bucket: 'in-bucket', Location: loc, Object: 'v.mp4' }),
      SnapshotConfig: JSON.stringify({
        OutputFile: { Bucket: 'out-bucket', Location: loc, Object: `${name}/{Count}.jpg` },
        TileOutputFile: { Bucket: 'out-bucket', Location: loc, Object: `${name}/sprite-{TileCount}.jpg` },
        Time: '0',
        Interval: '0',
        ...config,
      }),
    },
    `REQ-${name}`,
  );
  expect(job.state).toBe('Submitted');
  await service.runJob(job.id);
  return (await jobs.get(job.id))!;
}

test('the sprite that passed the argument limit: 1225 cells of 16 px on a 35x35 grid, one sheet', async () => {
  const done = await sprite('e2big', { Num: '1225', TileOut: { Lines: 35, Columns: 35, CellWidth: 16, CellHeight: 16, IsKeepCellPic: false } });
  expect(done).toMatchObject({ state: 'Success', tileCount: 1 });
  // 2000 ms of video floored to whole milliseconds: 1225 distinct times.
  expect(done.count).toBe(1225);
  expect(await jpegSize(path.join(storage.bucketDir('out-bucket'), 'e2big/sprite-00001.jpg'))).toEqual({ width: 35 * 16, height: 35 * 16 });
});

test('Num at its maximum on the largest grid of the smallest cells', async () => {
  const done = await sprite('largest', {
    Num: String(MAX_NUM),
    FrameType: 'normal',
    TileOut: { Lines: MAX_TILE_GRID, Columns: MAX_TILE_GRID, CellWidth: 8, CellHeight: 8, IsKeepCellPic: false },
  });
  expect(done).toMatchObject({ state: 'Success', tileCount: 1 });
  // One snapshot per whole millisecond of the 2 s video: 2000 cells, 2 rows of the 1000-column grid.
  expect(done.count).toBe(2000);
  expect(await jpegSize(path.join(storage.bucketDir('out-bucket'), 'largest/sprite-00001.jpg'))).toEqual({ width: MAX_TILE_GRID * 8, height: 2 * 8 });
});
