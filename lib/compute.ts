/**
 * Function Compute 3.0: the API function behind an anonymous HTTP trigger (the runtime checks the
 * MPS POP signatures itself, as the MPS gateway would), the worker that the API function invokes
 * asynchronously (InvokeFunction, `x-fc-invocation-type: Async`) and a timer trigger that sweeps
 * for stale jobs, their async-invocation and concurrency limits, and the log store both write to.
 */
import { Construct } from 'constructs';
import { Op, Token } from 'cdktf';
import { Fcv3Function } from '../.gen/providers/alicloud/fcv3-function';
import { Fcv3Trigger } from '../.gen/providers/alicloud/fcv3-trigger';
import { Fcv3AsyncInvokeConfig } from '../.gen/providers/alicloud/fcv3-async-invoke-config';
import { Fcv3ConcurrencyConfig } from '../.gen/providers/alicloud/fcv3-concurrency-config';
import { LogProject } from '../.gen/providers/alicloud/log-project';
import { LogStore } from '../.gen/providers/alicloud/log-store';
import { LogStoreIndex } from '../.gen/providers/alicloud/log-store-index';
import { ServiceRole } from './access';
import { accessKeysPrecondition } from './function-environment';

/** The port `runtime/entry/fc-server.ts` listens on. */
export const RUNTIME_PORT = 9000;
/**
 * The official FFmpeg6x v1 layer lists custom, custom.debian10, python3.10, python3.9, nodejs16,
 * nodejs14, java11 and java8 as compatible, not nodejs18/20 or custom.debian11/12; the Nodejs20
 * v3 layer lists custom.debian10, 11 and 12 (their READMEs in awesome-fc/awesome-layers).
 * custom.debian10 is the one runtime both list, with Node.js 20 from its layer.
 */
export const RUNTIME = 'custom.debian10';
export const NODE_BINARY = '/opt/nodejs20/bin/node';

/**
 * The timer trigger's message: `runtime/entry/timer-trigger-event.ts` runs the stale-job sweep
 * when the worker is invoked with it.
 */
export const STALE_JOB_SWEEP_PAYLOAD = JSON.stringify({ sweep: 'stale-jobs' });

/**
 * Seconds between a dispatch's deadline (the stale threshold) and the end of the last worker
 * run it can cause: slack for FC's scheduling delay and for clocks (FC's and the job record's)
 * that disagree.
 */
export const STALE_JOB_MARGIN_SECONDS = 300;

/**
 * How long FC may hold or retry an async job event (`maxAsyncEventAgeInSeconds`): the stale
 * threshold minus one worker run and the margin. FC drops an async event older than this instead
 * of starting a run, so the last run a dispatch can cause starts by dispatch + this and ends by
 * dispatch + this + the worker timeout = the stale threshold - the margin.
 */
export function maxAsyncEventAgeSeconds(staleJobMinutes: number, workerTimeoutSeconds: number): number {
  if (Token.isUnresolved(staleJobMinutes) || Token.isUnresolved(workerTimeoutSeconds)) {
    return Token.asNumber(Op.sub(Op.mul(staleJobMinutes, 60), Op.add(workerTimeoutSeconds, STALE_JOB_MARGIN_SECONDS)));
  }
  return staleJobMinutes * 60 - workerTimeoutSeconds - STALE_JOB_MARGIN_SECONDS;
}

export function defaultLayerArns(region: string): string[] {
  return [`acs:fc:${region}:official:layers/Nodejs20/versions/3`, `acs:fc:${region}:official:layers/FFmpeg6x/versions/1`];
}

export interface SnapshotLogsProps {
  /** Name for a created project (must be unique in the region across all accounts). */
  readonly projectName: string;
  readonly existingProjectName?: string;
  readonly existingLogStoreName?: string;
  readonly retentionDays: number;
  readonly tags?: Record<string, string>;
}

