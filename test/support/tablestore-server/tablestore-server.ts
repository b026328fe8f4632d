/**
 * A Tablestore (OTS) server at the protocol level, for tests: the official `tablestore` SDK talks
 * to it unchanged. What it implements, from the Tablestore documentation:
 *
 * - the wire: `POST /<Operation>`, protobuf request and response bodies (the SDK's own compiled
 *   definitions), rows in PlainBuffer (the SDK's own reader and writer, checksums checked);
 * - authentication: `x-ots-*` headers, the HMAC-SHA1 signature over path, method and the sorted
 *   `x-ots-*` headers, `x-ots-contentmd5`, the clock window on `x-ots-date`, the instance name and
 *   the STS token; failures answer 403 `OTSAuthFailed` like the service;
 * - GetRow, PutRow (row existence and column conditions: `OTSConditionCheckFail`), BatchGetRow,
 *   GetRange (FORWARD/BACKWARD, limit, `next_start_primary_key`, at most 5000 rows) on tables and on
 *   global secondary indexes, which are sparse (a row lacking an index column is not in it) and kept
 *   here synchronously (the service is milliseconds behind);
 * - table TTL: a row not written for longer reads as absent; UpdateRow is refused on tables whose
 *   updates are forbidden (as Tablestore requires for indexed tables with a TTL);
 * - errors as the service sends them: HTTP status plus a protobuf `Error`; faults can be injected
 *   (`OTSServerBusy`, `OTSTimeout` after or before applying the write, ...) so retries are tested.
 *
 * Every request is counted per operation and table (`requests`), so tests can assert that a query
 * costs a constant number of requests whatever the number of rows.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SortedRows, type BoundPart, type Key, type KeyPart } from './sorted-rows';

// The SDK's own codecs, used at run time from node_modules (not copied into the repository).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TableStore = require('tablestore');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protos = require('tablestore/lib/protocol/tablestore_compiled_proto.js');
const pb = protos.main.proto;
const fpb = protos.filter.proto;
const PBC = TableStore.plainBufferConsts;

export type ColumnValue = string | number | boolean | Buffer;
/** Integer columns are kept as `{ int: n }` so they go back to the client as integers, not doubles. */
export type StoredValue = string | boolean | Buffer | { readonly int: number } | { readonly double: number };

export interface TableDefinition {
  readonly name: string;
  readonly primaryKey: readonly { readonly name: string; readonly type: 'STRING' | 'INTEGER' }[];
  readonly definedColumns?: readonly { readonly name: string; readonly type: 'STRING' | 'INTEGER' }[];
  /** Global secondary indexes: index columns in key order (the table's key is appended). */
  readonly indexes?: readonly { readonly name: string; readonly columns: readonly string[] }[];
  /** Seconds; -1 keeps rows forever. */
  readonly timeToLive: number;
  /** Tablestore requires false on an indexed table with a TTL: UpdateRow is then refused. @default true */
  readonly allowUpdate?: boolean;
}

export interface ServerCredential {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

interface Row {
  readonly key: Key;
  readonly columns: ReadonlyMap<string, StoredValue>;
  /** When the row was last written, ms (its cells' version). */
  readonly writtenAtMs: number;
}

interface Index {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: SortedRows<Row>;
}

interface Table {
  readonly def: TableDefinition;
  readonly rows: SortedRows<Row>;
  readonly indexes: Index[];
}

export interface Fault {
  /** OTS error code to answer with. */
  readonly code: string;
  readonly status: number;
  /**
   * Only requests of this operation (`PutRow`, ...). `BatchGetRow:row` fails one row of the next
   * BatchGetRow (the request itself succeeds, as the service reports partial failures).
   * @default any
   */
  readonly operation?: string;
  /** Apply the request first, then answer the error (an outcome the client cannot know). @default false */
  readonly afterApplying?: boolean;
}

export class OtsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TablestoreServerOptions {
  readonly instanceName: string;
  readonly credentials: readonly ServerCredential[];
  /** The server's clock (TTL and the x-ots-date window). @default Date.now */
  readonly now?: () => number;
}

export class TablestoreServer {
  readonly requests: { operation: string; table: string }[] = [];
  private readonly tables = new Map<string, Table>();
  /** Index name -> its table. */
  private readonly indexOwners = new Map<string, Table>();
  private readonly faults: Fault[] = [];
  private holds: { operation: string; count: number; waiting: (() => void)[] } | undefined;
  private readonly now: () => number;
  private requestSeq = 0;

