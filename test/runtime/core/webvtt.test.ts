import { planVttCues, relativeTarget, renderWebVtt, spriteFragment, vttTimestamp } from '../../../runtime/core/webvtt';

describe('WebVTT thumbnail track', () => {
  test('cues are contiguous: from 0 to the next snapshot, each to the next, the last to the end of the video', () => {
    expect(planVttCues([1000, 3000, 5000], 7500, ['a.jpg', 'b.jpg', 'c.jpg'])).toEqual([
      { startMs: 0, endMs: 3000, target: 'a.jpg' },
      { startMs: 3000, endMs: 5000, target: 'b.jpg' },
      { startMs: 5000, endMs: 7500, target: 'c.jpg' },
    ]);
  });

  test('times given out of order are sorted with their targets', () => {
    expect(planVttCues([4000, 0], 6000, ['late.jpg', 'early.jpg']).map((c) => c.target)).toEqual(['early.jpg', 'late.jpg']);
  });

  test('two snapshots at the same time give no empty cue', () => {
    const cues = planVttCues([0, 2000, 2000], 4000, ['a', 'b', 'c']);
    expect(cues.every((c) => c.endMs > c.startMs)).toBe(true);
    expect(cues.map((c) => [c.startMs, c.endMs])).toEqual([[0, 2000], [2000, 4000]]);
  });

  test('a mismatch between times and targets is a bug, not a silent track', () => {
    expect(() => planVttCues([0, 1], 10, ['a'])).toThrow(/InternalError|unknown error/);
  });

  test.each([
    [0, '00:00:00.000'],
    [1, '00:00:00.001'],
    [61_234, '00:01:01.234'],
    [3_600_000, '01:00:00.000'],
    [100 * 3_600_000 + 5, '100:00:00.005'],
  ])('timestamp %i ms is %s', (ms, ts) => {
    expect(vttTimestamp(ms)).toBe(ts);
  });

  test('the rendered file has the WEBVTT header and one block per cue', () => {
    const text = renderWebVtt([
      { startMs: 0, endMs: 2000, target: 'shot-00001.jpg' },
      { startMs: 2000, endMs: 4500, target: 'sprite-00001.jpg#xywh=160,0,160,90' },
    ]);
    expect(text).toBe(
      'WEBVTT\n\n' +
        '00:00:00.000 --> 00:00:02.000\nshot-00001.jpg\n\n' +
        '00:00:02.000 --> 00:00:04.500\nsprite-00001.jpg#xywh=160,0,160,90\n\n',
    );
  });

  test('a sprite fragment is #xywh=x,y,w,h', () => {
    expect(spriteFragment('s.jpg', { x: 5, y: 10, width: 160, height: 90 })).toBe('s.jpg#xywh=5,10,160,90');
  });

  test.each([
    ['a/b/c.vtt', 'a/b/c00001.jpg', 'c00001.jpg'],
    ['a/b/c.vtt', 'a/b/sprites/s.jpg', 'sprites/s.jpg'],
    ['a/b/c.vtt', 'a/x/s.jpg', '../x/s.jpg'],
    ['c.vtt', 'deep/s.jpg', 'deep/s.jpg'],
    ['x/c.vtt', 's.jpg', '../s.jpg'],
    ['c.vtt', 'my shot #1.jpg', 'my%20shot%20%231.jpg'],
  ])('target of %s → %s is %s', (vtt, key, rel) => {
    expect(relativeTarget(vtt, key)).toBe(rel);
  });
});
