import { Readable } from 'node:stream';
import OpenApi, { $OpenApiUtil } from '@alicloud/openapi-core';
import { FcAsyncDispatcher } from '../../../runtime/adapters/dispatch/fc-async-dispatcher';
import { FcProtocolServer } from '../../support/fc-protocol-server';

const role = { accessKeyId: 'STS.worker-role', accessKeySecret: 'role-secret', securityToken: 'CAIS-token-1' };
const renewed = { accessKeyId: 'STS.worker-role-2', accessKeySecret: 'role-secret-2', securityToken: 'CAIS-token-2' };
const JOB = '0123456789abcdef0123456789abcdef';

/** The client reads only the options it is given; none are needed here. */
const noRuntimeOptions = {} as Parameters<OpenApi['callApi']>[2];

let fc: FcProtocolServer;
const events: string[] = [];

beforeAll(async () => {
  fc = await FcProtocolServer.start([role, renewed], {
    'snaps-worker': async (event) => void events.push(event.toString('utf8')),
  });
});
afterAll(() => fc.close());

test('the endpoint accepts InvokeFunction exactly as the official client sends it (the fc20230330 SDK\'s call)', async () => {
  const client = new OpenApi(new $OpenApiUtil.Config({ ...role, endpoint: new URL(fc.endpoint).host, protocol: 'http', readTimeout: 5000, connectTimeout: 5000 }));
  // The parameters of @alicloud/fc20230330's invokeFunctionWithOptions, unchanged but for the protocol.
  const params = new $OpenApiUtil.Params({
    action: 'InvokeFunction',
    version: '2023-03-30',
    protocol: 'HTTP',
    pathname: '/2023-03-30/functions/snaps-worker/invocations',
    method: 'POST',
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'binary',
  });
  const body = Readable.from([Buffer.from('{"jobId":"sdk"}')]);
  const res = await client.callApi(params, new $OpenApiUtil.OpenApiRequest({ headers: { 'x-fc-invocation-type': 'Async' }, body, stream: body }), noRuntimeOptions);
  expect(res.statusCode).toBe(202);
  await fc.settled();
  expect(events.splice(0)).toEqual(['{"jobId":"sdk"}']);
  await expect(
    new OpenApi(new $OpenApiUtil.Config({ ...role, accessKeySecret: 'wrong', endpoint: new URL(fc.endpoint).host, protocol: 'http', readTimeout: 5000, connectTimeout: 5000 })).callApi(
      params,
      new $OpenApiUtil.OpenApiRequest({ headers: { 'x-fc-invocation-type': 'Async' }, stream: Readable.from([Buffer.from('{}')]) }),
      noRuntimeOptions,
    ),
  ).rejects.toThrow(/SignatureDoesNotMatch/);
});

test('a job is handed to the worker by asynchronous invocation, signed with the freshest function-role keys', async () => {
  let keys = role;
  const dispatcher = new FcAsyncDispatcher({ endpoint: fc.endpoint, functionName: 'snaps-worker', credentials: () => keys });
  const before = fc.invocations.length;
  await dispatcher.dispatch(JOB);
  keys = renewed;
  await dispatcher.dispatch(JOB);
  await fc.settled();
  const calls = fc.invocations.slice(before);
  expect(calls.map((c) => [c.functionName, c.invocationType, c.accessKeyId, c.headers['x-acs-security-token']])).toEqual([
    ['snaps-worker', 'Async', role.accessKeyId, role.securityToken],
    ['snaps-worker', 'Async', renewed.accessKeyId, renewed.securityToken],
  ]);
  // The worker's event is the body, as FC passes an async invocation's payload.
  expect(events.splice(0).map((e) => JSON.parse(e))).toEqual([{ jobId: JOB }, { jobId: JOB }]);
});

test('a refused hand-off is ServiceUnavailable and says what FC answered', async () => {
  const refused = (over: Partial<{ functionName: string; secret: string; endpoint: string }>) =>
    new FcAsyncDispatcher({
      endpoint: over.endpoint ?? fc.endpoint,
      functionName: over.functionName ?? 'snaps-worker',
      credentials: () => ({ ...role, accessKeySecret: over.secret ?? role.accessKeySecret }),
      timeoutMs: 2000,
    }).dispatch(JOB);
  await expect(refused({ secret: 'stolen' })).rejects.toMatchObject({
    code: 'ServiceUnavailable',
    httpStatus: 503,
    message: expect.stringContaining('worker function "snaps-worker" (HTTP 403 SignatureDoesNotMatch'),
  });
  await expect(refused({ functionName: 'gone' })).rejects.toMatchObject({ code: 'ServiceUnavailable', message: expect.stringContaining('HTTP 404 FunctionNotFound') });
  const closed = await FcProtocolServer.start([role], {});
  const endpoint = closed.endpoint;
  await closed.close();
  await expect(refused({ endpoint })).rejects.toMatchObject({ code: 'ServiceUnavailable', message: expect.stringContaining('ECONNREFUSED') });
  expect(events).toEqual([]);
});
