/** The envelope's pure parts, one behaviour at a time. */
import { NonceCache } from '../../../runtime/api/nonce-cache';
import { decodeUrlEncoded, readParameters } from '../../../runtime/api/parameters';
import { percentEncode } from '../../../runtime/api/percent-encode';
import { toWireSnapshotJob } from '../../../runtime/api/render-snapshot-job';
import { escapeXml, renderXml } from '../../../runtime/api/render-xml';
import { chooseFormat, formatBeforeParameters } from '../../../runtime/api/response-format';
import { parseAcsTimestamp } from '../../../runtime/api/timestamp';
import type { SnapshotJob } from '../../../runtime/core/model';

describe('percentEncode', () => {
  test('RFC 3986: unreserved kept, everything else upper-case %XY, space as %20', () => {
    expect(percentEncode("a b(c)*!'~+é/=&")).toBe('a%20b%28c%29%2A%21%27~%2B%C3%A9%2F%3D%26');
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
  });
});

describe('parameters', () => {
  test('+ is a space, %2B is a plus, a name without = has an empty value', () => {
    expect([...decodeUrlEncoded('a=x+y&b=x%2By&c&&d=')]).toEqual([
      ['a', 'x y'],
      ['b', 'x+y'],
      ['c', ''],
      ['d', ''],
    ]);
  });

  test('query and form body merge; the body counts only for form content types', () => {
    const form = readParameters({ rawQuery: 'A=1', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, body: Buffer.from('B=2') });
    expect(Object.fromEntries(form.all)).toEqual({ A: '1', B: '2' });
    expect(Object.fromEntries(form.query)).toEqual({ A: '1' });
    const json = readParameters({ rawQuery: 'A=1', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"B":2}') });
    expect(Object.fromEntries(json.all)).toEqual({ A: '1' });
  });

  test('the same name in query and body is refused', () => {
    expect(() => readParameters({ rawQuery: 'A=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('A=2') })).toThrow(
      expect.objectContaining({ code: 'InvalidParameter' }),
    );
  });

  test('"__proto__" is an ordinary name', () => {
    expect(decodeUrlEncoded('__proto__=x').get('__proto__')).toBe('x');
  });
});

describe('timestamps', () => {
  test.each([
    ['2026-11-26T19:30:39Z', Date.UTC(2026, 10, 26, 19, 30, 39)],
    ['2026-11-26T19:30:39.250Z', Date.UTC(2026, 10, 26, 19, 30, 39, 250)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('%s parses', (text, ms) => expect(parseAcsTimestamp(text)).toBe(ms));

  test.each(['2025-02-29T00:00:00Z', '2026-11-26T24:00:00Z', '2026-11-26T19:30:39', '2026-11-26t19:30:39z', ''])('%s is rejected', (text) =>
    expect(parseAcsTimestamp(text)).toBeUndefined(),
  );
});

describe('nonce cache', () => {
  test('a nonce is replayed within the ttl and fresh again after it', () => {
    const c = new NonceCache({ ttlMs: 1000 });
    expect(c.use('k', 0)).toBe('fresh');
    expect(c.use('k', 999)).toBe('replayed');
    expect(c.use('k', 1000)).toBe('fresh');
  });

  test('the default ttl covers at least the 15-minute window on both sides', () => {
    const c = new NonceCache();
    c.use('k', 0);
    expect(c.use('k', 29 * 60_000)).toBe('replayed');
  });

  test('bounded: when full of live nonces it refuses new ones instead of forgetting old ones', () => {
    const c = new NonceCache({ ttlMs: 1000, maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) expect(c.use(k, 0)).toBe('fresh');
    expect(c.use('d', 10)).toBe('full');
    expect(c.use('a', 10)).toBe('replayed');
    expect(c.use('d', 1000)).toBe('fresh');
    expect(c.size).toBe(1);
  });
});

describe('response format', () => {
  test.each([
    [{}, 'XML', 'xml'],
    [{ authorization: 'ACS3-HMAC-SHA256 x' }, 'xml', 'xml'],
    [{ authorization: 'ACS3-HMAC-SHA256 x' }, undefined, 'json'],
    [{ accept: 'application/json' }, undefined, 'json'],
    [{}, 'JSON', 'json'],
    [{}, 'yaml', 'xml'],
    [{}, undefined, 'xml'],
  ] as const)('headers %j, Format %s -> %s', (headers, format, expected) => {
    expect(chooseFormat(headers, format)).toBe(expected);
  });

  test('before the parameters are read: JSON unless the query asks for XML', () => {
    expect(formatBeforeParameters('')).toBe('json');
    expect(formatBeforeParameters('a=1&Format=XML')).toBe('xml');
  });
});

describe('XML rendering', () => {
  test('markup characters are escaped and characters XML cannot carry are replaced', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\u0001b\tc\n\uD800d😀')).toBe('a\uFFFDb\tc\n\uFFFDd😀');
  });

  test('lists become repeated elements inside their wrapper; absent values are left out', () => {
    expect(renderXml('R', { L: { Item: ['1', '2'] }, E: { Item: [] }, U: undefined, N: 3 })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><R><L><Item>1</Item><Item>2</Item></L><E></E><N>3</N></R>',
    );
  });
});

describe('toWireSnapshotJob', () => {
  const ref = { bucket: 'in', location: 'oss-cn-hangzhou', rawObject: 'a%2Fb.mp4', key: 'a/b.mp4' };
  const base: SnapshotJob = {
    id: 'f4e3b9ba9f3840c39d6e288056f00000',
    requestId: 'R',
    state: 'Fail',
    creationTime: '2026-11-26T19:30:39Z',
    createdAtMs: 0,
    code: 'InvalidParameter.ResourceContentBad',
    message: 'The resource operated "InputFile" is bad.',
    request: { input: ref, config: { outputFile: { ...ref, bucket: 'out' }, timeMs: 0, frameType: 'intra' }, mode: 'sync' },
    mnsMessageResult: { errorCode: 'InvalidParameter', errorMessage: 'boom' },
  };

  test('a failed job: Code and Message, absent fields omitted, Object echoed as sent', () => {
    expect(toWireSnapshotJob(base)).toEqual({
      Id: base.id,
      State: 'Fail',
      Code: 'InvalidParameter.ResourceContentBad',
      Message: 'The resource operated "InputFile" is bad.',
      Input: { Bucket: 'in', Location: 'oss-cn-hangzhou', Object: 'a%2Fb.mp4' },
      SnapshotConfig: { OutputFile: { Bucket: 'out', Location: 'oss-cn-hangzhou', Object: 'a%2Fb.mp4' }, Time: '0', FrameType: 'intra' },
      CreationTime: '2026-11-26T19:30:39Z',
      MNSMessageResult: { ErrorCode: 'InvalidParameter', ErrorMessage: 'boom' },
    });
  });

  test('every scalar a string; TileOut, TileOutputFile, TimeArray and RoleArn echoed', () => {
    const wire = toWireSnapshotJob({
      ...base,
      state: 'Success',
      code: undefined,
      message: undefined,
      count: 12,
      tileCount: 2,
      mnsMessageResult: undefined,
      request: {
        ...base.request,
        pipelineId: 'dd3dae411e704030b921e52698e50000',
        userData: 'u',
        input: { ...ref, roleArn: 'acs:ram::1:role/r' },
        config: {
          ...base.request.config,
          timeMs: 4,
          intervalSec: 0,
          num: 12,
          width: 8,
          height: 4096,
          blackLevel: 50,
          format: 'vtt',
          tileOut: { lines: 10, columns: 10, cellWidth: 100, padding: 0, margin: 5, color: 'black', isKeepCellPic: true, cellSelStep: 3 },
          tileOutputFile: { ...ref, rawObject: '{TileCount}.jpg' },
          timeArrayMs: [10050, 50000],
        },
      },
    });
    expect(wire).toMatchObject({ Count: '12', TileCount: '2', PipelineId: 'dd3dae411e704030b921e52698e50000', UserData: 'u' });
    expect(wire.Input).toEqual({ Bucket: 'in', Location: 'oss-cn-hangzhou', Object: 'a%2Fb.mp4', RoleArn: 'acs:ram::1:role/r' });
    expect(wire.SnapshotConfig).toEqual({
      OutputFile: { Bucket: 'out', Location: 'oss-cn-hangzhou', Object: 'a%2Fb.mp4' },
      TileOutputFile: { Bucket: 'in', Location: 'oss-cn-hangzhou', Object: '{TileCount}.jpg' },
      TileOut: { Lines: '10', Columns: '10', CellWidth: '100', Padding: '0', Margin: '5', Color: 'black', IsKeepCellPic: 'true', CellSelStep: '3' },
      Time: '4',
      Interval: '0',
      Num: '12',
      Width: '8',
      Height: '4096',
      FrameType: 'intra',
      TimeArray: { TimePointList: [10050, 50000] },
    });
  });
});
