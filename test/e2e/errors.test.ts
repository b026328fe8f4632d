/**
 * Every bad request of issue 3 over the wire: a 4xx with a documented MPS code and a message that
 * names what was wrong; never a 500, never a hang, and nothing written.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { makeGarbageFile, makeIndexedVideo } from '../support/media';
import { withLocalService } from '../support/local-service';
import { failure, oss, query, submit } from './e2e-helpers';
import type { ClientKind } from './e2e-helpers';

const local = withLocalService();

beforeAll(async () => {
  await local.putInput(await makeIndexedVideo({ durationSec: 2 }), 'ok.mp4');
  await local.putInput(makeGarbageFile('not-a-video.mp4'), 'garbage.mp4');
});

type Case = { name: string; params: () => { Input: string; SnapshotConfig: string; PipelineId?: string; UserData?: string }; code: string; status: number; mentions: RegExp };

const input = (object = 'ok.mp4', extra: Record<string, string> = {}) => JSON.stringify({ ...oss(local.svc, local.svc.inputBucket, object), ...extra });
const config = (extra: Record<string, unknown> = {}, object = 'err/out.jpg') =>
  JSON.stringify({ OutputFile: oss(local.svc, local.svc.outputBucket, object), Time: '0', ...extra });

const cases: Case[] = [
  { name: 'malformed Input JSON', params: () => ({ Input: '{"Bucket":', SnapshotConfig: config() }), code: 'InvalidParameter.JsonObjectFormatInvalid', status: 400, mentions: /Input/ },
  { name: 'SnapshotConfig that is a JSON array', params: () => ({ Input: input(), SnapshotConfig: '[1,2]' }), code: 'InvalidParameter.JsonObjectFormatInvalid', status: 400, mentions: /SnapshotConfig/ },
  { name: 'missing Input', params: () => ({ Input: '', SnapshotConfig: config() }), code: 'MissingParameter', status: 400, mentions: /Input/ },
  { name: 'missing OutputFile', params: () => ({ Input: input(), SnapshotConfig: JSON.stringify({ Time: '0' }) }), code: 'MissingParameter', status: 400, mentions: /OutputFile/ },
  { name: 'missing Time', params: () => ({ Input: input(), SnapshotConfig: JSON.stringify({ OutputFile: oss(local.svc, local.svc.outputBucket, 'x.jpg') }) }), code: 'MissingParameter', status: 400, mentions: /Time/ },
  { name: 'Width above 4096', params: () => ({ Input: input(), SnapshotConfig: config({ Width: '5000' }) }), code: 'InvalidParameter.OutOfRange', status: 400, mentions: /Width/ },
  { name: 'Height below 8', params: () => ({ Input: input(), SnapshotConfig: config({ Height: '4' }) }), code: 'InvalidParameter.OutOfRange', status: 400, mentions: /Height/ },
  { name: 'negative Time', params: () => ({ Input: input(), SnapshotConfig: config({ Time: '-5' }) }), code: 'InvalidParameter.OutOfRange', status: 400, mentions: /Time/ },
  { name: 'Num that is not a number', params: () => ({ Input: input(), SnapshotConfig: config({ Num: 'ten' }, 'err/{Count}.jpg') }), code: 'InvalidParameter.NumberFormatInvalid', status: 400, mentions: /Num/ },
  { name: 'invalid bucket name', params: () => ({ Input: JSON.stringify({ Bucket: 'Bad_Bucket', Location: `oss-${local.svc.region}`, Object: 'ok.mp4' }), SnapshotConfig: config() }), code: 'InvalidParameter.BucketNameInvalid', status: 400, mentions: /Bad_Bucket/ },
  { name: 'a Location of another region', params: () => ({ Input: JSON.stringify({ Bucket: local.svc.inputBucket, Location: 'oss-cn-beijing', Object: 'ok.mp4' }), SnapshotConfig: config() }), code: 'InvalidParameter.LocationInvalid', status: 400, mentions: /oss-cn-beijing/ },
  { name: 'unknown PipelineId', params: () => ({ Input: input(), SnapshotConfig: config(), PipelineId: '0123456789abcdef0123456789abcdef' }), code: 'InvalidParameter.ResourceNotFound', status: 404, mentions: /0123456789abcdef0123456789abcdef/ },
  { name: 'PipelineId that is not 32 hex', params: () => ({ Input: input(), SnapshotConfig: config(), PipelineId: 'not-a-pipeline' }), code: 'InvalidParameter.UUIDFormatInvalid', status: 400, mentions: /PipelineId/ },
  { name: 'Num>1 without {Count}', params: () => ({ Input: input(), SnapshotConfig: config({ Num: '3', Interval: '1' }, 'err/fixed.jpg') }), code: 'InvalidParameter', status: 400, mentions: /\{Count\}/ },
  { name: 'an output key with ..', params: () => ({ Input: input(), SnapshotConfig: config({}, encodeURIComponent('../escape.jpg')) }), code: 'InvalidParameter.ObjectKeyInvalid', status: 400, mentions: /\.\./ },
  { name: 'an absolute input key', params: () => ({ Input: input(encodeURIComponent('/etc/passwd')), SnapshotConfig: config() }), code: 'InvalidParameter.ObjectKeyInvalid', status: 400, mentions: /Input/ },
  { name: 'a key with NUL', params: () => ({ Input: input('ok.mp4%00.jpg'), SnapshotConfig: config() }), code: 'InvalidParameter.ObjectKeyInvalid', status: 400, mentions: /NUL/ },
  { name: 'UserData over 1024 bytes', params: () => ({ Input: input(), SnapshotConfig: config(), UserData: 'é'.repeat(513) }), code: 'InvalidParameter', status: 400, mentions: /UserData/ },
  { name: 'a missing input object', params: () => ({ Input: input('nope/missing.mp4'), SnapshotConfig: config({}, 'err/missing.jpg') }), code: 'InvalidParameter.ResourceNotFound', status: 404, mentions: /Input snapshot-input\/nope\/missing\.mp4/ },
  { name: 'a missing input bucket', params: () => ({ Input: JSON.stringify(oss(local.svc, 'no-such-bucket', 'ok.mp4')), SnapshotConfig: config({}, 'err/nobucket.jpg') }), code: 'InvalidParameter.ResourceNotFound', status: 404, mentions: /Input no-such-bucket\/ok\.mp4/ },
  { name: 'a file that is not a video', params: () => ({ Input: input('garbage.mp4'), SnapshotConfig: config({}, 'err/garbage.jpg') }), code: 'InvalidParameter.ResourceContentBad', status: 400, mentions: /garbage|Input/ },
  { name: 'Time past the end of the video', params: () => ({ Input: input(), SnapshotConfig: config({ Time: '9000' }, 'err/late.jpg') }), code: 'InvalidParameter.OutOfRange', status: 400, mentions: /Time.*9000|9000.*Time/ },
];

describe.each(cases)('$name', (c) => {
  test.each<ClientKind>(['mts-v3', 'pop-post'])(`%s gets ${c.code}`, async (kind) => {
    const err = await failure(submit(local.svc, kind, c.params()));
    expect(err.code).toBe(c.code);
    expect(err.message).toMatch(c.mentions);
    if (kind === 'mts-v3') expect(err.statusCode).toBe(c.status);
  });
});

test('failed sync jobs leave no output and are stored as Fail with their code', async () => {
  const { svc } = local;
  const err = await failure(
    submit(svc, 'mts-v2', { Input: input('garbage.mp4'), SnapshotConfig: config({}, 'err/stored-fail.jpg'), UserData: 'stored-fail' }),
  );
  expect(err.code).toBe('InvalidParameter.ResourceContentBad');
  const failed = await query(svc, 'mts-v3', { State: 'Fail', MaximumPageSize: '100' });
  const mine = failed.jobs.find((j) => j.UserData === 'stored-fail');
  expect(mine).toBeDefined();
  expect(mine!.Code).toBe('InvalidParameter.ResourceContentBad');
  expect(mine!.Message).toContain('InputFile');
  expect(await local.listOutputs('err/')).toEqual([]);
  await expect(fs.access(path.join(svc.dataDir, 'buckets', 'escape.jpg'))).rejects.toThrow();
});

test('QuerySnapshotJobList: more than 10 ids and bad page sizes are 4xx', async () => {
  const ids = Array.from({ length: 11 }, (_, i) => i.toString(16).padStart(32, '0')).join(',');
  expect((await failure(query(local.svc, 'mts-v3', { SnapshotJobIds: ids }))).code).toMatch(/^InvalidParameter/);
  expect((await failure(query(local.svc, 'pop-get', { MaximumPageSize: '301' }))).code).toMatch(/^InvalidParameter/);
  expect((await failure(query(local.svc, 'pop-get', { State: 'Done' }))).code).toMatch(/^InvalidParameter/);
});
