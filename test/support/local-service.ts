/**
 * Starts the real local service for a test file: a fresh temp data dir, free ports, closed (and
 * the dir removed) after the file's tests. Media for inputs comes from test/support/media.ts.
 *
 * The service's log lines are recorded instead of printed: tests can read them from `events`,
 * and a file whose service logged an unexpected failure (an internal error, a request the HTTP
 * layer could not answer) fails in afterAll even when every answer looked right.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalService } from '../../runtime/entry/local-server';
import type { LocalService, LocalServiceOptions } from '../../runtime/entry/local-server';

export interface LoggedEvent {
  readonly event: string;
  readonly fields: Record<string, unknown>;
}

/** Log events that mean the service failed in a way no client input should cause. */
export const FAILURE_EVENTS = /internal-error|http\.failed|run-failed|cleanup-failed|sync-overran/;

export type LocalServiceHandle = {
  /** The running service (valid inside tests, after beforeAll). */
  readonly svc: LocalService;
  /** Every log line of the service(s) this handle started, in order. */
  readonly events: LoggedEvent[];
  /** Copies a local file into a bucket folder under `key`; returns the key. */
  putInput(file: string, key: string, bucket?: string): Promise<string>;
  /** Path of an object in a bucket folder. */
  objectPath(key: string, bucket?: string): string;
  /** Keys under a prefix of the output bucket, sorted. */
  listOutputs(prefix?: string, bucket?: string): Promise<string[]>;
  /** Stops the service and starts a new one on the same data dir (restart). */
  restart(overrides?: Partial<LocalServiceOptions>): Promise<LocalService>;
};

export async function makeTempDir(prefix = 'snapshot-e2e-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

async function walk(dir: string, base: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(path.join(dir, e.name), rel, out);
    else if (!e.name.startsWith('.tmp-')) out.push(rel);
  }
}

export function withLocalService(options: Partial<LocalServiceOptions> = {}): LocalServiceHandle {
  let dataDir = '';
  let current: LocalService | undefined;
  const events: LoggedEvent[] = [];
  const start = (o: Partial<LocalServiceOptions> = {}) =>
    startLocalService({ port: 0, workerConcurrency: 2, log: (event, fields) => events.push({ event, fields }), ...options, ...o, dataDir });

  beforeAll(async () => {
    dataDir = await makeTempDir();
    current = await start();
  });
  afterAll(async () => {
    await current?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    const failures = events.filter((e) => FAILURE_EVENTS.test(e.event));
    if (failures.length) throw new Error(`the local service logged failures:\n${failures.map((e) => JSON.stringify(e)).join('\n')}`);
  });

  const handle: LocalServiceHandle = {
    events,
    get svc(): LocalService {
      if (!current) throw new Error('the local service is not running (use it inside a test)');
      return current;
    },
    async putInput(file, key, bucket) {
      const target = path.join(handle.svc.bucketDir(bucket ?? handle.svc.inputBucket), ...key.split('/'));
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.copyFile(file, target);
      return key;
    },
    objectPath(key, bucket) {
      return path.join(handle.svc.bucketDir(bucket ?? handle.svc.outputBucket), ...key.split('/'));
    },
    async listOutputs(prefix = '', bucket) {
      const out: string[] = [];
      await walk(handle.svc.bucketDir(bucket ?? handle.svc.outputBucket), '', out);
      return out.filter((k) => k.startsWith(prefix)).sort();
    },
    async restart(overrides = {}) {
      await current?.close();
      current = undefined;
      current = await start(overrides);
      return current;
    },
  };
  return handle;
}
