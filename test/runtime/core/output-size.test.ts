import { SnapshotError } from '../../../runtime/core/errors';
import type { MediaInfo } from '../../../runtime/core/model';
import { resolveOutputSize } from '../../../runtime/core/output-size';

const media = (width: number, height: number): MediaInfo => ({ durationMs: 1000, width, height, rotation: 0, frameRate: 25, codec: 'h264' });

describe('resolveOutputSize: Width/Height (spec 3.3)', () => {
  test.each<[string, MediaInfo, number | undefined, number | undefined, { width: number; height: number }]>([
    ['neither side: the displayed size', media(320, 180), undefined, undefined, { width: 320, height: 180 }],
    ['portrait video stays portrait', media(180, 320), undefined, undefined, { width: 180, height: 320 }],
    ['Width only: Height follows the aspect', media(1920, 1080), 640, undefined, { width: 640, height: 360 }],
    ['Height only: Width follows the aspect', media(1920, 1080), undefined, 90, { width: 160, height: 90 }],
    ['the derived side rounds to the nearest pixel (not to even)', media(1920, 1080), 100, undefined, { width: 100, height: 56 }],
    ['an odd derived side is kept', media(320, 240), 101, undefined, { width: 101, height: 76 }],
    ['both sides: exactly as asked, even if that stretches', media(1920, 1080), 100, 100, { width: 100, height: 100 }],
    ['the derived side is never below 8', media(4000, 10), 400, undefined, { width: 400, height: 8 }],
    ['the derived side is never above 4096', media(10, 4000), undefined, undefined, { width: 10, height: 4000 }],
    ['a very tall video with Width clamps Height to 4096', media(10, 4000), 100, undefined, { width: 100, height: 4096 }],
  ])('%s', (_n, m, w, h, size) => {
    expect(resolveOutputSize(m, w, h)).toEqual(size);
  });

  test('a stream without a size is ResourceContentBad', () => {
    expect(() => resolveOutputSize(media(0, 0), 100)).toThrow(SnapshotError);
  });
});
