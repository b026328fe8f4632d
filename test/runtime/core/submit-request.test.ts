import { snapshotErrorOf } from '../../support/errors';
import { nested } from '../../support/hostile-values';
import { parseSubmitRequest } from '../../../runtime/core/submit-request';
import type { SubmitSnapshotJobParams } from '../../../runtime/service/contract';

const REGION = { region: 'cn-hangzhou' };
const LOC = 'oss-cn-hangzhou';
const input = (over: Record<string, unknown> = {}) => ({ Bucket: 'in-bucket', Location: LOC, Object: 'example%2Ftest.flv', ...over });
const out = (object: string, over: Record<string, unknown> = {}) => ({ Bucket: 'out-bucket', Location: LOC, Object: object, ...over });

function params(config: Record<string, unknown>, extra: Partial<SubmitSnapshotJobParams> & { inputObj?: unknown } = {}): SubmitSnapshotJobParams {
  const { inputObj, ...rest } = extra;
  return {
    Input: JSON.stringify(inputObj ?? input()),
    SnapshotConfig: JSON.stringify({ OutputFile: out('{Count}.jpg'), Time: '5', ...config }),
    ...rest,
  };
}

const parseError = (p: SubmitSnapshotJobParams) => snapshotErrorOf(() => parseSubmitRequest(p, REGION));