  private constructor(
    private readonly server: http.Server,
    readonly options: TablestoreServerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  static async start(options: TablestoreServerOptions): Promise<TablestoreServer> {
    let self: TablestoreServer | undefined;
    const server = http.createServer((req, res) => void self!.handle(req, res));
    self = new TablestoreServer(server, options);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return self;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }

  createTable(def: TableDefinition): void {
    const table: Table = { def, rows: new SortedRows(), indexes: (def.indexes ?? []).map((i) => ({ name: i.name, columns: i.columns, rows: new SortedRows<Row>() })) };
    this.tables.set(def.name, table);
    for (const i of table.indexes) this.indexOwners.set(i.name, table);
  }

  /** Answers the next matching request with an error (queued in order). */
  injectFault(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** Holds the next `count` requests of `operation` until all of them arrived, then runs them in arrival order. */
  holdUntilConcurrent(operation: string, count: number): void {
    this.holds = { operation, count, waiting: [] };
  }

  /** Requests counted so far, of one operation (and table) if given. */
  count(operation?: string, table?: string): number {
    return this.requests.filter((r) => (!operation || r.operation === operation) && (!table || r.table === table)).length;
  }

  /**
   * Puts rows straight into memory (no requests), sorted once: how a test gets a million rows.
   * Replaces the table's rows; indexes are rebuilt.
   */
  loadRows(tableName: string, rows: { key: Key; columns: Record<string, ColumnValue | { int: number }> }[], writtenAtMs = this.now()): void {
    const table = this.table(tableName);
    const built: Row[] = rows.map((r) => ({ key: r.key, columns: new Map(Object.entries(r.columns).map(([k, v]) => [k, toStored(v)])), writtenAtMs }));
    table.rows.load(built.map((row) => ({ key: row.key, value: row })));
    for (const index of table.indexes) {
      const entries: { key: Key; value: Row }[] = [];
      for (const row of built) {
        const key = indexKey(table, index, row);
        if (key) entries.push({ key, value: row });
      }
      index.rows.load(entries);
    }
  }

  /** A stored row's columns as plain values (integers as numbers), or undefined. */
  row(tableName: string, key: Key): Record<string, ColumnValue> | undefined {
    const row = this.live(this.table(tableName), this.table(tableName).rows.get(key));
    if (!row) return undefined;
    return Object.fromEntries([...row.columns].map(([k, v]) => [k, plain(v)]));
  }

  private table(name: string): Table {
    const t = this.tables.get(name);
    if (!t) throw new OtsError(404, 'OTSObjectNotExist', 'Requested table does not exist.');
    return t;
  }

  /** A row past the table's TTL reads as absent. */
  private live(table: Table, row: Row | undefined): Row | undefined {
    if (!row) return undefined;
    if (table.def.timeToLive > 0 && this.now() - row.writtenAtMs > table.def.timeToLive * 1000) return undefined;
    return row;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const requestId = `0005${(++this.requestSeq).toString(16).padStart(12, '0')}-0000-0000-0000-000000000000`;
    const operation = (req.url ?? '/').slice(1).split('?')[0];
    try {
      if (req.method !== 'POST') throw new OtsError(405, 'OTSMethodNotAllowed', 'Only POST method for requests is supported.');
      this.authenticate(req, body, operation);
      const run = this.operation(operation);
      const request = run.decode(body);
      this.requests.push({ operation, table: request.tableName ?? request.tables?.[0]?.tableName ?? '' });
      await this.hold(operation);
      const fault = this.takeFault(operation);
      if (fault && !fault.afterApplying) throw new OtsError(fault.status, fault.code, 'Injected fault.');
      const answer = run.execute(request);
      if (fault) throw new OtsError(fault.status, fault.code, 'Injected fault.');
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'x-ots-requestid': requestId, 'x-ots-contenttype': 'protocol buffer' });
      res.end(answer);
    } catch (err) {
      const e = err instanceof OtsError ? err : new OtsError(400, 'OTSParameterInvalid', (err as Error).message);
      const errBody = Buffer.from(pb.Error.encode(pb.Error.create({ code: e.code, message: e.message })).finish());
      res.writeHead(e.status, { 'content-type': 'application/x-protobuf', 'x-ots-requestid': requestId });
      res.end(errBody);
    }
  }

