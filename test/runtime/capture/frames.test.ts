import { createFfmpegCapture } from '../../../runtime/capture';
import { frameAt, keyFrameIndexes, makeIndexedVideo, readFrameIndex, type VideoSpec } from '../../support/media';

const capture = createFfmpegCapture();
const FPS = 25;
const GOP = 25;

async function indexes(spec: VideoSpec, timesMs: number[], frameType: 'intra' | 'normal', strategy?: 'seek-per-frame' | 'keyframe-pass') {
  const source = { uri: await makeIndexedVideo(spec) };
  const frames = timesMs.map((timeMs) => ({ timeMs }));
  const got = strategy ? await capture.captureWith(strategy, source, frames, { frameType }) : await capture.capture(source, frames, { frameType });
  return Promise.all(got.map((f) => readFrameIndex(f.jpeg)));
}

/** The last key frame at or before each time, from the key frames ffmpeg reports for the file. */
async function expectedKeys(spec: VideoSpec, timesMs: number[]) {
  const keys = await keyFrameIndexes(await makeIndexedVideo(spec), FPS);
  return timesMs.map((t) => Math.max(...keys.filter((k) => k <= frameAt(t, FPS))));
}

// Around key frames (every second): exactly on one, just before, just after, mid-GOP, near the end.
const TIMES = [0, 990, 1000, 1020, 1500, 1999, 2000, 2960, 3990];

describe('normal returns the exact frame on screen at Time', () => {
  const cases: [string, VideoSpec][] = [
    ['H.264 MP4 (faststart)', {}],
    ['H.264 MP4 (moov at end)', { container: 'mp4-moov-at-end' }],
    ['H.264 MOV', { container: 'mov' }],
    ['H.264 MKV', { container: 'mkv' }],
    ['H.264 FLV', { container: 'flv' }],
    ['H.264 MPEG-TS', { container: 'ts' }],
    ['H.265 MP4', { codec: 'hevc' }],
    ['H.265 MKV', { codec: 'hevc', container: 'mkv' }],
    ['VP9 WebM', { codec: 'vp9', container: 'webm' }],
  ];
  test.each(cases)('%s', async (_name, spec) => {
    expect(await indexes(spec, TIMES, 'normal')).toEqual(TIMES.map((t) => frameAt(t, FPS)));
  });
});

describe('intra returns the key frame at or before Time, never a later one', () => {
  const cases: [string, VideoSpec][] = [
    ['H.264 MP4 with B-frames', { gop: GOP }],
    ['H.264 MPEG-TS', { container: 'ts' }],
    ['H.264 FLV', { container: 'flv' }],
    ['H.265 MP4', { codec: 'hevc' }],
    ['VP9 WebM', { codec: 'vp9', container: 'webm' }],
  ];
  test.each(cases)('%s', async (_name, spec) => {
    const got = await indexes(spec, TIMES, 'intra');
    expect(got).toEqual(await expectedKeys(spec, TIMES));
    got.forEach((idx, i) => expect(idx).toBeLessThanOrEqual(frameAt(TIMES[i], FPS)));
  });

  test('key frames 2 s apart: Time just before a key frame gets the previous one, on it gets it', async () => {
    const spec: VideoSpec = { durationSec: 8, gop: 50 };
    const times = [1999, 2000, 2001, 3999, 4000, 7990];
    expect(await indexes(spec, times, 'intra')).toEqual([0, 50, 50, 50, 100, 150]);
  });
});

describe('strategies agree', () => {
  const spec: VideoSpec = { durationSec: 8, gop: 20 };
  const times = Array.from({ length: 20 }, (_, i) => i * 390);

  test('a dense intra set: key-frame pass and per-frame seeks give the same frames', async () => {
    const pass = await indexes(spec, times, 'intra', 'keyframe-pass');
    const seeks = await indexes(spec, times, 'intra', 'seek-per-frame');
    expect(pass).toEqual(seeks);
    expect(pass).toEqual(await expectedKeys(spec, times));
  });

  test('a dense intra set picks the key-frame pass on its own and returns the frames in order', async () => {
    expect(await indexes(spec, times, 'intra')).toEqual(await expectedKeys(spec, times));
  });

  test('a sequence of exact frames over several processes keeps the order asked', async () => {
    const shuffled = [5000, 120, 7960, 2440, 40, 3333, 6000, 1000, 4040, 280, 7000, 80, 2000, 5555];
    expect(await indexes(spec, shuffled, 'normal')).toEqual(shuffled.map((t) => frameAt(t, FPS)));
  });
});

test('reports the requested and the actual time of each frame', async () => {
  const source = { uri: await makeIndexedVideo({}) };
  const [exact] = await capture.capture(source, [{ timeMs: 1500 }], { frameType: 'normal' });
  expect(exact.requestedMs).toBe(1500);
  expect(exact.actualMs).toBe(1480);
  const [intra] = await capture.capture(source, [{ timeMs: 1500 }], { frameType: 'intra' });
  expect(intra.actualMs).toBe(1000);
});
