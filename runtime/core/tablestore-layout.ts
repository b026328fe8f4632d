/**
 * The Tablestore tables the cloud runtime uses, in one place: the construct creates exactly these
 * (lib/job-table.ts) and the adapters read and write exactly these, so the two cannot drift. Pure
 * data, in core so that the construct (which ships only lib/ and the runtime/core modules it
 * imports) can use it without the Tablestore SDK.
 *
 * Jobs table: one row per job, primary key `id`. Every write is a whole-row PutRow (the table
 * forbids UpdateRow, which Tablestore requires for secondary indexes on a table with a TTL), so a
 * column absent from a write is absent from the row: that is how the sparse columns below appear
 * and disappear.
 *
 * | column          | type    | present                                   |
 * |-----------------|---------|-------------------------------------------|
 * | job             | string  | always: the record as JSON                |
 * | rev             | integer | always: the record's revision (the condition of updates) |
 * | created         | integer | always: createdAtMs                       |
 * | state           | string  | always                                    |
 * | pipeline        | string  | when the job names a pipeline             |
 * | pipeline_state  | string  | when the job names a pipeline: `<pipelineId>/<state>` |
 * | pending         | string  | `unfinished` while not final, `unannounced` while final with an announcement owed |
 *
 * Each query shape has its own global secondary index (at most 5 per table), keyed so one range read
 * in key order, BACKWARD, returns it newest first (`created` then `id` descending):
 * all jobs, by pipeline, by state, by pipeline and state, and the sparse `pending` index that holds
 * only the rows the sweep and the outbox need.
 *
 * Nonce table: primary key `key` (SHA-256 of the caller's AccessKeyId and nonce); one conditional
 * PutRow per accepted request; rows expire by the table's TTL.
 */

export const JOB_COLUMNS = {
  id: 'id',
  job: 'job',
  rev: 'rev',
  created: 'created',
  state: 'state',
  pipeline: 'pipeline',
  pipelineState: 'pipeline_state',
  pending: 'pending',
} as const;

/** Values of the sparse `pending` column. */
export const PENDING = { unfinished: 'unfinished', unannounced: 'unannounced' } as const;

export type ColumnType = 'STRING' | 'INTEGER';

/** Columns declared on the table (Tablestore indexes can only use declared columns). */
export const JOB_DEFINED_COLUMNS: readonly { readonly name: string; readonly type: ColumnType }[] = [
  { name: JOB_COLUMNS.created, type: 'INTEGER' },
  { name: JOB_COLUMNS.state, type: 'STRING' },
  { name: JOB_COLUMNS.pipeline, type: 'STRING' },
  { name: JOB_COLUMNS.pipelineState, type: 'STRING' },
  { name: JOB_COLUMNS.pending, type: 'STRING' },
];

export type JobIndexKind = 'all' | 'pipeline' | 'state' | 'pipelineState' | 'pending';

/** Index columns in key order; Tablestore appends the table's primary key (`id`) to each. */
export const JOB_INDEX_COLUMNS: Readonly<Record<JobIndexKind, readonly string[]>> = {
  all: [JOB_COLUMNS.created],
  pipeline: [JOB_COLUMNS.pipeline, JOB_COLUMNS.created],
  state: [JOB_COLUMNS.state, JOB_COLUMNS.created],
  pipelineState: [JOB_COLUMNS.pipelineState, JOB_COLUMNS.created],
  pending: [JOB_COLUMNS.pending, JOB_COLUMNS.created],
};

/** Index names are unique per instance, so they start with the table's name. */
export function jobIndexName(table: string, kind: JobIndexKind): string {
  const suffix: Record<JobIndexKind, string> = {
    all: 'by_created',
    pipeline: 'by_pipeline',
    state: 'by_state',
    pipelineState: 'by_pipeline_state',
    pending: 'pending',
  };
  return `${table}_${suffix[kind]}`;
}

export const JOB_INDEX_KINDS: readonly JobIndexKind[] = ['all', 'pipeline', 'state', 'pipelineState', 'pending'];

export const NONCE_COLUMNS = { key: 'key', at: 'at', claim: 'claim' } as const;

/** Tablestore's shortest TTL (one day): far past the 15-minute clock window a nonce must outlive. */
export const NONCE_TTL_SECONDS = 86_400;