  private takeFault(operation: string): Fault | undefined {
    const i = this.faults.findIndex((f) => (!f.operation && !operation.includes(':')) || f.operation === operation);
    return i < 0 ? undefined : this.faults.splice(i, 1)[0];
  }

  private async hold(operation: string): Promise<void> {
    const h = this.holds;
    if (!h || h.operation !== operation) return;
    if (h.waiting.length + 1 >= h.count) {
      this.holds = undefined;
      for (const release of h.waiting) release();
      return;
    }
    await new Promise<void>((r) => h.waiting.push(r));
  }

  /** The service's checks, in its order: headers present, key, token, body MD5, date, signature. */
  private authenticate(req: http.IncomingMessage, body: Buffer, operation: string): void {
    const h = req.headers as Record<string, string | undefined>;
    for (const name of ['x-ots-date', 'x-ots-apiversion', 'x-ots-accesskeyid', 'x-ots-contentmd5', 'x-ots-signature', 'x-ots-instancename']) {
      if (!h[name]) throw new OtsError(400, 'OTSParameterInvalid', `Missing header: ${name}.`);
    }
    if (h['x-ots-instancename'] !== this.options.instanceName) throw new OtsError(403, 'OTSAuthFailed', 'The instance is not found.');
    const cred = this.options.credentials.find((c) => c.accessKeyId === h['x-ots-accesskeyid']);
    if (!cred) throw new OtsError(403, 'OTSAuthFailed', 'The AccessKeyID does not exist.');
    if ((cred.securityToken ?? undefined) !== (h['x-ots-ststoken'] ?? undefined)) throw new OtsError(403, 'OTSAuthFailed', 'The security token is invalid.');
    if (createHash('md5').update(body).digest('base64') !== h['x-ots-contentmd5']) {
      throw new OtsError(403, 'OTSAuthFailed', 'Mismatch between MD5 value of request body and x-ots-contentmd5 in header.');
    }
    const date = Date.parse(h['x-ots-date']!);
    if (Number.isNaN(date)) throw new OtsError(400, 'OTSParameterInvalid', `Invalid date format: ${h['x-ots-date']}.`);
    if (Math.abs(this.now() - date) > 15 * 60_000) throw new OtsError(403, 'OTSAuthFailed', `Mismatch between system time and x-ots-date: ${h['x-ots-date']}.`);
    const signed = Object.keys(h)
      .filter((k) => k.startsWith('x-ots-') && k !== 'x-ots-signature')
      .sort()
      .map((k) => `${k}:${h[k]}`)
      .join('\n');
    const stringToSign = `/${operation}\nPOST\n\n${signed}\n`;
    const expected = Buffer.from(createHmac('sha1', cred.accessKeySecret).update(stringToSign).digest('base64'));
    const sent = Buffer.from(h['x-ots-signature']!);
    if (expected.length !== sent.length || !timingSafeEqual(expected, sent)) throw new OtsError(403, 'OTSAuthFailed', 'Signature mismatch.');
  }

  private operation(name: string): { decode(body: Buffer): any; execute(request: any): Buffer } {
    const ops: Record<string, { decode(body: Buffer): any; execute(request: any): Buffer }> = {
      GetRow: { decode: (b) => pb.GetRowRequest.decode(b), execute: (r) => this.getRow(r) },
      PutRow: { decode: (b) => pb.PutRowRequest.decode(b), execute: (r) => this.putRow(r) },
      BatchGetRow: { decode: (b) => pb.BatchGetRowRequest.decode(b), execute: (r) => this.batchGetRow(r) },
      GetRange: { decode: (b) => pb.GetRangeRequest.decode(b), execute: (r) => this.getRange(r) },
      UpdateRow: { decode: (b) => pb.UpdateRowRequest.decode(b), execute: (r) => this.updateRow(r) },
    };
    const op = ops[name];
    if (!op) throw new OtsError(400, 'OTSParameterInvalid', `Unsupported operation: ${name}.`);
    return op;
  }

  private getRow(r: any): Buffer {
    const table = this.table(r.tableName);
    const row = this.live(table, table.rows.get(this.keyOf(table, readKey(r.primaryKey))));
    const encoded = row ? encodeRows(table.def.primaryKey.map((k) => k.name), [row], r.columnsToGet) : Buffer.alloc(0);
    return finish(pb.GetRowResponse, { consumed: consumed(1, 0), row: encoded });
  }

