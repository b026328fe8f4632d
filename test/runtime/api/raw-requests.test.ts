/**
 * What no SDK sends on its own: tampered, replayed, stale and malformed requests, XML, other
 * methods and paths. Built by hand (fixtures/hand-signed.ts) and sent over real HTTP.
 */
import * as http from 'node:http';
import { staticCredentials } from '../../../runtime/api/credentials';
import { startApi, type RunningApi } from './fixtures/api-server';
import { acsTime, queryString, send, signV1, v1Params, v3Headers } from './fixtures/hand-signed';
import { recordingService, type RecordingService } from './fixtures/recording-service';

// xml2js is what the SDKs themselves parse XML with (a dependency of @alicloud/pop-core and others).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseStringPromise } = require('xml2js') as { parseStringPromise: (xml: string, o?: object) => Promise<any> };

const AK = { accessKeyId: 'LTAI5tHandKey', accessKeySecret: 'hand-secret' };
const INPUT = JSON.stringify({ Bucket: 'example-bucket', Location: 'oss-cn-hangzhou', Object: 'a%26b%3Cc%3E.flv' });
const CONFIG = JSON.stringify({
  OutputFile: { Bucket: 'example-bucket', Location: 'oss-cn-hangzhou', Object: '{Count}.jpg' },
  Time: '0',
  Num: '3',
  TimeArray: [1000, 2500],
  TileOut: {},
});

let api: RunningApi;
let service: RecordingService;

beforeAll(async () => {
  service = recordingService();
  api = await startApi({ service, credentials: staticCredentials([AK]), clock: { now: () => new Date() } });
});
afterAll(() => api.close());

const get = (params: Record<string, string>, secret = AK.accessKeySecret) => send(`${api.url}/?${signV1(params, secret)}`);

