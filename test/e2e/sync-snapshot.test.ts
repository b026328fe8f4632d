/**
 * Sync SubmitSnapshotJob through every official client mode: the JPG is in the output bucket
 * when the answer comes, decodable, at the requested size, showing the right frame.
 */
import { promises as fs } from 'node:fs';
import { frameAt, jpegSize, makeIndexedVideo, readFrameIndex } from '../support/media';
import { withLocalService } from '../support/local-service';
import { CLIENT_KINDS, oss, query, submit } from './e2e-helpers';

const FPS = 25;
const GOP = 25;
const local = withLocalService();

beforeAll(async () => {
  const video = await makeIndexedVideo({ durationSec: 4, fps: FPS, gop: GOP, width: 160, height: 90 });
  await local.putInput(video, 'videos/clip one.mp4');
});

describe.each(CLIENT_KINDS)('sync snapshot with %s', (kind) => {
  test('normal frame: the exact frame at Time, at the requested width, answered Success', async () => {
    const { svc } = local;
    const key = `sync/${kind}/normal.jpg`;
    const job = await submit(svc, kind, {
      Input: JSON.stringify(oss(svc, svc.inputBucket, encodeURIComponent('videos/clip one.mp4'))),
      SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, key), Time: '2360', FrameType: 'normal', Width: '80' }),
    });
    expect(job.State).toBe('Success');
    expect(job.Id).toMatch(/^[a-f0-9]{32}$/);
    expect(job.Count).toBe('1');
    const jpg = await fs.readFile(local.objectPath(key));
    expect(await jpegSize(jpg)).toEqual({ width: 80, height: 45 });
    expect(await readFrameIndex(jpg)).toBe(frameAt(2360, FPS));
  });

  test('intra frame (the default): the key frame at or before Time', async () => {
    const { svc } = local;
    const key = `sync/${kind}/intra.jpg`;
    const job = await submit(svc, kind, {
      Input: JSON.stringify(oss(svc, svc.inputBucket, 'videos/clip%20one.mp4')),
      SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, key), Time: '2960', Height: '60' }),
    });
    expect(job.State).toBe('Success');
    const jpg = await fs.readFile(local.objectPath(key));
    expect(await jpegSize(jpg)).toEqual({ width: 107, height: 60 });
    expect(await readFrameIndex(jpg)).toBe(Math.floor(frameAt(2960, FPS) / GOP) * GOP);

    const found = await query(svc, kind, { SnapshotJobIds: `${job.Id},0123456789abcdef0123456789abcdef` });
    expect(found.jobs.map((j) => j.Id)).toEqual([job.Id]);
    expect(found.jobs[0].State).toBe('Success');
    expect(found.jobs[0].CreationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(found.nonExist).toEqual(['0123456789abcdef0123456789abcdef']);
  });
});

test("UserData with spaces, brackets, quotes and UTF-8 is echoed exactly by every client", async () => {
  const { svc } = local;
  const userData = "a b(c)*!'~+é";
  for (const kind of CLIENT_KINDS) {
    const job = await submit(svc, kind, {
      Input: JSON.stringify(oss(svc, svc.inputBucket, 'videos/clip%20one.mp4')),
      SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, `ud/${kind}.jpg`), Time: '0' }),
      UserData: userData,
    });
    expect(job.UserData).toBe(userData);
    const [stored] = (await query(svc, kind, { SnapshotJobIds: job.Id })).jobs;
    expect(stored.UserData).toBe(userData);
  }
});