  private batchGetRow(r: any): Buffer {
    const rowFault = this.takeFault('BatchGetRow:row');
    const tables = r.tables.map((t: any) => {
      const table = this.table(t.tableName);
      const rows = t.primaryKey.map((pk: Buffer, n: number) => {
        if (rowFault && n === 0) return { isOk: false, error: { code: rowFault.code, message: 'Injected fault.' } };
        const row = this.live(table, table.rows.get(this.keyOf(table, readKey(pk))));
        return { isOk: true, consumed: consumed(1, 0), row: row ? encodeRows(table.def.primaryKey.map((k) => k.name), [row], t.columnsToGet) : Buffer.alloc(0) };
      });
      return { tableName: t.tableName, rows };
    });
    return finish(pb.BatchGetRowResponse, { tables });
  }

  private putRow(r: any): Buffer {
    const table = this.table(r.tableName);
    const parsed = new TableStore.PlainBufferCodedInputStream(new TableStore.PlainBufferInputStream(r.row)).readRow();
    const key = this.keyOf(table, parsed.primaryKey.map((k: { value: unknown }) => k.value));
    const old = this.live(table, table.rows.get(key));
    checkCondition(r.condition, old);
    const columns = new Map<string, StoredValue>();
    for (const a of parsed.attributes) columns.set(a.columnName, toStored(a.columnValue));
    this.write(table, { key, columns, writtenAtMs: this.now() });
    return finish(pb.PutRowResponse, { consumed: consumed(0, 1) });
  }

  private updateRow(r: any): Buffer {
    const table = this.table(r.tableName);
    if (table.def.allowUpdate === false) throw new OtsError(400, 'OTSParameterInvalid', 'Table does not allow update operation.');
    throw new OtsError(400, 'OTSParameterInvalid', 'Unsupported operation: UpdateRow.');
  }

  private write(table: Table, row: Row): void {
    const old = table.rows.get(row.key);
    for (const index of table.indexes) {
      const before = old && indexKey(table, index, old);
      if (before) index.rows.delete(before);
      const after = indexKey(table, index, row);
      if (after) index.rows.set(after, row);
    }
    table.rows.set(row.key, row);
  }

  private getRange(r: any): Buffer {
    const owner = this.indexOwners.get(r.tableName);
    const table = owner ?? this.table(r.tableName);
    const index = owner?.indexes.find((i) => i.name === r.tableName);
    const names = index ? [...index.columns, ...table.def.primaryKey.map((k) => k.name).filter((k) => !index.columns.includes(k))] : table.def.primaryKey.map((k) => k.name);
    const start = readBound(r.inclusiveStartPrimaryKey, names);
    const end = readBound(r.exclusiveEndPrimaryKey, names);
    const backward = r.direction === pb.Direction.BACKWARD;
    const limit = Math.min(r.limit > 0 ? r.limit : 5000, 5000);
    const found: { key: Key; row: Row }[] = [];
    let next: Key | undefined;
    (index ? index.rows : table.rows).scan(start, end, backward, (key, row) => {
      if (!this.live(table, row)) return true;
      if (found.length === limit) {
        next = key;
        return false;
      }
      found.push({ key, row });
      return true;
    });
    const rows = found.map(({ key, row }) => (index ? indexRow(key, row) : row));
    return finish(pb.GetRangeResponse, {
      consumed: consumed(found.length, 0),
      rows: rows.length ? encodeRows(names, rows, r.columnsToGet) : Buffer.alloc(0),
      nextStartPrimaryKey: next ? TableStore.PlainBufferBuilder.serializePrimaryKey(sdkKey(names, next)) : undefined,
    });
  }

