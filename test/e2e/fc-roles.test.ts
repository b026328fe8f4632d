/**
 * The Function Compute server in both roles, wired from the environment exactly as the construct
 * sets it, against protocol-level peers of the cloud: an OSS-protocol server (signatures checked),
 * the MNS protocol server, an InvokeFunction endpoint (signatures checked) and a Tablestore
 * protocol server holding the job and nonce tables. The official MPS SDK calls the api role; the
 * event the api role passes to FC's asynchronous InvokeFunction invokes the worker role at
 * POST /invoke, and so does the timer trigger's event that asks for the stale-job sweep.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promises as fs } from 'node:fs';
import { LocalMessageService } from '../../runtime/adapters/notify/local-message-service';
import { MnsProtocolServer } from '../../runtime/adapters/notify/mns-protocol-server';
import { createJob, redispatchJob, startJob } from '../../runtime/core/job-lifecycle';
import type { SnapshotJob } from '../../runtime/core/model';
import { parseSubmitRequest } from '../../runtime/core/submit-request';
import { randomIds } from '../../runtime/adapters/random-ids';
import { readCloudConfig } from '../../runtime/entry/config';
import { STALE_JOB_SWEEP_PAYLOAD } from '../../lib/compute';
import { createFcRequestListener } from '../../runtime/entry/fc-server';
import type { FcServerOptions } from '../../runtime/entry/fc-server';
import type { LocalService } from '../../runtime/entry/local-server';
import { FakeOssServer } from '../runtime/adapters/fake-oss-server';
import { FcProtocolServer } from '../support/fc-protocol-server';
import { send, signV1, v1Params } from '../runtime/api/fixtures/hand-signed';
import { TablestoreJobStore } from '../../runtime/adapters/job-store/tablestore-job-store';
import { createJobTable, createNonceTable, OTS_INSTANCE, startTablestore } from '../support/tablestore-server/job-tables';
import type { TablestoreServer } from '../support/tablestore-server/tablestore-server';
import { makeTempDir } from '../support/local-service';
import { frameAt, jpegSize, makeIndexedVideo, readFrameIndex } from '../support/media';
import { oss, query, submit } from './e2e-helpers';

const role = { accessKeyId: 'STS.fc-role', accessKeySecret: 'fc-role-secret', securityToken: 'CAIS-fc-token' };
const caller = { accessKeyId: 'LTAIcaller', accessKeySecret: 'caller-secret' };
const PIPELINE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

let ossServer: FakeOssServer;
let ots: TablestoreServer;
const JOB_TABLE = 'fc_jobs';
const NONCE_TABLE = 'fc_nonces';
let messages: LocalMessageService;
let mns: MnsProtocolServer;
let fcApi: FcProtocolServer;
/** Events FC accepted for the worker, in order; each test plays FC and delivers them. */
const workerEvents: Buffer[] = [];
let dir: string;
const servers: http.Server[] = [];
/** What the servers would write to the FC log: kept here, out of the test output, and checked. */
const events: { event: string; fields: Record<string, unknown> }[] = [];
const printed: string[] = [];
const logs: FcServerOptions = { log: (event, fields) => events.push({ event, fields }), print: (line) => printed.push(line) };

async function serve(listener: http.RequestListener): Promise<number> {
  const s = http.createServer(listener);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as AddressInfo).port;
}

function env(fnRole: 'api' | 'worker'): Record<string, string> {
  return {
    SNAPSHOT_FUNCTION_ROLE: fnRole,
    SNAPSHOT_REGION: 'cn-shanghai',
    SNAPSHOT_INPUT_BUCKET: 'fc-input',
    SNAPSHOT_OUTPUT_BUCKET: 'fc-output',
    SNAPSHOT_OTS_ENDPOINT: ots.endpoint,
    SNAPSHOT_OTS_INSTANCE: OTS_INSTANCE,
    SNAPSHOT_OTS_JOB_TABLE: JOB_TABLE,
    SNAPSHOT_OTS_NONCE_TABLE: NONCE_TABLE,
    SNAPSHOT_PIPELINE_ID: PIPELINE,
    SNAPSHOT_NOTIFY_TOPIC: 'fc-notify',
    SNAPSHOT_WORKER_FUNCTION: 'fc-worker',
    SNAPSHOT_FC_ENDPOINT: fcApi.endpoint,
    SNAPSHOT_MNS_ENDPOINT: `http://127.0.0.1:${mns.port}`,
    SNAPSHOT_ACCESS_KEYS: JSON.stringify([caller]),
    SNAPSHOT_OSS_ENDPOINT: ossServer.endpoint,
    SNAPSHOT_OSS_PATH_STYLE: 'true',
    ALIBABA_CLOUD_ACCESS_KEY_ID: role.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: role.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: role.securityToken,
  };
}

