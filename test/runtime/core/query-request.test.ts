import { snapshotErrorOf } from '../../support/errors';
import { parseQueryRequest } from '../../../runtime/core/query-request';
import type { QuerySnapshotJobListParams } from '../../../runtime/service/contract';

const id = (n: number) => n.toString(16).padStart(32, '0');

const queryError = (p: QuerySnapshotJobListParams) => snapshotErrorOf(() => parseQueryRequest(p));

describe('parseQueryRequest: by ids', () => {
  test('comma-separated ids, spaces trimmed, duplicates collapsed in order', () => {
    expect(parseQueryRequest({ SnapshotJobIds: `${id(2)}, ${id(1)},${id(2)},` })).toEqual({ kind: 'ids', ids: [id(2), id(1)] });
  });

  test('ten ids are allowed', () => {
    const ids = Array.from({ length: 10 }, (_, i) => id(i + 1));
    expect(parseQueryRequest({ SnapshotJobIds: ids.join(',') })).toEqual({ kind: 'ids', ids });
  });

  test('ids win over filter parameters', () => {
    expect(parseQueryRequest({ SnapshotJobIds: id(1), State: 'Nonsense' }).kind).toBe('ids');
  });

  test('an empty SnapshotJobIds means filter mode', () => {
    expect(parseQueryRequest({ SnapshotJobIds: '' }).kind).toBe('filter');
  });
});

describe('parseQueryRequest: by filter', () => {
  test('defaults: page size 30, no bounds', () => {
    expect(parseQueryRequest({})).toEqual({ kind: 'filter', pageSize: 30 });
  });

  test('every filter is read', () => {
    expect(
      parseQueryRequest({
        PipelineId: 'dd3dae411e704030b921e52698e5aaaa',
        State: 'Snapshoting',
        StartOfJobCreatedTimeRange: '2021-05-19T03:11:48Z',
        EndOfJobCreatedTimeRange: '2021-05-20T00:00:00Z',
        MaximumPageSize: '300',
        NextPageToken: 'b0c939ae8f55t73u965169510670abcd',
      }),
    ).toEqual({
      kind: 'filter',
      pipelineId: 'dd3dae411e704030b921e52698e5aaaa',
      state: 'Snapshoting',
      fromMs: Date.UTC(2021, 4, 19, 3, 11, 48),
      toMs: Date.UTC(2021, 4, 20) + 999,
      pageSize: 300,
      pageToken: 'b0c939ae8f55t73u965169510670abcd',
    });
  });

  test('the end of the range includes the whole second it names', () => {
    const q = parseQueryRequest({ StartOfJobCreatedTimeRange: '2021-05-19T03:11:48Z', EndOfJobCreatedTimeRange: '2021-05-19T03:11:48Z' });
    expect(q).toMatchObject({ fromMs: Date.UTC(2021, 4, 19, 3, 11, 48), toMs: Date.UTC(2021, 4, 19, 3, 11, 48) + 999 });
  });
});

describe('parseQueryRequest: bad input names the parameter', () => {
  test.each<[string, QuerySnapshotJobListParams, string, string]>([
    ['eleven ids', { SnapshotJobIds: Array.from({ length: 11 }, (_, i) => id(i + 1)).join(',') }, 'InvalidParameter', '"SnapshotJobIds"'],
    ['an id that is not 32 hex', { SnapshotJobIds: `${id(1)},xyz` }, 'InvalidParameter.UUIDFormatInvalid', '"SnapshotJobIds"'],
    ['an upper-case id', { SnapshotJobIds: 'F4E3B9BA9F3840C39D6E288056F0ABCD' }, 'InvalidParameter.UUIDFormatInvalid', '"SnapshotJobIds"'],
    ['only commas', { SnapshotJobIds: ',,' }, 'InvalidParameter.EmptyValue', '"SnapshotJobIds"'],
    ['an unknown State', { State: 'Running' }, 'InvalidParameter', '"State"'],
    ['State spelled Snapshotting', { State: 'Snapshotting' }, 'InvalidParameter', '"State"'],
    ['a PipelineId that is not 32 hex', { PipelineId: 'p1' }, 'InvalidParameter.UUIDFormatInvalid', '"PipelineId"'],
    ['a start time with milliseconds', { StartOfJobCreatedTimeRange: '2021-05-19T03:11:48.000Z' }, 'InvalidParameter.Format', '"StartOfJobCreatedTimeRange"'],
    ['an end time without Z', { EndOfJobCreatedTimeRange: '2021-05-19T03:11:48' }, 'InvalidParameter.Format', '"EndOfJobCreatedTimeRange"'],
    ['an impossible date', { StartOfJobCreatedTimeRange: '2021-02-30T00:00:00Z' }, 'InvalidParameter.Format', '"StartOfJobCreatedTimeRange"'],
    ['start after end', { StartOfJobCreatedTimeRange: '2021-05-20T00:00:00Z', EndOfJobCreatedTimeRange: '2021-05-19T00:00:00Z' }, 'InvalidParameter', '"StartOfJobCreatedTimeRange"'],
    ['MaximumPageSize 0', { MaximumPageSize: '0' }, 'InvalidParameter.OutOfRange', '"MaximumPageSize"'],
    ['MaximumPageSize 301', { MaximumPageSize: '301' }, 'InvalidParameter.OutOfRange', '"MaximumPageSize"'],
    ['MaximumPageSize not a number', { MaximumPageSize: 'ten' }, 'InvalidParameter.NumberFormatInvalid', '"MaximumPageSize"'],
  ])('%s', (_n, p, code, named) => {
    const err = queryError(p);
    expect(err.code).toBe(code);
    expect(err.message).toContain(named);
    expect(err.httpStatus).toBe(400);
  });
});
