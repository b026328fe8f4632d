/**
 * The signature functions against requests the official SDKs really sent (spec section 9),
 * whose signatures an independent verifier matched. The captures carry fixed timestamps and
 * nonces, so the clock is set to the capture time where the whole handler is exercised.
 */
import { createApiHandler } from '../../../runtime/api/api-handler';
import { staticCredentials } from '../../../runtime/api/credentials';
import { readParameters } from '../../../runtime/api/parameters';
import { v1Sign, v1StringToSign } from '../../../runtime/api/signature-v1';
import { parseAcs3Authorization, sha256Hex, v3CanonicalRequest, v3Sign, v3StringToSign } from '../../../runtime/api/signature-v3';
import type { SnapshotJob } from '../../../runtime/core/model';
import type { SnapshotService } from '../../../runtime/service/contract';
import { A_CANONICAL_REQUEST, A_STRING_TO_SIGN, CAPTURED_HTTP, CAPTURED_SECRET, CAPTURED_TOKEN, V1_STRINGS_TO_SIGN } from './fixtures/captured-requests';
import { parseRawHttp } from './fixtures/raw-http';

function v3Verify(name: string) {
  const req = parseRawHttp(CAPTURED_HTTP[name]);
  const auth = parseAcs3Authorization(req.headers['authorization']);
  const canonical = v3CanonicalRequest({
    method: req.method,
    path: req.path,
    query: readParameters(req).query,
    headers: req.headers,
    signedHeaders: auth.signedHeaders,
    payloadHash: sha256Hex(req.body),
  });
  return { auth, canonical, stringToSign: v3StringToSign(canonical), signature: v3Sign(v3StringToSign(canonical), CAPTURED_SECRET) };
}

function v1Verify(name: string) {
  const req = parseRawHttp(CAPTURED_HTTP[name]);
  const params = readParameters(req).all;
  const stringToSign = v1StringToSign(req.method, params);
  return { params, stringToSign, expected: params.get('Signature'), signature: v1Sign(stringToSign, CAPTURED_SECRET) };
}

describe('signature V3 (ACS3-HMAC-SHA256) on captured SDK requests', () => {
  test('capture A (mts SDK default): canonical request, string to sign and signature match', () => {
    const r = v3Verify('A');
    expect(r.canonical).toBe(A_CANONICAL_REQUEST);
    expect(r.stringToSign).toBe(A_STRING_TO_SIGN);
    expect(r.auth.credential).toBe('testAkId');
    expect(r.signature).toBe('14ee7828dc4085683d8e39047dac6037bcd1f4469291c232d06c692b620867fb');
    expect(r.signature).toBe(r.auth.signature);
  });

  test('capture E1 (STS token, signed x-acs-security-token) matches', () => {
    const r = v3Verify('E1');
    expect(r.auth.credential).toBe('STS.testAkId');
    expect(r.auth.signedHeaders).toContain('x-acs-security-token');
    expect(r.signature).toBe('15a8f30aaa9a05e0e003e2d47693a3efc4980d342d27b0a22ea18e40a99abfc3');
  });

  test('a different secret gives a different signature', () => {
    const req = parseRawHttp(CAPTURED_HTTP.A);
    expect(v3Sign(v3Verify('A').stringToSign, 'otherSecret')).not.toBe(parseAcs3Authorization(req.headers['authorization']).signature);
  });

  test('the V3 key is the bare secret, not secret + "&"', () => {
    expect(v3Sign(A_STRING_TO_SIGN, `${CAPTURED_SECRET}&`)).not.toBe('14ee7828dc4085683d8e39047dac6037bcd1f4469291c232d06c692b620867fb');
  });
});

describe('signature V1 (HMAC-SHA1) on captured SDK requests', () => {
  test.each([
    ['B', 'mts SDK v2, POST with query', 'VmT7SO12QHFw3+x7CBL2710QrmU='],
    ['C', 'pop-core GET', 'KCrzNLfSn5z8I6/027vUVnsZpxo='],
    ['D', 'pop-core POST form body', 'fpuaBlphhPQFnMSsD+gvmpeFC2M='],
  ])('capture %s (%s): string to sign and signature match', (name, _what, signature) => {
    const r = v1Verify(name);
    expect(r.stringToSign).toBe(V1_STRINGS_TO_SIGN[name]);
    expect(r.signature).toBe(signature);
    expect(r.expected).toBe(signature);
  });

  test.each([
    ['E2', 'mts SDK v2 with STS', 'dWNK1jyZzeMXaVZrofOeqkRnAPc='],
    ['E3', 'pop-core GET with STS', 'JKmaNwJTFFE62ma4cpTclmP1KCg='],
    ['F1', 'pop-core GET, UserData fully escaped', 'iufaAI+smeWPEbfEkBH/Hvln/No='],
    ['F3', "mts SDK v2, UserData with bare ()*!", '4qj7Ytpi7TPLYvxO363gwOg9Zqs='],
  ])('capture %s (%s): signature matches', (name, _what, signature) => {
    const r = v1Verify(name);
    expect(r.signature).toBe(signature);
    expect(r.expected).toBe(signature);
  });

  test('the method is part of what is signed', () => {
    const r = v1Verify('C');
    expect(v1Sign(r.stringToSign.replace(/^GET/, 'POST'), CAPTURED_SECRET)).not.toBe(r.signature);
  });
});

