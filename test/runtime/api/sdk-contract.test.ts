/**
 * The envelope against the official SDKs, unchanged, over real HTTP on 127.0.0.1: the MPS SDK
 * in its default V3 mode and with `signatureAlgorithm: 'v2'`, and pop-core with GET and POST.
 * The service behind the handler is a recording stand-in (fixtures/recording-service.ts).
 */
import MtsClient, { QuerySnapshotJobListRequest, SubmitSnapshotJobRequest } from '@alicloud/mts20140618';
import { $OpenApiUtil, ClientError, ServerError } from '@alicloud/openapi-core';
import RPCClient from '@alicloud/pop-core';
import { staticCredentials } from '../../../runtime/api/credentials';
import { startApi, type RunningApi } from './fixtures/api-server';
import { recordingService, type RecordingService } from './fixtures/recording-service';

const AK = { accessKeyId: 'LTAI5tLocalTestKey', accessKeySecret: 'local-test-secret' };
const STS = { accessKeyId: 'STS.NTLocalTestKey', accessKeySecret: 'sts-test-secret', securityToken: 'CAIS-local-token' };

const INPUT = JSON.stringify({ Bucket: 'example-bucket', Location: 'oss-cn-hangzhou', Object: 'example%2Ftest.flv' });
const ASYNC_CONFIG = JSON.stringify({
  OutputFile: { Bucket: 'example-bucket', Location: 'oss-cn-hangzhou', Object: '{Count}.jpg' },
  Time: '5',
  Num: '10',
  Interval: '20',
  FrameType: 'intra',
});
const SYNC_CONFIG = JSON.stringify({
  OutputFile: { Bucket: 'example-bucket', Location: 'oss-cn-hangzhou', Object: 'shots%2Fone.jpg' },
  Time: '1500',
  Width: '320',
});
const PIPELINE = 'dd3dae411e704030b921e52698e5aaaa';
const TRICKY = "a b(c)*!'~+é";

let api: RunningApi;
let service: RecordingService;

beforeAll(async () => {
  service = recordingService();
  api = await startApi({ service, credentials: staticCredentials([AK, STS]), clock: { now: () => new Date() } });
});
afterAll(() => api.close());

function mts(creds: { accessKeyId: string; accessKeySecret: string; securityToken?: string } = AK, signatureAlgorithm?: 'v2') {
  return new MtsClient(
    new $OpenApiUtil.Config({ ...creds, endpoint: api.host, protocol: 'http', regionId: 'cn-hangzhou', signatureAlgorithm }),
  );
}

function pop(creds: { accessKeyId: string; accessKeySecret: string; securityToken?: string } = AK) {
  return new RPCClient({ ...creds, endpoint: api.url, apiVersion: '2014-06-18' });
}

const submitRequest = (over: Partial<{ input: string; snapshotConfig: string; pipelineId: string; userData: string }> = {}) =>
  new SubmitSnapshotJobRequest({ input: INPUT, snapshotConfig: ASYNC_CONFIG, pipelineId: PIPELINE, userData: 'testid-001', ...over });