/** The Log Service project and store the functions log to: created, or both given. */
export class SnapshotLogs extends Construct {
  readonly projectName: string;
  readonly logStoreName: string;
  readonly project?: LogProject;
  readonly store?: LogStore;

  constructor(scope: Construct, id: string, props: SnapshotLogsProps) {
    super(scope, id);
    if (props.existingProjectName !== undefined && props.existingLogStoreName !== undefined) {
      this.projectName = props.existingProjectName;
      this.logStoreName = props.existingLogStoreName;
      return;
    }
    this.project = new LogProject(this, 'Project', { projectName: props.projectName, tags: props.tags });
    this.store = new LogStore(this, 'Store', {
      projectName: this.project.projectName,
      logstoreName: 'function-logs',
      retentionPeriod: props.retentionDays,
      // Shards bill while idle; one that splits under load is the cheapest that never throttles.
      shardCount: 1,
      autoSplit: true,
      maxSplitShardCount: 8,
      appendMeta: true,
    });
    // The FC console's log view queries the store, which needs an index.
    new LogStoreIndex(this, 'Index', {
      project: this.project.projectName,
      logstore: this.store.logstoreName,
      fullText: { caseSensitive: false, includeChinese: false, token: ` ,'";=()[]{}?@&<>/:\n\t\r` },
    });
    this.projectName = this.project.projectName;
    this.logStoreName = this.store.logstoreName;
  }
}

/** `<prefix>-api` and `<prefix>-worker`: literal, so the role's policy can name the worker before it exists. */
export function functionName(namePrefix: string, role: 'api' | 'worker'): string {
  return `${namePrefix}-${role}`;
}

export interface FunctionSizing {
  readonly memoryMb: number;
  readonly cpu: number;
  readonly diskMb: number;
  readonly timeoutSeconds: number;
  /** Requests one instance serves at once. */
  readonly instanceConcurrency: number;
  /** Upper bound on instances (reserved concurrency); undefined leaves the account quota. */
  readonly maxInstances?: number;
}

export interface SnapshotComputeProps {
  readonly namePrefix: string;
  readonly role: ServiceRole;
  readonly zipFileBase64: string;
  readonly layerArns: string[];
  readonly api: FunctionSizing;
  readonly worker: FunctionSizing;
  /** Shared environment of both functions (role excluded). */
  readonly environment: Record<string, string>;
  /** SNAPSHOT_ACCESS_KEYS: only the API function gets it. */
  readonly apiAccessKeys: string;
  /**
   * When the keys are a token: the most characters they may take within FC's 4 KB environment
   * limit, checked by Terraform at plan time (a precondition on the API function).
   */
  readonly apiAccessKeysBudget?: number;
  readonly logs: SnapshotLogs;
  readonly workerMaxRetries: number;
  /** The stale-job sweep: when it runs, and what the worker treats as stale. */
  readonly staleJobs: { readonly sweepCron: string; readonly staleMinutes: number; readonly maxRedispatches: number };
  readonly tags?: Record<string, string>;
}

/** Each function's environment variables: the shared ones, its role, and what only it reads. */
export function functionEnvironments(p: Pick<SnapshotComputeProps, 'environment' | 'apiAccessKeys' | 'staleJobs'>): { api: Record<string, string>; worker: Record<string, string> } {
  return {
    api: { ...p.environment, SNAPSHOT_FUNCTION_ROLE: 'api', SNAPSHOT_ACCESS_KEYS: p.apiAccessKeys },
    worker: {
      ...p.environment,
      SNAPSHOT_FUNCTION_ROLE: 'worker',
      SNAPSHOT_STALE_JOB_MINUTES: String(p.staleJobs.staleMinutes),
      SNAPSHOT_STALE_JOB_MAX_REDISPATCHES: String(p.staleJobs.maxRedispatches),
    },
  };
}

