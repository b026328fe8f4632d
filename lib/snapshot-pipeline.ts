/**
 * SnapshotPipeline: one environment of the MPS-compatible snapshot service. Composes the storage,
 * messaging, access and compute parts, owns the props (validated together) and the outputs.
 */
import { Construct } from 'constructs';
import { Fn, TerraformOutput } from 'cdktf';
import { DataAlicloudAccount } from '../.gen/providers/alicloud/data-alicloud-account';
import { DataAlicloudRegions } from '../.gen/providers/alicloud/data-alicloud-regions';
import { arn, createFunctionRole, IRamRoleRef, PolicyStatement, RoleGrant, ServiceRole } from './access';
import { defaultLayerArns, functionEnvironments, functionName, FunctionSizing, maxAsyncEventAgeSeconds, SnapshotCompute, SnapshotComputeProps, SnapshotLogs, STALE_JOB_MARGIN_SECONDS } from './compute';
import { checkEnvironments } from './function-environment';
import { defaultInstanceName, jobTableProblems, SnapshotJobTable } from './job-table';
import { SnapshotMessaging } from './messaging';
import { defaultNamePrefix, derivePipelineId, isToken, namePrefixProblem, ossBucketNameProblem } from './naming';
import { RuntimeBundle } from './runtime-bundle';
import { BucketEncryption, SnapshotStorage } from './storage';

export interface SnapshotPipelineProps {
  /**
   * The API's callers: JSON `[{"accessKeyId":"..","accessKeySecret":".."}]`. Clients sign MPS
   * requests with these keys and the runtime verifies the signatures. Secret: pass a token (a
   * sensitive `TerraformVariable`), not a literal, so the keys stay out of the synthesized JSON.
   * They reach the API function as an environment variable, and FC allows 4 KB for all of them
   * together: a literal is measured at synth, a token at plan time (about 40 key pairs fit).
   */
  readonly apiAccessKeys: string;

  /**
   * Start of every resource name (buckets, topics, queue, functions, roles, log project).
   * 3..24 lower-case letters, digits and hyphens, starting with a letter.
   * @default - the construct id, lower-cased, plus six hex characters of the pipeline id
   */
  readonly namePrefix?: string;
  /**
   * The MPS pipeline id jobs name to be announced on the notification topic (32 lower-case hex).
   * Set it to keep the id your applications already use with MPS.
   * @default - derived from the construct path: stable across synths, unique per construct
   */
  readonly pipelineId?: string;
  /**
   * Region of the resources (the provider's region; used in ARNs, layer ARNs and the MNS endpoint).
   * @default - the region of the stack's alicloud provider (`data.alicloud_regions` current)
   */
  readonly region?: string;
  /**
   * Alibaba Cloud account id (used in ARNs, default bucket names and the MNS endpoint).
   * @default - the account of the provider's credentials (`data.alicloud_account`)
   */
  readonly accountId?: string;

