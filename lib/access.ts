/**
 * Who may do what: the functions' RAM role and its least-privilege policy, and the grants other
 * workloads of the stack can ask for.
 *
 * Every statement names exact actions and the narrowest resource ARN the service supports; none
 * uses a `*` action or a bare `*` resource. (Wildcards inside ARNs are only object-key prefixes,
 * and OSS's region field, which OSS ARNs always leave as `*`.)
 */
import { Construct } from 'constructs';
import { RamRole } from '../.gen/providers/alicloud/ram-role';
import { RamPolicy } from '../.gen/providers/alicloud/ram-policy';
import { RamRolePolicyAttachment } from '../.gen/providers/alicloud/ram-role-policy-attachment';

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string[]>>;
}

export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '1', Statement: statements });
}

export function trustPolicy(service: string): string {
  return JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [service] } }] });
}

/** ARN builders, in the formats RAM documents for each service. */
export const arn = {
  ossBucket: (account: string, bucket: string) => `acs:oss:*:${account}:${bucket}`,
  ossObjects: (account: string, bucket: string, prefix = '') => `acs:oss:*:${account}:${bucket}/${prefix}*`,
  mnsTopicMessages: (region: string, account: string, topic: string) => `acs:mns:${region}:${account}:/topics/${topic}/messages`,
  mnsQueueMessages: (region: string, account: string, queue: string) => `acs:mns:${region}:${account}:/queues/${queue}/messages`,
  mnsTopic: (region: string, account: string, topic: string) => `acs:mns:${region}:${account}:/topics/${topic}`,
  otsTable: (region: string, account: string, instance: string, table: string) => `acs:ots:${region}:${account}:instance/${instance}/table/${table}`,
  fcFunction: (region: string, account: string, fn: string) => `acs:fc:${region}:${account}:functions/${fn}`,
  logStore: (region: string, account: string, project: string, store: string) => `acs:log:${region}:${account}:project/${project}/logstore/${store}`,
};

/** A role created elsewhere in the stack (a generated `RamRole` qualifies). */
export interface IRamRoleRef {
  readonly roleName: string;
}

export interface FunctionRoleProps {
  readonly roleName: string;
  readonly region: string;
  readonly accountId: string;
  readonly inputBucketName: string;
  readonly outputBucketName: string;
  /** The Tablestore tables of job records (and their indexes) and nonces. */
  readonly tablestore: { readonly instanceName: string; readonly jobTableName: string; readonly indexNames: readonly string[]; readonly nonceTableName: string };
  readonly notificationTopicName: string;
  /** The worker function, which both functions invoke asynchronously (submit, and the sweep). */
  readonly workerFunctionName: string;
  readonly logProjectName: string;
  readonly logStoreName: string;
  readonly tags?: Record<string, string>;
}

/**
 * What the runtime does, mapped to permissions:
 * - read videos from the input bucket (probe + ranged reads through a signed URL): oss:GetObject;
 *   (bucket existence is probed by reading a missing key, so no bucket-level read is needed);
 * - write snapshots and remove partial output after a failure: oss:PutObject, oss:DeleteObject;
 * - keep job records in the job table: read one (GetRow), many (BatchGetRow), write one
 *   conditionally (PutRow; never UpdateRow, which the table forbids), and page through the
 *   secondary indexes (GetRange, on the index tables only);
 * - claim signature nonces in the nonce table (PutRow expecting no row; GetRow to recognise its own
 *   claim after a timeout);
 * - publish finished jobs to the notification topic;
 * - hand async jobs to the worker function: the API at submit, the worker's sweep when it
 *   re-dispatches (InvokeFunction with the asynchronous invocation type);
 * - let Function Compute ship the functions' logs to their log store.
 * The notification queue is fed by the topic subscription, so the role never sends to it.
 */
export function functionStatements(p: FunctionRoleProps): PolicyStatement[] {
  return [
    { Effect: 'Allow', Action: ['oss:GetObject'], Resource: [arn.ossObjects(p.accountId, p.inputBucketName)] },
    { Effect: 'Allow', Action: ['oss:PutObject', 'oss:DeleteObject'], Resource: [arn.ossObjects(p.accountId, p.outputBucketName)] },
    { Effect: 'Allow', Action: ['ots:GetRow', 'ots:BatchGetRow', 'ots:PutRow'], Resource: [arn.otsTable(p.region, p.accountId, p.tablestore.instanceName, p.tablestore.jobTableName)] },
    { Effect: 'Allow', Action: ['ots:GetRange'], Resource: p.tablestore.indexNames.map((i) => arn.otsTable(p.region, p.accountId, p.tablestore.instanceName, i)) },
    { Effect: 'Allow', Action: ['ots:PutRow', 'ots:GetRow'], Resource: [arn.otsTable(p.region, p.accountId, p.tablestore.instanceName, p.tablestore.nonceTableName)] },
    { Effect: 'Allow', Action: ['mns:PublishMessage'], Resource: [arn.mnsTopicMessages(p.region, p.accountId, p.notificationTopicName)] },
    { Effect: 'Allow', Action: ['fc:InvokeFunction'], Resource: [arn.fcFunction(p.region, p.accountId, p.workerFunctionName)] },
    { Effect: 'Allow', Action: ['log:PostLogStoreLogs'], Resource: [arn.logStore(p.region, p.accountId, p.logProjectName, p.logStoreName)] },
  ];
}

/** A role trusted by one service, with one custom policy attached. */
export class ServiceRole extends Construct {
  readonly role: RamRole;
  readonly policy: RamPolicy;
  readonly attachment: RamRolePolicyAttachment;
  readonly roleArn: string;
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: { roleName: string; service: string; statements: PolicyStatement[]; tags?: Record<string, string> }) {
    super(scope, id);
    this.role = new RamRole(this, 'Role', {
      roleName: props.roleName,
      assumeRolePolicyDocument: trustPolicy(props.service),
      maxSessionDuration: 3600,
      tags: props.tags,
    });
    this.policy = new RamPolicy(this, 'Policy', { policyName: `${props.roleName}-policy`, policyDocument: policyDocument(props.statements), tags: props.tags });
    this.attachment = new RamRolePolicyAttachment(this, 'Attachment', {
      roleName: this.role.roleName,
      policyName: this.policy.policyName,
      policyType: 'Custom',
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.roleName;
  }
}

/** The role both functions run as (FC hands its STS credentials to the runtime). */
export function createFunctionRole(scope: Construct, id: string, props: FunctionRoleProps): ServiceRole {
  return new ServiceRole(scope, id, { roleName: props.roleName, service: 'fc.aliyuncs.com', statements: functionStatements(props), tags: props.tags });
}

/** A custom policy attached to a role that lives elsewhere in the stack. */
export class RoleGrant extends Construct {
  readonly policy: RamPolicy;
  readonly attachment: RamRolePolicyAttachment;

  constructor(scope: Construct, id: string, props: { policyName: string; role: IRamRoleRef; statements: PolicyStatement[] }) {
    super(scope, id);
    this.policy = new RamPolicy(this, 'Policy', { policyName: props.policyName, policyDocument: policyDocument(props.statements) });
    this.attachment = new RamRolePolicyAttachment(this, 'Attachment', { roleName: props.role.roleName, policyName: this.policy.policyName, policyType: 'Custom' });
  }
}
