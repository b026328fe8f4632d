/**
 * `npm run load`: the local service (`npm start` in its own process, default limits) under an
 * open-loop load of 50 submissions per second for 60 s: async jobs plus a steady stream of sync
 * ones, every job on the default pipeline so every accepted job must be announced. A consumer
 * reads the notification queue with the official MNS SDK and queries each job upon its message.
 *
 * Reported (bench/results/load-latest.json and .md): accepted / throttled / failed per mode,
 * submit latency p50/p95/p99, the async backlog over time, peak memory of the service process,
 * announcements sent / duplicated / lost, and whether every announced job was final when read.
 * Required: nothing lost, nothing announced early, throttling instead of timeouts, memory bounded.
 *
 * Env: LOAD_RATE (50/s), LOAD_SECONDS (60), LOAD_SYNC_EVERY (every 10th submission is sync),
 * LOAD_DRAIN_SECONDS (90: how long to wait for the backlog to drain and be announced).
 */
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { treeRssKb } from './proc';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MNSClient = require('@alicloud/mns');

const RATE = Number(process.env.LOAD_RATE ?? 50);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const SYNC_EVERY = Number(process.env.LOAD_SYNC_EVERY ?? 10);
const DRAIN_SECONDS = Number(process.env.LOAD_DRAIN_SECONDS ?? 90);
const RESULTS = path.resolve(__dirname, 'results');

type Mode = 'async' | 'sync';
interface Submission {
  mode: Mode;
  atMs: number;
  latencyMs: number;
  outcome: 'accepted' | 'throttled' | 'failed';
  code?: string;
  jobId?: string;
  retryAfter?: string;
}

