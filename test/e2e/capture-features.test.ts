/**
 * The capture engine's features through the API with the official SDK: sprites, WebVTT (images
 * and sprite fragments), TimeArray and black-frame skipping.
 */
import { promises as fs } from 'node:fs';
import { frameAt, jpegSize, makeIndexedVideo, readFrameIndex } from '../support/media';
import { withLocalService } from '../support/local-service';
import { oss, submit, waitForFinal } from './e2e-helpers';

const FPS = 25;
const local = withLocalService();

beforeAll(async () => {
  await local.putInput(await makeIndexedVideo({ durationSec: 4, fps: FPS, gop: 5 }), 'f/clip.mp4');
  await local.putInput(await makeIndexedVideo({ durationSec: 4, fps: FPS, gop: 5, blackOpeningSec: 1 }), 'f/dark.mp4');
});

async function runAsync(config: Record<string, unknown>, object = 'f/clip.mp4') {
  const { svc } = local;
  const job = await submit(svc, 'mts-v3', { Input: JSON.stringify(oss(svc, svc.inputBucket, object)), SnapshotConfig: JSON.stringify(config) });
  return waitForFinal(svc, job.Id);
}

test('sprites: cells fill sheets row by row, the last sheet partly, TileCount reported', async () => {
  const { svc } = local;
  const done = await runAsync({
    OutputFile: oss(svc, svc.outputBucket, 'sprite/cells/{Count}.jpg'),
    TileOutputFile: oss(svc, svc.outputBucket, 'sprite/sheet-{TileCount}.jpg'),
    Time: '0',
    Interval: '0',
    Num: '5',
    Width: '32',
    FrameType: 'normal',
    TileOut: { Lines: '2', Columns: '2', Padding: '2', Margin: '1', Color: 'white', IsKeepCellPic: 'false' },
  });
  expect(done.State).toBe('Success');
  expect(done.TileCount).toBe('2');
  expect(await local.listOutputs('sprite/')).toEqual(['sprite/sheet-00001.jpg', 'sprite/sheet-00002.jpg']);
  const first = await fs.readFile(local.objectPath('sprite/sheet-00001.jpg'));
  const size = await jpegSize(first);
  const cellH = Math.round((32 * 90) / 160);
  expect(size.width).toBe(1 + 32 + 2 + 32 + 1);
  expect(size.height).toBe(1 + cellH + 2 + cellH + 1);
  const a = await readFrameIndex(first, { x: 1, y: 1, w: 32, h: cellH });
  const b = await readFrameIndex(first, { x: 35, y: 1, w: 32, h: cellH });
  expect(b).toBeGreaterThan(a);
});

test('WebVTT with sprite fragments: contiguous cues pointing at #xywh regions of the sprite', async () => {
  const { svc } = local;
  const done = await runAsync({
    OutputFile: oss(svc, svc.outputBucket, 'vtt/thumbs-{Count}.jpg'),
    TileOutputFile: oss(svc, svc.outputBucket, 'vtt/sprite-{TileCount}.jpg'),
    Time: '0',
    Interval: '1',
    Width: '40',
    Format: 'vtt',
    SubOut: { IsSptFrag: 'true' },
    TileOut: { Lines: '5', Columns: '5' },
  });
  expect(done.State).toBe('Success');
  const keys = await local.listOutputs('vtt/');
  const vttKey = keys.find((k) => k.endsWith('.vtt'));
  expect(vttKey).toBeDefined();
  const vtt = await fs.readFile(local.objectPath(vttKey!), 'utf8');
  expect(vtt.startsWith('WEBVTT')).toBe(true);
  const cues = [...vtt.matchAll(/(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})\n(\S+)/g)];
  expect(cues.length).toBe(4);
  expect(cues[0][1]).toBe('00:00:00.000');
  for (let i = 1; i < cues.length; i++) expect(cues[i][1]).toBe(cues[i - 1][2]);
  for (const c of cues) expect(c[3]).toMatch(/^sprite-00001\.jpg#xywh=\d+,\d+,40,\d+$/);
  const sprite = await fs.readFile(local.objectPath('vtt/sprite-00001.jpg'));
  const [, x, y, w, h] = /#xywh=(\d+),(\d+),(\d+),(\d+)/.exec(cues[2][3])!.map(Number);
  expect(await readFrameIndex(sprite, { x, y, w, h })).toBe(Math.floor(frameAt(2000, FPS) / 5) * 5);
});

test('TimeArray: one snapshot per time point; a point past the end fails the job with InvalidParameter.TimeArray', async () => {
  const { svc } = local;
  const done = await runAsync({ OutputFile: oss(svc, svc.outputBucket, 'ta/{Count}-{SnapshotTime}.jpg'), TimeArray: [400, 2000, 3200], FrameType: 'normal' });
  expect(done.State).toBe('Success');
  expect(done.SnapshotConfig?.TimeArray?.TimePointList).toEqual([400, 2000, 3200]);
  const keys = await local.listOutputs('ta/');
  expect(keys).toEqual(['ta/00001-400.jpg', 'ta/00002-2000.jpg', 'ta/00003-3200.jpg']);
  expect(await readFrameIndex(await fs.readFile(local.objectPath(keys[1])))).toBe(frameAt(2000, FPS));

  const bad = await runAsync({ OutputFile: oss(svc, svc.outputBucket, 'ta-bad/{Count}.jpg'), TimeArray: [400, 9000] });
  expect(bad.State).toBe('Fail');
  expect(bad.Code).toBe('InvalidParameter.TimeArray');
  expect(await local.listOutputs('ta-bad/')).toEqual([]);
});

test('black frames: the first snapshot at Time=0 skips the black opening', async () => {
  const { svc } = local;
  const done = await runAsync(
    { OutputFile: oss(svc, svc.outputBucket, 'black/{Count}.jpg'), Time: '0', Interval: '2', Num: '2', BlackLevel: '90', PixelBlackThreshold: '30', FrameType: 'normal' },
    'f/dark.mp4',
  );
  expect(done.State).toBe('Success');
  const first = await fs.readFile(local.objectPath('black/00001.jpg'));
  expect(await readFrameIndex(first)).toBeGreaterThanOrEqual(FPS);
});