  /**
   * Name of the input bucket to create.
   * @default - `<namePrefix>-input-<accountId>`
   */
  readonly inputBucketName?: string;
  /**
   * Use this bucket for inputs instead of creating one. The pipeline only reads from it and
   * leaves its settings alone.
   * @default - a private, encrypted bucket is created
   */
  readonly existingInputBucketName?: string;
  /**
   * Name of the output bucket to create.
   * @default - `<namePrefix>-output-<accountId>`
   */
  readonly outputBucketName?: string;
  /**
   * Use this bucket for snapshots instead of creating one (its settings are left
   * alone: no lifecycle rules are added).
   * @default - a private, encrypted bucket is created
   */
  readonly existingOutputBucketName?: string;
  /**
   * Server-side encryption of created buckets.
   * @default 'AES256'
   */
  readonly encryption?: BucketEncryption;
  /**
   * KMS key id for `encryption: 'KMS'`.
   * @default - the OSS-managed KMS key
   */
  readonly kmsKeyId?: string;
  /**
   * Keep previous versions of overwritten or deleted objects in created buckets. Snapshots can
   * be regenerated and videos are large, so versioning mostly adds storage cost.
   * @default false
   */
  readonly versioned?: boolean;
  /**
   * Days after which previous versions expire (only when `versioned`).
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Delete input videos this many days after upload (created input bucket only).
   * @default - inputs are kept
   */
  readonly inputExpirationDays?: number;
  /**
   * Delete snapshots this many days after they were written (created output bucket only).
   * @default - snapshots are kept (applications usually serve them as long as the video)
   */
  readonly outputExpirationDays?: number;
  /**
   * Delete job records this many days after they were last written (the job table's TTL).
   * After that, `QuerySnapshotJobList` no longer finds the job.
   * @default 90
   */
  readonly jobRecordExpirationDays?: number;
  /**
   * Name of the Tablestore instance to create for job records and nonces (3..16 letters, digits,
   * hyphens; unique in the region across all accounts, as it names the endpoint).
   * @default - the first 9 letters and digits of `namePrefix`, a hyphen and 6 hex of the pipeline id
   */
  readonly tablestoreInstanceName?: string;
  /**
   * Use this Tablestore instance instead of creating one (in the stack's region). The tables are
   * created in it.
   * @default - a capacity (pay-as-you-go) instance is created
   */
  readonly existingTablestoreInstanceName?: string;
  /**
   * Name of the job table (its five secondary indexes are named `<jobTableName>_<shape>`).
   * @default - `<namePrefix>_jobs` with hyphens as underscores
   */
  readonly jobTableName?: string;
  /**
   * Name of the table of accepted signature nonces (rows expire after a day).
   * @default - `<namePrefix>_nonces` with hyphens as underscores
   */
  readonly nonceTableName?: string;
  /**
   * Let `terraform destroy` delete created buckets that still hold objects.
   * @default false
   */
  readonly forceDestroy?: boolean;

  /**
   * Memory of the API function, in MB (multiple of 64). It captures sync snapshots itself.
   * @default 2048
   */
  readonly apiMemoryMb?: number;
  /**
   * vCPUs of the API function (0.05 steps; 1 to 4 GB of memory per vCPU).
   * @default 1
   */
  readonly apiCpu?: number;
  /**
   * Timeout of the API function, in seconds; must exceed `syncTimeoutMs`.
   * @default 30
   */
  readonly apiTimeoutSeconds?: number;
  /**
   * Requests one API instance serves at once (most wait on OSS; sync captures use the CPU).
   * @default 4
   */
  readonly apiInstanceConcurrency?: number;
  /**
   * Upper bound on API instances (`alicloud_fcv3_concurrency_config`).
   * @default - no limit beyond the account quota
   */
  readonly apiMaxInstances?: number;
  /**
   * Memory of the worker function, in MB (multiple of 64). Sprites of 4K video need more.
   * @default 4096
   */
  readonly workerMemoryMb?: number;
  /**
   * vCPUs of the worker (decoding 1080p H.264/H.265 uses two well).
   * @default 2
   */
  readonly workerCpu?: number;
  /**
   * Timeout of the worker, in seconds: the longest async job (sprites over a feature-length 1080p
   * video take a few minutes with key-frame decoding).
   * @default 1800
   */
  readonly workerTimeoutSeconds?: number;
  /**
   * Disk of each worker instance, in MB: 512 or 10240.
   * @default 512
   */
  readonly workerDiskMb?: number;
  /**
   * Upper bound on worker instances, i.e. async jobs running at once.
   * @default - no limit beyond the account quota
   */
  readonly workerMaxInstances?: number;
  /**
   * How often Function Compute retries a failed async job (0..8).
   * @default 2
   */
  readonly workerMaxRetries?: number;
  /**
   * When the worker sweeps for stale jobs (async jobs whose every delivery failed, sync jobs whose
   * caller is gone), in FC timer trigger syntax: `@every <n>m` / `@every <n>h`, or a six-field
   * cron expression in UTC (`0 0/15 * * * *`). Each sweep is one short worker invocation.
   * @default '@every 10m'
   */
  readonly staleJobSweepCron?: string;
  /**
   * Minutes after its last dispatch when an unfinished job counts as stale and the sweep
   * re-dispatches it (or fails it). The worker's async event age limit is set to this minus
   * `workerTimeoutSeconds` minus 5 minutes, so no delivery can still be running by then; it must
   * therefore exceed the worker timeout by at least 6 minutes.
   * @default - twice `workerTimeoutSeconds` plus 10 minutes (70 with the default timeout)
   */
  readonly staleJobMinutes?: number;
  /**
   * Times the sweep re-dispatches a stale async job before failing it with `InternalError`
   * ("did not finish after N attempts"); the failure is announced like any finished job.
   * @default 2
   */
  readonly staleJobMaxRedispatches?: number;
  /**
   * Deadline of sync (single-snapshot) requests, in ms; past it the answer is SnapshotTimeOut.
   * @default 5000
   */
  readonly syncTimeoutMs?: number;
  /**
   * Jobs one function instance runs at once, sync and async together (SNAPSHOT_MAX_RUNNING_JOBS);
   * sync requests beyond it wait `syncWaitMs` for a slot, then get `Throttling`.
   * @default - the instance's CPU cores
   */
  readonly maxRunningJobs?: number;
  /**
   * How long a sync request waits for a free slot before it is refused with `Throttling` and
   * `x-acs-retry-after` (SNAPSHOT_SYNC_WAIT_MS), in ms; must be below `syncTimeoutMs`.
   * @default 1000
   */
  readonly syncWaitMs?: number;
  /**
   * Unfinished async jobs beyond which `SubmitSnapshotJob` answers `Throttling`
   * (SNAPSHOT_MAX_ASYNC_BACKLOG), counted by the API function in the job table.
   * @default 1000
   */
  readonly maxAsyncBacklog?: number;
  /**
   * Runs a job may start before it is failed instead of run again: a job whose runs keep dying
   * with their process (poison job) ends `Fail` (SNAPSHOT_MAX_JOB_RUNS).
   * @default 3
   */
  readonly maxJobRuns?: number;
  /**
   * Layers of both functions: Node.js 20 (at /opt/nodejs20) and FFmpeg (at /opt/bin/ffmpeg).
   * @default - the official `Nodejs20` v3 and `FFmpeg6x` v1 layers of the region
   */
  readonly layerArns?: string[];
  /**
   * A folder with a prebuilt runtime (`index.js`) to deploy instead of bundling this package's.
   * @default - `runtime/entry/fc-server.ts` bundled with esbuild
   */
  readonly codeDirectory?: string;

