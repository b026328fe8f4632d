/**
 * `npx tsx bench/local-store-scale.ts`: the job store of `npm start` at scale (issue 10 item 6). Builds a data
 * folder of 100,000 job records once (cached in bench/.cache/local-store/), then measures, each in
 * a fresh process so memory and start-up are the store's own:
 *
 *   legacy   opening a folder written by an older version (records, no index): builds the index
 *   indexed  opening with the index, then p50/p95 of the first page of QuerySnapshotJobList by
 *            state, by pipeline, by a creation-time range and unfiltered (with the record cache
 *            and without it, so every page is read from disk), and the resident memory
 *   service  `npm start` itself: from spawning the process to the first answered query, over HTTP
 *            with the official client, and the latency of filtered queries over HTTP
 *
 * Options: --records N (100000), --queries N per filter (200), --phases legacy,indexed,indexed-nocache,service
 * (all by default; the indexed phases need the index a legacy phase or an earlier run built).
 * Prints a table and writes bench/.cache/local-store/latest.json. The machine is shared: the load
 * average is printed with every phase; compare runs only at similar load.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { FsJobStore, INDEX_FILE } from '../runtime/adapters/job-store/fs-job-store';
import type { JobState, SnapshotJob } from '../runtime/core/model';
import type { JobQuery } from '../runtime/core/ports';

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, 'bench', '.cache', 'local-store');
const DATA_DIR = path.join(CACHE, 'data');
const JOBS_DIR = path.join(DATA_DIR, 'jobs');
const PIPELINES = ['a1b2c3d4e5f60718293a4b5c6d7e8f90', 'b1b2c3d4e5f60718293a4b5c6d7e8f90', 'c1b2c3d4e5f60718293a4b5c6d7e8f90', 'd1b2c3d4e5f60718293a4b5c6d7e8f90', 'e1b2c3d4e5f60718293a4b5c6d7e8f90'];
const END_MS = Date.UTC(2026, 10, 30);
const SPAN_MS = 90 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const ACCESS_KEY_ID = 'LTAIbenchlocalstore0001';
const ACCESS_KEY_SECRET = 'bench-local-store-secret-0000000';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

/** A deterministic pseudo-random sequence, so every run builds and asks the same. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** A finished job as the service writes it; a third of them written before revisions existed. */
function record(i: number, n: number, rand: () => number): SnapshotJob {
  const createdAtMs = END_MS - SPAN_MS + Math.floor((i * SPAN_MS) / n);
  const id = (BigInt(i + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(32, '0').slice(-32);
  const state: JobState = rand() < 0.9 ? 'Success' : 'Fail';
  const pipelineId = rand() < 0.1 ? undefined : PIPELINES[Math.floor(rand() * PIPELINES.length)];
  const job: SnapshotJob = {
    id,
    requestId: 'D6E0A7A5-2C4F-4C38-9E7B-5A0B9C1D2E3F',
    state,
    creationTime: new Date(createdAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    createdAtMs,
    request: {
      input: { bucket: 'snapshot-input', location: 'oss-cn-hangzhou', rawObject: `videos%2F${i}.mp4`, key: `videos/${i}.mp4` },
      config: {
        outputFile: { bucket: 'snapshot-output', location: 'oss-cn-hangzhou', rawObject: `shots%2F${i}%2F{Count}.jpg`, key: `shots/${i}/{Count}.jpg` },
        timeMs: 0,
        intervalSec: 2,
        num: 3,
        frameType: 'intra',
      },
      mode: 'async',
      pipelineId,
      userData: `batch-${i % 97}`,
    },
    ...(state === 'Success'
      ? { count: 3, outputKeys: [1, 2, 3].map((c) => `shots/${i}/0000${c}.jpg`), timesMs: [0, 2000, 4000] }
      : { code: 'InvalidParameter.ResourceNotFound', message: 'The resource operated cannot be found' }),
    ...(pipelineId ? { mnsMessageResult: { messageId: `${id.slice(0, 16).toUpperCase()}-1` } } : {}),
  };
  return i % 3 === 0 ? job : { ...job, revision: 3 };
}

async function ensureDataset(n: number): Promise<void> {
  const marker = path.join(CACHE, 'dataset.json');
  const want = JSON.stringify({ records: n, version: 1 });
  if ((await fs.readFile(marker, 'utf8').catch(() => '')) === want) return;
  await fs.rm(CACHE, { recursive: true, force: true });
  await fs.mkdir(JOBS_DIR, { recursive: true });
  const started = Date.now();
  const rand = rng(42);
  const jobs = Array.from({ length: n }, (_, i) => record(i, n, rand));
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        await fs.writeFile(path.join(JOBS_DIR, `${job.id}.json`), JSON.stringify(job));
      }
    }),
  );
  await fs.writeFile(marker, want);
  console.log(`dataset: ${n} records written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: number[]): { p50: number; p95: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return { p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), max: round(s[s.length - 1]) };
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1e6);
const load = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

/** The queries of one kind, the same every run. */
function queries(kind: string, count: number): JobQuery[] {
  const rand = rng(kind.length * 7919);
  const states: JobState[] = ['Success', 'Fail'];
  return Array.from({ length: count }, (_, i): JobQuery => {
    const from = END_MS - SPAN_MS + Math.floor(rand() * (SPAN_MS - DAY_MS));
    if (kind === 'state') return { pageSize: 30, state: states[i % 2] };
    if (kind === 'pipeline') return { pageSize: 30, pipelineId: PIPELINES[i % PIPELINES.length] };
    if (kind === 'time range') return { pageSize: 30, fromMs: from, toMs: from + DAY_MS };
    if (kind === 'pipeline+state+range') return { pageSize: 30, pipelineId: PIPELINES[i % PIPELINES.length], state: 'Fail', fromMs: from - 7 * DAY_MS, toMs: from };
    return { pageSize: 30 };
  });
}

const KINDS = ['state', 'pipeline', 'time range', 'pipeline+state+range', 'none'];

/** Runs in a fresh process: opens the store and measures. */
async function child(phase: string, count: number): Promise<void> {
  const loadBefore = load();
  const rssBeforeMb = rssMb();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const store = await FsJobStore.open(JOBS_DIR, { recordCacheSize: phase === 'indexed-nocache' ? 0 : undefined });
  const openMs = performance.now() - t0;
  // CPU time varies much less with the machine's load than wall time does.
  const cpu = process.cpuUsage(cpu0);
  const result: Record<string, unknown> = {
    phase,
    openMs: Math.round(openMs),
    openCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    recordReadsAtOpen: store.stats.recordReads,
    rssBeforeOpenMb: rssBeforeMb,
    rssAfterOpenMb: rssMb(),
    loadBefore,
  };
  if (phase !== 'legacy') {
    const latency: Record<string, unknown> = {};
    for (const kind of KINDS) {
      const samples: number[] = [];
      const reads = store.stats.recordReads;
      const cpuBefore = process.cpuUsage();
      for (const q of queries(kind, count)) {
        const t = performance.now();
        const page = await store.list(q);
        samples.push(performance.now() - t);
        if (page.jobs.length === 0) throw new Error(`no jobs for ${JSON.stringify(q)}`);
      }
      const used = process.cpuUsage(cpuBefore);
      latency[kind] = { ...summary(samples), cpuMsPerQuery: Math.round((used.user + used.system) / count) / 1000, recordReadsPerQuery: (store.stats.recordReads - reads) / count };
    }
    result.latencyMs = latency;
    result.rssMb = rssMb();
  }
  result.loadAfter = load();
  process.stdout.write(JSON.stringify(result) + '\n');
}

function runChild(phase: string, count: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', __filename, '--child', phase, '--queries', String(count)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`${phase} exited with ${code}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** `npm start` on the data folder: time from spawn to the first answered query, then HTTP latency. */
async function service(count: number): Promise<Record<string, unknown>> {
  const port = await freePort();
  const loadBefore = load();
  const t0 = performance.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'runtime/entry/local-main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SNAPSHOT_DATA_DIR: DATA_DIR, SNAPSHOT_PORT: String(port), SNAPSHOT_ACCESS_KEY_ID: ACCESS_KEY_ID, SNAPSHOT_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET },
  });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const client = new RPCClient({ accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET, endpoint: `http://127.0.0.1:${port}`, apiVersion: '2014-06-18', opts: { timeout: 30000 } } as RPCClient.Config);
  const ask = (params: Record<string, string>) => client.request<{ SnapshotJobList?: { SnapshotJob: unknown[] } }>('QuerySnapshotJobList', params, {});
  try {
    let listeningMs: number | undefined;
    let servingMs: number | undefined;
    while (servingMs === undefined) {
      try {
        const body = await ask({ State: 'Success' });
        if (!body.SnapshotJobList?.SnapshotJob.length) throw new Error('the service answered without jobs');
        servingMs = performance.now() - t0;
      } catch (e) {
        // Not listening yet (refused, reset, timed out), or listening and still opening (503).
        const code = (e as { code?: string }).code;
        if (code === 'ServiceUnavailable') listeningMs ??= performance.now() - t0;
        if (performance.now() - t0 > 300_000) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const latency: Record<string, unknown> = {};
    for (const kind of ['state', 'pipeline', 'time range']) {
      const samples: number[] = [];
      for (const q of queries(kind, count)) {
        const params: Record<string, string> = {};
        if (q.state) params.State = q.state;
        if (q.pipelineId) params.PipelineId = q.pipelineId;
        if (q.fromMs !== undefined) params.StartOfJobCreatedTimeRange = new Date(q.fromMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
        if (q.toMs !== undefined) params.EndOfJobCreatedTimeRange = new Date(q.toMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const t = performance.now();
        await ask(params);
        samples.push(performance.now() - t);
      }
      latency[kind] = summary(samples);
    }
    const status = await fs.readFile(`/proc/${proc.pid}/status`, 'utf8').catch(() => '');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return { phase: 'service', listeningMs: listeningMs && Math.round(listeningMs), servingMs: Math.round(servingMs), httpLatencyMs: latency, rssMb: rss ? Math.round(Number(rss[1]) / 1000) : undefined, loadBefore, loadAfter: load() };
  } finally {
    proc.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const count = arg('queries', 200);
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) return child(process.argv[childAt + 1], count);

  const n = arg('records', 100_000);
  console.log(`local job store at ${n} records; ${os.cpus().length} cores, load average ${load().join(' ')}`);
  await ensureDataset(n);
  const results: Record<string, unknown>[] = [];
  const report = (r: Record<string, unknown>) => {
    results.push(r);
    console.log(JSON.stringify(r, null, 1));
  };

  const phasesAt = process.argv.indexOf('--phases');
  const phases = phasesAt < 0 ? ['legacy', 'indexed', 'indexed-nocache', 'service'] : process.argv[phasesAt + 1].split(',');
  if (phases.includes('legacy')) {
    await fs.rm(path.join(JOBS_DIR, INDEX_FILE), { force: true });
    report(await runChild('legacy', count));
  }
  for (const phase of ['indexed', 'indexed-nocache']) if (phases.includes(phase)) report(await runChild(phase, count));
  if (phases.includes('service')) {
    // The first start of a data folder generates the sample video; measure the starts after it.
    if (!(await fs.stat(path.join(DATA_DIR, 'state.json')).catch(() => undefined))) await service(1);
    report(await service(Math.min(count, 50)));
  }
  const file = path.join(CACHE, 'latest.json');
  await fs.writeFile(file, JSON.stringify({ records: n, cores: os.cpus().length, node: process.version, at: new Date().toISOString(), results }, null, 2));
  console.log(`written ${path.relative(ROOT, file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
