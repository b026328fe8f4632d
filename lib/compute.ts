/**
 * Function Compute 3.0: the API function behind an anonymous HTTP trigger (the runtime checks the
 * MPS POP signatures itself, as the MPS gateway would), the worker behind an MNS topic trigger on
 * the jobs topic and a timer trigger that sweeps for stale jobs, their async-invocation and
 * concurrency limits, and the log store both write to.
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

/** The port `runtime/entry/fc-server.ts` listens on. */
export const RUNTIME_PORT = 9000;
/** FFmpeg 6 layer is listed for custom.debian10 only, so Node.js comes from its own layer. */
export const RUNTIME = 'custom.debian10';
export const NODE_BINARY = '/opt/nodejs20/bin/node';

/**
 * The timer trigger's message: `runtime/entry/timer-trigger-event.ts` runs the stale-job sweep
 * when the worker is invoked with it.
 */
export const STALE_JOB_SWEEP_PAYLOAD = JSON.stringify({ sweep: 'stale-jobs' });

/**
 * Seconds between a dispatch's deadline (the stale threshold) and the end of the last worker
 * run it can cause: covers MNS's push retries and FC's scheduling delay.
 */
export const STALE_JOB_MARGIN_SECONDS = 300;

/** How long FC may hold or retry an async job event: the stale threshold minus one worker run and the margin. */
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
  readonly logs: SnapshotLogs;
  readonly workerMaxRetries: number;
  /** The stale-job sweep: when it runs, and what the worker treats as stale. */
  readonly staleJobs: { readonly sweepCron: string; readonly staleMinutes: number; readonly maxRedispatches: number };
  readonly tags?: Record<string, string>;
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
    const fn = (fid: string, role: 'api' | 'worker', sizing: FunctionSizing, extraEnv: Record<string, string>) => {
      const f = new Fcv3Function(this, fid, {
        functionName: `${props.namePrefix}-${role}`,
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
        environmentVariables: { ...props.environment, SNAPSHOT_FUNCTION_ROLE: role, ...extraEnv },
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
      });
      if (sizing.maxInstances !== undefined) {
        new Fcv3ConcurrencyConfig(this, `${fid}Concurrency`, { functionName: f.functionName, reservedConcurrency: sizing.maxInstances });
      }
      return f;
    };

    this.apiFunction = fn('Api', 'api', props.api, { SNAPSHOT_ACCESS_KEYS: props.apiAccessKeys });
    this.workerFunction = fn('Worker', 'worker', props.worker, {
      SNAPSHOT_STALE_JOB_MINUTES: String(props.staleJobs.staleMinutes),
      SNAPSHOT_STALE_JOB_MAX_REDISPATCHES: String(props.staleJobs.maxRedispatches),
    });

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
      // FC's default keeps an event for a day; bounded, no delivery of a dispatch can still be
      // running once the job is stale, so the sweep's re-dispatch never runs a job twice at once.
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

  /** The worker's MNS topic trigger; created once the invocation role exists. */
  addJobsTrigger(p: { region: string; accountId: string; jobsTopicName: string; invocationRole: ServiceRole }): Fcv3Trigger {
    return new Fcv3Trigger(this, 'JobsTrigger', {
      functionName: this.workerFunction.functionName,
      triggerName: 'jobs',
      triggerType: 'mns_topic',
      qualifier: 'LATEST',
      sourceArn: `acs:mns:${p.region}:${p.accountId}:/topics/${p.jobsTopicName}`,
      invocationRole: p.invocationRole.roleArn,
      triggerConfig: JSON.stringify({ notifyContentFormat: 'JSON', notifyStrategy: 'BACKOFF_RETRY', filterTag: '' }),
      dependsOn: [p.invocationRole.attachment],
    });
  }
}