  /**
   * Log Service project the functions log to; give it with `existingLogStoreName`.
   * @default - a project `<namePrefix>-logs-<accountId>` with one log store is created
   */
  readonly existingLogProjectName?: string;
  /**
   * Log store in `existingLogProjectName`.
   * @default - created with the project
   */
  readonly existingLogStoreName?: string;
  /**
   * Days a created log store keeps logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * How long an unread notification waits in the queue, in seconds (60..604800).
   * @default 345600 (4 days)
   */
  readonly notificationRetentionSeconds?: number;
  /**
   * Tags for every taggable resource.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

const ACCOUNT_RE = /^\d{5,20}$/;
const REGION_RE = /^[a-z]{2,}(-[a-z0-9]+)+$/;

type Problems = string[];

const num = (problems: Problems, name: string, v: number | undefined, min: number, max: number, integer = true) => {
  if (v === undefined || isToken(v)) return;
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    problems.push(`${name} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${v}`);
  }
};

function checkSizing(problems: Problems, fn: 'api' | 'worker', s: FunctionSizing): void {
  num(problems, `${fn}MemoryMb`, s.memoryMb, 128, 32768);
  if (!isToken(s.memoryMb) && Number.isInteger(s.memoryMb) && s.memoryMb % 64 !== 0) problems.push(`${fn}MemoryMb must be a multiple of 64, got ${s.memoryMb}`);
  num(problems, `${fn}Cpu`, s.cpu, 0.05, 16, false);
  if (!isToken(s.cpu) && Math.abs(Math.round(s.cpu * 20) - s.cpu * 20) > 1e-9) problems.push(`${fn}Cpu must be a multiple of 0.05, got ${s.cpu}`);
  if (!isToken(s.cpu) && !isToken(s.memoryMb) && s.cpu > 0) {
    const gbPerCpu = s.memoryMb / 1024 / s.cpu;
    if (gbPerCpu < 1 || gbPerCpu > 4) problems.push(`${fn}MemoryMb / ${fn}Cpu must be 1..4 GB per vCPU, got ${s.memoryMb} MB for ${s.cpu} vCPU`);
  }
  num(problems, `${fn}TimeoutSeconds`, s.timeoutSeconds, 1, 86400);
  if (!isToken(s.diskMb) && s.diskMb !== 512 && s.diskMb !== 10240) problems.push(`${fn}DiskMb must be 512 or 10240, got ${s.diskMb}`);
  num(problems, `${fn}InstanceConcurrency`, s.instanceConcurrency, 1, 200);
  num(problems, `${fn}MaxInstances`, s.maxInstances, 1, 10000);
}

function checkBucket(problems: Problems, prop: string, name: string | undefined): void {
  if (name === undefined || isToken(name)) return;
  const problem = ossBucketNameProblem(name);
  if (problem) problems.push(`${prop} "${name}" is not a valid OSS bucket name: it ${problem}`);
}

function checkAccessKeys(problems: Problems, raw: string | undefined): void {
  if (raw === undefined || raw === '') {
    problems.push('apiAccessKeys is required: JSON [{"accessKeyId":"..","accessKeySecret":".."}] (the keys API callers sign with)');
    return;
  }
  if (isToken(raw)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('apiAccessKeys is not valid JSON');
    return;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length > 0 &&
    parsed.every((k) => k && typeof k === 'object' && typeof k.accessKeyId === 'string' && k.accessKeyId !== '' && typeof k.accessKeySecret === 'string' && k.accessKeySecret !== '');
  if (!ok) problems.push('apiAccessKeys must be a non-empty JSON array of {"accessKeyId","accessKeySecret"} with non-empty strings');
}

const EVERY_RE = /^@every\s+(?:(\d+)h)?(?:(\d+)m)?$/;
const CRON_FIELD_RE = /^[0-9A-Za-z*?,/-]+$/;

function checkSweepCron(problems: Problems, cron: string | undefined): void {
  if (cron === undefined || isToken(cron)) return;
  const every = EVERY_RE.exec(cron.trim());
  if (every) {
    if ((every[1] !== undefined || every[2] !== undefined) && Number(every[1] ?? 0) * 60 + Number(every[2] ?? 0) >= 1) return;
  } else {
    const fields = cron.trim().split(/\s+/);
    if (fields.length === 6 && fields.every((f) => CRON_FIELD_RE.test(f))) return;
  }
  problems.push(`staleJobSweepCron must be "@every <n>m", "@every <n>h" (at least 1 minute) or a six-field cron expression (sec min hour day month weekday), got "${cron}"`);
}

/** Default stale threshold: a full worker run after the longest a dispatch may wait, plus slack. */
export function defaultStaleJobMinutes(workerTimeoutSeconds: number): number {
  return Math.ceil((2 * workerTimeoutSeconds + 600) / 60);
}

function checkStaleJobs(problems: Problems, props: SnapshotPipelineProps, worker: FunctionSizing): void {
  checkSweepCron(problems, props.staleJobSweepCron);
  num(problems, 'staleJobMinutes', props.staleJobMinutes, 1, 10080);
  num(problems, 'staleJobMaxRedispatches', props.staleJobMaxRedispatches, 0, 100);
  if (props.staleJobMinutes === undefined && isToken(worker.timeoutSeconds)) {
    problems.push('staleJobMinutes must be given when workerTimeoutSeconds is a token (its default is derived from the timeout)');
  }
  const minutes = props.staleJobMinutes;
  if (minutes === undefined || isToken(minutes) || isToken(worker.timeoutSeconds) || !Number.isInteger(minutes) || minutes < 1 || minutes > 10080) return;
  if (maxAsyncEventAgeSeconds(minutes, worker.timeoutSeconds) < 60) {
    const least = Math.ceil((worker.timeoutSeconds + STALE_JOB_MARGIN_SECONDS + 60) / 60);
    problems.push(`staleJobMinutes (${minutes}) must be at least ${least}: workerTimeoutSeconds (${worker.timeoutSeconds} s) plus 6 minutes, or the sweep could re-dispatch a job a worker still runs`);
  }
}

/** Every prop checked at once; one error lists every problem. */
export function validateProps(props: SnapshotPipelineProps, resolved: { api: FunctionSizing; worker: FunctionSizing }): void {
  const p: Problems = [];
  checkAccessKeys(p, props.apiAccessKeys);
  if (props.namePrefix !== undefined && !isToken(props.namePrefix)) {
    const problem = namePrefixProblem(props.namePrefix);
    if (problem) p.push(`namePrefix "${props.namePrefix}" ${problem}`);
  }
  if (isToken(props.namePrefix)) p.push('namePrefix must be a literal string (it names resources at synth time), got a token');
  if (props.pipelineId !== undefined && !isToken(props.pipelineId) && !/^[0-9a-f]{32}$/.test(props.pipelineId)) {
    p.push(`pipelineId must be 32 lower-case hex characters, got "${props.pipelineId}"`);
  }
  if (props.region !== undefined && !isToken(props.region) && !REGION_RE.test(props.region)) p.push(`region must be a region id like cn-hangzhou, got "${props.region}"`);
  if (props.accountId !== undefined && !isToken(props.accountId) && !ACCOUNT_RE.test(props.accountId)) p.push(`accountId must be the numeric account id, got "${props.accountId}"`);

  checkBucket(p, 'inputBucketName', props.inputBucketName);
  checkBucket(p, 'existingInputBucketName', props.existingInputBucketName);
  checkBucket(p, 'outputBucketName', props.outputBucketName);
  checkBucket(p, 'existingOutputBucketName', props.existingOutputBucketName);
  if (props.inputBucketName !== undefined && props.existingInputBucketName !== undefined) p.push('inputBucketName and existingInputBucketName are exclusive: name the bucket to create, or the one to use');
  if (props.outputBucketName !== undefined && props.existingOutputBucketName !== undefined) p.push('outputBucketName and existingOutputBucketName are exclusive: name the bucket to create, or the one to use');
  if (props.inputBucketName !== undefined && props.inputBucketName === props.outputBucketName) p.push(`inputBucketName and outputBucketName must differ (both "${props.inputBucketName}")`);

  if (props.encryption !== undefined && props.encryption !== 'AES256' && props.encryption !== 'KMS') p.push(`encryption must be "AES256" or "KMS", got "${props.encryption}"`);
  if (props.kmsKeyId !== undefined && props.encryption !== 'KMS') p.push('kmsKeyId is only used with encryption: "KMS"');
  num(p, 'noncurrentVersionExpirationDays', props.noncurrentVersionExpirationDays, 1, 36500);
  num(p, 'inputExpirationDays', props.inputExpirationDays, 1, 36500);
  num(p, 'outputExpirationDays', props.outputExpirationDays, 1, 36500);
  num(p, 'jobRecordExpirationDays', props.jobRecordExpirationDays, 1, 24855);
  p.push(...jobTableProblems(props, isToken));

  checkSizing(p, 'api', resolved.api);
  checkSizing(p, 'worker', resolved.worker);
  num(p, 'workerMaxRetries', props.workerMaxRetries, 0, 8);
  num(p, 'syncTimeoutMs', props.syncTimeoutMs, 100, 600000);
  // The same bounds the runtime's configuration accepts (runtime/entry/config.ts).
  num(p, 'maxRunningJobs', props.maxRunningJobs, 1, 256);
  num(p, 'syncWaitMs', props.syncWaitMs, 0, 60000);
  num(p, 'maxAsyncBacklog', props.maxAsyncBacklog, 1, 1000000);
  num(p, 'maxJobRuns', props.maxJobRuns, 1, 100);
  const syncMs = props.syncTimeoutMs ?? 5000;
  if (props.syncWaitMs !== undefined && !isToken(props.syncWaitMs) && !isToken(syncMs) && props.syncWaitMs >= syncMs) {
    p.push(`syncWaitMs (${props.syncWaitMs}) must be below syncTimeoutMs (${syncMs}): a request that waited that long could not finish in time`);
  }
  if (!isToken(syncMs) && !isToken(resolved.api.timeoutSeconds) && syncMs >= resolved.api.timeoutSeconds * 1000) {
    p.push(`syncTimeoutMs (${syncMs}) must be below apiTimeoutSeconds (${resolved.api.timeoutSeconds} s), or FC ends sync requests before they can answer SnapshotTimeOut`);
  }
  if (props.layerArns !== undefined && !isToken(props.layerArns)) {
    if (props.layerArns.length === 0) p.push('layerArns must list the Node.js 20 and FFmpeg layers (or leave it unset for the official ones)');
    for (const l of props.layerArns) if (!isToken(l) && !/^acs:fc:[a-z0-9-]+:[a-z0-9]+:layers\/[^/]+\/versions\/\d+$/.test(l)) p.push(`layerArns entry "${l}" is not a layer version ARN (acs:fc:<region>:<owner>:layers/<name>/versions/<n>)`);
  }
  if ((props.existingLogProjectName === undefined) !== (props.existingLogStoreName === undefined)) {
    p.push('existingLogProjectName and existingLogStoreName must be given together');
  }
  num(p, 'logRetentionDays', props.logRetentionDays, 1, 3650);
  num(p, 'notificationRetentionSeconds', props.notificationRetentionSeconds, 60, 604800);
  checkStaleJobs(p, props, resolved.worker);

  if (p.length) throw new Error(`Invalid SnapshotPipeline props:\n  ${p.join('\n  ')}`);
}

export class SnapshotPipeline extends Construct {
  /** The MPS pipeline id to pass as `PipelineId` so finished jobs are announced. */
  readonly pipelineId: string;
  /** Start of every resource name. */
  readonly namePrefix: string;
  /** The endpoint to give the MPS SDKs (the API function's HTTP trigger URL). */
  readonly apiEndpoint: string;
  readonly inputBucketName: string;
  readonly outputBucketName: string;
  readonly notificationTopicName: string;
  readonly notificationQueueName: string;
  readonly apiFunctionName: string;
  readonly workerFunctionName: string;
  /** ARN of the role both functions run as. */
  readonly functionRoleArn: string;
  readonly region: string;
  readonly accountId: string;
  /** Tablestore instance, tables and endpoint of the job records and nonces. */
  readonly tablestoreInstanceName: string;
  readonly jobTableName: string;
  readonly nonceTableName: string;
  readonly tablestoreEndpoint: string;

