/**
 * The service as it runs in Function Compute: OSS buckets, job records in Tablestore, MNS
 * notifications, and async jobs handed to the worker function by FC's asynchronous invocation.
 */
import { FcAsyncDispatcher } from '../adapters/dispatch/fc-async-dispatcher';
import { TablestoreJobStore } from '../adapters/job-store/tablestore-job-store';
import { TablestoreReplayGuard } from '../adapters/tablestore/tablestore-replay-guard';
import type { TablestoreConnectionOptions } from '../adapters/tablestore/tablestore-client';
import { MnsNotifier } from '../adapters/notify/mns-notifier';
import { StaticPipelineRegistry } from '../adapters/pipelines/static-pipeline-registry';
import { randomIds } from '../adapters/random-ids';
import { OssObjectStorage } from '../adapters/storage/oss-object-storage';
import { systemClock } from '../adapters/system-clock';
import { createFfmpegCapture } from '../capture/index';
import type { Pipeline } from '../core/model';
import type { Clock, JobStore } from '../core/ports';
import * as os from 'node:os';
import { createSnapshotService } from '../service/snapshot-service';
import type { RunnableSnapshotService } from '../service/snapshot-service';
import type { AdmissionLimits, ServiceLog } from '../service/service-deps';
import type { CloudConfig } from './config';

/** Cloud defaults of the limits the environment does not set (docs/local.md lists them). */
export const CLOUD_LIMIT_DEFAULTS = { syncWaitMs: 1000, maxAsyncBacklog: 1000, maxJobRuns: 3 } as const;

/** How long an instance trusts its count of unfinished async jobs (a listing of the job store). */
const BACKLOG_COUNT_TTL_MS = 10_000;

/**
 * The async backlog as the job store counts it, listed at most every BACKLOG_COUNT_TTL_MS per
 * instance. A listing that fails counts as no backlog: refusing work because the count is
 * unknown would turn a store hiccup into an outage of the API.
 */
function cachedBacklog(jobs: JobStore, clock: Clock, log?: ServiceLog): () => Promise<number> {
  let value = 0;
  let at = -Infinity;
  let inFlight: Promise<number> | undefined;
  return async () => {
    if (clock.now().getTime() - at < BACKLOG_COUNT_TTL_MS) return value;
    inFlight ??= jobs
      .listUnfinished()
      .then(
        (unfinished) => {
          value = unfinished.filter((j) => j.request.mode === 'async').length;
          at = clock.now().getTime();
          return value;
        },
        (e) => {
          log?.('backlog.count-failed', { error: String(e) });
          return value;
        },
      )
      .finally(() => (inFlight = undefined));
    return inFlight;
  };
}

export function cloudPipelines(cfg: CloudConfig): Pipeline[] {
  if (!cfg.pipelineId) return [];
  return [{ id: cfg.pipelineId, name: 'snapshot-pipeline', state: 'Active', topic: cfg.notifyTopic }];
}

export type CloudCredentials = CloudConfig['cloudCredentials'];

/** The Tablestore instance, signed with the freshest function-role credentials on every request. */
function tablestoreConnection(cfg: CloudConfig, latest: () => CloudCredentials): TablestoreConnectionOptions {
  return { endpoint: cfg.ots.endpoint, instanceName: cfg.ots.instanceName, ...cfg.cloudCredentials, refreshCredentials: latest };
}

/** Nonces accepted once across all API instances (the api role's replay protection). */
export function createCloudReplayGuard(cfg: CloudConfig, latest: () => CloudCredentials = () => cfg.cloudCredentials): TablestoreReplayGuard {
  return new TablestoreReplayGuard({ ...tablestoreConnection(cfg, latest), table: cfg.ots.nonceTable });
}

/**
 * `latest` returns the freshest function-role credentials seen (FC hands them to every invocation
 * in `x-fc-*` headers); the OSS and MNS clients ask for them when their STS token gets old, and
 * the dispatcher signs every InvokeFunction with them.
 */
export function createCloudService(
  cfg: CloudConfig,
  latest: () => CloudCredentials = () => cfg.cloudCredentials,
  log?: ServiceLog,
  clock: Clock = systemClock,
): RunnableSnapshotService {
  const credentials = cfg.cloudCredentials;
  const oss = {
    region: cfg.region,
    ...credentials,
    // Same region as the functions: the internal endpoint is free and faster.
    internal: cfg.ossEndpoint === undefined,
    endpoint: cfg.ossEndpoint,
    pathStyle: cfg.ossPathStyle,
    timeoutMs: cfg.ossTimeoutMs,
    refreshCredentials: credentials.securityToken
      ? async () => {
          const c = latest();
          return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken ?? '' };
        }
      : undefined,
  };
  const storage = new OssObjectStorage(oss);
  const warn = log && ((message: string) => log('storage.warning', { message }));
  const jobs = new TablestoreJobStore({ ...tablestoreConnection(cfg, latest), table: cfg.ots.jobTable, warn });
  const mns = { endpoint: cfg.mnsEndpoint, ...credentials, refreshCredentials: oss.refreshCredentials };
  const notifier = new MnsNotifier(mns);
  const dispatcher = new FcAsyncDispatcher({ endpoint: cfg.fcEndpoint, functionName: cfg.workerFunction, credentials: latest });
  const limits = { maxRunningJobs: Math.max(1, os.cpus().length), ...CLOUD_LIMIT_DEFAULTS, ...cfg.limits };
  const admission: AdmissionLimits = { ...limits, asyncBacklog: cachedBacklog(jobs, clock, log) };
  return createSnapshotService({
    storage,
    jobs,
    capture: createFfmpegCapture(),
    notifier,
    pipelines: new StaticPipelineRegistry(cloudPipelines(cfg), cfg.pipelineId),
    dispatcher,
    clock,
    ids: randomIds,
    region: cfg.region,
    syncTimeoutMs: cfg.syncTimeoutMs,
    log,
    admission,
    maxJobRuns: limits.maxJobRuns,
    announcement: { baseDelayMs: cfg.announceRetryBaseMs, maxDelayMs: cfg.announceRetryMaxMs, leaseMs: 60_000 },
  });
}