describe('decoding differently-encoded wire forms', () => {
  test.each(['F1', 'F2', 'F3'])('capture %s decodes UserData to the same string', (name) => {
    expect(readParameters(parseRawHttp(CAPTURED_HTTP[name])).all.get('UserData')).toBe("a b(c)*!'~+é");
  });
});

describe('the whole handler accepts every captured request at its capture time', () => {
  const service: SnapshotService = {
    async submitSnapshotJob(params, requestId) {
      return fakeJob(requestId, params.UserData);
    },
    async querySnapshotJobList() {
      return { jobs: [], nonExistIds: ['a', 'b'] };
    },
  };
  const credentials = staticCredentials([
    { accessKeyId: 'testAkId', accessKeySecret: CAPTURED_SECRET },
    { accessKeyId: 'STS.testAkId', accessKeySecret: CAPTURED_SECRET, securityToken: CAPTURED_TOKEN },
  ]);
  const captureTimes: Record<string, string> = {
    A: '2026-11-26T19:30:39Z', B: '2026-11-26T19:30:39Z', C: '2026-11-26T19:30:39Z', D: '2026-11-26T19:30:39Z',
    E1: '2026-11-26T19:32:48Z', E2: '2026-11-26T19:32:49Z', E3: '2026-11-26T19:32:49Z', F1: '2026-11-26T19:30:49Z', F3: '2026-11-26T19:30:49Z',
  };

  test.each(Object.keys(captureTimes))('capture %s answers 200 with the SDK body shape', async (name) => {
    const handler = createApiHandler({
      service,
      credentials,
      clock: { now: () => new Date(Date.parse(captureTimes[name]) + 30_000) },
      ids: { jobId: () => 'f'.repeat(32), requestId: () => '19B6D8C5-A5DD-467A-B435-29D393C70000' },
      hostId: 'mts.cn-hangzhou.aliyuncs.com',
    });
    const res = await handler(parseRawHttp(CAPTURED_HTTP[name]));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    const body = JSON.parse(res.body);
    expect(body.RequestId).toBe('19B6D8C5-A5DD-467A-B435-29D393C70000');
    if (name.startsWith('E')) expect(body.NonExistSnapshotJobIds).toEqual({ String: ['a', 'b'] });
    else expect(body.SnapshotJob.Id).toBe('f'.repeat(32));
    // The same request again is a replay.
    const again = await handler(parseRawHttp(CAPTURED_HTTP[name]));
    expect(again.status).toBe(400);
    expect(JSON.parse(again.body).Code).toBe('SignatureNonceUsed');
  });

  test('a captured request 16 minutes later is expired', async () => {
    const handler = createApiHandler({
      service,
      credentials,
      clock: { now: () => new Date(Date.parse('2026-11-26T19:30:39Z') + 16 * 60_000) },
      ids: { jobId: () => 'f'.repeat(32), requestId: () => '19B6D8C5-A5DD-467A-B435-29D393C70000' },
      hostId: 'h',
    });
    for (const name of ['A', 'C']) {
      const res = await handler(parseRawHttp(CAPTURED_HTTP[name]));
      expect([res.status, JSON.parse(res.body).Code]).toEqual([400, 'InvalidTimeStamp.Expired']);
    }
  });
});

function fakeJob(requestId: string, userData?: string): SnapshotJob {
  const ref = { bucket: 'example-bucket', location: 'oss-cn-hangzhou', rawObject: 'example%2Ftest.flv', key: 'example/test.flv' };
  return {
    id: 'f'.repeat(32),
    requestId,
    state: 'Submitted',
    creationTime: '2026-11-26T19:30:40Z',
    createdAtMs: Date.parse('2026-11-26T19:30:40Z'),
    request: {
      input: ref,
      config: { outputFile: { ...ref, rawObject: '{Count}.jpg', key: '{Count}.jpg' }, timeMs: 5, frameType: 'intra', num: 10, intervalSec: 20 },
      mode: 'async',
      userData,
    },
  };
}