async function caught(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

describe.each([
  ['V3 (default)', undefined],
  ['V1 (signatureAlgorithm v2)', 'v2' as const],
])('@alicloud/mts20140618 %s', (_name, algorithm) => {
  test('SubmitSnapshotJob: the SDK parses the job with every echoed field as a string', async () => {
    const res = await mts(AK, algorithm).submitSnapshotJob(submitRequest());
    expect(res.statusCode).toBe(200);
    const job = res.body!.snapshotJob!;
    expect(res.body!.requestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(job.id).toMatch(/^[0-9a-f]{32}$/);
    expect(job.state).toBe('Submitted');
    expect(job.pipelineId).toBe(PIPELINE);
    expect(job.userData).toBe('testid-001');
    expect(job.creationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(job.input).toMatchObject({ bucket: 'example-bucket', location: 'oss-cn-hangzhou', object: 'example%2Ftest.flv' });
    expect(job.snapshotConfig).toMatchObject({ time: '5', num: '10', interval: '20', frameType: 'intra' });
    expect(job.snapshotConfig!.outputFile!.object).toBe('{Count}.jpg');
    expect(job.MNSMessageResult!.messageId).toBe('799454621135656C7F815F198A760000');
    const seen = service.submitted.at(-1)!;
    expect(seen.params).toEqual({ Input: INPUT, SnapshotConfig: ASYNC_CONFIG, PipelineId: PIPELINE, UserData: 'testid-001' });
    expect(seen.requestId).toBe(res.body!.requestId);
  });

  test(`UserData ${TRICKY} arrives decoded exactly and is echoed back`, async () => {
    const res = await mts(AK, algorithm).submitSnapshotJob(submitRequest({ userData: TRICKY, snapshotConfig: SYNC_CONFIG }));
    expect(service.submitted.at(-1)!.params.UserData).toBe(TRICKY);
    expect(res.body!.snapshotJob!.userData).toBe(TRICKY);
    expect(res.body!.snapshotJob!.state).toBe('Success');
    expect(res.body!.snapshotJob!.count).toBe('1');
  });

  test('QuerySnapshotJobList by ids: jobs in SnapshotJobList, unknown ids in NonExistSnapshotJobIds', async () => {
    const client = mts(AK, algorithm);
    const submitted = await client.submitSnapshotJob(submitRequest());
    const id = submitted.body!.snapshotJob!.id!;
    const res = await client.querySnapshotJobList(new QuerySnapshotJobListRequest({ snapshotJobIds: `${id},cc6cbef8e8d5481ca536f5d2a4660000` }));
    expect(res.body!.snapshotJobList!.snapshotJob!.map((j) => j.id)).toEqual([id]);
    expect(res.body!.snapshotJobList!.snapshotJob![0].snapshotConfig!.num).toBe('10');
    expect(res.body!.nonExistSnapshotJobIds!.string).toEqual(['cc6cbef8e8d5481ca536f5d2a4660000']);
    expect(res.body!.nextPageToken).toBeUndefined();
  });

  test('QuerySnapshotJobList paged: NextPageToken and MaximumPageSize pass through', async () => {
    const res = await mts(AK, algorithm).querySnapshotJobList(new QuerySnapshotJobListRequest({ maximumPageSize: 1, state: 'Submitted' }));
    expect(service.queried.at(-1)).toMatchObject({ MaximumPageSize: '1', State: 'Submitted' });
    expect(res.body!.snapshotJobList!.snapshotJob).toHaveLength(1);
    expect(res.body!.nextPageToken).toBe('b0c939ae8f55a73e965169510670aaaa');
    expect(res.body!.nonExistSnapshotJobIds).toBeUndefined();
  });

  test('STS credentials: the token is checked and the call succeeds', async () => {
    const res = await mts(STS, algorithm).querySnapshotJobList(new QuerySnapshotJobListRequest({ snapshotJobIds: 'a,b' }));
    expect(res.body!.nonExistSnapshotJobIds!.string).toEqual(['a', 'b']);
  });

  test('STS credentials with the wrong token: ClientError InvalidSecurityToken.Mismatch 400', async () => {
    const e = await caught(mts({ ...STS, securityToken: 'stolen' }, algorithm).querySnapshotJobList(new QuerySnapshotJobListRequest({})));
    expect(e).toBeInstanceOf(ClientError);
    expect([e.code, e.statusCode]).toEqual(['InvalidSecurityToken.Mismatch', 400]);
  });

  test('unknown AccessKeyId: ClientError InvalidAccessKeyId.NotFound 404 with RequestId and Recommend', async () => {
    const e = await caught(mts({ accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' }, algorithm).submitSnapshotJob(submitRequest()));
    expect(e).toBeInstanceOf(ClientError);
    expect([e.code, e.statusCode]).toEqual(['InvalidAccessKeyId.NotFound', 404]);
    expect(e.data.RequestId).toBe(e.requestId);
    expect(e.data.HostId).toBe('mts.cn-hangzhou.aliyuncs.com');
    expect(e.data.Recommend).toBe(
      `https://api.aliyun.com/troubleshoot?q=InvalidAccessKeyId.NotFound&product=Mts&requestId=${e.data.RequestId}`,
    );
  });

  test('wrong secret: ClientError SignatureDoesNotMatch 400, and the service is never called', async () => {
    const before = service.submitted.length;
    const e = await caught(mts({ ...AK, accessKeySecret: 'wrong' }, algorithm).submitSnapshotJob(submitRequest()));
    expect(e).toBeInstanceOf(ClientError);
    expect([e.code, e.statusCode]).toEqual(['SignatureDoesNotMatch', 400]);
    expect(e.data.Message).toContain('server string to sign is:');
    expect(service.submitted.length).toBe(before);
  });

  test('a validation error of the service surfaces as ClientError with its code', async () => {
    const e = await caught(mts(AK, algorithm).submitSnapshotJob(submitRequest({ input: '{not json' })));
    expect(e).toBeInstanceOf(ClientError);
    expect([e.code, e.statusCode]).toEqual(['InvalidParameter.JsonObjectFormatInvalid', 400]);
    expect(e.message).toContain('Input');
  });

  test('an unexpected failure is ServerError InternalError 500, logged, with no internal detail', async () => {
    const e = await caught(mts(AK, algorithm).submitSnapshotJob(submitRequest({ userData: 'crash' })));
    expect(e).toBeInstanceOf(ServerError);
    expect([e.code, e.statusCode]).toEqual(['InternalError', 500]);
    expect(e.data.Message).not.toContain('disk on fire');
    expect(api.logged.some((c) => c instanceof Error && c.message === 'disk on fire')).toBe(true);
  });
});

describe.each([['GET'], ['POST']])('@alicloud/pop-core %s', (method) => {
  const opts = { method };

  test('SubmitSnapshotJob: PascalCase body with string values', async () => {
    const body: any = await pop().request(
      'SubmitSnapshotJob',
      { Input: INPUT, SnapshotConfig: ASYNC_CONFIG, PipelineId: PIPELINE, UserData: TRICKY, RegionId: 'cn-hangzhou' },
      opts,
    );
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(body.Code).toBeUndefined();
    expect(body.SnapshotJob.State).toBe('Submitted');
    expect(body.SnapshotJob.SnapshotConfig).toMatchObject({ Time: '5', Num: '10', Interval: '20', FrameType: 'intra' });
    expect(body.SnapshotJob.UserData).toBe(TRICKY);
    expect(service.submitted.at(-1)!.params).toEqual({ Input: INPUT, SnapshotConfig: ASYNC_CONFIG, PipelineId: PIPELINE, UserData: TRICKY });
  });

  test('QuerySnapshotJobList: wrapper objects', async () => {
    const submitted: any = await pop().request('SubmitSnapshotJob', { Input: INPUT, SnapshotConfig: ASYNC_CONFIG }, opts);
    const body: any = await pop().request('QuerySnapshotJobList', { SnapshotJobIds: `${submitted.SnapshotJob.Id},nope` }, opts);
    expect(body.SnapshotJobList.SnapshotJob[0].Id).toBe(submitted.SnapshotJob.Id);
    expect(body.NonExistSnapshotJobIds).toEqual({ String: ['nope'] });
  });

  test('STS credentials succeed; without the token they fail', async () => {
    const ok: any = await pop(STS).request('QuerySnapshotJobList', { SnapshotJobIds: 'x' }, opts);
    expect(ok.NonExistSnapshotJobIds.String).toEqual(['x']);
    const e = await caught(pop({ accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret }).request('QuerySnapshotJobList', {}, opts));
    expect([e.name, e.code]).toEqual(['InvalidSecurityToken.MismatchError', 'InvalidSecurityToken.Mismatch']);
  });

  test('errors arrive as <Code>Error with the message', async () => {
    const wrong = await caught(pop({ ...AK, accessKeySecret: 'wrong' }).request('QuerySnapshotJobList', {}, opts));
    expect([wrong.name, wrong.code]).toEqual(['SignatureDoesNotMatchError', 'SignatureDoesNotMatch']);
    const unknown = await caught(pop().request('DescribeSnapshotWizardry', {}, opts));
    expect([unknown.name, unknown.data.Code]).toEqual(['InvalidApi.NotFoundError', 'InvalidApi.NotFound']);
    expect(unknown.message).toContain('DescribeSnapshotWizardry');
    const missing = await caught(pop().request('SubmitSnapshotJob', { SnapshotConfig: SYNC_CONFIG }, opts));
    expect([missing.name, missing.data.Message]).toEqual([
      'MissingParameterError',
      'The input parameter "Input" that is mandatory for processing this request is not supplied.',
    ]);
  });
});

test('pop-core POST with a body over the limit gets a clear InvalidParameter error naming the body', async () => {
  const e = await caught(pop().request('SubmitSnapshotJob', { Input: INPUT, SnapshotConfig: SYNC_CONFIG, UserData: 'x'.repeat(300 * 1024) }, { method: 'POST' }));
  expect(e.code).toBe('InvalidParameter');
  expect(e.data.Message).toContain('"Body"');
  expect(e.data.Message).toContain(String(256 * 1024));
  // The server is still serving.
  const ok: any = await pop().request('QuerySnapshotJobList', { SnapshotJobIds: 'x' }, { method: 'POST' });
  expect(ok.NonExistSnapshotJobIds.String).toEqual(['x']);
});