function percentile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function startService(dataDir: string): Promise<{ pid: number; info: Record<string, any>; stop: () => Promise<void> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/entry/local-main.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, SNAPSHOT_PORT: '0', SNAPSHOT_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const throttledLogged = { n: 0 };
  child.stderr.on('data', (d: Buffer) => {
    const text = d.toString('utf8');
    throttledLogged.n += (text.match(/"job.throttled"/g) ?? []).length;
    stderr = (stderr + text).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; ; i++) {
    const text = await fs.readFile(path.join(dataDir, 'local.json'), 'utf8').catch(() => undefined);
    if (text) return { pid: child.pid!, info: JSON.parse(text), stop: async () => (child.kill('SIGTERM'), await exited) };
    if (i > 1200 || child.exitCode !== null) throw new Error(`the service did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'snapshot-load-'));
  const loadBefore = os.loadavg();
  const service = await startService(dataDir);
  const { info } = service;
  const loc = `oss-${info.region}`;
  const client = new RPCClient({
    accessKeyId: info.accessKeyId,
    accessKeySecret: info.accessKeySecret,
    endpoint: info.endpoint,
    apiVersion: '2014-06-18',
    opts: { timeout: 60_000 },
  } as RPCClient.Config);
  // One connection per call: a reused keep-alive socket the server just closed would show up as
  // a client-side ECONNRESET that says nothing about the service.
  const call = { method: 'POST', agent: new http.Agent({ keepAlive: false }) };
  const input = JSON.stringify({ Bucket: info.inputBucket, Location: loc, Object: 'sample/sample.mp4' });
  const config = (mode: Mode, n: number) =>
    JSON.stringify(
      mode === 'sync'
        ? { OutputFile: { Bucket: info.outputBucket, Location: loc, Object: `load/sync-${n}.jpg` }, Time: String((n % 9) * 1000), Width: '160' }
        : { OutputFile: { Bucket: info.outputBucket, Location: loc, Object: `load/async-${n}/{Count}.jpg` }, Time: '0', Interval: '2', Num: '2', Width: '160' },
    );

  const submissions: Submission[] = [];
  const announced = new Map<string, number>();
  const early: string[] = [];
  const t0 = Date.now();
  let asyncAccepted = 0;
  let asyncAnnounced = 0;
  const backlog: { s: number; acceptedNotAnnounced: number; rssMb: number }[] = [];
  let peakRssKb = 0;
  let peakTreeRssKb = 0;
  const sampler = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, rssKb(service.pid));
    peakTreeRssKb = Math.max(peakTreeRssKb, treeRssKb(service.pid));
  }, 200);
  const perSecond = setInterval(() => {
    backlog.push({ s: Math.round((Date.now() - t0) / 1000), acceptedNotAnnounced: asyncAccepted - asyncAnnounced, rssMb: Math.round(rssKb(service.pid) / 1024) });
  }, 1000);

  // The consumer: batch long polls, each message checked against a query of its job.
  let consuming = true;
  const consumer = new MNSClient(info.notifications.accountId, { endpoint: info.notifications.mnsEndpoint, accessKeyId: info.accessKeyId, accessKeySecret: info.accessKeySecret });
  const asyncIds = new Set<string>();
  const messageIds = new Map<string, Set<string>>();
  const consumerErrors: string[] = [];
  const consume = async () => {
    while (consuming) {
      try {
        await consumeBatch();
      } catch (e) {
        // Logged and retried: an undelivered message stays in the queue and comes back.
        if ((e as { name?: string }).name !== 'MNSMessageNotExistError') consumerErrors.push(String(e));
      }
    }
  };
  const consumeBatch = async () => {
    {
      const batch: { MessageBody: string; ReceiptHandle: string; MessageId: string }[] = (await consumer.batchReceiveMessage(info.notifications.queue, 16, 1)).body;
      for (const m of batch) {
        const msg = JSON.parse(m.MessageBody);
        const res = await client.request<{ SnapshotJobList: { SnapshotJob: { State: string }[] } }>('QuerySnapshotJobList', { SnapshotJobIds: msg.JobId }, call);
        const state = res.SnapshotJobList.SnapshotJob[0]?.State;
        if (state !== msg.State || (state !== 'Success' && state !== 'Fail')) early.push(msg.JobId);
        // A message redelivered (not deleted in time) keeps its MessageId: only new ids count.
        const ids = messageIds.get(msg.JobId) ?? new Set<string>();
        ids.add(m.MessageId);
        messageIds.set(msg.JobId, ids);
        announced.set(msg.JobId, ids.size);
        if (asyncIds.has(msg.JobId) && ids.size === 1) asyncAnnounced++;
        await consumer.deleteMessage(info.notifications.queue, m.ReceiptHandle);
      }
    }
  };
  const consumers = [consume(), consume()];

  // Open loop: one submission every 1000/RATE ms whatever the answers do.
  const inFlight: Promise<void>[] = [];
  const total = RATE * SECONDS;
  for (let n = 0; n < total; n++) {
    const due = t0 + (n * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const mode: Mode = n % SYNC_EVERY === SYNC_EVERY - 1 ? 'sync' : 'async';
    const started = Date.now();
    inFlight.push(
      client
        .request<{ SnapshotJob: { Id: string } }>('SubmitSnapshotJob', { Input: input, SnapshotConfig: config(mode, n), PipelineId: info.pipelineId }, call)
        .then(
          (r) => {
            submissions.push({ mode, atMs: started - t0, latencyMs: Date.now() - started, outcome: 'accepted', jobId: r.SnapshotJob.Id });
            if (mode === 'async') {
              asyncIds.add(r.SnapshotJob.Id);
              asyncAccepted++;
              if (announced.has(r.SnapshotJob.Id)) asyncAnnounced++;
            }
          },
          (e: { code?: string }) => {
            const code = e.code ?? 'unknown';
            submissions.push({ mode, atMs: started - t0, latencyMs: Date.now() - started, outcome: code === 'Throttling' ? 'throttled' : 'failed', code });
          },
        ),
    );
  }
  await Promise.all(inFlight);
  const submitEndS = (Date.now() - t0) / 1000;

  // Drain: every accepted job must be announced. Sync failures (their records end Fail) are
  // announced too; throttled requests never became jobs.
  const acceptedIds = submissions.filter((s) => s.jobId).map((s) => s.jobId!);
  // Bounded so the whole run stays under 3 minutes even on a loaded machine.
  const drainDeadline = Math.min(Date.now() + DRAIN_SECONDS * 1000, t0 + 165_000);
  while (Date.now() < drainDeadline && acceptedIds.some((id) => !announced.has(id))) await new Promise((r) => setTimeout(r, 500));
  // Let late duplicates, if any, arrive.
  await new Promise((r) => setTimeout(r, 2000));
  consuming = false;
  await Promise.all(consumers);
  // What became of accepted jobs without a message: still queued or running when the run ended
  // (unfinished), final and still owed (the outbox retries it), or recorded as sent and never
  // received (lost).
  const fate = { unfinished: 0, owed: 0, lost: [] as string[] };
  for (const id of acceptedIds.filter((id) => !announced.has(id))) {
    const res = await client.request<{ SnapshotJobList: { SnapshotJob: { State: string; MNSMessageResult?: { MessageId?: string } }[] } }>('QuerySnapshotJobList', { SnapshotJobIds: id }, call);
    const job = res.SnapshotJobList.SnapshotJob[0];
    if (!job || (job.State !== 'Success' && job.State !== 'Fail')) fate.unfinished++;
    else if (job.MNSMessageResult?.MessageId) fate.lost.push(id);
    else fate.owed++;
  }
  clearInterval(sampler);
  clearInterval(perSecond);
  const drainEndS = (Date.now() - t0) / 1000;
  const loadAfter = os.loadavg();
  await service.stop();
  await fs.rm(dataDir, { recursive: true, force: true });

  const byMode = (mode: Mode) => {
    const s = submissions.filter((x) => x.mode === mode);
    const lat = s.map((x) => x.latencyMs);
    const codes: Record<string, number> = {};
    for (const x of s.filter((x) => x.outcome === 'failed')) codes[x.code!] = (codes[x.code!] ?? 0) + 1;
    return {
      submitted: s.length,
      accepted: s.filter((x) => x.outcome === 'accepted').length,
      throttled: s.filter((x) => x.outcome === 'throttled').length,
      failed: s.filter((x) => x.outcome === 'failed').length,
      failedCodes: codes,
      latencyMs: { p50: percentile(lat, 0.5), p95: percentile(lat, 0.95), p99: percentile(lat, 0.99), max: Math.max(...lat) },
      throttledLatencyMs: { p50: percentile(s.filter((x) => x.outcome === 'throttled').map((x) => x.latencyMs), 0.5), p99: percentile(s.filter((x) => x.outcome === 'throttled').map((x) => x.latencyMs), 0.99) },
    };
  };
  const duplicated = [...announced.values()].filter((n) => n > 1).length;
  const lost = fate.lost;
  // A submission that got no answer at all (connection reset, client timeout) counts as a timeout too.
  const noAnswer = (code = 'unknown') => code === 'unknown' || /^E[A-Z]+$/.test(code) || /timeout/i.test(code);
  const timeouts = submissions.filter((s) => s.outcome === 'failed' && (noAnswer(s.code) || s.code === 'SnapshotTimeOut')).length;
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadAverageBefore: loadBefore.map((l) => +l.toFixed(2)), loadAverageAfter: loadAfter.map((l) => +l.toFixed(2)) },
    load: { ratePerSecond: RATE, seconds: SECONDS, syncEvery: SYNC_EVERY, submitPhaseSeconds: +submitEndS.toFixed(1), totalSeconds: +drainEndS.toFixed(1) },
    async: byMode('async'),
    sync: byMode('sync'),
    timeoutsOrNoAnswer: timeouts,
    consumerErrors: consumerErrors.slice(0, 5),
    announcements: { expected: acceptedIds.length, sent: announced.size, duplicated, lost: lost.length, unfinishedAtEnd: fate.unfinished, owedAtEnd: fate.owed, announcedBeforeFinal: early.length, everyAnnouncedJobFinalWhenRead: early.length === 0 },
    backlogOverTime: backlog.filter((b, i) => i % 5 === 0 || i === backlog.length - 1),
    peakMemoryMb: { serviceRss: Math.round(peakRssKb / 1024), serviceTreeRss: Math.round(peakTreeRssKb / 1024) },
    requirements: {
      nothingLost: lost.length === 0 && fate.owed === 0,
      nothingAnnouncedEarly: early.length === 0,
      throttlingInsteadOfTimeouts: timeouts === 0,
      memoryBounded: peakRssKb / 1024 < 1024,
    },
  };
  await fs.mkdir(RESULTS, { recursive: true });
  await fs.writeFile(path.join(RESULTS, 'load-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  await fs.writeFile(path.join(RESULTS, 'load-latest.md'), renderMarkdown(result));
  process.stdout.write(renderMarkdown(result));
  if (!Object.values(result.requirements).every(Boolean)) process.exitCode = 1;
}

function renderMarkdown(r: any): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const row = (name: string, m: any) => // eslint-disable-line @typescript-eslint/no-explicit-any
    `| ${name} | ${m.submitted} | ${m.accepted} | ${m.throttled} | ${m.failed}${m.failed ? ` (${Object.entries(m.failedCodes).map(([c, n]) => `${c} ${n}`).join(', ')})` : ''} | ${m.latencyMs.p50} | ${m.latencyMs.p95} | ${m.latencyMs.p99} |`;
  return [
    `# npm run load (${r.date})`,
    '',
    `${r.load.ratePerSecond} submissions/s for ${r.load.seconds} s (every ${r.load.syncEvery}th sync), ${r.machine.cpus} cores, load average ${r.machine.loadAverageBefore.join(' / ')} before, ${r.machine.loadAverageAfter.join(' / ')} after (1/5/15 min); submit phase ${r.load.submitPhaseSeconds} s, total with drain ${r.load.totalSeconds} s.`,
    '',
    '| mode | submitted | accepted | throttled | failed | p50 ms | p95 ms | p99 ms |',
    '|---|---|---|---|---|---|---|---|',
    row('async', r.async),
    row('sync', r.sync),
    '',
    `Announcements: ${r.announcements.sent} of ${r.announcements.expected} accepted jobs announced, ${r.announcements.duplicated} duplicated, ${r.announcements.lost} lost (recorded as sent, never received); at the end ${r.announcements.unfinishedAtEnd} jobs were still queued or running and ${r.announcements.owedAtEnd} final jobs still owed their announcement; every announced job final when its message was read: ${r.announcements.everyAnnouncedJobFinalWhenRead ? 'yes' : `no (${r.announcements.announcedBeforeFinal})`}.`,
    '',
    `Peak memory: service process RSS ${r.peakMemoryMb.serviceRss} MB (with its ffmpeg processes ${r.peakMemoryMb.serviceTreeRss} MB).`,
    '',
    `Throttled answers: async p50 ${r.async.throttledLatencyMs.p50} ms / p99 ${r.async.throttledLatencyMs.p99} ms, sync p50 ${r.sync.throttledLatencyMs.p50} ms / p99 ${r.sync.throttledLatencyMs.p99} ms.`,
    '',
    'Async backlog (accepted, not yet announced) and service RSS over time:',
    '',
    '| s | backlog | RSS MB |',
    '|---|---|---|',
    ...r.backlogOverTime.map((b: { s: number; acceptedNotAnnounced: number; rssMb: number }) => `| ${b.s} | ${b.acceptedNotAnnounced} | ${b.rssMb} |`),
    '',
    `Requirements: ${Object.entries(r.requirements).map(([k, v]) => `${k} ${v ? 'yes' : 'NO'}`).join(', ')}.`,
    '',
  ].join('\n');
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
