/**
 * The project path as users drive it: the local service (in a child process) called with the
 * official MPS SDK over HTTP on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import Client, { QuerySnapshotJobListRequest, SubmitSnapshotJobRequest } from '@alicloud/mts20140618';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { binaries } from './ffmpeg';
import { processTreeCpuMs, RssSampler } from './proc';

interface ChildInfo {
  endpoint: string;
  port: number;
  region: string;
  accessKeyId: string;
  accessKeySecret: string;
  pipelineId: string;
  inputBucket: string;
  outputBucket: string;
  inputDir: string;
  outputDir: string;
}

export interface JobOutcome {
  id: string;
  state: string;
  code?: string;
  message?: string;
  count?: string;
  tileCount?: string;
}

export class BenchService {
  private constructor(
    private readonly child: ChildProcess,
    readonly info: ChildInfo,
    readonly dataDir: string,
    private readonly client: Client,
  ) {}

  /**
   * `syncTimeoutMs` is raised above MPS's 5 s so the throughput case measures queueing rather
   * than counting timeouts; single-job latencies are far below either value.
   */
  static async start(opts: { syncTimeoutMs: number }): Promise<BenchService> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-bench-'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'service-child.ts'), dataDir, String(opts.syncTimeoutMs)], {
      cwd: path.join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      // The run's ffmpeg, explicitly: the service must not find another one on its own.
      env: { ...process.env, FFMPEG_PATH: binaries().ffmpeg },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const info = await new Promise<ChildInfo>((resolve, reject) => {
      const rl = readline.createInterface({ input: child.stdout! });
      rl.once('line', (line) => {
        try {
          resolve(JSON.parse(line) as ChildInfo);
        } catch (e) {
          reject(new Error(`service child printed ${line}: ${String(e)}`));
        }
      });
      child.once('exit', (code) => {
        const why = stderr.split('\n').find((l) => /Error|error:/.test(l)) ?? stderr.trim().split('\n').pop() ?? '';
        reject(new Error(`service child exited ${code}: ${why.trim()}`));
      });
    });
    // Anything else the service prints is drained so a full pipe cannot stall it.
    child.stdout!.resume();
    const client = new Client(
      new $OpenApiUtil.Config({
        accessKeyId: info.accessKeyId,
        accessKeySecret: info.accessKeySecret,
        endpoint: `127.0.0.1:${info.port}`,
        protocol: 'http',
        regionId: info.region,
        // The SDK's default read timeout is 3 s, below MPS's own 5 s sync deadline: queued jobs
        // in the throughput case would be cut off by the client, not by the service.
        readTimeout: 120000,
      }),
    );
    return new BenchService(child, info, dataDir, client);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** CPU seconds of the service and every ffmpeg it has reaped so far, in ms. */
  cpuMs(): number {
    return processTreeCpuMs(this.pid);
  }

  rssSampler(): RssSampler {
    return new RssSampler(this.pid);
  }

  private inputSeq = 0;

  /**
   * Puts the video in the input bucket under a key never used before (a hard link: no copy of a
   * 300 MB file), so every request is a first request for that object: nothing the service
   * remembers about an input (its probe) can make a repeated benchmark call cheaper than a
   * user's call on a new video. The file itself stays in the page cache, as a hot object would.
   */
  freshInput(file: string): string {
    this.inputSeq += 1;
    const key = `bench/in/${this.inputSeq}-${path.basename(file)}`;
    this.addInput(key, file);
    return key;
  }

  /** Removes the links freshInput made. */
  clearInputs(): void {
    fs.rmSync(path.join(this.info.inputDir, 'bench', 'in'), { recursive: true, force: true });
  }

  /** Puts a video in the input bucket (hard link when possible: no copy of a 300 MB file). */
  addInput(key: string, file: string): void {
    const dest = path.join(this.info.inputDir, key);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.rmSync(dest, { force: true });
    try {
      fs.linkSync(file, dest);
    } catch {
      fs.copyFileSync(file, dest);
    }
  }

  private ref(bucket: string, key: string): Record<string, string> {
    return { Bucket: bucket, Location: `oss-${this.info.region}`, Object: encodeURIComponent(key) };
  }

  input(key: string): string {
    return JSON.stringify(this.ref(this.info.inputBucket, key));
  }

  output(key: string): Record<string, string> {
    return this.ref(this.info.outputBucket, key);
  }

  async submit(inputKey: string, snapshotConfig: Record<string, unknown>): Promise<JobOutcome> {
    const res = await this.client.submitSnapshotJob(
      new SubmitSnapshotJobRequest({ input: this.input(inputKey), snapshotConfig: JSON.stringify(snapshotConfig) }),
    );
    const job = res.body?.snapshotJob;
    if (!job?.id) throw new Error(`SubmitSnapshotJob answered without a job: ${JSON.stringify(res.body)}`);
    return { id: job.id, state: job.state ?? '', code: job.code, message: job.message, count: job.count, tileCount: job.tileCount };
  }

  async query(id: string): Promise<JobOutcome> {
    const res = await this.client.querySnapshotJobList(new QuerySnapshotJobListRequest({ snapshotJobIds: id }));
    const job = res.body?.snapshotJobList?.snapshotJob?.[0];
    if (!job?.id) throw new Error(`QuerySnapshotJobList did not return job ${id}: ${JSON.stringify(res.body)}`);
    return { id: job.id, state: job.state ?? '', code: job.code, message: job.message, count: job.count, tileCount: job.tileCount };
  }

  /** Submits an async job and polls until it is final; a failed job throws (it must not look fast). */
  async runAsync(inputKey: string, snapshotConfig: Record<string, unknown>, pollMs = 20): Promise<JobOutcome> {
    let job = await this.submit(inputKey, snapshotConfig);
    while (job.state !== 'Success' && job.state !== 'Fail') {
      await new Promise((r) => setTimeout(r, pollMs));
      job = await this.query(job.id);
    }
    if (job.state !== 'Success') throw new Error(`job ${job.id} ended ${job.state}: ${job.code} ${job.message}`);
    return job;
  }

  async runSync(inputKey: string, snapshotConfig: Record<string, unknown>): Promise<JobOutcome> {
    const job = await this.submit(inputKey, snapshotConfig);
    if (job.state !== 'Success') throw new Error(`sync job ${job.id} answered ${job.state}: ${job.code} ${job.message}`);
    return job;
  }

  /** Clears the output bucket between cases so the disk does not fill with JPGs. */
  clearOutputs(): void {
    fs.rmSync(this.info.outputDir, { recursive: true, force: true });
    fs.mkdirSync(this.info.outputDir, { recursive: true });
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
