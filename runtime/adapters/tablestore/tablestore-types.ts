/** The part of the `tablestore` SDK (no type declarations of its own) the adapters and tests use. */

export interface Int64LE {
  toNumber(): number;
  toBuffer(): Buffer;
}

export interface SdkRow {
  readonly primaryKey?: { readonly name: string; readonly value: unknown }[];
  readonly attributes?: { readonly columnName: string; readonly columnValue: unknown; readonly timestamp?: Int64LE }[];
}

export interface TablestoreModule {
  Client: new (config: Record<string, unknown>) => unknown;
  Long: { fromNumber(n: number): Int64LE };
  INF_MIN: object;
  INF_MAX: object;
  Direction: { FORWARD: string; BACKWARD: string };
  RowExistenceExpectation: { IGNORE: number; EXPECT_EXIST: number; EXPECT_NOT_EXIST: number };
  ComparatorType: { EQUAL: number; NOT_EQUAL: number; GREATER_THAN: number; GREATER_EQUAL: number; LESS_THAN: number; LESS_EQUAL: number };
  LogicalOperator: { NOT: number; AND: number; OR: number };
  Condition: new (rowExistence: number, columnCondition: unknown) => unknown;
  SingleColumnCondition: new (name: string, value: unknown, comparator: number, passIfMissing?: boolean, latestVersionOnly?: boolean) => unknown;
  PlainBufferInputStream: new (buf: Buffer) => unknown;
  PlainBufferCodedInputStream: new (stream: unknown) => { readRow(): SdkRow };
  PlainBufferBuilder: {
    serializePrimaryKey(pk: Record<string, unknown>[]): Buffer;
    serializeForPutRow(pk: Record<string, unknown>[], columns: Record<string, unknown>[]): Buffer;
  };
  plainBufferConsts: Record<string, number>;
}