export class SnapshotCompute extends Construct {
  readonly apiFunction: Fcv3Function;
  readonly workerFunction: Fcv3Function;
  readonly httpTrigger: Fcv3Trigger;
  readonly asyncInvokeConfig: Fcv3AsyncInvokeConfig;
  readonly sweepTrigger: Fcv3Trigger;
  /** The public URL of the API (the endpoint to give the MPS SDKs). */
  readonly apiEndpoint: string;

  constructor(scope: Construct, id: string, props: SnapshotComputeProps) {
    super(scope, id);
    const env = functionEnvironments(props);
    const fn = (fid: string, role: 'api' | 'worker', sizing: FunctionSizing) => {
      const f = new Fcv3Function(this, fid, {
        functionName: functionName(props.namePrefix, role),
        runtime: RUNTIME,
        // Required by the API, unused by custom runtimes (they are started by `command`).
        handler: 'index.handler',
        code: { zipFile: props.zipFileBase64 },
        customRuntimeConfig: { command: [NODE_BINARY], args: ['index.js'], port: RUNTIME_PORT },
        layers: props.layerArns,
        memorySize: sizing.memoryMb,
        cpu: sizing.cpu,
        diskSize: sizing.diskMb,
        timeout: sizing.timeoutSeconds,
        instanceConcurrency: sizing.instanceConcurrency,
        internetAccess: true,
        role: props.role.roleArn,
        environmentVariables: env[role],
        logConfig: {
          project: props.logs.projectName,
          logstore: props.logs.logStoreName,
          enableRequestMetrics: true,
          enableInstanceMetrics: true,
          logBeginRule: 'DefaultRegex',
        },
        tags: props.tags,
        // FC checks at creation that the role may write the log store: the policy must be attached.
        dependsOn: [props.role.attachment],
        lifecycle:
          role === 'api' && props.apiAccessKeysBudget !== undefined ? { precondition: [accessKeysPrecondition(props.apiAccessKeys, props.apiAccessKeysBudget)] } : undefined,
      });
      if (sizing.maxInstances !== undefined) {
        new Fcv3ConcurrencyConfig(this, `${fid}Concurrency`, { functionName: f.functionName, reservedConcurrency: sizing.maxInstances });
      }
      return f;
    };

    this.apiFunction = fn('Api', 'api', props.api);
    this.workerFunction = fn('Worker', 'worker', props.worker);

    this.httpTrigger = new Fcv3Trigger(this, 'HttpTrigger', {
      functionName: this.apiFunction.functionName,
      triggerName: 'http',
      triggerType: 'http',
      qualifier: 'LATEST',
      // Anonymous at the FC layer: callers sign requests the MPS way and the runtime verifies them.
      triggerConfig: JSON.stringify({ authType: 'anonymous', methods: ['GET', 'POST'], disableURLInternet: false }),
    });
    this.apiEndpoint = this.httpTrigger.httpTrigger.get(0).urlInternet;

    this.asyncInvokeConfig = new Fcv3AsyncInvokeConfig(this, 'WorkerAsyncConfig', {
      functionName: this.workerFunction.functionName,
      maxAsyncRetryAttempts: props.workerMaxRetries,
      // FC's default keeps an event for a day; bounded, no run a dispatch causes can still be going
      // once the job is stale, so the sweep's re-dispatch never runs a job twice at once.
      maxAsyncEventAgeInSeconds: maxAsyncEventAgeSeconds(props.staleJobs.staleMinutes, props.worker.timeoutSeconds),
    });

    // Nothing restarts in FC to resume unfinished jobs: the sweep re-dispatches or fails them.
    this.sweepTrigger = new Fcv3Trigger(this, 'SweepTrigger', {
      functionName: this.workerFunction.functionName,
      triggerName: 'stale-job-sweep',
      triggerType: 'timer',
      qualifier: 'LATEST',
      triggerConfig: JSON.stringify({ cronExpression: props.staleJobs.sweepCron, enable: true, payload: STALE_JOB_SWEEP_PAYLOAD }),
    });
  }
}
