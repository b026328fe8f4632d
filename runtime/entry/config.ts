/**
 * Environment parsing for the two ways the runtime starts: `npm start` (local-main) and the
 * Function Compute custom runtime (fc-server). Every problem is collected and reported at once,
 * so a misconfigured function fails at cold start with one readable message instead of on the
 * first request.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const REGION_RE = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const BUCKET_RE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const PIPELINE_RE = /^[a-f0-9]{32}$/;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  optional(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  required(name: string): string {
    const v = this.optional(name);
    if (v === undefined) this.problems.push(`${name} is required`);
    return v ?? '';
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  }

  matching(name: string, value: string | undefined, re: RegExp, what: string): void {
    if (value !== undefined && value !== '' && !re.test(value)) this.problems.push(`${name} must be ${what}, got "${value}"`);
  }

  done(): void {
    if (this.problems.length) throw new ConfigError(this.problems);
  }
}

/** What `npm start` reads. Everything is optional; unset keys are generated and kept in the data dir. */
export interface LocalConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly region: string;
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  readonly syncTimeoutMs?: number;
  readonly workerConcurrency?: number;
  /** Only the limits set in the environment; the service fills in its defaults. */
  readonly limits: Partial<ServiceLimits>;
}

/** Backpressure and poison-job limits, the same variables for `npm start` and the functions. */
export interface ServiceLimits {
  /** SNAPSHOT_MAX_RUNNING_JOBS: jobs one process runs at once, sync and async (default: its CPU cores). */
  readonly maxRunningJobs: number;
  /** SNAPSHOT_SYNC_WAIT_MS: how long a sync request waits for a slot before `Throttling`. */
  readonly syncWaitMs: number;
  /** SNAPSHOT_MAX_ASYNC_BACKLOG: async jobs waiting or running beyond which submissions get `Throttling`. */
  readonly maxAsyncBacklog: number;
  /** SNAPSHOT_MAX_JOB_RUNS: runs a job may start before it is failed instead of resumed again. */
  readonly maxJobRuns: number;
}

function readLimits(r: Reader): Partial<ServiceLimits> {
  const limits: { -readonly [K in keyof ServiceLimits]?: number } = {};
  const set = (key: keyof ServiceLimits, name: string, min: number, max: number) => {
    if (r.optional(name) !== undefined) limits[key] = r.int(name, 0, min, max);
  };
  set('maxRunningJobs', 'SNAPSHOT_MAX_RUNNING_JOBS', 1, 256);
  set('syncWaitMs', 'SNAPSHOT_SYNC_WAIT_MS', 0, 60_000);
  set('maxAsyncBacklog', 'SNAPSHOT_MAX_ASYNC_BACKLOG', 1, 1_000_000);
  set('maxJobRuns', 'SNAPSHOT_MAX_JOB_RUNS', 1, 100);
  return limits;
}

export const DEFAULT_LOCAL_PORT = 8080;
export const DEFAULT_REGION = 'cn-hangzhou';
export const DEFAULT_DATA_DIR = './.snapshot-data';

export function readLocalConfig(env: Env = process.env): LocalConfig {
  const r = new Reader(env);
  const region = r.optional('SNAPSHOT_REGION') ?? DEFAULT_REGION;
  r.matching('SNAPSHOT_REGION', region, REGION_RE, 'a region id like cn-hangzhou');
  const accessKeyId = r.optional('SNAPSHOT_ACCESS_KEY_ID');
  const accessKeySecret = r.optional('SNAPSHOT_ACCESS_KEY_SECRET');
  if ((accessKeyId === undefined) !== (accessKeySecret === undefined)) {
    r.problems.push('SNAPSHOT_ACCESS_KEY_ID and SNAPSHOT_ACCESS_KEY_SECRET must be set together (or both left unset to generate a pair)');
  }
  const cfg: LocalConfig = {
    port: r.int('SNAPSHOT_PORT', DEFAULT_LOCAL_PORT, 0, 65535),
    host: r.optional('SNAPSHOT_HOST') ?? '127.0.0.1',
    dataDir: r.optional('SNAPSHOT_DATA_DIR') ?? DEFAULT_DATA_DIR,
    region,
    accessKeyId,
    accessKeySecret,
    syncTimeoutMs: r.optional('SNAPSHOT_SYNC_TIMEOUT_MS') === undefined ? undefined : r.int('SNAPSHOT_SYNC_TIMEOUT_MS', 5000, 100, 600000),
    workerConcurrency: r.optional('SNAPSHOT_WORKER_CONCURRENCY') === undefined ? undefined : r.int('SNAPSHOT_WORKER_CONCURRENCY', 2, 1, 64),
    limits: readLimits(r),
  };
  r.done();
  return cfg;
}