  readonly storage: SnapshotStorage;
  readonly jobTable: SnapshotJobTable;
  readonly messaging: SnapshotMessaging;
  readonly logs: SnapshotLogs;
  readonly functionRole: ServiceRole;
  readonly compute: SnapshotCompute;
  readonly code: RuntimeBundle;
  private grantCount = 0;

  constructor(scope: Construct, id: string, props: SnapshotPipelineProps) {
    super(scope, id);
    const api: FunctionSizing = {
      memoryMb: props.apiMemoryMb ?? 2048,
      cpu: props.apiCpu ?? 1,
      diskMb: 512,
      timeoutSeconds: props.apiTimeoutSeconds ?? 30,
      instanceConcurrency: props.apiInstanceConcurrency ?? 4,
      maxInstances: props.apiMaxInstances,
    };
    const worker: FunctionSizing = {
      memoryMb: props.workerMemoryMb ?? 4096,
      cpu: props.workerCpu ?? 2,
      diskMb: props.workerDiskMb ?? 512,
      timeoutSeconds: props.workerTimeoutSeconds ?? 1800,
      // One job saturates the instance's CPUs; parallel jobs get their own instances.
      instanceConcurrency: 1,
      maxInstances: props.workerMaxInstances,
    };
    validateProps(props, { api, worker });

    this.pipelineId = props.pipelineId ?? derivePipelineId(this);
    this.namePrefix = props.namePrefix ?? defaultNamePrefix(this, this.pipelineId);
    this.region = props.region ?? Fn.element(new DataAlicloudRegions(this, 'CurrentRegion', { current: true }).ids, 0);
    this.accountId = props.accountId ?? new DataAlicloudAccount(this, 'Account', {}).id;
    const prefix = this.namePrefix;

    this.storage = new SnapshotStorage(this, 'Storage', {
      accountId: this.accountId,
      inputBucketName: props.inputBucketName ?? `${prefix}-input-${this.accountId}`,
      existingInputBucketName: props.existingInputBucketName,
      outputBucketName: props.outputBucketName ?? `${prefix}-output-${this.accountId}`,
      existingOutputBucketName: props.existingOutputBucketName,
      encryption: props.encryption ?? 'AES256',
      kmsKeyId: props.kmsKeyId,
      versioned: props.versioned ?? false,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? 30,
      forceDestroy: props.forceDestroy ?? false,
      inputExpirationDays: props.inputExpirationDays,
      outputExpirationDays: props.outputExpirationDays,
      tags: props.tags,
    });
    this.inputBucketName = this.storage.inputBucketName;
    this.outputBucketName = this.storage.outputBucketName;

    const tableBase = prefix.replace(/-/g, '_');
    this.jobTable = new SnapshotJobTable(this, 'JobTable', {
      region: this.region,
      instanceName: props.tablestoreInstanceName ?? defaultInstanceName(prefix, this.pipelineId),
      existingInstanceName: props.existingTablestoreInstanceName,
      jobTableName: props.jobTableName ?? `${tableBase}_jobs`,
      nonceTableName: props.nonceTableName ?? `${tableBase}_nonces`,
      jobRecordExpirationDays: props.jobRecordExpirationDays ?? 90,
      tags: props.tags,
    });
    this.tablestoreInstanceName = this.jobTable.instanceName;
    this.jobTableName = this.jobTable.jobTableName;
    this.nonceTableName = this.jobTable.nonceTableName;
    this.tablestoreEndpoint = this.jobTable.endpoint;

    this.messaging = new SnapshotMessaging(this, 'Messaging', {
      namePrefix: prefix,
      notificationRetentionSeconds: props.notificationRetentionSeconds ?? 345600,
      tags: props.tags,
    });
    this.notificationTopicName = this.messaging.notificationTopicName;
    this.notificationQueueName = this.messaging.notificationQueueName;

    this.logs = new SnapshotLogs(this, 'Logs', {
      projectName: `${prefix}-logs-${this.accountId}`,
      existingProjectName: props.existingLogProjectName,
      existingLogStoreName: props.existingLogStoreName,
      retentionDays: props.logRetentionDays ?? 30,
      tags: props.tags,
    });

    this.functionRole = createFunctionRole(this, 'FunctionRole', {
      roleName: `${prefix}-fn`,
      region: this.region,
      accountId: this.accountId,
      inputBucketName: this.inputBucketName,
      outputBucketName: this.outputBucketName,
      tablestore: { instanceName: this.tablestoreInstanceName, jobTableName: this.jobTableName, indexNames: this.jobTable.indexNames, nonceTableName: this.nonceTableName },
      notificationTopicName: this.notificationTopicName,
      workerFunctionName: functionName(prefix, 'worker'),
      logProjectName: this.logs.projectName,
      logStoreName: this.logs.logStoreName,
      tags: props.tags,
    });
    this.functionRoleArn = this.functionRole.roleArn;

    this.code = new RuntimeBundle(this, 'Code', { codeDirectory: props.codeDirectory });

    const computeProps: SnapshotComputeProps = {
      namePrefix: prefix,
      role: this.functionRole,
      zipFileBase64: this.code.zipFileBase64,
      layerArns: props.layerArns ?? defaultLayerArns(this.region),
      api,
      worker,
      apiAccessKeys: props.apiAccessKeys,
      logs: this.logs,
      workerMaxRetries: props.workerMaxRetries ?? 2,
      staleJobs: {
        sweepCron: props.staleJobSweepCron ?? '@every 10m',
        staleMinutes: props.staleJobMinutes ?? defaultStaleJobMinutes(worker.timeoutSeconds),
        maxRedispatches: props.staleJobMaxRedispatches ?? 2,
      },
      tags: props.tags,
      environment: {
        SNAPSHOT_REGION: this.region,
        SNAPSHOT_ACCOUNT_ID: this.accountId,
        SNAPSHOT_INPUT_BUCKET: this.inputBucketName,
        SNAPSHOT_OUTPUT_BUCKET: this.outputBucketName,
        SNAPSHOT_OTS_ENDPOINT: this.tablestoreEndpoint,
        SNAPSHOT_OTS_INSTANCE: this.tablestoreInstanceName,
        SNAPSHOT_OTS_JOB_TABLE: this.jobTableName,
        SNAPSHOT_OTS_NONCE_TABLE: this.nonceTableName,
        SNAPSHOT_PIPELINE_ID: this.pipelineId,
        SNAPSHOT_NOTIFY_TOPIC: this.notificationTopicName,
        SNAPSHOT_MNS_ENDPOINT: `https://${this.accountId}.mns.${this.region}.aliyuncs.com`,
        SNAPSHOT_WORKER_FUNCTION: functionName(prefix, 'worker'),
        // The public endpoint: the functions have internet access, and an InvokeFunction is a few bytes.
        SNAPSHOT_FC_ENDPOINT: `https://${this.accountId}.${this.region}.fc.aliyuncs.com`,
        SNAPSHOT_SYNC_TIMEOUT_MS: String(props.syncTimeoutMs ?? 5000),
        // Backpressure and poison-job limits: only those set, so the runtime's defaults apply otherwise.
        ...definedAsStrings({
          SNAPSHOT_MAX_RUNNING_JOBS: props.maxRunningJobs,
          SNAPSHOT_SYNC_WAIT_MS: props.syncWaitMs,
          SNAPSHOT_MAX_ASYNC_BACKLOG: props.maxAsyncBacklog,
          SNAPSHOT_MAX_JOB_RUNS: props.maxJobRuns,
        }),
        // The FFmpeg6x layer's README documents /opt/bin/ffmpeg; ffprobe is not documented, so the
        // runtime is given ffmpeg only (FFPROBE_PATH stays unset).
        FFMPEG_PATH: '/opt/bin/ffmpeg',
      },
    };
    // FC's 4 KB limit on all environment variables: measured now, or left to a plan-time check for keys given as a token.
    const envCheck = checkEnvironments(functionEnvironments(computeProps));
    if (envCheck.problems.length) throw new Error(`Invalid SnapshotPipeline props:\n  ${envCheck.problems.join('\n  ')}`);
    this.compute = new SnapshotCompute(this, 'Compute', { ...computeProps, apiAccessKeysBudget: envCheck.accessKeysBudget });
    this.apiFunctionName = this.compute.apiFunction.functionName;
    this.workerFunctionName = this.compute.workerFunction.functionName;
    this.apiEndpoint = this.compute.apiEndpoint;

    const out = (oid: string, value: string, description: string) => new TerraformOutput(this, oid, { value, description });
    out('api_endpoint', this.apiEndpoint, 'Endpoint for the MPS SDKs (SubmitSnapshotJob, QuerySnapshotJobList)');
    out('pipeline_id', this.pipelineId, 'PipelineId that announces finished jobs on the notification topic');
    out('input_bucket', this.inputBucketName, 'Bucket the videos are read from');
    out('output_bucket', this.outputBucketName, 'Bucket snapshots are written to');
    out('tablestore_instance', this.tablestoreInstanceName, 'Tablestore instance holding the job records and nonces');
    out('tablestore_endpoint', this.tablestoreEndpoint, 'Endpoint of the Tablestore instance');
    out('job_table', this.jobTableName, 'Tablestore table of job records (QuerySnapshotJobList reads it)');
    out('nonce_table', this.nonceTableName, 'Tablestore table of accepted signature nonces');
    out('notification_topic', this.notificationTopicName, 'MNS topic finished jobs are announced on');
    out('notification_queue', this.notificationQueueName, 'MNS queue subscribed to the notification topic');
    out('api_function', this.apiFunctionName, 'Function Compute function serving the API');
    out('worker_function', this.workerFunctionName, 'Function Compute function running async jobs');
    out('function_role_arn', this.functionRoleArn, 'RAM role both functions run as');
  }

