/**
 * The embedded default: the whole service on one machine, what `npm start` runs and what the
 * end-to-end tests and benchmarks start.
 *
 *   <dataDir>/buckets/<bucket>/...   buckets as folders (drop a video into buckets/snapshot-input/)
 *   <dataDir>/jobs/                  job records (survive restarts)
 *   <dataDir>/messages/              the in-process MNS topics and queues
 *   <dataDir>/state.json             generated once: access key, pipeline id, MNS account id
 *   <dataDir>/local.json             everything a client needs, rewritten at each start
 *
 * Two HTTP servers: the MPS API on `port`, and an MNS protocol server on `mnsPort` so the
 * official `@alicloud/mns` client can read the notifications.
 *
 * Both answer only requests whose `Host` is one of their own loopback names (see
 * adapters/http/allowed-hosts), so web pages cannot use them, and both bound connections and the
 * time to receive a request (adapters/http/server-limits); docs/local.md lists every limit.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { InProcessDispatcher } from '../adapters/dispatch/in-process-dispatcher';
import { writeFileAtomic } from '../adapters/fs-atomic';
import { allowedHostsFor, isAllowedHost } from '../adapters/http/allowed-hosts';
import { createLimitedServer, type HttpServerLimits } from '../adapters/http/server-limits';
import { FsJobStore } from '../adapters/job-store/fs-job-store';
import { LocalMessageService } from '../adapters/notify/local-message-service';
import { LocalNotifier } from '../adapters/notify/local-notifier';
import { MnsProtocolServer } from '../adapters/notify/mns-protocol-server';
import { StaticPipelineRegistry } from '../adapters/pipelines/static-pipeline-registry';
import { randomIds } from '../adapters/random-ids';
import { FsObjectStorage } from '../adapters/storage/fs-object-storage';
import { systemClock } from '../adapters/system-clock';
import { createApiHandler } from '../api/api-handler';
import { staticCredentials } from '../api/credentials';
import { answerClientError, ClientAbortedError, MAX_HEADER_BYTES, readApiRequest, writeApiResponse } from '../api/node-http';
import { renderError } from '../api/render-error';
import { createFfmpegCapture } from '../capture/index';
import { createLocalConsole } from '../local/console/console-routes';
import type { ConsoleOptions } from '../local/console/console-options';
import { Errors } from '../core/errors';
import type { SnapshotError } from '../core/errors';
import type { Pipeline } from '../core/model';
import { AnnouncementLoop } from '../service/announcement-loop';
import { createSnapshotService } from '../service/snapshot-service';
import type { RunnableSnapshotService } from '../service/snapshot-service';
import { defaultLog, describeError } from '../service/service-deps';
import type { ServiceLog } from '../service/service-deps';
import { seedSampleVideo, SAMPLE_KEY } from './sample-video';
import { serveBucketFile } from './static-buckets';

export const DEFAULT_INPUT_BUCKET = 'snapshot-input';
export const DEFAULT_OUTPUT_BUCKET = 'snapshot-output';
export const NOTIFICATION_TOPIC = 'snapshot-notifications';
export const NOTIFICATION_QUEUE = 'snapshot-notifications-queue';

export interface LocalServiceOptions {
  readonly dataDir: string;
  /** 0 = a free port. @default 8080 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Port of the MNS protocol server; 0 = a free port. @default port + 1 (or free when port is 0) */
  readonly mnsPort?: number;
  /** @default 'cn-hangzhou' */
  readonly region?: string;
  /** @default - generated on first start and kept in `<dataDir>/state.json` */
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  /** @default 5000 */
  readonly syncTimeoutMs?: number;
  /** Async jobs run at once. @default the number of CPU cores */
  readonly workerConcurrency?: number;
  /** Put `sample/sample.mp4` into the input bucket on first start. @default false */
  readonly seedSample?: boolean;
  /** Let running async jobs finish on close for at most this long; the rest resume at next start. @default 10000 */
  readonly closeGraceMs?: number;
  /**
   * `Host` values served besides the listening host and the loopback names with the port (e.g.
   * `mybox.lan:8080` when listening on 0.0.0.0). Checked as given by both servers: list each
   * server's `name:port` (the MNS server's port too).
   * @default none
   */
  readonly allowedHosts?: readonly string[];
  /** Web origins whose pages may read `/oss/` files (CORS). @default none */
  readonly corsOrigins?: readonly string[];
  /** Connection and request-time limits of both servers. @default see HttpServerLimits */
  readonly httpLimits?: Omit<HttpServerLimits, 'maxHeaderBytes'>;
  /** Bytes one job may write. @default 256 MiB */
  readonly jobOutputBudgetBytes?: number;
  /** Free space kept on the data dir's disk: bucket writes that would leave less are refused. @default 256 MiB */
  readonly minFreeBytes?: number;
  /** Limits on accepted work (sync slots and wait, async backlog) and job runs; see LOCAL_LIMIT_DEFAULTS. */
  readonly limits?: Partial<LocalLimits>;
  /** How often owed announcements are retried (each waits out its own back-off too). @default 1000 */
  readonly announceIntervalMs?: number;
  readonly log?: ServiceLog;
  /** The browser console at `/console/` (docs/console.md). @default served on loopback addresses only */
  readonly console?: ConsoleOptions;
}

