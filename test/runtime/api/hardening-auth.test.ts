/**
 * Hardening of the gateway checks (issue 13, items 4, 5, 8 and 9): nonces bounded in length and
 * memory and kept past the whole clock window, the string-to-sign echo bounded, V3 parameter
 * names that could sign like other parameters refused, `host` and `content-type` signed.
 * Each test here failed before its fix.
 */
import { createApiHandler } from '../../../runtime/api/api-handler';
import { staticCredentials } from '../../../runtime/api/credentials';
import type { ApiRequest } from '../../../runtime/api/http-types';
import { MAX_NONCE_LENGTH, NonceCache } from '../../../runtime/api/nonce-cache';
import { MAX_ECHOED_STRING_TO_SIGN } from '../../../runtime/core/errors';
import { acsTime, queryString, signV1, v1Params, v3Headers } from './fixtures/hand-signed';
import { recordingService } from './fixtures/recording-service';

const AK = { accessKeyId: 'LTAI5tHardening', accessKeySecret: 'hardening-secret' };
const HOST = '127.0.0.1:8080';
const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);

function setup() {
  let now = T0;
  const handler = createApiHandler({
    service: recordingService(),
    credentials: staticCredentials([AK]),
    clock: { now: () => new Date(now) },
    ids: { jobId: () => '0'.repeat(32), requestId: () => '11111111-2222-3333-4444-555555555555' },
    hostId: HOST,
    logError: () => undefined,
  });
  return {
    handler,
    at: (ms: number) => (now = ms),
    v1: (params: Record<string, string | undefined>, method: 'GET' | 'POST' = 'GET'): ApiRequest => {
      const signed = signV1(v1Params(AK.accessKeyId, { Timestamp: acsTime(new Date(now)), ...params }), AK.accessKeySecret, method);
      return method === 'GET'
        ? { method, path: '/', rawQuery: signed, headers: { host: HOST }, body: Buffer.alloc(0) }
        : { method, path: '/', rawQuery: '', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(signed) };
    },
    v3: (query: Record<string, string>, opts: { body?: string; nonce?: string; signed?: (h: string) => boolean; extra?: Record<string, string> } = {}): ApiRequest => {
      const headers = v3Headers({ accessKeyId: AK.accessKeyId, secret: AK.accessKeySecret, host: HOST, query, date: acsTime(new Date(now)), ...opts });
      return { method: 'POST', path: '/', rawQuery: queryString(query), headers: { ...headers, host: HOST }, body: Buffer.from(opts.body ?? '') };
    },
  };
}

const answer = async (handler: ReturnType<typeof setup>['handler'], req: ApiRequest) => {
  const res = await handler(req);
  return { status: res.status, size: Buffer.byteLength(res.body), body: JSON.parse(res.body) as Record<string, string> };
};

describe('nonces (item 4)', () => {
  test('a 200 KB SignatureNonce is refused with InvalidParameter naming it, and not remembered', async () => {
    const { handler, v1 } = setup();
    const r = await answer(handler, v1({ SignatureNonce: 'n'.repeat(200_000) }));
    expect([r.status, r.body.Code]).toEqual([400, 'InvalidParameter']);
    expect(r.body.Message).toContain('"SignatureNonce"');
    expect(r.body.Message).toContain(`at most ${MAX_NONCE_LENGTH}`);
  });

  test('the same for a V3 x-acs-signature-nonce; a nonce of the maximum length still works', async () => {
    const { handler, v3 } = setup();
    const r = await answer(handler, v3({}, { nonce: 'n'.repeat(MAX_NONCE_LENGTH + 1) }));
    expect([r.status, r.body.Code]).toEqual([400, 'InvalidParameter']);
    expect(r.body.Message).toContain('"x-acs-signature-nonce"');
    expect((await answer(handler, v3({}, { nonce: 'm'.repeat(MAX_NONCE_LENGTH) }))).status).toBe(200);
  });

  test('the cache is bounded in bytes: full of live nonces it refuses instead of growing', () => {
    const cache = new NonceCache({ ttlMs: 1000, maxBytes: 2000 });
    const verdicts = Array.from({ length: 10 }, (_, i) => cache.use(`${i}`.padEnd(300, 'x'), 0));
    expect(verdicts.slice(0, 2)).toEqual(['fresh', 'fresh']);
    expect(verdicts.slice(2)).toEqual(Array(8).fill('full'));
    expect(cache.sizeBytes).toBeLessThanOrEqual(2000);
    // Expired entries give their bytes back.
    expect(cache.use('late', 1000)).toBe('fresh');
    expect(cache.size).toBe(1);
  });
});

