/**
 * Tablestore for the functions' shared state: the job records (one row per job, with the secondary
 * indexes `QuerySnapshotJobList` and the stale-job sweep read) and the signature nonces the API
 * accepts once across all its instances. The table layout is the runtime's
 * (runtime/core/tablestore-layout.ts), so the construct and the code that reads the
 * tables cannot drift apart.
 *
 * The instance is created in capacity (pay-as-you-go) mode, or an existing one is used: Tablestore
 * bills requests and stored data, nothing while idle beyond the rows kept (see docs/construct.md).
 */
import { Construct } from 'constructs';
import { OtsInstance } from '../.gen/providers/alicloud/ots-instance';
import { OtsSecondaryIndex } from '../.gen/providers/alicloud/ots-secondary-index';
import { OtsTable } from '../.gen/providers/alicloud/ots-table';
import {
  JOB_COLUMNS,
  JOB_DEFINED_COLUMNS,
  JOB_INDEX_COLUMNS,
  JOB_INDEX_KINDS,
  jobIndexName,
  NONCE_COLUMNS,
  NONCE_TTL_SECONDS,
} from '../runtime/core/tablestore-layout';

/** 3..16 letters, digits and hyphens, starting with a letter, not ending with a hyphen. */
export const OTS_INSTANCE_RE = /^[A-Za-z][A-Za-z0-9-]{1,14}[A-Za-z0-9]$/;
/** Letters, digits and underscores, not starting with a digit; up to 255. */
export const OTS_TABLE_RE = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export interface SnapshotJobTableProps {
  readonly region: string;
  /** Name of the instance to create (ignored when `existingInstanceName` is set). */
  readonly instanceName: string;
  readonly existingInstanceName?: string;
  readonly jobTableName: string;
  readonly nonceTableName: string;
  /** Days a job record is kept after its last write (the table's TTL). */
  readonly jobRecordExpirationDays: number;
  readonly tags?: Record<string, string>;
}

export class SnapshotJobTable extends Construct {
  readonly instanceName: string;
  readonly jobTableName: string;
  readonly nonceTableName: string;
  /** Names of the job table's secondary indexes (each is a table the functions read with GetRange). */
  readonly indexNames: string[];
  /** The endpoint the functions call (the instance's public endpoint in the region). */
  readonly endpoint: string;
  /** Undefined when an existing instance was given. */
  readonly instance?: OtsInstance;
  readonly jobTable: OtsTable;
  readonly nonceTable: OtsTable;
  readonly indexes: OtsSecondaryIndex[];

  constructor(scope: Construct, id: string, props: SnapshotJobTableProps) {
    super(scope, id);
    if (props.existingInstanceName !== undefined) {
      this.instanceName = props.existingInstanceName;
    } else {
      this.instance = new OtsInstance(this, 'Instance', {
        name: props.instanceName,
        // Pay per request and per GB stored: nothing to pay for throughput while idle.
        instanceType: 'Capacity',
        // The functions run outside a VPC and reach the public endpoint; every request is still
        // signed and authorised by RAM (the function role's policy names these tables only).
        networkTypeAcl: ['INTERNET', 'VPC'],
        tags: props.tags,
      });
      this.instanceName = this.instance.name;
    }

    this.jobTable = new OtsTable(this, 'Jobs', {
      instanceName: this.instanceName,
      tableName: props.jobTableName,
      primaryKey: [{ name: JOB_COLUMNS.id, type: 'String' }],
      definedColumn: JOB_DEFINED_COLUMNS.map((c) => ({ name: c.name, type: c.type === 'INTEGER' ? 'Integer' : 'String' })),
      timeToLive: props.jobRecordExpirationDays * 86_400,
      // Secondary indexes need one version per cell, and with a TTL they need UpdateRow forbidden:
      // the store writes whole rows with conditional PutRow only.
      maxVersion: 1,
      allowUpdate: false,
    });
    this.indexes = JOB_INDEX_KINDS.map(
      (kind) =>
        new OtsSecondaryIndex(this, `Index-${kind}`, {
          instanceName: this.instanceName,
          tableName: this.jobTable.tableName,
          indexName: jobIndexName(props.jobTableName, kind),
          indexType: 'Global',
          includeBaseData: true,
          primaryKeys: [...JOB_INDEX_COLUMNS[kind]],
          // Keys only: a page reads its records from the table in one BatchGetRow, so the index
          // stores no copy of them.
          definedColumns: [],
        }),
    );
    this.indexNames = JOB_INDEX_KINDS.map((kind) => jobIndexName(props.jobTableName, kind));

    this.nonceTable = new OtsTable(this, 'Nonces', {
      instanceName: this.instanceName,
      tableName: props.nonceTableName,
      primaryKey: [{ name: NONCE_COLUMNS.key, type: 'String' }],
      timeToLive: NONCE_TTL_SECONDS,
      maxVersion: 1,
      allowUpdate: false,
    });
    // Literal names (validated props), so RAM policies and the functions' environment read as
    // plain text; the instance name is a reference when the instance is created here.
    this.jobTableName = props.jobTableName;
    this.nonceTableName = props.nonceTableName;
    this.endpoint = `https://${this.instanceName}.${props.region}.ots.aliyuncs.com`;
  }
}

/** Problems with the Tablestore props, for `validateProps`. */
export function jobTableProblems(p: { tablestoreInstanceName?: string; existingTablestoreInstanceName?: string; jobTableName?: string; nonceTableName?: string }, isToken: (v: unknown) => boolean): string[] {
  const problems: string[] = [];
  for (const [prop, v] of [
    ['tablestoreInstanceName', p.tablestoreInstanceName],
    ['existingTablestoreInstanceName', p.existingTablestoreInstanceName],
  ] as const) {
    if (v !== undefined && !isToken(v) && !OTS_INSTANCE_RE.test(v)) problems.push(`${prop} must be 3..16 letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "${v}"`);
  }
  if (p.tablestoreInstanceName !== undefined && p.existingTablestoreInstanceName !== undefined) {
    problems.push('tablestoreInstanceName and existingTablestoreInstanceName are exclusive: name the instance to create, or the one to use');
  }
  for (const [prop, v] of [
    ['jobTableName', p.jobTableName],
    ['nonceTableName', p.nonceTableName],
  ] as const) {
    if (v === undefined || isToken(v)) continue;
    if (!OTS_TABLE_RE.test(v)) problems.push(`${prop} must be letters, digits and underscores, not starting with a digit, got "${v}"`);
    // Index names are `<table>_<suffix>` and must stay within 255 bytes as well.
    else if (prop === 'jobTableName' && v.length > 230) problems.push(`jobTableName must be at most 230 characters (its indexes append a suffix), got ${v.length}`);
  }
  if (p.jobTableName !== undefined && p.jobTableName === p.nonceTableName) problems.push(`jobTableName and nonceTableName must differ (both "${p.jobTableName}")`);
  return problems;
}

/** A default instance name that fits Tablestore's 16 characters: the prefix's start and 6 hex of the pipeline id. */
export function defaultInstanceName(namePrefix: string, pipelineId: string): string {
  const head = namePrefix.replace(/[^A-Za-z0-9]/g, '').slice(0, 9);
  return `${head}-${pipelineId.slice(0, 6)}`;
}