export interface LocalLimits {
  /** Jobs run at once, sync and async; a sync request waits up to `syncWaitMs` for one, then gets `Throttling`. */
  readonly maxRunningJobs: number;
  readonly syncWaitMs: number;
  /** Async jobs queued or running beyond which submissions get `Throttling`. */
  readonly maxAsyncBacklog: number;
  /** Runs a job may start before it is failed instead of resumed (poison-job protection). */
  readonly maxJobRuns: number;
}

export const LOCAL_LIMIT_DEFAULTS: Omit<LocalLimits, 'maxRunningJobs'> = { syncWaitMs: 1000, maxAsyncBacklog: 200, maxJobRuns: 3 };

export interface LocalService {
  /** http://127.0.0.1:port */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly pipelineId: string;
  readonly inputBucket: string;
  readonly outputBucket: string;
  readonly dataDir: string;
  /** The MNS protocol endpoint for `@alicloud/mns` (`new MNSClient(accountId, { endpoint, ... })`). */
  readonly mnsEndpoint: string;
  readonly accountId: string;
  readonly notificationTopic: string;
  readonly notificationQueue: string;
  /** Async jobs resumed at start. */
  readonly resumedJobs: number;
  readonly service: RunnableSnapshotService;
  bucketDir(bucket: string): string;
  close(): Promise<void>;
}

interface LocalState {
  accessKeyId: string;
  accessKeySecret: string;
  pipelineId: string;
  accountId: string;
  sampleSeeded?: boolean;
}