  /**
   * Lets `role` do what an application around the API does: upload videos to the input bucket
   * and read snapshots from the output bucket. The API call itself is authenticated with one of
   * `apiAccessKeys` (MPS signatures), not with RAM.
   */
  grantSubmit(role: IRamRoleRef): RoleGrant {
    return this.grant('submit', role, [
      { Effect: 'Allow', Action: ['oss:PutObject'], Resource: [arn.ossObjects(this.accountId, this.inputBucketName)] },
      { Effect: 'Allow', Action: ['oss:GetObject'], Resource: [arn.ossObjects(this.accountId, this.outputBucketName)] },
    ]);
  }

  /** Lets `role` read snapshots from the output bucket. */
  grantReadResults(role: IRamRoleRef): RoleGrant {
    return this.grant('read', role, [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: [arn.ossObjects(this.accountId, this.outputBucketName)] }]);
  }

  /** Lets `role` pull notifications from the queue (receive, delete, extend visibility). */
  grantConsumeNotifications(role: IRamRoleRef): RoleGrant {
    return this.grant('notify', role, [
      {
        Effect: 'Allow',
        Action: ['mns:ReceiveMessage', 'mns:DeleteMessage', 'mns:ChangeMessageVisibility'],
        Resource: [arn.mnsQueueMessages(this.region, this.accountId, this.notificationQueueName)],
      },
    ]);
  }

  private grant(kind: string, role: IRamRoleRef, statements: PolicyStatement[]): RoleGrant {
    const n = ++this.grantCount;
    return new RoleGrant(this, `Grant${n}`, { policyName: `${this.namePrefix}-${kind}-${n}`, role, statements });
  }
}

/** The entries whose value is set, as strings (environment variables). */
function definedAsStrings(entries: Record<string, number | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}
