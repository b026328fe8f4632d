import { snapshotErrorOf } from '../../support/errors';
import { decodeObjectKey } from '../../../runtime/core/object-key';

describe('object keys: decoded once, refused when they could leave a bucket', () => {
  test.each([
    ['example%2Ftest.flv', 'example/test.flv'],
    ['example/test.flv', 'example/test.flv'],
    ['%E9%98%BF%E9%87%8C%E4%BA%91/mts%20HD%2B.mp4', '阿里云/mts HD+.mp4'],
    ['100%25.mp4', '100%.mp4'],
    ['a..b.mp4', 'a..b.mp4'],
    ['.hidden/.x.mp4', '.hidden/.x.mp4'],
    ['a//b.mp4', 'a//b.mp4'],
    ['%7BCount%7D.jpg', '{Count}.jpg'],
    ['x'.repeat(1023), 'x'.repeat(1023)],
  ])('%s is the key %s', (raw, key) => {
    expect(decodeObjectKey('Input.Object', raw)).toBe(key);
  });

  test.each([
    ['malformed escape', '100%.mp4', 'malformed'],
    ['truncated escape', 'a%2', 'malformed'],
    ['invalid UTF-8', '%C3%28.mp4', 'malformed'],
    ['parent segment', 'a/../b.mp4', '".."'],
    ['parent segment alone', '..', '".."'],
    ['current segment', 'a/./b.mp4', '"."'],
    ['leading slash', '/a.mp4', 'starts with "/"'],
    ['encoded leading slash', '%2Fa.mp4', 'starts with "/"'],
    ['trailing slash', 'a/', 'folder'],
    ['backslash', 'a\\b.mp4', 'backslash'],
    ['NUL', 'a%00b', 'NUL'],
    ['line feed', 'a%0Ab', 'control'],
    ['empty after decoding', '', 'empty'],
    ['1024 bytes', 'x'.repeat(1024), '1024 bytes'],
    ['multi-byte over the limit', 'é'.repeat(512), '1024 bytes'],
  ])('%s is ObjectKeyInvalid', (_n, raw, why) => {
    const err = snapshotErrorOf(() => decodeObjectKey('SnapshotConfig.OutputFile.Object', raw));
    expect(err.code).toBe('InvalidParameter.ObjectKeyInvalid');
    expect(err.message).toContain('"SnapshotConfig.OutputFile.Object"');
    expect(err.message).toContain(why);
  });
});