async function loadState(file: string): Promise<{ state: LocalState; fresh: boolean }> {
  try {
    const state = JSON.parse(await fs.readFile(file, 'utf8')) as LocalState;
    if (/^[a-f0-9]{32}$/.test(state.pipelineId) && state.accessKeyId && state.accessKeySecret && state.accountId) return { state, fresh: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const state: LocalState = {
    accessKeyId: `LTAI${randomBytes(10).toString('hex')}`,
    accessKeySecret: randomBytes(20).toString('base64url'),
    pipelineId: randomBytes(16).toString('hex'),
    accountId: String(1_000_000_000_000_000 + (randomBytes(6).readUIntBE(0, 6) % 9_000_000_000_000_000)),
  };
  return { state, fresh: true };
}

async function saveState(file: string, state: LocalState): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(state, null, 2), 0o600);
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting; requests in flight get `graceMs` to finish (a sync snapshot, a long poll). */
function closeServer(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function startLocalService(opts: LocalServiceOptions): Promise<LocalService> {
  const dataDir = path.resolve(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const region = opts.region ?? 'cn-hangzhou';
  const log: ServiceLog = opts.log ?? defaultLog;
  await fs.mkdir(dataDir, { recursive: true });

  const stateFile = path.join(dataDir, 'state.json');
  const { state, fresh } = await loadState(stateFile);
  if (opts.accessKeyId && opts.accessKeySecret) {
    state.accessKeyId = opts.accessKeyId;
    state.accessKeySecret = opts.accessKeySecret;
  }
  await saveState(stateFile, state);

  // Listen first: the public URLs of outputs (notifications' LastUrl) need the real port.
  const apiServer = createLimitedServer({ ...opts.httpLimits, maxHeaderBytes: MAX_HEADER_BYTES });
  const mnsServer = createLimitedServer(opts.httpLimits);
  let hostId = host;
  /** Set once the port is known; until then (and until handleApi is set) requests are answered "starting". */
  let apiHosts: string[] | undefined;
  /** Answers outside the API handler (starting, or the handler itself broke), still in the MPS envelope. */
  const answer = (res: http.ServerResponse, error: SnapshotError, headers: Record<string, string> = {}) => {
    const r = renderError(error, { requestId: randomIds.requestId(), hostId, format: 'json' });
    writeApiResponse(res, { ...r, headers: { ...r.headers, ...headers } });
  };
  let handleApi: http.RequestListener | undefined;
  let handleMns: http.RequestListener | undefined;
  const notReady: http.RequestListener = (_req, res) => answer(res, Errors.serviceUnavailable('the service is starting.'), { 'retry-after': '1' });
  // The Host check comes first, for every route of this server (the API, /oss/, and any added later).
  apiServer.on('request', (req, res) => {
    if (apiHosts && !isAllowedHost(req.headers.host, apiHosts)) {
      answer(res, Errors.hostNotAllowed(String(req.headers.host ?? ''), apiHosts[0]));
      return;
    }
    (handleApi ?? notReady)(req, res);
  });
  apiServer.on('clientError', (err: Error, socket) => answerClientError(err, socket, { hostId, requestId: randomIds.requestId }));
  mnsServer.on('request', (req, res) => (handleMns ?? notReady)(req, res));
  try {
    const port = await listen(apiServer, opts.port ?? 8080, host);
    apiHosts = allowedHostsFor(host, port, opts.allowedHosts);
    const mnsPort = await listen(mnsServer, opts.mnsPort ?? (opts.port ? port + 1 : 0), host);
    const endpoint = `http://${host}:${port}`;

    const storage = new FsObjectStorage({ rootDir: path.join(dataDir, 'buckets'), publicBaseUrl: `${endpoint}/oss`, minFreeBytes: opts.minFreeBytes });
    await storage.createBucket(DEFAULT_INPUT_BUCKET);
    await storage.createBucket(DEFAULT_OUTPUT_BUCKET);
    // Everything the adapters report goes to the one service log (and from there to the terminal).
    const warn = (message: string) => log('storage.warning', { message });
    const jobs = await FsJobStore.open(path.join(dataDir, 'jobs'), { warn });
    const messages = await LocalMessageService.open(path.join(dataDir, 'messages'), { accountId: state.accountId, warn });
    await messages.subscribe(NOTIFICATION_TOPIC, NOTIFICATION_QUEUE, { subscriptionName: `${NOTIFICATION_QUEUE}-subscription`, format: 'SIMPLIFIED' });

    const pipeline: Pipeline = { id: state.pipelineId, name: 'default', state: 'Active', topic: NOTIFICATION_TOPIC };
    const concurrency = opts.workerConcurrency ?? Math.max(1, os.cpus().length);
    const limits: LocalLimits = { maxRunningJobs: concurrency, ...LOCAL_LIMIT_DEFAULTS, ...opts.limits };
    let service: RunnableSnapshotService | undefined;
    const dispatcher = new InProcessDispatcher({
      run: (jobId: string) => service!.runJob(jobId),
      concurrency,
      onError: (jobId, e) => log('job.run-failed', { jobId, error: describeError(e) }),
    });
    service = createSnapshotService({
      storage,
      jobs,
      capture: createFfmpegCapture({ maxProcesses: Math.max(2, limits.maxRunningJobs) }),
      notifier: new LocalNotifier(messages),
      pipelines: new StaticPipelineRegistry([pipeline], pipeline.id),
      dispatcher,
      clock: systemClock,
      ids: randomIds,
      region,
      syncTimeoutMs: opts.syncTimeoutMs,
      outputBudgetBytes: opts.jobOutputBudgetBytes,
      log,
      maxJobRuns: limits.maxJobRuns,
      admission: { ...limits, asyncBacklog: () => dispatcher.pending + dispatcher.active },
    });

    if (opts.seedSample && (fresh || !state.sampleSeeded)) {
      await seedSampleVideo(storage.bucketDir(DEFAULT_INPUT_BUCKET));
      state.sampleSeeded = true;
      await saveState(stateFile, state);
    }

    const mns = new MnsProtocolServer({
      messages,
      credentials: [{ accessKeyId: state.accessKeyId, accessKeySecret: state.accessKeySecret }],
      accountId: state.accountId,
      allowedHosts: allowedHostsFor(host, mnsPort, opts.allowedHosts),
      logError: (message, cause) => log('mns.internal-error', { message, error: describeError(cause) }),
    });
    hostId = `${host}:${port}`;
    const api = createApiHandler({
      service,
      credentials: staticCredentials([{ accessKeyId: state.accessKeyId, accessKeySecret: state.accessKeySecret }]),
      clock: systemClock,
      ids: randomIds,
      hostId,
      logError: (message, cause) => log('api.internal-error', { message, error: describeError(cause) }),
    });

    const serveConsole = createLocalConsole({ service, storage, region, listenHost: host, pipelineId: pipeline.id, inputBucket: DEFAULT_INPUT_BUCKET,
      outputBucket: DEFAULT_OUTPUT_BUCKET, sampleKey: SAMPLE_KEY, log, options: opts.console });
    handleApi = (req, res) => {
      void (async () => {
        try {
          if (await serveConsole(req, res)) return;
          if (await serveBucketFile(req, res, storage, { corsOrigins: opts.corsOrigins })) return;
          writeApiResponse(res, await api(await readApiRequest(req)));
        } catch (e) {
          if (e instanceof ClientAbortedError) {
            // Routine (a client timed out or was stopped): one line, no stack.
            log('http.client-aborted', { method: req.method, path: (req.url ?? '').split('?')[0].slice(0, 100) });
            return;
          }
          log('http.failed', { error: describeError(e) });
          if (!res.headersSent) answer(res, Errors.internal());
          else res.end();
        }
      })();
    };
    handleMns = mns.handler();

    const resumedJobs = await service.resumeUnfinished();
    // Also sends what was owed when the process last stopped.
    const announcer = new AnnouncementLoop(() => service!.announcePending(), opts.announceIntervalMs ?? 1000, log).start();

    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        await closeServer(apiServer, (opts.syncTimeoutMs ?? 5000) + 2000);
        await dispatcher.close(opts.closeGraceMs ?? 10_000);
        await announcer.stop();
        await closeServer(mnsServer, 200);
        await messages.close?.();
      })();
      return closing;
    };

    const svc: LocalService = {
      endpoint,
      host,
      port,
      region,
      accessKeyId: state.accessKeyId,
      accessKeySecret: state.accessKeySecret,
      pipelineId: state.pipelineId,
      inputBucket: DEFAULT_INPUT_BUCKET,
      outputBucket: DEFAULT_OUTPUT_BUCKET,
      dataDir,
      mnsEndpoint: `http://${host}:${mnsPort}`,
      accountId: state.accountId,
      notificationTopic: NOTIFICATION_TOPIC,
      notificationQueue: NOTIFICATION_QUEUE,
      resumedJobs,
      service,
      bucketDir: (bucket) => storage.bucketDir(bucket),
      close,
    };
    await writeLocalJson(svc);
    return svc;
  } catch (e) {
    // A start that fails half-way must not leave ports open.
    for (const server of [apiServer, mnsServer]) if (server.listening) await closeServer(server, 0);
    throw e;
  }
}