beforeAll(async () => {
  dir = await makeTempDir('snapshot-fc-');
  ossServer = await FakeOssServer.start([role]);
  ossServer.createBucket('fc-input');
  ossServer.createBucket('fc-output');
  // What the construct provisions in Tablestore; the function role's STS credentials sign every call.
  ots = await startTablestore([role]);
  createJobTable(ots, JOB_TABLE);
  createNonceTable(ots, NONCE_TABLE);
  ossServer.putObject('fc-input', 'v/clip.mp4', await fs.readFile(await makeIndexedVideo({ durationSec: 3, gop: 5 })), 'video/mp4');
  messages = await LocalMessageService.open(dir, { accountId: '1234567890' });
  // What the construct provisions: the notification topic with a consumer queue.
  await messages.subscribe('fc-notify', 'fc-notify-queue', { format: 'SIMPLIFIED' });
  mns = await MnsProtocolServer.start({ messages, credentials: [role] });
  fcApi = await FcProtocolServer.start([role], { 'fc-worker': async (event) => void workerEvents.push(event) });
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => (s.closeAllConnections(), s.close(r)));
  await mns?.close();
  await fcApi?.close();
  await messages?.close();
  await ossServer?.close();
  await ots?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** A job's record as the Tablestore row holds it. */
function jobRow(id: string): SnapshotJob {
  return JSON.parse(String(ots.row(JOB_TABLE, [id])!.job));
}

test('config: every missing variable is reported at once', () => {
  expect(() => readCloudConfig({ SNAPSHOT_FUNCTION_ROLE: 'both' })).toThrow(
    /SNAPSHOT_FUNCTION_ROLE must be "api" or "worker"[\s\S]*SNAPSHOT_REGION is required[\s\S]*SNAPSHOT_INPUT_BUCKET is required[\s\S]*SNAPSHOT_OTS_INSTANCE is required[\s\S]*SNAPSHOT_MNS_ENDPOINT is required/,
  );
});

test('api role: sync snapshot into OSS; async job handed to the worker by async InvokeFunction; notification sent', async () => {
  const apiPort = await serve(createFcRequestListener(readCloudConfig(env('api')), logs));
  const workerPort = await serve(createFcRequestListener(readCloudConfig(env('worker')), logs));
  const svc = { endpoint: `http://127.0.0.1:${apiPort}`, host: '127.0.0.1', port: apiPort, region: 'cn-shanghai', ...caller } as LocalService;

  const sync = await submit(svc, 'mts-v3', {
    Input: JSON.stringify(oss(svc, 'fc-input', 'v/clip.mp4')),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, 'fc-output', 'sync/one.jpg'), Time: '1240', FrameType: 'normal', Width: '64' }),
  });
  expect(sync.State).toBe('Success');
  const jpg = ossServer.object('fc-output', 'sync/one.jpg');
  expect(jpg?.contentType).toBe('image/jpeg');
  expect(await jpegSize(jpg!.body)).toEqual({ width: 64, height: 36 });
  expect(await readFrameIndex(jpg!.body)).toBe(frameAt(1240, 25));

  const job = await submit(svc, 'pop-post', {
    Input: JSON.stringify(oss(svc, 'fc-input', 'v/clip.mp4')),
    SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, 'fc-output', 'async/{Count}.jpg'), Time: '0', Interval: '1', Num: '2' }),
    PipelineId: PIPELINE,
  });
  expect(job.State).toBe('Submitted');
  expect(jobRow(job.Id)).toMatchObject({ id: job.Id, state: 'Submitted', revision: 1 });

  // The api role invoked the worker asynchronously, as the function role; FC passes the body on
  // as the event of POST /invoke.
  await fcApi.settled();
  expect(fcApi.invocations.map((i) => [i.functionName, i.invocationType, i.accessKeyId])).toEqual([['fc-worker', 'Async', role.accessKeyId]]);
  const delivered = workerEvents.shift();
  expect(JSON.parse(delivered!.toString('utf8'))).toEqual({ jobId: job.Id });
  const invoke = async () =>
    fetch(`http://127.0.0.1:${workerPort}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-fc-request-id': 'req-1', 'x-fc-access-key-id': role.accessKeyId, 'x-fc-access-key-secret': role.accessKeySecret, 'x-fc-security-token': role.securityToken },
      // A plain Uint8Array copy: the console's DOM types (lib "dom") make fetch refuse a Buffer body.
      body: new Uint8Array(delivered!),
    });
  const res = await invoke();
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ jobIds: [job.Id] });

  const [done] = (await query(svc, 'mts-v2', { SnapshotJobIds: job.Id })).jobs;
  expect(done.State).toBe('Success');
  expect(done.Count).toBe('2');
  expect(done.MNSMessageResult.MessageId).toMatch(/^[0-9A-F]{32}$/);
  expect(await readFrameIndex(ossServer.object('fc-output', 'async/00002.jpg')!.body)).toBe(frameAt(1000, 25));
  expect(printed).toEqual(['FC Invoke Start RequestId: req-1', 'FC Invoke End RequestId: req-1']);
  const note = await messages.receive('fc-notify-queue', 5);
  expect(JSON.parse(note!.body)).toMatchObject({ JobId: job.Id, jobId: job.Id, State: 'Success', Type: 'Snapshot' });

  // A redelivered message for a finished job is a no-op; a message without a job is dropped.
  expect((await invoke()).status).toBe(200);
  const junk = await fetch(`http://127.0.0.1:${workerPort}/invoke`, { method: 'POST', body: '{"hello":1}' });
  expect(junk.status).toBe(200);
  expect(await junk.json()).toHaveProperty('ignored');
  expect(events.filter((e) => e.event === 'worker.bad-event')).toHaveLength(1);
  expect(events.filter((e) => /internal|failed/.test(e.event))).toEqual([]);
});

