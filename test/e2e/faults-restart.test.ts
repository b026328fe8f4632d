/**
 * `npm start` killed with SIGKILL in the middle of a job, and restarted on the same data dir: the
 * job that was running is resumed a bounded number of times (SNAPSHOT_MAX_JOB_RUNS=2 here), then
 * failed with a message that says why (poison-job protection); the jobs queued behind it run; every
 * job is announced exactly once, and a consumer querying each job upon its message sees it final.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { LocalService } from '../../runtime/entry/local-server';
import { mnsClient } from '../support/clients';
import { makeTempDir } from '../support/local-service';
import { oss, query, submit, waitForFinal } from './e2e-helpers';

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly svc: LocalService;
  /** Resolves with the first log line of this event (and job) the service writes. */
  logged(event: string, jobId: string): Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

async function start(dataDir: string): Promise<Started> {
  // A stale local.json from the previous start must not be mistaken for this one's.
  await fs.rm(path.join(dataDir, 'local.json'), { force: true });
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/entry/local-main.ts'], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: { ...process.env, SNAPSHOT_PORT: '0', SNAPSHOT_DATA_DIR: dataDir, SNAPSHOT_WORKER_CONCURRENCY: '1', SNAPSHOT_MAX_JOB_RUNS: '2' },
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  child.stderr.on('data', (d: Buffer) => {
    buffered += d.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(part);
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of waiters.filter((w) => w.match(line))) w.resolve(line);
    }
  });
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let info: Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let tries = 0; !info; tries++) {
    info = await fs.readFile(path.join(dataDir, 'local.json'), 'utf8').then(JSON.parse, () => undefined);
    if (!info) {
      if (tries > 600) throw new Error('the service did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const svc = {
    ...info,
    host: '127.0.0.1',
    port: Number(new URL(info.endpoint).port),
    mnsEndpoint: info.notifications.mnsEndpoint,
    accountId: info.notifications.accountId,
    notificationQueue: info.notifications.queue,
  } as unknown as LocalService;
  return {
    child,
    svc,
    exited,
    logged: (event, jobId) =>
      new Promise((resolve) => {
        const match = (l: Record<string, unknown>) => l.event === event && l.jobId === jobId;
        const seen = lines.find(match);
        if (seen) resolve(seen);
        else waiters.push({ match, resolve });
      }),
  };
}

test('SIGKILL mid-job, restarted twice: the running job is failed after its runs, the others finish, all announced once', async () => {
  const dataDir = await makeTempDir('snapshot-sigkill-');
  let current: Started | undefined;
  try {
    current = await start(dataDir);
    const { svc } = current;
    const job = (object: string, extra: Record<string, string> = {}) =>
      submit(svc, 'mts-v3', {
        Input: JSON.stringify(oss(svc, svc.inputBucket, 'sample/sample.mp4')),
        SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, svc.outputBucket, object), Time: '0', Interval: '1', Num: '2', Width: '160', ...extra }),
        PipelineId: svc.pipelineId,
      });
    const poison = await job('poison/{Count}.jpg', { Num: '10', Width: '1280' });
    const queued = [await job('queued-1/{Count}.jpg'), await job('queued-2/{Count}.jpg')];

    // Killed as soon as the job's first run starts, and again when the restart resumes it.
    for (const run of [1, 2]) {
      expect(await current.logged('job.started', poison.Id)).toMatchObject({ runs: run });
      current.child.kill('SIGKILL');
      expect(await current.exited).toEqual({ code: null, signal: 'SIGKILL' });
      current = await start(dataDir);
    }

    const after = current.svc;
    const failed = await waitForFinal(after, poison.Id);
    expect(failed).toMatchObject({ State: 'Fail', Code: 'InternalError' });
    expect(failed.Message).toMatch(/started 2 times and the process running it stopped each time/);
    for (const q of queued) expect(await waitForFinal(after, q.Id)).toMatchObject({ State: 'Success' });
    expect((await query(after, 'mts-v3', { PipelineId: after.pipelineId, State: 'Snapshoting' })).jobs).toEqual([]);
    expect((await query(after, 'mts-v3', { PipelineId: after.pipelineId, State: 'Submitted' })).jobs).toEqual([]);

    const consumer = mnsClient(after as LocalService & { mnsEndpoint: string; accountId: string });
    const announced: string[] = [];
    for (;;) {
      const message = await consumer.receive(after.notificationQueue, 1);
      if (!message) break;
      const body = JSON.parse(message.body);
      const [queried] = (await query(after, 'mts-v3', { SnapshotJobIds: body.JobId })).jobs;
      expect(queried.State).toBe(body.State);
      announced.push(body.JobId);
      await consumer.delete(after.notificationQueue, message.receiptHandle);
    }
    expect(announced.sort()).toEqual([poison.Id, ...queued.map((q) => q.Id)].sort());

    current.child.kill('SIGTERM');
    expect(await current.exited).toEqual({ code: 0, signal: null });
    current = undefined;
  } finally {
    if (current) {
      current.child.kill('SIGKILL');
      await current.exited;
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}, 180_000);