/** What `npm start` prints and writes to `<dataDir>/local.json`. */
export function describeLocalService(svc: LocalService): Record<string, unknown> {
  return {
    endpoint: svc.endpoint,
    region: svc.region,
    location: `oss-${svc.region}`,
    accessKeyId: svc.accessKeyId,
    accessKeySecret: svc.accessKeySecret,
    pipelineId: svc.pipelineId,
    buckets: {
      [svc.inputBucket]: svc.bucketDir(svc.inputBucket),
      [svc.outputBucket]: svc.bucketDir(svc.outputBucket),
    },
    inputBucket: svc.inputBucket,
    outputBucket: svc.outputBucket,
    sampleObject: SAMPLE_KEY,
    notifications: {
      mnsEndpoint: svc.mnsEndpoint,
      accountId: svc.accountId,
      topic: svc.notificationTopic,
      queue: svc.notificationQueue,
      howTo: `new MNSClient('${svc.accountId}', { endpoint: '${svc.mnsEndpoint}', accessKeyId, accessKeySecret }).receiveMessage('${svc.notificationQueue}', 10)`,
    },
    dataDir: svc.dataDir,
  };
}

async function writeLocalJson(svc: LocalService): Promise<void> {
  await writeFileAtomic(path.join(svc.dataDir, 'local.json'), JSON.stringify(describeLocalService(svc), null, 2), 0o600);
}