test('worker role, timer trigger: a stale job is re-dispatched and finishes, one past the attempt limit ends Fail and is announced, a fresh one is left alone', async () => {
  const cfg = readCloudConfig(env('worker'));
  expect(cfg.staleJobMinutes).toBe(70);
  expect(cfg.staleJobMaxRedispatches).toBe(2);
  const workerPort = await serve(createFcRequestListener(cfg, logs));
  const MIN = 60_000;
  const request = (object: string) =>
    parseSubmitRequest(
      {
        Input: JSON.stringify({ Bucket: 'fc-input', Location: 'oss-cn-shanghai', Object: 'v/clip.mp4' }),
        SnapshotConfig: JSON.stringify({ OutputFile: { Bucket: 'fc-output', Location: 'oss-cn-shanghai', Object: object }, Time: '0', Num: '1' }),
        PipelineId: PIPELINE,
      },
      { region: 'cn-shanghai' },
    );
  // The records as the API function stored them (through the SDK), then left behind by crashed workers.
  const seeder = new TablestoreJobStore({ endpoint: ots.endpoint, instanceName: OTS_INSTANCE, ...role, table: JOB_TABLE });
  const seed = (job: SnapshotJob) => seeder.create(job);
  const record = jobRow;
  const now = Date.now();
  const stale = await seed(createJob({ id: randomIds.jobId(), requestId: 'REQ-STALE', request: request('swept/{Count}.jpg'), now: new Date(now - 120 * MIN) }));
  const exhausted = await seed(
    redispatchJob(
      redispatchJob(startJob(createJob({ id: randomIds.jobId(), requestId: 'REQ-DEAD', request: request('dead/{Count}.jpg'), now: new Date(now - 400 * MIN) })), now - 300 * MIN),
      now - 150 * MIN,
    ),
  );
  const fresh = await seed(createJob({ id: randomIds.jobId(), requestId: 'REQ-FRESH', request: request('fresh/{Count}.jpg'), now: new Date(now - 5 * MIN) }));

  const invoke = (body: string, requestId: string) =>
    fetch(`http://127.0.0.1:${workerPort}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-fc-request-id': requestId, 'x-fc-access-key-id': role.accessKeyId, 'x-fc-access-key-secret': role.accessKeySecret, 'x-fc-security-token': role.securityToken },
      body,
    });
  // The FC timer trigger's event: its configured payload is the construct's sweep message.
  const timerEvent = JSON.stringify({ triggerTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), triggerName: 'stale-job-sweep', payload: STALE_JOB_SWEEP_PAYLOAD });
  const swept = await invoke(timerEvent, 'req-sweep');
  expect(swept.status).toBe(200);
  expect(await swept.json()).toEqual({ sweep: { checked: 3, redispatched: [stale.id], failed: [exhausted.id] }, announcements: { pending: 0, sent: 0, failed: 0 } });

  // Past the limit: Fail with the reason, announced on the pipeline's topic like any finished job.
  const dead = record(exhausted.id);
  expect(dead).toMatchObject({ state: 'Fail', code: 'InternalError', redispatches: 2 });
  expect(dead.message).toMatch(/did not finish after 3 attempts/);
  expect(dead.mnsMessageResult?.messageId).toMatch(/^[0-9A-F]{32}$/);
  const note = await messages.receive('fc-notify-queue', 5);
  expect(JSON.parse(note!.body)).toMatchObject({ JobId: exhausted.id, State: 'Fail', Code: 'InternalError', Msg: dead.message });

  // Fresh: untouched, and not sent to the worker.
  expect(record(fresh.id)).toEqual(fresh);

  // Stale: recorded as re-dispatched and invoked again asynchronously; its delivery runs it to Success.
  expect(record(stale.id)).toMatchObject({ state: 'Submitted', redispatches: 1 });
  await fcApi.settled();
  expect(workerEvents.map((e) => JSON.parse(e.toString('utf8')))).toEqual([{ jobId: stale.id }]);
  const delivered = workerEvents.shift()!.toString('utf8');
  const run = await invoke(delivered, 'req-redelivered');
  expect(await run.json()).toEqual({ jobIds: [stale.id] });
  expect(record(stale.id)).toMatchObject({ state: 'Success', count: 1 });
  expect(ossServer.object('fc-output', 'swept/00001.jpg')?.contentType).toBe('image/jpeg');
  const done = await messages.receive('fc-notify-queue', 5);
  expect(JSON.parse(done!.body)).toMatchObject({ JobId: stale.id, State: 'Success' });

  // The next tick finds nothing to do: the re-dispatched job finished, the fresh one is still young.
  const again = await invoke(timerEvent, 'req-sweep-2');
  expect(await again.json()).toEqual({ sweep: { checked: 1, redispatched: [], failed: [] }, announcements: { pending: 0, sent: 0, failed: 0 } });
  expect(events.filter((e) => e.event === 'worker.sweep')).toHaveLength(2);
  expect(events.filter((e) => /internal|invoke-failed|job-failed/.test(e.event))).toEqual([]);
});

test('api role on two instances: a request replayed to the other instance is refused (nonces are shared in Tablestore)', async () => {
  const first = await serve(createFcRequestListener(readCloudConfig(env('api')), logs));
  const second = await serve(createFcRequestListener(readCloudConfig(env('api')), logs));
  const signed = signV1(v1Params(caller.accessKeyId, { SnapshotJobIds: 'f'.repeat(32) }), caller.accessKeySecret);
  const once = await send(`http://127.0.0.1:${first}/?${signed}`);
  expect(once.status).toBe(200);
  const replayed = await send(`http://127.0.0.1:${second}/?${signed}`);
  expect(replayed.status).toBe(400);
  expect(replayed.json()).toMatchObject({ Code: 'SignatureNonceUsed' });
  expect(ots.count('PutRow', NONCE_TABLE)).toBeGreaterThanOrEqual(2);
});
