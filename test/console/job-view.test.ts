/**
 * What the console draws for a job is derived from the job record alone: the keys of its images,
 * sprites and WebVTT track (expanded from the templates as the capture names them), and how many
 * cells each sprite holds, for the grid drawn over it.
 */
import { FsObjectStorage } from '../../runtime/adapters/storage/fs-object-storage';
import { createJob, startJob, succeedJob, withNotificationResult } from '../../runtime/core/job-lifecycle';
import { parseSubmitRequest } from '../../runtime/core/submit-request';
import { viewJob } from '../../runtime/local/console/job-view';

const loc = 'oss-cn-hangzhou';
const storage = new FsObjectStorage({ rootDir: '/nonexistent', publicBaseUrl: 'http://127.0.0.1:8080/oss' });
const out = (object: string) => ({ Bucket: 'snapshot-output', Location: loc, Object: object });

function finishedJob(config: Record<string, unknown>, result: { count: number; tileCount?: number }, inputKey = 'clips/my clip.mp4') {
  const request = parseSubmitRequest(
    { Input: JSON.stringify({ Bucket: 'snapshot-input', Location: loc, Object: encodeURIComponent(inputKey) }), SnapshotConfig: JSON.stringify(config), PipelineId: 'a'.repeat(32) },
    { region: 'cn-hangzhou' },
  );
  const job = createJob({ id: 'b'.repeat(32), requestId: 'R', request, now: new Date('2026-01-02T03:04:05Z') });
  const timesMs = Array.from({ length: result.count }, (_, i) => i * 1000);
  return succeedJob(startJob(job), { count: result.count, tileCount: result.tileCount, outputKeys: [], timesMs });
}

test('sprites: keys per {TileCount}, cells per sheet after CellSelStep, the WebVTT key, no single images', () => {
  const job = finishedJob(
    {
      OutputFile: out('{ObjectPrefix}vtt/{FileName}-{Count}.jpg'),
      TileOutputFile: out('{ObjectPrefix}vtt/{FileName}-sprite-{TileCount}.jpg'),
      Time: '0', Interval: '1', Num: '10',
      TileOut: { Lines: '2', Columns: '2', CellSelStep: '2', Padding: '4', Margin: '8', IsKeepCellPic: 'false' },
      Format: 'vtt', SubOut: { IsSptFrag: 'true' },
    },
    { count: 10, tileCount: 2 },
  );
  const view = viewJob(job, storage);
  // 10 frames, every 2nd one a cell: 5 cells, 4 on the first 2x2 sheet and 1 on the second.
  expect(view.sprites.map((s) => [s.key, s.cells, s.url])).toEqual([
    ['clips/vtt/my clip-sprite-00001.jpg', 4, '/oss/snapshot-output/clips/vtt/my%20clip-sprite-00001.jpg'],
    ['clips/vtt/my clip-sprite-00002.jpg', 1, '/oss/snapshot-output/clips/vtt/my%20clip-sprite-00002.jpg'],
  ]);
  expect(view.tile).toEqual({ lines: 2, columns: 2, padding: 4, margin: 8 });
  expect(view.images).toEqual([]);
  expect(view.vtt?.key).toBe('clips/vtt/my clip.vtt');
  expect(view.snapshotConfig).toMatchObject({ Format: 'vtt', SubOut: { IsSptFrag: 'true' }, Num: '10' });
  expect(view.input).toEqual({ bucket: 'snapshot-input', key: 'clips/my clip.mp4', url: '/oss/snapshot-input/clips/my%20clip.mp4' });
});

test('images: one per capture time, named with {Count} and {SnapshotTime}; the notification body as sent', () => {
  const job = withNotificationResult(
    finishedJob({ OutputFile: out('seq/{FileName}-{Count}-{SnapshotTime}.jpg'), Time: '0', Interval: '1', Num: '3' }, { count: 3 }),
    { messageId: 'M1' },
  );
  const view = viewJob(job, storage);
  expect(view.images.map((i) => [i.key, i.timeMs])).toEqual([
    ['seq/my clip-00001-0.jpg', 0],
    ['seq/my clip-00002-1000.jpg', 1000],
    ['seq/my clip-00003-2000.jpg', 2000],
  ]);
  expect(view.sprites).toEqual([]);
  expect(view.vtt).toBeUndefined();
  const body = JSON.parse(view.notificationBody!);
  expect(body).toMatchObject({ JobId: 'b'.repeat(32), State: 'Success', Count: 3, LastUrl: 'http://127.0.0.1:8080/oss/snapshot-output/seq/my%20clip-00003-2000.jpg' });
  expect(view.summary).toMatchObject({ state: 'Success', mode: 'async', count: 3, input: 'snapshot-input/clips/my clip.mp4' });
});
