import { snapshotErrorOf } from '../../support/errors';
import { planFrames } from '../../../runtime/core/frame-plan';
import type { JobMode, MediaInfo, SnapshotConfig } from '../../../runtime/core/model';

const media = (durationMs: number): MediaInfo => ({ durationMs, width: 320, height: 180, rotation: 0, frameRate: 25, codec: 'h264' });
const outputFile = { bucket: 'out-bucket', location: 'oss-cn-hangzhou', rawObject: '{Count}.jpg', key: '{Count}.jpg' };
const config = (c: Partial<SnapshotConfig>): SnapshotConfig => ({ outputFile, timeMs: 0, frameType: 'intra', ...c });

const planError = (c: Partial<SnapshotConfig>, durationMs: number, mode: JobMode) =>
  snapshotErrorOf(() => planFrames(config(c), media(durationMs), mode));

describe('planFrames: which moments are captured', () => {
  test.each<[string, Partial<SnapshotConfig>, number, JobMode, number[]]>([
    ['sync captures exactly Time', { timeMs: 4321 }, 10_000, 'sync', [4321]],
    ['sync at 0', { timeMs: 0 }, 10_000, 'sync', [0]],
    ['Num=1 captures Time and ignores Interval', { timeMs: 2000, num: 1, intervalSec: 3 }, 10_000, 'async', [2000]],
    ['Interval with Num steps from Time', { timeMs: 1000, num: 3, intervalSec: 2 }, 10_000, 'async', [1000, 3000, 5000]],
    ['Num past the end truncates and reports the real Count', { timeMs: 1000, num: 10, intervalSec: 3 }, 10_000, 'async', [1000, 4000, 7000]],
    ['a point exactly at the end is dropped', { timeMs: 0, num: 3, intervalSec: 5 }, 10_000, 'async', [0, 5000]],
    ['Interval without Num runs to the end of the video', { timeMs: 500, intervalSec: 2 }, 7000, 'async', [500, 2500, 4500, 6500]],
    ['Num without Interval uses the 10 s default', { timeMs: 0, num: 4 }, 25_000, 'async', [0, 10_000, 20_000]],
    ['Interval=0 spreads Num points evenly over [Time, end)', { timeMs: 0, num: 4, intervalSec: 0 }, 10_000, 'async', [0, 2500, 5000, 7500]],
    ['Interval=0 starts at Time', { timeMs: 2000, num: 4, intervalSec: 0 }, 10_000, 'async', [2000, 4000, 6000, 8000]],
    ['Interval=0 rounds down to whole ms', { timeMs: 0, num: 3, intervalSec: 0 }, 1000, 'async', [0, 333, 666]],
    ['Interval=0 with more points than ms collapses duplicates', { timeMs: 0, num: 5, intervalSec: 0 }, 3, 'async', [0, 1, 2]],
    ['an async job with neither Interval nor Num (a sprite) takes Time', { timeMs: 300 }, 1000, 'async', [300]],
    ['TimeArray is sorted and de-duplicated', { timeArrayMs: [5000, 1000, 5000, 0] }, 10_000, 'async', [0, 1000, 5000]],
  ])('%s', (_name, c, duration, mode, times) => {
    expect(planFrames(config(c), media(duration), mode).timesMs).toEqual(times);
  });

  test('Time at or past the end (sync) is OutOfRange naming Time and the duration', () => {
    const err = planError({ timeMs: 12_000 }, 10_000, 'sync');
    expect(err.code).toBe('InvalidParameter.OutOfRange');
    expect(err.message).toContain('SnapshotConfig.Time');
    expect(err.message).toContain('Time 12000 ms is at or past the end of the video (10000 ms)');
  });

  test.each<[string, Partial<SnapshotConfig>]>([
    ['Time exactly at the end, sync', { timeMs: 10_000 }],
    ['async sequence starting past the end', { timeMs: 11_000, num: 3, intervalSec: 1 }],
    ['Num=1 past the end', { timeMs: 10_000, num: 1 }],
    ['Interval=0 starting past the end', { timeMs: 10_500, num: 3, intervalSec: 0 }],
  ])('no plan is ever empty: %s is OutOfRange', (_n, c) => {
    const mode: JobMode = c.num === undefined ? 'sync' : 'async';
    expect(planError(c, 10_000, mode).code).toBe('InvalidParameter.OutOfRange');
  });

  test('a TimeArray point past the end fails with the MPS TimeArray error', () => {
    const err = planError({ timeArrayMs: [1000, 10_000] }, 10_000, 'async');
    expect(err.code).toBe('InvalidParameter.TimeArray');
    expect(err.message).toBe('TimeArray greater than video duration.');
  });

  test('Interval=0 without Num is a clear error naming Num', () => {
    const err = planError({ intervalSec: 0 }, 10_000, 'async');
    expect(err.code).toBe('InvalidParameter');
    expect(err.message).toContain('SnapshotConfig.Num');
  });

  test('a video without a duration is ResourceContentBad', () => {
    expect(planError({ timeMs: 0 }, 0, 'sync').code).toBe('InvalidParameter.ResourceContentBad');
  });

  test('a 1 s Interval over an absurdly long video is refused, not planned', () => {
    const err = planError({ timeMs: 0, intervalSec: 1 }, 200_000_000, 'async');
    expect(err.code).toBe('InvalidParameter.OutOfRange');
    expect(err.message).toContain('SnapshotConfig.Interval');
  });
});

describe('planFrames: black-frame filter (spec 3.3)', () => {
  test.each<[string, Partial<SnapshotConfig>, JobMode, unknown]>([
    ['Time=0, Num>1 and BlackLevel: filter with that level', { timeMs: 0, num: 3, intervalSec: 1, blackLevel: 80, pixelBlackThreshold: 70 }, 'async',
      { blackLevel: 80, pixelBlackThreshold: 70, searchWindowMs: 5000 }],
    ['Time=0, Num>1, BlackLevel without threshold: threshold 32', { timeMs: 0, num: 3, blackLevel: 90 }, 'async',
      { blackLevel: 90, pixelBlackThreshold: 32, searchWindowMs: 5000 }],
    ['Time=0, Interval to the end with BlackLevel: filter', { timeMs: 0, intervalSec: 1, blackLevel: 50 }, 'async',
      { blackLevel: 50, pixelBlackThreshold: 32, searchWindowMs: 5000 }],
    ['Time=0, Num=1: always filtered, BlackLevel ignored (level 100)', { timeMs: 0, num: 1, blackLevel: 40 }, 'async',
      { blackLevel: 100, pixelBlackThreshold: 32, searchWindowMs: 5000 }],
    ['Time=0, Num=1 uses PixelBlackThreshold when given', { timeMs: 0, num: 1, pixelBlackThreshold: 10 }, 'async',
      { blackLevel: 100, pixelBlackThreshold: 10, searchWindowMs: 5000 }],
    ['Time=0, Num>1 without BlackLevel: no filter', { timeMs: 0, num: 3 }, 'async', undefined],
    ['Time>0: no filter', { timeMs: 1, num: 3, blackLevel: 80 }, 'async', undefined],
    ['Time>0, Num=1: no filter', { timeMs: 1000, num: 1 }, 'async', undefined],
    ['sync at Time=0: no filter (one exact moment was asked for)', { timeMs: 0, blackLevel: 80 }, 'sync', undefined],
    ['TimeArray: no filter', { timeArrayMs: [0, 1000], blackLevel: 80 }, 'async', undefined],
  ])('%s', (_n, c, mode, filter) => {
    expect(planFrames(config(c), media(10_000), mode).blackFilter).toEqual(filter);
  });
});
