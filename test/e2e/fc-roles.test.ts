/**
 * The Function Compute server in both roles, wired from the environment exactly as the construct
 * sets it, against protocol-level peers of the cloud: an OSS-protocol server (signatures checked)
 * and the MNS protocol server. The official MPS SDK calls the api role; the jobs topic's message,
 * delivered in the MNS topic trigger's JSON format, invokes the worker role at POST /invoke.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promises as fs } from 'node:fs';
import { LocalMessageService } from '../../runtime/adapters/notify/local-message-service';
import { MnsProtocolServer } from '../../runtime/adapters/notify/mns-protocol-server';
import { readCloudConfig } from '../../runtime/entry/config';
import { createFcRequestListener } from '../../runtime/entry/fc-server';
import type { FcServerOptions } from '../../runtime/entry/fc-server';
import type { LocalService } from '../../runtime/entry/local-server';
import { FakeOssServer } from '../runtime/adapters/fake-oss-server';
import { makeTempDir } from '../support/local-service';
import { frameAt, jpegSize, makeIndexedVideo, readFrameIndex } from '../support/media';
import { oss, query, submit } from './e2e-helpers';

const role = { accessKeyId: 'STS.fc-role', accessKeySecret: 'fc-role-secret', securityToken: 'CAIS-fc-token' };
const caller = { accessKeyId: 'LTAIcaller', accessKeySecret: 'caller-secret' };
const PIPELINE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

let ossServer: FakeOssServer;
let messages: LocalMessageService;
let mns: MnsProtocolServer;
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
    SNAPSHOT_JOB_PREFIX: 'jobs/',
    SNAPSHOT_PIPELINE_ID: PIPELINE,
    SNAPSHOT_NOTIFY_TOPIC: 'fc-notify',
    SNAPSHOT_JOBS_TOPIC: 'fc-jobs',
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
  ossServer.putObject('fc-input', 'v/clip.mp4', await fs.readFile(await makeIndexedVideo({ durationSec: 3, gop: 5 })), 'video/mp4');
  messages = await LocalMessageService.open(dir, { accountId: '1234567890' });
  // What the construct provisions: the jobs topic (its FC trigger is played by this test) and the
  // notification topic with a consumer queue.
  await messages.subscribe('fc-jobs', 'fc-jobs-trigger', { format: 'JSON' });
  await messages.subscribe('fc-notify', 'fc-notify-queue', { format: 'SIMPLIFIED' });
  mns = await MnsProtocolServer.start({ messages, credentials: [role] });
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => (s.closeAllConnections(), s.close(r)));
  await mns?.close();
  await messages?.close();
  await ossServer?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

test('config: every missing variable is reported at once', () => {
  expect(() => readCloudConfig({ SNAPSHOT_FUNCTION_ROLE: 'both' })).toThrow(
    /SNAPSHOT_FUNCTION_ROLE must be "api" or "worker"[\s\S]*SNAPSHOT_REGION is required[\s\S]*SNAPSHOT_INPUT_BUCKET is required[\s\S]*SNAPSHOT_MNS_ENDPOINT is required/,
  );
});

test('api role: sync snapshot into OSS; async job handed to the worker through the jobs topic; notification sent', async () => {
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
  const record = ossServer.object('fc-output', `jobs/${job.Id}.json`);
  expect(JSON.parse(record!.body.toString('utf8'))).toMatchObject({ id: job.Id, state: 'Submitted' });

  // FC's MNS topic trigger (JSON format): the notification is the event body of POST /invoke.
  const delivered = await messages.receive('fc-jobs-trigger', 5);
  expect(delivered).toBeDefined();
  const event = JSON.parse(delivered!.body);
  expect(event).toMatchObject({ TopicName: 'fc-jobs' });
  const invoke = async () =>
    fetch(`http://127.0.0.1:${workerPort}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-fc-request-id': 'req-1', 'x-fc-access-key-id': role.accessKeyId, 'x-fc-access-key-secret': role.accessKeySecret, 'x-fc-security-token': role.securityToken },
      body: delivered!.body,
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