export type FunctionRole = 'api' | 'worker';

/** What the Function Compute functions read (set by the SnapshotPipeline construct). */
export interface CloudConfig {
  readonly role: FunctionRole;
  readonly port: number;
  readonly region: string;
  readonly accountId?: string;
  readonly inputBucket: string;
  readonly outputBucket: string;
  readonly jobBucket: string;
  readonly jobPrefix: string;
  readonly pipelineId?: string;
  readonly notifyTopic?: string;
  readonly jobsTopic: string;
  readonly mnsEndpoint: string;
  /** Callers of the API (api role only). */
  readonly apiKeys: { accessKeyId: string; accessKeySecret: string }[];
  readonly syncTimeoutMs: number;
  /** A custom OSS endpoint (SNAPSHOT_OSS_ENDPOINT), path-style when SNAPSHOT_OSS_PATH_STYLE=true; default the region's internal endpoint. */
  readonly ossEndpoint?: string;
  readonly ossPathStyle: boolean;
  /**
   * Minutes after its last dispatch when an unfinished job counts as stale for the sweep
   * (SNAPSHOT_STALE_JOB_MINUTES); the construct keeps it above the async event age plus the
   * worker timeout, so no worker can still hold such a job.
   */
  readonly staleJobMinutes: number;
  /** Re-dispatches of a stale async job before it is failed (SNAPSHOT_STALE_JOB_MAX_REDISPATCHES). */
  readonly staleJobMaxRedispatches: number;
  /** Backpressure and poison-job limits set in the environment (see ServiceLimits). */
  readonly limits: Partial<ServiceLimits>;
  /** SNAPSHOT_ANNOUNCE_RETRY_BASE_MS / _MAX_MS: back-off of announcements that could not be sent. */
  readonly announceRetryBaseMs: number;
  readonly announceRetryMaxMs: number;
  /** SNAPSHOT_OSS_TIMEOUT_MS: how long an OSS request may take before it counts as failed. */
  readonly ossTimeoutMs: number;
  /** The function role's credentials, as FC puts them in the environment. */
  readonly cloudCredentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
}

/** The construct's defaults: twice the default worker timeout (30 min) plus 10 minutes. */
export const DEFAULT_STALE_JOB_MINUTES = 70;
export const DEFAULT_STALE_JOB_MAX_REDISPATCHES = 2;