  /** Checks a key against the table's schema (names are positional; types must match). */
  private keyOf(table: Table, values: unknown[]): Key {
    const schema = table.def.primaryKey;
    if (values.length !== schema.length) throw new OtsError(400, 'OTSParameterInvalid', 'Validate PK size fail. Input: ' + values.length + ', Meta: ' + schema.length + '.');
    return values.map((v, i) => {
      const want = schema[i].type;
      if (want === 'STRING' && typeof v === 'string') return v;
      if (want === 'INTEGER' && v && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
      throw new OtsError(400, 'OTSParameterInvalid', `Validate PK type fail. Input: ${typeof v}, Meta: ${want}.`);
    });
  }
}

function toStored(v: unknown): StoredValue {
  if (v && typeof v === 'object' && 'int' in (v as object)) return v as { int: number };
  if (v && typeof (v as { toNumber?: unknown }).toNumber === 'function') return { int: (v as { toNumber(): number }).toNumber() };
  if (typeof v === 'number') return { double: v };
  return v as StoredValue;
}

function plain(v: StoredValue): ColumnValue {
  if (typeof v === 'object' && !Buffer.isBuffer(v)) return 'int' in v ? v.int : v.double;
  return v;
}

/** Index key of a row, or undefined when the row lacks an index column (sparse index). */
function indexKey(table: Table, index: Index, row: Row): Key | undefined {
  const parts: KeyPart[] = [];
  for (const c of index.columns) {
    const pkAt = table.def.primaryKey.findIndex((k) => k.name === c);
    if (pkAt >= 0) {
      parts.push(row.key[pkAt]);
      continue;
    }
    const v = row.columns.get(c);
    if (v === undefined) return undefined;
    const p = plain(v);
    if (typeof p !== 'string' && typeof p !== 'number') return undefined;
    parts.push(p);
  }
  table.def.primaryKey.forEach((k, i) => {
    if (!index.columns.includes(k.name)) parts.push(row.key[i]);
  });
  return parts;
}

/** What an index row holds: its key (no attribute columns are projected into these indexes). */
function indexRow(key: Key, row: Row): Row {
  return { key, columns: new Map(), writtenAtMs: row.writtenAtMs };
}

function sdkKey(names: readonly string[], key: Key): Record<string, unknown>[] {
  return key.map((v, i) => ({ [names[i]]: typeof v === 'number' ? TableStore.Long.fromNumber(v) : v }));
}

function sdkValue(v: StoredValue): unknown {
  if (typeof v === 'object' && !Buffer.isBuffer(v)) return 'int' in v ? TableStore.Long.fromNumber(v.int) : v.double;
  return v;
}

/** Rows as one PlainBuffer block (one header, then each row), with only the asked-for columns. */
function encodeRows(names: readonly string[], rows: Row[], columnsToGet: string[] | undefined): Buffer {
  const want = columnsToGet && columnsToGet.length ? new Set(columnsToGet) : undefined;
  const parts = rows.map((row, n) => {
    const cols = [...row.columns].filter(([k]) => !want || want.has(k)).map(([k, v]) => ({ [k]: sdkValue(v), timestamp: row.writtenAtMs }));
    const buf = TableStore.PlainBufferBuilder.serializeForPutRow(sdkKey(names, row.key), cols) as Buffer;
    return n === 0 ? buf : buf.subarray(4);
  });
  return Buffer.concat(parts);
}

function consumed(read: number, write: number): object {
  return { capacityUnit: { read, write } };
}

function finish(type: any, value: object): Buffer {
  return Buffer.from(type.encode(type.create(value)).finish());
}

/** A primary key as the client sent it (PlainBuffer, header then TAG_ROW_PK cells). */
function readKey(buf: Buffer): unknown[] {
  return readBound(buf, undefined).map((v) => (typeof v === 'number' ? TableStore.Long.fromNumber(v) : v));
}

/** Key cells including INF_MIN / INF_MAX, which the SDK's row reader does not accept. */
function readBound(buf: Buffer, names: readonly string[] | undefined): BoundPart[] {
  const b = Buffer.from(buf);
  let at = 0;
  const u32 = () => {
    const v = b.readUInt32LE(at);
    at += 4;
    return v;
  };
  if (u32() !== PBC.HEADER) throw new OtsError(400, 'OTSParameterInvalid', 'Invalid PlainBuffer header.');
  if (b[at++] !== PBC.TAG_ROW_PK) throw new OtsError(400, 'OTSParameterInvalid', 'Expect TAG_ROW_PK.');
  const parts: BoundPart[] = [];
  while (b[at] === PBC.TAG_CELL) {
    at++;
    if (b[at++] !== PBC.TAG_CELL_NAME) throw new OtsError(400, 'OTSParameterInvalid', 'Expect TAG_CELL_NAME.');
    const name = b.toString('utf8', at + 4, at + 4 + b.readUInt32LE(at));
    at += 4 + Buffer.byteLength(name);
    if (names && names[parts.length] !== name) throw new OtsError(400, 'OTSParameterInvalid', `Validate PK name fail. Input: ${name}, Meta: ${names[parts.length]}.`);
    if (b[at++] !== PBC.TAG_CELL_VALUE) throw new OtsError(400, 'OTSParameterInvalid', 'Expect TAG_CELL_VALUE.');
    u32();
    const type = b[at++];
    if (type === PBC.VT_INF_MIN) parts.push('INF_MIN');
    else if (type === PBC.VT_INF_MAX) parts.push('INF_MAX');
    else if (type === PBC.VT_INTEGER) {
      parts.push(Number(b.readBigInt64LE(at)));
      at += 8;
    } else if (type === PBC.VT_STRING) {
      const n = u32();
      parts.push(b.toString('utf8', at, at + n));
      at += n;
    } else throw new OtsError(400, 'OTSParameterInvalid', `Unsupported primary key type ${type}.`);
    if (b[at++] !== PBC.TAG_CELL_CHECKSUM) throw new OtsError(400, 'OTSParameterInvalid', 'Expect TAG_CELL_CHECKSUM.');
    at++;
  }
  if (names && parts.length !== names.length) throw new OtsError(400, 'OTSParameterInvalid', `Validate PK size fail. Input: ${parts.length}, Meta: ${names.length}.`);
  return parts;
}

/** Row existence, then the column condition on the row as stored (docs: "Conditional update"). */
function checkCondition(condition: any, old: Row | undefined): void {
  const expect = condition?.rowExistence ?? 0;
  if (expect === pb.RowExistenceExpectation.EXPECT_EXIST && !old) throw new OtsError(403, 'OTSConditionCheckFail', 'Condition check failed.');
  if (expect === pb.RowExistenceExpectation.EXPECT_NOT_EXIST && old) throw new OtsError(403, 'OTSConditionCheckFail', 'Condition check failed.');
  if (condition?.columnCondition && condition.columnCondition.length) {
    if (!passes(fpb.Filter.decode(condition.columnCondition), old)) throw new OtsError(403, 'OTSConditionCheckFail', 'Condition check failed.');
  }
}

function passes(filter: any, row: Row | undefined): boolean {
  if (filter.type === fpb.FilterType.FT_COMPOSITE_COLUMN_VALUE) {
    const c = fpb.CompositeColumnValueFilter.decode(filter.filter);
    const subs: boolean[] = c.subFilters.map((s: any) => passes(s, row));
    if (c.combinator === fpb.LogicalOperator.LO_AND) return subs.every(Boolean);
    if (c.combinator === fpb.LogicalOperator.LO_OR) return subs.some(Boolean);
    return !subs[0];
  }
  if (filter.type !== fpb.FilterType.FT_SINGLE_COLUMN_VALUE) throw new OtsError(400, 'OTSParameterInvalid', 'Unsupported filter type.');
  const s = fpb.SingleColumnValueFilter.decode(filter.filter);
  const stored = row?.columns.get(s.columnName);
  if (stored === undefined) return !s.filterIfMissing;
  const a = plain(stored);
  const b = readVariant(Buffer.from(s.columnValue));
  if (typeof a !== typeof b) return s.comparator === fpb.ComparatorType.CT_NOT_EQUAL;
  const cmp = a === b ? 0 : (a as never) < (b as never) ? -1 : 1;
  switch (s.comparator) {
    case fpb.ComparatorType.CT_EQUAL:
      return cmp === 0;
    case fpb.ComparatorType.CT_NOT_EQUAL:
      return cmp !== 0;
    case fpb.ComparatorType.CT_GREATER_THAN:
      return cmp > 0;
    case fpb.ComparatorType.CT_GREATER_EQUAL:
      return cmp >= 0;
    case fpb.ComparatorType.CT_LESS_THAN:
      return cmp < 0;
    default:
      return cmp <= 0;
  }
}

/** A serialized SQLVariant: type byte, then the value. */
function readVariant(b: Buffer): ColumnValue {
  const type = b[0];
  if (type === PBC.VT_INTEGER) return Number(b.readBigInt64LE(1));
  if (type === PBC.VT_DOUBLE) return b.readDoubleLE(1);
  if (type === PBC.VT_BOOLEAN) return b[1] !== 0;
  if (type === PBC.VT_STRING) return b.toString('utf8', 5, 5 + b.readUInt32LE(1));
  throw new OtsError(400, 'OTSParameterInvalid', `Unsupported column value type ${type}.`);
}
