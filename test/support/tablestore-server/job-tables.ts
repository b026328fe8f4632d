/** The tables the construct creates (lib/job-table.ts), created in a test server. */
import { JOB_DEFINED_COLUMNS, JOB_INDEX_COLUMNS, JOB_INDEX_KINDS, jobIndexName, NONCE_TTL_SECONDS } from '../../../runtime/core/tablestore-layout';
import { TablestoreServer, type ServerCredential } from './tablestore-server';

export const OTS_INSTANCE = 'snapshot-test';

export function createJobTable(server: TablestoreServer, table: string, timeToLiveSeconds = 90 * 86_400): void {
  server.createTable({
    name: table,
    primaryKey: [{ name: 'id', type: 'STRING' }],
    definedColumns: JOB_DEFINED_COLUMNS,
    indexes: JOB_INDEX_KINDS.map((kind) => ({ name: jobIndexName(table, kind), columns: JOB_INDEX_COLUMNS[kind] })),
    timeToLive: timeToLiveSeconds,
    allowUpdate: false,
  });
}

export function createNonceTable(server: TablestoreServer, table: string): void {
  server.createTable({ name: table, primaryKey: [{ name: 'key', type: 'STRING' }], timeToLive: NONCE_TTL_SECONDS, allowUpdate: false });
}

export async function startTablestore(credentials: readonly ServerCredential[], now?: () => number): Promise<TablestoreServer> {
  return TablestoreServer.start({ instanceName: OTS_INSTANCE, credentials, now });
}