describe('the signature error (item 5)', () => {
  test('a 261 KB request with a wrong signature gets a short answer, still starting with the string to sign', async () => {
    const { handler, v1 } = setup();
    const req = v1({ UserData: 'u'.repeat(261_000) }, 'POST');
    const tampered = { ...req, body: Buffer.from(req.body.toString().replace('Signature=', 'Signature=x')) };
    const r = await answer(handler, tampered);
    expect(r.body.Code).toBe('SignatureDoesNotMatch');
    expect(r.body.Message).toContain('server string to sign is:POST&%2F&AccessKeyId%3D');
    expect(r.body.Message).toMatch(/\.\.\. \(\d+ characters in all\)$/);
    expect(r.size).toBeLessThan(MAX_ECHOED_STRING_TO_SIGN + 1024);
  });
});

describe('V3 canonicalization (item 8)', () => {
  test('a name that decodes to "=" or "&" cannot pass for other parameters', async () => {
    const { handler, v3 } = setup();
    const signedFor = { MaximumPageSize: '1', State: 'Fail' };
    const headers = v3(signedFor).headers;
    const smuggled: ApiRequest = { method: 'POST', path: '/', rawQuery: 'MaximumPageSize%3D1%26State=Fail', headers, body: Buffer.alloc(0) };
    const r = await answer(handler, smuggled);
    expect([r.status, r.body.Code]).toEqual([400, 'InvalidParameter']);
    expect(r.body.Message).toContain('parameter name must not contain');
  });

  test.each(['a%0Ab', 'a%00', 'x%3Dy'])('the name %s is refused in V1 too', async (name) => {
    const { handler } = setup();
    const r = await answer(handler, { method: 'GET', path: '/', rawQuery: `${name}=1`, headers: { host: HOST }, body: Buffer.alloc(0) });
    expect([r.status, r.body.Code]).toEqual([400, 'InvalidParameter']);
  });

  test('host must be signed', async () => {
    const { handler, v3 } = setup();
    const r = await answer(handler, v3({}, { signed: (h) => h !== 'host' }));
    expect([r.status, r.body.Code]).toEqual([400, 'IncompleteSignature']);
    expect(r.body.Message).toContain('"host"');
  });

  test('content-type must be signed when there is a body, not otherwise', async () => {
    const { handler, v3 } = setup();
    const form = { body: 'SnapshotJobIds=a', extra: { 'content-type': 'application/x-www-form-urlencoded' } };
    const r = await answer(handler, v3({}, { ...form, signed: (h) => h !== 'content-type' }));
    expect([r.status, r.body.Code]).toEqual([400, 'IncompleteSignature']);
    expect(r.body.Message).toContain('"content-type"');
    expect((await answer(handler, v3({}, form))).status).toBe(200);
    expect((await answer(handler, v3({}, { extra: { 'content-type': 'application/json' }, signed: (h) => h !== 'content-type' }))).status).toBe(200);
  });
});

describe('nonce lifetime (item 9)', () => {
  test('a request stamped at the far edge of the window cannot be replayed when its nonce would have expired', async () => {
    const { handler, at } = setup();
    const params = v1Params(AK.accessKeyId, { SnapshotJobIds: 'x', Timestamp: acsTime(new Date(T0 + 15 * 60_000)) });
    const req: ApiRequest = { method: 'GET', path: '/', rawQuery: signV1(params, AK.accessKeySecret), headers: { host: HOST }, body: Buffer.alloc(0) };
    at(T0);
    expect((await answer(handler, req)).status).toBe(200);
    at(T0 + 30 * 60_000);
    expect((await answer(handler, req)).body.Code).toBe('SignatureNonceUsed');
    at(T0 + 30 * 60_000 + 1000);
    expect((await answer(handler, req)).body.Code).toBe('InvalidTimeStamp.Expired');
  });

  test('a longer clock window keeps nonces longer', async () => {
    let now = T0;
    const handler = createApiHandler({
      service: recordingService(),
      credentials: staticCredentials([AK]),
      clock: { now: () => new Date(now) },
      ids: { jobId: () => '0'.repeat(32), requestId: () => '11111111-2222-3333-4444-555555555555' },
      hostId: HOST,
      clockWindowMs: 60 * 60_000,
    });
    const req: ApiRequest = { method: 'GET', path: '/', rawQuery: signV1(v1Params(AK.accessKeyId, { Timestamp: acsTime(new Date(T0 + 60 * 60_000)) }), AK.accessKeySecret), headers: {}, body: Buffer.alloc(0) };
    expect((await handler(req)).status).toBe(200);
    now = T0 + 90 * 60_000;
    expect(JSON.parse((await handler(req)).body).Code).toBe('SignatureNonceUsed');
  });
});
