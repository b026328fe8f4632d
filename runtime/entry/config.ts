/**
 * Environment parsing for the two ways the runtime starts: `npm start` (local-main) and the
 * Function Compute custom runtime (fc-server). Every problem is collected and reported at once,
 * so a misconfigured function fails at cold start with one readable message instead of on the
 * first request.
 */
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_REQUEST_TIMEOUT_MS } from '../adapters/http/server-limits';
import { DEFAULT_MIN_FREE_BYTES } from '../adapters/storage/fs-object-storage';
import { DEFAULT_JOB_OUTPUT_BUDGET_BYTES } from '../service/output-writer';

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

  /** A comma-separated list; every item must match. */
  list(name: string, re: RegExp, what: string): string[] {
    const items = (this.optional(name) ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
    const bad = items.filter((x) => !re.test(x));
    if (bad.length) this.problems.push(`${name} must list ${what}, got "${bad.join('", "')}"`);
    return items.filter((x) => re.test(x));
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
  /** Extra `Host` values served (SNAPSHOT_ALLOWED_HOSTS, comma-separated `name:port`). */
  readonly allowedHosts: string[];
  /** Web origins that may read `/oss/` files (SNAPSHOT_CORS_ORIGINS, comma-separated). */
  readonly corsOrigins: string[];
  /** SNAPSHOT_MAX_CONNECTIONS, per server. */
  readonly maxConnections: number;
  /** SNAPSHOT_REQUEST_TIMEOUT_MS: time for a request to arrive whole. */
  readonly requestTimeoutMs: number;
  /** SNAPSHOT_JOB_OUTPUT_MB, in bytes. */
  readonly jobOutputBudgetBytes: number;
  /** SNAPSHOT_MIN_FREE_MB, in bytes. */
  readonly minFreeBytes: number;
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

const MIB = 1024 * 1024;
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
    allowedHosts: r.list('SNAPSHOT_ALLOWED_HOSTS', /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'host:port names like mybox.lan:8080'),
    corsOrigins: r.list('SNAPSHOT_CORS_ORIGINS', /^https?:\/\/[^/\s]+$/, 'origins like http://127.0.0.1:3000 (scheme, host, port; no path)'),
    maxConnections: r.int('SNAPSHOT_MAX_CONNECTIONS', DEFAULT_MAX_CONNECTIONS, 4, 100_000),
    requestTimeoutMs: r.int('SNAPSHOT_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 100, 600_000),
    jobOutputBudgetBytes: r.int('SNAPSHOT_JOB_OUTPUT_MB', DEFAULT_JOB_OUTPUT_BUDGET_BYTES / MIB, 1, 1_000_000) * MIB,
    minFreeBytes: r.int('SNAPSHOT_MIN_FREE_MB', DEFAULT_MIN_FREE_BYTES / MIB, 0, 1_000_000) * MIB,
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
  /** Job records and nonces in Tablestore (SNAPSHOT_OTS_*). */
  readonly ots: TablestoreConfig;
  readonly pipelineId?: string;
  readonly notifyTopic?: string;
  /** The worker function async jobs are handed to (SNAPSHOT_WORKER_FUNCTION). */
  readonly workerFunction: string;
  /** Function Compute's API endpoint, `https://<account>.<region>.fc.aliyuncs.com` (SNAPSHOT_FC_ENDPOINT). */
  readonly fcEndpoint: string;
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

export interface TablestoreConfig {
  /** SNAPSHOT_OTS_ENDPOINT; default the instance's public endpoint in the region. */
  readonly endpoint: string;
  /** SNAPSHOT_OTS_INSTANCE */
  readonly instanceName: string;
  /** SNAPSHOT_OTS_JOB_TABLE */
  readonly jobTable: string;
  /** SNAPSHOT_OTS_NONCE_TABLE */
  readonly nonceTable: string;
}

export const DEFAULT_OTS_JOB_TABLE = 'snapshot_jobs';
export const DEFAULT_OTS_NONCE_TABLE = 'snapshot_nonces';
const OTS_INSTANCE_RE = /^[A-Za-z][A-Za-z0-9-]{1,14}[A-Za-z0-9]$/;
const OTS_TABLE_RE = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

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
  for (const [n, v] of [['SNAPSHOT_INPUT_BUCKET', inputBucket], ['SNAPSHOT_OUTPUT_BUCKET', outputBucket]] as const) {
    r.matching(n, v, BUCKET_RE, 'an OSS bucket name');
  }
  const otsInstance = r.required('SNAPSHOT_OTS_INSTANCE');
  r.matching('SNAPSHOT_OTS_INSTANCE', otsInstance, OTS_INSTANCE_RE, 'a Tablestore instance name (3..16 letters, digits, hyphens, starting with a letter)');
  const otsEndpoint = r.optional('SNAPSHOT_OTS_ENDPOINT') ?? `https://${otsInstance}.${region}.ots.aliyuncs.com`;
  r.matching('SNAPSHOT_OTS_ENDPOINT', otsEndpoint, /^https?:\/\/[^/]+\/?$/, 'an URL like https://<instance>.<region>.ots.aliyuncs.com');
  const jobTable = r.optional('SNAPSHOT_OTS_JOB_TABLE') ?? DEFAULT_OTS_JOB_TABLE;
  const nonceTable = r.optional('SNAPSHOT_OTS_NONCE_TABLE') ?? DEFAULT_OTS_NONCE_TABLE;
  r.matching('SNAPSHOT_OTS_JOB_TABLE', jobTable, OTS_TABLE_RE, 'a Tablestore table name (letters, digits, _)');
  r.matching('SNAPSHOT_OTS_NONCE_TABLE', nonceTable, OTS_TABLE_RE, 'a Tablestore table name (letters, digits, _)');
  const pipelineId = r.optional('SNAPSHOT_PIPELINE_ID');
  r.matching('SNAPSHOT_PIPELINE_ID', pipelineId, PIPELINE_RE, '32 lower-case hex characters');
  const mnsEndpoint = r.required('SNAPSHOT_MNS_ENDPOINT');
  r.matching('SNAPSHOT_MNS_ENDPOINT', mnsEndpoint, /^https?:\/\/[^/]+\/?$/, 'an URL like https://<uid>.mns.<region>.aliyuncs.com');
  // Both roles hand jobs to the worker: the API at submit, the worker's sweep when it re-dispatches.
  const workerFunction = r.required('SNAPSHOT_WORKER_FUNCTION');
  const fcEndpoint = r.required('SNAPSHOT_FC_ENDPOINT');
  r.matching('SNAPSHOT_FC_ENDPOINT', fcEndpoint, /^https?:\/\/[^/]+\/?$/, 'an URL like https://<account>.<region>.fc.aliyuncs.com');

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
    ots: { endpoint: otsEndpoint.replace(/\/$/, ''), instanceName: otsInstance, jobTable, nonceTable },
    pipelineId,
    notifyTopic: r.optional('SNAPSHOT_NOTIFY_TOPIC'),
    workerFunction,
    fcEndpoint: fcEndpoint.replace(/\/$/, ''),
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