describe('parseSubmitRequest: what a valid request becomes', () => {
  test('the SDK sample request (spec section 9) is async, intra, with the key decoded', () => {
    const r = parseSubmitRequest(
      params({ Time: '5', Num: '10', Interval: '20', FrameType: 'intra' }, { PipelineId: 'dd3dae411e704030b921e52698e5aaaa', UserData: 'testid-001' }),
      REGION,
    );
    expect(r.mode).toBe('async');
    expect(r.input).toEqual({ bucket: 'in-bucket', location: LOC, rawObject: 'example%2Ftest.flv', key: 'example/test.flv' });
    expect(r.config).toMatchObject({ timeMs: 5, num: 10, intervalSec: 20, frameType: 'intra' });
    expect(r.config.outputFile.key).toBe('{Count}.jpg');
    expect(r.pipelineId).toBe('dd3dae411e704030b921e52698e5aaaa');
    expect(r.userData).toBe('testid-001');
  });

  test('intra is the default FrameType', () => {
    expect(parseSubmitRequest(params({}), REGION).config.frameType).toBe('intra');
  });

  test('FrameType is matched without regard to case', () => {
    expect(parseSubmitRequest(params({ FrameType: 'Normal' }), REGION).config.frameType).toBe('normal');
  });

  test('numbers may be JSON numbers or strings (the tea SDK passes either)', () => {
    const a = parseSubmitRequest(params({ Time: 1500, Width: 320, Num: 3 }), REGION).config;
    const b = parseSubmitRequest(params({ Time: '1500', Width: '320', Num: '3' }), REGION).config;
    expect(a).toEqual(b);
    expect(a).toMatchObject({ timeMs: 1500, width: 320, num: 3 });
  });

  test.each([
    ['no Interval and no Num', {}, 'sync'],
    ['Num=1', { Num: 1 }, 'async'],
    ['Interval only', { Interval: 5 }, 'async'],
    ['Num only', { Num: 4 }, 'async'],
    ['TileOut', { TileOut: {}, TileOutputFile: out('sprite.jpg') }, 'async'],
    ['Format=vtt', { Format: 'vtt' }, 'async'],
    ['TimeArray', { TimeArray: [1000] }, 'async'],
    ['empty Interval and Num count as absent', { Interval: '', Num: null }, 'sync'],
  ])('mode with %s is %s', (_name, cfg, mode) => {
    expect(parseSubmitRequest(params(cfg), REGION).mode).toBe(mode);
  });

  test.each([
    ['URL-encoded', 'example%2Ftest.flv', 'example/test.flv'],
    ['raw', 'example/test.flv', 'example/test.flv'],
    ['encoded UTF-8 and space', '%E9%98%BF/mts%20HD%2B.mp4', '阿/mts HD+.mp4'],
    ['raw plus sign stays a plus', 'a+b.mp4', 'a+b.mp4'],
  ])('Input.Object %s is decoded once', (_n, raw, key) => {
    const r = parseSubmitRequest(params({}, { inputObj: input({ Object: raw }) }), REGION);
    expect(r.input.key).toBe(key);
    expect(r.input.rawObject).toBe(raw);
  });

  test('placeholders are accepted raw and URL-encoded', () => {
    const raw = parseSubmitRequest(params({ Num: 3, OutputFile: out('{ObjectPrefix}{FileName}{Count}.jpg') }), REGION);
    const enc = parseSubmitRequest(params({ Num: 3, OutputFile: out('%7BObjectPrefix%7D%7BFileName%7D%7BCount%7D.jpg') }), REGION);
    expect(raw.config.outputFile.key).toBe('{ObjectPrefix}{FileName}{Count}.jpg');
    expect(enc.config.outputFile.key).toBe(raw.config.outputFile.key);
  });

  test('TileOut defaults: 10x10, no padding or margin, black, keep cells, every frame', () => {
    const r = parseSubmitRequest(params({ Num: 3, TileOut: {}, TileOutputFile: out('sprite.jpg') }), REGION);
    expect(r.config.tileOut).toEqual({ lines: 10, columns: 10, padding: 0, margin: 0, color: 'black', isKeepCellPic: true, cellSelStep: 1 });
    expect(r.config.tileOutputFile?.key).toBe('sprite.jpg');
  });

  test('TileOut fields are read as given, booleans as strings', () => {
    const r = parseSubmitRequest(
      params({
        Num: 3,
        TileOut: { Lines: '2', Columns: 3, CellWidth: '100', CellHeight: 60, Padding: 4, Margin: '5', Color: '#FF0000', IsKeepCellPic: 'false', CellSelStep: '2' },
        TileOutputFile: out('sprite-{TileCount}.jpg'),
      }),
      REGION,
    );
    expect(r.config.tileOut).toEqual({
      lines: 2, columns: 3, cellWidth: 100, cellHeight: 60, padding: 4, margin: 5, color: '#FF0000', isKeepCellPic: false, cellSelStep: 2,
    });
  });

  test('nested objects sent as JSON strings are accepted', () => {
    const r = parseSubmitRequest(params({ Num: 2, TileOut: JSON.stringify({ Lines: 1 }), TileOutputFile: JSON.stringify(out('s{TileCount}.jpg')) }), REGION);
    expect(r.config.tileOut?.lines).toBe(1);
  });

  test('TimeArray is read as an array, a JSON string, or the echoed TimePointList shape', () => {
    for (const ta of [[3000, 1000], '[3000,1000]', { TimePointList: [3000, '1000'] }]) {
      expect(parseSubmitRequest(params({ TimeArray: ta }), REGION).config.timeArrayMs).toEqual([3000, 1000]);
    }
  });

  test('with TimeArray, Time may be left out', () => {
    const p = params({ TimeArray: [1000] });
    const cfg = JSON.parse(p.SnapshotConfig!);
    delete cfg.Time;
    expect(parseSubmitRequest({ ...p, SnapshotConfig: JSON.stringify(cfg) }, REGION).config.timeMs).toBe(0);
  });

  test('Format vtt and SubOut.IsSptFrag with a sprite', () => {
    const r = parseSubmitRequest(
      params({ Num: 4, Format: 'VTT', SubOut: { IsSptFrag: 'true' }, TileOut: { Lines: 2, Columns: 2 }, TileOutputFile: out('s.jpg') }),
      REGION,
    );
    expect(r.config.format).toBe('vtt');
    expect(r.config.subOut).toEqual({ isSptFrag: true });
  });

  test('an empty Format means no WebVTT', () => {
    expect(parseSubmitRequest(params({ Format: '' }), REGION).config.format).toBeUndefined();
  });

  test('unknown keys are ignored, as MPS does', () => {
    const r = parseSubmitRequest(params({ Whatever: 1 }, { inputObj: input({ Referer: 'x' }) }), REGION);
    expect(r.mode).toBe('sync');
  });

  test('UserData up to 1024 UTF-8 bytes is kept exactly, characters included', () => {
    expect(parseSubmitRequest(params({}, { UserData: "a b(c)*!'~+é" }), REGION).userData).toBe("a b(c)*!'~+é");
    expect(parseSubmitRequest(params({}, { UserData: 'x'.repeat(1024) }), REGION).userData).toHaveLength(1024);
  });

  test('an empty PipelineId or UserData counts as absent', () => {
    const r = parseSubmitRequest(params({}, { PipelineId: '', UserData: '' }), REGION);
    expect(r.pipelineId).toBeUndefined();
    expect(r.userData).toBeUndefined();
  });

  test('{Count} is not needed when sprite cells are not kept', () => {
    const r = parseSubmitRequest(
      params({ Num: 5, OutputFile: out('cell.jpg'), TileOut: { IsKeepCellPic: false }, TileOutputFile: out('s.jpg') }),
      REGION,
    );
    expect(r.config.tileOut?.isKeepCellPic).toBe(false);
  });

  test('{TileCount} is not needed when every cell fits one sprite', () => {
    expect(() => parseSubmitRequest(params({ Num: 4, TileOut: { Lines: 2, Columns: 2 }, TileOutputFile: out('s.jpg') }), REGION)).not.toThrow();
  });

  test('CellSelStep makes more frames fit one sprite', () => {
    expect(() =>
      parseSubmitRequest(params({ Num: 8, TileOut: { Lines: 2, Columns: 2, CellSelStep: 2 }, TileOutputFile: out('s.jpg') }), REGION),
    ).not.toThrow();
  });

  test('TileOutputFile without TileOut is ignored', () => {
    expect(parseSubmitRequest(params({ TileOutputFile: { nonsense: true } }), REGION).config.tileOutputFile).toBeUndefined();
  });
});

