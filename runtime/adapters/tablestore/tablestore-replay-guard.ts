/**
 * Shared replay protection in a Tablestore table: claiming a nonce is one PutRow that expects no
 * row, so of any number of API instances exactly one accepts it. Rows expire by the table's TTL
 * (a day, Tablestore's shortest; a request older than the 15-minute clock window is refused before
 * its nonce is looked at anyway).
 *
 * The key is a SHA-256 of the caller's AccessKeyId and the nonce: fixed size whatever the client
 * sends, and no caller material stored in clear.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Errors } from '../../core/errors';
import type { NonceVerdict } from '../../api/nonce-cache';
import type { ReplayGuard } from '../../api/replay-guard';
import { columnsOf, int, TableStore, TablestoreConnection, TablestoreError } from './tablestore-client';
import type { TablestoreConnectionOptions } from './tablestore-client';
import { NONCE_COLUMNS as C } from '../../core/tablestore-layout';
import type { SdkRow } from './tablestore-types';

export interface TablestoreReplayGuardOptions extends TablestoreConnectionOptions {
  readonly table: string;
}

export class TablestoreReplayGuard implements ReplayGuard {
  readonly table: string;
  readonly connection: TablestoreConnection;

  constructor(options: TablestoreReplayGuardOptions) {
    this.table = options.table;
    this.connection = new TablestoreConnection(options);
  }

  async claim(accessKeyId: string, nonce: string, nowMs: number): Promise<NonceVerdict> {
    const key = createHash('sha256').update(`${accessKeyId}\n${nonce}`).digest('hex');
    // Tells this claim from another instance's if a timed-out attempt is retried.
    const claimId = randomUUID();
    try {
      await this.connection.call('putRow', {
        tableName: this.table,
        condition: new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null),
        primaryKey: [{ [C.key]: key }],
        attributeColumns: [{ [C.at]: int(nowMs) }, { [C.claim]: claimId }],
      });
      return 'fresh';
    } catch (err) {
      if (err instanceof TablestoreError && err.code === 'OTSConditionCheckFail') {
        if (err.afterUnknownOutcome && (await this.claimOf(key)) === claimId) return 'fresh';
        return 'replayed';
      }
      // Fail closed: without the shared check a replay could pass.
      throw Errors.serviceUnavailable(`the nonce table ${this.table} is unavailable: ${(err as Error).message}`);
    }
  }

  private async claimOf(key: string): Promise<unknown> {
    const data = await this.connection.call<{ row?: SdkRow }>('getRow', { tableName: this.table, primaryKey: [{ [C.key]: key }], maxVersions: 1 });
    return columnsOf(data.row).get(C.claim);
  }
}
