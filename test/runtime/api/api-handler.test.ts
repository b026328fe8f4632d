/** The handler's promise: every request gets an answer with a RequestId, whatever fails. */
import { createApiHandler } from '../../../runtime/api/api-handler';
import { staticCredentials } from '../../../runtime/api/credentials';
import type { ApiRequest } from '../../../runtime/api/http-types';
import { Errors } from '../../../runtime/core/errors';
import type { SnapshotJob } from '../../../runtime/core/model';
import type { SnapshotService } from '../../../runtime/service/contract';
import { signV1, v1Params } from './fixtures/hand-signed';

const AK = { accessKeyId: 'k', accessKeySecret: 's' };

function request(params: Record<string, string>): ApiRequest {
  return { method: 'GET', path: '/', rawQuery: signV1(v1Params(AK.accessKeyId, params), AK.accessKeySecret), headers: {}, body: Buffer.alloc(0) };
}

function handler(service: Partial<SnapshotService>, opts: { requestId?: () => string; logged?: unknown[] } = {}) {
  return createApiHandler({
    service: service as SnapshotService,
    credentials: staticCredentials([AK]),
    clock: { now: () => new Date() },
    ids: { jobId: () => '0'.repeat(32), requestId: opts.requestId ?? (() => '11111111-2222-3333-4444-555555555555') },
    hostId: 'localhost',
    logError: (_m, cause) => opts.logged?.push(cause),
  });
}

test('a service that returns a malformed job gives InternalError 500, logged, not a crash', async () => {
  const logged: unknown[] = [];
  const h = handler({ submitSnapshotJob: async () => ({ id: 'x' }) as unknown as SnapshotJob }, { logged });
  const res = await h(request({ Action: 'SubmitSnapshotJob' }));
  expect(res.status).toBe(500);
  expect(JSON.parse(res.body)).toMatchObject({ Code: 'InternalError', RequestId: '11111111-2222-3333-4444-555555555555' });
  expect(logged).toHaveLength(1);
});

test('a service that throws a non-Error value is answered too', async () => {
  const h = handler({ querySnapshotJobList: () => Promise.reject('just a string') }, { logged: [] });
  const res = await h(request({}));
  expect([res.status, JSON.parse(res.body).Code]).toEqual([500, 'InternalError']);
});

test('SnapshotErrors from the service keep their code and status', async () => {
  const h = handler({ submitSnapshotJob: () => Promise.reject(Errors.snapshotTimeOut(5000)) });
  const res = await h(request({ Action: 'SubmitSnapshotJob' }));
  expect([res.status, JSON.parse(res.body).Code]).toEqual([504, 'SnapshotTimeOut']);
  expect(res.headers['x-acs-request-id']).toBe('11111111-2222-3333-4444-555555555555');
});

test('a failing id source still yields an upper-case UUID RequestId', async () => {
  const h = handler({ querySnapshotJobList: async () => ({ jobs: [], nonExistIds: [] }) }, {
    requestId: () => {
      throw new Error('no entropy');
    },
    logged: [],
  });
  const body = JSON.parse((await h(request({}))).body);
  expect(body.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  expect(body.SnapshotJobList).toEqual({ SnapshotJob: [] });
  expect(body.NonExistSnapshotJobIds).toBeUndefined();
  expect(body.NextPageToken).toBeUndefined();
});

test('a request that could not be read is answered with its error', async () => {
  const h = handler({});
  const res = await h({ ...request({}), readError: Errors.invalidParameter('Body', 'too big.') });
  expect([res.status, JSON.parse(res.body).Code]).toEqual([400, 'InvalidParameter']);
});

test('anyPath serves the API below a prefix', async () => {
  const h = createApiHandler({
    service: { querySnapshotJobList: async () => ({ jobs: [], nonExistIds: ['q'] }) } as unknown as SnapshotService,
    credentials: staticCredentials([AK]),
    clock: { now: () => new Date() },
    ids: { jobId: () => '0'.repeat(32), requestId: () => '11111111-2222-3333-4444-555555555555' },
    hostId: 'localhost',
    anyPath: true,
  });
  const res = await h({ ...request({}), path: '/prefix/' });
  expect(res.status).toBe(200);
});
