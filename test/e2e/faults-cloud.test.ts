/**
 * The cloud mode under faults: the FC server in both roles (wired from the environment as the
 * construct sets it) against the OSS protocol server and the MNS protocol server, each behind a
 * fault proxy. Storage answers 503, then hangs past the client timeout, then fails only the
 * output writes, then recovers; MNS is down for 30 s (on a controllable clock: the sweeps that
 * retry run at +10 s, +20 s, +31 s without waiting). Every accepted job ends Success or Fail, no
 * partial output stays under a final name, and every job is announced exactly once, with the
 * final state visible to a consumer that queries the job upon each message.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promises as fs } from 'node:fs';
import { LocalMessageService } from '../../runtime/adapters/notify/local-message-service';
import { MnsProtocolServer } from '../../runtime/adapters/notify/mns-protocol-server';
import type { SnapshotJob } from '../../runtime/core/model';
import { readCloudConfig } from '../../runtime/entry/config';
import { createFcRequestListener } from '../../runtime/entry/fc-server';
import type { FcServerOptions } from '../../runtime/entry/fc-server';
import type { LocalService } from '../../runtime/entry/local-server';
import { STALE_JOB_SWEEP_PAYLOAD } from '../../lib/compute';
import { FakeOssServer } from '../runtime/adapters/fake-oss-server';
import { FaultProxy } from '../support/fault-proxy';
import { FcProtocolServer } from '../support/fc-protocol-server';
import { createJobTable, createNonceTable, OTS_INSTANCE, startTablestore } from '../support/tablestore-server/job-tables';
import type { TablestoreServer } from '../support/tablestore-server/tablestore-server';
import { makeTempDir } from '../support/local-service';
import { makeIndexedVideo } from '../support/media';
import { oss, query, submit } from './e2e-helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MNSClient = require('@alicloud/mns');

const role = { accessKeyId: 'STS.fc-role', accessKeySecret: 'fc-role-secret', securityToken: 'CAIS-fc-token' };
const caller = { accessKeyId: 'LTAIcaller', accessKeySecret: 'caller-secret' };
const PIPELINE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

let ossServer: FakeOssServer;
let ossProxy: FaultProxy;
let ots: TablestoreServer;
let otsProxy: FaultProxy;
let fcApi: FcProtocolServer;
/** Events FC accepted for the worker (the api role's async InvokeFunction), in order. */
const workerEvents: Buffer[] = [];
let mnsProxy: FaultProxy;
let messages: LocalMessageService;
let mns: MnsProtocolServer;
let dir: string;
const servers: http.Server[] = [];
const events: { event: string; fields: Record<string, unknown> }[] = [];
/** The functions' clock: real time plus what the test skips forward. */
let skippedMs = 0;
const options: FcServerOptions = {
  log: (event, fields) => events.push({ event, fields }),
  print: () => undefined,
  clock: { now: () => new Date(Date.now() + skippedMs) },
};

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
    SNAPSHOT_OTS_ENDPOINT: otsProxy.endpoint,
    SNAPSHOT_OTS_INSTANCE: OTS_INSTANCE,
    SNAPSHOT_OTS_JOB_TABLE: 'fc_jobs',
    SNAPSHOT_OTS_NONCE_TABLE: 'fc_nonces',
    SNAPSHOT_PIPELINE_ID: PIPELINE,
    SNAPSHOT_NOTIFY_TOPIC: 'fc-notify',
    SNAPSHOT_WORKER_FUNCTION: 'fc-worker',
    SNAPSHOT_FC_ENDPOINT: fcApi.endpoint,
    SNAPSHOT_MNS_ENDPOINT: mnsProxy.endpoint,
    SNAPSHOT_ACCESS_KEYS: JSON.stringify([caller]),
    SNAPSHOT_OSS_ENDPOINT: ossProxy.endpoint,
    SNAPSHOT_OSS_PATH_STYLE: 'true',
    SNAPSHOT_OSS_TIMEOUT_MS: '2000',
    ALIBABA_CLOUD_ACCESS_KEY_ID: role.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: role.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: role.securityToken,
  };
}