export function readCloudConfig(env: Env = process.env): CloudConfig {
  const r = new Reader(env);
  const roleRaw = r.required('SNAPSHOT_FUNCTION_ROLE');
  if (roleRaw && roleRaw !== 'api' && roleRaw !== 'worker') r.problems.push(`SNAPSHOT_FUNCTION_ROLE must be "api" or "worker", got "${roleRaw}"`);
  const role = roleRaw === 'worker' ? 'worker' : 'api';
  const region = r.required('SNAPSHOT_REGION');
  r.matching('SNAPSHOT_REGION', region, REGION_RE, 'a region id like cn-hangzhou');
  const inputBucket = r.required('SNAPSHOT_INPUT_BUCKET');
  const outputBucket = r.required('SNAPSHOT_OUTPUT_BUCKET');
  const jobBucket = r.optional('SNAPSHOT_JOB_BUCKET') ?? outputBucket;
  for (const [n, v] of [['SNAPSHOT_INPUT_BUCKET', inputBucket], ['SNAPSHOT_OUTPUT_BUCKET', outputBucket], ['SNAPSHOT_JOB_BUCKET', jobBucket]] as const) {
    r.matching(n, v, BUCKET_RE, 'an OSS bucket name');
  }
  let jobPrefix = r.optional('SNAPSHOT_JOB_PREFIX') ?? 'snapshot-jobs/';
  if (!jobPrefix.endsWith('/')) jobPrefix += '/';
  const pipelineId = r.optional('SNAPSHOT_PIPELINE_ID');
  r.matching('SNAPSHOT_PIPELINE_ID', pipelineId, PIPELINE_RE, '32 lower-case hex characters');
  const mnsEndpoint = r.required('SNAPSHOT_MNS_ENDPOINT');
  r.matching('SNAPSHOT_MNS_ENDPOINT', mnsEndpoint, /^https?:\/\/[^/]+\/?$/, 'an URL like https://<uid>.mns.<region>.aliyuncs.com');
  const jobsTopic = r.required('SNAPSHOT_JOBS_TOPIC');

  let apiKeys: { accessKeyId: string; accessKeySecret: string }[] = [];
  const keysRaw = r.optional('SNAPSHOT_ACCESS_KEYS');
  if (role === 'api') {
    if (keysRaw === undefined) r.problems.push('SNAPSHOT_ACCESS_KEYS is required for the api role (JSON [{"accessKeyId":"..","accessKeySecret":".."}])');
    else apiKeys = parseAccessKeys(keysRaw, r.problems);
  }

  const accessKeyId = r.required('ALIBABA_CLOUD_ACCESS_KEY_ID');
  const accessKeySecret = r.required('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  const securityToken = r.optional('ALIBABA_CLOUD_SECURITY_TOKEN');

  const cfg: CloudConfig = {
    role,
    port: r.int('FC_SERVER_PORT', 9000, 1, 65535),
    region,
    accountId: r.optional('SNAPSHOT_ACCOUNT_ID'),
    inputBucket,
    outputBucket,
    jobBucket,
    jobPrefix,
    pipelineId,
    notifyTopic: r.optional('SNAPSHOT_NOTIFY_TOPIC'),
    jobsTopic,
    mnsEndpoint: mnsEndpoint.replace(/\/$/, ''),
    apiKeys,
    syncTimeoutMs: r.int('SNAPSHOT_SYNC_TIMEOUT_MS', 5000, 100, 600000),
    ossEndpoint: r.optional('SNAPSHOT_OSS_ENDPOINT'),
    ossPathStyle: r.optional('SNAPSHOT_OSS_PATH_STYLE') === 'true',
    staleJobMinutes: r.int('SNAPSHOT_STALE_JOB_MINUTES', DEFAULT_STALE_JOB_MINUTES, 1, 10080),
    staleJobMaxRedispatches: r.int('SNAPSHOT_STALE_JOB_MAX_REDISPATCHES', DEFAULT_STALE_JOB_MAX_REDISPATCHES, 0, 100),
    limits: readLimits(r),
    announceRetryBaseMs: r.int('SNAPSHOT_ANNOUNCE_RETRY_BASE_MS', 1000, 1, 3_600_000),
    announceRetryMaxMs: r.int('SNAPSHOT_ANNOUNCE_RETRY_MAX_MS', 300_000, 1, 86_400_000),
    ossTimeoutMs: r.int('SNAPSHOT_OSS_TIMEOUT_MS', 60_000, 100, 600_000),
    cloudCredentials: { accessKeyId, accessKeySecret, securityToken },
  };
  r.done();
  return cfg;
}

function parseAccessKeys(raw: string, problems: string[]): { accessKeyId: string; accessKeySecret: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('SNAPSHOT_ACCESS_KEYS is not valid JSON');
    return [];
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length > 0 &&
    parsed.every(
      (k) => k && typeof k === 'object' && typeof (k as Record<string, unknown>).accessKeyId === 'string' && typeof (k as Record<string, unknown>).accessKeySecret === 'string',
    );
  if (!ok) {
    problems.push('SNAPSHOT_ACCESS_KEYS must be a non-empty JSON array of {"accessKeyId","accessKeySecret"}');
    return [];
  }
  return (parsed as { accessKeyId: string; accessKeySecret: string }[]).map((k) => ({ accessKeyId: k.accessKeyId, accessKeySecret: k.accessKeySecret }));
}
