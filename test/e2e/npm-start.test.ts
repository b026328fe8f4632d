/**
 * `npm start` as a user runs it: the process writes local.json, seeds the sample video, answers
 * the README's SDK call with a JPG in the output bucket folder, and exits 0 on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { jpegSize } from '../support/media';
import { makeTempDir } from '../support/local-service';
import type { LocalService } from '../../runtime/entry/local-server';
import { oss, submit } from './e2e-helpers';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForFile(file: string, timeoutMs: number, exited: () => string | undefined): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fs.readFile(file, 'utf8');
    } catch {
      const why = exited();
      if (why) throw new Error(`npm start exited before writing local.json: ${why}`);
      if (Date.now() > deadline) throw new Error(`no ${file} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

test('npm start: local.json, the seeded sample, one SDK call, clean exit on SIGTERM', async () => {
  const dataDir = await makeTempDir('snapshot-start-');
  const port = await freePort();
  // `npm start` runs local-main.ts through tsx. Here tsx is loaded into the node process itself
  // (--import) rather than through its CLI, whose signal relay gives the child 60 ms to confirm a
  // SIGTERM before SIGKILLing it: under a loaded test run that turned a clean stop into exit 143.
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/entry/local-main.ts'], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: { ...process.env, SNAPSHOT_PORT: String(port), SNAPSHOT_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let exit: { code: number | null; signal: string | null } | undefined;
  const exited = new Promise<void>((resolve) => child.on('exit', (code, signal) => ((exit = { code, signal }), resolve())));

  try {
    const info = JSON.parse(await waitForFile(path.join(dataDir, 'local.json'), 60000, () => (exit ? `${JSON.stringify(exit)} ${stderr}` : undefined)));
    expect(info.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(info.pipelineId).toMatch(/^[a-f0-9]{32}$/);
    expect(info.accessKeyId).toBeTruthy();
    expect(info.notifications.queue).toBe('snapshot-notifications-queue');
    expect(stdout).toContain(info.endpoint);
    expect(stdout).toContain(info.accessKeyId);
    // stdout is a pipe here, as in a captured log: the secret stays in local.json, readable by its owner only.
    expect(stdout).not.toContain(info.accessKeySecret);
    expect(stdout).toContain('local.json');
    expect((await fs.stat(path.join(dataDir, 'local.json'))).mode & 0o777).toBe(0o600);

    const svc = {
      endpoint: info.endpoint,
      host: '127.0.0.1',
      port,
      region: info.region,
      accessKeyId: info.accessKeyId,
      accessKeySecret: info.accessKeySecret,
    } as LocalService;
    const job = await submit(svc, 'mts-v3', {
      Input: JSON.stringify(oss(svc, info.inputBucket, 'sample/sample.mp4')),
      SnapshotConfig: JSON.stringify({ OutputFile: oss(svc, info.outputBucket, 'readme/first.jpg'), Time: '5000', Width: '320' }),
    });
    expect(job.State).toBe('Success');
    const jpg = path.join(info.buckets[info.outputBucket], 'readme', 'first.jpg');
    expect(await jpegSize(jpg)).toEqual({ width: 320, height: 180 });
  } finally {
    if (!exit) child.kill('SIGTERM');
    await exited;
    await fs.rm(dataDir, { recursive: true, force: true });
  }
  expect(exit).toEqual({ code: 0, signal: null });
}, 120000);
