import { snapshotErrorOf } from '../../support/errors';
import { expandObjectKey, inputKeyParts, vttKeyFor } from '../../../runtime/core/output-names';
import { parseSubmitRequest } from '../../../runtime/core/submit-request';

describe('output names: placeholders (spec 3.4)', () => {
  test("the spec's worked example: a/b/c.flv with %7BObjectPrefix%7D%7BFileName%7D%7BCount%7D.jpg gives a/b/c00001.jpg, ...", () => {
    const req = parseSubmitRequest(
      {
        Input: JSON.stringify({ Bucket: 'in-bucket', Location: 'oss-cn-hangzhou', Object: 'a%2Fb%2Fc.flv' }),
        SnapshotConfig: JSON.stringify({
          OutputFile: { Bucket: 'out-bucket', Location: 'oss-cn-hangzhou', Object: '%7BObjectPrefix%7D%7BFileName%7D%7BCount%7D.jpg' },
          Time: '0',
          Num: '3',
        }),
      },
      { region: 'cn-hangzhou' },
    );
    const keys = [1, 2, 3].map((count) => expandObjectKey(req.config.outputFile.key, { inputKey: req.input.key, count }));
    expect(keys).toEqual(['a/b/c00001.jpg', 'a/b/c00002.jpg', 'a/b/c00003.jpg']);
  });

  test.each<[string, string, Parameters<typeof expandObjectKey>[1], string]>([
    ['{Count} is 5 digits, 1-based', 'shot-{Count}.jpg', { inputKey: 'v.mp4', count: 7 }, 'shot-00007.jpg'],
    ['{Count} past 99999 just grows', '{Count}.jpg', { inputKey: 'v.mp4', count: 123456 }, '123456.jpg'],
    ['{TileCount} is 5 digits', 'sprite-{TileCount}.jpg', { inputKey: 'v.mp4', tileCount: 2 }, 'sprite-00002.jpg'],
    ['{SnapshotTime} is integer milliseconds', 't{SnapshotTime}.jpg', { inputKey: 'v.mp4', snapshotTimeMs: 10050 }, 't10050.jpg'],
    ['{ExtName} has no dot', '{FileName}.{ExtName}.jpg', { inputKey: 'dir/movie.mkv' }, 'movie.mkv.jpg'],
    ['{ObjectPrefix} is empty at the bucket root', '{ObjectPrefix}{FileName}.jpg', { inputKey: 'movie.mp4' }, 'movie.jpg'],
    ['{ObjectPrefix} keeps its trailing slash', '{ObjectPrefix}thumbs/{FileName}.jpg', { inputKey: 'x/y/movie.mp4' }, 'x/y/thumbs/movie.jpg'],
    ['every placeholder may repeat', '{FileName}/{FileName}-{Count}.jpg', { inputKey: 'a/m.mp4', count: 1 }, 'm/m-00001.jpg'],
    ['text without placeholders is kept', 'fixed/name.jpg', { inputKey: 'a/m.mp4' }, 'fixed/name.jpg'],
  ])('%s', (_n, template, ctx, key) => {
    expect(expandObjectKey(template, ctx)).toBe(key);
  });

  test.each([
    ['a/b/c.flv', { objectPrefix: 'a/b/', fileName: 'c', extName: 'flv' }],
    ['c.flv', { objectPrefix: '', fileName: 'c', extName: 'flv' }],
    ['a/archive.tar.gz', { objectPrefix: 'a/', fileName: 'archive.tar', extName: 'gz' }],
    ['a/noext', { objectPrefix: 'a/', fileName: 'noext', extName: '' }],
    ['a/.hidden', { objectPrefix: 'a/', fileName: '.hidden', extName: '' }],
  ])('input key %s splits into prefix, name and extension', (key, parts) => {
    expect(inputKeyParts(key)).toEqual(parts);
  });

  test('an expansion that would leave the bucket is refused', () => {
    const err = snapshotErrorOf(() => expandObjectKey('{FileName}/x.jpg', { inputKey: 'a/...mp4', parameter: 'SnapshotConfig.OutputFile.Object' }));
    expect(err.code).toBe('InvalidParameter.ObjectKeyInvalid');
    expect(err.message).toContain('SnapshotConfig.OutputFile.Object');
  });

  test('a placeholder with no value is an internal error, not a silent literal', () => {
    expect(() => expandObjectKey('{Count}.jpg', { inputKey: 'v.mp4' })).toThrow(/Count/);
  });
});

describe('output names: where the WebVTT track goes', () => {
  test.each([
    ['{ObjectPrefix}{FileName}{Count}.jpg', 'a/b/c.flv', 'a/b/c.vtt'],
    ['thumbs/{Count}.jpg', 'a/b/c.flv', 'thumbs/c.vtt'],
    ['thumbs/img-{Count}.jpg', 'a/b/c.flv', 'thumbs/img.vtt'],
    ['{Count}.jpg', 'c.flv', 'c.vtt'],
    ['out/{FileName}_{SnapshotTime}.jpg', 'x/movie.mp4', 'out/movie.vtt'],
    ['{ObjectPrefix}{Count}.jpg', 'v.mp4', 'v.vtt'],
    ['single.jpg', 'v.mp4', 'single.vtt'],
  ])('template %s for input %s → %s', (template, inputKey, vtt) => {
    expect(vttKeyFor(template, inputKey)).toBe(vtt);
  });
});
