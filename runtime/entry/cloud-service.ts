/**
 * The service as it runs in Function Compute: OSS buckets and job records, MNS notifications,
 * and async jobs handed to the worker function by FC's asynchronous invocation.
 */
import { FcAsyncDispatcher } from '../adapters/dispatch/fc-async-dispatcher';
import { OssJobStore } from '../adapters/job-store/oss-job-store';
import { MnsNotifier } from '../adapters/notify/mns-notifier';
import { StaticPipelineRegistry } from '../adapters/pipelines/static-pipeline-registry';
import { randomIds } from '../adapters/random-ids';
import { OssObjectStorage } from '../adapters/storage/oss-object-storage';
import { systemClock } from '../adapters/system-clock';
import { createFfmpegCapture } from '../capture/index';
import type { Pipeline } from '../core/model';
import { createSnapshotService } from '../service/snapshot-service';
import type { RunnableSnapshotService } from '../service/snapshot-service';
import type { ServiceLog } from '../service/service-deps';
import type { CloudConfig } from './config';

export function cloudPipelines(cfg: CloudConfig): Pipeline[] {
  if (!cfg.pipelineId) return [];
  return [{ id: cfg.pipelineId, name: 'snapshot-pipeline', state: 'Active', topic: cfg.notifyTopic }];
}

export type CloudCredentials = CloudConfig['cloudCredentials'];

/**
 * `latest` returns the freshest function-role credentials seen (FC hands them to every invocation
 * in `x-fc-*` headers); the OSS and MNS clients ask for them when their STS token gets old, and
 * the dispatcher signs every InvokeFunction with them.
 */
export function createCloudService(
  cfg: CloudConfig,
  latest: () => CloudCredentials = () => cfg.cloudCredentials,
  log?: ServiceLog,
): RunnableSnapshotService {
  const credentials = cfg.cloudCredentials;
  const oss = {
    region: cfg.region,
    ...credentials,
    // Same region as the functions: the internal endpoint is free and faster.
    internal: cfg.ossEndpoint === undefined,
    endpoint: cfg.ossEndpoint,
    pathStyle: cfg.ossPathStyle,
    refreshCredentials: credentials.securityToken
      ? async () => {
          const c = latest();
          return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken ?? '' };
        }
      : undefined,
  };
  const storage = new OssObjectStorage(oss);
  const warn = log && ((message: string) => log('storage.warning', { message }));
  const jobs = new OssJobStore({ ...oss, bucket: cfg.jobBucket, prefix: cfg.jobPrefix, warn });
  const mns = { endpoint: cfg.mnsEndpoint, ...credentials, refreshCredentials: oss.refreshCredentials };
  const notifier = new MnsNotifier(mns);
  const dispatcher = new FcAsyncDispatcher({ endpoint: cfg.fcEndpoint, functionName: cfg.workerFunction, credentials: latest });
  return createSnapshotService({
    storage,
    jobs,
    capture: createFfmpegCapture(),
    notifier,
    pipelines: new StaticPipelineRegistry(cloudPipelines(cfg), cfg.pipelineId),
    dispatcher,
    clock: systemClock,
    ids: randomIds,
    region: cfg.region,
    syncTimeoutMs: cfg.syncTimeoutMs,
    log,
  });
}