type Case = [string, SubmitSnapshotJobParams, string, string];
const cfg = (c: Record<string, unknown>) => params(c);

const errorCases: Case[] = [
  // top-level parameters
  ['Input missing', { SnapshotConfig: params({}).SnapshotConfig }, 'MissingParameter', '"Input"'],
  ['SnapshotConfig missing', { Input: params({}).Input }, 'MissingParameter', '"SnapshotConfig"'],
  ['Input empty', { ...params({}), Input: '' }, 'MissingParameter', '"Input"'],
  ['Input not JSON', { ...params({}), Input: '{Bucket:' }, 'InvalidParameter.JsonObjectFormatInvalid', '"Input"'],
  ['Input a JSON array', { ...params({}), Input: '[1]' }, 'InvalidParameter.JsonObjectFormatInvalid', '"Input"'],
  ['SnapshotConfig a JSON string', { ...params({}), SnapshotConfig: '"x"' }, 'InvalidParameter.JsonObjectFormatInvalid', '"SnapshotConfig"'],
  ['SnapshotConfig null', { ...params({}), SnapshotConfig: 'null' }, 'InvalidParameter.JsonObjectFormatInvalid', '"SnapshotConfig"'],
  ['PipelineId not 32 hex', params({}, { PipelineId: 'DD3DAE411E704030B921E52698E5AAAA' }), 'InvalidParameter.UUIDFormatInvalid', '"PipelineId"'],
  ['PipelineId too short', params({}, { PipelineId: 'abc' }), 'InvalidParameter.UUIDFormatInvalid', '"PipelineId"'],
  ['UserData over 1024 bytes', params({}, { UserData: 'é'.repeat(513) }), 'InvalidParameter', '"UserData"'],
  // Input
  ['Input.Bucket missing', params({}, { inputObj: { Location: LOC, Object: 'a.mp4' } }), 'MissingParameter', '"Input.Bucket"'],
  ['Input.Bucket upper case', params({}, { inputObj: input({ Bucket: 'In-Bucket' }) }), 'InvalidParameter.BucketNameInvalid', '"Input.Bucket"'],
  ['Input.Bucket too short', params({}, { inputObj: input({ Bucket: 'ab' }) }), 'InvalidParameter.BucketNameInvalid', '"Input.Bucket"'],
  ['Input.Bucket ends with a hyphen', params({}, { inputObj: input({ Bucket: 'abc-' }) }), 'InvalidParameter.BucketNameInvalid', '"Input.Bucket"'],
  ['Input.Bucket of 64 characters', params({}, { inputObj: input({ Bucket: 'a'.repeat(64) }) }), 'InvalidParameter.BucketNameInvalid', '"Input.Bucket"'],
  ['Input.Location missing', params({}, { inputObj: { Bucket: 'in-bucket', Object: 'a.mp4' } }), 'MissingParameter', '"Input.Location"'],
  ['Input.Location another region', params({}, { inputObj: input({ Location: 'oss-cn-shanghai' }) }), 'InvalidParameter.LocationInvalid', '"Input.Location"'],
  ['Input.Location a bare region', params({}, { inputObj: input({ Location: 'cn-hangzhou' }) }), 'InvalidParameter.LocationInvalid', '"Input.Location"'],
  ['Input.Object missing', params({}, { inputObj: { Bucket: 'in-bucket', Location: LOC } }), 'MissingParameter', '"Input.Object"'],
  ['Input.Object blank', params({}, { inputObj: input({ Object: '  ' }) }), 'InvalidParameter.EmptyValue', '"Input.Object"'],
  ['Input.Object not a string', params({}, { inputObj: input({ Object: { a: 1 } }) }), 'InvalidParameter', '"Input.Object"'],
  ['Input.Object malformed escape', params({}, { inputObj: input({ Object: 'a%ZZ.mp4' }) }), 'InvalidParameter.ObjectKeyInvalid', '"Input.Object"'],
  ['Input.Object with a .. segment', params({}, { inputObj: input({ Object: 'a/../../etc/passwd' }) }), 'InvalidParameter.ObjectKeyInvalid', '"Input.Object"'],
  ['Input.Object encoded .. segment', params({}, { inputObj: input({ Object: '..%2Fsecret.mp4' }) }), 'InvalidParameter.ObjectKeyInvalid', '"Input.Object"'],
  ['Input.Object absolute', params({}, { inputObj: input({ Object: '%2Fetc%2Fpasswd' }) }), 'InvalidParameter.ObjectKeyInvalid', '"Input.Object"'],
  ['Input.Object with NUL', params({}, { inputObj: input({ Object: 'a%00.mp4' }) }), 'InvalidParameter.ObjectKeyInvalid', '"Input.Object"'],
  ['Input.Object with a backslash', params({}, { inputObj: input({ Object: '..\\a.mp4' }) }), 'InvalidParameter.ObjectKeyInvalid', '"Input.Object"'],
  ['Input.Object a folder', params({}, { inputObj: input({ Object: 'videos/' }) }), 'InvalidParameter.ObjectKeyInvalid', '"Input.Object"'],
  ['Input.Object over 1023 bytes', params({}, { inputObj: input({ Object: 'a'.repeat(1024) }) }), 'InvalidParameter.ObjectKeyInvalid', '"Input.Object"'],
  // OutputFile
  ['OutputFile missing', { Input: params({}).Input, SnapshotConfig: JSON.stringify({ Time: 5 }) }, 'MissingParameter', '"SnapshotConfig.OutputFile"'],
  ['OutputFile not an object', cfg({ OutputFile: 'x.jpg' }), 'InvalidParameter.JsonObjectFormatInvalid', '"SnapshotConfig.OutputFile"'],
  ['OutputFile.Bucket bad', cfg({ OutputFile: out('a.jpg', { Bucket: 'Bad_Bucket' }) }), 'InvalidParameter.BucketNameInvalid', '"SnapshotConfig.OutputFile.Bucket"'],
  ['OutputFile.Location other region', cfg({ OutputFile: out('a.jpg', { Location: 'oss-us-west-1' }) }), 'InvalidParameter.LocationInvalid', '"SnapshotConfig.OutputFile.Location"'],
  ['OutputFile.Object escaping', cfg({ OutputFile: out('../x.jpg') }), 'InvalidParameter.ObjectKeyInvalid', '"SnapshotConfig.OutputFile.Object"'],
  ['OutputFile.Object unknown placeholder', cfg({ OutputFile: out('{RunId}.jpg') }), 'InvalidParameter', '"SnapshotConfig.OutputFile.Object"'],
  ['OutputFile.Object with {TileCount}', cfg({ OutputFile: out('{TileCount}.jpg') }), 'InvalidParameter', '"SnapshotConfig.OutputFile.Object"'],
  ['{Count} missing with Num > 1', cfg({ Num: 3, OutputFile: out('a.jpg') }), 'InvalidParameter', '"SnapshotConfig.OutputFile.Object"'],
  ['{Count} missing with Interval only', cfg({ Interval: 2, OutputFile: out('a.jpg') }), 'InvalidParameter', '"SnapshotConfig.OutputFile.Object"'],
  ['{Count} missing with Interval=0', cfg({ Interval: 0, Num: 4, OutputFile: out('a.jpg') }), 'InvalidParameter', '"SnapshotConfig.OutputFile.Object"'],
  ['{Count} missing with a TimeArray of 2', cfg({ TimeArray: [1, 2], OutputFile: out('a.jpg') }), 'InvalidParameter', '"SnapshotConfig.OutputFile.Object"'],
  ['{Count} missing with a kept-cell sprite', cfg({ Num: 3, OutputFile: out('a.jpg'), TileOut: {}, TileOutputFile: out('s.jpg') }), 'InvalidParameter', '"SnapshotConfig.OutputFile.Object"'],
  // numbers
  ['Time missing', { Input: params({}).Input, SnapshotConfig: JSON.stringify({ OutputFile: out('a.jpg') }) }, 'MissingParameter', '"SnapshotConfig.Time"'],
  ['Time fractional', cfg({ Time: '1.5' }), 'InvalidParameter.NumberFormatInvalid', '"SnapshotConfig.Time"'],
  ['Time a word', cfg({ Time: 'five' }), 'InvalidParameter.NumberFormatInvalid', '"SnapshotConfig.Time"'],
  ['Time a boolean', cfg({ Time: true }), 'InvalidParameter.NumberFormatInvalid', '"SnapshotConfig.Time"'],
  ['Time negative', cfg({ Time: -1 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.Time"'],
  ['Interval negative', cfg({ Interval: '-2' }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.Interval"'],
  ['Interval fractional', cfg({ Interval: 0.5 }), 'InvalidParameter.NumberFormatInvalid', '"SnapshotConfig.Interval"'],
  ['Interval=0 without Num', cfg({ Interval: 0 }), 'InvalidParameter', '"SnapshotConfig.Num"'],
  ['Num zero', cfg({ Num: 0 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.Num"'],
  ['Num huge', cfg({ Num: 100001 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.Num"'],
  ['Width below 8', cfg({ Width: 7 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.Width"'],
  ['Width above 4096', cfg({ Width: '4097' }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.Width"'],
  ['Height below 8', cfg({ Height: 0 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.Height"'],
  ['Height above 4096', cfg({ Height: 5000 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.Height"'],
  ['FrameType unknown', cfg({ FrameType: 'key' }), 'InvalidParameter', '"SnapshotConfig.FrameType"'],
  ['BlackLevel below 30', cfg({ BlackLevel: 29 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.BlackLevel"'],
  ['BlackLevel above 100', cfg({ BlackLevel: 101 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.BlackLevel"'],
  ['PixelBlackThreshold above 255', cfg({ PixelBlackThreshold: 256 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.PixelBlackThreshold"'],
  ['PixelBlackThreshold negative', cfg({ PixelBlackThreshold: -1 }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.PixelBlackThreshold"'],
  ['Format unknown', cfg({ Format: 'srt' }), 'InvalidParameter', '"SnapshotConfig.Format"'],
  ['SubOut not an object', cfg({ SubOut: 'yes' }), 'InvalidParameter.JsonObjectFormatInvalid', '"SnapshotConfig.SubOut"'],
  ['SubOut.IsSptFrag not a boolean', cfg({ SubOut: { IsSptFrag: 'yes' } }), 'InvalidParameter', '"SnapshotConfig.SubOut.IsSptFrag"'],
  ['SubOut.IsSptFrag without TileOut', cfg({ Format: 'vtt', SubOut: { IsSptFrag: true } }), 'InvalidParameter', '"SnapshotConfig.SubOut.IsSptFrag"'],
  // TileOut
  ['TileOut not an object', cfg({ TileOut: 7 }), 'InvalidParameter.JsonObjectFormatInvalid', '"SnapshotConfig.TileOut"'],
  ['TileOutputFile missing', cfg({ TileOut: {} }), 'MissingParameter', '"SnapshotConfig.TileOutputFile"'],
  ['TileOutputFile.Bucket bad', cfg({ TileOut: {}, TileOutputFile: out('s.jpg', { Bucket: 'x' }) }), 'InvalidParameter.BucketNameInvalid', '"SnapshotConfig.TileOutputFile.Bucket"'],
  ['TileOut.Lines zero', cfg({ TileOut: { Lines: 0 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TileOut.Lines"'],
  ['TileOut.Columns over 1000', cfg({ TileOut: { Columns: 1001 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TileOut.Columns"'],
  ['TileOut.CellWidth below 8', cfg({ TileOut: { CellWidth: 4 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TileOut.CellWidth"'],
  ['TileOut.CellHeight above 4096', cfg({ TileOut: { CellHeight: 4097 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TileOut.CellHeight"'],
  ['TileOut.Padding negative', cfg({ TileOut: { Padding: -1 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TileOut.Padding"'],
  ['TileOut.Margin too large', cfg({ TileOut: { Margin: 5000 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TileOut.Margin"'],
  ['TileOut.Color unknown', cfg({ TileOut: { Color: 'blurple' }, TileOutputFile: out('s.jpg') }), 'InvalidParameter', '"SnapshotConfig.TileOut.Color"'],
  ['TileOut.Color short hex', cfg({ TileOut: { Color: '#fff' }, TileOutputFile: out('s.jpg') }), 'InvalidParameter', '"SnapshotConfig.TileOut.Color"'],
  ['TileOut.IsKeepCellPic not a boolean', cfg({ TileOut: { IsKeepCellPic: 'maybe' }, TileOutputFile: out('s.jpg') }), 'InvalidParameter', '"SnapshotConfig.TileOut.IsKeepCellPic"'],
  ['TileOut grid wider than any sheet (1000 columns of 4096 px)', cfg({ TileOut: { Lines: 1, Columns: 1000, CellWidth: 4096 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TileOut"'],
  ['TileOut grid over the pixel budget (one 4096 px row of 9 x 4096 px cells with 4096 px margins)', cfg({ TileOut: { Columns: 9, CellWidth: 4096, CellHeight: 4096, Margin: 4096 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TileOut"'],
  ['TileOut.CellSelStep zero', cfg({ TileOut: { CellSelStep: 0 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TileOut.CellSelStep"'],
  ['{TileCount} missing when cells overflow a sprite', cfg({ Num: 5, TileOut: { Lines: 2, Columns: 2 }, TileOutputFile: out('s.jpg') }), 'InvalidParameter', '"SnapshotConfig.TileOutputFile.Object"'],
  ['{TileCount} missing with Interval to the end', cfg({ Interval: 1, TileOut: {}, TileOutputFile: out('s.jpg') }), 'InvalidParameter', '"SnapshotConfig.TileOutputFile.Object"'],
  ['TileOutputFile.Object with {Count}', cfg({ TileOut: {}, TileOutputFile: out('{Count}.jpg') }), 'InvalidParameter', '"SnapshotConfig.TileOutputFile.Object"'],
  ['vtt single images but cells not kept', cfg({ Num: 2, Format: 'vtt', TileOut: { IsKeepCellPic: false }, TileOutputFile: out('s.jpg') }), 'InvalidParameter', '"SnapshotConfig.TileOut.IsKeepCellPic"'],
  // TimeArray
  ['TimeArray empty', cfg({ TimeArray: [] }), 'InvalidParameter.EmptyValue', '"SnapshotConfig.TimeArray"'],
  ['TimeArray not an array', cfg({ TimeArray: 'soon' }), 'InvalidParameter', '"SnapshotConfig.TimeArray"'],
  ['TimeArray with a fraction', cfg({ TimeArray: [1000, 1.5] }), 'InvalidParameter.NumberFormatInvalid', '"SnapshotConfig.TimeArray[1]"'],
  ['TimeArray with a negative', cfg({ TimeArray: [-5] }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TimeArray[0]"'],
  ['TimeArray with a null', cfg({ TimeArray: [null] }), 'InvalidParameter.NullValue', '"SnapshotConfig.TimeArray[0]"'],
  ['TimeArray over 1000 points', cfg({ TimeArray: Array.from({ length: 1001 }, (_, i) => i) }), 'InvalidParameter.OutOfRange', '"SnapshotConfig.TimeArray"'],
  ['TimeArray with Num', cfg({ TimeArray: [1], Num: 2 }), 'InvalidParameter', '"SnapshotConfig.TimeArray"'],
];

describe('parseSubmitRequest: every bad input is a 4xx naming the parameter', () => {
  test.each(errorCases)('%s', (_name, p, code, named) => {
    const err = parseError(p);
    expect(err.code).toBe(code);
    expect(err.message).toContain(named);
    expect(err.httpStatus).toBeGreaterThanOrEqual(400);
    expect(err.httpStatus).toBeLessThan(500);
  });

  test('the location error says which location this endpoint expects', () => {
    const err = parseError(params({}, { inputObj: input({ Location: 'oss-cn-shanghai' }) }));
    expect(err.message).toContain('oss-cn-hangzhou');
    expect(err.message).toContain('oss-cn-shanghai');
  });

  test('the missing {Count} error shows a template that works', () => {
    expect(parseError(cfg({ Num: 3, OutputFile: out('a.jpg') })).message).toContain('{Count}');
  });
});

describe('parseSubmitRequest: hostile values are 4xx errors with a message of bounded size', () => {
  // Deep nesting has no JSON.stringify spelling (it overflows the stack), so it is spliced in as text.
  const DEEP = '"@DEEP@"';
  const deep = (p: SubmitSnapshotJobParams, depth = 20_000): SubmitSnapshotJobParams => ({
    ...p,
    Input: p.Input?.replace(DEEP, nested(depth)),
    SnapshotConfig: p.SnapshotConfig?.replace(DEEP, nested(depth)),
  });
  test.each<[string, SubmitSnapshotJobParams, string]>([
    ['Width nested 20 000 arrays deep', deep(cfg({ Width: '@DEEP@' })), '"SnapshotConfig.Width"'],
    ['FrameType nested 20 000 arrays deep', deep(cfg({ FrameType: '@DEEP@' })), '"SnapshotConfig.FrameType"'],
    ['a TimeArray point nested 20 000 arrays deep', deep(cfg({ TimeArray: ['@DEEP@'] })), '"SnapshotConfig.TimeArray[0]"'],
    ['Input.Bucket nested 8 000 arrays deep (Input holds 16 KB)', deep(params({}, { inputObj: input({ Bucket: '@DEEP@' }) }), 8_000), '"Input.Bucket"'],
    ['Num of 20 000 digits', cfg({ Num: '9'.repeat(20_000) }), '"SnapshotConfig.Num"'],
    ['a 15 000-character bucket name', params({}, { inputObj: input({ Bucket: 'b'.repeat(15_000) }) }), '"Input.Bucket"'],
    ['a 20 000-character colour', cfg({ TileOut: { Color: 'c'.repeat(20_000) }, TileOutputFile: out('s.jpg') }), '"SnapshotConfig.TileOut.Color"'],
  ])('%s', (_name, p, named) => {
    const err = parseError(p);
    expect(err.httpStatus).toBe(400);
    expect(err.message).toContain(named);
    expect(err.message.length).toBeLessThan(400);
  });
});