beforeAll(async () => {
  dir = await makeTempDir('snapshot-fc-faults-');
  ossServer = await FakeOssServer.start([role]);
  ossServer.createBucket('fc-input');
  ossServer.createBucket('fc-output');
  ossServer.putObject('fc-input', 'v/clip.mp4', await fs.readFile(await makeIndexedVideo({ durationSec: 3, gop: 5 })), 'video/mp4');
  messages = await LocalMessageService.open(dir, { accountId: '1234567890' });
  await messages.subscribe('fc-notify', 'fc-notify-queue', { format: 'SIMPLIFIED' });
  mns = await MnsProtocolServer.start({ messages, credentials: [role] });
  ossProxy = await FaultProxy.start(ossServer.endpoint);
  mnsProxy = await FaultProxy.start(`http://127.0.0.1:${mns.port}`);
  ots = await startTablestore([role]);
  createJobTable(ots, 'fc_jobs');
  createNonceTable(ots, 'fc_nonces');
  otsProxy = await FaultProxy.start(ots.endpoint);
  fcApi = await FcProtocolServer.start([role], { 'fc-worker': async (event) => void workerEvents.push(event) });
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => (s.closeAllConnections(), s.close(r)));
  await ossProxy?.close();
  await mnsProxy?.close();
  await otsProxy?.close();
  await ots?.close();
  await fcApi?.close();
  await mns?.close();
  await messages?.close();
  await ossServer?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** A job's record as its Tablestore row holds it. */
const record = (id: string): SnapshotJob => JSON.parse(String(ots.row('fc_jobs', [id])!.job));
const outputs = (prefix: string) => [...(ossServer.buckets.get('fc-output')?.keys() ?? [])].filter((k) => k.startsWith(prefix)).sort();

test('storage 503s, hangs and failed writes, then MNS down for 30 s: every job final, nothing partial, each announced once after recovery', async () => {
  const apiPort = await serve(createFcRequestListener(readCloudConfig(env('api')), options));
  const workerPort = await serve(createFcRequestListener(readCloudConfig(env('worker')), options));
  const svc = { endpoint: `http://127.0.0.1:${apiPort}`, host: '127.0.0.1', port: apiPort, region: 'cn-shanghai', ...caller } as LocalService;
  const invoke = (body: string) =>
    fetch(`http://127.0.0.1:${workerPort}/invoke`, {
      method: 'POST',
      headers: { 'x-fc-request-id': 'req', 'x-fc-access-key-id': role.accessKeyId, 'x-fc-access-key-secret': role.accessKeySecret, 'x-fc-security-token': role.securityToken },
      body,
    });
  const sweep = async () =>
    (await invoke(JSON.stringify({ triggerTime: new Date().toISOString(), triggerName: 'stale-job-sweep', payload: STALE_JOB_SWEEP_PAYLOAD }))).json();

  const ids: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };
  const deliveries: Record<string, string> = {};
  for (const name of ['a', 'b', 'c', 'd'] as const) {
    const job = await submit(svc, 'pop-post', {
      Input: JSON.stringify(oss(svc, 'fc-input', 'v/clip.mp4')),
      SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, 'fc-output', `${name}/{Count}.jpg`), Time: '0', Interval: '1', Num: '2' }),
      PipelineId: PIPELINE,
    });
    ids[name] = job.Id;
    await fcApi.settled();
    deliveries[job.Id] = workerEvents.shift()!.toString('utf8');
  }

  // The job store answers 503 (after the store's own retries), then drops connections: the worker
  // cannot even read the job and answers 500, so FC's async retry delivers it again later. The
  // job is untouched.
  otsProxy.fault = { kind: 'error', status: 503, code: 'OTSServerUnavailable' };
  expect((await invoke(deliveries[ids.a])).status).toBe(500);
  otsProxy.fault = { kind: 'reset' };
  expect((await invoke(deliveries[ids.a])).status).toBe(500);
  otsProxy.heal();
  expect(record(ids.a).state).toBe('Submitted');

  // Object storage hangs past the client's timeout (SNAPSHOT_OSS_TIMEOUT_MS) on the output
  // writes: the job ends Fail, announced, and nothing it wrote is left.
  ossProxy.fault = { kind: 'hang' };
  ossProxy.applies = (method, path) => method === 'PUT' && path.startsWith('/fc-output/d/');
  expect((await invoke(deliveries[ids.d])).status).toBe(200);
  expect(record(ids.d)).toMatchObject({ state: 'Fail' });
  expect(outputs('d/')).toEqual([]);

  // Only the output writes fail (500): the job ends Fail and removes what it wrote.
  ossProxy.heal();
  ossProxy.fault = { kind: 'error', status: 500, code: 'InternalError' };
  ossProxy.applies = (method, path) => method === 'PUT' && path.startsWith('/fc-output/b/');
  expect((await invoke(deliveries[ids.b])).status).toBe(200);
  expect(record(ids.b)).toMatchObject({ state: 'Fail' });
  expect(outputs('b/')).toEqual([]);

  // Storage back: the redelivered job runs.
  ossProxy.heal();
  expect((await invoke(deliveries[ids.a])).status).toBe(200);
  expect(record(ids.a)).toMatchObject({ state: 'Success', runs: 1 });

  // MNS down: the job still succeeds; its announcement is owed, not lost.
  mnsProxy.fault = { kind: 'error', status: 503, code: 'ServiceUnavailable' };
  expect((await invoke(deliveries[ids.c])).status).toBe(200);
  expect(record(ids.c)).toMatchObject({ state: 'Success', pendingAnnouncement: { attempts: 1 } });
  // Sweeps while it stays down: each due retry fails and backs off further.
  for (const at of [10_000, 20_000]) {
    skippedMs = at;
    expect(await sweep()).toMatchObject({ announcements: { pending: 1, sent: 0, failed: 1 } });
  }
  expect(record(ids.c).pendingAnnouncement).toMatchObject({ attempts: 3 });
  mnsProxy.heal();
  skippedMs = 31_000;
  expect(await sweep()).toMatchObject({ announcements: { pending: 1, sent: 1, failed: 0 } });
  expect(record(ids.c).pendingAnnouncement).toBeUndefined();
  expect(record(ids.c).mnsMessageResult?.messageId).toMatch(/^[0-9A-F]{32}$/);

  // A consumer with the official MNS SDK that queries each job upon its message.
  const consumer = new MNSClient('1234567890', { endpoint: `http://127.0.0.1:${mns.port}`, ...role });
  const announced: string[] = [];
  for (;;) {
    let message: { MessageBody: string; ReceiptHandle: string } | undefined;
    try {
      message = (await consumer.receiveMessage('fc-notify-queue', 1)).body;
    } catch (e) {
      if ((e as { name?: string }).name === 'MNSMessageNotExistError') break;
      throw e;
    }
    const body = JSON.parse(message!.MessageBody);
    const [job] = (await query(svc, 'mts-v3', { SnapshotJobIds: body.JobId })).jobs;
    expect(job.State).toBe(body.State);
    announced.push(body.JobId);
    await consumer.deleteMessage('fc-notify-queue', message!.ReceiptHandle);
  }
  expect(announced.sort()).toEqual(Object.values(ids).sort());
  expect(outputs('a/')).toEqual(['a/00001.jpg', 'a/00002.jpg']);
  expect(outputs('c/')).toEqual(['c/00001.jpg', 'c/00002.jpg']);
  for (const id of Object.values(ids)) expect(['Success', 'Fail']).toContain(record(id).state);
});