function expectError(r: { status: number; json(): Record<string, unknown> }, status: number, code: string) {
  const body = r.json();
  expect({ status: r.status, code: body.Code }).toEqual({ status, code });
  expect(body.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  expect(body.HostId).toBe('mts.cn-hangzhou.aliyuncs.com');
  expect(body.Recommend).toBe(`https://api.aliyun.com/troubleshoot?q=${code}&product=Mts&requestId=${body.RequestId}`);
  return body;
}

describe('signature V1 by hand', () => {
  test('a correctly signed request succeeds', async () => {
    const r = await get(v1Params(AK.accessKeyId, { SnapshotJobIds: 'x' }));
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json;charset=utf-8');
    expect(r.json().NonExistSnapshotJobIds).toEqual({ String: ['x'] });
  });

  test('a parameter changed after signing: SignatureDoesNotMatch 400 showing the server string to sign', async () => {
    const signed = signV1(v1Params(AK.accessKeyId, { SnapshotJobIds: 'mine' }), AK.accessKeySecret);
    const r = await send(`${api.url}/?${signed.replace('SnapshotJobIds=mine', 'SnapshotJobIds=yours')}`);
    const body = expectError(r, 400, 'SignatureDoesNotMatch');
    expect(body.Message).toContain('server string to sign is:GET&%2F&');
    expect(body.Message).toContain('SnapshotJobIds%3Dyours');
  });

  test('a signature flipped by one character is rejected', async () => {
    const signed = signV1(v1Params(AK.accessKeyId), AK.accessKeySecret);
    const flipped = signed.replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === 'A' ? 'B' : 'A'}`);
    expectError(await send(`${api.url}/?${flipped}`), 400, 'SignatureDoesNotMatch');
  });

  test('signed for GET but sent as POST is rejected (the verb is signed)', async () => {
    const signed = signV1(v1Params(AK.accessKeyId), AK.accessKeySecret, 'GET');
    const r = await send(`${api.url}/`, { method: 'POST', body: signed, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectError(r, 400, 'SignatureDoesNotMatch');
  });

  test('a replayed request (same nonce) is refused the second time', async () => {
    const url = `${api.url}/?${signV1(v1Params(AK.accessKeyId, { SnapshotJobIds: 'x' }), AK.accessKeySecret)}`;
    expect((await send(url)).status).toBe(200);
    expectError(await send(url), 400, 'SignatureNonceUsed');
  });

  test('a nonce refused for a bad signature is still usable by the real owner', async () => {
    const params = v1Params(AK.accessKeyId);
    expectError(await get(params, 'guess'), 400, 'SignatureDoesNotMatch');
    expect((await get(params)).status).toBe(200);
  });

  test('a Timestamp 20 minutes old: InvalidTimeStamp.Expired 400', async () => {
    const old = acsTime(new Date(Date.now() - 20 * 60_000));
    const body = expectError(await get(v1Params(AK.accessKeyId, { Timestamp: old })), 400, 'InvalidTimeStamp.Expired');
    expect(body.Message).toContain(old);
  });

  test('a Timestamp 20 minutes ahead is expired too; 10 minutes either way is accepted', async () => {
    expectError(await get(v1Params(AK.accessKeyId, { Timestamp: acsTime(new Date(Date.now() + 20 * 60_000)) })), 400, 'InvalidTimeStamp.Expired');
    expect((await get(v1Params(AK.accessKeyId, { Timestamp: acsTime(new Date(Date.now() - 10 * 60_000)) }))).status).toBe(200);
    expect((await get(v1Params(AK.accessKeyId, { Timestamp: acsTime(new Date(Date.now() + 10 * 60_000)) }))).status).toBe(200);
  });

  test.each(['2026-11-26 19:30:39', '2026-02-30T10:00:00Z', '1732649439', '2026-11-26T19:30:39+08:00'])(
    'Timestamp %s: InvalidTimeStamp.Format 400',
    async (ts) => {
      expectError(await get(v1Params(AK.accessKeyId, { Timestamp: ts })), 400, 'InvalidTimeStamp.Format');
    },
  );

  test('no Timestamp: IllegalTimestamp 400', async () => {
    expectError(await get(v1Params(AK.accessKeyId, { Timestamp: undefined })), 400, 'IllegalTimestamp');
  });

  test('no SignatureNonce: MissingParameter', async () => {
    const body = expectError(await get(v1Params(AK.accessKeyId, { SignatureNonce: undefined })), 400, 'MissingParameter');
    expect(body.Message).toContain('"SignatureNonce"');
  });

  test('SignatureMethod HMAC-SHA256 in V1: InvalidSignatureMethod 400', async () => {
    expectError(await get(v1Params(AK.accessKeyId, { SignatureMethod: 'HMAC-SHA256' })), 400, 'InvalidSignatureMethod');
  });

  test('an unsigned request: MissingParameter AccessKeyId', async () => {
    const body = expectError(await send(`${api.url}/?Action=QuerySnapshotJobList&Version=2014-06-18&Format=JSON`), 400, 'MissingParameter');
    expect(body.Message).toContain('"AccessKeyId"');
  });

  test('unknown AccessKeyId: InvalidAccessKeyId.NotFound 404', async () => {
    expectError(await get(v1Params('LTAI-nobody'), 'x'), 404, 'InvalidAccessKeyId.NotFound');
  });

  test('a token sent with a long-term key: InvalidSecurityToken.Mismatch', async () => {
    expectError(await get(v1Params(AK.accessKeyId, { SecurityToken: 'tok' })), 400, 'InvalidSecurityToken.Mismatch');
  });
});

describe('actions and versions', () => {
  test('missing Action: MissingParameter 400 naming Action', async () => {
    const body = expectError(await get(v1Params(AK.accessKeyId, { Action: undefined })), 400, 'MissingParameter');
    expect(body.Message).toContain('"Action"');
  });

  test('unknown Action: InvalidApi.NotFound 404 naming it', async () => {
    const body = expectError(await get(v1Params(AK.accessKeyId, { Action: 'SubmitJobs' })), 404, 'InvalidApi.NotFound');
    expect(body.Message).toContain('SubmitJobs');
  });

  test('another Version: InvalidVersion 400', async () => {
    expectError(await get(v1Params(AK.accessKeyId, { Version: '2099-01-01' })), 400, 'InvalidVersion');
  });

  test('the unsigned x-acs-action header cannot redirect a V1 request', async () => {
    const url = `${api.url}/?${signV1(v1Params(AK.accessKeyId, { SnapshotJobIds: 'x' }), AK.accessKeySecret)}`;
    const r = await send(url, { headers: { 'x-acs-action': 'SubmitSnapshotJob' } });
    expect(r.json().NonExistSnapshotJobIds).toEqual({ String: ['x'] });
  });

  test('a parameter given twice is refused rather than guessed at', async () => {
    const signed = signV1(v1Params(AK.accessKeyId, { SnapshotJobIds: 'x' }), AK.accessKeySecret);
    const body = expectError(await send(`${api.url}/?${signed}&SnapshotJobIds=y`), 400, 'InvalidParameter');
    expect(body.Message).toContain('"SnapshotJobIds"');
  });

  test('broken percent-encoding: InvalidParameter naming the parameter', async () => {
    const body = expectError(await send(`${api.url}/?Action=QuerySnapshotJobList&UserData=%E9%ZZ`), 400, 'InvalidParameter');
    expect(body.Message).toContain('"UserData"');
  });

  test.each([
    ['PUT', '/'],
    ['DELETE', '/'],
    ['GET', '/other'],
    ['POST', '/v1/snapshots'],
  ])('%s %s: InvalidApi.NotFound 404', async (method, path) => {
    const body = expectError(await send(`${api.url}${path}`, { method }), 404, 'InvalidApi.NotFound');
    expect(body.Message).toContain(`${method} ${path}`);
  });
});

describe('XML responses', () => {
  test('Format=XML: a SubmitSnapshotJobResponse document with the job, lists as repeated elements, text escaped', async () => {
    const userData = `<tag attr="1">&'é`;
    const r = await get(
      v1Params(AK.accessKeyId, { Action: 'SubmitSnapshotJob', Format: 'XML', Input: INPUT, SnapshotConfig: CONFIG, UserData: userData, PipelineId: 'dd3dae411e704030b921e52698e5aaaa' }),
    );
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('text/xml;charset=utf-8');
    expect(r.text.startsWith('<?xml version="1.0" encoding="UTF-8"?><SubmitSnapshotJobResponse>')).toBe(true);
    const doc = await parseStringPromise(r.text, { explicitArray: false });
    const job = doc.SubmitSnapshotJobResponse.SnapshotJob;
    expect(doc.SubmitSnapshotJobResponse.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(job.UserData).toBe(userData);
    expect(job.Input.Object).toBe('a%26b%3Cc%3E.flv');
    expect(job.State).toBe('Submitted');
    expect(job.SnapshotConfig.Num).toBe('3');
    expect(job.SnapshotConfig.TimeArray.TimePointList).toEqual(['1000', '2500']);
    expect(job.SnapshotConfig.TileOut).toMatchObject({ Lines: '2', Columns: '3', IsKeepCellPic: 'false', CellWidth: '80' });
    expect(job.MNSMessageResult.MessageId).toBe('799454621135656C7F815F198A760000');
  });

  test('Format=xml QuerySnapshotJobList: SnapshotJobList/SnapshotJob and NonExistSnapshotJobIds/String', async () => {
    const first = await get(v1Params(AK.accessKeyId, { Action: 'SubmitSnapshotJob', Input: INPUT, SnapshotConfig: CONFIG }));
    const id = first.json().SnapshotJob as { Id: string };
    const r = await get(v1Params(AK.accessKeyId, { Format: 'xml', SnapshotJobIds: `${id.Id},n1,n2` }));
    const doc = await parseStringPromise(r.text, { explicitArray: true });
    const root = doc.QuerySnapshotJobListResponse;
    expect(root.SnapshotJobList[0].SnapshotJob.map((j: any) => j.Id[0])).toEqual([id.Id]);
    expect(root.NonExistSnapshotJobIds[0].String).toEqual(['n1', 'n2']);
  });

  test('Format=XML errors: an <Error> document', async () => {
    const r = await get(v1Params(AK.accessKeyId, { Format: 'XML', Action: 'Nope' }));
    expect(r.status).toBe(404);
    expect(r.contentType).toBe('text/xml;charset=utf-8');
    const doc = await parseStringPromise(r.text, { explicitArray: false });
    expect(doc.Error).toMatchObject({ Code: 'InvalidApi.NotFound', HostId: 'mts.cn-hangzhou.aliyuncs.com' });
    expect(doc.Error.Recommend).toBe(`https://api.aliyun.com/troubleshoot?q=InvalidApi.NotFound&product=Mts&requestId=${doc.Error.RequestId}`);
  });

  test('no Format and no Accept: the legacy XML default', async () => {
    const r = await get(v1Params(AK.accessKeyId, { Format: undefined, SnapshotJobIds: 'z' }));
    expect(r.contentType).toBe('text/xml;charset=utf-8');
    const doc = await parseStringPromise(r.text, { explicitArray: false });
    expect(doc.QuerySnapshotJobListResponse.NonExistSnapshotJobIds.String).toBe('z');
  });
});

describe('signature V3 by hand', () => {
  const post = (headers: Record<string, string>, query: Record<string, string>, body?: string) =>
    send(`${api.url}/?${queryString(query)}`, { method: 'POST', headers, body });
  const base = () => ({ accessKeyId: AK.accessKeyId, secret: AK.accessKeySecret, host: api.host });

  test('a correctly signed request succeeds (JSON without Format)', async () => {
    const query = { SnapshotJobIds: 'v3' };
    const r = await post(v3Headers({ ...base(), query }), query);
    expect(r.status).toBe(200);
    expect(r.json().NonExistSnapshotJobIds).toEqual({ String: ['v3'] });
  });

  test('form parameters in the body are covered by the payload hash', async () => {
    const body = `SnapshotJobIds=${encodeURIComponent('f1,f2')}`;
    const headers = v3Headers({ ...base(), query: {}, body, extra: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await post(headers, {}, body)).json().NonExistSnapshotJobIds).toEqual({ String: ['f1', 'f2'] });
    const swapped = v3Headers({ ...base(), query: {}, body, extra: { 'content-type': 'application/x-www-form-urlencoded' } });
    const r = await post(swapped, {}, 'SnapshotJobIds=evil');
    expect(r.json().Code).toBe('IncompleteSignature');
    expect(r.json().Message).toContain('x-acs-content-sha256');
  });

  test('a query value changed after signing: SignatureDoesNotMatch', async () => {
    const headers = v3Headers({ ...base(), query: { SnapshotJobIds: 'a' } });
    expectError(await post(headers, { SnapshotJobIds: 'b' }), 400, 'SignatureDoesNotMatch');
  });

  test('a replayed V3 request is refused', async () => {
    const headers = v3Headers({ ...base(), query: {} });
    expect((await post(headers, {})).status).toBe(200);
    expectError(await post(headers, {}), 400, 'SignatureNonceUsed');
  });

  test('a stale x-acs-date: InvalidTimeStamp.Expired', async () => {
    const headers = v3Headers({ ...base(), query: {}, date: acsTime(new Date(Date.now() - 16 * 60_000)) });
    expectError(await post(headers, {}), 400, 'InvalidTimeStamp.Expired');
  });

  test('x-acs-date left out of SignedHeaders: IncompleteSignature', async () => {
    const headers = v3Headers({ ...base(), query: {}, signed: (h) => h !== 'x-acs-date' });
    const body = expectError(await post(headers, {}), 400, 'IncompleteSignature');
    expect(body.Message).toContain('x-acs-date');
  });

  test.each(['ACS3-HMAC-SM3', 'ACS3-RSA-SHA256'])('algorithm %s: IncompleteSignature naming it', async (algorithm) => {
    const body = expectError(await post(v3Headers({ ...base(), query: {}, algorithm }), {}), 400, 'IncompleteSignature');
    expect(body.Message).toContain(algorithm);
  });

  test('a malformed Authorization header: IncompleteSignature', async () => {
    expectError(await post({ authorization: 'ACS3-HMAC-SHA256 Credential=x' }, {}), 400, 'IncompleteSignature');
  });

  test('V3 without x-acs-action: MissingParameter naming the header', async () => {
    const headers2 = v3Headers({ ...base(), query: {}, signed: (h) => h !== 'x-acs-action' });
    delete headers2['x-acs-action'];
    const body = expectError(await post(headers2, {}), 400, 'MissingParameter');
    expect(body.Message).toContain('x-acs-action');
  });
});

describe('request size', () => {
  test('a chunked body over the limit (no Content-Length) gets InvalidParameter, JSON', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${api.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 6; i++) req.write(chunk);
      req.end();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ Code: 'InvalidParameter' });
    expect(JSON.parse(answer.body).Message).toContain('"Body"');
  });
});
